// Turns plain text with a few Markdown habits into safe HTML, for content such as a network's story
// until full Markdown (cmark-gfm) arrives. Everything is HTML-escaped; only our own tags are added.
#pragma once

#include <string>
#include <string_view>

namespace web {

// Blocks are separated by blank lines. A block starting with "## " becomes an <h3>; a block whose
// lines all start with "- " becomes a <ul>; any other block is a <p> (its line breaks become spaces).
// Example: plain_text_to_html("Hallo & welkom\n\n- een\n- twee") ==
//          "<p>Hallo &amp; welkom</p>\n<ul><li>een</li><li>twee</li></ul>\n"
std::string plain_text_to_html(std::string_view text);

}  // namespace web
