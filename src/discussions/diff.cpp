#include "discussions/diff.h"

#include <algorithm>
#include <cstdint>

namespace discussions {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  if (text.empty()) return lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

std::vector<DiffLine> diff_lines(std::string_view before, std::string_view after) {
  const std::vector<std::string_view> a = split_lines(before);
  const std::vector<std::string_view> b = split_lines(after);
  std::vector<DiffLine> out;
  if (a.size() > kMaxDiffLines || b.size() > kMaxDiffLines) {
    for (const auto line : a) out.push_back({DiffLine::Change::Removed, std::string(line)});
    for (const auto line : b) out.push_back({DiffLine::Change::Added, std::string(line)});
    return out;
  }
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const std::size_t rows = a.size() + 1;
  const std::size_t columns = b.size() + 1;
  std::vector<std::uint32_t> lcs(rows * columns, 0);
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      lcs[i * columns + j] = a[i] == b[j] ? lcs[(i + 1) * columns + j + 1] + 1
                                          : std::max(lcs[(i + 1) * columns + j], lcs[i * columns + j + 1]);
    }
  }
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      out.push_back({DiffLine::Change::Same, std::string(a[i])});
      ++i;
      ++j;
    } else if (lcs[(i + 1) * columns + j] >= lcs[i * columns + j + 1]) {
      out.push_back({DiffLine::Change::Removed, std::string(a[i++])});
    } else {
      out.push_back({DiffLine::Change::Added, std::string(b[j++])});
    }
  }
  for (; i < a.size(); ++i) out.push_back({DiffLine::Change::Removed, std::string(a[i])});
  for (; j < b.size(); ++j) out.push_back({DiffLine::Change::Added, std::string(b[j])});
  return out;
}

}  // namespace discussions
