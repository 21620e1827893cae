// The audit log: one row per sensitive action (personal-data export, erasure, API tokens, role
// changes), written inside the transaction of the action itself so the log and the change commit
// together. Any feature may call record(); rows are never changed afterwards. Stateless; thread-safe.
//
// Example (inside a feature's write transaction):
//   audit::record(session, {.actor_account_id = viewer.account_id, .action = "account.export",
//                           .subject_type = "account", .subject_id = viewer.account_id});
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"

namespace audit {

struct Event {
  std::optional<std::int64_t> actor_account_id{};  // nullopt: the system or the command line
  std::string action{};                            // dotted, e.g. "account.erase", "api_token.revoke"
  std::string subject_type{};                      // e.g. "account", "api_token"
  std::optional<std::int64_t> subject_id{};
  // A JSON object with what a reader of the log needs; never a password, token or token hash.
  nlohmann::json details = nlohmann::json::object();
  std::optional<std::int64_t> at{};  // Unix seconds; nullopt: now
};

struct Entry {
  std::int64_t id = 0;
  std::int64_t at = 0;
  std::optional<std::int64_t> actor_account_id;
  std::string action;
  std::string subject_type;
  std::optional<std::int64_t> subject_id{};
  nlohmann::json details;
};

// Appends `event` to the log in the caller's transaction and returns the new row's id. Throws
// std::invalid_argument for an empty action or subject type, or details that are not an object.
std::int64_t record(db::Session& session, const Event& event);

// The entries about an account, oldest first: those whose subject is the account, and those the
// account did itself. For the latter, details are left out unless the subject is the account too,
// since they may describe someone else.
std::vector<Entry> entries_about_account(db::Session& session, std::int64_t account_id);

// Every entry with this action, oldest first (tests and administrators).
std::vector<Entry> entries_with_action(db::Session& session, std::string_view action);

}  // namespace audit
