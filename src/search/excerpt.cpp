#include "search/excerpt.h"

#include <vector>

#include "db/search_index.h"

namespace search {

namespace {

struct QueryWords {
  std::vector<std::string> stems;  // every word's stem
  std::string last_prefix;         // the last word, folded: also matches as a prefix
};

QueryWords query_words(std::string_view query) {
  QueryWords words;
  const std::vector<std::string> folded = db::search_words(query);
  for (const std::string& word : folded) words.stems.push_back(db::dutch_stem(word));
  if (!folded.empty()) words.last_prefix = folded.back();
  return words;
}

// Byte length of the UTF-8 sequence starting with `lead` (1 for stray continuation bytes).
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// Letters and digits: ASCII ones, and every non-ASCII character except general punctuation
// (U+2000-U+206F: dashes, quotes, ellipsis) and the Latin-1 punctuation block (U+00A0-U+00BF).
bool is_word_character(std::string_view text, std::size_t at) {
  const auto byte = static_cast<unsigned char>(text[at]);
  if (byte < 0x80) {
    return (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z');
  }
  if (byte == 0xE2 && at + 1 < text.size() && static_cast<unsigned char>(text[at + 1]) == 0x80) return false;
  if (byte == 0xC2) return false;
  return true;
}

bool matches(std::string_view word, const QueryWords& query) {
  if (query.stems.empty()) return false;
  for (const std::string& folded : db::search_words(word)) {
    const std::string stem = db::dutch_stem(folded);
    for (const std::string& wanted : query.stems) {
      if (stem == wanted) return true;
    }
    if (!query.last_prefix.empty() && folded.starts_with(query.last_prefix)) return true;
  }
  return false;
}

// Whitespace runs and Markdown markup become one space, so an excerpt reads as running text.
std::string flattened(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    const bool blank = c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '#' || c == '*' || c == '`' ||
                       c == '|' || c == '\f' || c == '\v';
    if (blank) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string excerpt_html(std::string_view raw_text, std::string_view query, std::size_t max_characters) {
  const std::string text = flattened(raw_text);
  const QueryWords words = query_words(query);

  // The words of the text with their byte ranges.
  struct Word {
    std::size_t begin;
    std::size_t end;
    bool match;
  };
  std::vector<Word> tokens;
  std::size_t first_match = std::string::npos;
  for (std::size_t at = 0; at < text.size();) {
    if (!is_word_character(text, at)) {
      at += sequence_length(static_cast<unsigned char>(text[at]));
      continue;
    }
    const std::size_t begin = at;
    while (at < text.size() && is_word_character(text, at))
      at += sequence_length(static_cast<unsigned char>(text[at]));
    if (at > text.size()) at = text.size();
    const bool match = matches(std::string_view(text).substr(begin, at - begin), words);
    if (match && first_match == std::string::npos) first_match = begin;
    tokens.push_back({begin, at, match});
    if (first_match != std::string::npos && at > first_match + max_characters * 4) break;  // enough seen
  }

  // Start about a fifth of the window before the first match, at a word's start (a text that fits
  // the window is shown whole).
  std::size_t total_characters = 0;
  for (std::size_t at = 0; at < text.size(); at += sequence_length(static_cast<unsigned char>(text[at]))) {
    ++total_characters;
  }
  std::size_t start = 0;
  if (first_match != std::string::npos && total_characters > max_characters) {
    const std::size_t lead = max_characters / 5;
    for (const Word& token : tokens) {
      if (token.begin + lead >= first_match) {
        start = token.begin;
        break;
      }
    }
  }
  // Count characters, not bytes, up to the window's end.
  std::size_t end = start;
  for (std::size_t count = 0; end < text.size() && count < max_characters; ++count) {
    end += sequence_length(static_cast<unsigned char>(text[end]));
  }
  if (end > text.size()) end = text.size();
  // Do not cut a word in half.
  for (const Word& token : tokens) {
    if (token.begin < end && token.end > end) {
      end = token.begin;
      break;
    }
  }

  std::string html = start > 0 ? "…" : "";
  std::size_t at = start;
  for (const Word& token : tokens) {
    if (token.end <= start || !token.match) continue;
    if (token.begin >= end) break;
    html += escape_html(std::string_view(text).substr(at, token.begin - at));
    html += "<mark>" + escape_html(std::string_view(text).substr(token.begin, token.end - token.begin)) +
            "</mark>";
    at = token.end;
  }
  if (at < end) html += escape_html(std::string_view(text).substr(at, end - at));
  while (!html.empty() && html.back() == ' ') html.pop_back();
  if (end < text.size()) html += " …";
  return html;
}

}  // namespace search
