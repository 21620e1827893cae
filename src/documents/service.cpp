#include "documents/service.h"

#include <chrono>
#include <map>
#include <set>

#include "db/search_index.h"
#include "documents/store.h"
#include "notifications/activity.h"
#include "web/markdown.h"

namespace documents {

namespace {

// Text kept per version for search and excerpts; longer PDFs are indexed by their first part.
constexpr std::size_t kMaxIndexedText = 1024 * 1024;

std::string trimmed(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const std::size_t last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// Length in characters (code points), for limits a member can count.
std::size_t characters(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0u) != 0x80u ? 1 : 0;
  return count;
}

bool has_control_characters(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 && c != '\t') return true;
  }
  return false;
}

std::string stem_of(std::string_view filename) {
  const std::size_t slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  const std::size_t dot = filename.rfind('.');
  return std::string(dot == std::string_view::npos || dot == 0 ? filename : filename.substr(0, dot));
}

Outcome failed(Failure failure) {
  Outcome outcome;
  outcome.failure = failure;
  return outcome;
}

Outcome invalid(std::string field, std::string message_key) {
  Outcome outcome;
  outcome.failure = Failure::Invalid;
  outcome.errors.push_back({std::move(field), std::move(message_key)});
  return outcome;
}

Outcome refused(files::Refusal refusal) {
  Outcome outcome;
  switch (refusal) {
    case files::Refusal::TooLarge:
      outcome.failure = Failure::TooLarge;
      break;
    case files::Refusal::UnsupportedType:
      outcome.failure = Failure::UnsupportedType;
      break;
    default:
      outcome.failure = Failure::Invalid;
      break;
  }
  outcome.errors.push_back({"bestand", "documents.error." + std::string(files::to_string(refusal))});
  return outcome;
}

// The folders from the top down to `folder_id`, from the group's folder list.
std::vector<Folder> trail_to(const std::vector<Folder>& folders, std::optional<std::int64_t> folder_id) {
  std::map<std::int64_t, const Folder*> by_id;
  for (const Folder& folder : folders) by_id[folder.id] = &folder;
  std::vector<Folder> trail;
  std::optional<std::int64_t> at = folder_id;
  while (at && trail.size() <= folders.size()) {
    const auto found = by_id.find(*at);
    if (found == by_id.end()) break;
    trail.insert(trail.begin(), *found->second);
    at = found->second->parent_id;
  }
  return trail;
}

std::optional<std::string> validate_folder_name(std::string_view name) {
  if (name.empty()) return "documents.error.folder_name_missing";
  if (characters(name) > kMaxFolderNameLength || has_control_characters(name) ||
      name.find('/') != std::string_view::npos) {
    return "documents.error.folder_name_invalid";
  }
  return std::nullopt;
}

std::optional<Error> validate_title(std::string_view title) {
  if (title.empty()) return Error{"titel", "documents.error.title_missing"};
  if (characters(title) > kMaxTitleLength || has_control_characters(title)) {
    return Error{"titel", "documents.error.title_too_long"};
  }
  return std::nullopt;
}

// A new thing in the group, for its activity stream and its watchers (inside the write transaction).
void record_activity(db::Session& session, const Place& place, std::string kind, std::int64_t actor,
                     std::string subject_type, std::int64_t subject_id, std::string title,
                     std::string excerpt, std::string path, std::int64_t at) {
  notifications::Activity activity;
  activity.network_id = place.group.network_id;
  activity.group_id = place.group.id;
  activity.kind = std::move(kind);
  activity.actor_id = actor;
  activity.subject_type = std::move(subject_type);
  activity.subject_id = subject_id;
  activity.title = std::move(title);
  activity.excerpt = std::move(excerpt);
  activity.path = std::move(path);
  activity.created_at = at;
  notifications::record(session, activity);
}

}  // namespace

std::string page_slug(std::string_view title) {
  const std::string folded = db::fold_text(title);
  std::string slug;
  bool dash = false;
  for (char c : folded) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (dash && !slug.empty()) slug += '-';
      dash = false;
      slug += c;
      if (slug.size() >= 80) break;
    } else {
      dash = true;
    }
  }
  return slug;
}

Service::Service(db::Database& database, const std::filesystem::path& data_dir, Clock clock)
    : database_(database), blobs_(data_dir / "documents"), clock_(std::move(clock)) {}

