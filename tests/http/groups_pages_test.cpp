// Knowledge groups over HTTP against the real binary with the demo network, on both databases: what
// visitors, members and outsiders of a group-only group see (200/403/404), joining and leaving with
// CSRF, asking to join with a scripted note a host then reads escaped and accepts, a coordinator's
// new-group form (422 with inline errors and nothing written, escaping, forged CSRF), and
// GET /api/v1/groups.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "db/database.h"
#include "support/web_browser.h"
#include "support/server_process.h"
#include "support/test_databases.h"
#include "support/text.h"

using testing_support::WebBrowser;
using testing_support::HttpResponse;
using testing_support::ServerProcess;

namespace {

constexpr const char* kPassword = "knooppunt-demo";
constexpr const char* kMemberEmail = "lid@kkp-demo.nl";
constexpr const char* kCoordinatorEmail = "coordinator@kkp-demo.nl";
const std::string kNetwork = "/groepen/west-brabant-zeeland";

using testing_support::contains;

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

class GroupsOverHttp : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    server_ = std::make_unique<ServerProcess>(
        ServerProcess::Options{database_->url(), true, {"--no-access-log", "--page-cache-seconds", "0"}});
    db_ = database_->open();
  }
  void TearDown() override {
    server_.reset();
    db_.reset();
    database_.reset();
  }

  std::unique_ptr<WebBrowser> signed_in(const std::string& email) {
    auto browser = std::make_unique<WebBrowser>(server_->port());
    EXPECT_TRUE(browser->sign_in(email, kPassword)) << email;
    return browser;
  }

  std::int64_t account(const std::string& email) {
    return db_->read([&](db::Session& s) {
      return s.query_one("SELECT id FROM accounts WHERE email = ?", {email})->int64(0);
    });
  }
  std::int64_t group(const std::string& slug) {
    return db_->read([&](db::Session& s) {
      return s.query_one("SELECT id FROM knowledge_groups WHERE network_id = 1 AND slug = ?", {slug})->int64(0);
    });
  }
  std::string state(std::int64_t group_id, std::int64_t account_id) {
    return db_->read([&](db::Session& s) {
      const auto row = s.query_one("SELECT state FROM group_members WHERE group_id = ? AND account_id = ?",
                                   {group_id, account_id});
      return row ? row->text(0) : std::string("none");
    });
  }
  void forget(std::int64_t group_id, std::int64_t account_id) {
    db_->write([&](db::Session& s) {
      s.execute("DELETE FROM group_members WHERE group_id = ? AND account_id = ?", {group_id, account_id});
    });
  }
  // The e-mail of one of the group's hosts (the demo gives every group two).
  std::string host_email(std::int64_t group_id) {
    return db_->read([&](db::Session& s) {
      return s
          .query_one("SELECT a.email FROM group_members gm JOIN accounts a ON a.id = gm.account_id "
                     "WHERE gm.group_id = ? AND gm.role = 'host' AND gm.state = 'active' ORDER BY a.id",
                     {group_id})
          ->text(0);
    });
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<db::Database> db_;
};

TEST_P(GroupsOverHttp, VisitorsSeePublicGroupsOnlyAndUnknownSlugsAre404) {
  WebBrowser visitor(server_->port());
  const auto root = visitor.get("/groepen");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.header("location"), kNetwork);

  const auto list = visitor.get(kNetwork);
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(contains(list.body, "href=\"" + kNetwork + "/ict\""));
  EXPECT_TRUE(contains(list.body, "href=\"" + kNetwork + "/marketing-communicatie\""));
  EXPECT_FALSE(contains(list.body, "href=\"" + kNetwork + "/techniek\""));
  EXPECT_FALSE(contains(list.body, "href=\"" + kNetwork + "/hrm\""));

  const auto ict = visitor.get(kNetwork + "/ict");
  ASSERT_EQ(ict.status, 200);
  EXPECT_TRUE(contains(ict.body, "class=\"group-header\""));
  EXPECT_TRUE(contains(ict.body, "Log in om mee te doen"));
  EXPECT_TRUE(contains(ict.body, "href=\"" + kNetwork + "/ict/discussies\""));
  EXPECT_EQ(visitor.get(kNetwork + "/ict/leden").status, 200);

  for (const std::string& path : {kNetwork + "/techniek", kNetwork + "/hrm", kNetwork + "/hrm/leden",
                                 kNetwork + "/bestaat-niet", std::string("/groepen/bestaat-niet"),
                                 std::string("/groepen/midden-brabant/ict"), kNetwork + "/%3Cscript%3E"}) {
    EXPECT_EQ(visitor.get(path).status, 404) << path;
  }
  // Joining needs a session: a visitor's form is sent to sign in, nothing is written.
  const auto join = visitor.post(kNetwork + "/ict/lid-worden", {});
  EXPECT_EQ(join.status, 303);
  EXPECT_TRUE(contains(join.header("location"), "/inloggen"));

  const auto api = visitor.get("/api/v1/groups");
  ASSERT_EQ(api.status, 200);
  const auto body = nlohmann::json::parse(api.body);
  std::set<std::string> slugs;
  for (const auto& item : body["groups"]) {
    slugs.insert(item["slug"].get<std::string>());
    EXPECT_EQ(item["visibility"], "public");
    EXPECT_FALSE(item["member"].get<bool>());
  }
  EXPECT_EQ(slugs, (std::set<std::string>{"ict", "marketing-communicatie", "digitaal"}));
}

