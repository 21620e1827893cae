// Names of the atlas value types as stored and as the JSON API and URLs spell them.
#include "atlas/types.h"

#include <algorithm>

namespace atlas {

std::string_view to_string(TieKind kind) {
  switch (kind) {
    case TieKind::Knows: return "knows";
    case TieKind::WorkedTogether: return "worked_together";
    case TieKind::Referred: return "referred";
    case TieKind::Backup: return "backup";
    case TieKind::SharedGroup: return "shared_group";
    case TieKind::MetAtEvents: return "met_at_events";
  }
  return "knows";
}

std::optional<TieKind> tie_kind_from_string(std::string_view text) {
  for (TieKind kind : kAllTieKinds) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

bool is_declared(TieKind kind) {
  return kind == TieKind::Knows || kind == TieKind::WorkedTogether || kind == TieKind::Referred ||
         kind == TieKind::Backup;
}

bool is_directed(TieKind kind) { return kind == TieKind::Referred || kind == TieKind::Backup; }

std::string_view to_string(TieVisibility visibility) {
  switch (visibility) {
    case TieVisibility::Network: return "network";
    case TieVisibility::Connections: return "connections";
    case TieVisibility::Self: return "self";
  }
  return "network";
}

std::optional<TieVisibility> tie_visibility_from_string(std::string_view text) {
  if (text == "network") return TieVisibility::Network;
  if (text == "connections") return TieVisibility::Connections;
  if (text == "self") return TieVisibility::Self;
  return std::nullopt;
}

std::string_view to_string(TieState state) {
  switch (state) {
    case TieState::Pending: return "pending";
    case TieState::Confirmed: return "confirmed";
    case TieState::Declined: return "declined";
    case TieState::Withdrawn: return "withdrawn";
    case TieState::Ended: return "ended";
  }
  return "pending";
}

std::optional<TieState> tie_state_from_string(std::string_view text) {
  for (TieState state : {TieState::Pending, TieState::Confirmed, TieState::Declined, TieState::Withdrawn,
                         TieState::Ended}) {
    if (to_string(state) == text) return state;
  }
  return std::nullopt;
}

const Node* find_node(const GraphInput& input, std::int64_t account_id) {
  const auto found = std::lower_bound(input.nodes.begin(), input.nodes.end(), account_id,
                                      [](const Node& node, std::int64_t id) { return node.account_id < id; });
  return found != input.nodes.end() && found->account_id == account_id ? &*found : nullptr;
}

}  // namespace atlas
