// The demo discussions on both databases: the same counts and the same rows on every run, a year of
// topics in each of the eight groups, answers that belong to their questions, mentions that link to
// members, quotes that point at the quoted post, and search that finds the demo's subjects.
#include <gtest/gtest.h>

#include <chrono>

#include "auth/seed.h"
#include "db/migrations.h"
#include "discussions/seed.h"
#include "discussions/service.h"
#include "groups/seed.h"
#include "members/seed.h"
#include "regions/seed.h"
#include "support/test_databases.h"

namespace {

// Saturday 29 November 2025, 10:00 UTC: "now" for the seed in these tests.
constexpr std::int64_t kNow = 1764410400;

// What resources/demo/discussions.json holds: 51 written threads and 54 short questions (one per item
// of the groups' lists), one pinned welcome topic per group. Changing the texts changes these.
constexpr std::int64_t kTopics = 105;
constexpr std::int64_t kPinned = 8;
constexpr std::int64_t kPosts = 395;  // opening posts included

class DiscussionsSeedTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  std::unique_ptr<db::Database> seeded_database(testing_support::TestDatabase& holder) {
    auto database = holder.open();
    db::migrate(*database);
    database->write([](db::Session& session) {
      regions::seed_demo(session);
      auth::seed_demo(session);
      members::seed_demo(session);
    });
    groups::seed_demo(*database, kNow);  // as the demo does: the groups' members write the discussions
    return database;
  }

  static std::int64_t number(db::Database& database, std::string_view sql) {
    return database.read([&](db::Session& session) { return session.query_one(sql)->int64(0); });
  }

  // Every topic and post as text, in id order: two equal digests are two identical seeds.
  static std::string digest(db::Database& database) {
    return database.read([](db::Session& session) {
      std::string out;
      for (const db::Row& row : session.query(
               "SELECT t.id, t.group_id, t.author_id, t.title, t.kind, t.pinned, t.closed_at, t.accepted_reply_id, "
               "t.reply_count, t.last_posted_at, t.created_at FROM topics t ORDER BY t.id")) {
        for (std::size_t i = 0; i < row.size(); ++i) out += row.text(i) + "|";
        out += "\n";
      }
      for (const db::Row& row : session.query(
               "SELECT id, topic_id, post_number, author_id, body_markdown, quote_of, useful_count, created_at "
               "FROM replies ORDER BY id")) {
        for (std::size_t i = 0; i < row.size(); ++i) out += row.text(i) + "|";
        out += "\n";
      }
      return out;
    });
  }
};

TEST_P(DiscussionsSeedTest, SeedsTheSameYearOfDiscussionsOnEveryRun) {
  testing_support::TestDatabase first_holder(GetParam());
  testing_support::TestDatabase second_holder(GetParam());
  auto first = seeded_database(first_holder);
  auto second = seeded_database(second_holder);

  const auto started = std::chrono::steady_clock::now();
  const discussions::DemoCounts counts = discussions::seed_demo(*first, kNow);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("discussions demo seed: %.2f s on %s\n", seconds, std::string(db::to_string(GetParam())).c_str());
  EXPECT_LT(seconds, 20.0) << "the demo seed must stay fast: make run seeds on first start";

  EXPECT_EQ(counts.topics, kTopics);
  EXPECT_EQ(counts.pinned, kPinned);
  EXPECT_EQ(counts.posts, kPosts);
  EXPECT_GE(counts.accepted, 30);
  EXPECT_GE(counts.closed, 1);
  EXPECT_GE(counts.mentions, 20);
  EXPECT_GE(counts.useful, 50);
  EXPECT_EQ(number(*first, "SELECT COUNT(*) FROM topics"), counts.topics);
  EXPECT_EQ(number(*first, "SELECT COUNT(*) FROM replies"), counts.posts);
  EXPECT_EQ(number(*first, "SELECT COUNT(*) FROM reply_mentions"), counts.mentions);
  EXPECT_EQ(number(*first, "SELECT COUNT(*) FROM reply_reactions"), counts.useful);

  EXPECT_EQ(discussions::seed_demo(*second, kNow), counts);
  EXPECT_EQ(digest(*first), digest(*second));
}

