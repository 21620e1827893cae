// The atlas engine through the real binary on both databases: GET /api/v1/atlas (session or token;
// 401 for visitors, 403 outside the network), /atlas/data.json, paths (chains, not connected, unknown
// and hidden members, bad parameters), suggestions, exports for coordinators only (GEXF and GraphML
// parsed back; unknown format 400), a confirmed tie reaching the served map within seconds, and
// `knooppunt export atlas` (exit 2 for an unknown format or network). Hidden members appear nowhere.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "atlas/ties_service.h"
#include "auth/service.h"
#include "auth/sessions.h"
#include "auth/store.h"
#include "auth/tokens.h"
#include "db/migrations.h"
#include "support/atlas_fixture.h"
#include "support/server_process.h"
#include "support/test_databases.h"
#include "support/web_browser.h"
#include "support/xml_tree.h"

namespace {

using testing_support::HttpResponse;
using testing_support::WebBrowser;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class AtlasApiHttp : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    testing_support::AtlasWorld world(*db_);
    network_ = world.add_network("west-brabant-zeeland", "KKP West-Brabant & Zeeland");
    const std::int64_t elsewhere = world.add_network("midden-brabant", "KKP Midden-Brabant");
    // A triangle (Anna, Bram, Cor) with Dirk hanging off Cor; Hein hidden and tied to Anna; Nina alone;
    // Cora coordinates; Olga is in the other network.
    anna_ = world.add_member("Anna de Wit", {network_});  // lid1@atlas.example.nl
    bram_ = world.add_member("Bram Jansen", {network_});
    cor_ = world.add_member("Cor Peeters", {network_});
    dirk_ = world.add_member("Dirk Smits", {network_});
    hein_ = world.add_member("Hein Verborgen", {network_});
    nina_ = world.add_member("Nina Nieuw", {network_});
    cora_ = world.add_member("Cora Coördinator", {network_}, 1600000000, auth::Role::Coordinator);
    olga_ = world.add_member("Olga van Oost", {elsewhere});
    world.set_profile(anna_, "ict", "Breda", "West-Brabant");
    world.set_profile(dirk_, "legal", "Goes", "Zeeland");
    ties_ = std::make_unique<atlas::TiesService>(*db_);
    for (const auto& [x, y] : std::vector<std::pair<std::int64_t, std::int64_t>>{
             {anna_, bram_}, {bram_, cor_}, {anna_, cor_}, {cor_, dirk_}, {hein_, anna_}}) {
      confirm(x, y);
    }
    ties_->save_settings(hein_, atlas::PrivacySettings{atlas::TieVisibility::Network, true});
    server_ = std::make_unique<testing_support::ServerProcess>(testing_support::ServerProcess::Options{
        database_->url(), false, {"--no-access-log", "--workers", "4"}});
    wait_for_atlas();
  }

  void confirm(std::int64_t from, std::int64_t to) {
    auto declared = ties_->declare(from, atlas::DeclareInput{to, "knows", "", "", std::nullopt});
    ASSERT_TRUE(declared.ok()) << declared.error->message_key;
    ASSERT_TRUE(ties_->confirm(to, declared.value->id).ok());
  }

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

  // The first snapshot is computed by the server's atlas job right after start-up.
  void wait_for_atlas() {
    WebBrowser anna = signed_in(anna_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (anna.get("/atlas/data.json").status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "no atlas within 30 s\n" << server_->log();
  }

  static nlohmann::json parse(const HttpResponse& response) { return nlohmann::json::parse(response.body); }

  static bool has_edge(const nlohmann::json& atlas, std::int64_t x, std::int64_t y) {
    for (const auto& edge : atlas["edges"]) {
      const auto s = edge["source"].get<std::int64_t>();
      const auto t = edge["target"].get<std::int64_t>();
      if ((s == x && t == y) || (s == y && t == x)) return true;
    }
    return false;
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<atlas::TiesService> ties_;
  std::unique_ptr<testing_support::ServerProcess> server_;
  std::int64_t network_ = 0, anna_ = 0, bram_ = 0, cor_ = 0, dirk_ = 0, hein_ = 0, nina_ = 0, cora_ = 0, olga_ = 0;
};

TEST_P(AtlasApiHttp, VisitorsGetNoPersonalAtlasData) {
  WebBrowser visitor(server_->port());
  for (const std::string target : {"/api/v1/atlas", "/atlas/data.json", "/api/v1/atlas/path?from=1&to=2",
                                   "/api/v1/atlas/suggestions"}) {
    const HttpResponse response = visitor.get(target);
    EXPECT_EQ(response.status, 401) << target;
    EXPECT_EQ(parse(response)["error"]["code"], "unauthorized") << target;
    EXPECT_EQ(response.body.find("Anna"), std::string::npos) << target;
  }
  const HttpResponse file = visitor.get("/atlas/export.gexf");
  EXPECT_EQ(file.status, 401);
  EXPECT_EQ(file.body.find("Anna"), std::string::npos);
}

TEST_P(AtlasApiHttp, AMemberGetsTheAtlasWithPositionsAndWithoutHiddenMembers) {
  WebBrowser anna = signed_in(anna_);
  const HttpResponse response = anna.get("/api/v1/atlas");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("cache-control"), "private, no-store");
  const nlohmann::json atlas = parse(response);
  EXPECT_EQ(atlas["network"]["slug"], "west-brabant-zeeland");
  std::set<std::int64_t> ids;
  for (const auto& node : atlas["nodes"]) {
    ids.insert(node["id"].get<std::int64_t>());
    EXPECT_GE(node["x"].get<double>(), -1.0);
    EXPECT_LE(node["x"].get<double>(), 1.0);
    EXPECT_GE(node["y"].get<double>(), -1.0);
    EXPECT_LE(node["y"].get<double>(), 1.0);
  }
  EXPECT_EQ(ids, (std::set<std::int64_t>{anna_, bram_, cor_, dirk_, nina_, cora_}));
  EXPECT_EQ(response.body.find("Verborgen"), std::string::npos);
  EXPECT_EQ(atlas["edges"].size(), 4u);
  // Only Cor can tie Dirk to the triangle (whether Dirk forms a cluster of his own is the clustering's call).
  for (const auto& broker : atlas["brokers"]) EXPECT_EQ(broker, cor_);
  EXPECT_EQ(atlas["isolated"], nlohmann::json::array({dirk_, nina_, cora_}));
  EXPECT_EQ(anna.get("/atlas/data.json").body, response.body);

  const HttpResponse outsider = signed_in(olga_).get("/api/v1/atlas?network=west-brabant-zeeland");
  EXPECT_EQ(outsider.status, 403);
  EXPECT_EQ(outsider.body.find("Anna"), std::string::npos);
  EXPECT_EQ(anna.get("/api/v1/atlas?network=bestaat-niet").status, 404);
}

TEST_P(AtlasApiHttp, AnApiTokenOpensTheAtlasToo) {
  const auto created = testing_support::run_knooppunt(
      {"token", "create", "--email", "lid1@atlas.example.nl", "--database", database_->url(), "--data-dir",
       std::filesystem::temp_directory_path().string()});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string token = created.output.substr(created.output.rfind("kkp_"), 47);
  const HttpResponse response = testing_support::request(server_->port(), "GET", "/api/v1/atlas",
                                                         {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(response.status, 200) << response.body;
  const HttpResponse wrong = testing_support::request(server_->port(), "GET", "/api/v1/atlas",
                                                      {{"Authorization", "Bearer kkp_wrong"}});
  EXPECT_EQ(wrong.status, 401);
}

TEST_P(AtlasApiHttp, PathsAnswerChainsAndSayClearlyWhenThereAreNone) {
  WebBrowser anna = signed_in(anna_);
  const auto target = [&](std::int64_t from, std::int64_t to, const std::string& extra = "") {
    return "/api/v1/atlas/path?from=" + std::to_string(from) + "&to=" + std::to_string(to) + extra;
  };
  const HttpResponse chains = anna.get(target(anna_, dirk_, "&k=5"));
  ASSERT_EQ(chains.status, 200) << chains.body;
  const nlohmann::json body = parse(chains);
  ASSERT_EQ(body["chains"].size(), 2u);  // Anna-Cor-Dirk and Anna-Bram-Cor-Dirk
  EXPECT_EQ(body["chains"][0]["length"], 2);
  EXPECT_EQ(body["chains"][0]["members"][1]["id"], cor_);
  EXPECT_EQ(body["chains"][0]["ties"][0], nlohmann::json::array({"knows"}));
  EXPECT_EQ(body["chains"][1]["length"], 3);
  EXPECT_FALSE(body.contains("message"));

  const HttpResponse none = anna.get(target(anna_, nina_));
  ASSERT_EQ(none.status, 200);
  EXPECT_TRUE(parse(none)["chains"].empty());
  EXPECT_EQ(parse(none)["message"], "Jullie zijn (nog) niet met elkaar verbonden via bevestigde banden die je mag zien.");

  for (const std::int64_t unknown : {hein_, olga_, std::int64_t{987654}}) {
    const HttpResponse response = anna.get(target(anna_, unknown));
    EXPECT_EQ(response.status, 404) << unknown;
    EXPECT_EQ(response.body.find("Verborgen"), std::string::npos);
  }
  const HttpResponse bad = anna.get("/api/v1/atlas/path?from=abc&to=-3&k=9");
  EXPECT_EQ(bad.status, 400);
  const nlohmann::json fields = parse(bad)["error"]["fields"];
  EXPECT_TRUE(fields.contains("from"));
  EXPECT_TRUE(fields.contains("to"));
  EXPECT_TRUE(fields.contains("k"));
}

TEST_P(AtlasApiHttp, SuggestionsNameMembersTwoStepsAwayWithOtherDisciplines) {
  const HttpResponse response = signed_in(anna_).get("/api/v1/atlas/suggestions?limit=5");
  ASSERT_EQ(response.status, 200) << response.body;
  const nlohmann::json body = parse(response);
  ASSERT_EQ(body["suggestions"].size(), 1u);
  EXPECT_EQ(body["suggestions"][0]["id"], dirk_);
  EXPECT_EQ(body["suggestions"][0]["new_disciplines"], nlohmann::json::array({"legal"}));
  EXPECT_EQ(body["suggestions"][0]["via"], nlohmann::json::array({cor_}));
  EXPECT_EQ(signed_in(anna_).get("/api/v1/atlas/suggestions?limit=0").status, 400);
}

TEST_P(AtlasApiHttp, ExportsAreForCoordinatorsAndParseBack) {
  EXPECT_EQ(signed_in(anna_).get("/atlas/export.gexf").status, 403);
  WebBrowser cora = signed_in(cora_);
  const HttpResponse gexf = cora.get("/atlas/export.gexf");
  ASSERT_EQ(gexf.status, 200);
  EXPECT_EQ(gexf.header("content-type"), "application/gexf+xml; charset=utf-8");
  EXPECT_NE(gexf.header("content-disposition").find("attachment; filename=\"atlas-west-brabant-zeeland-"),
            std::string::npos);
  const auto parsed = testing_support::parse_xml(gexf.body);
  ASSERT_TRUE(parsed.root) << parsed.error;
  EXPECT_EQ(parsed.root->first("graph")->first("nodes")->all("node").size(), 6u);
  EXPECT_EQ(parsed.root->first("graph")->first("edges")->all("edge").size(), 4u);
  EXPECT_EQ(gexf.body.find("Verborgen"), std::string::npos);

  const HttpResponse graphml = cora.get("/atlas/export.graphml");
  ASSERT_EQ(graphml.status, 200);
  const auto graphml_parsed = testing_support::parse_xml(graphml.body);
  ASSERT_TRUE(graphml_parsed.root) << graphml_parsed.error;
  EXPECT_EQ(graphml_parsed.root->first("graph")->all("node").size(), 6u);

  const HttpResponse json = cora.get("/atlas/export.json");
  ASSERT_EQ(json.status, 200);
  EXPECT_EQ(parse(json)["nodes"].size(), 6u);

  const HttpResponse unknown = cora.get("/atlas/export/pdf");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("gexf, graphml of json"), std::string::npos);
}

TEST_P(AtlasApiHttp, AConfirmedTieIsOnTheMapWithinSeconds) {
  WebBrowser anna = signed_in(anna_);
  ASSERT_FALSE(has_edge(parse(anna.get("/atlas/data.json")), nina_, bram_));
  confirm(nina_, bram_);
  const auto confirmed = std::chrono::steady_clock::now();
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() - confirmed < std::chrono::seconds(10)) {
    seen = has_edge(parse(anna.get("/atlas/data.json")), nina_, bram_);
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(seen);
  EXPECT_LT(std::chrono::steady_clock::now() - confirmed, std::chrono::seconds(5));
}

TEST_P(AtlasApiHttp, TheExportCommandWritesAFileAndRefusesUnknownFormatsAndNetworks) {
  const std::string data_dir = std::filesystem::temp_directory_path().string();
  const auto unknown_format = testing_support::run_knooppunt(
      {"export", "atlas", "--format", "pdf", "--network", "west-brabant-zeeland", "--database", database_->url(),
       "--data-dir", data_dir});
  EXPECT_EQ(unknown_format.exit_code, 2);
  EXPECT_NE(unknown_format.output.find("Choose gexf, graphml or json"), std::string::npos);
  const auto unknown_network = testing_support::run_knooppunt(
      {"export", "atlas", "--format", "gexf", "--network", "nergens", "--database", database_->url(), "--data-dir",
       data_dir});
  EXPECT_EQ(unknown_network.exit_code, 2);

  const std::string file = (std::filesystem::temp_directory_path() /
                            ("atlas-export-" + std::to_string(server_->port()) + ".gexf"))
                               .string();
  const auto written = testing_support::run_knooppunt({"export", "atlas", "--format", "gexf", "--network",
                                                       "west-brabant-zeeland", "--output", file, "--database",
                                                       database_->url(), "--data-dir", data_dir});
  ASSERT_EQ(written.exit_code, 0) << written.output;
  std::ifstream in(file);
  const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(file);
  const auto parsed = testing_support::parse_xml(body);
  ASSERT_TRUE(parsed.root) << parsed.error;
  EXPECT_EQ(parsed.root->first("graph")->first("nodes")->all("node").size(), 6u);
  EXPECT_EQ(body.find("Verborgen"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, AtlasApiHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
