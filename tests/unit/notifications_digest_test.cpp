// The daily and weekly digest on both databases, delivered the way production delivers it: the
// notifications service queues digests in the outbox, the outbox sender sends them over SMTP to a
// real server (aiosmtpd), and the test reads and parses what arrived. Nine simulated days of activity
// in a network group and a private group: no item ever appears in two digests, every visible item
// appears once, private and retracted items never, each mail is in its member's language, and its
// List-Unsubscribe header works (RFC 8058). Two instances sending at once still send each digest once.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <thread>

#include "mail/sender.h"
#include "mail/smtp_transport.h"
#include "notifications/service.h"
#include "notifications/store.h"
#include "support/notifications_fixture.h"
#include "support/smtp_server.h"
#include "web/site.h"

namespace {

using notifications::DigestFrequency;
using testing_support::ReceivedMail;

constexpr std::string_view kPublicUrl = "https://kkp.example.nl";

std::int64_t real_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The item paths a digest lists (one URL per item in the text part).
std::vector<std::string> item_paths(const ReceivedMail& mail) {
  static const std::regex url(R"(https://kkp\.example\.nl(/onderwerpen/[0-9]+#reactie-[0-9]+))");
  std::vector<std::string> paths;
  for (auto it = std::sregex_iterator(mail.text.begin(), mail.text.end(), url); it != std::sregex_iterator(); ++it) {
    paths.push_back((*it)[1]);
  }
  return paths;
}

class NotificationsDigestTest : public testing_support::NotificationsFixture {
 protected:
  void SetUp() override {
    NotificationsFixture::SetUp();
    site_ = std::make_unique<web::Site>(web::AssetUrls{"/a.css", "/l.svg", "/f.svg"},
                                        web::SiteOptions{"digest-test-secret", false});
    service_ = make_service();
    mail::SmtpOptions smtp;
    smtp.url = smtp_.url();
    transport_ = std::make_unique<mail::SmtpTransport>(smtp);
    mail::SenderOptions sender;
    sender.from_address = "kkp@example.nl";
    sender.per_minute = 1000;
    sender.batch_size = 100;
    sender_ = std::make_unique<mail::OutboxSender>(*db_, *transport_, sender);
  }

  std::unique_ptr<notifications::Service> make_service() {
    notifications::ServiceOptions options;
    options.public_url = std::string(kPublicUrl);
    options.clock = [this] { return now_.load(); };
    return std::make_unique<notifications::Service>(*db_, *site_, options);
  }

  // 07:05 in Amsterdam on day `day` after Monday 2 June 2025 (summer time: 05:05 UTC).
  static std::int64_t morning(int day) { return kNow - 12 * 3600 + day * kDay + 5 * 3600 + 5 * 60; }

