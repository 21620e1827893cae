// The rules of a knowledge group's library and wiki: who may see, upload, version, download and
// delete documents, make folders, and write wiki pages; what an upload must be (documents/files.h);
// how a concurrent wiki edit is caught (the form carries the revision it started from; a save on an
// older one is refused with the newer page, and the member's text is kept). Permissions come from
// groups::access for every object: view to read and download, can_post to upload and edit,
// can_moderate (hosts, coordinators) to delete others' documents; archived groups are read-only.
// A viewer who may not see a group gets "not found", never a hint that it exists.
//
// Files are stored on disk under DATA_DIR/documents/, named by their SHA-256 (files.h BlobStore), not
// in the database: uploads of up to 20 MiB would bloat the database, its WAL and its backups, and
// identical files are stored once. Several instances share the data directory as they share member
// photos. Checks, image re-encoding and PDF text extraction run before the write transaction, so
// the transaction holds no lock while pdftotext works; PDF text is extracted synchronously with a
// page cap and a timeout (files.h), which keeps search current the moment an upload is saved.
//
// No HTTP here. Thread-safe: each call runs its own transactions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "documents/diff.h"
#include "documents/files.h"
#include "documents/types.h"
#include "groups/access.h"
#include "http/request.h"

namespace documents {

using Viewer = std::optional<http::Viewer>;

inline constexpr std::size_t kMaxTitleLength = 200;
inline constexpr std::size_t kMaxDescriptionLength = 2000;
inline constexpr std::size_t kMaxFolderNameLength = 100;
inline constexpr std::size_t kMaxFolderDepth = 8;
inline constexpr std::size_t kMaxPageBytes = 200 * 1024;

// A message for the member: `field` names the form field ("" for the form as a whole), the key is in
// the catalogs under documents.error.*.
struct Error {
  std::string field;
  std::string message_key;
};

enum class Failure {
  None,
  NotFound,         // no such thing, or the viewer may not see it: 404
  Forbidden,        // the viewer sees it but may not do this (or the group is archived): 403
  Invalid,          // see errors: 422
  TooLarge,         // 413
  UnsupportedType,  // 415
  Conflict,         // a wiki page changed since the form was opened: 409
};

struct Outcome {
  Failure failure = Failure::None;
  std::vector<Error> errors;
  std::int64_t id = 0;  // what was created or changed
  std::string slug;     // wiki pages
  std::int64_t group_id = 0;
  std::string group_path;  // "/groepen/{network}/{group}" of the group it happened in
  bool ok() const { return failure == Failure::None; }
};

// A group as the viewer sees it.
struct Place {
  GroupRef group;
  groups::GroupAccess access;
};

struct Library {
  Place place;
  std::optional<Folder> folder;     // none: the top of the library
  std::vector<Folder> trail;        // from the top down to `folder` (inclusive)
  std::vector<Folder> subfolders;   // of `folder`
  std::vector<Document> documents;  // in `folder`
};

struct DocumentPage {
  Place place;
  Document document;
  std::vector<Folder> trail;
  std::vector<Version> versions;  // newest first
  bool can_add_version = false;
  bool can_delete = false;
};

struct Download {
  std::string bytes;
  std::string mime_type;
  std::string filename;
};

struct UploadInput {
  std::int64_t group_id = 0;
  std::optional<std::int64_t> folder_id;
  std::string title;  // "" takes the file name without its extension
  std::string description;
  std::string filename;  // as the client sent it
  std::string_view bytes;
};

struct WikiIndex {
  Place place;
  std::vector<WikiPage> pages;  // by title, without bodies
};

struct WikiView {
  Place place;
  WikiPage page;
};

struct WikiHistory {
  Place place;
  WikiPage page;
  std::vector<WikiRevision> revisions;  // newest first, without bodies
};

struct WikiDiff {
  Place place;
  WikiPage page;
  WikiRevision from;
  WikiRevision to;
  std::vector<DiffLine> lines;
};

// The outcome of saving a wiki page. On Conflict, `current` is the page as the other member saved it;
// the caller shows it next to the member's own text (which it still has), nothing is lost.
struct WikiSave {
  Outcome outcome;
  std::optional<WikiPage> current;
};

// One search hit of this feature (documents and wiki pages), before excerpts are made.
struct SearchHit {
  std::string kind;  // "document" or "page"
  std::int64_t id = 0;
  std::int64_t group_id = 0;
  std::string title;
  std::string text;  // plain text the excerpt is cut from
  std::string path;  // "/documenten/12" or "/groepen/kkp/ict/wiki/checklist"
  double score = 0;
};

class Service {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix seconds

