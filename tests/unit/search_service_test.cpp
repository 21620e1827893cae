// The search service on both databases: sources are asked only for the groups the viewer may see,
// a hit a source returns for another group is dropped anyway, hits of several sources are merged by
// score and paginated, and a group's own search answers nothing for a group the viewer may not see.
#include <gtest/gtest.h>

#include <algorithm>

#include "auth/service.h"
#include "db/migrations.h"
#include "regions/seed.h"
#include "search/service.h"
#include "support/test_databases.h"

namespace {

constexpr std::int64_t kNow = 1748865600;

class SearchServiceTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    db_->write([&](db::Session& session) {
      regions::seed_demo(session);
      for (const db::Row& row : session.query("SELECT id FROM knowledge_groups ORDER BY id"))
        groups_.push_back(row.int64(0));
      auth::NewAccount account;
      account.name = "Mila Lid";
      account.email = "mila@example.nl";
      account.verified = true;
      account.created_at = kNow;
      member_ = auth::create_account(session, account);
      const std::int64_t network =
          session.query_one("SELECT network_id FROM knowledge_groups WHERE id = ?", {groups_[0]})->int64(0);
      auth::add_membership(session, member_, network, auth::Role::Member, auth::MembershipStatus::Active);
      // The first group is public, the second only for its members (Mila is not one).
      session.execute("UPDATE knowledge_groups SET visibility = 'public' WHERE id = ?", {groups_[0]});
      session.execute("UPDATE knowledge_groups SET visibility = 'group' WHERE id = ?", {groups_[1]});
    });
  }

  std::optional<http::Viewer> mila() const {
    http::Viewer viewer;
    viewer.account_id = member_;
    return viewer;
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::vector<std::int64_t> groups_;
  std::int64_t member_ = 0;
};

// A source with `count` hits in each group it is asked about, scored from `top` down by `step`.
search::Source numbered(std::string kind, int count, double top, double step,
                        std::vector<std::vector<std::int64_t>>* asked = nullptr) {
  return [=](std::string_view, const std::vector<std::int64_t>& group_ids, std::size_t limit) {
    if (asked != nullptr) asked->push_back(group_ids);
    std::vector<search::SourceHit> hits;
    for (std::int64_t group : group_ids) {
      for (int i = 0; i < count && hits.size() < limit; ++i) {
        hits.push_back({kind, i, group, kind + " " + std::to_string(i), "tekst over btw",
                        "/x/" + std::to_string(i), top - step * i});
      }
    }
    return hits;
  };
}

TEST_P(SearchServiceTest, SourcesAreAskedOnlyForGroupsTheViewerMaySee) {
  search::Service service(*db_);
  std::vector<std::vector<std::int64_t>> asked;
  service.add_source(numbered("document", 1, 1.0, 0.1, &asked));
  ASSERT_TRUE(service.search(std::nullopt, "btw", {}, 1));
  ASSERT_EQ(asked.size(), 1U);
  EXPECT_EQ(asked[0], std::vector<std::int64_t>{groups_[0]});  // a visitor: the public group only
  ASSERT_TRUE(service.search(mila(), "btw", {}, 1));
  EXPECT_EQ(std::count(asked[1].begin(), asked[1].end(), groups_[1]), 0);
  EXPECT_EQ(std::count(asked[1].begin(), asked[1].end(), groups_[0]), 1);
  EXPECT_FALSE(service.search(mila(), "btw", {groups_[1]}, 1));  // the group's own search: not found
  EXPECT_TRUE(service.search(mila(), "btw", {groups_[0]}, 1));
}

TEST_P(SearchServiceTest, AHitFromAGroupTheViewerMayNotSeeIsDroppedEvenIfASourceReturnsIt) {
  search::Service service(*db_);
  const std::int64_t hidden = groups_[1];
  service.add_source([hidden](std::string_view, const std::vector<std::int64_t>&, std::size_t) {
    return std::vector<search::SourceHit>{{"page", 1, hidden, "Geheim", "btw geheim", "/geheim", 9.0}};
  });
  const auto results = service.search(mila(), "btw", {}, 1);
  ASSERT_TRUE(results);
  EXPECT_TRUE(results->hits.empty());
}

TEST_P(SearchServiceTest, HitsOfAllSourcesAreMergedByScoreAndPaginated) {
  search::Service service(*db_);
  service.add_source(numbered("document", 30, 10.0, 0.2));
  service.add_source(numbered("topic", 30, 9.9, 0.2));
  const auto first = service.search(std::nullopt, "btw", {}, 1);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->hits.size(), search::kPageSize);
  EXPECT_TRUE(first->has_next);
  EXPECT_EQ(first->hits[0].kind, "document");
  EXPECT_EQ(first->hits[1].kind, "topic");
  for (std::size_t i = 1; i < first->hits.size(); ++i)
    EXPECT_GE(first->hits[i - 1].score, first->hits[i].score);
  EXPECT_FALSE(first->hits[0].group_name.empty());
  EXPECT_TRUE(first->hits[0].group_path.starts_with("/groepen/"));
  EXPECT_EQ(first->hits[0].excerpt_html, "tekst over <mark>btw</mark>");
  const auto third = service.search(std::nullopt, "btw", {}, 3);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->hits.size(), 20U);
  EXPECT_FALSE(third->has_next);  // 60 hits: three pages
  EXPECT_EQ(service.search(std::nullopt, "btw", {}, 99)->page, search::kMaxPages);
}

TEST_P(SearchServiceTest, AQueryWithoutWordsSearchesNothing) {
  search::Service service(*db_);
  int calls = 0;
  service.add_source([&calls](std::string_view, const std::vector<std::int64_t>&, std::size_t) {
    ++calls;
    return std::vector<search::SourceHit>{};
  });
  const auto results = service.search(std::nullopt, "  ?! ", {}, 1);
  ASSERT_TRUE(results);
  EXPECT_FALSE(results->searched);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(service.search(std::nullopt, std::string(500, 'a'), {}, 1)->query.size(),
            search::kMaxQueryLength);
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchServiceTest, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
