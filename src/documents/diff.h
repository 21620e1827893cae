// A line diff between two texts (a wiki page's revisions): the longest common subsequence of their
// lines, as kept, removed and added lines in order. Written here rather than taken from a library:
// Debian has no small C++ diff library (libxdiff is not packaged; diffutils is a program), and a
// wiki page is short. Pages over kMaxDiffLines lines after trimming their common start and end are
// shown as "all removed, all added" instead of spending quadratic time. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace documents {

inline constexpr std::size_t kMaxDiffLines = 2000;

struct DiffLine {
  enum class Kind { Same, Removed, Added };
  Kind kind = Kind::Same;
  std::string text;
};

// The lines of `before` and `after` ("\r\n" and "\n" both end a line).
std::vector<DiffLine> line_diff(std::string_view before, std::string_view after);

}  // namespace documents
