// The notifications service on both databases: the member's list (unread first, opening marks read,
// only one's own), the home stream "Nieuw in uw groepen" (the member's groups only, what they may see
// now, muted groups and topics and their own actions left out), a group's stream, watch levels set on
// pages with groups::access, immediate mail for mentions and replies in the recipient's language
// (and none when it was read, turned off, retracted or no longer visible), and erasure.
#include <gtest/gtest.h>

#include <algorithm>

#include "notifications/personal_data.h"
#include "notifications/service.h"
#include "notifications/store.h"
#include "notifications/watch.h"
#include "support/notifications_fixture.h"
#include "web/site.h"

namespace {

using notifications::Level;
using notifications::Target;
using notifications::WatchOutcome;

class NotificationsServiceTest : public testing_support::NotificationsFixture {
 protected:
  void SetUp() override {
    NotificationsFixture::SetUp();
    site_ = std::make_unique<web::Site>(web::AssetUrls{"/a.css", "/l.svg", "/f.svg"},
                                        web::SiteOptions{"service-test-secret", false});
    notifications::ServiceOptions options;
    options.public_url = "https://kkp.example.nl";
    options.clock = [this] { return now_; };
    service_ = std::make_unique<notifications::Service>(*db_, *site_, options);
  }

  http::Viewer viewer(std::int64_t account) {
    return db_->read([&](db::Session& session) {
      auto found = auth::find_account(session, account);
      http::Viewer result;
      result.account_id = found->id;
      result.name = found->name;
      result.email = found->email;
      result.language = found->language;
      return result;
    });
  }

  std::vector<std::int64_t> home_ids(std::int64_t account) {
    std::vector<std::int64_t> ids;
    for (const auto& item : service_->home_stream(viewer(account), std::nullopt).items) ids.push_back(item.id);
    return ids;
  }

  struct Outbox {
    std::string to, subject, text, html, kind;
  };
  std::vector<Outbox> outbox() {
    return db_->read([](db::Session& session) {
      std::vector<Outbox> rows;
      for (const auto& row :
           session.query("SELECT to_address, subject, text_body, html_body, kind FROM mail_outbox ORDER BY id")) {
        rows.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.text(4)});
      }
      return rows;
    });
  }

  std::unique_ptr<web::Site> site_;
  std::int64_t now_ = kNow;
  std::unique_ptr<notifications::Service> service_;
};

TEST_P(NotificationsServiceTest, TheListShowsUnreadFirstAndOpeningOneMarksItRead) {
  const std::int64_t author = member("auteur", group_);
  const std::int64_t reader = member("lezer", group_);
  std::vector<std::int64_t> activities;
  for (int i = 0; i < 3; ++i) {
    auto activity = reply(author, group_, 10, i + 1, kNow + i);
    activity.mentioned = {reader};
    activities.push_back(record(activity));
  }
  auto list = service_->notifications(reader, 1);
  ASSERT_EQ(list.notifications.size(), 3u);
  EXPECT_EQ(list.unread, 3);
  EXPECT_EQ(list.notifications[0].item.id, activities[2]);  // newest first

  // Opening the oldest marks it read and moves it below the unread ones; it points at the reply.
  const auto path = service_->open(reader, list.notifications[2].id);
  ASSERT_TRUE(path);
  EXPECT_EQ(*path, "/onderwerpen/10#reactie-1");
  list = service_->notifications(reader, 1);
  EXPECT_EQ(list.unread, 2);
  EXPECT_EQ(list.notifications.back().item.id, activities[0]);
  EXPECT_TRUE(list.notifications.back().read_at);
  EXPECT_EQ(service_->unread_count(reader), 2);

  // Someone else's notification cannot be opened (or marked) by id.
  const std::int64_t stranger = member("vreemde", group_);
  EXPECT_FALSE(service_->open(stranger, list.notifications[0].id));
  EXPECT_EQ(service_->unread_count(reader), 2);

  EXPECT_EQ(service_->mark_all_read(reader), 2);
  EXPECT_EQ(service_->unread_count(reader), 0);
}

