// The discussions service on both databases: topics and replies with their limits and escaping,
// closed topics and groups one has left or that are archived, the topic list and pagination, the
// member's place (unread marker and resume point), quotes, mentions, edits with history, "useful",
// accepted answers, flags, hiding (audited, content kept), moving, and search that shows only what
// the searcher may see.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "audit/audit.h"
#include "auth/service.h"
#include "db/migrations.h"
#include "discussions/service.h"
#include "notifications/watch.h"
#include "regions/seed.h"
#include "support/test_databases.h"

namespace {

using discussions::Failure;
using discussions::Kind;
using discussions::NewReply;
using discussions::NewTopic;
using discussions::PostEdit;

constexpr std::int64_t kNetwork = 1;  // KKP West-Brabant & Zeeland
constexpr std::int64_t kNow = 1748865600;

class DiscussionsServiceTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open(db::Options{8});
    db::migrate(*db_);
    db_->write([&](db::Session& session) { regions::seed_demo(session); });
    ict_ = group_id("ict");
    hrm_ = group_id("hrm");
    discussions::ServiceOptions options;
    options.clock = [this] { return now_.load(); };
    service_ = std::make_unique<discussions::Service>(*db_, options);
    host_ = add_member("Hanna Host");
    piet_ = add_member("Piet Jansen");
    anna_ = add_member("Anna de Vries");
    outsider_ = add_member("Otto Buiten");
    coordinator_ = add_member("Carla Coordinator", auth::Role::Coordinator);
    join(ict_, host_, "host");
    join(ict_, piet_);
    join(ict_, anna_);
    join(hrm_, host_, "host");
  }

  std::int64_t group_id(std::string_view slug) {
    return db_->read([&](db::Session& session) {
      return session.query_one("SELECT id FROM knowledge_groups WHERE network_id = ? AND slug = ?",
                               {kNetwork, std::string(slug)})
          ->int64(0);
    });
  }

  std::int64_t add_member(const std::string& name, auth::Role role = auth::Role::Member) {
    return db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.name = name;
      std::string email;
      for (char c : name) email += c == ' ' ? '.' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      account.email = email + std::to_string(++emails_) + "@example.nl";
      account.verified = true;
      account.created_at = kNow;
      const std::int64_t id = auth::create_account(session, account);
      auth::add_membership(session, id, kNetwork, role, auth::MembershipStatus::Active, kNow);
      names_[id] = name;
      return id;
    });
  }

  void join(std::int64_t group, std::int64_t account, std::string_view role = "member") {
    db_->write([&](db::Session& session) {
      session.execute(
          "INSERT INTO group_members (group_id, account_id, role, state, created_at, joined_at) "
          "VALUES (?, ?, ?, 'active', ?, ?)",
          {group, account, std::string(role), kNow, kNow});
    });
  }

  void leave(std::int64_t group, std::int64_t account) {
    db_->write([&](db::Session& session) {
      session.execute("DELETE FROM group_members WHERE group_id = ? AND account_id = ?", {group, account});
    });
  }

  void set_group(std::int64_t group, std::string_view column, db::Value value) {
    db_->write([&](db::Session& session) {
      session.execute("UPDATE knowledge_groups SET " + std::string(column) + " = ? WHERE id = ?", {value, group});
    });
  }

  discussions::Viewer as(std::int64_t account) {
    http::Viewer viewer;
    viewer.account_id = account;
    viewer.name = names_[account];
    viewer.email = "x@example.nl";
    viewer.language = "nl";
    return viewer;
  }

  discussions::Topic topic(std::int64_t author, std::string title, std::string body,
                           Kind kind = Kind::Discussion, std::optional<std::int64_t> group = {}) {
    auto created = service_->create_topic(as(author), group.value_or(ict_), NewTopic{title, body, kind});
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message_key);
    return created.ok() ? *created.value : discussions::Topic{};
  }

  discussions::Post reply(std::int64_t author, std::int64_t topic_id, std::string body,
                          std::optional<std::int64_t> quote_of = {}) {
    auto posted = service_->reply(as(author), topic_id, NewReply{body, quote_of});
    EXPECT_TRUE(posted.ok()) << (posted.ok() ? "" : posted.error().message_key);
    now_ += 60;
    return posted.ok() ? *posted.value : discussions::Post{};
  }

  std::int64_t count(std::string_view table) {
    return db_->read(
        [&](db::Session& session) { return session.query_one("SELECT COUNT(*) FROM " + std::string(table))->int64(0); });
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<discussions::Service> service_;
  std::atomic<std::int64_t> now_{kNow};
  std::map<std::int64_t, std::string> names_;
  int emails_ = 0;
  std::int64_t ict_ = 0, hrm_ = 0;
  std::int64_t host_ = 0, piet_ = 0, anna_ = 0, outsider_ = 0, coordinator_ = 0;
};