TEST_P(GroupsOverHttp, TheNetworkPageNamesItsActiveGroupsToEveryoneAndLeavesArchivedOnesOut) {
  const auto card = [&](const std::string& slug) {
    return db_->read([&](db::Session& s) {
      return "<h3>" + s.query_one("SELECT name FROM knowledge_groups WHERE network_id = 1 AND slug = ?", {slug})->text(0) +
             "</h3>";
    });
  };
  db_->write([&](db::Session& s) {
    s.execute("UPDATE knowledge_groups SET archived_at = 1 WHERE network_id = 1 AND slug = 'organisatieadvies'");
  });
  ASSERT_FALSE(card("organisatieadvies").empty());
  WebBrowser visitor(server_->port());
  for (const std::string& path : std::vector<std::string>{"/", "/netwerken/west-brabant-zeeland"}) {
    const auto page = visitor.get(path);
    ASSERT_EQ(page.status, 200) << path;
    EXPECT_TRUE(contains(page.body, card("ict"))) << path;
    EXPECT_TRUE(contains(page.body, card("techniek"))) << path;   // members of the network: content, not name
    EXPECT_TRUE(contains(page.body, card("hrm"))) << path;        // the group's own members: content, not name
    EXPECT_FALSE(contains(page.body, card("organisatieadvies"))) << path;  // archived
  }
  // A member of the network may know every active group of it (as on the groups page).
  const auto member = signed_in("lid@kkp-demo.nl");
  const auto page = member->get("/");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, card("techniek")));
  EXPECT_TRUE(contains(page.body, card("hrm")));
  EXPECT_TRUE(contains(page.body, card("grafisch-ontwerp")));
  EXPECT_FALSE(contains(page.body, card("organisatieadvies")));
}

TEST_P(GroupsOverHttp, APublicGroupAnnouncesItsAtomFeedInThePagesHead) {
  const std::string link = "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"ICT\" href=\"" + kNetwork +
                           "/ict/feed.atom\">";
  WebBrowser visitor(server_->port());
  for (const std::string& path : std::vector<std::string>{kNetwork + "/ict", kNetwork + "/ict/discussies"}) {
    const auto page = visitor.get(path);
    ASSERT_EQ(page.status, 200) << path;
    const auto at = page.body.find(link);
    ASSERT_NE(at, std::string::npos) << path;
    EXPECT_LT(at, page.body.find("</head>")) << path;
  }
  // A group for members of the network has no feed, so its pages announce none.
  const auto member = signed_in("lid@kkp-demo.nl");
  const auto techniek = member->get(kNetwork + "/techniek");
  ASSERT_EQ(techniek.status, 200);
  EXPECT_FALSE(contains(techniek.body, "application/atom+xml"));
  EXPECT_EQ(visitor.get(kNetwork + "/techniek/feed.atom").status, 404);
}