std::int64_t Service::now() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<Place> Service::place_in(db::Session& session, const Viewer& viewer, std::int64_t group_id) {
  const groups::GroupAccess access = groups::access(session, viewer, group_id);
  if (!access.exists || !access.can_view) return std::nullopt;
  auto group = store::group_by_id(session, group_id);
  if (!group) return std::nullopt;
  return Place{std::move(*group), access};
}

std::optional<Place> Service::place(const Viewer& viewer, std::string_view network_slug,
                                    std::string_view group_slug) {
  return database_.read([&](db::Session& session) -> std::optional<Place> {
    const auto group = store::find_group(session, network_slug, group_slug);
    if (!group) return std::nullopt;
    return place_in(session, viewer, group->id);
  });
}

std::optional<Library> Service::library_in(db::Session& session, const Viewer& viewer, std::int64_t group_id,
                                           std::optional<std::int64_t> folder_id) {
  auto place = place_in(session, viewer, group_id);
  if (!place) return std::nullopt;
  Library library{std::move(*place), std::nullopt, {}, {}, {}};
  const std::vector<Folder> folders = store::folders_of(session, group_id);
  if (folder_id) {
    for (const Folder& folder : folders) {
      if (folder.id == *folder_id) library.folder = folder;
    }
    if (!library.folder) return std::nullopt;
    library.trail = trail_to(folders, folder_id);
  }
  for (const Folder& folder : folders) {
    if (folder.parent_id == folder_id) library.subfolders.push_back(folder);
  }
  library.documents = store::documents_in(session, group_id, folder_id);
  return library;
}

std::optional<Library> Service::library(const Viewer& viewer, std::string_view network_slug,
                                        std::string_view group_slug, std::optional<std::int64_t> folder_id) {
  return database_.read([&](db::Session& session) -> std::optional<Library> {
    const auto group = store::find_group(session, network_slug, group_slug);
    if (!group) return std::nullopt;
    return library_in(session, viewer, group->id, folder_id);
  });
}

std::optional<Library> Service::library_of(const Viewer& viewer, std::int64_t group_id,
                                           std::optional<std::int64_t> folder_id) {
  return database_.read(
      [&](db::Session& session) { return library_in(session, viewer, group_id, folder_id); });
}

std::vector<std::pair<std::int64_t, std::string>> Service::folder_choices(std::int64_t group_id) {
  const std::vector<Folder> folders =
      database_.read([&](db::Session& session) { return store::folders_of(session, group_id); });
  std::vector<std::pair<std::int64_t, std::string>> choices;
  // Depth first from the top, children by name (folders_of sorts by name).
  std::function<void(std::optional<std::int64_t>, const std::string&, std::size_t)> visit =
      [&](std::optional<std::int64_t> parent, const std::string& prefix, std::size_t depth) {
        if (depth > kMaxFolderDepth + 1) return;
        for (const Folder& folder : folders) {
          if (folder.parent_id != parent) continue;
          const std::string path = prefix.empty() ? folder.name : prefix + " / " + folder.name;
          choices.emplace_back(folder.id, path);
          visit(folder.id, path, depth + 1);
        }
      };
  visit(std::nullopt, "", 0);
  return choices;
}

Outcome Service::create_folder(const Viewer& viewer, std::int64_t group_id,
                               std::optional<std::int64_t> parent_id, std::string_view raw_name) {
  const std::string name = trimmed(raw_name);
  return database_.write([&](db::Session& session) -> Outcome {
    const auto place = place_in(session, viewer, group_id);
    if (!place) return failed(Failure::NotFound);
    if (!place->access.can_post) return failed(Failure::Forbidden);
    if (parent_id) {
      const auto parent = store::find_folder(session, *parent_id);
      if (!parent || parent->group_id != group_id) return failed(Failure::NotFound);
      if (trail_to(store::folders_of(session, group_id), parent_id).size() >= kMaxFolderDepth) {
        return invalid("naam", "documents.error.folder_too_deep");
      }
    }
    if (auto problem = validate_folder_name(name)) return invalid("naam", *problem);
    if (store::folder_name_taken(session, group_id, parent_id, name)) {
      return invalid("naam", "documents.error.folder_exists");
    }
    Outcome outcome;
    outcome.id = store::insert_folder(session, Folder{0, group_id, parent_id, name, now()},
                                      viewer ? std::optional(viewer->account_id) : std::nullopt);
    outcome.group_path = place->group.path();
    return outcome;
  });
}

