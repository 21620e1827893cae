// Search excerpts: the part of a hit's text around the first word that matches the query, as HTML
// with the matching words in <mark> and everything else escaped. Words match as the search index
// matches them (db/search_index.h): accents folded, Dutch stems compared, the query's last word also
// as a prefix. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace search {

// Escaped HTML of at most about `max_characters` characters of `text` (whitespace and Markdown
// markup collapsed), starting a little before the first match, with "…" where the text was cut.
// Example: excerpt_html("Zie de <b>verzekeringen</b> hier", "verzekering")
//   == "Zie de &lt;b&gt;<mark>verzekeringen</mark>&lt;/b&gt; hier"
std::string excerpt_html(std::string_view text, std::string_view query, std::size_t max_characters = 220);

// `text` with & < > " ' escaped for HTML.
std::string escape_html(std::string_view text);

}  // namespace search