TEST_P(DiscussionsServiceTest, MemberStartsATopicWhoseOpeningPostIsNumberOneAndRenderedOnSave) {
  const auto created = topic(piet_, "Btw op buitenlandse diensten", "Hoe zit het met **verlegde** btw?");
  EXPECT_EQ(created.title, "Btw op buitenlandse diensten");
  EXPECT_EQ(created.reply_count, 0);
  EXPECT_EQ(created.last_post_number, 1);
  const auto page = service_->topic_page(as(anna_), created.id, 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page.value->posts.size(), 1u);
  EXPECT_EQ(page.value->posts[0].post_number, 1);
  EXPECT_EQ(page.value->posts[0].author_name, "Piet Jansen");
  EXPECT_NE(page.value->posts[0].body_html.find("<strong>verlegde</strong>"), std::string::npos);
  EXPECT_TRUE(page.value->can.reply);
  EXPECT_FALSE(page.value->can.moderate);
}

TEST_P(DiscussionsServiceTest, EmptyTitleAndBodyAreRefusedWithBothFieldsAndNothingIsWritten) {
  const auto created = service_->create_topic(as(piet_), ict_, NewTopic{"   ", " \n ", Kind::Discussion});
  ASSERT_FALSE(created.ok());
  ASSERT_EQ(created.errors.size(), 2u);
  EXPECT_EQ(created.errors[0].field, "titel");
  EXPECT_EQ(created.errors[0].message_key, "discussions.error.title_required");
  EXPECT_EQ(created.errors[1].field, "inhoud");
  EXPECT_EQ(discussions::http_status(created.error().failure), 422);
  EXPECT_EQ(count("topics"), 0);
  EXPECT_EQ(count("replies"), 0);
}

TEST_P(DiscussionsServiceTest, AMegabytePostIsRefusedAsTooLargeAndNothingIsWritten) {
  const auto created = service_->create_topic(as(piet_), ict_, NewTopic{"Groot", std::string(1 << 20, 'a'), Kind::Discussion});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().failure, Failure::TooLarge);
  EXPECT_EQ(created.error().message_key, "discussions.error.body_too_long");
  const auto first = topic(piet_, "Klein", "Kort");
  const auto posted = service_->reply(as(anna_), first.id, NewReply{std::string(discussions::kMaxBodyBytes + 1, 'x'), {}});
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(discussions::http_status(posted.error().failure), 413);
  EXPECT_EQ(count("topics"), 1);
  EXPECT_EQ(count("replies"), 1);
}

TEST_P(DiscussionsServiceTest, ScriptAndHtmlInTitleAndBodyAreNeverRenderedAsMarkup) {
  const auto created = topic(piet_, "<script>alert('t')</script>",
                             "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[klik](javascript:alert(3)) "
                             "<a href=\"https://evil.example\">x</a>");
  const auto page = service_->topic_page(as(anna_), created.id, 1);
  ASSERT_TRUE(page.ok());
  const std::string& html = page.value->posts[0].body_html;
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
  EXPECT_EQ(html.find("<a href=\"https://evil"), std::string::npos) << html;
  // The title is stored as typed: templates escape it.
  EXPECT_EQ(page.value->topic.title, "<script>alert('t')</script>");
}

TEST_P(DiscussionsServiceTest, MalformedMarkdownAndBadBytesAreHandledSafely) {
  const auto created = topic(piet_, "Rommel", "**niet gesloten [link](\n\n| a | b\n|---\n```\nopen code");
  const auto page = service_->topic_page(as(anna_), created.id, 1);
  ASSERT_TRUE(page.ok());
  EXPECT_FALSE(page.value->posts[0].body_html.empty());
  const auto bad = service_->create_topic(as(piet_), ict_, NewTopic{"Fout", std::string("a\0b", 3), Kind::Discussion});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message_key, "discussions.error.invalid_text");
  const auto latin1 = service_->create_topic(as(piet_), ict_, NewTopic{"Caf\xe9", "tekst", Kind::Discussion});
  ASSERT_FALSE(latin1.ok());
  EXPECT_EQ(latin1.error().field, "titel");
  EXPECT_EQ(count("topics"), 1);
}

TEST_P(DiscussionsServiceTest, TablesAutolinksAndTaskListsRenderWithNofollowLinks) {
  const auto created =
      topic(piet_, "Opmaak", "| Maand | Omzet |\n|---|---|\n| jan | 10 |\n\nZie https://www.belastingdienst.nl\n\n- [x] klaar\n- [ ] open");
  const std::string html = service_->topic_page(as(anna_), created.id, 1).value->posts[0].body_html;
  EXPECT_NE(html.find("<table>"), std::string::npos) << html;
  EXPECT_NE(html.find("rel=\"nofollow ugc noopener\" href=\"https://www.belastingdienst.nl\""), std::string::npos) << html;
  EXPECT_NE(html.find("type=\"checkbox\""), std::string::npos) << html;
}

