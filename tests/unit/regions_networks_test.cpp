// Regional networks on both databases: the migration, the demo seed, the service's rules, and the
// home and network pages as a visitor sees them.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "db/database.h"
#include "db/migrations.h"
#include "http/router.h"
#include "regions/routes.h"
#include "regions/seed.h"
#include "regions/service.h"
#include "regions/store.h"
#include "support/test_databases.h"
#include "support/text.h"
#include "web/site.h"

namespace {

using testing_support::TestDatabase;

const web::Site& site() {
  static const web::Site instance(
      web::AssetUrls{"/assets/app.css", "/assets/logo.svg", "/assets/favicon.svg"},
      web::SiteOptions{"regions test secret", false});
  return instance;
}

using testing_support::contains;

class RegionsOnDatabase : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    service_ = std::make_unique<regions::Service>(*db_);
  }

  void seed() {
    db_->write([](db::Session& session) { regions::seed_demo(session); });
  }

  http::Response visit(const std::string& path, const std::string& cookie = "") {
    if (!router_) {
      router_ = std::make_unique<http::Router>();
      regions::register_routes(*router_, site(), *service_);
    }
    http::Request request;
    request.method = http::Method::Get;
    request.target = path;
    request.path = path;
    request.headers.add("host", "knooppunt.test");
    if (!cookie.empty()) request.headers.add("cookie", cookie);
    auto match = router_->match(request.method, request.path);
    EXPECT_EQ(match.kind, http::Router::Match::Kind::Found) << path;
    for (auto& [name, value] : match.params) request.path_params.emplace(name, value);
    return (*match.handler)(request);
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<regions::Service> service_;
  std::unique_ptr<http::Router> router_;
};

TEST_P(RegionsOnDatabase, EmptyDatabaseHasNoNetworkAndAWelcomeHomePage) {
  EXPECT_FALSE(db_->read([](db::Session& s) { return regions::has_any_network(s); }));
  EXPECT_FALSE(service_->primary_overview().has_value());
  const auto response = visit("/");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(contains(response.body, "Welkom bij Knooppunt"));
}

TEST_P(RegionsOnDatabase, DemoSeedBuildsKkpWithItsEightKnowledgeGroupsInOrder) {
  seed();
  EXPECT_TRUE(db_->read([](db::Session& s) { return regions::has_any_network(s); }));
  const auto overview = service_->primary_overview();
  ASSERT_TRUE(overview.has_value());
  EXPECT_EQ(overview->network.slug, "west-brabant-zeeland");
  EXPECT_EQ(overview->network.name, "Kennisknooppunt West-Brabant & Zeeland");
  EXPECT_EQ(overview->network.short_name, "KKP");
  const std::vector<std::string> expected = {"Financieel advies", "Juridisch advies",        "ICT",
                                             "Techniek",          "Grafisch ontwerp",        "HRM",
                                             "Organisatieadvies", "Marketing & communicatie"};
  ASSERT_EQ(overview->groups.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(overview->groups[i].name, expected[i]);
    EXPECT_FALSE(overview->groups[i].description.empty());
  }
  ASSERT_EQ(overview->other_networks.size(), 1u);
  EXPECT_EQ(overview->other_networks[0].slug, "midden-brabant");
  for (std::string_view fact : {"1.700", "230", "45", "keurmerk", "gedragscode", "rechtsvorm", "Werkgroepen",
                                "De Vijverhoeve in Huijbergen", "Vier zaterdagen", "congres"}) {
    EXPECT_TRUE(contains(overview->network.story, fact)) << fact;
  }
}

TEST_P(RegionsOnDatabase, DemoSeedIsDeterministicAndRefusesToRunTwice) {
  seed();
  const auto first = service_->networks();
  EXPECT_THROW(seed(), db::Error);
  EXPECT_EQ(service_->networks(), first);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].created_at, 1705312800);
  const auto second = service_->overview("midden-brabant");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->network.name, "Kennisknooppunt Midden-Brabant");
  EXPECT_GE(second->groups.size(), 3u);
  EXPECT_EQ(second->other_networks.at(0).slug, "west-brabant-zeeland");
}

TEST_P(RegionsOnDatabase, GroupSlugsAreUniquePerNetworkOnly) {
  seed();
  db_->write([](db::Session& s) {
    const auto midden = regions::store::find_network(s, "midden-brabant");
    regions::KnowledgeGroup group;
    group.network_id = midden->id;
    group.slug = "ict";  // also used in West-Brabant: fine in another network
    group.name = "ICT";
    regions::store::insert_group(s, group);
  });
  EXPECT_THROW(db_->write([](db::Session& s) {
    const auto midden = regions::store::find_network(s, "midden-brabant");
    regions::KnowledgeGroup group;
    group.network_id = midden->id;
    group.slug = "ict";
    group.name = "ICT again";
    regions::store::insert_group(s, group);
  }),
               db::Error);
}

TEST_P(RegionsOnDatabase, UnknownOrMalformedSlugIsNotFound) {
  seed();
  EXPECT_FALSE(service_->overview("atlantis").has_value());
  EXPECT_FALSE(service_->overview("West-Brabant-Zeeland").has_value());
  EXPECT_FALSE(service_->overview("' OR 1=1 --").has_value());
  const auto response = visit("/netwerken/atlantis");
  EXPECT_EQ(response.status, 404);
  EXPECT_TRUE(contains(response.body, "Deze pagina bestaat niet"));
}

