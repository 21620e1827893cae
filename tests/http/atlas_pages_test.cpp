// The atlas pages over HTTP against the real binary with the demo network, on both databases: what
// visitors, members and coordinators get from /atlas, /atlas/tekst, /atlas/data.json and
// /atlas/coordinator; the bundled map script as a fingerprinted asset under the strict CSP; CSRF and
// roles on the cluster naming form.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <regex>
#include <string>

#include "support/web_browser.h"
#include "support/server_process.h"
#include "support/test_databases.h"
#include "support/text.h"

using testing_support::WebBrowser;
using testing_support::HttpResponse;
using testing_support::ServerProcess;

namespace {

constexpr const char* kDemoPassword = "knooppunt-demo";
constexpr const char* kMemberEmail = "lid@kkp-demo.nl";
constexpr const char* kCoordinatorEmail = "coordinator@kkp-demo.nl";
constexpr const char* kNetwork = "west-brabant-zeeland";

using testing_support::contains;

std::string first_match(const std::string& text, const std::string& pattern) {
  std::smatch match;
  return std::regex_search(text, match, std::regex(pattern)) ? match[1].str() : "";
}

class AtlasPagesOverHttp : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    server_ = std::make_unique<ServerProcess>(
        ServerProcess::Options{database_->url(), true, {"--no-access-log", "--page-cache-seconds", "0"}});
  }
  void TearDown() override {
    server_.reset();
    database_.reset();
  }

  std::unique_ptr<WebBrowser> signed_in(const std::string& email) {
    auto browser = std::make_unique<WebBrowser>(server_->port());
    EXPECT_TRUE(browser->sign_in(email, kDemoPassword)) << email;
    return browser;
  }

  // Names of demo members, as the directory shows them to a member: none may reach a visitor here.
  std::vector<std::string> some_member_names(WebBrowser& member) {
    const std::string directory = member.get("/leden").body;
    std::vector<std::string> names;
    const std::regex heading("<h2><a href=\"/leden/[0-9]+\">([^<]+)</a>");
    for (auto it = std::sregex_iterator(directory.begin(), directory.end(), heading); it != std::sregex_iterator() && names.size() < 8;
         ++it) {
      names.push_back((*it)[1].str());
    }
    return names;
  }

  // The atlas JSON the member's map reads, once the engine has computed the first snapshot (it does at
  // start-up, off the request threads). nullopt when the server has no data route at all.
  std::optional<nlohmann::json> atlas_data(WebBrowser& member) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (true) {
      const HttpResponse data = member.get(std::string("/atlas/data.json?network=") + kNetwork);
      if (data.status == 200) return nlohmann::json::parse(data.body);
      if (data.status == 404 && !contains(data.header("content-type"), "json")) return std::nullopt;
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "no atlas snapshot within 90 s: " << data.status << " " << data.body;
        return std::nullopt;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<ServerProcess> server_;
};

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

TEST_P(AtlasPagesOverHttp, VisitorsGetASignInPromptAndNoPersonalData) {
  auto member = signed_in(kMemberEmail);
  const auto names = some_member_names(*member);
  ASSERT_FALSE(names.empty());

  WebBrowser visitor(server_->port());
  for (const std::string target : {"/atlas", "/atlas?network=west-brabant-zeeland", "/atlas/tekst"}) {
    const HttpResponse page = visitor.get(target);
    ASSERT_EQ(page.status, 200) << target;
    EXPECT_TRUE(contains(page.body, "href=\"/inloggen?next=")) << target;
    EXPECT_FALSE(contains(page.body, "data-config")) << target;
    EXPECT_FALSE(contains(page.body, "atlas-table")) << target;
    for (const std::string& name : names) EXPECT_FALSE(contains(page.body, name)) << target << " shows " << name;
  }
  // The engine's data route refuses visitors (401); no member's name in any answer.
  const HttpResponse data = visitor.get(std::string("/atlas/data.json?network=") + kNetwork);
  EXPECT_NE(data.status, 200);
  for (const std::string& name : names) EXPECT_FALSE(contains(data.body, name));

  const HttpResponse coordinator = visitor.get("/atlas/coordinator");
  EXPECT_EQ(coordinator.status, 303);
  EXPECT_TRUE(contains(coordinator.header("location"), "/inloggen?next=%2Fatlas%2Fcoordinator"));
}

