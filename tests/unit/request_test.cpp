// http::origin_matches_host: the check every JSON change made with the session cookie relies on.
#include "http/request.h"

#include <gtest/gtest.h>

namespace http {
namespace {

Request with(std::string_view origin, std::string_view host) {
  Request request;
  if (!origin.empty()) request.headers.add("Origin", std::string(origin));
  if (!host.empty()) request.headers.add("Host", std::string(host));
  return request;
}

TEST(OriginMatchesHost, OnlyAnOriginNamingTheHostTheRequestWasSentToPasses) {
  EXPECT_TRUE(origin_matches_host(with("https://kkp.example.nl", "kkp.example.nl")));
  EXPECT_TRUE(origin_matches_host(with("http://127.0.0.1:8080", "127.0.0.1:8080")));
  EXPECT_TRUE(origin_matches_host(with("https://KKP.example.nl", "kkp.example.nl")));
  EXPECT_FALSE(origin_matches_host(with("https://evil.example", "kkp.example.nl")));
  EXPECT_FALSE(origin_matches_host(with("https://kkp.example.nl:8443", "kkp.example.nl")));
  EXPECT_FALSE(origin_matches_host(with("https://kkp.example.nl.evil.example", "kkp.example.nl")));
  EXPECT_FALSE(origin_matches_host(with("null", "kkp.example.nl")));
  EXPECT_FALSE(origin_matches_host(with("", "kkp.example.nl")));
  EXPECT_FALSE(origin_matches_host(with("https://kkp.example.nl", "")));
}

}  // namespace
}  // namespace http