TEST_P(NotificationsServiceTest, TheHomeStreamShowsOnlyTheMembersVisibleUnmutedGroups) {
  make_private(other_group_);
  const std::int64_t author = member("auteur", group_);
  join(author, other_group_);
  join(author, third_group_);
  const std::int64_t reader = member("lezer", group_);
  join(reader, third_group_);

  const auto in_group = record(reply(author, group_, 10, 1, kNow));
  const auto in_private = record(reply(author, other_group_, 20, 2, kNow + 1));  // reader is not a member
  const auto in_third = record(reply(author, third_group_, 30, 3, kNow + 2));
  const auto muted_topic = record(reply(author, group_, 11, 4, kNow + 3));
  const auto own = record(reply(reader, group_, 10, 5, kNow + 4));
  EXPECT_EQ(home_ids(reader), (std::vector<std::int64_t>{muted_topic, in_third, in_group}));

  EXPECT_EQ(service_->set_watch_level(viewer(reader), Target::Topic, 11, Level::Muted), WatchOutcome::Saved);
  EXPECT_EQ(service_->set_watch_level(viewer(reader), Target::Group, third_group_, Level::Muted), WatchOutcome::Saved);
  EXPECT_EQ(home_ids(reader), (std::vector<std::int64_t>{in_group}));
  (void)in_private;
  (void)own;

  // Leaving the group takes its items off the home stream.
  leave(reader, group_);
  EXPECT_TRUE(home_ids(reader).empty());
}

TEST_P(NotificationsServiceTest, AGroupStreamIsShownOnlyToThoseWhoMaySeeTheGroup) {
  make_private(other_group_);
  const std::int64_t author = member("auteur", other_group_);
  const std::int64_t outsider = member("buiten", group_);
  const auto id = record(reply(author, other_group_, 20, 1, kNow));
  const auto inside = service_->group_stream(viewer(author), other_group_, std::nullopt);
  ASSERT_EQ(inside.items.size(), 1u);
  EXPECT_EQ(inside.items[0].id, id);
  EXPECT_TRUE(service_->group_stream(viewer(outsider), other_group_, std::nullopt).items.empty());
  EXPECT_TRUE(service_->group_stream(std::nullopt, other_group_, std::nullopt).items.empty());
}

TEST_P(NotificationsServiceTest, StreamsPageByActivityId) {
  const std::int64_t author = member("auteur", group_);
  const std::int64_t reader = member("lezer", group_);
  for (int i = 0; i < 35; ++i) record(reply(author, group_, 10, i + 1, kNow + i));
  const auto first = service_->home_stream(viewer(reader), std::nullopt);
  ASSERT_EQ(first.items.size(), notifications::Service::kPageSize);
  ASSERT_TRUE(first.next_before);
  const auto second = service_->home_stream(viewer(reader), first.next_before);
  EXPECT_EQ(second.items.size(), 5u);
  EXPECT_FALSE(second.next_before);
  EXPECT_LT(second.items.front().id, first.items.back().id);
}

TEST_P(NotificationsServiceTest, WatchLevelsCanOnlyBeSetOnGroupsTheMemberMaySee) {
  make_private(other_group_);
  const std::int64_t author = member("auteur", other_group_);
  const std::int64_t outsider = member("buiten", group_);
  auto topic = reply(author, other_group_, 20, 1, kNow);
  topic.kind = "topic.created";
  record(topic);
  EXPECT_EQ(service_->set_watch_level(viewer(outsider), Target::Group, other_group_, Level::Watching),
            WatchOutcome::Forbidden);
  EXPECT_EQ(service_->set_watch_level(viewer(outsider), Target::Topic, 20, Level::Watching), WatchOutcome::Forbidden);
  EXPECT_EQ(service_->set_watch_level(viewer(outsider), Target::Topic, 999, Level::Watching), WatchOutcome::NotFound);
  EXPECT_EQ(service_->set_watch_level(viewer(outsider), Target::Group, 999999, Level::Watching), WatchOutcome::NotFound);
  db_->read([&](db::Session& session) {
    EXPECT_FALSE(notifications::own_level(session, outsider, Target::Group, other_group_));
    EXPECT_FALSE(notifications::own_level(session, outsider, Target::Topic, 20));
  });
  EXPECT_EQ(service_->set_watch_level(viewer(author), Target::Topic, 20, Level::Muted), WatchOutcome::Saved);
  db_->read([&](db::Session& session) {
    EXPECT_EQ(notifications::level_in_force(session, author, other_group_, 20), Level::Muted);
  });
}

TEST_P(NotificationsServiceTest, ImmediateMailGoesOutOnceInTheRecipientsLanguage) {
  const std::int64_t author = member("Auteur", group_);
  const std::int64_t dutch = member("nederlands", group_, "nl");
  const std::int64_t english = member("english", group_, "en");
  auto activity = reply(author, group_, 10, 1, kNow);
  activity.mentioned = {dutch};
  activity.replied_to = {english};
  record(activity);
  EXPECT_EQ(service_->send_immediate_mails(), 2u);
  EXPECT_EQ(service_->send_immediate_mails(), 0u) << "each notification is mailed once";
  const auto mails = outbox();
  ASSERT_EQ(mails.size(), 2u);
  const auto& nl = mails[0].to == "nederlands@example.nl" ? mails[0] : mails[1];
  const auto& en = mails[0].to == "english@example.nl" ? mails[0] : mails[1];
  EXPECT_EQ(nl.subject, "Auteur noemde u: Onderwerp 10");
  EXPECT_EQ(nl.kind, "notifications.mention");
  EXPECT_NE(nl.text.find("https://kkp.example.nl/onderwerpen/10#reactie-1"), std::string::npos);
  EXPECT_NE(nl.text.find("https://kkp.example.nl/afmelden/"), std::string::npos);
  EXPECT_EQ(en.subject, "Auteur replied to you: Onderwerp 10");
  EXPECT_EQ(en.kind, "notifications.reply");
  EXPECT_EQ(en.html.find("<script>"), std::string::npos);
}