TEST_P(AtlasPagesOverHttp, AMemberGetsTheMapWithItsBundledScriptUnderTheStrictCsp) {
  auto member = signed_in(kMemberEmail);
  const HttpResponse page = member->get(std::string("/atlas?network=") + kNetwork);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(contains(page.header("content-security-policy"), "script-src 'self'"));
  EXPECT_FALSE(contains(page.header("content-security-policy"), "unsafe-inline"));
  // The data travels in an attribute, escaped like any text; no inline script at all.
  EXPECT_FALSE(std::regex_search(page.body, std::regex("<script(?![^>]*\\bsrc=)[^>]*>")));
  const std::string config = first_match(page.body, "data-config=\"([^\"]+)\"");
  ASSERT_FALSE(config.empty());
  EXPECT_TRUE(contains(config, "&quot;dataUrl&quot;:&quot;/atlas/data.json?network=west-brabant-zeeland&quot;"));
  EXPECT_TRUE(contains(config, "&quot;strings&quot;:{"));
  EXPECT_TRUE(contains(page.body, "href=\"/atlas/tekst?network=west-brabant-zeeland\""));
  EXPECT_FALSE(contains(page.body, "href=\"/atlas/coordinator")) << "members are no coordinators";

  const std::string script = first_match(page.body, "<script src=\"(/assets/atlas\\.[0-9a-f]+\\.js)\" defer>");
  ASSERT_FALSE(script.empty()) << "the fingerprinted bundle";
  const HttpResponse bundle = member->get(script);
  ASSERT_EQ(bundle.status, 200);
  EXPECT_TRUE(contains(bundle.header("content-type"), "text/javascript"));
  EXPECT_TRUE(contains(bundle.header("cache-control"), "immutable"));
  EXPECT_GT(bundle.body.size(), 50'000u) << "sigma and graphology are in it";
  EXPECT_FALSE(contains(bundle.body, "import ")) << "one self-contained script, nothing fetched elsewhere";
  const std::string stylesheet = first_match(page.body, "<link rel=\"stylesheet\" href=\"(/assets/atlas\\.[0-9a-f]+\\.css)\">");
  ASSERT_FALSE(stylesheet.empty());
  EXPECT_EQ(member->get(stylesheet).status, 200);
}

TEST_P(AtlasPagesOverHttp, TheTextAlternativeNeedsNoScriptAndLinksBackToTheMap) {
  auto member = signed_in(kMemberEmail);
  const HttpResponse page = member->get(std::string("/atlas/tekst?network=") + kNetwork);
  ASSERT_EQ(page.status, 200);
  EXPECT_FALSE(contains(page.body, "<script"));
  EXPECT_TRUE(contains(page.body, "href=\"/atlas?network=west-brabant-zeeland\""));
  EXPECT_TRUE(contains(page.body, "atlas-notice") || contains(page.body, "id=\"verbinding\""));
  // A name longer than the form allows: 422 with the error next to the field (once there is a snapshot).
  const HttpResponse long_name = member->get("/atlas/tekst?network=west-brabant-zeeland&naar=" + std::string(300, 'a'));
  EXPECT_TRUE(long_name.status == 422 || (long_name.status == 200 && contains(long_name.body, "atlas-notice")))
      << long_name.status;
  // Markup in the query is escaped, never echoed raw.
  const HttpResponse markup = member->get("/atlas/tekst?network=west-brabant-zeeland&naar=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  EXPECT_FALSE(contains(markup.body, "<script>alert(1)</script>"));
}

TEST_P(AtlasPagesOverHttp, UnknownNetworksAre404) {
  auto member = signed_in(kMemberEmail);
  EXPECT_EQ(member->get("/atlas?network=bestaat-niet").status, 404);
  EXPECT_EQ(member->get("/atlas/tekst?network=bestaat-niet").status, 404);
}

TEST_P(AtlasPagesOverHttp, TheCoordinatorsViewIsForbiddenToMembers) {
  auto member = signed_in(kMemberEmail);
  EXPECT_EQ(member->get("/atlas/coordinator").status, 403);
  EXPECT_EQ(member->get(std::string("/atlas/coordinator?network=") + kNetwork).status, 403);
  const HttpResponse post =
      member->post("/atlas/coordinator/clusters", {{"network", kNetwork}, {"cluster", "1"}, {"name", "Juristen"}});
  EXPECT_EQ(post.status, 403);
}

TEST_P(AtlasPagesOverHttp, CoordinatorsSeeTheirViewAndTheMapLinksToIt) {
  auto coordinator = signed_in(kCoordinatorEmail);
  const HttpResponse page = coordinator->get(std::string("/atlas/coordinator?network=") + kNetwork);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(contains(page.body, "id=\"figures-title\""));
  EXPECT_TRUE(contains(page.body, "id=\"exports-title\""));
  EXPECT_FALSE(contains(page.body, "style=")) << "the CSP forbids style attributes";
  const HttpResponse map = coordinator->get(std::string("/atlas?network=") + kNetwork);
  EXPECT_TRUE(contains(map.body, "href=\"/atlas/coordinator?network=west-brabant-zeeland\""));
}

TEST_P(AtlasPagesOverHttp, NamingAClusterNeedsTheCsrfTokenAndAKnownCluster) {
  auto coordinator = signed_in(kCoordinatorEmail);
  const HttpResponse forged = coordinator->post("/atlas/coordinator/clusters",
                                                {{"network", kNetwork}, {"cluster", "1"}, {"name", "Juristen"}}, false);
  EXPECT_EQ(forged.status, 403);
  const HttpResponse wrong_token = coordinator->post(
      "/atlas/coordinator/clusters", {{"network", kNetwork}, {"cluster", "1"}, {"name", "Juristen"}, {"csrf", "x"}}, false);
  EXPECT_EQ(wrong_token.status, 403);
  // A cluster that does not exist is never named: 422 with the error at the field (or 404 while the
  // engine offers no naming at all).
  const HttpResponse unknown = coordinator->post("/atlas/coordinator/clusters",
                                                 {{"network", kNetwork}, {"cluster", "987654"}, {"name", "Juristen"}});
  EXPECT_TRUE(unknown.status == 422 || unknown.status == 404) << unknown.status;
  EXPECT_NE(unknown.status, 303);
}

std::string html_escaped(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else if (c == '\'') out += "&#39;";
    else out += c;
  }
  return out;
}

TEST_P(AtlasPagesOverHttp, WithASnapshotTheTextVersionShowsClustersBrokersConnectionsAndChains) {
  auto member = signed_in(kMemberEmail);
  const auto data = atlas_data(*member);
  if (!data) {
    GTEST_SKIP() << "this build serves no /atlas/data.json (the engine is not wired)";
  }
  ASSERT_FALSE((*data)["nodes"].empty());
  const std::string me = first_match(member->get("/profiel").body, "href=\"/leden/([0-9]+)\"");

  const HttpResponse page = member->get(std::string("/atlas/tekst?network=") + kNetwork);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "id=\"clusters-title\""));
  for (const auto& cluster : (*data)["clusters"]) {
    if (!cluster["name"].get<std::string>().empty()) {
      EXPECT_TRUE(contains(page.body, html_escaped(cluster["name"])));
    }
  }
  for (const auto& broker : (*data)["brokers"]) {
    for (const auto& node : (*data)["nodes"]) {
      if (node["id"] == broker) {
        EXPECT_TRUE(contains(page.body, html_escaped(node["name"]))) << node["name"];
      }
    }
  }

  // How am I connected to someone I have a declared tie with: one step.
  std::string neighbour;
  for (const auto& edge : (*data)["edges"]) {
    const std::string kind = edge["kind"];
    if (kind != "knows" && kind != "worked_together" && kind != "referred" && kind != "backup") continue;
    const std::string source = std::to_string(edge["source"].get<std::int64_t>());
    const std::string target = std::to_string(edge["target"].get<std::int64_t>());
    if (source == me || target == me) {
      neighbour = source == me ? target : source;
      break;
    }
  }
  if (!neighbour.empty()) {
    const HttpResponse chain = member->get("/atlas/tekst?network=west-brabant-zeeland&naar_id=" + neighbour);
    ASSERT_EQ(chain.status, 200);
    EXPECT_TRUE(contains(chain.body, "class=\"atlas-chain\""));
    EXPECT_TRUE(contains(chain.body, "href=\"/leden/" + neighbour + "\""));
  }
  const HttpResponse nobody = member->get("/atlas/tekst?network=west-brabant-zeeland&naar=zzzz-niemand-zzzz");
  EXPECT_EQ(nobody.status, 200);
  EXPECT_FALSE(contains(nobody.body, "class=\"atlas-chain\""));
  const HttpResponse too_long = member->get("/atlas/tekst?network=west-brabant-zeeland&naar=" + std::string(201, 'a'));
  EXPECT_EQ(too_long.status, 422);
  EXPECT_TRUE(contains(too_long.body, "aria-invalid=\"true\""));
}

