// Ties and atlas privacy through the real binary on both databases: the profile's "Relatie
// toevoegen" button, declaring a tie with the form and the name search, confirming, declining,
// withdrawing and ending it, the privacy settings page, CSRF (403, nothing written), someone else's
// tie (403/404), every bad input (422 with the message, nothing written), and the JSON API
// (/api/v1/ties: 201, 401, 403 without Origin, 404, 409, 422 per field).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "atlas/ties_store.h"
#include "auth/service.h"
#include "auth/sessions.h"
#include "auth/store.h"
#include "auth/tokens.h"
#include "db/migrations.h"
#include "support/atlas_fixture.h"
#include "support/server_process.h"
#include "support/test_databases.h"
#include "support/text.h"
#include "support/web_browser.h"

namespace {

using testing_support::HttpResponse;
using testing_support::WebBrowser;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

using testing_support::contains;

class AtlasTiesHttp : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    testing_support::AtlasWorld world(*db_);
    network_ = world.add_network("west-brabant-zeeland", "KKP West-Brabant & Zeeland");
    const std::int64_t elsewhere = world.add_network("midden-brabant", "KKP Midden-Brabant");
    anna_ = world.add_member("Anna de Wit", {network_});
    bram_ = world.add_member("Bram Jansen", {network_});
    cor_ = world.add_member("Cor Peeters", {network_});
    olga_ = world.add_member("Olga van Oost", {elsewhere});
    server_ = std::make_unique<testing_support::ServerProcess>(testing_support::ServerProcess::Options{
        database_->url(), false, {"--no-access-log", "--workers", "4"}});
  }

  // A browser signed in as `account` (a session made directly in the database).
  WebBrowser signed_in(std::int64_t account) {
    const std::string token = auth::new_token();
    db_->write([&](db::Session& session) {
      const std::int64_t now = unix_now();
      auth::store::insert_session(session, auth::SessionRecord{auth::hash_token(token), account, now, now, now + 86400},
                                  "127.0.0.1", "atlas test");
    });
    WebBrowser browser(server_->port());
    browser.set_cookie(std::string(auth::kSessionCookie), token);
    return browser;
  }

  std::int64_t tie_count() {
    return db_->read([](db::Session& s) { return s.query_one("SELECT COUNT(*) FROM atlas_ties")->int64(0); });
  }

  std::optional<atlas::Tie> last_tie() {
    return db_->read([](db::Session& s) -> std::optional<atlas::Tie> {
      const auto row = s.query_one("SELECT MAX(id) FROM atlas_ties");
      if (!row || row->is_null(0)) return std::nullopt;
      return atlas::ties_store::find_tie(s, row->int64(0));
    });
  }

  HttpResponse declare(WebBrowser& browser, std::int64_t other, const std::string& kind, const std::string& date = "",
                       const std::string& note = "") {
    return browser.post("/atlas/relaties",
                        {{"lid", std::to_string(other)}, {"soort", kind}, {"datum", date}, {"notitie", note}});
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<testing_support::ServerProcess> server_;
  std::int64_t network_ = 0, anna_ = 0, bram_ = 0, cor_ = 0, olga_ = 0;
};

TEST_P(AtlasTiesHttp, VisitorsAreSentToSignInAndTheApiAsksForCredentials) {
  WebBrowser visitor(server_->port());
  for (const std::string path : {"/atlas/relaties", "/atlas/relaties/nieuw", "/atlas/instellingen"}) {
    const HttpResponse page = visitor.get(path);
    EXPECT_EQ(page.status, 303) << path;
    EXPECT_TRUE(contains(page.header("location"), "/inloggen?next=")) << page.header("location");
  }
  EXPECT_EQ(visitor.get("/api/v1/ties").status, 401);
  EXPECT_EQ(visitor.json("POST", "/api/v1/ties", R"({"member_id": 2, "kind": "knows"})").status, 401);
  // A visitor sees no button on a profile.
  EXPECT_FALSE(contains(visitor.get("/leden/" + std::to_string(bram_)).body, "/atlas/relaties/nieuw"));
}