TEST_P(DiscussionsSeedTest, EveryGroupHasAYearOfTopicsWithConsistentCounters) {
  testing_support::TestDatabase holder(GetParam());
  auto database = seeded_database(holder);
  discussions::seed_demo(*database, kNow);

  database->read([](db::Session& session) {
    const auto groups = session.query(
        "SELECT g.slug, COUNT(t.id), MIN(t.created_at), MAX(t.last_posted_at), SUM(t.pinned) FROM knowledge_groups g "
        "JOIN networks n ON n.id = g.network_id LEFT JOIN topics t ON t.group_id = g.id "
        "WHERE n.slug = 'west-brabant-zeeland' GROUP BY g.slug ORDER BY g.slug");
    ASSERT_EQ(groups.size(), 8u);
    for (const db::Row& group : groups) {
      SCOPED_TRACE(group.text(0));
      EXPECT_GE(group.int64(1), 10);
      EXPECT_GE(group.int64(3) - group.int64(2), 300 * 86400) << "spread over a year";
      EXPECT_LT(group.int64(3), kNow) << "nothing in the future";
      EXPECT_EQ(group.int64(4), 1) << "one pinned welcome topic";
    }
    // The counters on each topic agree with its posts: numbers 1..n without gaps, last post and author.
    const auto mismatches = session.query_one(
        "SELECT COUNT(*) FROM topics t WHERE t.reply_count + 1 <> (SELECT COUNT(*) FROM replies r WHERE r.topic_id = t.id) "
        "OR t.last_post_number <> (SELECT MAX(post_number) FROM replies r WHERE r.topic_id = t.id) "
        "OR t.last_reply_id <> (SELECT r.id FROM replies r WHERE r.topic_id = t.id AND r.post_number = t.last_post_number) "
        "OR t.last_posted_at <> (SELECT MAX(created_at) FROM replies r WHERE r.topic_id = t.id)");
    EXPECT_EQ(mismatches->int64(0), 0);
    // Accepted answers are replies of their own question, never the opening post.
    const auto wrong_answers = session.query_one(
        "SELECT COUNT(*) FROM topics t LEFT JOIN replies r ON r.id = t.accepted_reply_id "
        "WHERE t.accepted_reply_id IS NOT NULL AND (r.topic_id IS NULL OR r.topic_id <> t.id OR r.post_number = 1 "
        "OR t.kind <> 'question')");
    EXPECT_EQ(wrong_answers->int64(0), 0);
    // A quote points at an earlier post of the same topic.
    const auto wrong_quotes = session.query_one(
        "SELECT COUNT(*) FROM replies r JOIN replies q ON q.id = r.quote_of "
        "WHERE q.topic_id <> r.topic_id OR q.post_number >= r.post_number");
    EXPECT_EQ(wrong_quotes->int64(0), 0);
    EXPECT_GE(session.query_one("SELECT COUNT(*) FROM replies WHERE quote_of IS NOT NULL")->int64(0), 10);
    // Mentions became links to the members' profiles.
    EXPECT_GE(session.query_one("SELECT COUNT(*) FROM replies WHERE body_html LIKE '%href=\"/leden/%'")->int64(0), 10);
    EXPECT_EQ(session.query_one("SELECT COUNT(*) FROM replies WHERE body_markdown LIKE '%{@%' "
                                "OR body_markdown LIKE '%{jaar}%' OR body_markdown LIKE '%{x}%'")
                  ->int64(0),
              0)
        << "every placeholder is filled in";
    // Whoever posts may post there: an active member of the group, or the coordinator who opened it.
    const auto outsiders = session.query_one(
        "SELECT COUNT(*) FROM replies r JOIN topics t ON t.id = r.topic_id JOIN accounts a ON a.id = r.author_id "
        "WHERE a.email <> ? AND NOT EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = t.group_id "
        "AND gm.account_id = r.author_id AND gm.state = 'active')",
        {std::string(auth::kDemoCoordinatorEmail)});
    EXPECT_EQ(outsiders->int64(0), 0);
    // Nobody posts in the night (06:00-21:00 UTC is 07:00-22:00 or later in the Netherlands).
    EXPECT_EQ(session.query_one("SELECT COUNT(*) FROM replies WHERE created_at % 86400 < 6 * 3600 "
                                "OR created_at % 86400 >= 21 * 3600")
                  ->int64(0),
              0);
    // The demo member asked something, and has unread topics waiting.
    const auto member = session.query_one("SELECT id FROM accounts WHERE email = ?", {std::string(auth::kDemoMemberEmail)});
    ASSERT_TRUE(member);
    EXPECT_GE(session.query_one("SELECT COUNT(*) FROM topics WHERE author_id = ?", {member->int64(0)})->int64(0), 1);
    const auto read = session.query_one("SELECT COUNT(*) FROM topic_reads WHERE account_id = ?", {member->int64(0)});
    EXPECT_GT(read->int64(0), 0);
    EXPECT_LT(read->int64(0), kTopics);
  });
}