TEST_P(GroupsOverHttp, AMemberJoinsAndLeavesAnOpenGroupWithCsrfOnEveryForm) {
  const std::int64_t lid = account(kMemberEmail);
  const std::int64_t grafisch = group("grafisch-ontwerp");
  forget(grafisch, lid);
  auto browser = signed_in(kMemberEmail);
  const std::string url = kNetwork + "/grafisch-ontwerp";

  const auto page = browser->get(url);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "action=\"" + url + "/lid-worden\""));
  EXPECT_TRUE(contains(page.body, "Grafisch ontwerp"));

  EXPECT_EQ(browser->post(url + "/lid-worden", {}, false).status, 403);
  EXPECT_EQ(browser->post(url + "/lid-worden", {{"csrf", "vervalst"}}, false).status, 403);
  EXPECT_EQ(state(grafisch, lid), "none");

  const auto joined = browser->post(url + "/lid-worden", {});
  ASSERT_EQ(joined.status, 303);
  EXPECT_EQ(joined.header("location"), url);
  EXPECT_EQ(state(grafisch, lid), "active");
  const auto after = browser->get(url);
  EXPECT_TRUE(contains(after.body, "U bent lid van deze groep."));
  EXPECT_TRUE(contains(after.body, "Welkom! U bent nu lid van de groep."));  // the flash
  const auto members = browser->get(url + "/leden");
  ASSERT_EQ(members.status, 200);
  EXPECT_TRUE(contains(members.body, "href=\"/leden/" + std::to_string(lid) + "\""));
  EXPECT_TRUE(contains(members.body, "aria-current=\"page\">Leden</a>"));
  EXPECT_EQ(browser->post(url + "/lid-worden", {}).status, 409);
  // The directory filters on the group now.
  const auto directory = browser->get("/leden?vakgebied=financieel&groep=" + std::to_string(grafisch));
  ASSERT_EQ(directory.status, 200);
  // Once in the user menu, once as a result.
  EXPECT_EQ(occurrences(directory.body, "href=\"/leden/" + std::to_string(lid) + "\""), 2u);

  const auto api = browser->get("/api/v1/groups");
  ASSERT_EQ(api.status, 200);
  bool listed_as_member = false;
  const auto listed = nlohmann::json::parse(api.body);
  for (const auto& item : listed["groups"]) {
    if (item["slug"] == "grafisch-ontwerp") listed_as_member = item["member"].get<bool>();
  }
  EXPECT_TRUE(listed_as_member);

  ASSERT_EQ(browser->post(url + "/verlaten", {}).status, 303);
  EXPECT_EQ(state(grafisch, lid), "none");
}

TEST_P(GroupsOverHttp, AGroupOnlyGroupKeepsItsContentFromOutsidersAndAHostAcceptsAnEscapedRequest) {
  const std::int64_t lid = account(kMemberEmail);
  const std::int64_t hrm = group("hrm");
  forget(hrm, lid);
  auto browser = signed_in(kMemberEmail);
  const std::string url = kNetwork + "/hrm";

  const auto home = browser->get(url);
  ASSERT_EQ(home.status, 200);
  EXPECT_FALSE(contains(home.body, "href=\"" + url + "/discussies\""));
  EXPECT_TRUE(contains(home.body, "href=\"" + url + "/aanvragen\""));
  EXPECT_EQ(browser->get(url + "/leden").status, 403);
  EXPECT_EQ(browser->post(url + "/lid-worden", {}).status, 403);
  EXPECT_EQ(state(hrm, lid), "none");

  // Too long a note: 422 with the message next to the field, nothing written.
  const auto too_long = browser->post(url + "/aanvragen", {{"boodschap", std::string(1001, 'x')}});
  EXPECT_EQ(too_long.status, 422);
  EXPECT_TRUE(contains(too_long.body, "id=\"boodschap-error\""));
  EXPECT_EQ(state(hrm, lid), "none");

  const auto asked = browser->post(url + "/aanvragen", {{"boodschap", "<script>alert('hr')</script> graag"}});
  ASSERT_EQ(asked.status, 303);
  EXPECT_EQ(state(hrm, lid), "requested");

  // Who is in a group-only group stays out of the directory's group filter.
  const auto directory = browser->get("/leden?groep=" + std::to_string(hrm));
  ASSERT_EQ(directory.status, 200);
  EXPECT_TRUE(contains(directory.body, "Geen leden gevonden."));

  auto host = signed_in(host_email(hrm));
  const auto list = host->get(url + "/leden");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(contains(list.body, "&lt;script&gt;alert(&apos;hr&apos;)&lt;/script&gt; graag"));
  EXPECT_FALSE(contains(list.body, "<script>alert("));
  // Forged CSRF and unknown actions change nothing.
  EXPECT_EQ(host->post(url + "/leden", {{"actie", "toelaten"}, {"lid", std::to_string(lid)}, {"csrf", "x"}}, false)
                .status,
            403);
  EXPECT_EQ(host->post(url + "/leden", {{"actie", "opblazen"}, {"lid", std::to_string(lid)}}).status, 422);
  EXPECT_EQ(state(hrm, lid), "requested");
  // A plain member may not decide.
  EXPECT_EQ(browser->post(url + "/leden", {{"actie", "toelaten"}, {"lid", std::to_string(lid)}}).status, 403);

  const auto accepted = host->post(url + "/leden", {{"actie", "toelaten"}, {"lid", std::to_string(lid)}});
  ASSERT_EQ(accepted.status, 303);
  EXPECT_EQ(state(hrm, lid), "active");
  EXPECT_EQ(browser->get(url + "/leden").status, 200);
}

