#include "documents/store.h"

namespace documents::store {

namespace {

constexpr std::string_view kGroupColumns =
    "SELECT g.id, g.network_id, n.slug, n.name, g.slug, g.name FROM knowledge_groups g "
    "JOIN networks n ON n.id = g.network_id ";

GroupRef group_from(const db::Row& row) {
  return GroupRef{row.int64(0), row.int64(1), row.text(2), row.text(3), row.text(4), row.text(5)};
}

constexpr std::string_view kFolderColumns =
    "SELECT id, group_id, parent_id, name, created_at FROM document_folders ";

Folder folder_from(const db::Row& row) {
  return Folder{row.int64(0), row.int64(1), row.optional_int64(2), row.text(3), row.int64(4)};
}

// The newest version's type and size ride along for lists.
constexpr std::string_view kDocumentColumns =
    "SELECT d.id, d.group_id, d.folder_id, d.title, d.description, d.created_by, COALESCE(a.name, ''), "
    "d.created_at, d.updated_at, d.version_count, COALESCE(v.mime_type, ''), COALESCE(v.size_bytes, 0) "
    "FROM documents d LEFT JOIN accounts a ON a.id = d.created_by "
    "LEFT JOIN document_versions v ON v.document_id = d.id AND v.number = d.version_count ";

Document document_from(const db::Row& row) {
  Document document;
  document.id = row.int64(0);
  document.group_id = row.int64(1);
  document.folder_id = row.optional_int64(2);
  document.title = row.text(3);
  document.description = row.text(4);
  document.created_by = row.optional_int64(5);
  document.created_by_name = row.text(6);
  document.created_at = row.int64(7);
  document.updated_at = row.int64(8);
  document.version_count = row.int64(9);
  document.mime_type = row.text(10);
  document.size_bytes = row.int64(11);
  return document;
}

constexpr std::string_view kVersionColumns =
    "SELECT v.id, v.document_id, v.number, v.sha256, v.size_bytes, v.mime_type, v.filename, v.uploaded_by, "
    "COALESCE(a.name, ''), v.uploaded_at FROM document_versions v LEFT JOIN accounts a ON a.id = "
    "v.uploaded_by ";

Version version_from(const db::Row& row) {
  Version version;
  version.id = row.int64(0);
  version.document_id = row.int64(1);
  version.number = row.int64(2);
  version.sha256 = row.text(3);
  version.size_bytes = row.int64(4);
  version.mime_type = row.text(5);
  version.filename = row.text(6);
  version.uploaded_by = row.optional_int64(7);
  version.uploaded_by_name = row.text(8);
  version.uploaded_at = row.int64(9);
  return version;
}

constexpr std::string_view kPageColumns =
    "SELECT p.id, p.group_id, p.slug, p.title, p.body_markdown, p.body_html, p.revision, p.updated_by, "
    "COALESCE(a.name, ''), p.created_at, p.updated_at FROM wiki_pages p LEFT JOIN accounts a ON a.id = "
    "p.updated_by ";

WikiPage page_from(const db::Row& row) {
  WikiPage page;
  page.id = row.int64(0);
  page.group_id = row.int64(1);
  page.slug = row.text(2);
  page.title = row.text(3);
  page.body_markdown = row.text(4);
  page.body_html = row.text(5);
  page.revision = row.int64(6);
  page.updated_by = row.optional_int64(7);
  page.updated_by_name = row.text(8);
  page.created_at = row.int64(9);
  page.updated_at = row.int64(10);
  return page;
}

db::Value optional_id(const std::optional<std::int64_t>& id) { return db::optional(id); }

// "(?, ?, ?)" with the ids appended to `params`; "(NULL)" for none, which matches nothing.
std::string in_list(const std::vector<std::int64_t>& ids, db::Params& params) {
  if (ids.empty()) return "(NULL)";
  std::string list = "(";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    list += i == 0 ? "?" : ", ?";
    params.emplace_back(ids[i]);
  }
  return list + ")";
}

}  // namespace

std::optional<GroupRef> find_group(db::Session& session, std::string_view network_slug,
                                   std::string_view group_slug) {
  static const std::string sql = std::string(kGroupColumns) + "WHERE n.slug = ? AND g.slug = ?";
  const auto row = session.query_one(sql, {std::string(network_slug), std::string(group_slug)});
  if (!row) return std::nullopt;
  return group_from(*row);
}

std::optional<GroupRef> group_by_id(db::Session& session, std::int64_t group_id) {
  static const std::string sql = std::string(kGroupColumns) + "WHERE g.id = ?";
  const auto row = session.query_one(sql, {group_id});
  if (!row) return std::nullopt;
  return group_from(*row);
}

