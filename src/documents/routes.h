// The pages of a knowledge group's library and wiki: the library with its folders and upload form
// (/groepen/{network}/{group}/documenten), a document with its versions and downloads
// (/documenten/{id}), the wiki's page list, pages, edit form, history and diff
// (/groepen/{network}/{group}/wiki/...). HTTP in and out only; the rules are documents::Service's.
#pragma once

#include <cstddef>
#include <functional>
#include <kainjow/mustache.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "documents/files.h"
#include "documents/service.h"
#include "http/router.h"
#include "web/site.h"

namespace documents {

// The two upload forms post to fixed paths, so the HTTP server can give exactly these a larger body
// limit (http::ServerOptions::max_body_bytes_by_path). The limit is twice the file limit: a file
// somewhat over 20 MiB still reaches us and gets the library's own page saying what the limit is.
inline constexpr std::string_view kUploadPath = "/documenten";
inline constexpr std::string_view kVersionUploadPath = "/documenten/versie";
inline constexpr std::size_t kMaxUploadFormBytes = 2 * files::kMaxUploadBytes;

// The group header of the groups feature (partials/group_header.mustache), when app/ wires it:
// the data for "group_header" on a page of this group with `tab` marked, or nothing.
using GroupHeader = std::function<std::optional<kainjow::mustache::data>(
    const http::Request& request, std::string_view network_slug, std::string_view group_slug,
    std::string_view tab)>;

struct RouteOptions {
  GroupHeader group_header;
  std::string stylesheet;  // the URL of documents.css (diff colours, tables)
};

void register_routes(http::Router& router, const web::Site& site, Service& service,
                     RouteOptions options = {});

}  // namespace documents
