// The SQL for member profiles and the directory. Each function runs inside the caller's transaction
// and throws db::Error on database failures; visibility and validation rules live in service.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/search_index.h"
#include "members/types.h"

namespace members::store {

// The profile of an active account (defaults when it never saved one); nothing for an unknown,
// disabled or erased account.
std::optional<Profile> load_profile(db::Session& session, std::int64_t account_id);

// Writes the whole profile: its row, its discipline, tag and language rows, and the account's name.
void save_profile(db::Session& session, const Profile& profile, std::int64_t now);
void set_photo_version(db::Session& session, std::int64_t account_id, std::int64_t version, std::int64_t now);
void delete_profile(db::Session& session, std::int64_t account_id);
// The stored photo version whatever the account's status (0 without profile or photo).
std::int64_t photo_version_of(db::Session& session, std::int64_t account_id);

// An administrator, or an active account with an active membership in any network.
bool is_member(db::Session& session, std::int64_t account_id);

struct BoundingBox {
  double min_latitude = 0;
  double max_latitude = 0;
  double min_longitude = 0;
  double max_longitude = 0;
};

// The directory's filters in SQL terms. `level` is the viewer's access (0 visitor, 1 member): a
// profile or field matches only when its visibility is at most that.
struct DirectoryFilter {
  int level = 0;
  std::optional<db::SearchMatch> match;  // full text; ranks by its score when present
  // With `match`: consider only its best N documents (see db::SearchMatch::top_sql); all when empty.
  std::optional<std::size_t> match_window;
  std::vector<std::string> disciplines;  // any of
  std::string tag;
  std::string language;
  std::optional<Availability> availability;
  std::optional<std::int64_t> network_id;
  std::optional<std::int64_t> group_id;
  std::optional<BoundingBox> box;  // town within the box (the caller checks the exact distance)
  std::size_t limit = 20;
  std::size_t offset = 0;
};

// A directory row: every listed field plus its visibility, so the service can blank what the viewer
// may not see. No bio (the directory does not show it).
struct DirectoryRow {
  Profile profile;  // bio_markdown and bio_html empty
  double score = 0;
};

std::vector<DirectoryRow> find_members(db::Session& session, const DirectoryFilter& filter);

}  // namespace members::store
