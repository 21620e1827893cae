// The atlas pages' computations over the atlas JSON, on small graphs whose answers are known by hand.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "atlas/page_model.h"

namespace {

// 1 - 2 - 3 - 4 and 1 - 5 - 4 (two shortest chains from 1 to 4), 6 alone, 7 - 8 apart.
nlohmann::json small_network() {
  nlohmann::json json = {
      {"network", {{"id", 1}, {"slug", "kkp"}}},
      {"snapshot", {{"id", 3}, {"computed_at", 1700000000}}},
      {"nodes", nlohmann::json::array()},
      {"edges", nlohmann::json::array()},
      {"clusters", {{{"id", 1}, {"name", ""}, {"size", 5}, {"disciplines", {{"ict", 2}, {"legal", 4}}}},
                    {{"id", 2}, {"name", "Zeeuwse juristen"}, {"size", 9}, {"disciplines", {{"legal", 9}}}}}},
      {"brokers", {2, 99}},
      {"isolated", {6}},
  };
  const std::vector<std::tuple<int, std::string, std::string, std::string>> members = {
      {1, "Anouk de Vries", "ict", "Zeeland"},    {2, "Bram Jansen", "ict", "Zeeland"},
      {3, "Carlijn Bakker", "legal", "Zeeland"},  {4, "Daan Visser", "legal", "West-Brabant"},
      {5, "Eva Smit", "finance", "Zeeland"},      {6, "Floor Meijer", "ict", "Zeeland"},
      {7, "Gijs de Boer", "legal", "Zeeland"},    {8, "Hanna Mulder", "legal", "Zeeland"}};
  for (const auto& [id, name, discipline, region] : members) {
    json["nodes"].push_back({{"id", id}, {"name", name}, {"profile", "/leden/" + std::to_string(id)}, {"x", 0}, {"y", 0},
                             {"cluster", id <= 5 ? 1 : 2}, {"pagerank", id / 100.0}, {"disciplines", {discipline}},
                             {"town", "Goes"}, {"region", region}, {"since", 1600000000 + id}});
  }
  for (const auto& [a, b, kind] : std::vector<std::tuple<int, int, std::string>>{
           {1, 2, "knows"}, {2, 3, "knows"}, {3, 4, "worked_together"}, {1, 5, "knows"}, {4, 5, "referred"},
           {1, 2, "shared_group"}, {7, 8, "knows"}, {7, 99, "knows"}}) {
    json["edges"].push_back({{"source", a}, {"target", b}, {"kind", kind}, {"weight", 1}, {"since", 1650000000 + a}});
  }
  return json;
}

TEST(AtlasPagesModel, ParsesTheFormatAndDropsTiesAndBrokersOfUnknownMembers) {
  auto view = atlas::parse_atlas(small_network());
  ASSERT_TRUE(view);
  EXPECT_EQ(view->network_slug, "kkp");
  EXPECT_EQ(view->computed_at, 1700000000);
  EXPECT_EQ(view->members.size(), 8u);
  EXPECT_EQ(view->ties.size(), 7u);  // 7 - 99 names nobody in the view
  EXPECT_EQ(view->brokers, std::vector<std::int64_t>{2});
  ASSERT_EQ(view->clusters.size(), 2u);
  EXPECT_EQ(view->clusters.front().id, 2) << "largest first";
  EXPECT_EQ(view->clusters.back().disciplines.front().first, "legal") << "largest share first";
  EXPECT_EQ(view->cluster_label(2, "Cluster"), "Zeeuwse juristen");
  EXPECT_EQ(view->cluster_label(1, "Cluster"), "Cluster 1");
}

TEST(AtlasPagesModel, RefusesJsonWithoutTheFieldsTheFormatPromises) {
  EXPECT_FALSE(atlas::parse_atlas(nlohmann::json::parse(R"({"nodes": []})")));
  EXPECT_FALSE(atlas::parse_atlas(nlohmann::json::parse(R"({"nodes": [{"name": "x"}], "edges": []})")));
  EXPECT_FALSE(atlas::parse_atlas(nlohmann::json::parse(R"([1, 2])")));
}

TEST(AtlasPagesModel, FindsEveryShortestChainUpToTheLimit) {
  auto view = atlas::parse_atlas(small_network());
  const auto chains = atlas::shortest_chains(*view, 1, 4, 5);
  ASSERT_EQ(chains.size(), 1u) << "1-5-4 (two steps) is shorter than 1-2-3-4";
  EXPECT_EQ(chains[0], (std::vector<std::int64_t>{1, 5, 4}));
  const auto to_three = atlas::shortest_chains(*view, 5, 2, 5);
  ASSERT_EQ(to_three.size(), 1u);
  EXPECT_EQ(to_three[0], (std::vector<std::int64_t>{5, 1, 2}));
  // 2 -> 4: 2-3-4 and 2-1-5-4? no: 2-3-4 has two steps, the other three.
  EXPECT_EQ(atlas::shortest_chains(*view, 2, 4, 5), (std::vector<std::vector<std::int64_t>>{{2, 3, 4}}));
  // 3 -> 5: 3-4-5 and 3-2-1-5: only the two-step one.
  EXPECT_EQ(atlas::shortest_chains(*view, 3, 5, 5), (std::vector<std::vector<std::int64_t>>{{3, 4, 5}}));
}

TEST(AtlasPagesModel, ListsSeveralChainsOfEqualLength) {
  nlohmann::json json = small_network();
  json["edges"].push_back({{"source", 2}, {"target", 4}, {"kind", "knows"}});
  json["edges"].push_back({{"source", 3}, {"target", 5}, {"kind", "knows"}});
  auto view = atlas::parse_atlas(json);
  const auto chains = atlas::shortest_chains(*view, 1, 4, 5);
  EXPECT_EQ(chains, (std::vector<std::vector<std::int64_t>>{{1, 2, 4}, {1, 5, 4}}));
  EXPECT_EQ(atlas::shortest_chains(*view, 1, 4, 1).size(), 1u);
}

TEST(AtlasPagesModel, ChainsFollowOnlyDeclaredTies) {
  nlohmann::json json = small_network();
  json["edges"].push_back({{"source", 1}, {"target", 4}, {"kind", "shared_group"}});
  json["edges"].push_back({{"source", 1}, {"target", 6}, {"kind", "met_at_events"}});
  auto view = atlas::parse_atlas(json);
  EXPECT_EQ(atlas::shortest_chains(*view, 1, 4, 5), (std::vector<std::vector<std::int64_t>>{{1, 5, 4}}));
  EXPECT_TRUE(atlas::shortest_chains(*view, 1, 6, 5).empty());
}

TEST(AtlasPagesModel, DisconnectedOrUnknownMembersHaveNoChain) {
  auto view = atlas::parse_atlas(small_network());
  EXPECT_TRUE(atlas::shortest_chains(*view, 1, 6, 3).empty());
  EXPECT_TRUE(atlas::shortest_chains(*view, 1, 7, 3).empty());
  EXPECT_TRUE(atlas::shortest_chains(*view, 1, 99, 3).empty());
  EXPECT_EQ(atlas::shortest_chains(*view, 3, 3, 3), (std::vector<std::vector<std::int64_t>>{{3}}));
}

TEST(AtlasPagesModel, ConnectionsMergeTheKindsOfOnePair) {
  auto view = atlas::parse_atlas(small_network());
  const auto connections = atlas::connections_of(*view, 1);
  ASSERT_EQ(connections.size(), 2u);
  EXPECT_EQ(connections[0].id, 2);  // Bram before Eva
  EXPECT_EQ(connections[0].kinds, (std::vector<std::string>{"knows", "shared_group"}));
  EXPECT_EQ(connections[1].id, 5);
  EXPECT_TRUE(atlas::connections_of(*view, 6).empty());
}

TEST(AtlasPagesModel, FindsMembersByEveryWordOfTheName) {
  auto view = atlas::parse_atlas(small_network());
  EXPECT_EQ(atlas::find_members(*view, "de", 10), (std::vector<std::int64_t>{1, 7, 8}));  // Mulder too
  EXPECT_EQ(atlas::find_members(*view, "vries ANOUK", 10), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(atlas::find_members(*view, "Eva Smit", 10), (std::vector<std::int64_t>{5}));
  EXPECT_TRUE(atlas::find_members(*view, "   ", 10).empty());
  EXPECT_TRUE(atlas::find_members(*view, "niemand", 10).empty());
}

TEST(AtlasPagesModel, SuggestsWellConnectedMembersWhoShareADisciplineToLonelyOnes) {
  auto view = atlas::parse_atlas(small_network());
  const auto introductions = atlas::suggested_introductions(*view, 2);
  // Lonely: 6 (no ties), 7 and 8 (one tie each). Hubs (two ties or more): 1, 2, 3, 4, 5.
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
  for (const auto& introduction : introductions) pairs.emplace_back(introduction.member, introduction.suggested);
  // 6 (ict, Zeeland): 2 (ict, Zeeland, pagerank .02) before 1 (ict, Zeeland, .01).
  ASSERT_GE(pairs.size(), 2u);
  EXPECT_EQ(pairs[0], std::make_pair(std::int64_t{6}, std::int64_t{2}));
  EXPECT_EQ(pairs[1], std::make_pair(std::int64_t{6}, std::int64_t{1}));
  EXPECT_EQ(introductions[0].shared_discipline, "ict");
  EXPECT_TRUE(introductions[0].same_region);
  // 7 (legal, Zeeland): 3 (legal, Zeeland) before 4 (legal, West-Brabant).
  EXPECT_EQ(pairs[2], std::make_pair(std::int64_t{7}, std::int64_t{3}));
  EXPECT_EQ(pairs[3], std::make_pair(std::int64_t{7}, std::int64_t{4}));
  EXPECT_FALSE(introductions[3].same_region);
  for (const auto& introduction : introductions) EXPECT_NE(introduction.member, introduction.suggested);
}

TEST(AtlasPagesModel, ChartsAreSvgWithoutStylesOrScriptsAndEscapeTheirTexts) {
  const std::string svg = atlas::line_chart_svg({{1600000000, 10}, {1650000000, 40}, {1700000000, 25}},
                                                "Leden <script>", "2020-09-13", "2023-11-14");
  EXPECT_TRUE(svg.starts_with("<svg "));
  EXPECT_NE(svg.find("<path d=\"M"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_NE(svg.find("Leden &lt;script&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("style="), std::string::npos) << "the CSP forbids style attributes";
  EXPECT_NE(svg.find(">40<"), std::string::npos) << "the top of the axis is the largest value";
  EXPECT_TRUE(atlas::line_chart_svg({}, "x", "", "").empty());
}

}  // namespace
