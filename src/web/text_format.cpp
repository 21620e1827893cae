#include "web/text_format.h"

#include <vector>

#include "web/templates.h"

namespace web {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

void append_block(std::string& out, const std::vector<std::string_view>& lines) {
  if (lines.empty()) return;
  if (lines.size() == 1 && lines.front().starts_with("## ")) {
    out += "<h3>";
    append_html_escaped(out, trim(lines.front().substr(3)));
    out += "</h3>\n";
    return;
  }
  bool all_items = true;
  for (auto line : lines) all_items = all_items && line.starts_with("- ");
  if (all_items) {
    out += "<ul>";
    for (auto line : lines) {
      out += "<li>";
      append_html_escaped(out, trim(line.substr(2)));
      out += "</li>";
    }
    out += "</ul>\n";
    return;
  }
  out += "<p>";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += ' ';
    append_html_escaped(out, lines[i]);
  }
  out += "</p>\n";
}

}  // namespace

std::string plain_text_to_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  std::vector<std::string_view> block;
  while (true) {
    const auto end = text.find('\n');
    const auto line = trim(text.substr(0, end));
    if (line.empty()) {
      append_block(out, block);
      block.clear();
    } else if (line.starts_with("## ")) {
      // A heading stands alone even without a blank line around it.
      append_block(out, block);
      block.clear();
      append_block(out, {line});
    } else {
      block.push_back(line);
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  append_block(out, block);
  return out;
}

}  // namespace web
