// SQL for declared ties, atlas privacy and the atlas's reads of other features' tables (members of
// a network, knowledge group members, event attendance). No rules here: see ties_service.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/privacy.h"
#include "atlas/types.h"
#include "db/database.h"

namespace atlas::ties_store {

// --- declared ties
// The pair as duplicates are judged: (lower, higher) for symmetric kinds, (from, to) for directed ones.
std::pair<std::int64_t, std::int64_t> duplicate_key(TieKind kind, std::int64_t from, std::int64_t to);

// Inserts a new tie (tie.id is ignored) and returns its id.
std::int64_t insert_tie(db::Session& session, const Tie& tie);
std::optional<Tie> find_tie(db::Session& session, std::int64_t tie_id);
// The pending or confirmed tie with this network, kind and duplicate key, if any.
std::optional<Tie> live_tie(db::Session& session, std::int64_t network_id, TieKind kind, std::int64_t key_a,
                            std::int64_t key_b);
// Moves a tie from `from` to `to` (confirmed/declined/withdrawn set decided_at; ended sets ended_at
// and ended_by). False when the tie was not in state `from` any more (nothing changed).
bool change_state(db::Session& session, std::int64_t tie_id, TieState from, TieState to, std::int64_t now,
                  std::int64_t actor);

// A tie with the names a page shows.
struct TieListing {
  Tie tie;
  std::string from_name;
  std::string to_name;
  std::string network_name;
  std::string network_slug;
};
// The pending and confirmed ties the member declared or received, in every network, newest first.
std::vector<TieListing> live_ties_of(db::Session& session, std::int64_t account_id);
// Every tie of the member in any state (personal-data export), oldest first.
std::vector<Tie> all_ties_of(db::Session& session, std::int64_t account_id);
// A confirmed tie as the atlas's input needs it: no note, no states (a 100k-member network reads a
// million of these every time its ties change).
struct ConfirmedTie {
  std::int64_t id = 0;
  std::int64_t from_account = 0;
  std::int64_t to_account = 0;
  TieKind kind = TieKind::Knows;
  std::int64_t since = 0;  // the date given, else the confirmation, else the declaration
};
// Confirmed ties of one network, by id.
std::vector<ConfirmedTie> confirmed_ties(db::Session& session, std::int64_t network_id);
// Every tie of the network that was confirmed and then ended, oldest first.
std::vector<Tie> ended_ties(db::Session& session, std::int64_t network_id);
// The network's ties decided (confirmed, declined, withdrawn) at or after `decided_since` or ended at
// or after `ended_since`, in their state now, by id: what changed in the atlas since a refresh.
std::vector<Tie> ties_changed_since(db::Session& session, std::int64_t network_id, std::int64_t decided_since,
                                    std::int64_t ended_since);
// The members with a confirmed tie to this member in the network (either direction, any kind).
std::vector<std::int64_t> connections_of(db::Session& session, std::int64_t account_id, std::int64_t network_id);
// Erasure: every tie the member declared or received.
void delete_ties_of(db::Session& session, std::int64_t account_id);

// --- privacy
std::optional<PrivacySettings> find_privacy(db::Session& session, std::int64_t account_id);
void put_privacy(db::Session& session, std::int64_t account_id, const PrivacySettings& settings, std::int64_t now);
void delete_privacy(db::Session& session, std::int64_t account_id);

// --- members and networks (read-only views of auth's, members' and regions' tables)
bool is_active_member(db::Session& session, std::int64_t account_id, std::int64_t network_id);
bool is_coordinator(db::Session& session, std::int64_t account_id, std::int64_t network_id);
// The networks both accounts are active members of, by id.
std::vector<std::int64_t> shared_networks(db::Session& session, std::int64_t a, std::int64_t b);
struct NetworkRef {
  std::int64_t id = 0;
  std::string slug;
  std::string name;
};
// The networks the account is an active member of, by name.
std::vector<NetworkRef> member_networks(db::Session& session, std::int64_t account_id);
std::optional<NetworkRef> find_network_by_slug(db::Session& session, std::string_view slug);
// The account's name when it exists and is active.
std::optional<std::string> active_account_name(db::Session& session, std::int64_t account_id);
// The profile is hidden from everyone but its owner (members::Visibility::Hidden).
bool profile_hidden(db::Session& session, std::int64_t account_id);

// A member of a network as the atlas reads it, before privacy filtering.
struct MemberRow {
  std::int64_t account_id = 0;
  std::string name;
  std::vector<std::string> disciplines;  // empty unless shown to members
  std::string town;                      // empty unless shown to members
  std::string region;
  std::int64_t joined_at = 0;
  PrivacySettings privacy;
  bool profile_hidden = false;
};
// Active members with active accounts of the network, by account id.
std::vector<MemberRow> network_members(db::Session& session, std::int64_t network_id);
// Who of the network is in the atlas and what they chose, as every atlas request reads it (narrow:
// no names or profile fields). Active members whose profile and atlas presence are not hidden.
std::vector<std::pair<std::int64_t, TieVisibility>> atlas_member_visibility(db::Session& session,
                                                                            std::int64_t network_id);
// The same for the given members only (those of them in the atlas), by account id.
std::vector<std::pair<std::int64_t, TieVisibility>> atlas_member_visibility(db::Session& session, std::int64_t network_id,
                                                                            const std::vector<std::int64_t>& members);

struct GroupMembership {
  std::int64_t group_id = 0;
  std::int64_t account_id = 0;
  std::int64_t joined_at = 0;  // when the membership became active
};
// Active memberships of the network's groups whose visibility is public or network, by group and account.
std::vector<GroupMembership> group_memberships(db::Session& session, std::int64_t network_id);

struct Attendance {
  std::int64_t occurrence_id = 0;
  std::int64_t account_id = 0;
  std::int64_t starts_at = 0;
};
// Members marked as attended at occurrences of the network's events (events of groups visible only
// to the group are left out), by occurrence and account.
std::vector<Attendance> attendances(db::Session& session, std::int64_t network_id);

// Members of the network whose name contains `text` (case-insensitive for ASCII letters), who are
// in the atlas and have a visible profile; at most `limit`, by name.
std::vector<std::pair<std::int64_t, std::string>> find_members_by_name(db::Session& session, std::int64_t network_id,
                                                                     std::string_view text, std::size_t limit);

}  // namespace atlas::ties_store