Outcome Service::rename_folder(const Viewer& viewer, std::int64_t folder_id, std::string_view raw_name) {
  const std::string name = trimmed(raw_name);
  return database_.write([&](db::Session& session) -> Outcome {
    const auto folder = store::find_folder(session, folder_id);
    if (!folder) return failed(Failure::NotFound);
    const auto place = place_in(session, viewer, folder->group_id);
    if (!place) return failed(Failure::NotFound);
    if (!place->access.can_post) return failed(Failure::Forbidden);
    Outcome problem;
    if (auto message = validate_folder_name(name)) {
      problem = invalid("naam", *message);
    } else if (store::folder_name_taken(session, folder->group_id, folder->parent_id, name, folder_id)) {
      problem = invalid("naam", "documents.error.folder_exists");
    }
    if (!problem.ok()) {
      problem.group_id = folder->group_id;
      return problem;
    }
    store::rename_folder(session, folder_id, name);
    Outcome outcome;
    outcome.id = folder_id;
    outcome.group_path = place->group.path();
    return outcome;
  });
}

Outcome Service::delete_folder(const Viewer& viewer, std::int64_t folder_id) {
  return database_.write([&](db::Session& session) -> Outcome {
    const auto folder = store::find_folder(session, folder_id);
    if (!folder) return failed(Failure::NotFound);
    const auto place = place_in(session, viewer, folder->group_id);
    if (!place) return failed(Failure::NotFound);
    if (!place->access.can_post) return failed(Failure::Forbidden);
    if (!store::folder_is_empty(session, folder_id)) {
      Outcome problem = invalid("", "documents.error.folder_not_empty");
      problem.group_id = folder->group_id;
      return problem;
    }
    store::delete_folder(session, folder_id);
    Outcome outcome;
    outcome.id = folder->parent_id.value_or(0);
    outcome.group_path = place->group.path();
    return outcome;
  });
}

std::int64_t Service::insert_document_in(db::Session& session, const Document& document,
                                         const files::Accepted& file, std::string_view text) {
  const std::int64_t id = store::insert_document(session, document);
  Version version;
  version.document_id = id;
  version.sha256 = blobs_.put(file.bytes);
  version.size_bytes = static_cast<std::int64_t>(file.bytes.size());
  version.mime_type = file.mime_type;
  version.filename = files::safe_filename(document.title, file.extension);
  version.uploaded_by = document.created_by;
  version.uploaded_at = document.created_at;
  store::insert_version(session, version, text);
  index_document(session, id);
  return id;
}

namespace {

// The searchable text of an accepted file: a PDF's by pdftotext, a text file's own.
std::string searchable_text(const files::Accepted& file, const files::BlobStore& blobs,
                            const std::string& sha) {
  if (file.is_pdf()) return files::pdf_text(blobs.path_of(sha));
  if (file.is_text()) return files::valid_utf8(std::string_view(file.bytes).substr(0, kMaxIndexedText));
  return "";
}

}  // namespace