TEST_P(DiscussionsServiceTest, ReplyingToAClosedTopicIsAConflictAndWritesNothing) {
  const auto created = topic(piet_, "Gesloten", "Tekst");
  ASSERT_TRUE(service_->set_closed(as(host_), created.id, true).ok());
  const auto posted = service_->reply(as(anna_), created.id, NewReply{"Nog iets", {}});
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().failure, Failure::Conflict);
  EXPECT_EQ(posted.error().message_key, "discussions.error.closed");
  EXPECT_EQ(count("replies"), 1);
  ASSERT_TRUE(service_->set_closed(as(host_), created.id, false).ok());
  reply(anna_, created.id, "Nu wel");
  EXPECT_EQ(count("replies"), 2);
}

TEST_P(DiscussionsServiceTest, AMemberWhoLeftTheGroupCanReadButNotPost) {
  const auto created = topic(piet_, "Vertrek", "Tekst");
  leave(ict_, anna_);
  const auto posted = service_->reply(as(anna_), created.id, NewReply{"Toch nog", {}});
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().failure, Failure::Forbidden);
  EXPECT_EQ(posted.error().message_key, "discussions.error.not_member");
  const auto started = service_->create_topic(as(anna_), ict_, NewTopic{"Nieuw", "Tekst", Kind::Discussion});
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().failure, Failure::Forbidden);
  EXPECT_EQ(count("replies"), 1);
  // ict is visible to the network: she still reads it, without a reply form.
  const auto page = service_->topic_page(as(anna_), created.id, 1);
  ASSERT_TRUE(page.ok());
  EXPECT_FALSE(page.value->can.reply);
}

TEST_P(DiscussionsServiceTest, AnArchivedGroupIsReadOnlyForEveryone) {
  const auto created = topic(piet_, "Archief", "Tekst");
  set_group(ict_, "archived_at", kNow);
  const auto posted = service_->reply(as(piet_), created.id, NewReply{"Nog", {}});
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().message_key, "discussions.error.archived");
  EXPECT_FALSE(service_->edit(as(host_), 1, PostEdit{"Anders", {}}).ok());
  EXPECT_FALSE(service_->set_pinned(as(host_), created.id, true).ok());
  EXPECT_EQ(count("replies"), 1);
}

TEST_P(DiscussionsServiceTest, AnOutsiderSeesNeitherTopicsNorSearchHitsOfAGroupOnlyGroup) {
  set_group(ict_, "visibility", std::string("group"));
  const auto created = topic(piet_, "Geheime factuurvraag", "Over facturatie");
  reply(anna_, created.id, "Facturen versturen met Peppol");
  EXPECT_EQ(service_->topic_page(as(outsider_), created.id, 1).error().failure, Failure::NotFound);
  EXPECT_EQ(service_->topic_page(std::nullopt, created.id, 1).error().failure, Failure::NotFound);
  EXPECT_EQ(service_->topics(as(outsider_), ict_, 1).error().failure, Failure::NotFound);
  EXPECT_EQ(service_->reply(as(outsider_), created.id, NewReply{"Hoi", {}}).error().failure, Failure::NotFound);
  EXPECT_EQ(service_->quote(as(outsider_), 2).error().failure, Failure::NotFound);
  EXPECT_TRUE(service_->search(as(outsider_), "factuur", std::nullopt, 10).empty());
  EXPECT_TRUE(service_->search(as(outsider_), "factuur", ict_, 10).empty());
  EXPECT_EQ(service_->search(as(anna_), "factuur", std::nullopt, 10).size(), 2u);
  // Coordinators see every group of their network.
  EXPECT_TRUE(service_->topic_page(as(coordinator_), created.id, 1).ok());
}

TEST_P(DiscussionsServiceTest, TheTopicListShowsPinnedFirstThenLatestActivityWithUnreadCounts) {
  const auto old_topic = topic(piet_, "Oud", "Tekst");
  now_ += 100;
  const auto pinned = topic(host_, "Welkom", "Lees dit eerst");
  now_ += 100;
  const auto fresh = topic(anna_, "Nieuw", "Tekst");
  now_ += 100;
  ASSERT_TRUE(service_->set_pinned(as(host_), pinned.id, true).ok());
  ASSERT_TRUE(service_->topic_page(as(piet_), fresh.id, 1).ok());  // Piet reads "Nieuw"
  reply(anna_, fresh.id, "Een");
  reply(anna_, fresh.id, "Twee");
  reply(anna_, old_topic.id, "Oud maar actief");

  const auto list = service_->topics(as(piet_), ict_, 1);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list.value->topics.size(), 3u);
  EXPECT_EQ(list.value->topics[0].topic.id, pinned.id);
  EXPECT_EQ(list.value->topics[1].topic.id, old_topic.id);
  EXPECT_EQ(list.value->topics[2].topic.id, fresh.id);
  EXPECT_TRUE(list.value->topics[2].visited);
  EXPECT_EQ(list.value->topics[2].unread, 0) << "read only: Normal, which shows no counts";
  // His own topic he watches (the author's automatic level): read up to his post, Anna replied since.
  EXPECT_EQ(list.value->topics[1].unread, 1);
  EXPECT_FALSE(list.value->topics[0].visited);
}

