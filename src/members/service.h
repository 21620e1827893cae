// The rules for member profiles and the directory: who sees which field, what a valid profile is,
// how the directory filters, ranks and pages. No HTTP here: routes (members/routes.h) and the JSON
// API (api/) both call this. Thread-safe: each call runs its own transaction(s).
//
// Visibility, in one place: a visitor sees fields marked public; a member (an account with an
// active membership in any network, or an administrator) sees public and members-only fields; the
// owner sees everything. The directory lists a profile only to viewers who may see the profile
// itself, and filters and full-text search only consider fields the viewer may see, so a search
// can never reveal a hidden or members-only value.
//
// Example (the API's GET /api/v1/members):
//   members::DirectoryQuery query;
//   query.text = "verzekeringen";
//   query.disciplines = {"financieel"};
//   query.cursor = request_cursor;                       // "" for the first page
//   auto page = service.directory(viewer_of(request), query);
//   if (!page.ok()) return json_error(400, page.error);  // e.g. "members.error.unknown_town"
//   for (const members::ProfileView& member : page.value->members) ...
//   next link: page.value->next_cursor (empty on the last page)
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "db/database.h"
#include "db/search_index.h"
#include "members/places.h"
#include "members/types.h"

namespace members {

// Who asks. account_id absent: a visitor. Build it from http::Request::viewer:
//   Viewer{request.viewer ? std::optional(request.viewer->account_id) : std::nullopt,
//          request.viewer && request.viewer->administrator}
struct Viewer {
  std::optional<std::int64_t> account_id;
  bool administrator = false;
};

// A validation error: the field (form / API name, see to_string(Field) plus "name", "photo", "town",
// "q", "cursor", ...) and a catalog key for the message ("members.error.website_scheme").
struct FieldError {
  std::string field;
  std::string message_key;
  bool operator==(const FieldError&) const = default;
};

// A value or the reasons there is none (std::expected is C++23).
template <class T>
struct Result {
  std::optional<T> value;
  std::vector<FieldError> errors;  // non-empty exactly when value is empty
  bool ok() const { return value.has_value(); }
};

// What a member changes on their own profile. Absent fields stay as they are (PATCH semantics); the
// HTML form sends every field. Text is trimmed; tags are normalised (lower case, single spaces,
// duplicates dropped).
struct ProfileUpdate {
  std::optional<std::string> name;                      // 1..100 characters
  std::optional<std::string> headline;                  // up to 140 characters
  std::optional<std::vector<std::string>> disciplines;  // known codes only
  std::optional<std::vector<std::string>> tags;         // at most kMaxTags, each 2..40 characters
  std::optional<std::string> town;                      // a name from the bundled places, or "" for none
  std::optional<std::vector<std::string>> languages;    // known codes only
  std::optional<Availability> availability;
  std::optional<std::string> bio_markdown;  // up to 5000 characters
  std::optional<std::string> website;       // http:// or https:// URL up to 300 characters, or ""
  std::optional<FieldVisibility> visibility;
};

inline constexpr std::size_t kMaxTags = 20;
inline constexpr std::size_t kMaxPhotoBytes = 5 * 1024 * 1024;

// Why a photo was refused. The HTTP status for each: TooLarge 413, UnsupportedType 415, Unreadable 422.
enum class PhotoError { TooLarge, UnsupportedType, Unreadable };
std::string_view message_key(PhotoError error);  // "members.error.photo_too_large", ...

enum class PhotoSize { Profile, Thumbnail };  // 400x400 and 96x96, JPEG, no metadata

class Service {
 public:
  // `data_dir` holds the photos (data_dir/photos/). `places` must outlive the service.
  Service(db::Database& database, std::filesystem::path data_dir, const Places& places);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // The directory: filters + full text + cursor. Errors: unknown discipline, language or town,
  // malformed cursor, limit out of range (field names "discipline", "language", "town", "cursor",
  // "limit"). Never lists a profile the viewer may not see.
  Result<DirectoryPage> directory(const Viewer& viewer, const DirectoryQuery& query);

  // One member's profile as `viewer` may see it; nothing when there is no such member or the viewer
  // may not see the profile at all (answer 404 either way: do not reveal that it exists).
  std::optional<ProfileView> profile_for(const Viewer& viewer, std::int64_t account_id);

  // The owner's own full profile (all fields, whatever their visibility). Nothing when the account
  // does not exist. Accounts that never saved a profile get the defaults (members-only).
  std::optional<Profile> own_profile(std::int64_t account_id);

  // Validates and saves in one write transaction (profile, name, search index); on any error nothing
  // is written and every error is reported.
  Result<Profile> update_own_profile(std::int64_t account_id, const ProfileUpdate& update);

  // The profile form's save: the update, and a new photo or its removal, all or nothing. The photo is
  // checked and re-encoded first; every problem (fields and photo) is reported, with the photo's as
  // field "photo" and also in `photo_error` (for the HTTP status: 413, 415 or 422).
  struct FormSave {
    Result<Profile> result;
    std::optional<PhotoError> photo_error;
  };
  FormSave save_profile_form(std::int64_t account_id, const ProfileUpdate& update,
                             std::optional<std::string_view> new_photo, bool remove_photo);

  // Checks (libmagic, not the name or Content-Type), re-encodes (libvips: 400x400 and 96x96, metadata
  // stripped) and stores a new photo; returns the new photo_version. Nothing changes on error.
  std::variant<std::int64_t, PhotoError> set_photo(std::int64_t account_id, std::string_view bytes);
  void remove_photo(std::int64_t account_id);

  // The JPEG bytes of a member's photo when `viewer` may see it; nothing otherwise.
  std::optional<std::string> photo_for(const Viewer& viewer, std::int64_t account_id, PhotoSize size);

  // True for an administrator or an account with an active membership in any network.
  bool is_member(const Viewer& viewer);

  const Places& places() const { return places_; }

  // The knowledge-group filter (issue 4): until groups have members, a group filter matches nobody.
  // The groups feature will provide the membership table; the store's query names it in one place
  // (store::kGroupMembershipSql).

 private:
  db::Database& database_;
  std::filesystem::path photo_dir_;
  const Places& places_;
  std::unique_ptr<db::SearchIndex> public_index_;   // public fields only: what visitors search
  std::unique_ptr<db::SearchIndex> members_index_;  // public + members-only fields
};

// For features composing their own transactions (seed, erasure in api/):
// Writes an already valid profile (bio_html rendered) with its search entries, in the caller's
// write transaction. The demo seed uses it; everything user-facing goes through update_own_profile.
void store_profile(db::Session& session, const Profile& profile);
// Re-indexes one member after their account's name changed, or removes them from the directory
// and search when `account_id` no longer exists. Runs inside the caller's write transaction.
void reindex_member(db::Session& session, std::int64_t account_id);
// Deletes a member's profile, tags, languages, disciplines, search entries and photos (erasure).
void erase_profile(db::Session& session, const std::filesystem::path& data_dir, std::int64_t account_id);

}  // namespace members
