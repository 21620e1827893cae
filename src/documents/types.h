// A knowledge group's library and wiki: folders, documents with their versions, wiki pages with their
// revisions. Plain values; times are Unix seconds. Author names are empty when the author's account
// was erased (the content belongs to the group and stays).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace documents {

// The group a library or wiki belongs to, with the names its pages show.
struct GroupRef {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string network_slug;
  std::string network_name;
  std::string slug;
  std::string name;

  // "/groepen/{network}/{group}"
  std::string path() const { return "/groepen/" + network_slug + "/" + slug; }
};

struct Folder {
  std::int64_t id = 0;
  std::int64_t group_id = 0;
  std::optional<std::int64_t> parent_id;  // none: at the top of the library
  std::string name;
  std::int64_t created_at = 0;
};

struct Version {
  std::int64_t id = 0;
  std::int64_t document_id = 0;
  std::int64_t number = 0;  // 1, 2, ... per document
  std::string sha256;       // names the stored file
  std::int64_t size_bytes = 0;
  std::string mime_type;  // as libmagic saw it, never as the client claimed
  std::string filename;   // safe for Content-Disposition
  std::optional<std::int64_t> uploaded_by;
  std::string uploaded_by_name;  // "" when erased
  std::int64_t uploaded_at = 0;
};

struct Document {
  std::int64_t id = 0;
  std::int64_t group_id = 0;
  std::optional<std::int64_t> folder_id;
  std::string title;
  std::string description;
  std::optional<std::int64_t> created_by;
  std::string created_by_name;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::int64_t version_count = 0;
  // The newest version's type and size (for lists).
  std::string mime_type;
  std::int64_t size_bytes = 0;
};

struct WikiPage {
  std::int64_t id = 0;
  std::int64_t group_id = 0;
  std::string slug;  // in URLs: /groepen/{network}/{group}/wiki/{slug}
  std::string title;
  std::string body_markdown;
  std::string body_html;  // rendered on save (web/markdown.h), safe to insert unescaped
  std::int64_t revision = 1;
  std::optional<std::int64_t> updated_by;
  std::string updated_by_name;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct WikiRevision {
  std::int64_t id = 0;
  std::int64_t page_id = 0;
  std::int64_t number = 0;
  std::string title;
  std::string body_markdown;
  std::optional<std::int64_t> author_id;
  std::string author_name;
  std::int64_t created_at = 0;
};

}  // namespace documents
