#include "events/types.h"

#include <array>
#include <utility>

namespace events {

namespace {

template <class Enum, std::size_t N>
std::optional<Enum> lookup(const std::array<std::pair<Enum, std::string_view>, N>& table,
                           std::string_view text) {
  for (const auto& [value, name] : table) {
    if (name == text) return value;
  }
  return std::nullopt;
}

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [candidate, name] : table) {
    if (candidate == value) return name;
  }
  return table.front().second;
}

constexpr std::array<std::pair<Kind, std::string_view>, 3> kKinds{
    {{Kind::Single, "single"}, {Kind::Series, "series"}, {Kind::Congress, "congress"}}};
constexpr std::array<std::pair<Visibility, std::string_view>, 2> kVisibilities{
    {{Visibility::Public, "public"}, {Visibility::Members, "members"}}};
constexpr std::array<std::pair<OccurrenceStatus, std::string_view>, 2> kStatuses{
    {{OccurrenceStatus::Scheduled, "scheduled"}, {OccurrenceStatus::Cancelled, "cancelled"}}};
constexpr std::array<std::pair<Response, std::string_view>, 4> kResponses{{{Response::Going, "going"},
                                                                           {Response::Maybe, "maybe"},
                                                                           {Response::NotGoing, "not_going"},
                                                                           {Response::Waiting, "waiting"}}};

}  // namespace

std::string_view to_string(Kind kind) { return name_of(kKinds, kind); }
std::string_view to_string(Visibility visibility) { return name_of(kVisibilities, visibility); }
std::string_view to_string(OccurrenceStatus status) { return name_of(kStatuses, status); }
std::string_view to_string(Response response) { return name_of(kResponses, response); }
std::optional<Kind> kind_from(std::string_view text) { return lookup(kKinds, text); }
std::optional<Visibility> visibility_from(std::string_view text) { return lookup(kVisibilities, text); }
std::optional<OccurrenceStatus> occurrence_status_from(std::string_view text) {
  return lookup(kStatuses, text);
}
std::optional<Response> response_from(std::string_view text) { return lookup(kResponses, text); }

}  // namespace events
