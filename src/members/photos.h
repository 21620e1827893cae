// Profile photos: check an upload's real type (libmagic reads the bytes; the file name and the
// Content-Type are ignored), then re-encode it with libvips into a 400x400 profile picture and a 96x96
// thumbnail (centre crop, auto-rotated, sRGB JPEG) with every piece of metadata (EXIF, GPS, XMP,
// ICC, comments) stripped. Re-encoding also means a hostile file never reaches a browser as-is.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "members/service.h"

namespace members::photos {

inline constexpr int kProfileSize = 400;
inline constexpr int kThumbnailSize = 96;
// Decoded images larger than this are refused before decoding (decompression bombs).
inline constexpr long long kMaxPixels = 40'000'000;

struct Encoded {
  std::string profile_jpeg;
  std::string thumbnail_jpeg;
};

// The MIME type libmagic sees in `bytes` ("image/jpeg", "application/pdf", ...).
std::string sniff_type(std::string_view bytes);

// Checks and re-encodes an upload: TooLarge above kMaxPhotoBytes or kMaxPixels, UnsupportedType
// unless it is JPEG, PNG or WebP, Unreadable when it claims to be one but does not decode.
std::variant<Encoded, PhotoError> encode(std::string_view bytes);

}  // namespace members::photos