TEST_P(DiscussionsServiceTest, TrackingShowsUnreadCountsFromTheMembersReadPlace) {
  const auto subject = topic(anna_, "Offertes", "Hoe lang geldig?");
  ASSERT_TRUE(service_->topic_page(as(piet_), subject.id, 1).ok());  // Piet reads post 1
  reply(anna_, subject.id, "Dertig dagen.");
  reply(host_, subject.id, "Of zestig.");
  const auto unread = [&] {
    const auto list = service_->topics(as(piet_), ict_, 1);
    EXPECT_TRUE(list.ok());
    for (const auto& summary : list.value->topics)
      if (summary.topic.id == subject.id) return summary.unread;
    ADD_FAILURE() << "topic not listed";
    return std::int64_t{-1};
  };
  EXPECT_EQ(unread(), 0);  // Normal
  db_->write([&](db::Session& session) {
    notifications::set_watch_level(session, piet_, notifications::Target::Group, ict_, notifications::Level::Tracking,
                                   now_);
  });
  EXPECT_EQ(unread(), 2);  // tracking the group
  // Reading the topic moves the one place that counts: the count, the unread marker and the resume point.
  ASSERT_TRUE(service_->topic_page(as(piet_), subject.id, 1).ok());
  EXPECT_EQ(unread(), 0);
  reply(host_, subject.id, "Afhankelijk van de klant.");
  EXPECT_EQ(unread(), 1);
  // A topic's own level overrides the group's: muted, no count.
  db_->write([&](db::Session& session) {
    notifications::set_watch_level(session, piet_, notifications::Target::Topic, subject.id,
                                   notifications::Level::Muted, now_);
  });
  EXPECT_EQ(unread(), 0);
}

TEST_P(DiscussionsServiceTest, PagesHoldFiftyPostsAndKeepTheMembersPlace) {
  const auto created = topic(piet_, "Lang", "Begin");
  for (int i = 2; i <= 120; ++i) reply(i % 2 == 0 ? anna_ : host_, created.id, "Bericht " + std::to_string(i));
  const auto page2 = service_->topic_page(as(outsider_), created.id, 2);
  ASSERT_TRUE(page2.ok());
  EXPECT_EQ(page2.value->page_count, 3);
  ASSERT_EQ(page2.value->posts.size(), 50u);
  EXPECT_EQ(page2.value->posts.front().post_number, 51);
  EXPECT_FALSE(page2.value->first_unread_post_number) << "a first visit marks nothing";
  // Only page 2 was read, up to 100: the first unread is 101 on page 3.
  const auto resume = service_->resume_point(as(outsider_), created.id);
  ASSERT_TRUE(resume);
  EXPECT_EQ(resume->page, 3);
  const auto page3 = service_->topic_page(as(outsider_), created.id, 3);
  EXPECT_EQ(page3.value->first_unread_post_number, 101);
  EXPECT_EQ(resume->reply_id, page3.value->posts[0].id);
  reply(anna_, created.id, "Nummer 121");
  const auto again = service_->topic_page(as(outsider_), created.id, 3);
  EXPECT_EQ(again.value->first_unread_post_number, 121);
  // Reading page 1 afterwards never moves the place back.
  ASSERT_TRUE(service_->topic_page(as(outsider_), created.id, 1).ok());
  const auto later = service_->resume_point(as(outsider_), created.id);
  EXPECT_EQ(later->page, 3);
  EXPECT_FALSE(service_->resume_point(std::nullopt, created.id));
  // Pages past the end show the last page.
  EXPECT_EQ(service_->topic_page(as(anna_), created.id, 99).value->page, 3);
}