Outcome Service::upload(const Viewer& viewer, const UploadInput& input) {
  if (!viewer) return failed(Failure::Forbidden);
  // Who may upload where, before any work on the bytes.
  const Outcome allowed = database_.read([&](db::Session& session) -> Outcome {
    const auto place = place_in(session, viewer, input.group_id);
    if (!place) return failed(Failure::NotFound);
    if (!place->access.can_post) return failed(Failure::Forbidden);
    if (input.folder_id) {
      const auto folder = store::find_folder(session, *input.folder_id);
      if (!folder || folder->group_id != input.group_id)
        return invalid("map", "documents.error.folder_unknown");
    }
    return Outcome{};
  });
  if (!allowed.ok()) return allowed;

  std::string title = trimmed(input.title);
  if (title.empty()) title = trimmed(stem_of(input.filename));
  const std::string description = trimmed(input.description);
  Outcome checks;
  if (auto problem = validate_title(title)) checks.errors.push_back(*problem);
  if (characters(description) > kMaxDescriptionLength) {
    checks.errors.push_back({"omschrijving", "documents.error.description_too_long"});
  }
  if (input.bytes.empty()) checks.errors.push_back({"bestand", "documents.error.file_missing"});
  if (!checks.errors.empty()) {
    checks.failure = Failure::Invalid;
    return checks;
  }
  auto inspected = files::inspect(input.bytes, input.filename);
  if (auto* refusal = std::get_if<files::Refusal>(&inspected)) return refused(*refusal);
  const files::Accepted& file = std::get<files::Accepted>(inspected);
  const std::string sha = blobs_.put(file.bytes);
  const std::string text = searchable_text(file, blobs_, sha);

  return database_.write([&](db::Session& session) -> Outcome {
    // Again inside the transaction: membership may have changed while the file was checked.
    const auto place = place_in(session, viewer, input.group_id);
    if (!place) return failed(Failure::NotFound);
    if (!place->access.can_post) return failed(Failure::Forbidden);
    if (input.folder_id) {
      const auto folder = store::find_folder(session, *input.folder_id);
      if (!folder || folder->group_id != input.group_id)
        return invalid("map", "documents.error.folder_unknown");
    }
    Document document;
    document.group_id = input.group_id;
    document.folder_id = input.folder_id;
    document.title = title;
    document.description = description;
    document.created_by = viewer->account_id;
    document.created_at = now();
    document.updated_at = document.created_at;
    Outcome outcome;
    outcome.id = insert_document_in(session, document, file, text);
    outcome.group_path = place->group.path();
    record_activity(session, *place, "document.uploaded", viewer->account_id, "document", outcome.id, title,
                    description, "/documenten/" + std::to_string(outcome.id), document.created_at);
    return outcome;
  });
}

Outcome Service::add_version(const Viewer& viewer, std::int64_t document_id, std::string_view filename,
                             std::string_view bytes) {
  if (!viewer) return failed(Failure::Forbidden);
  const Outcome allowed = database_.read([&](db::Session& session) -> Outcome {
    const auto document = store::find_document(session, document_id);
    if (!document) return failed(Failure::NotFound);
    const auto place = place_in(session, viewer, document->group_id);
    if (!place) return failed(Failure::NotFound);
    if (!place->access.can_post) return failed(Failure::Forbidden);
    return Outcome{};
  });
  if (!allowed.ok()) return allowed;
  if (bytes.empty()) return invalid("bestand", "documents.error.file_missing");
  auto inspected = files::inspect(bytes, filename);
  if (auto* refusal = std::get_if<files::Refusal>(&inspected)) return refused(*refusal);
  const files::Accepted& file = std::get<files::Accepted>(inspected);
  const std::string sha = blobs_.put(file.bytes);
  const std::string text = searchable_text(file, blobs_, sha);

  return database_.write([&](db::Session& session) -> Outcome {
    const auto document = store::find_document(session, document_id);
    if (!document) return failed(Failure::NotFound);
    const auto place = place_in(session, viewer, document->group_id);
    if (!place) return failed(Failure::NotFound);
    if (!place->access.can_post) return failed(Failure::Forbidden);
    Version version;
    version.document_id = document_id;
    version.sha256 = sha;
    version.size_bytes = static_cast<std::int64_t>(file.bytes.size());
    version.mime_type = file.mime_type;
    version.filename = files::safe_filename(document->title, file.extension);
    version.uploaded_by = viewer->account_id;
    version.uploaded_at = now();
    store::insert_version(session, version, text);
    index_document(session, document_id);
    record_activity(session, *place, "document.versioned", viewer->account_id, "document", document_id,
                    document->title, document->description, "/documenten/" + std::to_string(document_id),
                    version.uploaded_at);
    Outcome outcome;
    outcome.id = document_id;
    return outcome;
  });
}

std::optional<DocumentPage> Service::document(const Viewer& viewer, std::int64_t document_id) {
  return database_.read([&](db::Session& session) -> std::optional<DocumentPage> {
    auto document = store::find_document(session, document_id);
    if (!document) return std::nullopt;
    auto place = place_in(session, viewer, document->group_id);
    if (!place) return std::nullopt;
    DocumentPage page;
    page.trail = trail_to(store::folders_of(session, document->group_id), document->folder_id);
    page.versions = store::versions_of(session, document_id);
    page.can_add_version = place->access.can_post;
    const bool author = viewer && document->created_by == viewer->account_id && place->access.group_member;
    page.can_delete = !place->access.archived && (place->access.can_moderate || author);
    page.place = std::move(*place);
    page.document = std::move(*document);
    return page;
  });
}