TEST_P(NotificationsServiceTest, NoImmediateMailWhenReadTurnedOffRetractedOrNoLongerVisible) {
  make_private(other_group_);
  const std::int64_t author = member("auteur", other_group_);
  const std::int64_t reader = member("lezer", other_group_);
  const std::int64_t quiet = member("stil", other_group_);
  const std::int64_t leaver = member("vertrekker", other_group_);
  const std::int64_t hidden = member("verborgen", other_group_);
  service_->save_settings(quiet, false, notifications::DigestFrequency::Weekly);
  auto first = reply(author, other_group_, 20, 1, kNow);
  first.mentioned = {reader, quiet, leaver};
  record(first);
  auto second = reply(author, other_group_, 20, 2, kNow);
  second.mentioned = {hidden};
  record(second);
  service_->mark_all_read(reader);
  leave(leaver, other_group_);
  db_->write([](db::Session& session) { notifications::retract(session, "reply", 2); });
  EXPECT_EQ(service_->send_immediate_mails(), 0u);
  EXPECT_TRUE(outbox().empty());
}

TEST_P(NotificationsServiceTest, ErasureRemovesNotificationsLevelsAndDigestStateAndAnonymisesActivity) {
  const std::int64_t author = member("auteur", group_);
  const std::int64_t reader = member("lezer", group_);
  service_->save_settings(author, false, notifications::DigestFrequency::Daily);
  auto topic = reply(author, group_, 10, 1, kNow);
  topic.kind = "topic.created";
  const auto own = record(topic);
  auto mention = reply(reader, group_, 10, 2, kNow + 1);
  mention.mentioned = {author};
  record(mention);
  db_->write([&](db::Session& session) {
    const auto before = notifications::store::count_account_state(session, author);
    EXPECT_EQ(before.notifications, 1);
    EXPECT_EQ(before.watch_levels, 1);  // the author watches the topic
    EXPECT_EQ(before.activities, 1);
    notifications::erase_member(session, author);
    const auto after = notifications::store::count_account_state(session, author);
    EXPECT_EQ(after.notifications, 0);
    EXPECT_EQ(after.watch_levels, 0);
    EXPECT_EQ(after.digests, 0);
    EXPECT_EQ(after.activities, 0);
    EXPECT_FALSE(session.query_one("SELECT 1 FROM notification_settings WHERE account_id = ?", {author}));
    const auto item = notifications::store::find_item(session, own);
    ASSERT_TRUE(item) << "the item stays in the stream, like the post it points to";
    EXPECT_EQ(item->actor_id, 0);
  });
  // The reader's view of the stream shows the item without a name.
  const auto stream = service_->home_stream(viewer(reader), std::nullopt);
  ASSERT_FALSE(stream.items.empty());
  EXPECT_EQ(stream.items.back().actor_id, 0);
}

TEST_P(NotificationsServiceTest, ThePersonalDataExportListsNotificationsLevelsAndSettings) {
  const std::int64_t author = member("auteur", group_);
  const std::int64_t reader = member("lezer", group_);
  service_->save_settings(reader, false, notifications::DigestFrequency::Daily);
  auto mention = reply(author, group_, 10, 1, kNow);
  mention.mentioned = {reader};
  record(mention);
  service_->set_watch_level(viewer(reader), Target::Group, group_, Level::Watching);
  const auto exported = db_->read([&](db::Session& session) { return notifications::export_member(session, reader); });
  EXPECT_EQ(exported["settings"]["digest"], "daily");
  EXPECT_EQ(exported["settings"]["mail_immediate"], false);
  ASSERT_EQ(exported["notifications"].size(), 1u);
  EXPECT_EQ(exported["notifications"][0]["reason"], "mention");
  EXPECT_EQ(exported["notifications"][0]["path"], "/onderwerpen/10#reactie-1");
  ASSERT_EQ(exported["watch_levels"].size(), 1u);
  EXPECT_EQ(exported["watch_levels"][0]["level"], "watching");
}

INSTANTIATE_TEST_SUITE_P(Backends, NotificationsServiceTest, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
