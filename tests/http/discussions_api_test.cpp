// The discussions API and the Atom feed over HTTP against the real binary, on both databases: topic
// lists and topics with their replies, posting with a token (401 without, 403 outside the group, 404
// for a group one may not see, 409 on a closed topic, 422 for bad input with nothing written, 413 for
// a post over the limit), the OpenAPI document, and the feed of a public group parsed back field by
// field while other groups have none.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/openapi.h"
#include "api/tokens.h"
#include "auth/passwords.h"
#include "auth/seed.h"
#include "auth/service.h"
#include "db/migrations.h"
#include "discussions/api_routes.h"
#include "discussions/feed.h"
#include "discussions/service.h"
#include "regions/seed.h"
#include "support/server_process.h"
#include "support/test_databases.h"
#include "support/xml_tree.h"

using nlohmann::json;
using testing_support::HttpResponse;
using testing_support::ServerProcess;

namespace {

constexpr std::string_view kPublicUrl = "https://kkp.example.nl";

struct People {
  std::int64_t anna = 0;   // member of the network, of ICT (public) and of Financieel advies (network)
  std::int64_t bram = 0;   // member of the network, of no group
  std::int64_t carla = 0;  // member of the network and of HRM (visible to its members only)
  std::int64_t host = 0;   // host of ICT
};

struct Groups {
  std::int64_t ict = 0;        // public
  std::int64_t finance = 0;    // network
  std::int64_t hrm = 0;        // group members only
};

struct Topics {
  std::int64_t question = 0;  // in ICT, with two replies, the second accepted
  std::int64_t scripted = 0;  // in ICT, a title and body full of markup
  std::int64_t closed = 0;    // in ICT, closed by the host
  std::int64_t hidden = 0;    // in ICT, hidden by the host
  std::int64_t network = 0;   // in Financieel advies
  std::int64_t secret = 0;    // in HRM
};

class DiscussionsApiOverHttp : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    seed();
    server_ = std::make_unique<ServerProcess>(ServerProcess::Options{
        database_->url(), false, {"--public-url", std::string(kPublicUrl), "--no-access-log"}});
  }
  void TearDown() override {
    server_.reset();
    database_.reset();
  }

  std::int64_t add_member(db::Session& session, std::int64_t network, const std::string& email,
                          const std::string& name) {
    auth::NewAccount account;
    account.email = email;
    account.name = name;
    account.password_hash = std::string(auth::demo_password_hash());
    account.verified = true;
    const std::int64_t id = auth::create_account(session, account);
    auth::add_membership(session, id, network, auth::Role::Member, auth::MembershipStatus::Active);
    return id;
  }

  static void join(db::Session& session, std::int64_t group, std::int64_t account, const std::string& role = "member") {
    session.execute("INSERT INTO group_members (group_id, account_id, role, state, created_at, joined_at) "
                    "VALUES (?, ?, ?, 'active', 1700000000, 1700000000)",
                    {group, account, role});
  }

  static http::Viewer viewer(std::int64_t account, const std::string& name) {
    http::Viewer v;
    v.account_id = account;
    v.name = name;
    return v;
  }

  void seed() {
    auto db = database_->open();
    db::migrate(*db);
    db->write([&](db::Session& session) {
      regions::seed_demo(session);
      auth::seed_demo(session);
      const std::int64_t west = session.query_one("SELECT id FROM networks WHERE slug = 'west-brabant-zeeland'")->int64(0);
      auto group = [&](const char* slug) {
        return session.query_one("SELECT id FROM knowledge_groups WHERE network_id = ? AND slug = ?", {west, std::string(slug)})
            ->int64(0);
      };
      groups_.ict = group("ict");
      groups_.finance = group("financieel-advies");
      groups_.hrm = group("hrm");
      session.execute("UPDATE knowledge_groups SET visibility = 'public' WHERE id = ?", {groups_.ict});
      session.execute("UPDATE knowledge_groups SET visibility = 'network' WHERE id = ?", {groups_.finance});
      session.execute("UPDATE knowledge_groups SET visibility = 'group' WHERE id = ?", {groups_.hrm});
      people_.anna = add_member(session, west, "anna@example.nl", "Anna de Vries");
      people_.bram = add_member(session, west, "bram@example.nl", "Bram Jansen");
      people_.carla = add_member(session, west, "carla@example.nl", "Carla Smits");
      people_.host = add_member(session, west, "host@example.nl", "Hanna Host");
      join(session, groups_.ict, people_.anna);
      join(session, groups_.finance, people_.anna);
      join(session, groups_.hrm, people_.carla);
      join(session, groups_.ict, people_.host, "host");
    });

    discussions::Service service(*db);
    const auto anna = std::optional(viewer(people_.anna, "Anna de Vries"));
    const auto host = std::optional(viewer(people_.host, "Hanna Host"));
    const auto carla = std::optional(viewer(people_.carla, "Carla Smits"));
    auto topic = [&](const std::optional<http::Viewer>& who, std::int64_t group, std::string title, std::string body,
                     discussions::Kind kind = discussions::Kind::Discussion) {
      auto created = service.create_topic(who, group, {std::move(title), std::move(body), kind});
      EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message_key);
      return created.ok() ? created.value->id : 0;
    };
    topics_.question = topic(anna, groups_.ict, "Tweestapsverificatie voor vijf mensen?",
                             "Welke aanpak is het **eenvoudigst**?", discussions::Kind::Question);
    ASSERT_TRUE(service.reply(host, topics_.question, {"Security defaults aanzetten.", std::nullopt}).ok());
    auto answer = service.reply(host, topics_.question, {"Of conditional access, met Business Premium.", std::nullopt});
    ASSERT_TRUE(answer.ok());
    ASSERT_TRUE(service.accept(anna, answer.value->id).ok());
    topics_.scripted = topic(anna, groups_.ict, "<script>alert('titel')</script> & \"quotes\"",
                             "Zie <b>vet</b> en <script>alert(1)</script> en [link](javascript:alert(2))");
    topics_.closed = topic(anna, groups_.ict, "Een gesloten onderwerp", "Hier kan niemand meer op reageren.");
    ASSERT_TRUE(service.set_closed(host, topics_.closed, true).ok());
    topics_.hidden = topic(anna, groups_.ict, "Een verborgen onderwerp", "Dit ziet alleen de host.");
    const auto hidden_opening = db->read([&](db::Session& session) {
      return session.query_one("SELECT id FROM replies WHERE topic_id = ? AND post_number = 1", {topics_.hidden})->int64(0);
    });
    ASSERT_TRUE(service.set_hidden(host, hidden_opening, true).ok());
    topics_.network = topic(anna, groups_.finance, "Btw op facturen aan Belgische klanten", "Verlegd of niet?");
    topics_.secret = topic(carla, groups_.hrm, "Vertrouwelijk: een ontslagzaak", "Alleen voor de groep.");

    api::TokenService tokens(*db);
    auto token_for = [&](std::int64_t account) {
      auto created = tokens.create(account, "Test", std::nullopt);
      return std::get<api::CreatedToken>(created).secret;
    };
    anna_token_ = token_for(people_.anna);
    bram_token_ = token_for(people_.bram);
    carla_token_ = token_for(people_.carla);
  }

  HttpResponse call(const std::string& method, const std::string& target, const std::string& token = "",
                    const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    if (!body.empty() && headers.count("Content-Type") == 0) headers["Content-Type"] = "application/json";
    return testing_support::request(server_->port(), method, target, headers, body);
  }

  static json body_of(const HttpResponse& response) {
    json parsed = json::parse(response.body, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << response.body;
    return parsed;
  }

  std::int64_t count(const std::string& sql) {
    auto db = database_->open();
    return db->read([&](db::Session& session) { return session.query_one(sql)->int64(0); });
  }

  std::string topics_path(std::int64_t group) { return "/api/v1/groups/" + std::to_string(group) + "/topics"; }
  std::string topic_path(std::int64_t topic) { return "/api/v1/topics/" + std::to_string(topic); }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<ServerProcess> server_;
  People people_;
  Groups groups_;
  Topics topics_;
  std::string anna_token_;
  std::string bram_token_;
  std::string carla_token_;
};