std::vector<Folder> folders_of(db::Session& session, std::int64_t group_id) {
  static const std::string sql = std::string(kFolderColumns) + "WHERE group_id = ? ORDER BY LOWER(name), id";
  std::vector<Folder> folders;
  for (const db::Row& row : session.query(sql, {group_id})) folders.push_back(folder_from(row));
  return folders;
}

std::optional<Folder> find_folder(db::Session& session, std::int64_t folder_id) {
  static const std::string sql = std::string(kFolderColumns) + "WHERE id = ?";
  const auto row = session.query_one(sql, {folder_id});
  if (!row) return std::nullopt;
  return folder_from(*row);
}

std::int64_t insert_folder(db::Session& session, const Folder& folder,
                           std::optional<std::int64_t> created_by) {
  const auto row = session.query_one(
      "INSERT INTO document_folders (group_id, parent_id, name, created_by, created_at) VALUES (?, ?, ?, ?, "
      "?) "
      "RETURNING id",
      {folder.group_id, optional_id(folder.parent_id), folder.name, optional_id(created_by),
       folder.created_at});
  return row->int64(0);
}

void rename_folder(db::Session& session, std::int64_t folder_id, std::string_view name) {
  session.execute("UPDATE document_folders SET name = ? WHERE id = ?", {std::string(name), folder_id});
}

bool folder_is_empty(db::Session& session, std::int64_t folder_id) {
  return !session.query_one(
      "SELECT 1 FROM document_folders WHERE parent_id = ? UNION ALL SELECT 1 FROM documents WHERE folder_id "
      "= ? "
      "LIMIT 1",
      {folder_id, folder_id});
}

void delete_folder(db::Session& session, std::int64_t folder_id) {
  session.execute("DELETE FROM document_folders WHERE id = ?", {folder_id});
}

bool folder_name_taken(db::Session& session, std::int64_t group_id, std::optional<std::int64_t> parent,
                       std::string_view name, std::int64_t except) {
  // COALESCE: NULL parents (the top) compare equal.
  return session
      .query_one(
          "SELECT 1 FROM document_folders WHERE group_id = ? AND COALESCE(parent_id, 0) = ? AND LOWER(name) "
          "= LOWER(?) "
          "AND id <> ?",
          {group_id, parent.value_or(0), std::string(name), except})
      .has_value();
}

std::vector<Document> documents_in(db::Session& session, std::int64_t group_id,
                                   std::optional<std::int64_t> folder_id) {
  static const std::string sql =
      std::string(kDocumentColumns) +
      "WHERE d.group_id = ? AND COALESCE(d.folder_id, 0) = ? ORDER BY LOWER(d.title), d.id";
  std::vector<Document> list;
  for (const db::Row& row : session.query(sql, {group_id, folder_id.value_or(0)}))
    list.push_back(document_from(row));
  return list;
}

std::optional<Document> find_document(db::Session& session, std::int64_t document_id) {
  static const std::string sql = std::string(kDocumentColumns) + "WHERE d.id = ?";
  const auto row = session.query_one(sql, {document_id});
  if (!row) return std::nullopt;
  return document_from(*row);
}

std::int64_t insert_document(db::Session& session, const Document& document) {
  const auto row = session.query_one(
      "INSERT INTO documents (group_id, folder_id, title, description, created_by, created_at, updated_at, "
      "version_count) VALUES (?, ?, ?, ?, ?, ?, ?, 0) RETURNING id",
      {document.group_id, optional_id(document.folder_id), document.title, document.description,
       optional_id(document.created_by), document.created_at, document.updated_at});
  return row->int64(0);
}

Version insert_version(db::Session& session, Version version, std::string_view text) {
  // Writing the document row first serialises two uploads of a new version of the same document.
  const auto number = session.query_one(
      "UPDATE documents SET version_count = version_count + 1, updated_at = ? WHERE id = ? RETURNING "
      "version_count",
      {version.uploaded_at, version.document_id});
  version.number = number->int64(0);
  const auto row = session.query_one(
      "INSERT INTO document_versions (document_id, number, sha256, size_bytes, mime_type, filename, text, "
      "uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {version.document_id, version.number, version.sha256, version.size_bytes, version.mime_type,
       version.filename, std::string(text), optional_id(version.uploaded_by), version.uploaded_at});
  version.id = row->int64(0);
  return version;
}

