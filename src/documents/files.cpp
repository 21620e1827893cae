#include "documents/files.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vips/vips.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "db/search_index.h"
#include "http/parsers.h"
#include "members/photos.h"

#ifndef KNOOPPUNT_PDFTOTEXT
#define KNOOPPUNT_PDFTOTEXT "/usr/bin/pdftotext"
#endif

namespace documents::files {

namespace {

// The types a library accepts, with the extensions a file of that type may carry. The first
// extension is the one a stored version is named with.
struct AcceptedType {
  std::string_view mime_type;
  std::vector<std::string_view> extensions;
};

const std::vector<AcceptedType>& accepted_types() {
  static const std::vector<AcceptedType> types = {
      {"application/pdf", {"pdf"}},
      {"text/plain", {"txt", "text", "md", "csv"}},
      {"text/csv", {"csv", "txt"}},
      {"image/png", {"png"}},
      {"image/jpeg", {"jpg", "jpeg"}},
      {"image/webp", {"webp"}},
      {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", {"docx"}},
      {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx"}},
      {"application/vnd.openxmlformats-officedocument.presentationml.presentation", {"pptx"}},
      {"application/vnd.oasis.opendocument.text", {"odt"}},
      {"application/vnd.oasis.opendocument.spreadsheet", {"ods"}},
      {"application/vnd.oasis.opendocument.presentation", {"odp"}},
  };
  return types;
}

// Every extension some accepted type uses: a name ending in one of these makes a claim the bytes
// must keep.
bool known_extension(std::string_view extension) {
  for (const AcceptedType& type : accepted_types()) {
    for (std::string_view candidate : type.extensions) {
      if (candidate == extension) return true;
    }
  }
  return extension == "doc" || extension == "xls" || extension == "ppt";
}

std::string lower_extension(std::string_view filename) {
  const std::size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos || dot + 1 >= filename.size()) return "";
  std::string extension(filename.substr(dot + 1));
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension;
}

std::uint32_t read_u32(std::string_view bytes, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3])) << 24;
}

std::uint16_t read_u16(std::string_view bytes, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[at]) |
                                    static_cast<unsigned char>(bytes[at + 1]) << 8);
}

bool looks_like_zip(std::string_view bytes) {
  return bytes.size() >= 4 && bytes.substr(0, 4) == "PK\x03\x04";
}

// Inflates one entry's data without keeping it; the number of bytes it expands to, or nullopt when
// the data is broken or would exceed `cap`.
std::optional<std::size_t> inflated_size(std::string_view data, std::size_t cap) {
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) return std::nullopt;
  std::array<unsigned char, 64 * 1024> out{};
  std::size_t total = 0;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    status = inflate(&stream, Z_NO_FLUSH);
    total += out.size() - stream.avail_out;
    if (total > cap) break;
    if (status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) break;  // truncated data
  }
  inflateEnd(&stream);
  if (total > cap || status != Z_STREAM_END) return std::nullopt;
  return total;
}

std::once_flag vips_once;
void initialise_vips() {
  std::call_once(vips_once, [] {
    if (VIPS_INIT("knooppunt") != 0) throw std::runtime_error("libvips failed to initialise");
    vips_concurrency_set(1);
    vips_cache_set_max(0);
  });
}

struct ImageDeleter {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using Image = std::unique_ptr<VipsImage, ImageDeleter>;

constexpr int kMaxImageSide = 4000;

// The image decoded, turned upright, at most kMaxImageSide on its longest side, saved again in its
// own format with every piece of metadata stripped.
std::optional<std::string> reencode_image(std::string_view bytes, std::string_view mime_type) {
  initialise_vips();
  VipsImage* header_raw =
      vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access", VIPS_ACCESS_SEQUENTIAL, nullptr);
  if (header_raw == nullptr) {
    vips_error_clear();
    return std::nullopt;
  }
  const long long pixels =
      static_cast<long long>(vips_image_get_width(header_raw)) * vips_image_get_height(header_raw);
  g_object_unref(header_raw);
  if (pixels <= 0 || pixels > members::photos::kMaxPixels) return std::nullopt;

  VipsImage* raw = nullptr;
  if (vips_thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(), &raw, kMaxImageSide, "height",
                            kMaxImageSide, "size", VIPS_SIZE_DOWN, "option_string", "fail_on=error",
                            nullptr) != 0) {
    vips_error_clear();
    return std::nullopt;
  }
  Image image(raw);
  void* buffer = nullptr;
  std::size_t length = 0;
  int failed = 0;
  if (mime_type == "image/png") {
    failed = vips_pngsave_buffer(image.get(), &buffer, &length, "strip", TRUE, nullptr);
  } else if (mime_type == "image/webp") {
    failed = vips_webpsave_buffer(image.get(), &buffer, &length, "strip", TRUE, "Q", 85, nullptr);
  } else {
    failed = vips_jpegsave_buffer(image.get(), &buffer, &length, "strip", TRUE, "Q", 88, "optimize_coding",
                                  TRUE, nullptr);
  }
  if (failed != 0) {
    vips_error_clear();
    return std::nullopt;
  }
  std::string encoded(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return encoded;
}

}  // namespace