TEST_P(DiscussionsApiOverHttp, APublicGroupListsItsTopicsToVisitorsAndMembersWithoutHiddenOnes) {
  const auto visitor = call("GET", topics_path(groups_.ict));
  ASSERT_EQ(visitor.status, 200) << visitor.body;
  EXPECT_EQ(visitor.header("content-type"), "application/json; charset=utf-8");
  const json list = body_of(visitor);
  EXPECT_EQ(list["group"]["slug"], "ict");
  EXPECT_EQ(list["group"]["url"], std::string(kPublicUrl) + "/groepen/west-brabant-zeeland/ict");
  EXPECT_EQ(list["total"], 3);  // question, scripted, closed; the hidden one is not for visitors
  EXPECT_EQ(list["can_post"], false);
  std::set<std::int64_t> ids;
  for (const json& topic : list["topics"]) ids.insert(topic["id"].get<std::int64_t>());
  EXPECT_EQ(ids, (std::set<std::int64_t>{topics_.question, topics_.scripted, topics_.closed}));
  EXPECT_FALSE(list["topics"][0].contains("unread")) << "visitors have no place in a topic";

  const json as_anna = body_of(call("GET", topics_path(groups_.ict), anna_token_));
  EXPECT_EQ(as_anna["can_post"], true);
  for (const json& topic : as_anna["topics"]) {
    if (topic["id"] == topics_.question) {
      EXPECT_EQ(topic["title"], "Tweestapsverificatie voor vijf mensen?");
      EXPECT_EQ(topic["kind"], "question");
      EXPECT_EQ(topic["reply_count"], 2);
      EXPECT_EQ(topic["author"]["name"], "Anna de Vries");
      EXPECT_EQ(topic["last_author"]["name"], "Hanna Host");
      EXPECT_EQ(topic["url"], std::string(kPublicUrl) + "/onderwerpen/" + std::to_string(topics_.question));
      EXPECT_EQ(topic["visited"], true);
    }
    if (topic["id"] == topics_.closed) {
      EXPECT_EQ(topic["closed"], true);
    }
  }
  EXPECT_EQ(call("GET", topics_path(groups_.ict) + "?page=0").status, 400);
  EXPECT_EQ(call("GET", topics_path(groups_.ict) + "?page=abc").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/groups/999999/topics").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/groups/abc/topics").status, 404);
}

