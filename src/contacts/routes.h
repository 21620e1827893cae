// HTTP for recruitment's contacts: the coordinator's list with filters and paging, the import in
// three steps (upload, column mapping with a preview, report with a CSV download), a contact's page
// with its history, erasure and the retention setting, all under /netwerken/{slug}/contacten and for
// the network's coordinators only; and GET /api/v1/contacts for coordinators' tokens. Services
// must outlive the router.
#pragma once

#include <span>
#include <string_view>

#include "api/openapi.h"
#include "contacts/import.h"
#include "contacts/service.h"
#include "http/router.h"
#include "web/site.h"

namespace contacts {

// The upload form posts here (a fixed path, so the server can allow this route a large body).
inline constexpr std::string_view kUploadPath = "/contacten/importeren";
// The body limit for kUploadPath: the largest file plus the form around it. Larger bodies get 413
// from the server before they are read; files between kMaxWebBytes and this get our own 413 page.
inline constexpr std::size_t kMaxUploadFormBytes = kMaxWebBytes + 1024 * 1024;

// Registers the pages. Throws std::runtime_error at start-up when a template is missing.
void register_routes(http::Router& router, const web::Site& site, Service& service);
// Registers GET /api/v1/contacts (documented in resources/api/openapi.json; checked at start-up).
// `is_coordinator` answers for API tokens too (pages refuse tokens; the API is for them).
void register_api_routes(http::Router& router, const web::Site& site, Service& service,
                         std::function<bool(const http::Viewer&, std::int64_t network_id)> is_coordinator);
std::span<const api::RouteSpec> api_routes();

}  // namespace contacts
