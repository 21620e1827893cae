#include "support/document_files.h"

#include <vips/vips.h>
#include <zlib.h>

#include <cstdint>
#include <stdexcept>

namespace testing_support {

namespace {

void put16(std::string& out, unsigned value) {
  out += static_cast<char>(value & 0xFF);
  out += static_cast<char>((value >> 8) & 0xFF);
}

void put32(std::string& out, unsigned long value) {
  for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((value >> shift) & 0xFF);
}

std::string raw_deflate(const std::string& bytes) {
  z_stream stream{};
  if (deflateInit2(&stream, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate failed");
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace

std::string make_zip(const std::vector<ZipEntry>& entries) {
  std::string archive;
  std::string directory;
  for (const ZipEntry& entry : entries) {
    const std::string data = entry.deflate ? raw_deflate(entry.bytes) : entry.bytes;
    const unsigned long crc =
        crc32(0L, reinterpret_cast<const Bytef*>(entry.bytes.data()), static_cast<uInt>(entry.bytes.size()));
    const unsigned long size =
        entry.claimed_size >= 0 ? static_cast<unsigned long>(entry.claimed_size) : entry.bytes.size();
    const unsigned method = entry.deflate ? 8 : 0;
    const unsigned long offset = archive.size();

    put32(archive, 0x04034b50);
    put16(archive, 20);
    put16(archive, 0);
    put16(archive, method);
    put16(archive, 0);
    put16(archive, 0x21);  // 1980-01-01
    put32(archive, crc);
    put32(archive, data.size());
    put32(archive, size);
    put16(archive, static_cast<unsigned>(entry.name.size()));
    put16(archive, 0);
    archive += entry.name;
    archive += data;

    put32(directory, 0x02014b50);
    put16(directory, 20);
    put16(directory, 20);
    put16(directory, 0);
    put16(directory, method);
    put16(directory, 0);
    put16(directory, 0x21);
    put32(directory, crc);
    put32(directory, data.size());
    put32(directory, size);
    put16(directory, static_cast<unsigned>(entry.name.size()));
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0);
    put32(directory, 0);
    put32(directory, offset);
    directory += entry.name;
  }
  const unsigned long directory_offset = archive.size();
  archive += directory;
  put32(archive, 0x06054b50);
  put16(archive, 0);
  put16(archive, 0);
  put16(archive, static_cast<unsigned>(entries.size()));
  put16(archive, static_cast<unsigned>(entries.size()));
  put32(archive, directory.size());
  put32(archive, directory_offset);
  put16(archive, 0);
  return archive;
}

namespace {

const char* kContentTypes =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></"
    "Types>";

const char* kRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/></Relationships>";

}  // namespace

std::string make_docx(const std::string& text) {
  const std::string document =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<w:document "
      "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>" +
      text + "</w:t></w:r></w:p></w:body></w:document>";
  return make_zip(
      {{"[Content_Types].xml", kContentTypes}, {"_rels/.rels", kRels}, {"word/document.xml", document}});
}

std::string make_zip_bomb_docx(std::size_t uncompressed_bytes) {
  return make_zip({{"[Content_Types].xml", kContentTypes},
                   {"_rels/.rels", kRels},
                   {"word/document.xml", std::string(uncompressed_bytes, '\0')}});
}

std::string make_png(int width, int height) {
  static const bool started = VIPS_INIT("knooppunt-tests") == 0;
  if (!started) throw std::runtime_error("libvips failed to start");
  VipsImage* image = nullptr;
  if (vips_black(&image, width, height, "bands", 3, nullptr) != 0)
    throw std::runtime_error("vips_black failed");
  void* buffer = nullptr;
  std::size_t length = 0;
  const int failed = vips_pngsave_buffer(image, &buffer, &length, nullptr);
  g_object_unref(image);
  if (failed != 0) throw std::runtime_error("vips_pngsave_buffer failed");
  std::string png(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return png;
}

}  // namespace testing_support
