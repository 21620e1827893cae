// A line diff between two versions of a post, for the edit history page: the longest common
// subsequence of lines, so a reader sees which lines were removed and added. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace discussions {

struct DiffLine {
  enum class Change { Same, Removed, Added };
  Change change = Change::Same;
  std::string text;
};

// Lines of `before` and `after` in reading order, each marked. Texts beyond kMaxDiffLines lines
// each are compared as one removed and one added block (the table would be too large to be useful).
inline constexpr std::size_t kMaxDiffLines = 2000;
std::vector<DiffLine> diff_lines(std::string_view before, std::string_view after);

}  // namespace discussions