  // Runs the digest job at `at` (twice: a second run must find nothing to do), delivers the outbox
  // and returns the mails that arrived.
  std::vector<ReceivedMail> run_digests_at(std::int64_t at) {
    now_ = at;
    const std::size_t queued = service_->send_due_digests();
    EXPECT_EQ(service_->send_due_digests(), 0u) << "a second run at the same moment sends nothing";
    while (sender_->deliver_due(real_now()) > 0) {
    }
    const std::size_t before = received_;
    const auto all = smtp_.wait_for(before + queued, std::chrono::seconds(20));
    EXPECT_EQ(all.size(), before + queued);
    received_ = all.size();
    return std::vector<ReceivedMail>(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
  }

  void set_digest(std::int64_t account, DigestFrequency frequency) { service_->save_settings(account, true, frequency); }

  testing_support::SmtpServer smtp_;
  std::unique_ptr<web::Site> site_;
  std::atomic<std::int64_t> now_{kNow};
  std::unique_ptr<notifications::Service> service_;
  std::unique_ptr<mail::SmtpTransport> transport_;
  std::unique_ptr<mail::OutboxSender> sender_;
  std::size_t received_ = 0;
};

TEST_P(NotificationsDigestTest, NineDaysOfDigestsNeverRepeatAnItemAndSpeakEachMembersLanguage) {
  make_private(other_group_);
  const std::int64_t author = member("auteur", group_);
  join(author, other_group_);
  const std::int64_t anna = member("anna", group_, "nl");          // daily, network group only
  const std::int64_t ben = member("ben", group_, "en");            // daily, both groups, English
  join(ben, other_group_);
  const std::int64_t carla = member("carla", group_, "nl");        // weekly (the default)
  const std::int64_t dirk = member("dirk", group_, "nl");          // never
  set_digest(anna, DigestFrequency::Daily);
  set_digest(ben, DigestFrequency::Daily);
  set_digest(dirk, DigestFrequency::Never);

  // path -> group, for every item that stays visible; retracted ones apart.
  std::map<std::string, std::int64_t> visible;
  std::set<std::string> retracted;
  std::map<std::int64_t, std::vector<std::string>> seen;  // account -> every path mailed to it
  std::map<std::int64_t, int> mails;                      // account -> digests received
  std::int64_t reply_id = 100;

  const std::map<std::string, std::int64_t> by_address{{"anna@example.nl", anna}, {"ben@example.nl", ben},
                                                       {"carla@example.nl", carla}, {"dirk@example.nl", dirk},
                                                       {"auteur@example.nl", author}};
  auto account_of = [&](const ReceivedMail& mail) -> std::int64_t {
    for (const auto& [address, id] : by_address) {
      if (mail.to.find(address) != std::string::npos) return id;
    }
    return 0;
  };

  for (int day = 0; day < 9; ++day) {
    // Activity through the day (14:00 and 16:00 local), in both groups; the same topic on several days.
    for (int i = 0; i < 3; ++i) {
      const std::int64_t group = i == 2 ? other_group_ : group_;
      const std::int64_t topic = 10 + day % 3;
      const std::int64_t at = kNow + day * kDay + i * 3600;
      ++reply_id;
      record(reply(author, group, topic, reply_id, at));
      visible.emplace("/onderwerpen/" + std::to_string(topic) + "#reactie-" + std::to_string(reply_id), group);
    }
    if (day == 4) {  // moderation hides one item before the next digest
      const std::string path =
          "/onderwerpen/" + std::to_string(10 + day % 3) + "#reactie-" + std::to_string(reply_id - 1);
      db_->write([&](db::Session& session) { notifications::retract(session, "reply", reply_id - 1); });
      visible.erase(path);
      retracted.insert(path);
    }
    // Just before the slot nothing goes out; just after it the day's digests do.
    EXPECT_TRUE(run_digests_at(morning(day + 1) - 10 * 60).empty()) << "day " << day;
    for (const ReceivedMail& mail : run_digests_at(morning(day + 1))) {
      const std::int64_t account = account_of(mail);
      ASSERT_NE(account, 0) << mail.to;
      ++mails[account];
      EXPECT_TRUE(mail.defects.empty());
      const auto paths = item_paths(mail);
      EXPECT_FALSE(paths.empty());
      for (const std::string& path : paths) seen[account].push_back(path);

      // The member's language, in the subject and the body.
      if (account == ben) {
        EXPECT_TRUE(mail.subject.starts_with("New in your knowledge groups")) << mail.subject;
        EXPECT_NE(mail.text.find("Dear ben"), std::string::npos);
      } else {
        EXPECT_TRUE(mail.subject.starts_with("Nieuw in uw kennisgroepen")) << mail.subject;
        EXPECT_NE(mail.text.find("Beste "), std::string::npos);
      }
      // Text is plain text; the HTML part escapes what members wrote.
      EXPECT_NE(mail.text.find("<script>alert(1)</script>"), std::string::npos);
      EXPECT_EQ(mail.html.find("<script>"), std::string::npos);
      EXPECT_NE(mail.html.find("&lt;script&gt;"), std::string::npos);

      // RFC 8058: one https URL in angle brackets, and the one-click POST marker.
      const std::string unsubscribe = mail.header("List-Unsubscribe");
      EXPECT_EQ(mail.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
      const std::string prefix = "<" + std::string(kPublicUrl) + "/afmelden/";
      ASSERT_TRUE(unsubscribe.starts_with(prefix) && unsubscribe.ends_with(">")) << unsubscribe;
      const std::string token = unsubscribe.substr(prefix.size(), unsubscribe.size() - prefix.size() - 1);
      const auto parsed = service_->verify_unsubscribe(token);
      ASSERT_TRUE(parsed);
      EXPECT_EQ(parsed->account_id, account);
      EXPECT_EQ(parsed->scope, notifications::UnsubscribeScope::Digest);
      EXPECT_NE(mail.text.find(unsubscribe.substr(1, unsubscribe.size() - 2)), std::string::npos)
          << "the link is in the text too";
    }
  }

  // No item twice, for anyone.
  for (const auto& [account, paths] : seen) {
    const std::set<std::string> unique(paths.begin(), paths.end());
    EXPECT_EQ(unique.size(), paths.size()) << "account " << account << " got an item twice";
    for (const std::string& path : paths) EXPECT_FALSE(retracted.contains(path)) << path;
  }
  // Daily members got every item they may see, once: anna only the network group's, ben both.
  std::set<std::string> network_items, all_items;
  for (const auto& [path, group] : visible) {
    all_items.insert(path);
    if (group == group_) network_items.insert(path);
  }
  EXPECT_EQ(std::set<std::string>(seen[anna].begin(), seen[anna].end()), network_items);
  EXPECT_EQ(std::set<std::string>(seen[ben].begin(), seen[ben].end()), all_items);
  EXPECT_EQ(mails[anna], 9);
  EXPECT_EQ(mails[ben], 9);
  // Carla (weekly) got one digest, on Monday 9 June, of the week before it (days 0-6).
  EXPECT_EQ(mails[carla], 1);
  // Two network-group items a day for seven days, less the one retracted on day 4.
  EXPECT_EQ(seen[carla].size(), 13u);
  // Dirk asked for none; the author is never sent their own posts.
  EXPECT_EQ(mails[dirk], 0);
  EXPECT_EQ(mails[author], 0);
}

TEST_P(NotificationsDigestTest, TheOneClickUnsubscribeStopsTheNextDigest) {
  const std::int64_t author = member("auteur", group_);
  const std::int64_t anna = member("anna", group_, "nl");
  set_digest(anna, DigestFrequency::Daily);
  record(reply(author, group_, 10, 1, kNow));
  const auto first = run_digests_at(morning(1));
  ASSERT_EQ(first.size(), 1u);
  const std::string header = first[0].header("List-Unsubscribe");
  const std::string token = header.substr(header.rfind('/') + 1, header.size() - header.rfind('/') - 2);
  const auto parsed = service_->verify_unsubscribe(token);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(service_->unsubscribe(*parsed));
  EXPECT_EQ(service_->settings(anna).digest, DigestFrequency::Never);
  EXPECT_TRUE(service_->settings(anna).mail_immediate) << "only the digest is turned off";

  record(reply(author, group_, 10, 2, kNow + kDay));
  EXPECT_TRUE(run_digests_at(morning(2)).empty());
}

TEST_P(NotificationsDigestTest, ForgedOrAlteredUnsubscribeTokensAreRefused) {
  const std::int64_t anna = member("anna", group_, "nl");
  const std::string token = service_->unsubscribe_token(anna, notifications::UnsubscribeScope::Digest);
  EXPECT_TRUE(service_->verify_unsubscribe(token));
  std::string other_account = token;
  other_account.replace(0, std::to_string(anna).size(), std::to_string(anna + 1));
  EXPECT_FALSE(service_->verify_unsubscribe(other_account));
  std::string other_scope = token;
  other_scope.replace(other_scope.find("digest"), 6, "immediate");
  EXPECT_FALSE(service_->verify_unsubscribe(other_scope));
  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(service_->verify_unsubscribe(flipped));
  EXPECT_FALSE(service_->verify_unsubscribe(""));
  EXPECT_FALSE(service_->verify_unsubscribe("1.digest"));
  EXPECT_FALSE(service_->verify_unsubscribe("-1.digest.x"));
  // A token signed with another site's secret does not pass here.
  web::Site other(web::AssetUrls{"/a.css", "/l.svg", "/f.svg"}, web::SiteOptions{"another-secret", false});
  notifications::Service foreign(*db_, other);
  EXPECT_FALSE(service_->verify_unsubscribe(foreign.unsubscribe_token(anna, notifications::UnsubscribeScope::Digest)));
}

TEST_P(NotificationsDigestTest, TwoInstancesSendingAtOnceSendEachDigestOnce) {
  const std::int64_t author = member("auteur", group_);
  std::vector<std::int64_t> readers;
  for (int i = 0; i < 12; ++i) {
    readers.push_back(member("lezer" + std::to_string(i), group_, i % 2 == 0 ? "nl" : "en"));
    set_digest(readers.back(), DigestFrequency::Daily);
  }
  for (int i = 0; i < 5; ++i) record(reply(author, group_, 10, 1 + i, kNow + i * 60));
  now_ = morning(1);
  auto second = make_service();
  std::atomic<std::size_t> queued{0};
  std::thread a([&] { queued += service_->send_due_digests(); });
  std::thread b([&] { queued += second->send_due_digests(); });
  a.join();
  b.join();
  EXPECT_EQ(queued.load(), readers.size());
  const auto count = db_->read([](db::Session& session) {
    return session.query_one("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'notifications.digest'")->int64(0);
  });
  EXPECT_EQ(count, static_cast<std::int64_t>(readers.size()));
  const auto items = db_->read(
      [](db::Session& session) { return session.query_one("SELECT COUNT(*) FROM digest_items")->int64(0); });
  EXPECT_EQ(items, static_cast<std::int64_t>(readers.size() * 5));
}

TEST_P(NotificationsDigestTest, AMemberWhoLostAccessToAGroupGetsNoneOfItsItems) {
  make_private(other_group_);
  const std::int64_t author = member("auteur", other_group_);
  const std::int64_t leaver = member("vertrekker", other_group_, "nl");
  set_digest(leaver, DigestFrequency::Daily);
  record(reply(author, other_group_, 20, 1, kNow));
  leave(leaver, other_group_);  // after the activity, before the digest
  EXPECT_TRUE(run_digests_at(morning(1)).empty());
}

TEST(NotificationsDigestSchedule, SlotsAreSevenInTheMorningInAmsterdamSummerAndWinter) {
  using notifications::latest_digest_slot;
  // Tuesday 3 June 2025 05:05 UTC = 07:05 CEST: today's 07:00 CEST = 05:00 UTC.
  EXPECT_EQ(latest_digest_slot(1748927100, DigestFrequency::Daily), 1748926800);
  // 06:55 CEST: yesterday's slot.
  EXPECT_EQ(latest_digest_slot(1748926500, DigestFrequency::Daily), 1748926800 - 86400);
  // Weekly: Monday 2 June 2025 07:00 CEST.
  EXPECT_EQ(latest_digest_slot(1748927100, DigestFrequency::Weekly), 1748840400);
  // Winter: Wednesday 15 January 2025 12:00 UTC; 07:00 CET = 06:00 UTC.
  EXPECT_EQ(latest_digest_slot(1736942400, DigestFrequency::Daily), 1736920800);
  // Weekly in winter: Monday 13 January 2025 06:00 UTC.
  EXPECT_EQ(latest_digest_slot(1736942400, DigestFrequency::Weekly), 1736748000);
}

INSTANTIATE_TEST_SUITE_P(Backends, NotificationsDigestTest, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
