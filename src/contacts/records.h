// Contact-level operations other features compose inside their own write transaction (campaigns mark
// mailings, bounces and responses; the personal page exports and erases). Each takes the caller's
// db::Session, runs only SQL for the contacts tables, and throws db::Error on database failures.
//
// Example (a campaign's bounce handler):
//   database.write([&](db::Session& s) { contacts::mark_bounced(s, network_id, rcpt, "550 no such user",
//   now); });
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "contacts/types.h"
#include "db/database.h"

namespace contacts {

// The address as stored: trimmed and lower-cased (ASCII; the local part of a Dutch address is ASCII).
std::string normalize_email(std::string_view email);
// Hex BLAKE2b-256 of the normalised address: what contact_suppressions keeps instead of the address.
std::string email_hash(std::string_view email);

// The contact with this id, or nothing.
std::optional<Contact> find_contact(db::Session& session, std::int64_t contact_id);
// The contact of the network with this address (normalised here), or nothing.
std::optional<Contact> find_contact_by_email(db::Session& session, std::int64_t network_id,
                                             std::string_view email);

// Sets unsubscribed_at (kept when already set) and adds an 'unsubscribed' suppression; false for an unknown
// id.
bool mark_unsubscribed(db::Session& session, std::int64_t contact_id, std::int64_t now);
// Marks the network's contact with this address bounced (reason kept, cut to 500 bytes) and suppresses
// the address; false when the network holds no contact with it (the suppression is added anyway).
bool mark_bounced(db::Session& session, std::int64_t network_id, std::string_view email,
                  std::string_view reason, std::int64_t now);
// Records the answer from the personal link (a later answer replaces an earlier one); "never" also
// suppresses the address. False for an unknown id.
bool record_response(db::Session& session, std::int64_t contact_id, Response response, std::int64_t now);
// Sets last_mailed_at (the retention clock restarts from the last mailing); false for an unknown id.
bool mark_mailed(db::Session& session, std::int64_t contact_id, std::int64_t now);
// Whether the address may never be mailed by this network (unsubscribed, "never", bounced, erased),
// with the reason; checks both the suppression hashes and the contact's own flags.
std::optional<std::string> suppression_reason(db::Session& session, std::int64_t network_id,
                                              std::string_view email);
bool is_suppressed(db::Session& session, std::int64_t network_id, std::string_view email);
// Adds (or keeps) a suppression hash for the address.
void suppress(db::Session& session, std::int64_t network_id, std::string_view email, std::string_view reason,
              std::int64_t now);
// Everything held about the contact (for their personal page's "what do you hold about me"):
// the contact row, the imports they came through and the network's name. Null for an unknown id.
nlohmann::json export_contact(db::Session& session, std::int64_t contact_id);
// Deletes the contact (rows of other features that reference it go with it: ON DELETE CASCADE). When
// they unsubscribed, answered "never", bounced or `reason` is "unsubscribed"/"never", only a
// suppression hash of the address stays, so no later import or campaign reaches them again. False
// for an unknown id.
bool erase_contact(db::Session& session, std::int64_t contact_id, std::string_view reason, std::int64_t now);

// Personal data of a member (api::PersonalDataService): the contacts that became this account, in
// any network. Erasing a member deletes them (no suppression: a member's mail is theirs to manage).
nlohmann::json export_member(db::Session& session, std::int64_t account_id);
void erase_member(db::Session& session, std::int64_t account_id);

// The network's retention period in days (kDefaultRetentionDays when never set).
std::int64_t retention_days(db::Session& session, std::int64_t network_id);
void set_retention_days(db::Session& session, std::int64_t network_id, std::int64_t days);
// Erases the contacts of every network who never responded, are not members, and whose later of
// created_at and last_mailed_at lies more than the network's retention period before `now`. Returns
// how many were erased. No suppression is kept (they never asked for anything).
std::int64_t erase_expired(db::Session& session, std::int64_t now);

}  // namespace contacts
