// Recruitment's contacts for the pages, the API and the command line: which network a slug names,
// who may manage its contacts (its coordinators only, asked of auth through `can_coordinate`),
// uploads kept between the upload and the column-mapping step, the contact's history (imports here;
// other features, such as campaigns, add their own entries with add_history_source), and the
// retention job. The SQL is in store.h and records.h; the import itself in import.h.
//
// Thread-safe: uploads are files with unguessable names; everything else runs in transactions.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contacts/import.h"
#include "contacts/types.h"
#include "db/database.h"
#include "http/request.h"

namespace members {
class Places;
}

namespace contacts {

struct NetworkRef {
  std::int64_t id = 0;
  std::string slug;
  std::string name;
};

// One line of a contact's history on the coordinator's page.
struct HistoryItem {
  std::int64_t at = 0;
  std::string text;  // plain text in the reader's language
  std::string path;  // a link, or ""
};
using HistorySource = std::function<std::vector<HistoryItem>(db::Session& session, const Contact& contact,
                                                             std::string_view language)>;

// An upload waits this long for its column map.
inline constexpr std::int64_t kUploadLifetimeSeconds = 24 * 60 * 60;

class Service {
 public:
  using CanCoordinate = std::function<bool(const http::Viewer& viewer, std::int64_t network_id)>;

  // `uploads_directory` is created when missing.
  Service(db::Database& database, const members::Places& places, std::string uploads_directory,
          CanCoordinate can_coordinate);

  db::Database& database() { return database_; }
  const members::Places& places() const { return places_; }

  std::optional<NetworkRef> network(std::string_view slug);
  // Coordinators of the network (and administrators, as auth decides).
  bool may_manage(const std::optional<http::Viewer>& viewer, std::int64_t network_id) const;

  // Keeps an uploaded file for the mapping step; returns its token (64 hex characters).
  std::string keep_upload(std::int64_t network_id, std::string_view bytes);
  // The bytes of an upload of this network, or nothing (unknown, malformed or expired token).
  std::optional<std::string> read_upload(std::int64_t network_id, std::string_view token) const;
  void drop_upload(std::int64_t network_id, std::string_view token);

  void add_history_source(HistorySource source);
  // The contact's history, newest first: its imports, its membership and what other features add.
  std::vector<HistoryItem> history(const Contact& contact, std::string_view language,
                                   const std::function<std::string(std::string_view)>& text);

  // The daily job: erases contacts past their network's retention period and uploads older than a
  // day. Returns how many contacts were erased.
  std::int64_t run_retention(std::int64_t now);

 private:
  std::string upload_path(std::int64_t network_id, std::string_view token) const;

  db::Database& database_;
  const members::Places& places_;
  std::string uploads_directory_;
  CanCoordinate can_coordinate_;
  std::mutex sources_mutex_;
  std::vector<HistorySource> history_sources_;
};

// "{name}" -> value for each pair, in catalog text.
std::string fill(std::string text, std::initializer_list<std::pair<std::string_view, std::string>> values);

}  // namespace contacts