TEST_P(DiscussionsServiceTest, AQuoteIsABlockquoteWithAttributionLinkingToTheOriginal) {
  const auto created = topic(piet_, "Citaat", "Eerste regel\n\nTweede regel");
  const auto quote = service_->quote(as(anna_), created.last_reply_id.value());
  ASSERT_TRUE(quote.ok());
  const std::string expected_link =
      "/onderwerpen/" + std::to_string(created.id) + "#reactie-" + std::to_string(*created.last_reply_id);
  EXPECT_NE(quote.value->find("> **[Piet Jansen](" + expected_link + ")**"), std::string::npos) << *quote.value;
  EXPECT_NE(quote.value->find("> Eerste regel\n>\n> Tweede regel"), std::string::npos) << *quote.value;
  const auto answer = reply(anna_, created.id, *quote.value + "Mee eens.", created.last_reply_id);
  EXPECT_EQ(answer.quote_of, created.last_reply_id);
  EXPECT_NE(answer.body_html.find("<blockquote>"), std::string::npos);
  EXPECT_NE(answer.body_html.find("href=\"" + expected_link + "\""), std::string::npos) << answer.body_html;
}

TEST_P(DiscussionsServiceTest, MentionsLinkAUniqueMemberOfTheNetworkAndNobodyWhenAmbiguous) {
  const std::int64_t twin1 = add_member("Jan Smit");
  add_member("Jan Smit");
  const auto created = topic(piet_, "Vraag", "Wat vind jij, @anna-de-vries? En @Jan-Smit, @Niemand-Hier of `@Piet-Jansen`?");
  const auto post = service_->topic_page(as(anna_), created.id, 1).value->posts[0];
  EXPECT_NE(post.body_html.find("href=\"/leden/" + std::to_string(anna_) + "\">@anna-de-vries</a>"), std::string::npos)
      << post.body_html;
  EXPECT_EQ(post.body_html.find("/leden/" + std::to_string(twin1)), std::string::npos);
  EXPECT_NE(post.body_html.find("@Niemand-Hier"), std::string::npos);
  EXPECT_EQ(post.body_html.find("/leden/" + std::to_string(piet_)), std::string::npos) << "not in code";
  const auto mentioned = db_->read([&](db::Session& session) {
    return session.query("SELECT account_id FROM reply_mentions WHERE reply_id = ?", {post.id});
  });
  ASSERT_EQ(mentioned.size(), 1u);
  EXPECT_EQ(mentioned[0].int64(0), anna_);
}

TEST_P(DiscussionsServiceTest, EditsKeepAVisibleHistoryAndOnlyAuthorsAndHostsMayEdit) {
  const auto created = topic(piet_, "Titel een", "Versie een");
  const std::int64_t post_id = created.last_reply_id.value();
  now_ += 10;
  ASSERT_TRUE(service_->edit(as(piet_), post_id, PostEdit{"Versie twee", std::string("Titel twee")}).ok());
  now_ += 10;
  const auto by_host = service_->edit(as(host_), post_id, PostEdit{"Versie drie", {}});
  ASSERT_TRUE(by_host.ok());
  EXPECT_EQ(by_host.value->revision_count, 2);
  const auto refused = service_->edit(as(anna_), post_id, PostEdit{"Gekaapt", {}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().failure, Failure::Forbidden);
  const auto empty = service_->edit(as(piet_), post_id, PostEdit{"", {}});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().field, "inhoud");

  const auto history = service_->history(as(anna_), post_id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history.value->versions.size(), 3u);
  EXPECT_EQ(history.value->versions[0].body_markdown, "Versie een");
  EXPECT_EQ(history.value->versions[0].title, "Titel een");
  EXPECT_EQ(history.value->versions[0].author_name, "Piet Jansen");
  EXPECT_EQ(history.value->versions[0].created_at, kNow);
  EXPECT_EQ(history.value->versions[1].body_markdown, "Versie twee");
  EXPECT_EQ(history.value->versions[1].author_name, "Piet Jansen");
  EXPECT_EQ(history.value->versions[2].body_markdown, "Versie drie");
  EXPECT_EQ(history.value->versions[2].author_name, "Hanna Host");
  EXPECT_TRUE(history.value->versions[2].current);
  EXPECT_EQ(history.value->topic.title, "Titel twee");
  // Search follows the edit.
  EXPECT_EQ(service_->search(as(anna_), "drie", std::nullopt, 5).size(), 1u);
  EXPECT_EQ(service_->search(as(anna_), "versie", std::nullopt, 5).size(), 1u);
}

TEST_P(DiscussionsServiceTest, UsefulTogglesWithACountButNotOnOnesOwnPost) {
  const auto created = topic(piet_, "Nuttig", "Tekst");
  const std::int64_t post_id = created.last_reply_id.value();
  auto first = service_->toggle_useful(as(anna_), post_id);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first.value->useful);
  EXPECT_EQ(first.value->count, 1);
  EXPECT_EQ(service_->toggle_useful(as(host_), post_id).value->count, 2);
  EXPECT_TRUE(service_->topic_page(as(anna_), created.id, 1).value->posts[0].viewer_found_useful);
  auto undone = service_->toggle_useful(as(anna_), post_id);
  EXPECT_FALSE(undone.value->useful);
  EXPECT_EQ(undone.value->count, 1);
  EXPECT_EQ(service_->toggle_useful(as(piet_), post_id).error().message_key, "discussions.error.own_post");
  EXPECT_EQ(service_->toggle_useful(as(outsider_), post_id).error().failure, Failure::Forbidden);
  EXPECT_EQ(service_->topic_page(as(anna_), created.id, 1).value->posts[0].useful_count, 1);
}

