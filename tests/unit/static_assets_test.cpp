// Static assets from the embedded resources: fingerprints, ETags, revalidation and gzip.
#include "http/static_assets.h"

#include <gtest/gtest.h>

#include <regex>

#include "util/resources.h"

namespace {
http::Request get(std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Request request;
  request.path = std::move(path);
  for (auto& [name, value] : headers) request.headers.add(name, value);
  return request;
}
}  // namespace

TEST(StaticAssets, FingerprintedUrlNamesTheContent) {
  http::StaticAssets assets("resources/assets/");
  const std::string url = assets.url_for("app.css");
  EXPECT_TRUE(std::regex_match(url, std::regex("/assets/app\\.[0-9a-f]{8}\\.css"))) << url;
  EXPECT_THROW(assets.url_for("missing.css"), std::out_of_range);
}

TEST(StaticAssets, FingerprintedNameIsImmutablePlainNameRevalidates) {
  http::StaticAssets assets("resources/assets/");
  auto fingerprinted = assets.serve(get(assets.url_for("app.css")));
  ASSERT_TRUE(fingerprinted);
  EXPECT_EQ(fingerprinted->status, 200);
  EXPECT_EQ(fingerprinted->headers.get("cache-control").value_or(""), "public, max-age=31536000, immutable");
  EXPECT_EQ(fingerprinted->body, *util::find_resource("resources/assets/app.css"));

  auto plain = assets.serve(get("/assets/app.css"));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->headers.get("cache-control").value_or(""), "public, no-cache");
  const std::string etag(plain->headers.get("etag").value_or(""));
  ASSERT_FALSE(etag.empty());

  auto revalidated = assets.serve(get("/assets/app.css", {{"If-None-Match", "\"other\", " + etag}}));
  ASSERT_TRUE(revalidated);
  EXPECT_EQ(revalidated->status, 304);
  EXPECT_TRUE(revalidated->body.empty());
}

TEST(StaticAssets, GzipOnlyWhenTheClientAcceptsIt) {
  http::StaticAssets assets("resources/assets/");
  auto compressed = assets.serve(get("/assets/app.css", {{"Accept-Encoding", "gzip, deflate"}}));
  ASSERT_TRUE(compressed);
  EXPECT_EQ(compressed->headers.get("content-encoding").value_or(""), "gzip");
  EXPECT_EQ(static_cast<unsigned char>(compressed->body[0]), 0x1f);  // the gzip magic number
  auto identity = assets.serve(get("/assets/app.css"));
  EXPECT_FALSE(identity->headers.contains("content-encoding"));
  EXPECT_LT(compressed->body.size(), identity->body.size());
}

TEST(StaticAssets, UnknownNamesAndOtherPathsAreNotAssets) {
  http::StaticAssets assets("resources/assets/");
  EXPECT_FALSE(assets.serve(get("/assets/nope.css")));
  EXPECT_FALSE(assets.serve(get("/app.css")));
  EXPECT_FALSE(assets.serve(get("/assets/")));
}
