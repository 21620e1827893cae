// The SQL for contacts, their imports and the filters of the coordinator's list and the API. Each
// function runs inside the caller's transaction and throws db::Error on database failures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "contacts/types.h"
#include "db/database.h"

namespace contacts::store {

// The columns contact_from() reads, in order, for "SELECT <kContactColumns> FROM contacts c".
extern const char* const kContactColumns;
Contact contact_from(const db::Row& row);

// What the list and the API filter on; empty strings and nothing mean "any".
struct Filter {
  std::int64_t network_id = 0;
  std::string town;  // exact, ignoring case
  std::string region;
  std::string discipline;
  std::string source;
  std::optional<bool> responded;
  std::string status;  // "", "mailable", "unsubscribed", "bounced", "member"
  std::string query;   // part of e-mail, name or organisation, ignoring case
  std::int64_t offset = 0;
  std::int64_t limit = 50;
};
std::vector<Contact> list(db::Session& session, const Filter& filter);
std::int64_t count(db::Session& session, const Filter& filter);  // ignores offset and limit

struct Totals {
  std::int64_t contacts = 0;
  std::int64_t responded = 0;
  std::int64_t interested = 0;
  std::int64_t unsubscribed = 0;
  std::int64_t bounced = 0;
  std::int64_t members = 0;
};
Totals totals(db::Session& session, std::int64_t network_id);

// The distinct values of a column of the network's contacts with their counts (the filter lists),
// most frequent first. `column` is one of "town", "region", "discipline", "source".
std::vector<std::pair<std::string, std::int64_t>> facet(db::Session& session, std::int64_t network_id,
                                                        const std::string& column, std::size_t limit);

std::optional<ImportSummary> find_import(db::Session& session, std::int64_t import_id);
std::vector<ImportSummary> imports_of_network(db::Session& session, std::int64_t network_id,
                                              std::size_t limit);
// The imports the contact came through (added or merged), oldest first.
std::vector<ImportSummary> imports_of_contact(db::Session& session, std::int64_t contact_id);

}  // namespace contacts::store
