// notifications::record and retract on both databases: who is told of what at each watch level
// (watching, tracking, normal, muted), a topic's level overriding its group's, mentions of members
// who may not see the group, the actor never told, direct recipients always told, the automatic
// levels of authors and repliers, and moderation taking items out of streams and unread lists.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "auth/service.h"
#include "db/migrations.h"
#include "notifications/activity.h"
#include "notifications/store.h"
#include "notifications/watch.h"
#include "regions/seed.h"
#include "support/test_databases.h"

namespace {

using notifications::Activity;
using notifications::Level;
using notifications::Reason;
using notifications::Target;

constexpr std::int64_t kNow = 1748865600;  // Monday 2 June 2025, 12:00 UTC

class NotificationsActivityTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    db_->write([&](db::Session& session) {
      regions::seed_demo(session);
      network_ = session.query_one("SELECT id FROM networks ORDER BY id LIMIT 1")->int64(0);
      const auto groups = session.query("SELECT id FROM knowledge_groups WHERE network_id = ? ORDER BY id LIMIT 2",
                                        {network_});
      group_ = groups.at(0).int64(0);
      other_group_ = groups.at(1).int64(0);
    });
  }

  std::int64_t member(const std::string& name, bool in_group = true, std::string language = "nl") {
    return db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.name = name;
      account.email = name + "@example.nl";
      account.language = language;
      account.verified = true;
      account.created_at = kNow;
      const std::int64_t id = auth::create_account(session, account);
      auth::add_membership(session, id, network_, auth::Role::Member, auth::MembershipStatus::Active, kNow);
      if (in_group) join(session, id, group_);
      return id;
    });
  }

  static void join(db::Session& session, std::int64_t account, std::int64_t group) {
    session.execute(
        "INSERT INTO group_members (group_id, account_id, role, state, created_at, joined_at) "
        "VALUES (?, ?, 'member', 'active', ?, ?)",
        {group, account, kNow, kNow});
  }

  void make_group_private() {
    db_->write([&](db::Session& session) {
      session.execute("UPDATE knowledge_groups SET visibility = 'group' WHERE id = ?", {group_});
    });
  }

  void set_level(std::int64_t account, Target target, std::int64_t id, Level level) {
    db_->write([&](db::Session& session) { notifications::set_watch_level(session, account, target, id, level, kNow); });
  }

  Activity reply(std::int64_t actor, std::int64_t topic = 42, std::int64_t reply_id = 77) {
    Activity activity;
    activity.network_id = network_;
    activity.group_id = group_;
    activity.kind = "reply.created";
    activity.actor_id = actor;
    activity.subject_type = "reply";
    activity.subject_id = reply_id;
    activity.topic_id = topic;
    activity.title = "Facturen versturen";
    activity.excerpt = "Ik gebruik zelf een boekhoudpakket.";
    activity.path = "/onderwerpen/" + std::to_string(topic) + "#reactie-" + std::to_string(reply_id);
    activity.created_at = kNow;
    return activity;
  }

  std::int64_t record(const Activity& activity) {
    return db_->write([&](db::Session& session) { return notifications::record(session, activity); });
  }

  // Account id -> reason, for one activity.
  std::map<std::int64_t, std::string> told(std::int64_t activity_id) {
    return db_->read([&](db::Session& session) {
      std::map<std::int64_t, std::string> result;
      for (const db::Row& row :
           session.query("SELECT account_id, reason FROM notifications WHERE activity_id = ?", {activity_id})) {
        result.emplace(row.int64(0), row.text(1));
      }
      return result;
    });
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::int64_t network_ = 0;
  std::int64_t group_ = 0;
  std::int64_t other_group_ = 0;
};

TEST_P(NotificationsActivityTest, EachWatchLevelIsToldWhatItPromises) {
  const std::int64_t author = member("auteur");
  const std::int64_t watching = member("volger");
  const std::int64_t tracking = member("bijhouder");
  const std::int64_t normal = member("gewoon");
  const std::int64_t muted = member("stil");
  set_level(watching, Target::Group, group_, Level::Watching);
  set_level(tracking, Target::Group, group_, Level::Tracking);
  set_level(muted, Target::Group, group_, Level::Muted);

  const auto id = record(reply(author));
  const auto result = told(id);
  EXPECT_EQ(result, (std::map<std::int64_t, std::string>{{watching, "watching"}}));
  EXPECT_FALSE(result.contains(tracking));
  EXPECT_FALSE(result.contains(normal));
  EXPECT_FALSE(result.contains(muted));

  // Mentioned and replied-to members at tracking and normal are told; muted ones are not.
  Activity mention = reply(author, 42, 78);
  mention.mentioned = {tracking, muted};
  mention.replied_to = {normal};
  const auto second = told(record(mention));
  EXPECT_EQ(second, (std::map<std::int64_t, std::string>{
                        {watching, "watching"}, {tracking, "mention"}, {normal, "reply"}}));
}

