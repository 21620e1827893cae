// Files embedded in the binary at build time (migrations, templates, message catalogs, assets).
// Thread-safe: the data is immutable and lives for the whole program.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace util {

namespace detail {
struct EmbeddedFile {
  const char* path;
  const char* begin;
  const char* end;
};
extern const EmbeddedFile kEmbeddedFiles[];
extern const unsigned long kEmbeddedFileCount;
}  // namespace detail

struct Resource {
  std::string_view path;     // relative to the source tree, e.g. "resources/templates/home.mustache"
  std::string_view content;  // bytes of the file; a NUL follows them in memory
};

// The resource at `path`, or nothing.
// Example: util::find_resource("resources/i18n/nl.json")
std::optional<std::string_view> find_resource(std::string_view path);

// Every resource whose path starts with `prefix`, sorted by path.
std::vector<Resource> resources_under(std::string_view prefix);

}  // namespace util