// The topic page of a caller that keeps the posts' HTML reads the posts' rows once per topic version:
// every write that changes what a post shows must change the version in its own transaction, so that
// the next page shows it, and the viewer's own reactions are never shared between viewers.
TEST_P(DiscussionsServiceTest, APageOfPostsKeptPerTopicVersionShowsEveryChangeAtOnce) {
  const auto created = topic(piet_, "Versies", "Openingsvraag");
  const auto answer = reply(anna_, created.id, "Eerste antwoord");
  const discussions::Service::NeedsHtml html_kept = [](const auto&, const auto&) { return false; };
  const auto page = [&](std::int64_t viewer) {
    auto view = service_->topic_page(as(viewer), created.id, 1, html_kept);
    EXPECT_TRUE(view.ok());
    return *view.value;
  };
  const auto version = [&] { return page(host_).topic.version; };
  const std::int64_t at_start = version();
  EXPECT_EQ(version(), at_start) << "reading changes nothing";
  ASSERT_EQ(page(host_).posts.size(), 2u);

  reply(host_, created.id, "Tweede antwoord");
  EXPECT_GT(version(), at_start);
  EXPECT_EQ(page(anna_).posts.size(), 3u);

  std::int64_t before = version();
  ASSERT_TRUE(service_->edit(as(anna_), answer.id, PostEdit{"Verbeterd antwoord", std::nullopt}).ok());
  EXPECT_GT(version(), before);
  EXPECT_EQ(page(piet_).posts[1].revision_count, 1);

  before = version();
  ASSERT_TRUE(service_->toggle_useful(as(piet_), answer.id).ok());
  EXPECT_GT(version(), before);
  EXPECT_EQ(page(host_).posts[1].useful_count, 1);
  EXPECT_TRUE(page(piet_).posts[1].viewer_found_useful);
  EXPECT_FALSE(page(host_).posts[1].viewer_found_useful);
  EXPECT_FALSE(page(anna_).posts[1].viewer_found_useful);

  before = version();
  ASSERT_TRUE(service_->set_hidden(as(host_), answer.id, true).ok());
  EXPECT_GT(version(), before);
  EXPECT_TRUE(page(piet_).posts[1].hidden());

  // A new name comes from another feature's write (accounts): the database bumps the version itself.
  before = version();
  db_->write([&](db::Session& session) {
    session.execute("UPDATE accounts SET name = 'Anna Jansen' WHERE id = ?", {anna_});
  });
  EXPECT_GT(version(), before);
  EXPECT_EQ(page(piet_).posts[1].author_name, "Anna Jansen");

  // Pinning and closing are read with the topic row on every request: no version needed.
  ASSERT_TRUE(service_->set_closed(as(host_), created.id, true).ok());
  EXPECT_TRUE(page(piet_).topic.closed());
}

TEST_P(DiscussionsServiceTest, TheAskerOrAHostMarksTheAcceptedAnswerShownAtTheTop) {
  const auto question = topic(piet_, "Hoe factureer ik?", "Vraag", Kind::Question);
  const auto wrong = reply(host_, question.id, "Zo niet");
  const auto right = reply(anna_, question.id, "Zo wel");
  EXPECT_EQ(service_->accept(as(anna_), right.id).error().message_key, "discussions.error.not_asker");
  ASSERT_TRUE(service_->accept(as(piet_), wrong.id).ok());
  ASSERT_TRUE(service_->accept(as(host_), right.id).ok());
  const auto page = service_->topic_page(as(outsider_), question.id, 1);
  ASSERT_TRUE(page.value->accepted);
  EXPECT_EQ(page.value->accepted->id, right.id);
  ASSERT_TRUE(service_->accept(as(piet_), wrong.id).ok());  // another reply replaces the answer
  EXPECT_EQ(service_->topic_page(as(outsider_), question.id, 1).value->accepted->id, wrong.id);
  EXPECT_EQ(service_->accept(as(piet_), page.value->posts[0].id).error().message_key,
            "discussions.error.accept_opening");
  const auto discussion = topic(piet_, "Praatje", "Geen vraag");
  const auto answer = reply(anna_, discussion.id, "Antwoord");
  EXPECT_EQ(service_->accept(as(piet_), answer.id).error().failure, Failure::Conflict);
  ASSERT_TRUE(service_->unaccept(as(piet_), question.id).ok());
  EXPECT_FALSE(service_->topic_page(as(piet_), question.id, 1).value->accepted);
}