// Their unread counts come from discussions' read places (DiscussionsServiceTest, TrackingShows...).
TEST_P(NotificationsActivityTest, TrackingMembersAreNotToldOfOrdinaryPosts) {
  const std::int64_t author = member("auteur");
  const std::int64_t tracking = member("bijhouder");
  set_level(tracking, Target::Topic, 42, Level::Tracking);
  record(reply(author, 42, 1));
  record(reply(author, 42, 2));
  db_->read([&](db::Session& session) {
    EXPECT_EQ(notifications::store::count_unread(session, tracking), 0);
    EXPECT_TRUE(notifications::shows_unread(notifications::level_in_force(session, tracking, group_, 42)));
    EXPECT_FALSE(notifications::shows_unread(notifications::level_in_force(session, author, group_, 7)));
  });
}

TEST_P(NotificationsActivityTest, ATopicLevelOverridesTheGroupLevel) {
  const std::int64_t author = member("auteur");
  const std::int64_t group_watcher = member("groepvolger");
  const std::int64_t topic_watcher = member("onderwerpvolger");
  set_level(group_watcher, Target::Group, group_, Level::Watching);
  set_level(group_watcher, Target::Topic, 42, Level::Muted);
  set_level(topic_watcher, Target::Group, group_, Level::Muted);
  set_level(topic_watcher, Target::Topic, 42, Level::Watching);

  Activity activity = reply(author);
  activity.mentioned = {group_watcher};
  const auto result = told(record(activity));
  EXPECT_EQ(result, (std::map<std::int64_t, std::string>{{topic_watcher, "watching"}}));

  // Another topic of the same group follows the group level again.
  const auto elsewhere = told(record(reply(author, 43, 90)));
  EXPECT_EQ(elsewhere, (std::map<std::int64_t, std::string>{{group_watcher, "watching"}}));
}

TEST_P(NotificationsActivityTest, MembersWhoCannotSeeTheGroupAreNotToldOfMentions) {
  make_group_private();
  const std::int64_t author = member("auteur");
  const std::int64_t insider = member("binnen");
  const std::int64_t outsider = member("buiten", /*in_group=*/false);
  set_level(outsider, Target::Group, group_, Level::Watching);  // set while the group was open, say

  Activity activity = reply(author);
  activity.mentioned = {insider, outsider};
  activity.replied_to = {outsider};
  const auto result = told(record(activity));
  EXPECT_EQ(result, (std::map<std::int64_t, std::string>{{insider, "mention"}}));
}

TEST_P(NotificationsActivityTest, TheActorIsNeverToldOfTheirOwnAction) {
  const std::int64_t author = member("auteur");
  set_level(author, Target::Group, group_, Level::Watching);
  Activity activity = reply(author);
  activity.mentioned = {author};
  activity.direct = {author};
  EXPECT_TRUE(told(record(activity)).empty());
}

TEST_P(NotificationsActivityTest, DirectRecipientsAreToldWhateverTheirLevelAndAccess) {
  make_group_private();
  const std::int64_t host = member("host");
  const std::int64_t invitee = member("genodigde", /*in_group=*/false);
  set_level(invitee, Target::Group, group_, Level::Muted);
  Activity activity;
  activity.network_id = network_;
  activity.group_id = group_;
  activity.kind = "group.invited";
  activity.actor_id = host;
  activity.subject_type = "group";
  activity.subject_id = group_;
  activity.title = "ICT";
  activity.path = "/groepen/kkp/ict";
  activity.direct = {invitee};
  activity.created_at = kNow;
  EXPECT_EQ(told(record(activity)), (std::map<std::int64_t, std::string>{{invitee, "direct"}}));
}