  // Files go under data_dir/documents/.
  Service(db::Database& database, const std::filesystem::path& data_dir, Clock clock = {});

  // The group as the viewer may see it; nothing when it does not exist or is hidden from them.
  std::optional<Place> place(const Viewer& viewer, std::string_view network_slug,
                             std::string_view group_slug);

  // The library (or one folder of it). Nothing when the group or folder is unknown or hidden.
  std::optional<Library> library(const Viewer& viewer, std::string_view network_slug,
                                 std::string_view group_slug, std::optional<std::int64_t> folder_id);
  std::optional<Library> library_of(const Viewer& viewer, std::int64_t group_id,
                                    std::optional<std::int64_t> folder_id);
  // Every folder of the group, as "A / B / C" paths in tree order (for the upload form's choice).
  std::vector<std::pair<std::int64_t, std::string>> folder_choices(std::int64_t group_id);

  Outcome create_folder(const Viewer& viewer, std::int64_t group_id, std::optional<std::int64_t> parent_id,
                        std::string_view name);
  Outcome rename_folder(const Viewer& viewer, std::int64_t folder_id, std::string_view name);
  Outcome delete_folder(const Viewer& viewer, std::int64_t folder_id);  // only an empty one

  Outcome upload(const Viewer& viewer, const UploadInput& input);
  Outcome add_version(const Viewer& viewer, std::int64_t document_id, std::string_view filename,
                      std::string_view bytes);
  std::optional<DocumentPage> document(const Viewer& viewer, std::int64_t document_id);
  // The bytes of one version (the newest when `number` is empty), checked against the viewer's access.
  std::optional<Download> download(const Viewer& viewer, std::int64_t document_id,
                                   std::optional<std::int64_t> number);
  // The author (while a member of the group) or a host/coordinator. Returns the group for the redirect.
  Outcome delete_document(const Viewer& viewer, std::int64_t document_id);

  std::optional<WikiIndex> wiki(const Viewer& viewer, std::string_view network_slug,
                                std::string_view group_slug);
  std::optional<WikiView> wiki_page(const Viewer& viewer, std::string_view network_slug,
                                    std::string_view group_slug, std::string_view slug);
  Outcome create_page(const Viewer& viewer, std::int64_t group_id, std::string_view title,
                      std::string_view body);
  WikiSave save_page(const Viewer& viewer, std::int64_t page_id, std::int64_t base_revision,
                     std::string_view title, std::string_view body);
  std::optional<WikiHistory> history(const Viewer& viewer, std::string_view network_slug,
                                     std::string_view group_slug, std::string_view slug);
  std::optional<WikiDiff> diff(const Viewer& viewer, std::string_view network_slug,
                               std::string_view group_slug, std::string_view slug, std::int64_t from,
                               std::int64_t to);

  // Documents (title, description, file name, newest version's text) and wiki pages matching
  // `query` in `group_ids` (the caller has checked the viewer may see each), best first, at most
  // `limit` of each kind.
  std::vector<SearchHit> search(std::string_view query, const std::vector<std::int64_t>& group_ids,
                                std::size_t limit);

  // Erasure (api::PersonalDataService eraser): documents and pages stay with their group, the links to
  // the account go.
  static void erase_member(db::Session& session, std::int64_t account_id);
  // The download of personal data: what the account uploaded and wrote.
  static nlohmann::json export_member(db::Session& session, std::int64_t account_id);

  // Seeding and tests: a document created without the HTTP rules (the caller decides).
  std::int64_t insert_document_in(db::Session& session, const Document& document, const files::Accepted& file,
                                  std::string_view text);
  const files::BlobStore& blobs() const { return blobs_; }
  // The search index rows of a document or page, rebuilt from the tables (inside the caller's write).
  static void index_document(db::Session& session, std::int64_t document_id);
  static void index_page(db::Session& session, std::int64_t page_id);

 private:
  std::int64_t now() const;
  std::optional<Place> place_in(db::Session& session, const Viewer& viewer, std::int64_t group_id);
  std::optional<Library> library_in(db::Session& session, const Viewer& viewer, std::int64_t group_id,
                                    std::optional<std::int64_t> folder_id);
  void remove_unused_files(const std::vector<std::string>& sha256s);

  db::Database& database_;
  files::BlobStore blobs_;
  Clock clock_;
};

// A wiki page's slug from its title: lower-case ASCII words joined by '-', at most 80 characters.
// Example: page_slug("Checklist jaarafsluiting 2024") == "checklist-jaarafsluiting-2024"
std::string page_slug(std::string_view title);

}  // namespace documents