TEST_P(AtlasPagesOverHttp, WithASnapshotCoordinatorsSeeChartsAndNameClusters) {
  auto coordinator = signed_in(kCoordinatorEmail);
  const auto data = atlas_data(*coordinator);
  if (!data) {
    GTEST_SKIP() << "this build serves no /atlas/data.json (the engine is not wired)";
  }
  const HttpResponse page = coordinator->get(std::string("/atlas/coordinator?network=") + kNetwork);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "<svg class=\"atlas-chart\""));
  EXPECT_TRUE(contains(page.body, "href=\"/atlas/export.gexf?network=west-brabant-zeeland\""));
  EXPECT_FALSE(contains(page.body, "style="));
  ASSERT_FALSE((*data)["clusters"].empty());
  const std::string cluster = std::to_string((*data)["clusters"][0]["id"].get<std::int64_t>());

  const HttpResponse too_long = coordinator->post("/atlas/coordinator/clusters",
                                                  {{"network", kNetwork}, {"cluster", cluster}, {"name", std::string(81, 'x')}});
  EXPECT_EQ(too_long.status, 422);
  EXPECT_TRUE(contains(too_long.body, "id=\"name-error\""));
  const HttpResponse named = coordinator->post("/atlas/coordinator/clusters",
                                               {{"network", kNetwork}, {"cluster", cluster}, {"name", "Zeeuwse <juristen>"}});
  ASSERT_EQ(named.status, 303);
  const HttpResponse after = coordinator->get(std::string("/atlas/tekst?network=") + kNetwork);
  EXPECT_TRUE(contains(after.body, "Zeeuwse &lt;juristen&gt;"));
  EXPECT_FALSE(contains(after.body, "Zeeuwse <juristen>"));
  EXPECT_FALSE(contains(after.body, std::string(81, 'x')));
}

INSTANTIATE_TEST_SUITE_P(Backends, AtlasPagesOverHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);

}  // namespace