TEST_P(DiscussionsSeedTest, EveryDemoPostIsInItsGroupsActivityStreamInTimeOrder) {
  testing_support::TestDatabase holder(GetParam());
  auto database = seeded_database(holder);
  const auto counts = discussions::seed_demo(*database, kNow);
  database->read([&](db::Session& session) {
    EXPECT_EQ(session.query_one("SELECT COUNT(*) FROM activities WHERE kind = 'topic.created'")->int64(0), counts.topics);
    EXPECT_EQ(session.query_one("SELECT COUNT(*) FROM activities WHERE kind IN ('topic.created', 'reply.created')")
                  ->int64(0),
              counts.posts);
    // Each item sits in its topic's group, and a later id never has an earlier time.
    EXPECT_EQ(session.query_one("SELECT COUNT(*) FROM activities a JOIN topics t ON t.id = a.topic_id "
                                "WHERE a.group_id <> t.group_id")
                  ->int64(0),
              0);
    EXPECT_EQ(session.query_one("SELECT COUNT(*) FROM activities a JOIN activities b ON b.id > a.id "
                                "WHERE b.created_at < a.created_at AND a.topic_id IS NOT NULL AND b.topic_id IS NOT NULL")
                  ->int64(0),
              0);
    // Mentions reached the members mentioned; what is older than a month is read and never mailed.
    EXPECT_GE(session.query_one("SELECT COUNT(*) FROM notifications WHERE reason = 'mention'")->int64(0), 10);
    EXPECT_EQ(session.query_one("SELECT COUNT(*) FROM notifications WHERE created_at < ? AND "
                                "(read_at IS NULL OR mail_state = 'pending')",
                                {kNow - 31 * 86400})
                  ->int64(0),
              0);
    EXPECT_GT(session.query_one("SELECT COUNT(*) FROM notifications WHERE read_at IS NULL")->int64(0), 0);
  });
}

TEST_P(DiscussionsSeedTest, SearchFindsTheDemoSubjectsWithDutchStemming) {
  testing_support::TestDatabase holder(GetParam());
  auto database = seeded_database(holder);
  discussions::seed_demo(*database, kNow);
  discussions::Service service(*database);
  http::Viewer coordinator;
  coordinator.account_id = database->read([](db::Session& session) {
    return session.query_one("SELECT id FROM accounts WHERE email = ?", {std::string(auth::kDemoCoordinatorEmail)})
        ->int64(0);
  });
  for (const char* query : {"facturen", "algemene voorwaarden", "verwerkersovereenkomst", "aanbestedingen",
                            "concurrentiebeding", "tweestapsverificatie", "datalek"}) {
    SCOPED_TRACE(query);
    EXPECT_FALSE(service.search(coordinator, query, std::nullopt, 10).empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, DiscussionsSeedTest, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