TEST_P(AtlasTiesHttp, AMemberDeclaresATieFromAProfileAndOnlyTheOtherSideConfirmsIt) {
  WebBrowser anna = signed_in(anna_);
  WebBrowser bram = signed_in(bram_);
  WebBrowser cor = signed_in(cor_);
  const std::string button = "/atlas/relaties/nieuw?lid=" + std::to_string(bram_);
  EXPECT_TRUE(contains(anna.get("/leden/" + std::to_string(bram_)).body, button));
  EXPECT_FALSE(contains(anna.get("/leden/" + std::to_string(anna_)).body, "/atlas/relaties/nieuw"));
  const HttpResponse form = anna.get(button);
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(contains(form.body, "Bram Jansen"));
  EXPECT_TRUE(contains(form.body, "name=\"soort\" value=\"worked_together\""));

  const HttpResponse declared = declare(anna, bram_, "worked_together", "2023-04-05", "Samen de <b>aanbesteding</b>");
  ASSERT_EQ(declared.status, 303) << declared.body;
  EXPECT_EQ(declared.header("location"), "/atlas/relaties");
  const auto tie = last_tie();
  ASSERT_TRUE(tie);
  EXPECT_EQ(tie->state, atlas::TieState::Pending);
  EXPECT_TRUE(contains(anna.get("/atlas/relaties").body, "/atlas/relaties/" + std::to_string(tie->id) + "/intrekken"));
  const HttpResponse waiting = bram.get("/atlas/relaties");
  EXPECT_TRUE(contains(waiting.body, "Anna de Wit"));
  EXPECT_TRUE(contains(waiting.body, "Samen de &lt;b&gt;aanbesteding&lt;/b&gt;"));  // escaped
  EXPECT_TRUE(contains(waiting.body, "/atlas/relaties/" + std::to_string(tie->id) + "/bevestigen"));

  const std::string confirm = "/atlas/relaties/" + std::to_string(tie->id) + "/bevestigen";
  EXPECT_EQ(anna.post(confirm, {}).status, 403);  // the declarer
  EXPECT_EQ(cor.post(confirm, {}).status, 404);   // a stranger to the tie
  EXPECT_EQ(last_tie()->state, atlas::TieState::Pending);
  const HttpResponse confirmed = bram.post(confirm, {});
  EXPECT_EQ(confirmed.status, 303);
  EXPECT_EQ(last_tie()->state, atlas::TieState::Confirmed);
  // Answering twice (another tab) lands on the list with a message, not an error.
  EXPECT_EQ(bram.post(confirm, {}).status, 303);
  EXPECT_TRUE(contains(anna.get("/atlas/relaties").body, "/beeindigen"));
  EXPECT_EQ(anna.post("/atlas/relaties/" + std::to_string(tie->id) + "/beeindigen", {}).status, 303);
  EXPECT_EQ(last_tie()->state, atlas::TieState::Ended);
}

TEST_P(AtlasTiesHttp, RequestsCanBeDeclinedOrWithdrawn) {
  WebBrowser anna = signed_in(anna_);
  WebBrowser bram = signed_in(bram_);
  ASSERT_EQ(declare(anna, bram_, "knows").status, 303);
  const std::int64_t first = last_tie()->id;
  EXPECT_EQ(bram.post("/atlas/relaties/" + std::to_string(first) + "/intrekken", {}).status, 403);
  EXPECT_EQ(bram.post("/atlas/relaties/" + std::to_string(first) + "/afwijzen", {}).status, 303);
  EXPECT_EQ(last_tie()->state, atlas::TieState::Declined);
  ASSERT_EQ(declare(anna, bram_, "knows").status, 303);
  EXPECT_EQ(anna.post("/atlas/relaties/" + std::to_string(last_tie()->id) + "/intrekken", {}).status, 303);
  EXPECT_EQ(last_tie()->state, atlas::TieState::Withdrawn);
  EXPECT_EQ(anna.post("/atlas/relaties/abc/intrekken", {}).status, 404);
}

TEST_P(AtlasTiesHttp, FormsWithoutTheCsrfTokenAreRefusedAndWriteNothing) {
  WebBrowser anna = signed_in(anna_);
  WebBrowser bram = signed_in(bram_);
  EXPECT_EQ(anna.post("/atlas/relaties", {{"lid", std::to_string(bram_)}, {"soort", "knows"}}, false).status, 403);
  EXPECT_EQ(tie_count(), 0);
  ASSERT_EQ(declare(anna, bram_, "knows").status, 303);
  EXPECT_EQ(bram.post("/atlas/relaties/" + std::to_string(last_tie()->id) + "/bevestigen", {}, false).status, 403);
  EXPECT_EQ(last_tie()->state, atlas::TieState::Pending);
  EXPECT_EQ(anna.post("/atlas/instellingen", {{"zichtbaarheid", "self"}}, false).status, 403);
  EXPECT_EQ(db_->read([](db::Session& s) { return s.query_one("SELECT COUNT(*) FROM atlas_privacy")->int64(0); }), 0);
}

