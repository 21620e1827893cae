// The router: literal and parameter segments, HEAD falling back to GET, 404 versus 405.
#include "http/router.h"

#include <gtest/gtest.h>

namespace {

http::Handler answer(int status) {
  return [status](http::Request&) { return http::Response::text(status, ""); };
}

int call(const http::Router::Match& match) {
  http::Request request;
  return (*match.handler)(request).status;
}

}  // namespace

TEST(Router, MatchesLiteralPathsExactly) {
  http::Router router;
  router.get("/", answer(1));
  router.get("/netwerken", answer(2));
  EXPECT_EQ(call(router.match(http::Method::Get, "/")), 1);
  EXPECT_EQ(call(router.match(http::Method::Get, "/netwerken")), 2);
  EXPECT_EQ(router.match(http::Method::Get, "/netwerken/").kind, http::Router::Match::Kind::NotFound);
  EXPECT_EQ(router.match(http::Method::Get, "/netwerk").kind, http::Router::Match::Kind::NotFound);
  EXPECT_EQ(router.match(http::Method::Get, "").kind, http::Router::Match::Kind::NotFound);
}

TEST(Router, CapturesParametersAndReportsThePattern) {
  http::Router router;
  router.get("/netwerken/{slug}/groepen/{group}", answer(1));
  auto match = router.match(http::Method::Get, "/netwerken/west-brabant/groepen/ict");
  ASSERT_EQ(match.kind, http::Router::Match::Kind::Found);
  EXPECT_EQ(match.pattern, "/netwerken/{slug}/groepen/{group}");
  ASSERT_EQ(match.params.size(), 2u);
  EXPECT_EQ(match.params[0], (std::pair<std::string, std::string>{"slug", "west-brabant"}));
  EXPECT_EQ(match.params[1], (std::pair<std::string, std::string>{"group", "ict"}));
}

TEST(Router, AParameterNeverMatchesAnEmptySegment) {
  http::Router router;
  router.get("/netwerken/{slug}", answer(1));
  EXPECT_EQ(router.match(http::Method::Get, "/netwerken/").kind, http::Router::Match::Kind::NotFound);
}

TEST(Router, LiteralSegmentWinsOverParameter) {
  http::Router router;
  router.get("/groepen/{slug}", answer(1));
  router.get("/groepen/nieuw", answer(2));
  EXPECT_EQ(call(router.match(http::Method::Get, "/groepen/nieuw")), 2);
  EXPECT_EQ(call(router.match(http::Method::Get, "/groepen/ict")), 1);
}

TEST(Router, BacktracksFromADeadEndLiteralToAParameter) {
  http::Router router;
  router.get("/groepen/nieuw", answer(1));
  router.get("/groepen/{slug}/leden", answer(2));
  auto match = router.match(http::Method::Get, "/groepen/nieuw/leden");
  ASSERT_EQ(match.kind, http::Router::Match::Kind::Found);
  EXPECT_EQ(call(match), 2);
  EXPECT_EQ(match.params[0].second, "nieuw");
}

TEST(Router, HeadFallsBackToGet) {
  http::Router router;
  router.get("/", answer(1));
  EXPECT_EQ(call(router.match(http::Method::Head, "/")), 1);
}

TEST(Router, WrongMethodIsMethodNotAllowedWithTheAllowedOnes) {
  http::Router router;
  router.get("/taal", answer(1));
  router.post("/taal", answer(2));
  EXPECT_EQ(call(router.match(http::Method::Post, "/taal")), 2);
  auto match = router.match(http::Method::Delete, "/taal");
  EXPECT_EQ(match.kind, http::Router::Match::Kind::MethodNotAllowed);
  EXPECT_EQ(match.allowed, (std::vector<http::Method>{http::Method::Get, http::Method::Head, http::Method::Post}));
}

TEST(Router, RefusesDuplicateRoutesAndBadPatternsAtStartUp) {
  http::Router router;
  router.get("/a/{x}", answer(1));
  EXPECT_THROW(router.get("/a/{x}", answer(2)), std::invalid_argument);
  EXPECT_THROW(router.get("/a/{y}/b", answer(2)), std::invalid_argument);
  EXPECT_THROW(router.get("relative", answer(2)), std::invalid_argument);
}
