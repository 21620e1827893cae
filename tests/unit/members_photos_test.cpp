// Profile photos (members/photos.h): JPEG, PNG and WebP are re-encoded to 400x400 and 96x96 JPEGs
// without metadata; files that lie about their type, other formats, damaged files, oversized files
// and decompression bombs are refused with the right reason.
#include <gtest/gtest.h>
#include <vips/vips.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <variant>

#include "members/photos.h"
#include "support/text.h"

namespace {

using members::PhotoError;
namespace photos = members::photos;

using testing_support::contains;

// A 640x480 test picture with some structure, encoded by libvips as `format` (".jpg", ".png", ".webp").
std::string picture(const char* format, int width = 640, int height = 480) {
  VipsImage* xyz = nullptr;
  EXPECT_EQ(vips_xyz(&xyz, width, height, nullptr), 0);
  VipsImage* band = nullptr;
  EXPECT_EQ(vips_extract_band(xyz, &band, 0, nullptr), 0);
  VipsImage* rgb = nullptr;
  VipsImage* bands[3] = {band, band, band};
  EXPECT_EQ(vips_bandjoin(bands, &rgb, 3, nullptr), 0);
  VipsImage* bytes = nullptr;
  EXPECT_EQ(vips_cast_uchar(rgb, &bytes, nullptr), 0);
  void* buffer = nullptr;
  std::size_t length = 0;
  EXPECT_EQ(vips_image_write_to_buffer(bytes, format, &buffer, &length, nullptr), 0) << vips_error_buffer();
  std::string encoded(static_cast<const char*>(buffer), length);
  g_free(buffer);
  for (VipsImage* image : {xyz, band, rgb, bytes}) g_object_unref(image);
  return encoded;
}

void put16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>(v >> 8);
}
void put32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

// An EXIF APP1 segment with a GPS position (N 51° 26'), spliced in right after the JPEG's SOI.
std::string with_gps_exif(const std::string& jpeg) {
  std::string tiff = "II";
  put16(tiff, 42);
  put32(tiff, 8);
  put16(tiff, 1);  // IFD0: one entry, the GPS IFD pointer
  put16(tiff, 0x8825);
  put16(tiff, 4);
  put32(tiff, 1);
  put32(tiff, 26);
  put32(tiff, 0);
  put16(tiff, 2);       // GPS IFD at 26
  put16(tiff, 0x0001);  // GPSLatitudeRef "N"
  put16(tiff, 2);
  put32(tiff, 2);
  tiff += std::string("N\0\0\0", 4);
  put16(tiff, 0x0002);  // GPSLatitude, three rationals at 56
  put16(tiff, 5);
  put32(tiff, 3);
  put32(tiff, 56);
  put32(tiff, 0);
  for (std::uint32_t value : {51u, 26u, 0u}) {
    put32(tiff, value);
    put32(tiff, 1);
  }
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  const auto length = static_cast<std::uint16_t>(payload.size() + 2);
  std::string segment = "\xFF\xE1";
  segment += static_cast<char>(length >> 8);
  segment += static_cast<char>(length & 0xFF);
  return jpeg.substr(0, 2) + segment + payload + jpeg.substr(2);
}

// A PNG chunk with its CRC.
std::string png_chunk(std::string_view type, std::string_view data) {
  std::string chunk;
  const auto length = static_cast<std::uint32_t>(data.size());
  for (int i = 3; i >= 0; --i) chunk += static_cast<char>((length >> (8 * i)) & 0xFF);
  const std::string body = std::string(type) + std::string(data);
  chunk += body;
  const auto crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
  for (int i = 3; i >= 0; --i) chunk += static_cast<char>((crc >> (8 * i)) & 0xFF);
  return chunk;
}

std::string field_names(const std::string& jpeg) {
  VipsImage* image = vips_image_new_from_buffer(jpeg.data(), jpeg.size(), "", nullptr);
  if (image == nullptr) return "unreadable";
  gchar** names = vips_image_get_fields(image);
  std::string all;
  for (gchar** name = names; *name != nullptr; ++name) all += std::string(*name) + " ";
  g_strfreev(names);
  g_object_unref(image);
  return all;
}

std::pair<int, int> size_of(const std::string& jpeg) {
  VipsImage* image = vips_image_new_from_buffer(jpeg.data(), jpeg.size(), "", nullptr);
  if (image == nullptr) return {0, 0};
  std::pair<int, int> size{vips_image_get_width(image), vips_image_get_height(image)};
  g_object_unref(image);
  return size;
}

class Photos : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(vips_init("members_photos_test"), 0); }
};

