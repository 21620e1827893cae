-- Documents: a library per knowledge group (nested folders, documents with versions whose bytes live
-- on disk under the data directory, named by their SHA-256), a small Markdown wiki per group with
-- every revision kept, and the full-text indexes over both (db/search_index.h). Authors are links
-- to accounts that erasure sets to NULL: the content belongs to the group and stays.
CREATE TABLE document_folders (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES knowledge_groups (id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES document_folders (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX document_folders_by_group ON document_folders (group_id, parent_id, name);

CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES knowledge_groups (id) ON DELETE CASCADE,
  folder_id INTEGER REFERENCES document_folders (id) ON DELETE RESTRICT,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX documents_by_folder ON documents (group_id, folder_id, title);

-- One row per uploaded file. `sha256` names the file under DATA_DIR/documents/; `text` is what
-- pdftotext found in a PDF (or the text of a text file), for search and excerpts.
CREATE TABLE document_versions (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  mime_type TEXT NOT NULL,
  filename TEXT NOT NULL,
  text TEXT NOT NULL DEFAULT '',
  uploaded_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  uploaded_at BIGINT NOT NULL,
  UNIQUE (document_id, number)
);
CREATE INDEX document_versions_by_sha ON document_versions (sha256);

CREATE TABLE wiki_pages (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES knowledge_groups (id) ON DELETE CASCADE,
  slug TEXT NOT NULL,
  title TEXT NOT NULL,
  body_markdown TEXT NOT NULL DEFAULT '',
  body_html TEXT NOT NULL DEFAULT '',
  revision INTEGER NOT NULL DEFAULT 1,   -- the number of the current revision: the edit form's base
  created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  updated_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (group_id, slug)
);

CREATE TABLE wiki_revisions (
  id INTEGER PRIMARY KEY,
  page_id INTEGER NOT NULL REFERENCES wiki_pages (id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  title TEXT NOT NULL,
  body_markdown TEXT NOT NULL,
  author_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (page_id, number)
);

-- Columns a..d: title; description and file name; (unused); the extracted text of the newest version.
CREATE VIRTUAL TABLE document_search USING fts5(a, b, c, d, tokenize = 'knooppunt_dutch');
-- Columns a..d: title; (unused); (unused); the Markdown text.
CREATE VIRTUAL TABLE wiki_search USING fts5(a, b, c, d, tokenize = 'knooppunt_dutch');