TEST_P(NotificationsActivityTest, TheAuthorWatchesTheTopicAndARepliersTracksItUnlessTheyChose) {
  const std::int64_t author = member("auteur");
  const std::int64_t replier = member("reageerder");
  const std::int64_t chooser = member("kiezer");
  set_level(chooser, Target::Topic, 42, Level::Muted);

  Activity topic = reply(author);
  topic.kind = "topic.created";
  topic.subject_type = "topic";
  topic.subject_id = 42;
  record(topic);
  record(reply(replier, 42, 2));
  record(reply(chooser, 42, 3));
  db_->read([&](db::Session& session) {
    EXPECT_EQ(notifications::store::level_of(session, author, Target::Topic, 42), Level::Watching);
    EXPECT_EQ(notifications::store::level_of(session, replier, Target::Topic, 42), Level::Tracking);
    EXPECT_EQ(notifications::store::level_of(session, chooser, Target::Topic, 42), Level::Muted);
  });
  // The author now hears of the next reply; the replier (tracking) does not.
  const auto result = told(record(reply(chooser, 42, 4)));
  EXPECT_EQ(result, (std::map<std::int64_t, std::string>{{author, "watching"}}));
}

TEST_P(NotificationsActivityTest, RetractTakesTheItemOutOfStreamsAndUnreadNotifications) {
  const std::int64_t author = member("auteur");
  const std::int64_t reader = member("lezer");
  const std::int64_t early = member("vroeg");
  Activity activity = reply(author);
  activity.mentioned = {reader, early};
  const auto id = record(activity);
  const auto kept = record(reply(author, 42, 80));
  db_->write([&](db::Session& session) {
    const auto list = notifications::store::notifications_of(session, early, 10, 0);
    ASSERT_EQ(list.size(), 1u);
    notifications::store::mark_read(session, early, list[0].id, kNow);
    notifications::retract(session, "reply", 77);
  });
  db_->read([&](db::Session& session) {
    EXPECT_EQ(notifications::store::count_unread(session, reader), 0);
    EXPECT_TRUE(notifications::store::notifications_of(session, reader, 10, 0).empty());
    EXPECT_TRUE(notifications::store::notifications_of(session, early, 10, 0).empty());
    notifications::store::StreamQuery query;
    query.group_ids = {group_};
    const auto stream = notifications::store::stream(session, query);
    ASSERT_EQ(stream.size(), 1u);
    EXPECT_EQ(stream[0].id, kept);
    EXPECT_NE(stream[0].id, id);
  });
}

TEST_P(NotificationsActivityTest, HidingATopicTakesItsRepliesAlongAndUnhidingBringsThemBack) {
  const std::int64_t author = member("auteur");
  const std::int64_t reader = member("lezer");
  Activity topic = reply(author, 42, 0);
  topic.kind = "topic.created";
  topic.subject_type = "topic";
  topic.subject_id = 42;
  const auto topic_id = record(topic);
  Activity first = reply(author, 42, 77);
  first.mentioned = {reader};
  const auto kept = record(first);
  const auto hidden_alone = record(reply(author, 42, 78));
  const auto elsewhere = record(reply(author, 43, 90));
  auto stream_ids = [&] {
    return db_->read([&](db::Session& session) {
      notifications::store::StreamQuery query;
      query.group_ids = {group_};
      std::vector<std::int64_t> ids;
      for (const auto& item : notifications::store::stream(session, query)) ids.push_back(item.id);
      return ids;
    });
  };
  db_->write([&](db::Session& session) { notifications::retract(session, "reply", 78); });
  db_->write([&](db::Session& session) { notifications::retract(session, "topic", 42); });
  EXPECT_EQ(stream_ids(), (std::vector<std::int64_t>{elsewhere}));
  db_->read([&](db::Session& session) { EXPECT_EQ(notifications::store::count_unread(session, reader), 0); });
  db_->write([&](db::Session& session) { notifications::restore(session, "topic", 42); });
  EXPECT_EQ(stream_ids(), (std::vector<std::int64_t>{elsewhere, kept, topic_id}));
  (void)hidden_alone;
}

TEST_P(NotificationsActivityTest, ExcerptsAreCutAtThreeHundredCharactersNotBytes) {
  const std::int64_t author = member("auteur");
  Activity activity = reply(author);
  activity.excerpt.clear();
  for (int i = 0; i < 400; ++i) activity.excerpt += "é";
  const auto id = record(activity);
  db_->read([&](db::Session& session) {
    const auto item = notifications::store::find_item(session, id);
    ASSERT_TRUE(item);
    EXPECT_EQ(item->excerpt.size(), 600u);  // 300 two-byte characters
  });
}

TEST_P(NotificationsActivityTest, RecordRefusesAnActivityWithoutItsEssentials) {
  Activity activity;
  activity.kind = "reply.created";
  EXPECT_THROW(record(activity), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Backends, NotificationsActivityTest, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