TEST_P(DiscussionsServiceTest, FlaggedPostsAreHiddenByHostsKeptInTheDatabaseAndAudited) {
  const auto created = topic(piet_, "Ruzie", "Rustig begin");
  const auto rude = reply(anna_, created.id, "Scheldwoorden en reclame voor casino");
  EXPECT_EQ(service_->flag(as(piet_), rude.id, "  ").error().field, "reden");
  ASSERT_TRUE(service_->flag(as(piet_), rude.id, "Ongepast").ok());
  EXPECT_EQ(service_->flag(as(piet_), rude.id, "Nogmaals").error().failure, Failure::Conflict);
  EXPECT_EQ(service_->open_flags(as(piet_), ict_).error().failure, Failure::Forbidden);
  const auto flags = service_->open_flags(as(host_), ict_);
  ASSERT_TRUE(flags.ok());
  ASSERT_EQ(flags.value->flags.size(), 1u);
  EXPECT_EQ(flags.value->flags[0].reason, "Ongepast");
  EXPECT_EQ(flags.value->flags[0].reporter_name, "Piet Jansen");

  EXPECT_EQ(service_->set_hidden(as(piet_), rude.id, true).error().failure, Failure::Forbidden);
  ASSERT_TRUE(service_->set_hidden(as(host_), rude.id, true).ok());
  EXPECT_TRUE(service_->open_flags(as(host_), ict_).value->flags.empty());
  const auto member_view = service_->topic_page(as(piet_), created.id, 1);
  EXPECT_TRUE(member_view.value->posts[1].hidden());
  EXPECT_TRUE(member_view.value->posts[1].body_html.empty());
  const auto host_view = service_->topic_page(as(host_), created.id, 1);
  EXPECT_NE(host_view.value->posts[1].body_html.find("casino"), std::string::npos);
  EXPECT_TRUE(service_->search(as(piet_), "casino", std::nullopt, 5).empty());
  EXPECT_EQ(service_->quote(as(piet_), rude.id).error().failure, Failure::NotFound);
  const auto stored = db_->read([&](db::Session& session) {
    return session.query_one("SELECT body_markdown FROM replies WHERE id = ?", {rude.id})->text(0);
  });
  EXPECT_EQ(stored, "Scheldwoorden en reclame voor casino");
  const auto entries =
      db_->read([&](db::Session& session) { return audit::entries_with_action(session, "discussions.post.hide"); });
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].actor_account_id, host_);
  EXPECT_EQ(entries[0].subject_id, rude.id);

  ASSERT_TRUE(service_->set_hidden(as(host_), rude.id, false).ok());
  EXPECT_EQ(service_->search(as(piet_), "casino", std::nullopt, 5).size(), 1u);
}

TEST_P(DiscussionsServiceTest, HidingTheOpeningPostHidesTheTopicFromTheListForMembers) {
  const auto created = topic(anna_, "Spam", "Koop nu");
  ASSERT_TRUE(service_->set_hidden(as(host_), created.last_reply_id.value(), true).ok());
  EXPECT_TRUE(service_->topics(as(piet_), ict_, 1).value->topics.empty());
  EXPECT_EQ(service_->topics(as(host_), ict_, 1).value->topics.size(), 1u);
  const auto page = service_->topic_page(as(piet_), created.id, 1);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page.value->topic.hidden());
  EXPECT_TRUE(page.value->topic.title.empty());
  EXPECT_FALSE(page.value->can.reply);
}

TEST_P(DiscussionsServiceTest, HostsMoveATopicToAnotherGroupOfTheSameNetworkOnly) {
  const auto created = topic(piet_, "Verkeerde groep", "Dit is HR");
  const std::int64_t other_network_group = db_->read([&](db::Session& session) {
    return session.query_one("SELECT id FROM knowledge_groups WHERE network_id <> ? ORDER BY id LIMIT 1", {kNetwork})
        ->int64(0);
  });
  EXPECT_EQ(service_->move(as(piet_), created.id, hrm_).error().failure, Failure::Forbidden);
  EXPECT_EQ(service_->move(as(host_), created.id, other_network_group).error().field, "groep");
  const auto targets = service_->move_targets(as(host_), created.id);
  ASSERT_TRUE(targets.ok());
  ASSERT_EQ(targets.value->size(), 1u);  // the host moderates only hrm besides ict
  EXPECT_EQ(targets.value->front().id, hrm_);
  ASSERT_TRUE(service_->move(as(host_), created.id, hrm_).ok());
  EXPECT_EQ(service_->topic_page(as(piet_), created.id, 1).value->group.id, hrm_);
  EXPECT_TRUE(service_->topics(as(piet_), ict_, 1).value->topics.empty());
  const auto entries =
      db_->read([&](db::Session& session) { return audit::entries_with_action(session, "discussions.topic.move"); });
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].details["to_group_id"], hrm_);
}