std::vector<Version> versions_of(db::Session& session, std::int64_t document_id) {
  static const std::string sql =
      std::string(kVersionColumns) + "WHERE v.document_id = ? ORDER BY v.number DESC";
  std::vector<Version> list;
  for (const db::Row& row : session.query(sql, {document_id})) list.push_back(version_from(row));
  return list;
}

std::optional<Version> find_version(db::Session& session, std::int64_t document_id, std::int64_t number) {
  static const std::string sql = std::string(kVersionColumns) + "WHERE v.document_id = ? AND v.number = ?";
  const auto row = session.query_one(sql, {document_id, number});
  if (!row) return std::nullopt;
  return version_from(*row);
}

std::string newest_text(db::Session& session, std::int64_t document_id) {
  const auto row = session.query_one(
      "SELECT v.text FROM document_versions v JOIN documents d ON d.id = v.document_id "
      "WHERE d.id = ? AND v.number = d.version_count",
      {document_id});
  return row ? row->text(0) : std::string();
}

std::vector<std::string> delete_document(db::Session& session, std::int64_t document_id) {
  std::vector<std::string> files;
  for (const db::Row& row :
       session.query("SELECT sha256 FROM document_versions WHERE document_id = ?", {document_id})) {
    files.push_back(row.text(0));
  }
  session.execute("DELETE FROM documents WHERE id = ?", {document_id});
  return files;
}

bool file_in_use(db::Session& session, std::string_view sha256) {
  return session.query_one("SELECT 1 FROM document_versions WHERE sha256 = ? LIMIT 1", {std::string(sha256)})
      .has_value();
}

std::vector<WikiPage> pages_of(db::Session& session, std::int64_t group_id) {
  static const std::string sql =
      "SELECT p.id, p.group_id, p.slug, p.title, '', '', p.revision, p.updated_by, COALESCE(a.name, ''), "
      "p.created_at, p.updated_at FROM wiki_pages p LEFT JOIN accounts a ON a.id = p.updated_by "
      "WHERE p.group_id = ? ORDER BY LOWER(p.title), p.id";
  std::vector<WikiPage> list;
  for (const db::Row& row : session.query(sql, {group_id})) list.push_back(page_from(row));
  return list;
}

std::optional<WikiPage> find_page(db::Session& session, std::int64_t group_id, std::string_view slug) {
  static const std::string sql = std::string(kPageColumns) + "WHERE p.group_id = ? AND p.slug = ?";
  const auto row = session.query_one(sql, {group_id, std::string(slug)});
  if (!row) return std::nullopt;
  return page_from(*row);
}

std::optional<WikiPage> find_page_by_id(db::Session& session, std::int64_t page_id) {
  static const std::string sql = std::string(kPageColumns) + "WHERE p.id = ?";
  const auto row = session.query_one(sql, {page_id});
  if (!row) return std::nullopt;
  return page_from(*row);
}

bool slug_taken(db::Session& session, std::int64_t group_id, std::string_view slug) {
  return session
      .query_one("SELECT 1 FROM wiki_pages WHERE group_id = ? AND slug = ?", {group_id, std::string(slug)})
      .has_value();
}

std::int64_t insert_page(db::Session& session, const WikiPage& page, std::optional<std::int64_t> author) {
  const auto row = session.query_one(
      "INSERT INTO wiki_pages (group_id, slug, title, body_markdown, body_html, revision, created_by, "
      "created_at, "
      "updated_by, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id",
      {page.group_id, page.slug, page.title, page.body_markdown, page.body_html, optional_id(author),
       page.created_at, optional_id(author), page.updated_at});
  const std::int64_t id = row->int64(0);
  session.execute(
      "INSERT INTO wiki_revisions (page_id, number, title, body_markdown, author_id, created_at) VALUES (?, "
      "1, ?, ?, ?, ?)",
      {id, page.title, page.body_markdown, optional_id(author), page.created_at});
  return id;
}

bool update_page(db::Session& session, std::int64_t page_id, std::int64_t base_revision,
                 std::string_view title, std::string_view body_markdown, std::string_view body_html,
                 std::optional<std::int64_t> author, std::int64_t at) {
  const std::int64_t changed = session.execute(
      "UPDATE wiki_pages SET revision = revision + 1, title = ?, body_markdown = ?, body_html = ?, "
      "updated_by = ?, "
      "updated_at = ? WHERE id = ? AND revision = ?",
      {std::string(title), std::string(body_markdown), std::string(body_html), optional_id(author), at,
       page_id, base_revision});
  if (changed != 1) return false;
  session.execute(
      "INSERT INTO wiki_revisions (page_id, number, title, body_markdown, author_id, created_at) VALUES (?, "
      "?, ?, ?, ?, ?)",
      {page_id, base_revision + 1, std::string(title), std::string(body_markdown), optional_id(author), at});
  return true;
}

