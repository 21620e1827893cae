// The JSON API, API tokens and personal data over HTTP against the real binary, on both databases:
// tokens created, listed, revoked and refused; visitor and member visibility; filters, search and
// cursor pagination; PATCH /api/v1/me validation; JSON errors; the rate limit; the OpenAPI document;
// export and erasure with the audit log.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "api/account_data.h"
#include "api/openapi.h"
#include "audit/audit.h"
#include "auth/passwords.h"
#include "auth/seed.h"
#include "auth/service.h"
#include "db/migrations.h"
#include "http/parsers.h"
#include "mail/outbox.h"
#include "members/service.h"
#include "regions/seed.h"
#include "support/server_process.h"
#include "support/web_browser.h"
#include "support/test_databases.h"
#include "support/text.h"

using nlohmann::json;
using testing_support::HttpResponse;
using testing_support::ServerProcess;

namespace {

constexpr int kRateLimit = 40;  // per token per minute in these tests (--api-rate-limit)
constexpr int kPlainMembers = 24;

using testing_support::contains;

using Browser = testing_support::WebBrowser;

struct Seeded {
  std::int64_t anna = 0;                      // public profile, members-only town, hidden website
  std::int64_t bram = 0;                      // a member who looks at Anna
  std::int64_t carla = 0;                     // hidden profile
  std::set<std::int64_t> listed_for_members;  // everyone a member finds in the directory
};

class ApiOverHttp : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    seed();
    server_ = std::make_unique<ServerProcess>(ServerProcess::Options{
        database_->url(), false, {"--api-rate-limit", std::to_string(kRateLimit), "--no-access-log"}});
  }
  void TearDown() override {
    server_.reset();
    database_.reset();
  }
  unsigned short port() const { return server_->port(); }

  std::int64_t add_member(db::Session& session, std::int64_t network_id, const std::string& email,
                          const std::string& name) {
    auth::NewAccount account;
    account.email = email;
    account.name = name;
    account.password_hash = std::string(auth::demo_password_hash());
    account.verified = true;
    const std::int64_t id = auth::create_account(session, account);
    auth::add_membership(session, id, network_id, auth::Role::Member, auth::MembershipStatus::Active);
    return id;
  }

  void save(members::Service& service, std::int64_t id, members::ProfileUpdate update) {
    auto saved = service.update_own_profile(id, update);
    ASSERT_TRUE(saved.ok()) << (saved.errors.empty()
                                    ? ""
                                    : saved.errors[0].field + " " + saved.errors[0].message_key);
  }

  // The networks, the demo accounts, Anna, Bram, Carla and a crowd, straight into the database.
  void seed() {
    auto db = database_->open();
    db::migrate(*db);
    db->write([&](db::Session& session) {
      regions::seed_demo(session);
      auth::seed_demo(session);
      const auto west =
          session.query_one("SELECT id FROM networks WHERE slug = 'west-brabant-zeeland'")->int64(0);
      seeded_.anna = add_member(session, west, "anna@example.nl", "Anna de Vries");
      seeded_.bram = add_member(session, west, "bram@example.nl", "Bram Jansen");
      seeded_.carla = add_member(session, west, "carla@example.nl", "Carla Verborgen");
      for (int i = 0; i < kPlainMembers; ++i) {
        crowd_.push_back(add_member(session, west, "lid" + std::to_string(i) + "@example.nl",
                                    "Lid Nummer " + std::to_string(i)));
      }
      mail::Message to_anna{"anna@example.nl", "Anna de Vries", "Welkom Anna", "Hallo Anna", "", {},
                            "test.welcome"};
      mail::Message to_bram{"bram@example.nl", "Bram Jansen", "Welkom Bram", "Hallo Bram", "", {},
                            "test.welcome"};
      mail::enqueue(session, to_anna);
      mail::enqueue(session, to_bram);
    });
    const members::Places places = members::Places::load_embedded();
    members::Service service(*db, data_dir_.path(), places);

    members::ProfileUpdate anna;
    anna.headline = "Fiscalist voor verzekeringen en pensioenen";
    anna.disciplines = std::vector<std::string>{"financieel"};
    anna.tags = std::vector<std::string>{"btw", "pensioen"};
    anna.town = "Breda";
    anna.languages = std::vector<std::string>{"nl", "en"};
    anna.availability = members::Availability::Limited;
    anna.bio_markdown = "Ik help **ondernemers** met hun verzekering.";
    anna.website = "https://anna.example.nl";
    members::FieldVisibility anna_visibility;
    anna_visibility.profile = members::Visibility::Public;
    anna_visibility.headline = members::Visibility::Public;
    anna_visibility.disciplines = members::Visibility::Public;
    anna_visibility.tags = members::Visibility::Public;
    anna_visibility.bio = members::Visibility::Public;
    anna_visibility.town = members::Visibility::Members;
    anna_visibility.website = members::Visibility::Hidden;
    anna.visibility = anna_visibility;
    save(service, seeded_.anna, anna);

    members::ProfileUpdate bram;
    bram.headline = "Jurist arbeidsrecht";
    bram.disciplines = std::vector<std::string>{"juridisch"};
    bram.town = "Goes";
    bram.languages = std::vector<std::string>{"nl", "de"};
    save(service, seeded_.bram, bram);

    members::ProfileUpdate carla;
    members::FieldVisibility hidden;
    hidden.profile = members::Visibility::Hidden;
    carla.visibility = hidden;
    carla.headline = "Niemand mag mij vinden";
    save(service, seeded_.carla, carla);

    for (std::size_t i = 0; i < crowd_.size(); ++i) {
      members::ProfileUpdate plain;
      plain.headline = "Adviseur " + std::to_string(i);
      plain.disciplines = std::vector<std::string>{i % 2 == 0 ? "ict" : "marketing"};
      plain.town = i % 3 == 0 ? "Roosendaal" : "Tilburg";
      save(service, crowd_[i], plain);
    }
  }

  HttpResponse api(const std::string& method, const std::string& target, const std::string& token = "",
                   const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    if (!body.empty() && headers.count("Content-Type") == 0)
      headers["Content-Type"] = "application/merge-patch+json";
    return testing_support::request(port(), method, target, headers, body);
  }

  std::unique_ptr<Browser> signed_in(const std::string& email) {
    auto browser = std::make_unique<Browser>(port());
    auto response =
        browser->post("/inloggen", {{"email", email}, {"password", std::string(auth::kDemoPassword)}});
    EXPECT_EQ(response.status, 303) << response.body;
    EXPECT_FALSE(browser->cookie("sessie").empty());
    return browser;
  }

  // Creates a token on the tokens page and returns it (shown once, in that answer).
  std::string token_for(Browser& browser, const std::string& name = "Test") {
    auto created = browser.post("/profiel/tokens", {{"naam", name}});
    EXPECT_EQ(created.status, 201) << created.body;
    std::smatch match;
    const std::regex pattern("value=\"(kkp_[A-Za-z0-9_-]{43})\"");
    EXPECT_TRUE(std::regex_search(created.body, match, pattern)) << created.body;
    return match.size() > 1 ? match[1].str() : "";
  }

  std::string token_by_command(const std::string& email) {
    auto result =
        testing_support::run_knooppunt({"token", "create", "--email", email, "--name", "Script", "--database",
                                        database_->url(), "--data-dir", data_dir_.path()});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    std::smatch match;
    const std::regex pattern("(kkp_[A-Za-z0-9_-]{43})");
    EXPECT_TRUE(std::regex_search(result.output, match, pattern)) << result.output;
    return match.size() > 1 ? match[1].str() : "";
  }

  static json body_of(const HttpResponse& response) {
    EXPECT_EQ(response.header("content-type"), "application/json; charset=utf-8") << response.body;
    return json::parse(response.body, nullptr, false);
  }

  static void expect_error(const HttpResponse& response, int status, const std::string& code) {
    EXPECT_EQ(response.status, status) << response.body;
    const json body = body_of(response);
    ASSERT_TRUE(body.is_object()) << response.body;
    EXPECT_EQ(body["error"]["code"], code) << response.body;
    EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
  }

  std::set<std::int64_t> ids_in(const json& page) {
    std::set<std::int64_t> ids;
    for (const auto& member : page["members"]) ids.insert(member["id"].get<std::int64_t>());
    return ids;
  }

  struct TempDir {
    TempDir() {
      char pattern[] = "/tmp/knooppunt-api-test-XXXXXX";
      path_ = mkdtemp(pattern);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    const std::string& path() const { return path_; }
    std::string path_;
  };

  TempDir data_dir_;
  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<ServerProcess> server_;
  Seeded seeded_;
  std::vector<std::int64_t> crowd_;
};

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