std::string_view to_string(Refusal refusal) {
  switch (refusal) {
    case Refusal::Empty:
      return "empty";
    case Refusal::TooLarge:
      return "too_large";
    case Refusal::UnsupportedType:
      return "unsupported_type";
    case Refusal::NameMismatch:
      return "name_mismatch";
    case Refusal::UnsafeArchive:
      return "unsafe_archive";
    case Refusal::Unreadable:
      return "unreadable";
  }
  return "unreadable";
}

bool archive_is_safe(std::string_view zip, const ArchiveLimits& limits) {
  // The end-of-central-directory record: 22 bytes plus a comment of up to 65535.
  constexpr std::size_t kEndRecord = 22;
  if (zip.size() < kEndRecord) return false;
  std::size_t end = std::string_view::npos;
  const std::size_t lowest = zip.size() > kEndRecord + 65535 ? zip.size() - kEndRecord - 65535 : 0;
  for (std::size_t at = zip.size() - kEndRecord + 1; at-- > lowest;) {
    if (read_u32(zip, at) == 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end == std::string_view::npos) return false;
  const std::size_t entries = read_u16(zip, end + 10);
  const std::size_t directory_size = read_u32(zip, end + 12);
  const std::size_t directory_offset = read_u32(zip, end + 16);
  // ZIP64 markers: no office file under our upload limit needs them.
  if (entries == 0xFFFF || directory_offset == 0xFFFFFFFF) return false;
  if (entries == 0 || entries > limits.max_entries) return false;
  if (directory_offset > end || directory_size > end - directory_offset) return false;

  std::size_t declared_total = 0;
  std::size_t actual_total = 0;
  std::size_t at = directory_offset;
  for (std::size_t i = 0; i < entries; ++i) {
    if (at + 46 > end || read_u32(zip, at) != 0x02014b50) return false;
    const std::uint16_t flags = read_u16(zip, at + 8);
    const std::uint16_t method = read_u16(zip, at + 10);
    const std::size_t compressed = read_u32(zip, at + 20);
    const std::size_t uncompressed = read_u32(zip, at + 24);
    const std::size_t name_length = read_u16(zip, at + 28);
    const std::size_t extra_length = read_u16(zip, at + 30);
    const std::size_t comment_length = read_u16(zip, at + 32);
    const std::size_t local = read_u32(zip, at + 42);
    at += 46 + name_length + extra_length + comment_length;
    if (at > end) return false;
    if ((flags & 0x1) != 0) return false;  // encrypted: nobody could index or check it
    declared_total += uncompressed;
    if (declared_total > limits.max_total_uncompressed) return false;

    // The entry's data follows its local header.
    if (local + 30 > zip.size() || read_u32(zip, local) != 0x04034b50) return false;
    const std::size_t data_start = local + 30 + read_u16(zip, local + 26) + read_u16(zip, local + 28);
    if (data_start > zip.size() || compressed > zip.size() - data_start) return false;
    const std::string_view data = zip.substr(data_start, compressed);
    std::size_t actual = 0;
    if (method == 0) {
      actual = compressed;
    } else if (method == 8) {
      // Never more than it declares, and never past the archive's total bound.
      const std::size_t cap = std::min(uncompressed, limits.max_total_uncompressed - actual_total);
      const auto inflated = inflated_size(data, cap);
      if (!inflated) return false;
      actual = *inflated;
    } else {
      return false;  // office formats use stored or deflated entries only
    }
    if (actual != uncompressed) return false;
    actual_total += actual;
  }
  if (actual_total > limits.ratio_applies_above &&
      static_cast<double>(actual_total) > limits.max_ratio * static_cast<double>(zip.size())) {
    return false;
  }
  return true;
}

std::variant<Accepted, Refusal> inspect(std::string_view bytes, std::string_view client_filename) {
  if (bytes.empty()) return Refusal::Empty;
  if (bytes.size() > kMaxUploadBytes) return Refusal::TooLarge;
  // Before the type: a zip bomb is refused as such, whatever libmagic makes of its first entries.
  if (looks_like_zip(bytes) && !archive_is_safe(bytes)) return Refusal::UnsafeArchive;

  const std::string sniffed = members::photos::sniff_type(bytes);
  const AcceptedType* type = nullptr;
  for (const AcceptedType& candidate : accepted_types()) {
    if (candidate.mime_type == sniffed) type = &candidate;
  }
  const std::string extension = lower_extension(client_filename);
  if (type == nullptr) {
    // A name that promises an accepted type over other bytes is a lie worth naming.
    return known_extension(extension) ? Refusal::NameMismatch : Refusal::UnsupportedType;
  }
  if (!extension.empty() && known_extension(extension) &&
      std::find(type->extensions.begin(), type->extensions.end(), extension) == type->extensions.end()) {
    return Refusal::NameMismatch;
  }

  Accepted accepted;
  accepted.mime_type = std::string(type->mime_type);
  accepted.extension =
      extension.empty() || !known_extension(extension) ? std::string(type->extensions.front()) : extension;
  if (accepted.mime_type.starts_with("image/")) {
    auto encoded = reencode_image(bytes, accepted.mime_type);
    if (!encoded) return Refusal::Unreadable;
    accepted.bytes = std::move(*encoded);
  } else {
    accepted.bytes = std::string(bytes);
  }
  return accepted;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

std::filesystem::path BlobStore::path_of(std::string_view sha256) const {
  return root_ / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

std::string BlobStore::put(std::string_view bytes) const {
  const std::string sha = sha256_hex(bytes);
  const std::filesystem::path target = path_of(sha);
  std::error_code error;
  if (std::filesystem::exists(target, error) && std::filesystem::file_size(target, error) == bytes.size() &&
      !error) {
    return sha;
  }
  std::filesystem::create_directories(target.parent_path(), error);
  if (error)
    throw std::runtime_error("cannot create " + target.parent_path().string() + ": " + error.message());
  unsigned char nonce[8];
  randombytes_buf(nonce, sizeof nonce);
  char nonce_hex[sizeof nonce * 2 + 1];
  sodium_bin2hex(nonce_hex, sizeof nonce_hex, nonce, sizeof nonce);
  const std::filesystem::path temporary = target.string() + ".tmp-" + nonce_hex;
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::filesystem::remove(temporary, error);
      throw std::runtime_error("cannot write " + temporary.string());
    }
  }
  std::filesystem::rename(temporary, target, error);
  if (error) throw std::runtime_error("cannot store " + target.string() + ": " + error.message());
  return sha;
}

std::optional<std::string> BlobStore::read(std::string_view sha256) const {
  if (sha256.size() != 64 || sha256.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return std::nullopt;
  }
  std::ifstream in(path_of(sha256), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::move(bytes).str();
}

void BlobStore::remove(std::string_view sha256) const {
  if (sha256.size() != 64 || sha256.find_first_not_of("0123456789abcdef") != std::string_view::npos) return;
  std::error_code error;
  std::filesystem::remove(path_of(sha256), error);
}

std::string valid_utf8(std::string_view text) {
  if (http::is_valid_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    const auto lead = static_cast<unsigned char>(text[at]);
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x6  ? 2
                               : (lead >> 4) == 0xE  ? 3
                               : (lead >> 3) == 0x1E ? 4
                                                     : 0;
    if (length > 0 && at + length <= text.size() && http::is_valid_utf8(text.substr(at, length))) {
      out.append(text.substr(at, length));
      at += length;
    } else {
      ++at;
    }
  }
  return out;
}

std::string pdf_text(const std::filesystem::path& pdf, const PdfTextLimits& limits) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return "";
  const std::string program = KNOOPPUNT_PDFTOTEXT;
  const std::string pages = std::to_string(limits.max_pages);
  const std::string file = pdf.string();
  // Everything the child needs is prepared before fork: after it only async-signal-safe calls.
  std::vector<const char*> argv = {program.c_str(), "-q",         "-enc", "UTF-8", "-nopgbrk", "-l",
                                   pages.c_str(),   file.c_str(), "-",    nullptr};
  const int dev_null = open("/dev/null", O_RDWR | O_CLOEXEC);
  const pid_t child = fork();
  if (child < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    if (dev_null >= 0) close(dev_null);
    return "";
  }
  if (child == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    if (dev_null >= 0) {
      dup2(dev_null, STDIN_FILENO);
      dup2(dev_null, STDERR_FILENO);
    }
    const rlimit memory{512UL * 1024 * 1024, 512UL * 1024 * 1024};
    setrlimit(RLIMIT_AS, &memory);
    const rlim_t seconds = static_cast<rlim_t>(limits.timeout.count() / 1000 + 1);
    const rlimit cpu{seconds, seconds};
    setrlimit(RLIMIT_CPU, &cpu);
    execv(program.c_str(), const_cast<char* const*>(argv.data()));
    _exit(127);
  }
  close(pipe_fds[1]);
  if (dev_null >= 0) close(dev_null);

  std::string output;
  bool complete = false;
  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  std::array<char, 16 * 1024> buffer{};
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
            .count();
    if (left <= 0) break;
    pollfd readable{pipe_fds[0], POLLIN, 0};
    const int ready = poll(&readable, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    const ssize_t got = ::read(pipe_fds[0], buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      complete = got == 0;
      break;
    }
    output.append(buffer.data(), static_cast<std::size_t>(got));
    if (output.size() >= limits.max_bytes) {
      output.resize(limits.max_bytes);
      break;  // enough to index; the rest is not read
    }
  }
  close(pipe_fds[0]);
  kill(child, SIGKILL);  // harmless when it has exited; ends it when it overran
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  const bool succeeded = complete && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!succeeded && output.size() < limits.max_bytes) return "";
  return valid_utf8(output);
}

