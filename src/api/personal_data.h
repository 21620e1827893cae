// Personal data (AVG/GDPR): a member downloads everything the system holds about them as one JSON
// document, and erases their account: personal data gone, contributions kept under "Voormalig lid".
// Both are written to the audit log. No HTTP here. Thread-safe: each call runs its own transactions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/passwords.h"
#include "auth/throttle.h"
#include "db/database.h"
#include "members/service.h"

namespace api {

class PersonalDataService {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix seconds

  // `data_dir` is the one members::Service keeps photos under. `throttle` counts wrong passwords
  // together with failed sign-ins, so the erasure form is no way around sign-in throttling.
  PersonalDataService(db::Database& database, members::Service& members, auth::PasswordHasher& hasher,
                      auth::ThrottlePolicy throttle, std::filesystem::path data_dir, Clock clock = {});

  // Everything about the account: account, memberships, profile (every field, hidden ones too, with
  // their visibility), sessions (no token hashes), API tokens (no hashes), audit entries about it and
  // the e-mails addressed to it. Records "account.export". Nothing when there is no such account.
  std::optional<nlohmann::json> export_account(std::int64_t account_id);

  enum class EraseOutcome { Erased, PasswordMissing, WrongPassword, Throttled, NoSuchAccount };
  // Checks the password (outside any transaction: argon2 is slow), then in ONE write transaction
  // deletes the profile and photos, anonymises the account, ends sessions and memberships, revokes
  // API tokens, runs every registered eraser (event answers, group memberships, ...) and deletes
  // the mail to it, and records "account.erase". `ip` feeds the throttle.
  EraseOutcome erase_account(std::int64_t account_id, std::string_view password, std::string_view ip);

  // Each feature that keeps personal data registers what erasure does to it (app/ wires them), so
  // this service need not know every feature. Erasers run in registration order inside the one
  // erasure transaction, before the account row is anonymised. Register before serving.
  using Eraser = std::function<void(db::Session& session, std::int64_t account_id)>;
  void add_eraser(Eraser eraser) { erasers_.push_back(std::move(eraser)); }
  // The same for the download: each feature adds its part under `key` of the exported document.
  using Exporter = std::function<nlohmann::json(db::Session& session, std::int64_t account_id)>;
  void add_exporter(std::string key, Exporter exporter) { exporters_.emplace_back(std::move(key), std::move(exporter)); }

 private:
  std::int64_t now() const;

  db::Database& database_;
  members::Service& members_;
  auth::PasswordHasher& hasher_;
  auth::SignInThrottle throttle_;
  std::filesystem::path data_dir_;
  Clock clock_;
  std::vector<Eraser> erasers_;
  std::vector<std::pair<std::string, Exporter>> exporters_;
};

}  // namespace api
