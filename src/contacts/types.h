// The data of recruitment's contacts: people on an imported address list who are not (yet) members
// of the network, what they answered, and the imports they came from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace contacts {

// What a contact answered through their personal link.
enum class Response { Interested, NotNow, Never };
std::string_view to_string(Response response);  // "interested", "not_now", "never"
std::optional<Response> response_from(std::string_view text);

struct Contact {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string email;  // trimmed, lower-cased
  std::string name;
  std::string organisation;
  std::string town;
  std::string region;
  std::string discipline;
  std::string source;
  std::string legal_basis;
  std::string language = "nl";
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> import_id;
  std::optional<std::int64_t> unsubscribed_at;
  std::optional<std::int64_t> bounced_at;
  std::optional<std::string> bounce_reason;
  std::optional<std::int64_t> responded_at;
  std::optional<Response> response;
  std::optional<std::int64_t> last_mailed_at;
  std::optional<std::int64_t> account_id;  // the member this contact became
  std::optional<std::int64_t> became_member_at;

  // Whether a campaign may mail them: not unsubscribed, not bounced, never said "never".
  bool mailable() const { return !unsubscribed_at && !bounced_at && response != Response::Never; }
};

// One import as the contact's history and the import list show it.
struct ImportSummary {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::optional<std::int64_t> created_by;
  std::int64_t created_at = 0;
  std::string file_name;
  std::string source;
  std::string legal_basis;
  std::int64_t rows_total = 0;
  std::int64_t rows_added = 0;
  std::int64_t rows_merged = 0;
  std::int64_t rows_refused = 0;
  std::string report_json;
  std::string outcome;  // in a contact's history: "added" or "merged"
};

// The default retention period of contacts who never responded (recruitment_settings).
inline constexpr std::int64_t kDefaultRetentionDays = 365;

}  // namespace contacts