TEST_P(RegionsOnDatabase, HomePageShowsTheNetworkStoryGroupsAndOtherNetworksInDutch) {
  seed();
  const auto response = visit("/");
  EXPECT_EQ(response.status, 200);
  const std::string& html = response.body;
  EXPECT_TRUE(contains(html, "<html lang=\"nl\">"));
  EXPECT_TRUE(contains(html, "<h1>Kennisknooppunt West-Brabant &amp; Zeeland</h1>"));
  EXPECT_TRUE(contains(html, "Ons verhaal"));
  EXPECT_TRUE(contains(html, "<h3>Wat er aan komt</h3>"));
  EXPECT_TRUE(contains(html, "De Vijverhoeve in Huijbergen"));
  EXPECT_TRUE(contains(html, "<h3>Marketing &amp; communicatie</h3>"));
  EXPECT_TRUE(contains(html, "<a href=\"/netwerken/midden-brabant\">Kennisknooppunt Midden-Brabant</a>"));
  EXPECT_TRUE(contains(html, "<title>Kennisknooppunt West-Brabant &amp; Zeeland · Knooppunt</title>"));
}

TEST_P(RegionsOnDatabase, HomePageInEnglishKeepsDutchContentButTranslatesTheInterface) {
  seed();
  const auto response = visit("/", "taal=en");
  const std::string& html = response.body;
  EXPECT_TRUE(contains(html, "<html lang=\"en\">"));
  EXPECT_TRUE(contains(html, "Our story"));
  EXPECT_TRUE(contains(html, "The knowledge groups"));
  EXPECT_FALSE(contains(html, "Ons verhaal"));
  EXPECT_TRUE(contains(html, "<h3>Juridisch advies</h3>"));  // content from the seed stays Dutch
}

TEST_P(RegionsOnDatabase, NetworkPageAndListWork) {
  seed();
  const auto network = visit("/netwerken/midden-brabant");
  EXPECT_EQ(network.status, 200);
  EXPECT_TRUE(contains(network.body, "<h1>Kennisknooppunt Midden-Brabant</h1>"));
  EXPECT_TRUE(contains(network.body, "aria-current=\"page\">Netwerken</a>"));
  const auto list = visit("/netwerken", "taal=en");
  EXPECT_EQ(list.status, 200);
  EXPECT_TRUE(contains(list.body, "<h1>Networks</h1>"));
  EXPECT_TRUE(contains(list.body, "href=\"/netwerken/west-brabant-zeeland\""));
}

TEST_P(RegionsOnDatabase, NetworkNameWithMarkupIsEscapedEverywhere) {
  db_->write([](db::Session& s) {
    regions::Network network;
    network.slug = "test";
    network.name = "<script>alert(\"x\")</script> & 'Co'";
    network.tagline = "<b>bold</b>";
    network.story = "<img src=x onerror=alert(1)>";
    network.region = "\"><svg onload=alert(1)>";
    network.created_at = 1;
    regions::store::insert_network(s, network);
  });
  const auto response = visit("/");
  const std::string& html = response.body;
  EXPECT_FALSE(contains(html, "<script>alert")) << html;
  EXPECT_FALSE(contains(html, "<b>bold</b>"));
  EXPECT_FALSE(contains(html, "<img src=x"));
  EXPECT_FALSE(contains(html, "<svg onload"));
  EXPECT_TRUE(contains(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;"));
}

TEST_P(RegionsOnDatabase, ChangedNetworkShowsOnTheNextRequest) {
  seed();
  EXPECT_TRUE(contains(visit("/").body, "Kennisknooppunt West-Brabant &amp; Zeeland"));
  db_->write([](db::Session& s) {
    s.execute("UPDATE networks SET name = ? WHERE slug = ?",
              {std::string("KKP Zuidwest"), std::string("west-brabant-zeeland")});
  });
  const auto after = visit("/");
  EXPECT_TRUE(contains(after.body, "<h1>KKP Zuidwest</h1>"));
  EXPECT_TRUE(contains(after.body, "<title>KKP Zuidwest · Knooppunt</title>"));
  EXPECT_FALSE(contains(after.body, "<h1>Kennisknooppunt West-Brabant &amp; Zeeland</h1>"));
}

TEST(RegionsSlug, OnlyLowerCaseLettersDigitsAndSingleHyphens) {
  for (std::string_view good : {"west-brabant-zeeland", "kkp", "regio-2"}) {
    EXPECT_TRUE(regions::Service::is_valid_slug(good)) << good;
  }
  for (std::string_view bad : {std::string_view(""), std::string_view("-a"), std::string_view("a-"),
                               std::string_view("a--b"), std::string_view("A"), std::string_view("a b"),
                               std::string_view("a/b"), std::string_view("é"), std::string_view("a\0b", 3)}) {
    EXPECT_FALSE(regions::Service::is_valid_slug(bad)) << bad;
  }
  EXPECT_FALSE(regions::Service::is_valid_slug(std::string(65, 'a')));
}

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

INSTANTIATE_TEST_SUITE_P(Regions, RegionsOnDatabase, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);

}  // namespace
