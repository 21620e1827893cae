// Shared value types of the netwerkAtlas: tie kinds, the graph handed to the analytics engine, and
// the privacy choice each member makes. Plain values only; atlas-ties, atlas-engine and atlas-map use them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atlas {

// One byte: a million edges hold one each.
enum class TieKind : std::uint8_t {
  Knows,           // declared by a member, confirmed by the other (symmetric)
  WorkedTogether,  // declared, confirmed (symmetric)
  Referred,        // declared, confirmed; directed: the declarer referred a client to the other
  Backup,          // declared, confirmed; directed: the other member is the declarer's backup
  SharedGroup,     // derived: both are active members of the same knowledge groups (weight = how many)
  MetAtEvents,     // derived: both attended the same events (weight = how many)
};
inline constexpr TieKind kAllTieKinds[] = {TieKind::Knows,  TieKind::WorkedTogether, TieKind::Referred,
                                           TieKind::Backup, TieKind::SharedGroup,    TieKind::MetAtEvents};
inline constexpr TieKind kDeclaredTieKinds[] = {TieKind::Knows, TieKind::WorkedTogether, TieKind::Referred,
                                                TieKind::Backup};

// "knows", "worked_together", "referred", "backup", "shared_group", "met_at_events" (stored, JSON, URLs).
std::string_view to_string(TieKind kind);
std::optional<TieKind> tie_kind_from_string(std::string_view text);
// Declared kinds are made by members (and confirmed); derived kinds are computed by the system.
bool is_declared(TieKind kind);
// Referred and Backup have a direction (declarer -> other); the others are symmetric.
bool is_directed(TieKind kind);

// Who sees a member's ties (installation-wide, one choice per member: see privacy.h).
enum class TieVisibility {
  Network,      // every member of the network
  Connections,  // members with a confirmed declared tie to this member (and the member)
  Self,         // only the member themselves
};
std::string_view to_string(TieVisibility visibility);  // "network", "connections", "self"
std::optional<TieVisibility> tie_visibility_from_string(std::string_view text);

// A member in the atlas. Members hidden from the atlas are NOT in GraphInput at all.
// Disciplines and town/region are filled only when the member's profile shows them to members
// (members::Visibility Public or Members); otherwise they are empty.
struct Node {
  std::int64_t account_id = 0;
  std::string name;
  std::vector<std::string> disciplines;  // discipline codes (members/types.h), display order
  std::string town;
  std::string region;
  std::vector<std::int64_t> group_ids;  // knowledge groups (network/public visibility) the member is active in
  std::int64_t joined_at = 0;           // unix seconds: became an active member of the network
  TieVisibility ties_visibility = TieVisibility::Network;
  // "/leden/12": made when asked rather than kept (32 bytes for each of 100k members).
  std::string profile_path() const { return "/leden/" + std::to_string(account_id); }
  bool operator==(const Node&) const = default;
};

// Which end of a directed tie declared it (referred the client / has the backup).
enum class EdgeDirection : std::uint8_t { None, FromA, FromB };

// One tie between two members in the atlas. a < b always. Each kind is a separate edge, so one
// pair can have several edges (e.g. knows + shared_group). 40 bytes: a million of them are most of a
// 100k-member network's input (the fields are ordered so no padding is wasted).
struct Edge {
  std::int64_t a = 0;
  std::int64_t b = 0;
  TieKind kind = TieKind::Knows;
  EdgeDirection direction = EdgeDirection::None;  // directed kinds only; else None
  // declared: 1; shared_group: shared groups; met_at_events: shared events (whole numbers).
  float weight = 1;
  std::int64_t since = 0;  // unix seconds: declared: the date given (else the confirmation time);
                           // shared_group: when both were first in one group; met_at_events: first shared event
  std::int64_t tie_id = 0;  // the declared tie's id; 0 for derived ties

  // The declarer of a directed tie (a or b), else 0.
  std::int64_t from() const {
    return direction == EdgeDirection::FromA ? a : direction == EdgeDirection::FromB ? b : 0;
  }
  // The other end of a directed tie (the member referred to / the backup), else 0.
  std::int64_t to() const {
    return direction == EdgeDirection::FromA ? b : direction == EdgeDirection::FromB ? a : 0;
  }
  bool operator==(const Edge&) const = default;
};
static_assert(sizeof(Edge) <= 40, "an Edge grew: a 100k-member network holds a million of them");

// A declared tie as stored, whatever its state (only confirmed ones are in GraphInput).
enum class TieState { Pending, Confirmed, Declined, Withdrawn, Ended };
std::string_view to_string(TieState state);  // "pending", "confirmed", "declined", "withdrawn", "ended"
std::optional<TieState> tie_state_from_string(std::string_view text);

struct Tie {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::int64_t from_account = 0;  // the declarer
  std::int64_t to_account = 0;    // the member who confirms or declines
  TieKind kind = TieKind::Knows;  // a declared kind
  std::optional<std::int64_t> date;  // the date the declarer gave (00:00 UTC), if any
  std::string note;
  TieState state = TieState::Pending;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> decided_at;  // confirmed, declined or withdrawn
  std::optional<std::int64_t> ended_at;
  std::optional<std::int64_t> ended_by;
  bool operator==(const Tie&) const = default;
};

// A declared tie that was confirmed and later ended: not part of the network today (no metrics, no
// chains), but the map's time slider shows it on the days it lasted.
struct EndedEdge {
  Edge edge;
  std::int64_t until = 0;  // unix seconds: when it ended
};

struct GraphInput {
  std::int64_t network_id = 0;
  std::vector<Node> nodes;  // sorted by account_id
  std::vector<Edge> edges;  // sorted by (a, b, kind); both endpoints are in nodes
  std::vector<EndedEdge> ended;  // by (a, b, kind, until); both endpoints are in nodes
};

// The member's node in `input` (searched by halving: nodes are sorted), or nullptr.
const Node* find_node(const GraphInput& input, std::int64_t account_id);

}  // namespace atlas