std::vector<WikiRevision> revisions_of(db::Session& session, std::int64_t page_id) {
  std::vector<WikiRevision> list;
  for (const db::Row& row : session.query(
           "SELECT r.id, r.page_id, r.number, r.title, r.author_id, COALESCE(a.name, ''), r.created_at "
           "FROM wiki_revisions r LEFT JOIN accounts a ON a.id = r.author_id WHERE r.page_id = ? ORDER BY "
           "r.number DESC",
           {page_id})) {
    WikiRevision revision;
    revision.id = row.int64(0);
    revision.page_id = row.int64(1);
    revision.number = row.int64(2);
    revision.title = row.text(3);
    revision.author_id = row.optional_int64(4);
    revision.author_name = row.text(5);
    revision.created_at = row.int64(6);
    list.push_back(std::move(revision));
  }
  return list;
}

std::optional<WikiRevision> find_revision(db::Session& session, std::int64_t page_id, std::int64_t number) {
  const auto row = session.query_one(
      "SELECT r.id, r.page_id, r.number, r.title, r.body_markdown, r.author_id, COALESCE(a.name, ''), "
      "r.created_at "
      "FROM wiki_revisions r LEFT JOIN accounts a ON a.id = r.author_id WHERE r.page_id = ? AND r.number = ?",
      {page_id, number});
  if (!row) return std::nullopt;
  WikiRevision revision;
  revision.id = row->int64(0);
  revision.page_id = row->int64(1);
  revision.number = row->int64(2);
  revision.title = row->text(3);
  revision.body_markdown = row->text(4);
  revision.author_id = row->optional_int64(5);
  revision.author_name = row->text(6);
  revision.created_at = row->int64(7);
  return revision;
}

std::vector<IndexHit> search_documents(db::Session& session, const db::SearchMatch& match,
                                       const std::vector<std::int64_t>& group_ids, std::size_t limit) {
  db::Params params = match.params;
  const std::string groups = in_list(group_ids, params);
  params.emplace_back(static_cast<std::int64_t>(limit));
  const std::string sql =
      "SELECT d.id, d.group_id, d.title, d.description || ' ' || COALESCE(v.text, ''), m.score FROM (" +
      match.sql +
      ") m JOIN documents d ON d.id = m.id LEFT JOIN document_versions v ON v.document_id = d.id AND "
      "v.number = "
      "d.version_count WHERE d.group_id IN " +
      groups + " ORDER BY m.score DESC, d.id LIMIT ?";
  std::vector<IndexHit> hits;
  for (const db::Row& row : session.query(sql, params)) {
    hits.push_back(IndexHit{row.int64(0), row.int64(1), row.text(2), row.text(3), "", row.real(4)});
  }
  return hits;
}

std::vector<IndexHit> search_pages(db::Session& session, const db::SearchMatch& match,
                                   const std::vector<std::int64_t>& group_ids, std::size_t limit) {
  db::Params params = match.params;
  const std::string groups = in_list(group_ids, params);
  params.emplace_back(static_cast<std::int64_t>(limit));
  const std::string sql = "SELECT p.id, p.group_id, p.title, p.body_markdown, p.slug, m.score FROM (" +
                          match.sql + ") m JOIN wiki_pages p ON p.id = m.id WHERE p.group_id IN " + groups +
                          " ORDER BY m.score DESC, p.id LIMIT ?";
  std::vector<IndexHit> hits;
  for (const db::Row& row : session.query(sql, params)) {
    hits.push_back(IndexHit{row.int64(0), row.int64(1), row.text(2), row.text(3), row.text(4), row.real(5)});
  }
  return hits;
}

void forget_author(db::Session& session, std::int64_t account_id) {
  session.execute("UPDATE document_folders SET created_by = NULL WHERE created_by = ?", {account_id});
  session.execute("UPDATE documents SET created_by = NULL WHERE created_by = ?", {account_id});
  session.execute("UPDATE document_versions SET uploaded_by = NULL WHERE uploaded_by = ?", {account_id});
  session.execute("UPDATE wiki_pages SET created_by = NULL WHERE created_by = ?", {account_id});
  session.execute("UPDATE wiki_pages SET updated_by = NULL WHERE updated_by = ?", {account_id});
  session.execute("UPDATE wiki_revisions SET author_id = NULL WHERE author_id = ?", {account_id});
}

}  // namespace documents::store