std::optional<Download> Service::download(const Viewer& viewer, std::int64_t document_id,
                                          std::optional<std::int64_t> number) {
  const auto version = database_.read([&](db::Session& session) -> std::optional<Version> {
    const auto document = store::find_document(session, document_id);
    if (!document || !place_in(session, viewer, document->group_id)) return std::nullopt;
    return store::find_version(session, document_id, number.value_or(document->version_count));
  });
  if (!version) return std::nullopt;
  auto bytes = blobs_.read(version->sha256);
  if (!bytes) return std::nullopt;
  return Download{std::move(*bytes), version->mime_type, version->filename};
}

Outcome Service::delete_document(const Viewer& viewer, std::int64_t document_id) {
  std::vector<std::string> files_of_document;
  Outcome outcome = database_.write([&](db::Session& session) -> Outcome {
    files_of_document.clear();
    const auto document = store::find_document(session, document_id);
    if (!document) return failed(Failure::NotFound);
    const auto place = place_in(session, viewer, document->group_id);
    if (!place) return failed(Failure::NotFound);
    const bool author = viewer && document->created_by == viewer->account_id && place->access.group_member;
    if (place->access.archived || !(place->access.can_moderate || author)) return failed(Failure::Forbidden);
    files_of_document = store::delete_document(session, document_id);
    db::SearchIndex::create(db::backend_of(session), std::string(store::kDocumentIndex))
        ->remove(session, document_id);
    Outcome deleted;
    deleted.id = document->folder_id.value_or(0);
    deleted.group_path = place->group.path();
    return deleted;
  });
  if (outcome.ok()) remove_unused_files(files_of_document);
  return outcome;
}

void Service::remove_unused_files(const std::vector<std::string>& sha256s) {
  // Identical files are stored once: only those no version refers to any more go. (An upload of the
  // same bytes racing this removal writes the file again before its own transaction.)
  std::set<std::string> unique(sha256s.begin(), sha256s.end());
  for (const std::string& sha : unique) {
    const bool used = database_.read([&](db::Session& session) { return store::file_in_use(session, sha); });
    if (!used) blobs_.remove(sha);
  }
}

void Service::index_document(db::Session& session, std::int64_t document_id) {
  const auto document = store::find_document(session, document_id);
  if (!document) return;
  const auto versions = store::versions_of(session, document_id);
  db::SearchDocument entry;
  entry.a = document->title;
  entry.b = document->description + (versions.empty() ? "" : " " + versions.front().filename);
  entry.d = store::newest_text(session, document_id);
  db::SearchIndex::create(db::backend_of(session), std::string(store::kDocumentIndex))
      ->put(session, document_id, entry);
}

void Service::index_page(db::Session& session, std::int64_t page_id) {
  const auto page = store::find_page_by_id(session, page_id);
  if (!page) return;
  db::SearchDocument entry;
  entry.a = page->title;
  entry.d = page->body_markdown;
  db::SearchIndex::create(db::backend_of(session), std::string(store::kWikiIndex))
      ->put(session, page_id, entry);
}

std::optional<WikiIndex> Service::wiki(const Viewer& viewer, std::string_view network_slug,
                                       std::string_view group_slug) {
  return database_.read([&](db::Session& session) -> std::optional<WikiIndex> {
    const auto group = store::find_group(session, network_slug, group_slug);
    if (!group) return std::nullopt;
    auto place = place_in(session, viewer, group->id);
    if (!place) return std::nullopt;
    return WikiIndex{std::move(*place), store::pages_of(session, group->id)};
  });
}

std::optional<WikiView> Service::wiki_page(const Viewer& viewer, std::string_view network_slug,
                                           std::string_view group_slug, std::string_view slug) {
  return database_.read([&](db::Session& session) -> std::optional<WikiView> {
    const auto group = store::find_group(session, network_slug, group_slug);
    if (!group) return std::nullopt;
    auto place = place_in(session, viewer, group->id);
    if (!place) return std::nullopt;
    auto page = store::find_page(session, group->id, slug);
    if (!page) return std::nullopt;
    return WikiView{std::move(*place), std::move(*page)};
  });
}