TEST_P(DiscussionsServiceTest, SearchFindsDutchStemsInTitlesAndRepliesWithExcerptsAndPaths) {
  const auto created = topic(piet_, "Verzekeringen voor zzp'ers", "Welke aansprakelijkheidsverzekering hebben jullie?");
  now_ += 10;
  const auto answer = reply(anna_, created.id, "Ik heb een beroepsaansprakelijkheid via de branchevereniging. Mijn verzekering dekt ook cyberschade.");
  const auto hits = service_->search(as(host_), "verzekering", std::nullopt, 10);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].kind, "topic");  // the title weighs most
  EXPECT_EQ(hits[0].path, "/onderwerpen/" + std::to_string(created.id));
  EXPECT_EQ(hits[1].kind, "reply");
  EXPECT_EQ(hits[1].id, answer.id);
  EXPECT_EQ(hits[1].title, "Verzekeringen voor zzp'ers");
  EXPECT_EQ(hits[1].group_id, ict_);
  EXPECT_NE(hits[1].excerpt.find("verzekering"), std::string::npos) << hits[1].excerpt;
  EXPECT_NE(hits[1].path.find("#reactie-" + std::to_string(answer.id)), std::string::npos);
  EXPECT_TRUE(service_->search(as(host_), "verzekering", hrm_, 10).empty());
  EXPECT_TRUE(service_->search(as(host_), "\" OR 1=1 --", std::nullopt, 10).empty());
  EXPECT_EQ(service_->search(as(host_), "cybersch", std::nullopt, 10).size(), 1u);
}

TEST_P(DiscussionsServiceTest, TheLastWordIsWidenedToAPrefixOnlyWhenTheWholeWordFindsTooFew) {
  const auto longer = topic(piet_, "Factuurnummers", "Hoe nummert u ze?");
  const auto exact = topic(anna_, "Factuur kwijt", "Wat nu?");
  const auto one = service_->search(as(host_), "factuur", std::nullopt, 1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].topic_id, exact.id);  // enough whole-word hits: no prefix scan
  // Too few: "factuur" also as the start of "factuurnummers". (PostgreSQL stems a prefix too, and its
  // Dutch stem of "factuur" is "factur", no start of "factuurnummer": SQLite only.)
  if (GetParam() == db::Backend::Sqlite) {
    const auto both = service_->search(as(host_), "factuur", std::nullopt, 10);
    ASSERT_EQ(both.size(), 2u);
    EXPECT_TRUE(both[0].topic_id == longer.id || both[1].topic_id == longer.id);
  }
}

TEST_P(DiscussionsServiceTest, SimultaneousRepliesGetDistinctPostNumbers) {
  const auto created = topic(piet_, "Druk", "Begin");
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&, i] {
      if (service_->reply(as(i % 2 == 0 ? anna_ : host_), created.id, NewReply{"Tegelijk " + std::to_string(i), {}}).ok()) {
        ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 12);
  const auto page = service_->topic_page(as(piet_), created.id, 1);
  ASSERT_EQ(page.value->posts.size(), 13u);
  for (std::size_t i = 0; i < page.value->posts.size(); ++i) {
    EXPECT_EQ(page.value->posts[i].post_number, static_cast<std::int64_t>(i) + 1);
  }
  EXPECT_EQ(page.value->topic.reply_count, 12);
}

TEST_P(DiscussionsServiceTest, UnknownIdsAreNotFound) {
  EXPECT_EQ(service_->topic_page(as(piet_), 999, 1).error().failure, Failure::NotFound);
  EXPECT_EQ(service_->reply(as(piet_), 999, NewReply{"x", {}}).error().failure, Failure::NotFound);
  EXPECT_EQ(service_->edit(as(piet_), 999, PostEdit{"x", {}}).error().failure, Failure::NotFound);
  EXPECT_EQ(service_->toggle_useful(as(piet_), 999).error().failure, Failure::NotFound);
  EXPECT_EQ(service_->create_topic(as(piet_), 999, NewTopic{"a", "b", Kind::Discussion}).error().failure,
            Failure::NotFound);
  EXPECT_EQ(service_->dismiss_flag(as(host_), 999).error().failure, Failure::NotFound);
  EXPECT_FALSE(service_->group(as(piet_), "kkp", "bestaat-niet").ok());
}

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

INSTANTIATE_TEST_SUITE_P(Backends, DiscussionsServiceTest, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);

}  // namespace
