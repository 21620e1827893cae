#include "documents/diff.h"

#include <algorithm>
#include <cstdint>

namespace documents {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

}  // namespace

std::vector<DiffLine> line_diff(std::string_view before, std::string_view after) {
  const std::vector<std::string_view> a = split_lines(before);
  const std::vector<std::string_view> b = split_lines(after);
  std::vector<DiffLine> out;

  // The common start and end need no table.
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  for (std::size_t i = 0; i < prefix; ++i) out.push_back({DiffLine::Kind::Same, std::string(a[i])});

  const std::size_t n = a.size() - prefix - suffix;
  const std::size_t m = b.size() - prefix - suffix;
  if (n > kMaxDiffLines || m > kMaxDiffLines) {
    for (std::size_t i = 0; i < n; ++i) out.push_back({DiffLine::Kind::Removed, std::string(a[prefix + i])});
    for (std::size_t j = 0; j < m; ++j) out.push_back({DiffLine::Kind::Added, std::string(b[prefix + j])});
  } else {
    // lcs[i][j]: the longest common subsequence of a[i..n) and b[j..m) (middle parts only).
    std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;) {
      for (std::size_t j = m; j-- > 0;) {
        at(i, j) =
            a[prefix + i] == b[prefix + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
      }
    }
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[prefix + i] == b[prefix + j]) {
        out.push_back({DiffLine::Kind::Same, std::string(a[prefix + i])});
        ++i;
        ++j;
      } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
        out.push_back({DiffLine::Kind::Removed, std::string(a[prefix + i])});
        ++i;
      } else {
        out.push_back({DiffLine::Kind::Added, std::string(b[prefix + j])});
        ++j;
      }
    }
  }
  for (std::size_t k = a.size() - suffix; k < a.size(); ++k)
    out.push_back({DiffLine::Kind::Same, std::string(a[k])});
  return out;
}

}  // namespace documents
