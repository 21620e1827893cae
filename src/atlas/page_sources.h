// Connects the atlas pages (page_routes.h) to the engine's atlas::Service: the atlas JSON a viewer
// may see, the figures over time, cluster names and the export URLs.
#pragma once

#include "atlas/page_routes.h"
#include "atlas/service.h"

namespace atlas {

// `service` must outlive the routes that use the result.
PageSources page_sources(Service& service);

}  // namespace atlas
