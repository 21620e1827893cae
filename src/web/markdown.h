// Markdown to safe HTML, for text members write (a profile's bio, later discussions): GitHub-flavoured
// Markdown through cmark-gfm with tables, autolinks, strikethrough and task lists. Raw HTML is never
// passed through (CMARK_OPT_UNSAFE is never set): it is dropped, and links with dangerous schemes
// (javascript:, vbscript:, file:, data: other than images) lose their target. Every link gets
// rel="nofollow ugc noopener", so member-written links pass no ranking and no window handle.
// Render once when the text is saved and store the HTML. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace web {

// The HTML for `markdown` (invalid UTF-8 is replaced), safe to insert into a page unescaped.
// Example: render_markdown("Zie [site](https://example.nl)") ==
//   "<p>Zie <a rel=\"nofollow ugc noopener\" href=\"https://example.nl\">site</a></p>\n"
std::string render_markdown(std::string_view markdown);

// The @mentions in the text of `markdown` (not in code, not inside links), as written without the
// '@', each once, in order of appearance. A handle is letters, digits, '-', '_' and '\'' after an '@'
// that does not follow a letter or digit: "@Anne-Marie-de-Vries" -> "Anne-Marie-de-Vries".
// Example: find_mentions("Vraag @Piet-Jansen, niet `@Jan`") == {"Piet-Jansen"}
std::vector<std::string> find_mentions(std::string_view markdown);

// As render_markdown, with every mention whose handle (as find_mentions returns it) is a key of
// `mention_urls` rendered as a link to that URL; other mentions stay plain text.
std::string render_markdown(std::string_view markdown, const std::map<std::string, std::string, std::less<>>& mention_urls);

}  // namespace web
