#include "discussions/types.h"

namespace discussions {

std::string_view to_string(Kind kind) { return kind == Kind::Question ? "question" : "discussion"; }

std::optional<Kind> kind_from(std::string_view text) {
  if (text == "discussion") return Kind::Discussion;
  if (text == "question") return Kind::Question;
  return std::nullopt;
}

std::int64_t page_of(std::int64_t post_number) {
  return post_number < 1 ? 1 : (post_number - 1) / kPostsPerPage + 1;
}

std::string topic_path(std::int64_t topic_id) { return "/onderwerpen/" + std::to_string(topic_id); }

std::string post_path(std::int64_t topic_id, std::int64_t post_number, std::int64_t reply_id) {
  std::string path = topic_path(topic_id);
  if (const std::int64_t page = page_of(post_number); page > 1) path += "?pagina=" + std::to_string(page);
  return path + "#reactie-" + std::to_string(reply_id);
}

}  // namespace discussions
