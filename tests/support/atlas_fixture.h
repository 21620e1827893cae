// Test support for the atlas: a small world of networks, members, knowledge groups and attended
// events written straight into a database, so ties, privacy and graph tests state exactly what
// exists. Header-only; used by tests/unit/atlas_* (and the engine's tests, if useful).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/service.h"
#include "db/database.h"

namespace testing_support {

class AtlasWorld {
 public:
  explicit AtlasWorld(db::Database& database) : database_(database) {}

  std::int64_t add_network(const std::string& slug, const std::string& name) {
    return database_.write([&](db::Session& session) {
      return session.query_one("INSERT INTO networks (slug, name, created_at) VALUES (?, ?, ?) RETURNING id",
                               {slug, name, std::int64_t{1600000000}})
          ->int64(0);
    });
  }

  // An active, verified account, active member of each network, joined at `joined_at`.
  std::int64_t add_member(const std::string& name, const std::vector<std::int64_t>& networks,
                          std::int64_t joined_at = 1600000000, auth::Role role = auth::Role::Member) {
    return database_.write([&](db::Session& session) {
      auth::NewAccount account;
      account.name = name;
      account.email = "lid" + std::to_string(++counter_) + "@atlas.example.nl";
      account.verified = true;
      account.created_at = joined_at;
      const std::int64_t id = auth::create_account(session, account);
      for (std::int64_t network : networks) {
        auth::add_membership(session, id, network, role, auth::MembershipStatus::Active, joined_at);
      }
      return id;
    });
  }

  // A profile with disciplines, town and region; `profile_visibility` 2 hides the whole profile.
  void set_profile(std::int64_t account, const std::string& disciplines, const std::string& town,
                   const std::string& region, int profile_visibility = 1, int town_visibility = 1) {
    database_.write([&](db::Session& session) {
      session.execute(
          "INSERT INTO profiles (account_id, disciplines, town, region, profile_visibility, town_visibility, "
          "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          {account, disciplines, town, region, std::int64_t{profile_visibility}, std::int64_t{town_visibility},
           std::int64_t{1600000000}});
    });
  }

  void set_account_status(std::int64_t account, const std::string& status) {
    database_.write([&](db::Session& session) {
      session.execute("UPDATE accounts SET status = ? WHERE id = ?", {status, account});
    });
  }

  // A knowledge group; visibility "public", "network" or "group".
  std::int64_t add_group(std::int64_t network, const std::string& slug, const std::string& visibility = "network") {
    return database_.write([&](db::Session& session) {
      return session
          .query_one("INSERT INTO knowledge_groups (network_id, slug, name, created_at, visibility) "
                     "VALUES (?, ?, ?, ?, ?) RETURNING id",
                     {network, slug, slug, std::int64_t{1600000000}, visibility})
          ->int64(0);
    });
  }

  // state "active", "requested" or "invited".
  void join_group(std::int64_t group, std::int64_t account, std::int64_t joined_at,
                  const std::string& state = "active") {
    database_.write([&](db::Session& session) {
      session.execute(
          "INSERT INTO group_members (group_id, account_id, state, created_at, joined_at) VALUES (?, ?, ?, ?, ?)",
          {group, account, state, joined_at, state == "active" ? db::Value(joined_at) : db::null()});
    });
  }

  // One occurrence of an event in the network at `starts_at`; `group` 0: not a group's event.
  std::int64_t add_occurrence(std::int64_t network, std::int64_t starts_at, std::int64_t group = 0) {
    return database_.write([&](db::Session& session) {
      const std::int64_t event =
          session
              .query_one("INSERT INTO events (network_id, group_id, title, starts_local, duration_minutes, "
                         "created_at, updated_at) VALUES (?, ?, 'Ontbijt', '2024-01-01T07:30', 90, ?, ?) RETURNING id",
                         {network, group == 0 ? db::null() : db::Value(group), starts_at, starts_at})
              ->int64(0);
      return session
          .query_one("INSERT INTO event_occurrences (event_id, recurrence_id, starts_at, ends_at) "
                     "VALUES (?, ?, ?, ?) RETURNING id",
                     {event, std::to_string(starts_at), starts_at, starts_at + 5400})
          ->int64(0);
    });
  }

  // The member answered going; `attended` marks them as present (or, false, as a no-show).
  void attend(std::int64_t occurrence, std::int64_t account, bool attended = true) {
    database_.write([&](db::Session& session) {
      session.execute(
          "INSERT INTO event_rsvps (occurrence_id, account_id, name, email, response, attended, created_at, "
          "updated_at) VALUES (?, ?, 'x', 'x@example.nl', 'going', ?, 0, 0)",
          {occurrence, account, std::int64_t{attended ? 1 : 0}});
    });
  }

 private:
  db::Database& database_;
  int counter_ = 0;
};

}  // namespace testing_support