TEST_P(DiscussionsApiOverHttp, ATopicComesWithItsRepliesInOrderAndItsAcceptedAnswer) {
  const auto response = call("GET", topic_path(topics_.question), anna_token_);
  ASSERT_EQ(response.status, 200) << response.body;
  const json topic = body_of(response);
  EXPECT_EQ(topic["title"], "Tweestapsverificatie voor vijf mensen?");
  EXPECT_EQ(topic["group"]["id"], groups_.ict);
  ASSERT_EQ(topic["posts"].size(), 3u);
  EXPECT_EQ(topic["posts"][0]["post_number"], 1);
  EXPECT_EQ(topic["posts"][0]["body_markdown"], "Welke aanpak is het **eenvoudigst**?");
  EXPECT_NE(topic["posts"][0]["body_html"].get<std::string>().find("<strong>eenvoudigst</strong>"), std::string::npos);
  EXPECT_EQ(topic["posts"][1]["author"]["name"], "Hanna Host");
  EXPECT_EQ(topic["posts"][2]["body_markdown"], "Of conditional access, met Business Premium.");
  EXPECT_EQ(topic["accepted_reply_id"], topic["posts"][2]["id"]);
  EXPECT_EQ(topic["accepted"]["id"], topic["posts"][2]["id"]);
  EXPECT_EQ(topic["page"], 1);
  EXPECT_EQ(topic["page_count"], 1);
  EXPECT_EQ(topic["permissions"]["reply"], true);
  EXPECT_EQ(topic["permissions"]["accept"], true);
  EXPECT_EQ(topic["permissions"]["moderate"], false);

  // A visitor reads the public topic too, without permissions; markup in titles stays text in JSON.
  const json visitor = body_of(call("GET", topic_path(topics_.scripted)));
  EXPECT_EQ(visitor["title"], "<script>alert('titel')</script> & \"quotes\"");
  const std::string html = visitor["posts"][0]["body_html"];
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_EQ(visitor["permissions"]["reply"], false);
  // A hidden topic keeps its place (members see a notice, as on the site) but none of its text.
  const auto hidden = call("GET", topic_path(topics_.hidden), anna_token_);
  ASSERT_EQ(hidden.status, 200) << hidden.body;
  const json hidden_topic = body_of(hidden);
  EXPECT_EQ(hidden_topic["hidden"], true);
  EXPECT_EQ(hidden_topic["title"], "");
  EXPECT_TRUE(hidden_topic["posts"][0]["body_markdown"].is_null());
  EXPECT_TRUE(hidden_topic["posts"][0]["body_html"].is_null());
  EXPECT_EQ(hidden.body.find("alleen de host"), std::string::npos);
  EXPECT_EQ(hidden.body.find("verborgen"), std::string::npos);
  EXPECT_EQ(call("GET", topic_path(999999)).status, 404);
}