TEST_P(AtlasTiesHttp, EveryBadDeclarationShowsTheFormAgainWithItsMessageAnd422) {
  WebBrowser anna = signed_in(anna_);
  const struct {
    std::int64_t other;
    std::string kind, date, note, message;
  } cases[] = {
      {bram_, "knows", "2999-01-01", "", "De datum kan niet in de toekomst liggen."},
      {bram_, "knows", "2023-02-30", "", "Vul een bestaande datum in"},
      {bram_, "vrienden", "", "", "Kies een soort relatie."},
      {bram_, "knows", "", std::string(501, 'x'), "ten hoogste 500 tekens"},
      {anna_, "knows", "", "", "U kunt geen relatie met uzelf vastleggen."},
      {987654, "knows", "", "", "Dit lid bestaat niet of is niet te vinden."},
      {olga_, "knows", "", "", "Dit lid zit niet in een netwerk waarvan u lid bent."},
  };
  for (const auto& c : cases) {
    const HttpResponse page = declare(anna, c.other, c.kind, c.date, c.note);
    EXPECT_EQ(page.status, 422) << c.message;
    EXPECT_TRUE(contains(page.body, c.message)) << c.message;
    EXPECT_TRUE(contains(page.body, "error-summary")) << c.message;
  }
  EXPECT_EQ(tie_count(), 0);
  ASSERT_EQ(declare(anna, bram_, "knows").status, 303);
  const HttpResponse duplicate = declare(anna, bram_, "knows");
  EXPECT_EQ(duplicate.status, 422);
  EXPECT_TRUE(contains(duplicate.body, "U heeft deze relatie al gevraagd"));
  WebBrowser bram = signed_in(bram_);
  const HttpResponse reverse = declare(bram, anna_, "knows");
  EXPECT_EQ(reverse.status, 422);
  EXPECT_TRUE(contains(reverse.body, "bevestig die bij Mijn relaties"));
  // Hidden from the atlas: ties to them are refused.
  WebBrowser cor = signed_in(cor_);
  ASSERT_EQ(cor.post("/atlas/instellingen", {{"zichtbaarheid", "network"}, {"verbergen", "ja"}}).status, 303);
  const HttpResponse hidden = declare(anna, cor_, "knows");
  EXPECT_EQ(hidden.status, 422);
  EXPECT_TRUE(contains(hidden.body, "Dit lid doet niet mee aan de atlas."));
  EXPECT_EQ(tie_count(), 1);
}

TEST_P(AtlasTiesHttp, TheNameSearchFindsMembersOfMyNetworkOnly) {
  WebBrowser anna = signed_in(anna_);
  const HttpResponse found = anna.get("/atlas/relaties/nieuw?zoek=bra");
  ASSERT_EQ(found.status, 200);
  EXPECT_TRUE(contains(found.body, "/atlas/relaties/nieuw?lid=" + std::to_string(bram_)));
  const HttpResponse elsewhere = anna.get("/atlas/relaties/nieuw?zoek=Olga");
  EXPECT_FALSE(contains(elsewhere.body, "lid=" + std::to_string(olga_)));
  EXPECT_TRUE(contains(elsewhere.body, "Geen leden gevonden"));
  EXPECT_EQ(anna.get("/atlas/relaties/nieuw?lid=987654").status, 404);
}

