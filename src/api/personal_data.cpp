#include "api/personal_data.h"

#include <chrono>

#include "api/account_data.h"
#include "api/member_json.h"
#include "api/tokens.h"
#include "audit/audit.h"

namespace api {

namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "knooppunt-personal-data/1";

json token_json(const ApiToken& token) {
  return {{"id", token.id},
          {"name", token.name},
          {"prefix", token.prefix},
          {"created_at", token.created_at},
          {"last_used_at", token.last_used_at ? json(*token.last_used_at) : json(nullptr)},
          {"revoked_at", token.revoked_at ? json(*token.revoked_at) : json(nullptr)}};
}

json audit_json(const audit::Entry& entry) {
  return {{"id", entry.id},
          {"at", entry.at},
          {"actor_account_id", entry.actor_account_id ? json(*entry.actor_account_id) : json(nullptr)},
          {"action", entry.action},
          {"subject_type", entry.subject_type},
          {"subject_id", entry.subject_id ? json(*entry.subject_id) : json(nullptr)},
          {"details", entry.details}};
}

}  // namespace

PersonalDataService::PersonalDataService(db::Database& database, members::Service& members,
                                         auth::PasswordHasher& hasher, auth::ThrottlePolicy throttle,
                                         std::filesystem::path data_dir, Clock clock)
    : database_(database),
      members_(members),
      hasher_(hasher),
      throttle_(throttle),
      data_dir_(std::move(data_dir)),
      clock_(std::move(clock)) {}

std::int64_t PersonalDataService::now() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<json> PersonalDataService::export_account(std::int64_t account_id) {
  const auto profile = members_.own_profile(account_id);
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> std::optional<json> {
    auto document = account_data::export_account(session, account_id);
    if (!document) return std::nullopt;
    const std::string email = (*document)["account"]["email"].get<std::string>();
    audit::record(session, {.actor_account_id = account_id,
                            .action = "account.export",
                            .subject_type = "account",
                            .subject_id = account_id,
                            .at = at});

    json result = {{"format", kFormat}, {"exported_at", at}};
    result["account"] = std::move((*document)["account"]);
    result["memberships"] = std::move((*document)["memberships"]);
    result["profile"] = profile ? own_profile_json(*profile, email, site_member_urls()) : json(nullptr);
    result["sessions"] = std::move((*document)["sessions"]);
    json tokens = json::array();
    for (const ApiToken& token : TokenService::list_in(session, account_id))
      tokens.push_back(token_json(token));
    result["api_tokens"] = std::move(tokens);
    json entries = json::array();
    for (const audit::Entry& entry : audit::entries_about_account(session, account_id)) {
      entries.push_back(audit_json(entry));
    }
    result["audit_log"] = std::move(entries);
    result["mail"] = account_data::export_mail(session, email);
    for (const auto& [key, exporter] : exporters_) result[key] = exporter(session, account_id);
    return result;
  });
}

PersonalDataService::EraseOutcome PersonalDataService::erase_account(std::int64_t account_id,
                                                                     std::string_view password,
                                                                     std::string_view ip) {
  const std::int64_t started = now();
  const auto found = database_.read([&](db::Session& session) {
    auto credentials = account_data::credentials(session, account_id);
    std::optional<std::int64_t> blocked;
    if (credentials) blocked = throttle_.blocked_until(session, credentials->email, ip, started);
    return std::make_pair(credentials, blocked);
  });
  const auto& credentials = found.first;
  if (!credentials || !credentials->active) return EraseOutcome::NoSuchAccount;
  if (found.second) return EraseOutcome::Throttled;
  if (password.empty()) return EraseOutcome::PasswordMissing;
  if (!hasher_.verify(credentials->password_hash, password)) {
    database_.write(
        [&](db::Session& session) { throttle_.record_failure(session, credentials->email, ip, now()); });
    return EraseOutcome::WrongPassword;
  }

  const std::int64_t at = now();
  return database_.write([&](db::Session& session) {
    // Re-read inside the transaction: the address may have changed since the password check.
    const auto current = account_data::credentials(session, account_id);
    if (!current || !current->active) return EraseOutcome::NoSuchAccount;
    members::erase_profile(session, data_dir_, account_id);
    for (const Eraser& eraser : erasers_) eraser(session, account_id);
    const account_data::ErasedAccount erased = account_data::erase_account(session, account_id, at);
    const std::int64_t tokens_revoked = TokenService::revoke_all_in(session, account_id, at);
    audit::record(session, {.actor_account_id = account_id,
                            .action = "account.erase",
                            .subject_type = "account",
                            .subject_id = account_id,
                            .details = {{"sessions_ended", erased.sessions_ended},
                                        {"memberships_ended", erased.memberships_ended},
                                        {"api_tokens_revoked", tokens_revoked},
                                        {"mails_deleted", erased.mails_deleted}},
                            .at = at});
    return EraseOutcome::Erased;
  });
}

}  // namespace api
