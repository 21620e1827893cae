#include "util/resources.h"

namespace util {

namespace {
Resource to_resource(const detail::EmbeddedFile& file) {
  return {file.path,
          std::string_view(file.begin, static_cast<std::size_t>(file.end - file.begin))};
}
}  // namespace

std::optional<std::string_view> find_resource(std::string_view path) {
  for (unsigned long i = 0; i < detail::kEmbeddedFileCount; ++i) {
    const auto& file = detail::kEmbeddedFiles[i];
    if (file.begin != nullptr && path == file.path) return to_resource(file).content;
  }
  return std::nullopt;
}

std::vector<Resource> resources_under(std::string_view prefix) {
  std::vector<Resource> found;  // the generated table is already sorted by path
  for (unsigned long i = 0; i < detail::kEmbeddedFileCount; ++i) {
    const auto& file = detail::kEmbeddedFiles[i];
    if (file.begin != nullptr && std::string_view(file.path).starts_with(prefix)) {
      found.push_back(to_resource(file));
    }
  }
  return found;
}

}  // namespace util