TEST_F(Photos, JpegPngAndWebpAreReEncodedToTwoSquareJpegs) {
  for (const char* format : {".jpg", ".png", ".webp"}) {
    auto result = photos::encode(picture(format));
    ASSERT_TRUE(std::holds_alternative<photos::Encoded>(result)) << format;
    const auto& encoded = std::get<photos::Encoded>(result);
    EXPECT_EQ(photos::sniff_type(encoded.profile_jpeg), "image/jpeg") << format;
    EXPECT_EQ(size_of(encoded.profile_jpeg), (std::pair{400, 400})) << format;
    EXPECT_EQ(size_of(encoded.thumbnail_jpeg), (std::pair{96, 96})) << format;
  }
}

TEST_F(Photos, ExifAndGpsAreStripped) {
  const std::string original = with_gps_exif(picture(".jpg"));
  ASSERT_NE(field_names(original).find("exif-ifd3-GPSLatitude"), std::string::npos)
      << "the test picture must carry GPS: " << field_names(original);
  auto result = photos::encode(original);
  ASSERT_TRUE(std::holds_alternative<photos::Encoded>(result));
  for (const std::string& output :
       {std::get<photos::Encoded>(result).profile_jpeg, std::get<photos::Encoded>(result).thumbnail_jpeg}) {
    EXPECT_FALSE(contains(output, "Exif"));
    EXPECT_FALSE(contains(field_names(output), "exif"));
    EXPECT_FALSE(contains(field_names(output), "GPS"));
    EXPECT_FALSE(contains(field_names(output), "xmp"));
    EXPECT_FALSE(contains(field_names(output), "icc"));
  }
}

TEST_F(Photos, PngTextChunksDoNotSurvive) {
  const std::string png = picture(".png");
  // After the signature (8 bytes) and IHDR (25 bytes), a tEXt chunk with a private note.
  const std::string tagged = png.substr(0, 33) +
                             png_chunk("tEXt", std::string("Comment\0Thuisadres Dorpsstraat 1", 32)) +
                             png.substr(33);
  auto result = photos::encode(tagged);
  ASSERT_TRUE(std::holds_alternative<photos::Encoded>(result));
  EXPECT_FALSE(contains(std::get<photos::Encoded>(result).profile_jpeg, "Dorpsstraat"));
}

TEST_F(Photos, FilesThatAreNotJpegPngOrWebpAreRefusedWhateverTheirName) {
  const std::string pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
  const std::string html = "<!doctype html><html><script>alert(1)</script></html>";
  const std::string svg =
      "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
  for (const std::string& bytes : {pdf, html, svg, picture(".gif"), std::string("GIF89a"), std::string()}) {
    auto result = photos::encode(bytes);
    ASSERT_TRUE(std::holds_alternative<PhotoError>(result));
    EXPECT_EQ(std::get<PhotoError>(result), PhotoError::UnsupportedType) << photos::sniff_type(bytes);
  }
}

TEST_F(Photos, AFileWithAJpegHeadButNoImageIsUnreadable) {
  const std::string jpeg = picture(".jpg");
  for (const std::string& bytes :
       {std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11) + std::string(2000, 'x'),
        jpeg.substr(0, jpeg.size() / 3)}) {
    auto result = photos::encode(bytes);
    ASSERT_TRUE(std::holds_alternative<PhotoError>(result));
    EXPECT_EQ(std::get<PhotoError>(result), PhotoError::Unreadable);
  }
}

TEST_F(Photos, TooManyBytesOrPixelsAreRefusedBeforeDecoding) {
  auto big = photos::encode(std::string(members::kMaxPhotoBytes + 1, '\xFF'));
  ASSERT_TRUE(std::holds_alternative<PhotoError>(big));
  EXPECT_EQ(std::get<PhotoError>(big), PhotoError::TooLarge);

  // A small PNG whose header claims 30000 x 30000 pixels (a decompression bomb).
  std::string png = picture(".png", 16, 16);
  std::string ihdr = png.substr(16, 13);
  for (int i = 0; i < 2; ++i) {
    const std::uint32_t side = 30000;
    for (int b = 0; b < 4; ++b)
      ihdr[static_cast<std::size_t>(i * 4 + b)] = static_cast<char>((side >> (8 * (3 - b))) & 0xFF);
  }
  const std::string bomb = png.substr(0, 8) + png_chunk("IHDR", ihdr) + png.substr(33);
  auto refused = photos::encode(bomb);
  ASSERT_TRUE(std::holds_alternative<PhotoError>(refused));
  EXPECT_EQ(std::get<PhotoError>(refused), PhotoError::TooLarge);
}

}  // namespace
