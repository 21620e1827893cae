// Serves the embedded files under resources/assets/ at /assets/.
//
// Every asset is reachable by its plain name (/assets/app.css: revalidated with its ETag) and by a
// fingerprinted name (/assets/app.5d41402a.css: cached for a year, immutable). Templates ask
// url_for("app.css") for the fingerprinted URL. Text assets carry a gzip variant made once at
// start-up, served when the client accepts it. Immutable after construction; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"

namespace http {

class StaticAssets {
 public:
  // Loads every embedded resource under `resource_prefix` (e.g. "resources/assets/").
  explicit StaticAssets(std::string_view resource_prefix);

  // The fingerprinted URL for an asset's plain name, e.g. "/assets/app.5d41402a.css".
  // Throws std::out_of_range for an unknown name (a template bug, found at start-up by tests).
  std::string url_for(std::string_view name) const;

  // Answers GET/HEAD for a path under /assets/, or nullopt when no asset has that name.
  std::optional<Response> serve(const Request& request) const;

 private:
  struct Asset {
    std::string content_type;
    std::string_view body;
    std::string gzip_body;  // empty when compression does not pay
    std::string etag;
    std::string fingerprinted_name;
  };
  std::map<std::string, Asset, std::less<>> by_name_;           // plain name -> asset
  std::map<std::string, std::string, std::less<>> fingerprinted_;  // fingerprinted -> plain name
};

}  // namespace http
