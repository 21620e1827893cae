// Uploaded files: what an upload really is (libmagic reads the bytes; the client's name and
// Content-Type only have to agree with it), archive checks for the zip-based office formats (a zip
// bomb named .docx is refused before anyone opens it), images re-encoded with libvips (metadata
// stripped, a hostile file never served as sent), the content-addressed file store, PDF text through
// Debian's pdftotext, and a tiny PDF writer for the demo and the tests. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace documents::files {

// The largest file a member may upload (the form says so). The HTTP server's body limit for the two
// upload paths is a little larger, so a file just over this still gets our own clear page.
inline constexpr std::size_t kMaxUploadBytes = 20 * 1024 * 1024;

// Why an upload was refused; each has a message under "documents.error.<name>" (see to_string).
enum class Refusal {
  Empty,            // no bytes
  TooLarge,         // over kMaxUploadBytes (HTTP 413)
  UnsupportedType,  // not PDF, office, text/CSV or PNG/JPEG/WebP (HTTP 415)
  NameMismatch,     // the name says .pdf (say) but the bytes are something else (HTTP 422)
  UnsafeArchive,    // a zip whose entries, sizes or compression ratio are out of bounds (HTTP 422)
  Unreadable,       // an image that does not decode (HTTP 422)
};
std::string_view to_string(Refusal refusal);  // "empty", "too_large", ...

struct Accepted {
  std::string mime_type;  // e.g. "application/pdf"
  std::string extension;  // e.g. "pdf": what the stored file is called after
  std::string bytes;      // the bytes to store: re-encoded for images, as uploaded otherwise
  bool is_pdf() const { return mime_type == "application/pdf"; }
  bool is_text() const { return mime_type == "text/plain" || mime_type == "text/csv"; }
};

// Checks an upload. `client_filename` is only used to catch a lying name (a ".pdf" that is text).
std::variant<Accepted, Refusal> inspect(std::string_view bytes, std::string_view client_filename);

// The bounds a zip (OOXML, ODF) must keep. The declared sizes are checked first, then every entry is
// inflated with a cap, so an archive that lies about its sizes is caught as well.
struct ArchiveLimits {
  std::size_t max_entries = 2000;
  std::size_t max_total_uncompressed = 100 * 1024 * 1024;
  double max_ratio = 100.0;                       // uncompressed : compressed, over the whole archive,
  std::size_t ratio_applies_above = 1024 * 1024;  // once it holds more than this uncompressed
};
// True when `zip` is a well-formed archive within `limits`.
bool archive_is_safe(std::string_view zip, const ArchiveLimits& limits = {});

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

// Files on disk under `root`, named by the SHA-256 of their bytes (root/ab/abcdef...). Storing the
// same bytes twice stores them once; writes go to a temporary name and are renamed into place, so a
// retried transaction or two uploads of one file never see half a file.
class BlobStore {
 public:
  explicit BlobStore(std::filesystem::path root) : root_(std::move(root)) {}
  // Stores `bytes`; returns their SHA-256. Throws std::runtime_error when the disk refuses.
  std::string put(std::string_view bytes) const;
  std::optional<std::string> read(std::string_view sha256) const;
  void remove(std::string_view sha256) const;  // nothing when absent
  std::filesystem::path path_of(std::string_view sha256) const;

 private:
  std::filesystem::path root_;
};

// The text of a PDF's first `max_pages` pages, by Debian's `pdftotext` (poppler-utils) in a child
// process: no shell, a wall-clock timeout, CPU and memory limits, output capped at `max_bytes`.
// Why a process and not libpoppler in ours: a hostile PDF that crashes or loops poppler then takes
// down one child, not the server. "" when the PDF has no text or the tool fails or times out.
struct PdfTextLimits {
  int max_pages = 50;
  std::chrono::milliseconds timeout{10'000};
  std::size_t max_bytes = 1024 * 1024;
};
std::string pdf_text(const std::filesystem::path& pdf, const PdfTextLimits& limits = {});

// A small valid PDF (Helvetica, one page per 45 lines; Latin-1 text) with `lines` as its text: the
// demo library's and the tests' PDFs, so no binary files live in the repository.
std::string minimal_pdf(const std::vector<std::string>& lines);

// A file name safe for Content-Disposition and any file system: `stem` folded to lower-case ASCII
// letters, digits, '-' and '_', at most 80 characters, then "." + `extension`. Example:
// safe_filename("Model verwerkersovereenkomst (AVG)", "pdf") == "model-verwerkersovereenkomst-avg.pdf"
std::string safe_filename(std::string_view stem, std::string_view extension);

// `text` with every byte sequence that is not valid UTF-8 dropped.
std::string valid_utf8(std::string_view text);

}  // namespace documents::files
