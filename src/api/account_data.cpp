#include "api/account_data.h"

#include "mail/outbox.h"

namespace api::account_data {

namespace {

using nlohmann::json;

json optional_json(const std::optional<std::int64_t>& value) { return value ? json(*value) : json(nullptr); }

}  // namespace

std::string tombstone_email(std::int64_t account_id) { return auth::tombstone_email(account_id); }

std::optional<http::Viewer> active_viewer(db::Session& session, std::int64_t account_id) {
  const auto account = auth::find_account(session, account_id);
  if (!account || account->status != auth::AccountStatus::Active) return std::nullopt;
  http::Viewer viewer;
  viewer.account_id = account->id;
  viewer.name = account->name;
  viewer.email = account->email;
  viewer.language = account->language;
  viewer.administrator = account->is_admin;
  return viewer;
}

std::optional<Credentials> credentials(db::Session& session, std::int64_t account_id) {
  const auto account = auth::find_account(session, account_id);
  if (!account) return std::nullopt;
  return Credentials{account->email, account->password_hash, account->status == auth::AccountStatus::Active};
}

std::optional<json> export_account(db::Session& session, std::int64_t account_id) {
  return auth::export_account_data(session, account_id);
}

json export_mail(db::Session& session, std::string_view email) {
  json mails = json::array();
  for (const mail::OutboxEntry& entry : mail::messages_to(session, email)) {
    mails.push_back({{"id", entry.id},
                     {"to_address", entry.message.to_address},
                     {"to_name", entry.message.to_name},
                     {"subject", entry.message.subject},
                     {"text", entry.message.text},
                     {"kind", entry.message.kind},
                     {"created_at", entry.created_at},
                     {"sent_at", optional_json(entry.sent_at)},
                     {"failed_at", optional_json(entry.failed_at)}});
  }
  return mails;
}

ErasedAccount erase_account(db::Session& session, std::int64_t account_id, std::int64_t now) {
  const auth::ErasedAccountData account = auth::erase_account_data(session, account_id, now);
  ErasedAccount erased;
  erased.sessions_ended = account.sessions_ended;
  erased.memberships_ended = account.memberships_ended;
  if (!account.email.empty()) erased.mails_deleted = mail::forget_recipient(session, account.email);
  return erased;
}

}  // namespace api::account_data
