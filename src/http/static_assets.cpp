#include "http/static_assets.h"

#include <sodium.h>
#include <zlib.h>

#include <array>
#include <stdexcept>

#include "util/resources.h"

namespace http {

namespace {

struct TypeInfo {
  std::string_view extension;
  std::string_view content_type;
  bool compressible;
};

constexpr std::array<TypeInfo, 13> kTypes{{
    {".css", "text/css; charset=utf-8", true},
    {".js", "text/javascript; charset=utf-8", true},
    {".mjs", "text/javascript; charset=utf-8", true},
    {".json", "application/json", true},
    {".svg", "image/svg+xml", true},
    {".txt", "text/plain; charset=utf-8", true},
    {".map", "application/json", true},
    {".png", "image/png", false},
    {".jpg", "image/jpeg", false},
    {".webp", "image/webp", false},
    {".ico", "image/x-icon", false},
    {".woff2", "font/woff2", false},
    {".webmanifest", "application/manifest+json", true},
}};

const TypeInfo& type_of(std::string_view name) {
  static constexpr TypeInfo kUnknown{"", "application/octet-stream", false};
  for (const auto& type : kTypes) {
    if (name.ends_with(type.extension)) return type;
  }
  return kUnknown;
}

std::string hex_digest(std::string_view content, std::size_t bytes) {
  std::array<unsigned char, 32> digest{};
  crypto_generichash(digest.data(), bytes, reinterpret_cast<const unsigned char*>(content.data()),
                     content.size(), nullptr, 0);
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), bytes);
  hex.pop_back();
  return hex;
}

// gzip at the best level: done once at start-up, so the cost does not matter.
std::string gzip(std::string_view input) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib: deflateInit2 failed");
  }
  std::string output(deflateBound(&stream, static_cast<uLong>(input.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(output.data());
  stream.avail_out = static_cast<uInt>(output.size());
  const int result = deflate(&stream, Z_FINISH);
  output.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
  return output;
}

// "css/app.css" + "5d41402a" -> "css/app.5d41402a.css"
std::string fingerprinted(std::string_view name, std::string_view hash) {
  const std::size_t slash = name.rfind('/');
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return std::string(name) + "." + std::string(hash);
  }
  return std::string(name.substr(0, dot)) + "." + std::string(hash) + std::string(name.substr(dot));
}

bool accepts_gzip(const Request& request) {
  // Good enough for real clients: "gzip;q=0" is vanishingly rare and would still decode.
  return request.header("accept-encoding").find("gzip") != std::string_view::npos;
}

}  // namespace

StaticAssets::StaticAssets(std::string_view resource_prefix) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  for (const auto& resource : util::resources_under(resource_prefix)) {
    const std::string name(resource.path.substr(resource_prefix.size()));
    const TypeInfo& type = type_of(name);
    Asset asset;
    asset.content_type = std::string(type.content_type);
    asset.body = resource.content;
    asset.etag = "\"" + hex_digest(resource.content, 16) + "\"";
    asset.fingerprinted_name = fingerprinted(name, hex_digest(resource.content, 4));
    if (type.compressible && resource.content.size() > 256) {
      std::string compressed = gzip(resource.content);
      if (compressed.size() + 64 < resource.content.size()) asset.gzip_body = std::move(compressed);
    }
    fingerprinted_.emplace(asset.fingerprinted_name, name);
    by_name_.emplace(name, std::move(asset));
  }
}

std::string StaticAssets::url_for(std::string_view name) const {
  auto found = by_name_.find(name);
  if (found == by_name_.end()) throw std::out_of_range("no asset named " + std::string(name));
  return "/assets/" + found->second.fingerprinted_name;
}

std::optional<Response> StaticAssets::serve(const Request& request) const {
  constexpr std::string_view kPrefix = "/assets/";
  if (!request.path.starts_with(kPrefix)) return std::nullopt;
  std::string_view name = std::string_view(request.path).substr(kPrefix.size());

  bool immutable = false;
  auto asset = by_name_.find(name);
  if (asset == by_name_.end()) {
    auto plain = fingerprinted_.find(name);
    if (plain == fingerprinted_.end()) return std::nullopt;
    asset = by_name_.find(plain->second);
    immutable = true;
  }

  Response response;
  response.headers.set("Content-Type", asset->second.content_type);
  response.headers.set("ETag", asset->second.etag);
  response.headers.set("Cache-Control",
                       immutable ? "public, max-age=31536000, immutable" : "public, no-cache");
  if (!asset->second.gzip_body.empty()) response.headers.set("Vary", "Accept-Encoding");

  // If-None-Match may list several tags; ours is strong, so containment is a match.
  if (auto match = request.headers.get("if-none-match");
      match && (*match == "*" || match->find(asset->second.etag) != std::string_view::npos)) {
    response.status = 304;
    return response;
  }
  response.status = 200;
  if (!asset->second.gzip_body.empty() && accepts_gzip(request)) {
    response.headers.set("Content-Encoding", "gzip");
    response.body = asset->second.gzip_body;
  } else {
    response.body = std::string(asset->second.body);
  }
  return response;
}

}  // namespace http
