// HTTP for member profiles and the directory. Everything works without JavaScript: the directory is
// a GET form with links for paging; the profile form is one POST (multipart when it carries a photo).
#pragma once

#include "http/router.h"
#include "members/service.h"
#include "regions/service.h"
#include "web/site.h"

namespace members {

// The largest body the profile form accepts: a 5 MB photo plus the other fields and multipart
// framing. The server applies it to POST /profiel only (http::ServerOptions::max_body_bytes_by_path).
inline constexpr std::size_t kMaxProfileFormBytes = kMaxPhotoBytes + 512 * 1024;
inline constexpr std::string_view kProfileFormPath = "/profiel";

// Registers:
//   GET      /leden                     the directory (filters, full-text q, pages: ?vanaf=cursor)
//   GET      /leden/{id}                a profile as the viewer may see it (404 when they may not)
//   GET      /leden/{id}/foto           the 400x400 photo; /leden/{id}/foto/klein the 96x96 one
//   GET/POST /profiel                   edit the own profile (sign-in required)
// `site`, `service` and `networks` must outlive the router. Throws std::runtime_error at start-up
// when a template is missing.
void register_routes(http::Router& router, const web::Site& site, Service& service,
                     regions::Service& networks);

}  // namespace members