namespace {

// UTF-8 to Latin-1 (WinAnsi covers it for the letters Dutch needs); other characters become '?'.
std::string latin1(std::string_view text) {
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80) {
      out += static_cast<char>(lead);
      ++at;
    } else if ((lead >> 5) == 0x6 && at + 1 < text.size()) {
      const unsigned code = (lead & 0x1Fu) << 6 | (static_cast<unsigned char>(text[at + 1]) & 0x3Fu);
      out += code <= 0xFF ? static_cast<char>(code) : '?';
      at += 2;
    } else {
      out += '?';
      ++at;
      while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0u) == 0x80u) ++at;
    }
  }
  return out;
}

std::string pdf_string(std::string_view text) {
  std::string out = "(";
  for (char c : latin1(text)) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    if (c == '\r' || c == '\n') c = ' ';
    out += c;
  }
  return out + ")";
}

}  // namespace

std::string minimal_pdf(const std::vector<std::string>& lines) {
  constexpr std::size_t kLinesPerPage = 45;
  const std::size_t page_count = std::max<std::size_t>(1, (lines.size() + kLinesPerPage - 1) / kLinesPerPage);
  // Objects: 1 catalog, 2 page tree, 3 font, then per page its page object and its content stream.
  std::vector<std::string> objects;
  std::string kids;
  for (std::size_t page = 0; page < page_count; ++page) kids += std::to_string(4 + page * 2) + " 0 R ";
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(page_count) + " >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  for (std::size_t page = 0; page < page_count; ++page) {
    std::string content = "BT /F1 11 Tf 56 790 Td 15 TL\n";
    for (std::size_t i = page * kLinesPerPage; i < std::min(lines.size(), (page + 1) * kLinesPerPage); ++i) {
      content += pdf_string(lines[i]) + " Tj T*\n";
    }
    content += "ET";
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
        "/Contents " +
        std::to_string(5 + page * 2) + " 0 R >>");
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
                      "\nendstream");
  }
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    char entry[21];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

std::string safe_filename(std::string_view stem, std::string_view extension) {
  const std::string folded = db::fold_text(stem);
  std::string name;
  bool dash = false;
  for (char c : folded) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (keep) {
      if (dash && !name.empty()) name += '-';
      dash = false;
      name += c;
    } else {
      dash = true;
    }
    if (name.size() >= 80) break;
  }
  if (name.empty()) name = "document";
  return name + "." + std::string(extension);
}

}  // namespace documents::files