TEST_P(ApiOverHttp, TokensAreCreatedShownOnceListedAndRevokedOnTheTokensPage) {
  auto anna = signed_in("anna@example.nl");
  auto page = anna->get("/profiel/tokens");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(contains(page.body, "csrf"));

  const std::string token = token_for(*anna, "Spreadsheet <b>");
  ASSERT_FALSE(token.empty());
  auto me = api("GET", "/api/v1/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(body_of(me)["email"], "anna@example.nl");

  auto list = anna->get("/profiel/tokens");
  EXPECT_FALSE(contains(list.body, token)) << "the token is shown only once";
  EXPECT_TRUE(contains(list.body, token.substr(0, 12)));
  EXPECT_TRUE(contains(list.body, "Spreadsheet &lt;b&gt;")) << "names are escaped";

  auto empty_name = anna->post("/profiel/tokens", {{"naam", "   "}});
  EXPECT_EQ(empty_name.status, 422);
  EXPECT_TRUE(contains(empty_name.body, "aria-describedby"));

  std::smatch match;
  ASSERT_TRUE(std::regex_search(list.body, match, std::regex("/profiel/tokens/(\\d+)/intrekken")));
  const std::string revoke = "/profiel/tokens/" + match[1].str() + "/intrekken";
  EXPECT_EQ(anna->post(revoke, {}, /*with_csrf=*/false).status, 403) << "revoking needs the CSRF token";
  EXPECT_EQ(api("GET", "/api/v1/me", token).status, 200);
  auto bram = signed_in("bram@example.nl");
  EXPECT_EQ(bram->post(revoke, {}).status, 404) << "nobody revokes another member's token";

  auto revoked = anna->post(revoke, {});
  EXPECT_EQ(revoked.status, 303);
  auto refused = api("GET", "/api/v1/me", token);
  expect_error(refused, 401, "unauthorized");
  EXPECT_TRUE(contains(refused.header("www-authenticate"), "invalid_token"));
  EXPECT_TRUE(contains(anna->get("/profiel/tokens").body, token.substr(0, 12)));
}

TEST_P(ApiOverHttp, TokenPagesNeedABrowserSessionNotAToken) {
  const std::string token = token_by_command("anna@example.nl");
  EXPECT_EQ(api("GET", "/profiel/tokens").status, 303) << "a visitor is sent to sign in";
  EXPECT_EQ(api("GET", "/profiel/tokens", token).status, 303) << "a token does not open HTML pages";
  EXPECT_EQ(api("GET", "/profiel/gegevens.json", token).status, 303);
}

TEST_P(ApiOverHttp, TokenCreateCommandPrintsAWorkingTokenAndRefusesUnknownAddresses) {
  const std::string token = token_by_command("bram@example.nl");
  auto me = api("GET", "/api/v1/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(body_of(me)["name"], "Bram Jansen");

  auto unknown =
      testing_support::run_knooppunt({"token", "create", "--email", "niemand@example.nl", "--database",
                                      database_->url(), "--data-dir", data_dir_.path()});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(contains(unknown.output, "no active account")) << unknown.output;

  expect_error(api("GET", "/api/v1/me", "kkp_" + std::string(43, 'x')), 401, "unauthorized");
  expect_error(api("GET", "/api/v1/members", "' OR 1=1 --"), 401, "unauthorized");
  expect_error(api("GET", "/api/v1/me"), 401, "unauthorized");
}

TEST_P(ApiOverHttp, AVisitorSeesOnlyPublicFieldsAndAMemberAlsoMembersOnlyFields) {
  const std::string anna_path = "/api/v1/members/" + std::to_string(seeded_.anna);
  auto as_visitor = api("GET", anna_path);
  ASSERT_EQ(as_visitor.status, 200) << as_visitor.body;
  json visitor_view = body_of(as_visitor);
  EXPECT_EQ(visitor_view["name"], "Anna de Vries");
  EXPECT_EQ(visitor_view["headline"], "Fiscalist voor verzekeringen en pensioenen");
  EXPECT_FALSE(visitor_view.contains("town")) << "members only";
  EXPECT_FALSE(visitor_view.contains("website")) << "hidden";

  const std::string bram = token_by_command("bram@example.nl");
  json member_view = body_of(api("GET", anna_path, bram));
  EXPECT_EQ(member_view["town"]["name"], "Breda");
  EXPECT_FALSE(member_view.contains("website")) << "hidden from members too";

  const std::string anna = token_by_command("anna@example.nl");
  json own = body_of(api("GET", "/api/v1/me", anna));
  EXPECT_EQ(own["website"], "https://anna.example.nl");
  EXPECT_EQ(own["visibility"]["website"], "hidden");

  // Carla hides her whole profile, and Bram's is members-only: neither exists for a visitor.
  expect_error(api("GET", "/api/v1/members/" + std::to_string(seeded_.carla)), 404, "not_found");
  expect_error(api("GET", "/api/v1/members/" + std::to_string(seeded_.carla), bram), 404, "not_found");
  expect_error(api("GET", "/api/v1/members/" + std::to_string(seeded_.bram)), 404, "not_found");
  expect_error(api("GET", "/api/v1/members/abc"), 404, "not_found");
  EXPECT_EQ(body_of(api("GET", "/api/v1/members")).at("members").size(), 1u) << "a visitor lists only Anna";
}

TEST_P(ApiOverHttp, FiltersAndStemmedSearchFindTheRightMembers) {
  const std::string token = token_by_command("bram@example.nl");
  auto ids = [&](const std::string& query) {
    auto response = api("GET", "/api/v1/members?" + query, token);
    EXPECT_EQ(response.status, 200) << query << ": " << response.body;
    return ids_in(body_of(response));
  };
  EXPECT_EQ(ids("q=verzekering"), std::set<std::int64_t>{seeded_.anna}) << "stemmed: verzekeringen";
  EXPECT_EQ(ids("discipline=juridisch"), std::set<std::int64_t>{seeded_.bram});
  EXPECT_EQ(ids("tag=pensioen"), std::set<std::int64_t>{seeded_.anna});
  EXPECT_EQ(ids("language=de"), std::set<std::int64_t>{seeded_.bram});
  EXPECT_EQ(ids("availability=limited"), std::set<std::int64_t>{seeded_.anna});
  EXPECT_EQ(ids("town=Breda&radius_km=5"), std::set<std::int64_t>{seeded_.anna});
  EXPECT_EQ(ids("town=Goes&radius_km=10&discipline=juridisch"), std::set<std::int64_t>{seeded_.bram});
  EXPECT_EQ(ids("discipline=ict&limit=100").size(), static_cast<std::size_t>(kPlainMembers / 2));
  EXPECT_TRUE(ids("q=%27%20OR%201%3D1%20--").empty()) << "SQL metacharacters are only text";
  EXPECT_TRUE(ids("tag=%25%27%3B%20DROP%20TABLE%20accounts%3B--").empty());
  EXPECT_EQ(ids("network=midden-brabant").size(), 0u);

  auto bad = api("GET", "/api/v1/members?discipline=astrologie&limit=1000&availability=soms", token);
  expect_error(bad, 400, "bad_request");
  const json fields = body_of(bad)["error"]["fields"];
  EXPECT_TRUE(fields.contains("limit")) << fields.dump();
  EXPECT_TRUE(fields.contains("availability")) << fields.dump();
  auto unknown_discipline = api("GET", "/api/v1/members?discipline=astrologie", token);
  expect_error(unknown_discipline, 400, "bad_request");
  EXPECT_TRUE(body_of(unknown_discipline)["error"]["fields"].contains("discipline"))
      << unknown_discipline.body;
}

TEST_P(ApiOverHttp, CursorPaginationWalksEveryMemberExactlyOnce) {
  const std::string token = token_by_command("bram@example.nl");
  const json everyone = body_of(api("GET", "/api/v1/members?limit=100", token));
  ASSERT_TRUE(everyone["next_cursor"].is_null());
  const std::set<std::int64_t> expected = ids_in(everyone);
  EXPECT_GE(expected.size(), static_cast<std::size_t>(kPlainMembers + 2));
  EXPECT_FALSE(expected.contains(seeded_.carla));

  std::vector<std::int64_t> walked;
  std::string cursor;
  for (int pages = 0; pages < 20; ++pages) {
    auto response = api(
        "GET", "/api/v1/members?limit=7" + (cursor.empty() ? "" : "&cursor=" + http::percent_encode(cursor)),
        token);
    ASSERT_EQ(response.status, 200) << response.body;
    const json page = body_of(response);
    EXPECT_LE(page["members"].size(), 7u);
    for (const auto& member : page["members"]) walked.push_back(member["id"].get<std::int64_t>());
    if (page["next_cursor"].is_null()) break;
    cursor = page["next_cursor"].get<std::string>();
  }
  const std::set<std::int64_t> unique(walked.begin(), walked.end());
  EXPECT_EQ(unique.size(), walked.size()) << "no member twice";
  EXPECT_EQ(unique, expected) << "every member once";
  expect_error(api("GET", "/api/v1/members?cursor=nonsense", token), 400, "bad_request");
}

TEST_P(ApiOverHttp, PatchMeValidatesEveryFieldAndSavesNothingOnError) {
  const std::string token = token_by_command("anna@example.nl");
  const json before = body_of(api("GET", "/api/v1/me", token));

  auto invalid =
      api("PATCH", "/api/v1/me", token,
          R"j({"headline": "Nieuw", "website": "javascript:alert(1)", "tags": "btw", "town": "Atlantis",
                         "visibility": {"bio": "iedereen"}, "email": "x@example.nl"})j");
  expect_error(invalid, 422, "unprocessable");
  const json fields = body_of(invalid)["error"]["fields"];
  for (const char* field : {"tags", "visibility.bio", "email"})
    EXPECT_TRUE(fields.contains(field)) << field << fields.dump();
  EXPECT_EQ(body_of(api("GET", "/api/v1/me", token)), before) << "nothing saved";

  auto value_errors =
      api("PATCH", "/api/v1/me", token, R"j({"website": "javascript:alert(1)", "town": "Atlantis"})j");
  expect_error(value_errors, 422, "unprocessable");
  const json value_fields = body_of(value_errors)["error"]["fields"];
  EXPECT_TRUE(value_fields.contains("website")) << value_fields.dump();
  EXPECT_TRUE(value_fields.contains("town")) << value_fields.dump();
  EXPECT_EQ(body_of(api("GET", "/api/v1/me", token)), before) << "nothing saved";

  expect_error(api("PATCH", "/api/v1/me", token, "{not json"), 400, "bad_request");
  expect_error(api("PATCH", "/api/v1/me", token, "headline=x",
                   {{"Content-Type", "application/x-www-form-urlencoded"}}),
               400, "bad_request");
  expect_error(
      api("PATCH", "/api/v1/me", token, "{\"bio_markdown\": \"" + std::string(70 * 1024, 'a') + "\"}"), 413,
      "payload_too_large");

  const std::string script = "<script>alert('x')</script> & co";
  auto saved =
      api("PATCH", "/api/v1/me", token,
          json({{"headline", script}, {"website", nullptr}, {"visibility", {{"town", "public"}}}}).dump());
  ASSERT_EQ(saved.status, 200) << saved.body;
  const json after = body_of(saved);
  EXPECT_EQ(after["headline"], script) << "stored as text";
  EXPECT_EQ(after["website"], "");
  EXPECT_EQ(after["visibility"]["town"], "public");
  EXPECT_EQ(after["visibility"]["website"], "hidden") << "merge patch: other visibilities stay";
  EXPECT_EQ(after["bio_markdown"], before["bio_markdown"]);
  json public_view = body_of(api("GET", "/api/v1/members/" + std::to_string(seeded_.anna)));
  EXPECT_EQ(public_view["headline"], script);
  EXPECT_EQ(public_view["town"]["name"], "Breda") << "now public";

  auto page = testing_support::request(port(), "GET", "/leden/" + std::to_string(seeded_.anna));
  ASSERT_EQ(page.status, 200);
  EXPECT_FALSE(contains(page.body, "<script>alert")) << "escaped in HTML";
  EXPECT_TRUE(contains(page.body, "&lt;script&gt;"));
}

TEST_P(ApiOverHttp, PatchWithASessionCookieNeedsThisSitesOrigin) {
  auto anna = signed_in("anna@example.nl");
  const std::string patch = R"j({"headline": "Via de browser"})j";
  const std::map<std::string, std::string> json_type{{"Content-Type", "application/json"}};
  auto without_origin = anna->send("PATCH", "/api/v1/me", patch, "", json_type);
  expect_error(without_origin, 403, "forbidden");
  auto other_site = json_type;
  other_site["Origin"] = "https://evil.example";
  expect_error(anna->send("PATCH", "/api/v1/me", patch, "", other_site), 403, "forbidden");
  auto same_site = json_type;
  same_site["Origin"] = "http://" + anna->host();
  auto allowed = anna->send("PATCH", "/api/v1/me", patch, "", same_site);
  ASSERT_EQ(allowed.status, 200) << allowed.body;
  EXPECT_EQ(body_of(allowed)["headline"], "Via de browser");
  EXPECT_EQ(body_of(anna->get("/api/v1/me"))["headline"], "Via de browser") << "GET works with the cookie";
}

TEST_P(ApiOverHttp, ErrorsUnderApiAreJsonWithStableCodesInTheViewersLanguage) {
  auto missing = api("GET", "/api/v1/bestaat-niet", "", "", {{"Accept-Language", "en-GB,en;q=0.9"}});
  expect_error(missing, 404, "not_found");
  EXPECT_EQ(body_of(missing)["error"]["message"], "This does not exist, or you may not see it.");
  expect_error(api("GET", "/api/v2/members"), 404, "not_found");
  auto wrong_method = api("DELETE", "/api/v1/me");
  expect_error(wrong_method, 405, "method_not_allowed");
  EXPECT_TRUE(contains(wrong_method.header("allow"), "PATCH")) << wrong_method.header("allow");
  EXPECT_EQ(testing_support::request(port(), "GET", "/bestaat-niet").header("content-type"),
            "text/html; charset=utf-8")
      << "pages elsewhere stay HTML";
}

TEST_P(ApiOverHttp, ATokenOverItsBudgetGets429WithRetryAfter) {
  const std::string token = token_by_command("bram@example.nl");
  const std::string other = token_by_command("anna@example.nl");
  int accepted = 0;
  HttpResponse last;
  for (int i = 0; i < kRateLimit + 5; ++i) {
    last = api("GET", "/api/v1/networks", token);
    if (last.status != 200) break;
    ++accepted;
  }
  EXPECT_GE(accepted, kRateLimit - 1);
  EXPECT_LE(accepted, kRateLimit + 1);
  expect_error(last, 429, "rate_limited");
  EXPECT_GE(std::stoi(last.header("retry-after")), 1);
  EXPECT_EQ(api("GET", "/api/v1/networks", other).status, 200) << "each token has its own budget";
}

TEST_P(ApiOverHttp, NetworksListSlugsAndSignupModes) {
  auto response = api("GET", "/api/v1/networks");
  ASSERT_EQ(response.status, 200) << response.body;
  std::map<std::string, std::string> modes;
  const json body = body_of(response);
  for (const auto& network : body["networks"]) {
    modes[network["slug"].get<std::string>()] = network["signup_mode"].get<std::string>();
  }
  EXPECT_EQ(modes["west-brabant-zeeland"], "approval");
  EXPECT_EQ(modes["midden-brabant"], "open");
}

TEST_P(ApiOverHttp, TheOpenApiDocumentIsServedAndCoversEveryRegisteredRoute) {
  auto response = api("GET", "/api/v1/openapi.json");
  ASSERT_EQ(response.status, 200);
  const json document = body_of(response);
  ASSERT_TRUE(document.is_object());
  const auto problems = api::openapi_problems(document, api::api_routes());
  EXPECT_TRUE(problems.empty()) << problems.front();
  // The other way round: every documented operation without path parameters answers (so no
  // operation is documented that the server does not have).
  for (const auto& [path, operations] : document["paths"].items()) {
    if (path.find('{') != std::string::npos) continue;
    for (const auto& [method, operation] : operations.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto answer =
          testing_support::request(port(), upper, path, {{"Content-Type", "application/json"}}, "{}");
      EXPECT_NE(answer.status, 404) << upper << " " << path << " is documented but not served";
      EXPECT_NE(answer.status, 405) << upper << " " << path << " is documented but not served";
    }
  }
}

TEST_P(ApiOverHttp, TheExportHoldsEverythingAboutMeAndNothingAboutOthers) {
  auto anna = signed_in("anna@example.nl");
  const std::string token = token_for(*anna, "Export test");
  ASSERT_EQ(anna->get("/profiel/gegevens").status, 200);
  auto download = anna->get("/profiel/gegevens.json");
  ASSERT_EQ(download.status, 200) << download.body;
  EXPECT_TRUE(contains(download.header("content-disposition"), "attachment"));
  const json exported = json::parse(download.body);
  EXPECT_EQ(exported["account"]["email"], "anna@example.nl");
  EXPECT_EQ(exported["memberships"].size(), 1u);
  EXPECT_EQ(exported["profile"]["website"], "https://anna.example.nl") << "hidden fields too";
  EXPECT_EQ(exported["profile"]["visibility"]["website"], "hidden");
  EXPECT_GE(exported["sessions"].size(), 1u);
  ASSERT_EQ(exported["api_tokens"].size(), 1u);
  EXPECT_EQ(exported["api_tokens"][0]["name"], "Export test");
  ASSERT_EQ(exported["mail"].size(), 1u);
  EXPECT_EQ(exported["mail"][0]["subject"], "Welkom Anna");
  bool export_audited = false;
  for (const auto& entry : exported["audit_log"]) export_audited |= entry["action"] == "account.export";
  EXPECT_TRUE(export_audited);

  for (const char* secret : {"token_hash", "password", "$argon2id"})
    EXPECT_FALSE(contains(download.body, secret)) << secret;
  EXPECT_FALSE(contains(download.body, token.substr(12))) << "not the token itself";
  for (const char* other : {"bram@example.nl", "Bram", "Welkom Bram", "Carla"})
    EXPECT_FALSE(contains(download.body, other)) << other;

  auto db = database_->open();
  const auto rows =
      db->read([](db::Session& session) { return audit::entries_with_action(session, "account.export"); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].subject_id, seeded_.anna);
}

TEST_P(ApiOverHttp, ErasureNeedsTheRightPasswordAndCsrfThenRemovesPersonalDataAndKeepsTheRest) {
  auto anna = signed_in("anna@example.nl");
  const std::string token = token_for(*anna);
  ASSERT_EQ(api("GET", "/api/v1/me", token).status, 200);

  EXPECT_EQ(
      anna->post("/profiel/verwijderen", {{"wachtwoord", std::string(auth::kDemoPassword)}}, false).status,
      403);
  auto wrong = anna->post("/profiel/verwijderen", {{"wachtwoord", "niet het wachtwoord"}});
  EXPECT_EQ(wrong.status, 422);
  EXPECT_TRUE(contains(wrong.body, "wachtwoord-error")) << "the error sits at the field";
  EXPECT_EQ(anna->post("/profiel/verwijderen", {{"wachtwoord", ""}}).status, 422);
  ASSERT_EQ(api("GET", "/api/v1/me", token).status, 200) << "nothing happened yet";

  auto erased = anna->post("/profiel/verwijderen", {{"wachtwoord", std::string(auth::kDemoPassword)}});
  ASSERT_EQ(erased.status, 303) << erased.body;
  EXPECT_EQ(erased.header("location"), "/");

  expect_error(api("GET", "/api/v1/me", token), 401, "unauthorized");
  EXPECT_EQ(anna->get("/profiel/gegevens").status, 303) << "signed out everywhere";
  expect_error(api("GET", "/api/v1/members/" + std::to_string(seeded_.anna)), 404, "not_found");
  const std::string bram = token_by_command("bram@example.nl");
  const json found = body_of(api("GET", "/api/v1/members?q=Vries&limit=100", bram));
  EXPECT_TRUE(found["members"].empty()) << found.dump();
  EXPECT_EQ(body_of(api("GET", "/api/v1/members/" + std::to_string(seeded_.bram), bram))["name"],
            "Bram Jansen");
  Browser again(port());
  EXPECT_NE(
      again.post("/inloggen", {{"email", "anna@example.nl"}, {"password", std::string(auth::kDemoPassword)}})
          .status,
      303)
      << "cannot sign in again";

  auto db = database_->open();
  db->read([&](db::Session& session) {
    auto account = session.query_one("SELECT name, email, status, password_hash FROM accounts WHERE id = ?",
                                     {seeded_.anna});
    ASSERT_TRUE(account.has_value()) << "the row stays for contributions that name it";
    EXPECT_EQ(account->text(0), "Voormalig lid");
    EXPECT_EQ(account->text(1), api::account_data::tombstone_email(seeded_.anna));
    EXPECT_EQ(account->text(2), "erased");
    EXPECT_EQ(account->text(3), "");
    EXPECT_EQ(
        session.query_one("SELECT COUNT(*) FROM sessions WHERE account_id = ?", {seeded_.anna})->int64(0), 0);
    EXPECT_EQ(
        session.query_one("SELECT COUNT(*) FROM memberships WHERE account_id = ?", {seeded_.anna})->int64(0),
        0);
    EXPECT_EQ(session
                  .query_one("SELECT COUNT(*) FROM api_tokens WHERE account_id = ? AND revoked_at IS NULL",
                             {seeded_.anna})
                  ->int64(0),
              0);
    EXPECT_EQ(
        session.query_one("SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'anna@example.nl'")->int64(0),
        0);
    EXPECT_EQ(
        session.query_one("SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'bram@example.nl'")->int64(0),
        1)
        << "other people's mail stays";
    const auto erasures = audit::entries_with_action(session, "account.erase");
    ASSERT_EQ(erasures.size(), 1u);
    EXPECT_EQ(erasures[0].subject_id, seeded_.anna);
    EXPECT_EQ(erasures[0].details["api_tokens_revoked"], 1);
    EXPECT_FALSE(contains(erasures[0].details.dump(), "anna")) << "the log holds no personal data";
    EXPECT_EQ(audit::entries_with_action(session, "api_token.create").size(), 2u) << "the history stays";
  });
  auto me = members::Places::load_embedded();
  members::Service service(*db, data_dir_.path(), me);
  const auto profile = service.own_profile(seeded_.anna);
  if (profile) {
    EXPECT_EQ(profile->headline, "");
    EXPECT_EQ(profile->website, "");
    EXPECT_TRUE(profile->tags.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiOverHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);

}  // namespace
