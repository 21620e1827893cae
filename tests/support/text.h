// Small text checks the tests share (std::string::contains is C++23).
#pragma once

#include <string_view>

namespace testing_support {

inline bool contains(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

}  // namespace testing_support
