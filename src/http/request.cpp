#include "http/request.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "http/parsers.h"

namespace http {

namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

constexpr std::array<std::pair<Method, std::string_view>, 7> kMethodNames{{
    {Method::Get, "GET"},
    {Method::Head, "HEAD"},
    {Method::Post, "POST"},
    {Method::Put, "PUT"},
    {Method::Patch, "PATCH"},
    {Method::Delete, "DELETE"},
    {Method::Options, "OPTIONS"},
}};
}  // namespace

std::string_view to_string(Method method) {
  for (const auto& [m, name] : kMethodNames) {
    if (m == method) return name;
  }
  return "OTHER";
}

Method method_from_string(std::string_view name) {
  for (const auto& [m, known] : kMethodNames) {
    if (known == name) return m;
  }
  return Method::Other;
}

void Headers::add(std::string name, std::string value) {
  entries_.emplace_back(lower(std::move(name)), std::move(value));
}

void Headers::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [key, value] : entries_) {
    if (equal_ignoring_case(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::vector<std::string_view> Headers::get_all(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& [key, value] : entries_) {
    if (equal_ignoring_case(key, name)) values.emplace_back(value);
  }
  return values;
}

void Headers::remove(std::string_view name) {
  std::erase_if(entries_, [&](const auto& entry) { return equal_ignoring_case(entry.first, name); });
}

std::string_view Request::path_param(std::string_view name) const {
  auto found = path_params.find(name);
  return found == path_params.end() ? std::string_view() : std::string_view(found->second);
}

bool origin_matches_host(const Request& request) {
  const auto origin = request.headers.get("origin");
  const auto host = request.headers.get("host");
  if (!origin || !host) return false;
  const std::size_t scheme_end = origin->find("://");
  if (scheme_end == std::string_view::npos) return false;
  std::string_view authority = origin->substr(scheme_end + 3);
  authority = authority.substr(0, authority.find('/'));
  return !authority.empty() && equal_ignoring_case(authority, *host);
}

}  // namespace http
