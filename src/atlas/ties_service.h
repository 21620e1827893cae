// The rules for declared ties and atlas privacy: declaring a tie to another member of the same
// network, confirming or declining it (only the other side), withdrawing it (only the declarer),
// ending it (either side), and each member's two privacy choices. No HTTP here: the pages and the
// JSON API (atlas/ties_routes.h) both call this. Thread-safe: each call runs its own transactions.
//
// Duplicates: at most one pending or confirmed tie per network, kind and pair. Knows and worked
// together are symmetric (A→B blocks B→A); referred and backup are directed (A referred a client to
// B, or B is A's backup), so A→B and B→A are two different ties. Declined, withdrawn and ended ties
// do not block a new declaration.
//
// Example (the API's POST /api/v1/ties):
//   auto declared = ties.declare(viewer.account_id, atlas::DeclareInput{.other_account = 40, .kind = "knows"});
//   if (!declared.ok()) return error(atlas::http_status(declared.error->failure), declared.error->message_key);
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "atlas/privacy.h"
#include "atlas/ties_store.h"
#include "atlas/types.h"
#include "db/database.h"

namespace atlas {

inline constexpr std::size_t kMaxNoteLength = 500;  // characters (bytes of UTF-8 counted as characters)

enum class Failure { Invalid, NotFound, Forbidden, Conflict };
int http_status(Failure failure);  // 422, 404, 403, 409

// Why something was refused: the field (form and API name) and a catalog key under atlas.ties.errors.
struct Error {
  Failure failure = Failure::Invalid;
  std::string field;
  std::string message_key;
};

template <class T>
struct Result {
  std::optional<T> value;
  std::optional<Error> error;  // set exactly when value is not
  bool ok() const { return value.has_value(); }
  static Result fail(Failure failure, std::string field, std::string key) {
    Result result;
    result.error = Error{failure, std::move(field), std::move(key)};
    return result;
  }
  static Result of(T value) {
    Result result;
    result.value = std::move(value);
    return result;
  }
};

struct DeclareInput {
  std::int64_t other_account = 0;
  std::string kind;                       // "knows", "worked_together", "referred", "backup"
  std::string date;                       // "YYYY-MM-DD" or empty; not in the future
  std::string note;                       // optional, at most kMaxNoteLength characters
  std::optional<std::int64_t> network_id; // absent: the one network both are active members of
};

// A member's ties as the "Mijn relaties" page shows them.
struct MyTies {
  std::vector<ties_store::TieListing> confirmed;
  std::vector<ties_store::TieListing> outgoing;  // pending, declared by me
  std::vector<ties_store::TieListing> incoming;  // pending, waiting for my answer
};

// A member one may declare a tie to (the name search of the form).
struct Candidate {
  std::int64_t account_id = 0;
  std::string name;
  std::int64_t network_id = 0;
  std::string network_name;
};

struct TiesOptions {
  std::function<std::int64_t()> clock;  // Unix seconds; empty: the system clock
  // Called after a committed change the atlas shows (a tie confirmed or ended, a privacy choice), so
  // the atlas can refresh now instead of at its next poll. Empty: nothing is told.
  std::function<void()> changed;
};

class TiesService {
 public:
  explicit TiesService(db::Database& database, TiesOptions options = {});

  // Declares a pending tie; the other member is told (notifications, kind "tie.requested").
  Result<Tie> declare(std::int64_t actor, const DeclareInput& input);
  // Only the other side confirms or declines a pending tie; confirming tells the declarer
  // ("tie.confirmed"). Only the declarer withdraws a pending one. Either side ends a confirmed one.
  Result<Tie> confirm(std::int64_t actor, std::int64_t tie_id);
  Result<Tie> decline(std::int64_t actor, std::int64_t tie_id);
  Result<Tie> withdraw(std::int64_t actor, std::int64_t tie_id);
  Result<Tie> end(std::int64_t actor, std::int64_t tie_id);

  MyTies my_ties(std::int64_t actor);
  // The tie when the actor is one of its two sides.
  std::optional<Tie> find_own(std::int64_t actor, std::int64_t tie_id);
  // Members in the actor's networks whose name contains `text` (at least 2 characters), not the
  // actor, in the atlas; at most 20.
  std::vector<Candidate> candidates(std::int64_t actor, const std::string& text);
  // The member one may declare a tie to, with the networks both are in (empty: none).
  std::vector<ties_store::NetworkRef> shared_networks(std::int64_t actor, std::int64_t other);
  std::optional<std::string> member_name(std::int64_t account_id);
  bool is_member_anywhere(std::int64_t account_id);

  PrivacySettings settings(std::int64_t actor);
  void save_settings(std::int64_t actor, const PrivacySettings& settings);

  // Personal data: everything about the member's ties and settings (export), and erasure (in the
  // erasure's transaction).
  static nlohmann::json export_member(db::Session& session, std::int64_t account_id);
  static void erase_member(db::Session& session, std::int64_t account_id);

  std::int64_t now() const;

 private:
  // Moves a tie the actor may move (rules above) and records it; `confirming` tells the declarer.
  Result<Tie> transition(std::int64_t actor, std::int64_t tie_id, TieState from, TieState to);
  void tell_changed() const;  // after the change committed

  db::Database& database_;
  TiesOptions options_;
};

// A tie as the JSON API and the personal-data export show it: ids, kind, "YYYY-MM-DD" date or null,
// note, state and times (Unix seconds).
nlohmann::json tie_json(const Tie& tie);

// "2024-03-01" as 00:00 UTC that day, or nothing when it is not a real date (years 1900-9999).
std::optional<std::int64_t> parse_date(std::string_view text);
// 00:00 UTC of the day as "2024-03-01".
std::string format_date(std::int64_t unix_seconds);

}  // namespace atlas
