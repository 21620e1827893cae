// Markdown to safe HTML, for text members write (a profile's bio, later discussions): GitHub-flavoured
// Markdown through cmark-gfm with tables, autolinks, strikethrough and task lists. Raw HTML is never
// passed through (CMARK_OPT_UNSAFE is never set): it is dropped, and links with dangerous schemes
// (javascript:, vbscript:, file:, data: other than images) lose their target. Every link gets
// rel="nofollow ugc noopener", so member-written links pass no ranking and no window handle.
// Render once when the text is saved and store the HTML. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace web {

// The HTML for `markdown` (invalid UTF-8 is replaced), safe to insert into a page unescaped.
// Example: render_markdown("Zie [site](https://example.nl)") ==
//   "<p>Zie <a rel=\"nofollow ugc noopener\" href=\"https://example.nl\">site</a></p>\n"
std::string render_markdown(std::string_view markdown);

}  // namespace web