TEST_P(DiscussionsApiOverHttp, AMemberStartsATopicAndRepliesWithAToken) {
  const std::string body = json{{"title", "Back-up van Microsoft 365"},
                                {"body", "Is een aparte back-up nodig, @Bram-Jansen?"},
                                {"kind", "question"}}
                               .dump();
  const auto created = call("POST", topics_path(groups_.ict), anna_token_, body);
  ASSERT_EQ(created.status, 201) << created.body;
  const json topic = body_of(created);
  const std::int64_t id = topic["id"];
  EXPECT_EQ(created.header("location"), std::string(kPublicUrl) + "/api/v1/topics/" + std::to_string(id));
  EXPECT_EQ(topic["title"], "Back-up van Microsoft 365");
  EXPECT_EQ(topic["kind"], "question");
  EXPECT_EQ(topic["author"]["id"], people_.anna);

  const json first = body_of(call("GET", topic_path(id), anna_token_));
  ASSERT_EQ(first["posts"].size(), 1u);
  EXPECT_NE(first["posts"][0]["body_html"].get<std::string>().find("href=\"/leden/" + std::to_string(people_.bram)),
            std::string::npos)
      << "the mention links to the member";

  const std::int64_t opening = first["posts"][0]["id"];
  const auto replied = call("POST", topic_path(id) + "/replies", anna_token_,
                            json{{"body", "Ik denk het wel: de prullenbak bewaart 93 dagen."}, {"quote_of", opening}}.dump());
  ASSERT_EQ(replied.status, 201) << replied.body;
  const json reply = body_of(replied);
  EXPECT_EQ(reply["post_number"], 2);
  EXPECT_EQ(reply["quote_of"], opening);
  EXPECT_EQ(reply["author"]["name"], "Anna de Vries");
  EXPECT_EQ(replied.header("location"), std::string(kPublicUrl) + "/onderwerpen/" + std::to_string(id) + "#reactie-" +
                                            std::to_string(reply["id"].get<std::int64_t>()));
  const json after = body_of(call("GET", topic_path(id)));
  ASSERT_EQ(after["posts"].size(), 2u);
  EXPECT_EQ(after["reply_count"], 1);
  EXPECT_EQ(after["posts"][1]["body_markdown"], "Ik denk het wel: de prullenbak bewaart 93 dagen.");
  // The new topic is first in the group's list (latest activity).
  EXPECT_EQ(body_of(call("GET", topics_path(groups_.ict)))["topics"][0]["id"], id);
}

