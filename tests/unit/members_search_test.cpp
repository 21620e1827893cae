// Dutch full-text search on both databases (db/search_index.h): stemming, accent folding, prefix
// matching, ranking by field weight, and user input that looks like query syntax.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/migrations.h"
#include "db/search_index.h"
#include "support/test_databases.h"

namespace {

using testing_support::TestDatabase;

TEST(SearchWords, SplitOnAnythingButLettersAndDigitsAndFoldAccents) {
  EXPECT_EQ(db::search_words("Café-eigenaar, Ëlla's ÏJSSELSTEIN 2024!"),
            (std::vector<std::string>{"cafe", "eigenaar", "ella", "s", "ijsselstein", "2024"}));
  EXPECT_EQ(db::search_words("façade—coördinatie…naïef"),
            (std::vector<std::string>{"facade", "coordinatie", "naief"}));
  EXPECT_TRUE(db::search_words("  --- !!! ").empty());
  EXPECT_TRUE(db::search_words("\xff\xfe\x80").empty());  // malformed UTF-8 separates, never crashes
}

TEST(DutchStem, PluralsAndSingularsShareAStem) {
  EXPECT_EQ(db::dutch_stem("verzekeringen"), db::dutch_stem("verzekering"));
  EXPECT_EQ(db::dutch_stem("adviseurs"), db::dutch_stem("adviseur"));
  EXPECT_EQ(db::dutch_stem("boekhouders"), db::dutch_stem("boekhouder"));
  EXPECT_EQ(db::dutch_stem(db::fold_text("café")), db::dutch_stem("cafe"));
}

class SearchIndexOnDatabase : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    index_ = db::SearchIndex::create(GetParam(), "member_search_members");
  }

  void put(std::int64_t id, db::SearchDocument document) {
    db_->write([&](db::Session& session) { index_->put(session, id, document); });
  }

  std::vector<std::int64_t> ids(std::string_view query) {
    const auto hits = db_->read([&](db::Session& session) { return index_->search(session, query, 50); });
    std::vector<std::int64_t> found;
    for (const auto& hit : hits) found.push_back(hit.id);
    return found;
  }

  std::vector<std::int64_t> sorted_ids(std::string_view query) {
    auto found = ids(query);
    std::sort(found.begin(), found.end());
    return found;
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<db::SearchIndex> index_;
};

TEST_P(SearchIndexOnDatabase, PluralFindsSingularAndBack) {
  put(1, {"Anna de Vries", "Adviseur", "", "Specialist in verzekering voor zzp'ers."});
  put(2, {"Bram Janssen", "Grafisch ontwerper", "", "Huisstijlen en drukwerk."});
  EXPECT_EQ(ids("verzekeringen"), std::vector<std::int64_t>{1});
  EXPECT_EQ(ids("verzekering"), std::vector<std::int64_t>{1});
  EXPECT_EQ(ids("huisstijl"), std::vector<std::int64_t>{2});
}

TEST_P(SearchIndexOnDatabase, AccentsAreFoldedBothWays) {
  put(1, {"Zoë Dupré", "", "", "Eigenaar van een café in Goes."});
  put(2, {"Cafe Noir", "", "", "Koffie."});
  EXPECT_EQ(sorted_ids("cafe"), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(sorted_ids("CAFÉ"), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(ids("zoe dupre"), std::vector<std::int64_t>{1});
}

TEST_P(SearchIndexOnDatabase, EveryWordMustMatchAndTheLastAlsoAsPrefix) {
  put(1, {"Anna", "", "Breda", "verzekeringen en pensioenen"});
  put(2, {"Bram", "", "Goes", "verzekeringen"});
  EXPECT_EQ(ids("verzekeringen breda"), std::vector<std::int64_t>{1});
  EXPECT_EQ(sorted_ids("verzek"), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(ids("pensioen"), std::vector<std::int64_t>{1});
}

TEST_P(SearchIndexOnDatabase, StopWordsAloneMatchNothingAndAreIgnoredBesideOthers) {
  put(1, {"Anna", "", "", "Advies voor de bouw en de zorg"});
  EXPECT_FALSE(index_->match("de en van").has_value());
  EXPECT_EQ(ids("de bouw"), std::vector<std::int64_t>{1});
}

TEST_P(SearchIndexOnDatabase, AMatchInTheNameOutranksOneInTheBio) {
  put(1, {"Jansen Advies", "", "", "Boekhouding"});
  put(2,
      {"Piet Smit", "", "", "Ik werk vaak samen met Jansen uit Breda aan grotere opdrachten voor klanten."});
  EXPECT_EQ(ids("jansen"), (std::vector<std::int64_t>{1, 2}));
}

TEST_P(SearchIndexOnDatabase, QuerySyntaxInUserInputIsHarmless) {
  put(1, {"Anna", "", "", "verzekering"});
  for (std::string_view query : std::vector<std::string_view>{
           "\"", "verzekering\"", "*", "verzek*", "OR", "NEAR(verzekering", "a AND",
           "'; DROP TABLE profiles; --", "verzekering' | 'x", "!verzekering", ":*", "&&&", ") OR 1=1 --",
           "^verzekering", "col:verzekering", "\\", "%", "verzekering:*A", std::string_view("\0verz", 5)}) {
    EXPECT_NO_THROW(ids(query)) << query;
  }
  EXPECT_EQ(ids("verzekering\""), std::vector<std::int64_t>{1});
  EXPECT_EQ(ids("!verzekering"), std::vector<std::int64_t>{1});
  EXPECT_EQ(ids("a: verzekering"), std::vector<std::int64_t>{});  // "a" is a word, not a column
}

TEST_P(SearchIndexOnDatabase, PutReplacesAndRemoveForgets) {
  put(1, {"Anna", "", "", "verzekering"});
  put(1, {"Anna", "", "", "pensioen"});
  EXPECT_TRUE(ids("verzekering").empty());
  EXPECT_EQ(ids("pensioen"), std::vector<std::int64_t>{1});
  db_->write([&](db::Session& session) { index_->remove(session, 1); });
  EXPECT_TRUE(ids("pensioen").empty());
}

TEST_P(SearchIndexOnDatabase, BackendOfASessionIsKnown) {
  db_->read([&](db::Session& session) { EXPECT_EQ(db::backend_of(session), GetParam()); });
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchIndexOnDatabase,
                         ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
