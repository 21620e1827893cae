#include "auth/types.h"

#include <array>
#include <utility>

namespace auth {

namespace {

template <class Enum, std::size_t N>
std::optional<Enum> parse(const std::array<std::pair<Enum, std::string_view>, N>& names,
                          std::string_view text) {
  for (const auto& [value, name] : names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return name;
  }
  return names.front().second;
}

constexpr std::array<std::pair<AccountStatus, std::string_view>, 3> kAccountStatuses = {
    {{AccountStatus::Active, "active"},
     {AccountStatus::Disabled, "disabled"},
     {AccountStatus::Erased, "erased"}}};
constexpr std::array<std::pair<Role, std::string_view>, 2> kRoles = {
    {{Role::Member, "member"}, {Role::Coordinator, "coordinator"}}};
constexpr std::array<std::pair<MembershipStatus, std::string_view>, 3> kMembershipStatuses = {
    {{MembershipStatus::Active, "active"},
     {MembershipStatus::Pending, "pending"},
     {MembershipStatus::Rejected, "rejected"}}};
constexpr std::array<std::pair<SignupMode, std::string_view>, 3> kSignupModes = {
    {{SignupMode::Open, "open"}, {SignupMode::Invitation, "invitation"}, {SignupMode::Approval, "approval"}}};
constexpr std::array<std::pair<TokenPurpose, std::string_view>, 3> kTokenPurposes = {
    {{TokenPurpose::Verify, "verify"}, {TokenPurpose::Reset, "reset"}, {TokenPurpose::SignIn, "signin"}}};

}  // namespace

std::string_view to_string(AccountStatus status) { return name_of(kAccountStatuses, status); }
std::string_view to_string(Role role) { return name_of(kRoles, role); }
std::string_view to_string(MembershipStatus status) { return name_of(kMembershipStatuses, status); }
std::string_view to_string(SignupMode mode) { return name_of(kSignupModes, mode); }
std::string_view to_string(TokenPurpose purpose) { return name_of(kTokenPurposes, purpose); }
std::optional<AccountStatus> account_status_from(std::string_view text) {
  return parse(kAccountStatuses, text);
}
std::optional<Role> role_from(std::string_view text) { return parse(kRoles, text); }
std::optional<MembershipStatus> membership_status_from(std::string_view text) {
  return parse(kMembershipStatuses, text);
}
std::optional<SignupMode> signup_mode_from(std::string_view text) { return parse(kSignupModes, text); }

}  // namespace auth