TEST_P(AtlasTiesHttp, PrivacySettingsAreSavedAndAnUnknownChoiceIsRefused) {
  WebBrowser anna = signed_in(anna_);
  EXPECT_TRUE(contains(anna.get("/atlas/instellingen").body, "value=\"network\" checked"));
  const HttpResponse bad = anna.post("/atlas/instellingen", {{"zichtbaarheid", "iedereen"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(contains(bad.body, "Kies wie uw relaties ziet."));
  const HttpResponse saved = anna.post("/atlas/instellingen", {{"zichtbaarheid", "connections"}, {"verbergen", "ja"}});
  EXPECT_EQ(saved.status, 303);
  const std::string page = anna.get("/atlas/instellingen").body;
  EXPECT_TRUE(contains(page, "value=\"connections\" checked"));
  EXPECT_TRUE(contains(page, "value=\"ja\" checked"));
  EXPECT_TRUE(contains(anna.get("/atlas/relaties").body, "U staat niet in de atlas"));
}

TEST_P(AtlasTiesHttp, TheApiDeclaresListsAndAnswersTies) {
  WebBrowser anna = signed_in(anna_);
  WebBrowser bram = signed_in(bram_);
  WebBrowser cor = signed_in(cor_);
  const std::string body = R"({"member_id": )" + std::to_string(bram_) + R"(, "kind": "referred", "date": "2024-05-01", "note": "Fiscale vraag"})";
  EXPECT_EQ(anna.json("POST", "/api/v1/ties", body, /*with_origin=*/false).status, 403);
  EXPECT_EQ(anna.send("POST", "/api/v1/ties", body, "text/plain", {{"Origin", "http://127.0.0.1:" + std::to_string(server_->port())}}).status, 400);
  EXPECT_EQ(anna.json("POST", "/api/v1/ties", "{nope").status, 400);
  EXPECT_EQ(tie_count(), 0);

  const HttpResponse created = anna.json("POST", "/api/v1/ties", body);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto tie = nlohmann::json::parse(created.body)["tie"];
  EXPECT_EQ(tie["state"], "pending");
  EXPECT_EQ(tie["kind"], "referred");
  EXPECT_EQ(tie["date"], "2024-05-01");
  EXPECT_EQ(tie["from"]["id"], anna_);
  EXPECT_EQ(tie["to"]["name"], "Bram Jansen");
  const std::string id = std::to_string(tie["id"].get<std::int64_t>());

  const auto problem = [&](const std::string& request) {
    const HttpResponse answer = anna.json("POST", "/api/v1/ties", request);
    EXPECT_EQ(answer.status, 422) << request << answer.body;
    const auto error = nlohmann::json::parse(answer.body, nullptr, false);
    if (error.is_discarded() || !error["error"].contains("fields")) return std::string("?");
    const auto& fields = error["error"]["fields"];
    return fields.begin().key() + ":" + fields.begin().value()["code"].get<std::string>();
  };
  const std::string b = std::to_string(bram_);
  EXPECT_EQ(problem(R"({"member_id": )" + std::to_string(anna_) + R"(, "kind": "knows"})"), "member_id:self");
  EXPECT_EQ(problem(R"({"member_id": 987654, "kind": "knows"})"), "member_id:unknown_member");
  EXPECT_EQ(problem(R"({"member_id": )" + std::to_string(olga_) + R"(, "kind": "knows"})"), "member_id:outside_network");
  EXPECT_EQ(problem(R"({"member_id": )" + b + R"(, "kind": "shared_group"})"), "kind:kind");
  EXPECT_EQ(problem(R"({"member_id": )" + b + R"(, "kind": "knows", "date": "2999-01-01"})"), "date:date_future");
  EXPECT_EQ(problem(R"({"member_id": )" + b + R"(, "kind": "knows", "date": 20240101})"), "date:date_invalid");
  EXPECT_EQ(problem(R"({"member_id": )" + b + R"(, "kind": "referred"})"), "kind:duplicate_pending");
  EXPECT_EQ(problem(R"({"kind": "knows"})"), "member_id:unknown_member");
  EXPECT_EQ(problem(R"({"member_id": )" + b + R"(, "kind": "knows", "network_id": 99})"), "network_id:not_your_network");
  EXPECT_EQ(tie_count(), 1);

  const HttpResponse list = bram.get("/api/v1/ties");
  ASSERT_EQ(list.status, 200);
  const auto lists = nlohmann::json::parse(list.body);
  ASSERT_EQ(lists["incoming"].size(), 1u);
  EXPECT_EQ(lists["incoming"][0]["from"]["name"], "Anna de Wit");
  EXPECT_EQ(lists["incoming"][0]["network"]["slug"], "west-brabant-zeeland");
  EXPECT_TRUE(lists["confirmed"].empty());

  EXPECT_EQ(anna.json("POST", "/api/v1/ties/" + id + "/confirm", "").status, 403);
  EXPECT_EQ(cor.json("POST", "/api/v1/ties/" + id + "/confirm", "").status, 404);
  EXPECT_EQ(bram.json("POST", "/api/v1/ties/" + id + "/confirm", "", false).status, 403);
  const HttpResponse confirmed = bram.json("POST", "/api/v1/ties/" + id + "/confirm", "");
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(nlohmann::json::parse(confirmed.body)["tie"]["state"], "confirmed");
  EXPECT_EQ(bram.json("POST", "/api/v1/ties/" + id + "/decline", "").status, 409);
  EXPECT_EQ(nlohmann::json::parse(anna.get("/api/v1/ties").body)["confirmed"].size(), 1u);
  EXPECT_EQ(anna.json("POST", "/api/v1/ties/" + id + "/end", "").status, 200);
  EXPECT_EQ(anna.json("POST", "/api/v1/ties/0/end", "").status, 404);
}

TEST_P(AtlasTiesHttp, TheOpenApiDocumentDescribesEveryTiesRoute) {
  const HttpResponse document = testing_support::request(server_->port(), "GET", "/api/v1/openapi.json");
  ASSERT_EQ(document.status, 200);
  const auto openapi = nlohmann::json::parse(document.body);
  for (const std::string path : {"/api/v1/ties", "/api/v1/ties/{id}/confirm", "/api/v1/ties/{id}/decline",
                                 "/api/v1/ties/{id}/withdraw", "/api/v1/ties/{id}/end"}) {
    EXPECT_TRUE(openapi["paths"].contains(path)) << path;
  }
  EXPECT_TRUE(openapi["paths"]["/api/v1/ties"].contains("get"));
  EXPECT_TRUE(openapi["paths"]["/api/v1/ties"].contains("post"));
}

INSTANTIATE_TEST_SUITE_P(Backends, AtlasTiesHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
