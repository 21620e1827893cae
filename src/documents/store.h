// The SQL of the documents feature: folders, documents, versions, wiki pages and revisions, and the
// two search indexes' rows. No rules here (documents/service.h decides who may do what); every
// function runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "db/search_index.h"
#include "documents/types.h"

namespace documents::store {

inline constexpr std::string_view kDocumentIndex = "document_search";
inline constexpr std::string_view kWikiIndex = "wiki_search";

std::optional<GroupRef> find_group(db::Session& session, std::string_view network_slug,
                                   std::string_view group_slug);
std::optional<GroupRef> group_by_id(db::Session& session, std::int64_t group_id);

// Folders
std::vector<Folder> folders_of(db::Session& session, std::int64_t group_id);  // every folder, by name
std::optional<Folder> find_folder(db::Session& session, std::int64_t folder_id);
std::int64_t insert_folder(db::Session& session, const Folder& folder,
                           std::optional<std::int64_t> created_by);
void rename_folder(db::Session& session, std::int64_t folder_id, std::string_view name);
bool folder_is_empty(db::Session& session, std::int64_t folder_id);  // no subfolders, no documents
void delete_folder(db::Session& session, std::int64_t folder_id);
// True when `parent` (none: the top) already has a folder called `name` (case-insensitive), other
// than `except`.
bool folder_name_taken(db::Session& session, std::int64_t group_id, std::optional<std::int64_t> parent,
                       std::string_view name, std::int64_t except = 0);

// Documents and versions
std::vector<Document> documents_in(db::Session& session, std::int64_t group_id,
                                   std::optional<std::int64_t> folder_id);
std::optional<Document> find_document(db::Session& session, std::int64_t document_id);
std::int64_t insert_document(db::Session& session, const Document& document);
// Adds version number version_count + 1 with its searchable `text` and returns it (with id and number).
Version insert_version(db::Session& session, Version version, std::string_view text);
std::vector<Version> versions_of(db::Session& session, std::int64_t document_id);  // newest first
std::optional<Version> find_version(db::Session& session, std::int64_t document_id, std::int64_t number);
std::string newest_text(db::Session& session, std::int64_t document_id);  // the newest version's text
// Deletes the document with its versions; returns the SHA-256 of each version's file.
std::vector<std::string> delete_document(db::Session& session, std::int64_t document_id);
bool file_in_use(db::Session& session, std::string_view sha256);

// Wiki
std::vector<WikiPage> pages_of(db::Session& session, std::int64_t group_id);  // by title, without bodies
std::optional<WikiPage> find_page(db::Session& session, std::int64_t group_id, std::string_view slug);
std::optional<WikiPage> find_page_by_id(db::Session& session, std::int64_t page_id);
bool slug_taken(db::Session& session, std::int64_t group_id, std::string_view slug);
// Inserts the page and its first revision; returns the page id.
std::int64_t insert_page(db::Session& session, const WikiPage& page, std::optional<std::int64_t> author);
// Saves a new revision when the page is still at `base_revision`; false (nothing written) when
// someone else saved first. The check and the update are one statement, so of two concurrent saves
// on the same base exactly one succeeds.
bool update_page(db::Session& session, std::int64_t page_id, std::int64_t base_revision,
                 std::string_view title, std::string_view body_markdown, std::string_view body_html,
                 std::optional<std::int64_t> author, std::int64_t at);
std::vector<WikiRevision> revisions_of(db::Session& session,
                                       std::int64_t page_id);  // newest first, no bodies
std::optional<WikiRevision> find_revision(db::Session& session, std::int64_t page_id, std::int64_t number);

// Search: the documents or pages matching `match`, in `group_ids`, best first.
struct IndexHit {
  std::int64_t id = 0;
  std::int64_t group_id = 0;
  std::string title;
  std::string text;  // description + extracted text, or the page's Markdown: for the excerpt
  std::string slug;  // pages only
  double score = 0;
};
std::vector<IndexHit> search_documents(db::Session& session, const db::SearchMatch& match,
                                       const std::vector<std::int64_t>& group_ids, std::size_t limit);
std::vector<IndexHit> search_pages(db::Session& session, const db::SearchMatch& match,
                                   const std::vector<std::int64_t>& group_ids, std::size_t limit);

// Erasure: every link from this feature's rows to the account becomes NULL.
void forget_author(db::Session& session, std::int64_t account_id);

}  // namespace documents::store