namespace {

std::vector<Error> page_errors(std::string_view title, std::string_view body) {
  std::vector<Error> errors;
  if (auto problem = validate_title(title)) errors.push_back(*problem);
  if (body.size() > kMaxPageBytes) errors.push_back({"tekst", "documents.error.page_too_long"});
  return errors;
}

}  // namespace

Outcome Service::create_page(const Viewer& viewer, std::int64_t group_id, std::string_view raw_title,
                             std::string_view body) {
  if (!viewer) return failed(Failure::Forbidden);
  const std::string title = trimmed(raw_title);
  const std::string html = web::render_markdown(body);
  return database_.write([&](db::Session& session) -> Outcome {
    const auto place = place_in(session, viewer, group_id);
    if (!place) return failed(Failure::NotFound);
    if (!place->access.can_post) return failed(Failure::Forbidden);
    Outcome outcome;
    outcome.errors = page_errors(title, body);
    std::string slug = page_slug(title);
    if (outcome.errors.empty() && slug.empty())
      outcome.errors.push_back({"titel", "documents.error.title_no_letters"});
    // "nieuw" is the address of the new-page form.
    if (slug == "nieuw") slug = "nieuw-pagina";
    if (outcome.errors.empty() && store::slug_taken(session, group_id, slug)) {
      outcome.errors.push_back({"titel", "documents.error.page_exists"});
    }
    if (!outcome.errors.empty()) {
      outcome.failure = Failure::Invalid;
      return outcome;
    }
    WikiPage page;
    page.group_id = group_id;
    page.slug = slug;
    page.title = title;
    page.body_markdown = std::string(body);
    page.body_html = html;
    page.created_at = now();
    page.updated_at = page.created_at;
    outcome.id = store::insert_page(session, page, viewer->account_id);
    outcome.slug = slug;
    outcome.group_path = place->group.path();
    index_page(session, outcome.id);
    record_activity(session, *place, "page.edited", viewer->account_id, "page", outcome.id, title,
                    page.body_markdown, outcome.group_path + "/wiki/" + slug, page.created_at);
    return outcome;
  });
}

WikiSave Service::save_page(const Viewer& viewer, std::int64_t page_id, std::int64_t base_revision,
                            std::string_view raw_title, std::string_view body) {
  WikiSave save;
  if (!viewer) {
    save.outcome = failed(Failure::Forbidden);
    return save;
  }
  const std::string title = trimmed(raw_title);
  const std::string html = web::render_markdown(body);
  return database_.write([&](db::Session& session) -> WikiSave {
    WikiSave result;
    const auto page = store::find_page_by_id(session, page_id);
    if (!page) {
      result.outcome = failed(Failure::NotFound);
      return result;
    }
    const auto place = place_in(session, viewer, page->group_id);
    if (!place) {
      result.outcome = failed(Failure::NotFound);
      return result;
    }
    if (!place->access.can_post) {
      result.outcome = failed(Failure::Forbidden);
      return result;
    }
    result.outcome.slug = page->slug;
    result.outcome.id = page_id;
    result.outcome.group_path = place->group.path();
    result.outcome.errors = page_errors(title, body);
    if (!result.outcome.errors.empty()) {
      result.outcome.failure = Failure::Invalid;
      return result;
    }
    if (page->revision != base_revision ||
        !store::update_page(session, page_id, base_revision, title, body, html, viewer->account_id, now())) {
      result.outcome.failure = Failure::Conflict;
      result.outcome.errors.push_back({"tekst", "documents.error.edit_conflict"});
      result.current = store::find_page_by_id(session, page_id);
      return result;
    }
    index_page(session, page_id);
    record_activity(session, *place, "page.edited", viewer->account_id, "page", page_id, title,
                    std::string(body), result.outcome.group_path + "/wiki/" + page->slug, now());
    return result;
  });
}

std::optional<WikiHistory> Service::history(const Viewer& viewer, std::string_view network_slug,
                                            std::string_view group_slug, std::string_view slug) {
  auto view = wiki_page(viewer, network_slug, group_slug, slug);
  if (!view) return std::nullopt;
  auto revisions =
      database_.read([&](db::Session& session) { return store::revisions_of(session, view->page.id); });
  return WikiHistory{std::move(view->place), std::move(view->page), std::move(revisions)};
}

