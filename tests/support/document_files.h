// Test support: files for the document library's tests, made in the test (no binary fixtures): zip
// archives written entry by entry (so a test can make an office file, a zip bomb named .docx, or an
// archive that lies about its sizes), minimal Word documents, and PNG images.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace testing_support {

struct ZipEntry {
  std::string name;
  std::string bytes;
  bool deflate = true;
  // When set, the central directory and local header claim this uncompressed size instead of the
  // real one (an archive that lies).
  long long claimed_size = -1;
};

// A zip archive with `entries` in order.
std::string make_zip(const std::vector<ZipEntry>& entries);

// A minimal .docx (OOXML wordprocessing document) whose body says `text`; libmagic calls it
// application/vnd.openxmlformats-officedocument.wordprocessingml.document.
std::string make_docx(const std::string& text);

// A .docx look-alike whose document.xml inflates to `uncompressed_bytes` of zeros (a zip bomb).
std::string make_zip_bomb_docx(std::size_t uncompressed_bytes);

// A real PNG of width x height pixels (libvips), optionally with a comment in its metadata.
std::string make_png(int width, int height);

}  // namespace testing_support