TEST_P(DiscussionsApiOverHttp, WritingNeedsAValidTokenOrASessionFromOurOwnPages) {
  const std::string body = json{{"title", "Zonder token"}, {"body", "Mag dit?"}}.dump();
  const auto before = count("SELECT COUNT(*) FROM topics");
  const auto anonymous = call("POST", topics_path(groups_.ict), "", body);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(body_of(anonymous)["error"]["code"], "unauthorized");
  EXPECT_EQ(call("POST", topics_path(groups_.ict), "kkp_" + std::string(43, 'A'), body).status, 401);
  EXPECT_EQ(call("POST", topic_path(topics_.question) + "/replies", "", json{{"body", "Hoi"}}.dump()).status, 401);

  // A browser session works only from a page of this site (Origin), like every API write.
  auto browser_login = testing_support::request(server_->port(), "GET", "/inloggen");
  std::string csrf;
  for (const auto& cookie : browser_login.header_all("set-cookie")) {
    if (cookie.rfind("csrf=", 0) == 0) csrf = cookie.substr(5, cookie.find(';') - 5);
  }
  const auto signed_in = testing_support::request(
      server_->port(), "POST", "/inloggen",
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", "csrf=" + csrf}},
      "email=anna%40example.nl&password=" + std::string(auth::kDemoPassword) + "&csrf=" + csrf);
  ASSERT_EQ(signed_in.status, 303) << signed_in.body;
  std::string session;
  for (const auto& cookie : signed_in.header_all("set-cookie")) {
    const auto equals = cookie.find('=');
    const std::string name = cookie.substr(0, equals);
    if (name.find("sessie") != std::string::npos) session = cookie.substr(0, cookie.find(';'));
  }
  ASSERT_FALSE(session.empty());
  const std::string host = "127.0.0.1:" + std::to_string(server_->port());
  const auto no_origin = call("POST", topics_path(groups_.ict), "", body, {{"Cookie", session}});
  EXPECT_EQ(no_origin.status, 403) << no_origin.body;
  const auto foreign = call("POST", topics_path(groups_.ict), "", body,
                            {{"Cookie", session}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(count("SELECT COUNT(*) FROM topics"), before) << "nothing written";
  const auto ours = call("POST", topics_path(groups_.ict), "", body,
                         {{"Cookie", session}, {"Origin", "http://" + host}});
  EXPECT_EQ(ours.status, 201) << ours.body;
}

TEST_P(DiscussionsApiOverHttp, AGroupOneMayNotSeeIsNotFoundAndOneMayOnlyReadIsForbiddenToPostIn) {
  // HRM is for its members: to Anna (not in it), to visitors and to Bram it does not exist.
  for (const std::string& token : {anna_token_, bram_token_, std::string()}) {
    SCOPED_TRACE(token.empty() ? "visitor" : token.substr(0, 12));
    EXPECT_EQ(call("GET", topics_path(groups_.hrm), token).status, 404);
    EXPECT_EQ(call("GET", topic_path(topics_.secret), token).status, 404);
    const auto body = json{{"title", "Ik kom binnen"}, {"body", "Of niet?"}}.dump();
    EXPECT_EQ(call("POST", topics_path(groups_.hrm), token, body).status, token.empty() ? 401 : 404);
    EXPECT_EQ(call("POST", topic_path(topics_.secret) + "/replies", token, json{{"body", "Hallo"}}.dump()).status,
              token.empty() ? 401 : 404);
  }
  const auto not_found = call("GET", topics_path(groups_.hrm), anna_token_);
  EXPECT_EQ(body_of(not_found)["error"]["code"], "not_found");
  EXPECT_EQ(not_found.body.find("ontslag"), std::string::npos);
  // Carla, a member of HRM, sees it.
  const json for_carla = body_of(call("GET", topics_path(groups_.hrm), carla_token_));
  ASSERT_EQ(for_carla["topics"].size(), 1u);
  EXPECT_EQ(for_carla["topics"][0]["id"], topics_.secret);

  // Financieel advies is for the network: visitors do not see it; Bram reads it but may not post.
  EXPECT_EQ(call("GET", topics_path(groups_.finance)).status, 404);
  EXPECT_EQ(call("GET", topic_path(topics_.network)).status, 404);
  EXPECT_EQ(call("GET", topics_path(groups_.finance), bram_token_).status, 200);
  const auto before = count("SELECT COUNT(*) FROM replies");
  const auto refused = call("POST", topics_path(groups_.finance), bram_token_,
                            json{{"title", "Mijn vraag"}, {"body", "Mag ik hier iets vragen?"}}.dump());
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(body_of(refused)["error"]["code"], "forbidden");
  EXPECT_EQ(call("POST", topic_path(topics_.network) + "/replies", bram_token_, json{{"body", "Eens!"}}.dump()).status,
            403);
  EXPECT_EQ(count("SELECT COUNT(*) FROM replies"), before);
}

TEST_P(DiscussionsApiOverHttp, BadInputIsRefusedFieldByFieldAndWritesNothing) {
  const auto topics_before = count("SELECT COUNT(*) FROM topics");
  const auto posts_before = count("SELECT COUNT(*) FROM replies");
  auto post_topic = [&](const std::string& body, std::map<std::string, std::string> headers = {}) {
    return call("POST", topics_path(groups_.ict), anna_token_, body, std::move(headers));
  };
  const auto empty = post_topic(json{{"title", "   "}, {"body", ""}}.dump());
  ASSERT_EQ(empty.status, 422) << empty.body;
  const json fields = body_of(empty)["error"]["fields"];
  EXPECT_TRUE(fields.contains("title")) << fields.dump();
  EXPECT_TRUE(fields.contains("body")) << fields.dump();

  const auto missing = post_topic(json{{"title", 12}}.dump());
  ASSERT_EQ(missing.status, 422);
  EXPECT_EQ(body_of(missing)["error"]["fields"]["title"]["code"], "not_a_string");
  EXPECT_EQ(body_of(missing)["error"]["fields"]["body"]["code"], "required");

  const auto bad_kind = post_topic(json{{"title", "Goed"}, {"body", "Goed"}, {"kind", "poll"}}.dump());
  ASSERT_EQ(bad_kind.status, 422);
  EXPECT_TRUE(body_of(bad_kind)["error"]["fields"].contains("kind"));

  EXPECT_EQ(post_topic(json{{"title", std::string(201, 'x')}, {"body", "Lang"}}.dump()).status, 422);
  EXPECT_EQ(post_topic(json{{"title", std::string("Nul\0byte", 8)}, {"body", "Tekst"}}.dump()).status, 422);
  EXPECT_EQ(post_topic("{\"title\": ").status, 400);
  EXPECT_EQ(post_topic("[1, 2]").status, 400);
  EXPECT_EQ(post_topic("title=x&body=y", {{"Content-Type", "application/x-www-form-urlencoded"}}).status, 400);
  const auto too_long = post_topic(json{{"title", "Een heel lang verhaal"}, {"body", std::string(70 * 1024, 'a')}}.dump());
  EXPECT_EQ(too_long.status, 413) << too_long.body.substr(0, 200);
  const auto reply_bad = call("POST", topic_path(topics_.question) + "/replies", anna_token_,
                              json{{"body", "Hoi"}, {"quote_of", "een"}}.dump());
  EXPECT_EQ(reply_bad.status, 422);
  EXPECT_EQ(call("POST", topic_path(topics_.question) + "/replies", anna_token_, json{{"body", " \n "}}.dump()).status,
            422);

  EXPECT_EQ(count("SELECT COUNT(*) FROM topics"), topics_before);
  EXPECT_EQ(count("SELECT COUNT(*) FROM replies"), posts_before);
}

TEST_P(DiscussionsApiOverHttp, AClosedTopicRefusesRepliesWithAConflict) {
  const auto posts_before = count("SELECT COUNT(*) FROM replies");
  const auto refused = call("POST", topic_path(topics_.closed) + "/replies", anna_token_,
                            json{{"body", "Toch nog een reactie."}}.dump());
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(body_of(refused)["error"]["code"], "conflict");
  EXPECT_EQ(body_of(refused)["error"]["reason"], "closed");
  EXPECT_EQ(count("SELECT COUNT(*) FROM replies"), posts_before);
  EXPECT_EQ(body_of(call("GET", topic_path(topics_.closed), anna_token_))["permissions"]["reply"], false);
}

TEST_P(DiscussionsApiOverHttp, TheOpenApiDocumentDescribesEveryDiscussionsRoute) {
  EXPECT_TRUE(api::openapi_problems(api::openapi_document(), discussions::api_routes()).empty());
  const json document = body_of(call("GET", "/api/v1/openapi.json"));
  for (const char* path : {"/api/v1/groups/{id}/topics", "/api/v1/topics/{id}", "/api/v1/topics/{id}/replies"}) {
    EXPECT_TRUE(document["paths"].contains(path)) << path;
  }
  EXPECT_TRUE(document["paths"]["/api/v1/groups/{id}/topics"].contains("post"));
}

TEST_P(DiscussionsApiOverHttp, APublicGroupsFeedParsesBackFieldByField) {
  const auto response = call("GET", "/groepen/west-brabant-zeeland/ict/feed.atom");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("content-type"), "application/atom+xml; charset=utf-8");
  const auto parsed = testing_support::parse_xml(response.body);
  ASSERT_TRUE(parsed.root) << parsed.error << "\n" << response.body;
  const auto& feed = *parsed.root;
  EXPECT_EQ(feed.name, "http://www.w3.org/2005/Atom|feed");
  EXPECT_EQ(feed.text_of("id"), "tag:kkp.example.nl,2024:knooppunt:group:" + std::to_string(groups_.ict));
  EXPECT_NE(feed.text_of("title").find("ICT"), std::string::npos);
  std::map<std::string, std::string> links;
  for (const auto* link : feed.all("link")) links[link->attribute("rel")] = link->attribute("href");
  EXPECT_EQ(links["self"], std::string(kPublicUrl) + "/groepen/west-brabant-zeeland/ict/feed.atom");
  EXPECT_EQ(links["alternate"], std::string(kPublicUrl) + "/groepen/west-brabant-zeeland/ict");

  // One entry per visible topic, as the database holds them; the hidden topic is not there.
  auto db = database_->open();
  const auto rows = db->read([&](db::Session& session) {
    return session.query(
        "SELECT t.id, t.title, a.name, t.created_at, t.last_posted_at, r.body_html FROM topics t "
        "JOIN accounts a ON a.id = t.author_id JOIN replies r ON r.topic_id = t.id AND r.post_number = 1 "
        "WHERE t.group_id = ? AND t.hidden_at IS NULL",
        {groups_.ict});
  });
  const auto entries = feed.all("entry");
  ASSERT_EQ(entries.size(), rows.size());
  ASSERT_EQ(entries.size(), 3u);
  for (const db::Row& row : rows) {
    const std::string url = std::string(kPublicUrl) + "/onderwerpen/" + row.text(0);
    const testing_support::XmlElement* entry = nullptr;
    for (const auto* candidate : entries) {
      if (candidate->text_of("id") == url) entry = candidate;
    }
    ASSERT_NE(entry, nullptr) << url;
    EXPECT_EQ(entry->text_of("title"), row.text(1));
    EXPECT_EQ(entry->first("author")->text_of("name"), row.text(2));
    EXPECT_EQ(entry->text_of("published"), discussions::rfc3339_utc(row.int64(3)));
    EXPECT_EQ(entry->text_of("updated"), discussions::rfc3339_utc(row.int64(4)));
    EXPECT_EQ(entry->first("link")->attribute("href"), url);
    EXPECT_EQ(entry->first("content")->attribute("type"), "html");
    EXPECT_EQ(entry->text_of("content"), row.text(5));
  }
  EXPECT_EQ(response.body.find("<script>"), std::string::npos) << "markup travels escaped";
  EXPECT_EQ(response.body.find("verborgen"), std::string::npos);
}

TEST_P(DiscussionsApiOverHttp, OnlyPublicGroupsHaveAFeedWhoeverAsks) {
  for (const char* group : {"hrm", "financieel-advies", "bestaat-niet"}) {
    SCOPED_TRACE(group);
    const std::string path = std::string("/groepen/west-brabant-zeeland/") + group + "/feed.atom";
    const auto visitor = call("GET", path);
    EXPECT_EQ(visitor.status, 404);
    EXPECT_EQ(visitor.body.find("Vertrouwelijk"), std::string::npos);
    EXPECT_EQ(visitor.body.find("Btw op facturen"), std::string::npos);
    // Not even with a member's token: feeds show what the world may see.
    EXPECT_EQ(call("GET", path, carla_token_).status, 404);
  }
  EXPECT_EQ(call("GET", "/groepen/bestaat-niet/ict/feed.atom").status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, DiscussionsApiOverHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
