#include "members/photos.h"

#include <magic.h>
#include <vips/vips.h>

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace members::photos {

namespace {

constexpr std::array<std::string_view, 3> kAcceptedTypes = {"image/jpeg", "image/png", "image/webp"};
constexpr int kJpegQuality = 85;

void initialise_vips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (vips_init("knooppunt") != 0) throw std::runtime_error("libvips failed to initialise");
    // Requests already run on several workers: one vips thread per request is enough, and caching
    // operations on upload buffers would only hold memory.
    vips_concurrency_set(1);
    vips_cache_set_max(0);
  });
}

struct ImageDeleter {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using Image = std::unique_ptr<VipsImage, ImageDeleter>;

struct MagicDeleter {
  void operator()(magic_t cookie) const { magic_close(cookie); }
};

// A libmagic handle per thread: handles are not thread-safe, and loading the database is slow.
magic_t magic_cookie() {
  thread_local std::unique_ptr<magic_set, MagicDeleter> cookie = [] {
    std::unique_ptr<magic_set, MagicDeleter> opened(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR));
    if (!opened || magic_load(opened.get(), nullptr) != 0) {
      throw std::runtime_error("libmagic failed to load its database");
    }
    return opened;
  }();
  return cookie.get();
}

std::optional<std::string> to_jpeg(VipsImage* image) {
  void* buffer = nullptr;
  std::size_t length = 0;
  if (vips_jpegsave_buffer(image, &buffer, &length, "Q", kJpegQuality, "strip", TRUE, "optimize_coding", TRUE,
                           nullptr) != 0) {
    vips_error_clear();
    return std::nullopt;
  }
  std::string bytes(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return bytes;
}

// A size x size centre crop, rotated upright, in sRGB, flattened onto white (JPEG has no alpha).
std::optional<std::string> square_jpeg(std::string_view bytes, int size) {
  VipsImage* raw = nullptr;
  if (vips_thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(), &raw, size, "height", size, "crop",
                            VIPS_INTERESTING_CENTRE, "option_string", "fail_on=error", nullptr) != 0) {
    vips_error_clear();
    return std::nullopt;
  }
  Image thumbnail(raw);
  if (vips_image_hasalpha(thumbnail.get())) {
    VipsArrayDouble* white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
    VipsImage* flat = nullptr;
    const int failed = vips_flatten(thumbnail.get(), &flat, "background", white, nullptr);
    vips_area_unref(reinterpret_cast<VipsArea*>(white));
    if (failed != 0) {
      vips_error_clear();
      return std::nullopt;
    }
    thumbnail.reset(flat);
  }
  return to_jpeg(thumbnail.get());
}

// Reads only the header: the size before any pixel is decoded.
std::optional<long long> pixel_count(std::string_view bytes) {
  VipsImage* raw =
      vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access", VIPS_ACCESS_SEQUENTIAL, nullptr);
  if (raw == nullptr) {
    vips_error_clear();
    return std::nullopt;
  }
  Image header(raw);
  return static_cast<long long>(vips_image_get_width(header.get())) * vips_image_get_height(header.get());
}

}  // namespace

std::string sniff_type(std::string_view bytes) {
  const char* type = magic_buffer(magic_cookie(), bytes.data(), bytes.size());
  return type != nullptr ? std::string(type) : std::string("application/octet-stream");
}

std::variant<Encoded, PhotoError> encode(std::string_view bytes) {
  if (bytes.size() > kMaxPhotoBytes) return PhotoError::TooLarge;
  const std::string type = sniff_type(bytes);
  bool accepted = false;
  for (std::string_view candidate : kAcceptedTypes) accepted = accepted || type == candidate;
  if (!accepted) return PhotoError::UnsupportedType;

  initialise_vips();
  const std::optional<long long> pixels = pixel_count(bytes);
  if (!pixels || *pixels <= 0) return PhotoError::Unreadable;
  if (*pixels > kMaxPixels) return PhotoError::TooLarge;

  Encoded encoded;
  auto profile = square_jpeg(bytes, kProfileSize);
  auto thumbnail = square_jpeg(bytes, kThumbnailSize);
  if (!profile || !thumbnail) return PhotoError::Unreadable;
  encoded.profile_jpeg = std::move(*profile);
  encoded.thumbnail_jpeg = std::move(*thumbnail);
  return encoded;
}

}  // namespace members::photos