TEST_P(GroupsOverHttp, ACoordinatorAddsAGroupAndBadInputIsRefusedWithNothingWritten) {
  auto member = signed_in(kMemberEmail);
  EXPECT_EQ(member->get(kNetwork + "/nieuw").status, 403);
  EXPECT_EQ(member->post(kNetwork + "/nieuw", {{"naam", "Stiekem"}}).status, 403);

  auto coordinator = signed_in(kCoordinatorEmail);
  ASSERT_EQ(coordinator->get(kNetwork + "/nieuw").status, 200);
  auto count = [&] {
    return db_->read([](db::Session& s) { return s.query_one("SELECT COUNT(*) FROM knowledge_groups")->int64(0); });
  };
  const std::int64_t before = count();

  const auto empty = coordinator->post(kNetwork + "/nieuw", {{"naam", ""}, {"toetreden", "open"}});
  EXPECT_EQ(empty.status, 422);
  EXPECT_TRUE(contains(empty.body, "Vul een naam in."));
  EXPECT_TRUE(contains(empty.body, "aria-describedby=\"naam-error\""));
  const auto policy = coordinator->post(kNetwork + "/nieuw", {{"naam", "Goed"}, {"toetreden", "iedereen"}});
  EXPECT_EQ(policy.status, 422);
  EXPECT_TRUE(contains(policy.body, "Kies hoe iemand lid wordt."));
  EXPECT_EQ(coordinator->post(kNetwork + "/nieuw", {{"naam", "ICT"}, {"adres", "ict"}}).status, 422);
  EXPECT_EQ(coordinator->post(kNetwork + "/nieuw", {{"naam", std::string(81, 'n')}}).status, 422);
  EXPECT_EQ(coordinator->post(kNetwork + "/nieuw", {{"naam", "Vervalst"}, {"csrf", "nep"}}, false).status, 403);
  EXPECT_EQ(count(), before);

  const auto created = coordinator->post(kNetwork + "/nieuw", {{"naam", "<script>alert(1)</script> Zorg"},
                                                               {"adres", "zorg"},
                                                               {"beschrijving", "<b>vet</b> en **sterk**"},
                                                               {"toetreden", "request"},
                                                               {"zichtbaarheid", "public"}});
  ASSERT_EQ(created.status, 303);
  EXPECT_EQ(created.header("location"), kNetwork + "/zorg");
  EXPECT_EQ(count(), before + 1);
  const auto page = coordinator->get(kNetwork + "/zorg");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "&lt;script&gt;alert(1)&lt;/script&gt; Zorg"));
  EXPECT_FALSE(contains(page.body, "<script>alert(1)"));
  EXPECT_FALSE(contains(page.body, "<b>vet</b>"));
  EXPECT_TRUE(contains(page.body, "<strong>sterk</strong>"));
  EXPECT_EQ(WebBrowser(server_->port()).get(kNetwork + "/zorg").status, 200);  // public

  // The settings form: archiving makes the group read-only and lists it apart.
  const auto settings = coordinator->get(kNetwork + "/zorg/instellingen");
  ASSERT_EQ(settings.status, 200);
  EXPECT_EQ(member->get(kNetwork + "/zorg/instellingen").status, 403);
  ASSERT_EQ(coordinator->post(kNetwork + "/zorg/archiveren", {{"archiveren", "1"}}).status, 303);
  const auto list = member->get(kNetwork);
  EXPECT_TRUE(contains(list.body, "Gearchiveerde groepen"));
  EXPECT_EQ(member->post(kNetwork + "/zorg/aanvragen", {{"boodschap", "mag ik?"}}).status, 409);
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupsOverHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