std::optional<WikiDiff> Service::diff(const Viewer& viewer, std::string_view network_slug,
                                      std::string_view group_slug, std::string_view slug, std::int64_t from,
                                      std::int64_t to) {
  auto view = wiki_page(viewer, network_slug, group_slug, slug);
  if (!view) return std::nullopt;
  auto revisions = database_.read([&](db::Session& session) {
    return std::make_pair(store::find_revision(session, view->page.id, from),
                          store::find_revision(session, view->page.id, to));
  });
  if (!revisions.first || !revisions.second) return std::nullopt;
  WikiDiff diff{std::move(view->place),
                std::move(view->page),
                std::move(*revisions.first),
                std::move(*revisions.second),
                {}};
  diff.lines = line_diff(diff.from.body_markdown, diff.to.body_markdown);
  return diff;
}

std::vector<SearchHit> Service::search(std::string_view query, const std::vector<std::int64_t>& group_ids,
                                       std::size_t limit) {
  std::vector<SearchHit> hits;
  if (group_ids.empty()) return hits;
  const auto document_index =
      db::SearchIndex::create(database_.backend(), std::string(store::kDocumentIndex));
  const auto page_index = db::SearchIndex::create(database_.backend(), std::string(store::kWikiIndex));
  const auto document_match = document_index->match(query);
  const auto page_match = page_index->match(query);
  if (!document_match || !page_match) return hits;
  database_.read([&](db::Session& session) {
    document_index->prepare_transaction(session);
    for (store::IndexHit& hit : store::search_documents(session, *document_match, group_ids, limit)) {
      hits.push_back(SearchHit{"document", hit.id, hit.group_id, std::move(hit.title), std::move(hit.text),
                               "/documenten/" + std::to_string(hit.id), hit.score});
    }
    std::map<std::int64_t, std::string> group_paths;
    for (store::IndexHit& hit : store::search_pages(session, *page_match, group_ids, limit)) {
      auto path = group_paths.find(hit.group_id);
      if (path == group_paths.end()) {
        const auto group = store::group_by_id(session, hit.group_id);
        path = group_paths.emplace(hit.group_id, group ? group->path() : "").first;
      }
      hits.push_back(SearchHit{"page", hit.id, hit.group_id, std::move(hit.title), std::move(hit.text),
                               path->second + "/wiki/" + hit.slug, hit.score});
    }
  });
  return hits;
}

void Service::erase_member(db::Session& session, std::int64_t account_id) {
  store::forget_author(session, account_id);
}

nlohmann::json Service::export_member(db::Session& session, std::int64_t account_id) {
  nlohmann::json out;
  out["documents"] = nlohmann::json::array();
  for (const db::Row& row : session.query("SELECT id, group_id, title, description, created_at FROM "
                                          "documents WHERE created_by = ? ORDER BY id",
                                          {account_id})) {
    out["documents"].push_back({{"id", row.int64(0)},
                                {"group_id", row.int64(1)},
                                {"title", row.text(2)},
                                {"description", row.text(3)},
                                {"created_at", row.int64(4)}});
  }
  out["document_versions"] = nlohmann::json::array();
  for (const db::Row& row : session.query(
           "SELECT document_id, number, filename, mime_type, size_bytes, uploaded_at FROM document_versions "
           "WHERE uploaded_by = ? ORDER BY document_id, number",
           {account_id})) {
    out["document_versions"].push_back({{"document_id", row.int64(0)},
                                        {"number", row.int64(1)},
                                        {"filename", row.text(2)},
                                        {"type", row.text(3)},
                                        {"size_bytes", row.int64(4)},
                                        {"uploaded_at", row.int64(5)}});
  }
  out["wiki_revisions"] = nlohmann::json::array();
  for (const db::Row& row : session.query(
           "SELECT r.page_id, p.title, r.number, r.title, r.body_markdown, r.created_at FROM wiki_revisions "
           "r "
           "JOIN wiki_pages p ON p.id = r.page_id WHERE r.author_id = ? ORDER BY r.page_id, r.number",
           {account_id})) {
    out["wiki_revisions"].push_back({{"page_id", row.int64(0)},
                                     {"page_title", row.text(1)},
                                     {"number", row.int64(2)},
                                     {"title", row.text(3)},
                                     {"text", row.text(4)},
                                     {"created_at", row.int64(5)}});
  }
  return out;
}

}  // namespace documents
