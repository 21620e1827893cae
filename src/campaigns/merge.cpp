#include "campaigns/merge.h"

#include <algorithm>
#include <optional>

namespace campaigns {

namespace {

bool is_field_char(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

std::string clean(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = ' ';
  }
  return out;
}

std::optional<std::string> value_of(std::string_view field, const MergeValues& values) {
  if (field == "naam" || field == "name") return values.name;
  if (field == "voornaam" || field == "first_name") return first_name(values.name);
  if (field == "plaats" || field == "town") return values.town;
  if (field == "organisatie" || field == "organisation") return values.organisation;
  return std::nullopt;
}

// Calls on_field(field, start, end) for each "{name}" with a lower-case name of letters and '_'.
template <class Fn>
void for_each_field(std::string_view text, Fn&& on_field) {
  std::size_t at = 0;
  while ((at = text.find('{', at)) != std::string_view::npos) {
    std::size_t end = at + 1;
    while (end < text.size() && is_field_char(text[end])) ++end;
    if (end < text.size() && text[end] == '}' && end > at + 1) {
      on_field(text.substr(at + 1, end - at - 1), at, end + 1);
      at = end + 1;
    } else {
      ++at;
    }
  }
}

std::string escape_markdown(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 8);
  for (char c : clean(value)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80 && ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
                        (c >= '{' && c <= '~'))) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

template <class Escape>
std::string merge(std::string_view text, const MergeValues& values, Escape&& escape) {
  std::string out;
  out.reserve(text.size() + 64);
  std::size_t copied = 0;
  for_each_field(text, [&](std::string_view field, std::size_t start, std::size_t end) {
    const auto value = value_of(field, values);
    if (!value) return;
    out.append(text.substr(copied, start - copied));
    out += escape(*value);
    copied = end;
  });
  out.append(text.substr(copied));
  return out;
}

}  // namespace

const std::vector<std::string_view>& known_fields() {
  static const std::vector<std::string_view> fields{"naam",       "voornaam", "plaats", "organisatie",
                                                    "name",       "first_name", "town", "organisation"};
  return fields;
}

std::vector<std::string> unknown_fields(std::string_view text) {
  std::vector<std::string> unknown;
  if (text.find("{{") != std::string_view::npos) unknown.emplace_back("{{");
  for_each_field(text, [&](std::string_view field, std::size_t, std::size_t) {
    if (value_of(field, MergeValues{})) return;
    std::string written = "{" + std::string(field) + "}";
    if (std::find(unknown.begin(), unknown.end(), written) == unknown.end()) unknown.push_back(std::move(written));
  });
  return unknown;
}

std::string first_name(std::string_view name) {
  const std::size_t start = name.find_first_not_of(' ');
  if (start == std::string_view::npos) return "";
  const std::size_t end = name.find(' ', start);
  return std::string(name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

std::string merge_plain(std::string_view text, const MergeValues& values) {
  return merge(text, values, [](const std::string& value) { return clean(value); });
}

std::string merge_markdown(std::string_view markdown, const MergeValues& values) {
  return merge(markdown, values, [](const std::string& value) { return escape_markdown(value); });
}

}  // namespace campaigns
