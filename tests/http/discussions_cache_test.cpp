// The topic page's cache of rendered posts (discussions/fragment_cache.h) through the real binary on
// both databases: every page here is read first so that its posts are cached, then something changes,
// and the next read must show the change at once: an edit, a hidden post (its text for hosts only), a
// new reply with the unread marker before it, a reaction (the count for everyone, the pressed button
// for the one who reacted), a renamed author, the reader's language, a post changed outside the
// service (the page's posts are kept per topic version). Each member keeps their own
// controls on a shared cached post, and a member outside a private group never gets its cached page.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/discussions_fixture.h"
#include "support/text.h"

using testing_support::HttpResponse;
using testing_support::Member;

namespace {

using testing_support::contains;

// The <li> of one post on a topic page ("" when the page does not show it).
std::string post_item(const std::string& page, std::int64_t reply_id) {
  const std::size_t start = page.find("id=\"reactie-" + std::to_string(reply_id) + "\"");
  if (start == std::string::npos) return "";
  const std::size_t end = page.find("</li>", start);
  return page.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class TopicPageCache : public testing_support::DiscussionsServerTest {
 protected:
  void SetUp() override {
    DiscussionsServerTest::SetUp();
    host_ = member("Hanna Host", ict_, "host");
    piet_ = member("Piet Jansen", ict_, "member");
    anna_ = member("Anna de Vries", ict_, "member");
    // A member of the network and of another group, not of ict.
    other_ = member("Olga Anders", group_id("hrm"), "member");
  }

  // Reads the page twice, so that its posts are certainly cached for this reader's controls.
  std::string warm(Member& who, const std::string& path) {
    EXPECT_EQ(who.get(path).status, 200) << path;
    const HttpResponse page = who.get(path);
    EXPECT_EQ(page.status, 200) << path;
    return page.body;
  }

  std::unique_ptr<Member> host_, piet_, anna_, other_;
};

TEST_P(TopicPageCache, AnEditShowsAtOnceOnACachedPage) {
  const auto created = topic(*piet_, "Btw-verlegging", "Eerste versie van de vraag");
  const auto answer = reply(*anna_, created.id, "Antwoord van Anna");
  const std::string path = "/onderwerpen/" + std::to_string(created.id) + "?pagina=1";
  EXPECT_TRUE(contains(warm(*anna_, path), "Eerste versie van de vraag"));
  warm(*piet_, path);

  const auto saved = piet_->post("/reacties/" + std::to_string(*created.last_reply_id) + "/bewerken",
                                 {{"titel", "Btw-verlegging"}, {"inhoud", "Tweede versie van de vraag"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  const auto edited_answer = anna_->post("/reacties/" + std::to_string(answer.id) + "/bewerken",
                                         {{"inhoud", "Verbeterd antwoord van Anna"}});
  ASSERT_EQ(edited_answer.status, 303) << edited_answer.body;

  for (Member* who : {anna_.get(), piet_.get(), host_.get()}) {
    const auto page = who->get(path);
    ASSERT_EQ(page.status, 200);
    EXPECT_TRUE(contains(page.body, "Tweede versie van de vraag"));
    EXPECT_FALSE(contains(page.body, "Eerste versie van de vraag"));
    EXPECT_TRUE(contains(post_item(page.body, answer.id), "Verbeterd antwoord van Anna"));
    EXPECT_TRUE(contains(post_item(page.body, answer.id), "bewerkt (geschiedenis)"));
  }
}

TEST_P(TopicPageCache, AHiddenPostDisappearsAtOnceAndItsTextStaysForHostsOnly) {
  const auto created = topic(*piet_, "Moderatie", "Rustig begin");
  const auto rude = reply(*anna_, created.id, "Koop goedkope horloges");
  const std::string path = "/onderwerpen/" + std::to_string(created.id) + "?pagina=1";
  EXPECT_TRUE(contains(warm(*piet_, path), "horloges"));
  EXPECT_TRUE(contains(warm(*host_, path), "horloges"));

  ASSERT_EQ(host_->post("/reacties/" + std::to_string(rude.id) + "/verbergen", {{"waarde", "1"}}).status, 303);
  const std::string member_view = post_item(piet_->get(path).body, rude.id);
  EXPECT_TRUE(contains(member_view, "Dit bericht is verborgen door een moderator."));
  EXPECT_FALSE(contains(member_view, "horloges"));
  const std::string author_view = post_item(anna_->get(path).body, rude.id);
  EXPECT_FALSE(contains(author_view, "horloges"));
  const std::string host_view = post_item(host_->get(path).body, rude.id);
  EXPECT_TRUE(contains(host_view, "horloges"));
  EXPECT_TRUE(contains(host_view, "Leden zien dit bericht niet"));

  // Shown again: back for everyone at once.
  ASSERT_EQ(host_->post("/reacties/" + std::to_string(rude.id) + "/verbergen", {{"waarde", "0"}}).status, 303);
  EXPECT_TRUE(contains(post_item(piet_->get(path).body, rude.id), "horloges"));
}

// A page's posts are kept per topic version (discussions/post_page_cache.h). A write outside the
// discussions service (another feature, another instance, a console) changes the version too: the
// database's triggers bump it, so the next page shows the change.
TEST_P(TopicPageCache, APostChangedOutsideTheServiceShowsAtOnce) {
  const auto created = topic(*piet_, "Buiten de dienst om", "Begin");
  const auto answer = reply(*anna_, created.id, "Een gewoon antwoord");
  const std::string path = "/onderwerpen/" + std::to_string(created.id) + "?pagina=1";
  EXPECT_TRUE(contains(warm(*piet_, path), "Een gewoon antwoord"));
  db_->write([&](db::Session& session) {
    session.execute("UPDATE replies SET hidden_at = created_at WHERE id = ?", {answer.id});
  });
  const std::string view = post_item(piet_->get(path).body, answer.id);
  EXPECT_TRUE(contains(view, "Dit bericht is verborgen door een moderator."));
  EXPECT_FALSE(contains(view, "Een gewoon antwoord"));
}

TEST_P(TopicPageCache, ANewReplyShowsAtOnceWithTheUnreadMarkerBeforeIt) {
  const auto created = topic(*piet_, "Nieuwe reacties", "Wie weet het?");
  const auto first = reply(*host_, created.id, "Eerste reactie");
  const std::string path = "/onderwerpen/" + std::to_string(created.id) + "?pagina=1";
  warm(*piet_, path);  // Piet has now read posts 1 and 2
  warm(*host_, path);

  const auto posted = anna_->post("/onderwerpen/" + std::to_string(created.id) + "/reacties",
                                  {{"inhoud", "Een verse reactie van Anna"}});
  ASSERT_EQ(posted.status, 303);
  const std::int64_t fresh = db_->read([&](db::Session& session) {
    return session.query_one("SELECT id FROM replies WHERE topic_id = ? AND post_number = 3", {created.id})->int64(0);
  });
  const auto page = piet_->get(path);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(post_item(page.body, fresh), "Een verse reactie van Anna"));
  // The marker stands right before the one post Piet had not seen.
  const std::size_t marker = page.body.find("id=\"nieuw\"");
  ASSERT_NE(marker, std::string::npos);
  EXPECT_LT(page.body.find("id=\"reactie-" + std::to_string(first.id) + "\""), marker);
  EXPECT_LT(marker, page.body.find("id=\"reactie-" + std::to_string(fresh) + "\""));
  // Read now: no marker on the next visit, and none for Anna, who wrote it.
  EXPECT_FALSE(contains(piet_->get(path).body, "id=\"nieuw\""));
  EXPECT_FALSE(contains(anna_->get(path).body, "id=\"nieuw\""));
}

TEST_P(TopicPageCache, AReactionShowsAtOnceAndEveryMemberKeepsTheirOwnControls) {
  const auto created = topic(*piet_, "Tips", "Handige tools?");
  const auto tip = reply(*anna_, created.id, "Gebruik een wachtwoordbeheerder");
  const std::string path = "/onderwerpen/" + std::to_string(created.id) + "?pagina=1";
  const std::string id = std::to_string(tip.id);
  for (Member* who : {piet_.get(), anna_.get(), host_.get(), other_.get()}) warm(*who, path);

  // Piet presses "Nuttig" as the page's button does: a POST of the page's action form with its token.
  const std::string before = piet_->get(path).body;
  EXPECT_TRUE(contains(post_item(before, tip.id), "form=\"berichtactie\" formaction=\"/reacties/" + id + "/nuttig\""));
  EXPECT_TRUE(contains(before, "<form id=\"berichtactie\" method=\"post\""));
  ASSERT_EQ(piet_->post("/reacties/" + id + "/nuttig", {}).status, 303);

  const std::string piet_view = post_item(piet_->get(path).body, tip.id);
  EXPECT_TRUE(contains(piet_view, "1 × Nuttig"));
  EXPECT_TRUE(contains(piet_view, "aria-pressed=\"true\""));
  EXPECT_FALSE(contains(piet_view, "/reacties/" + id + "/bewerken"));
  EXPECT_FALSE(contains(piet_view, "/reacties/" + id + "/verbergen"));

  const std::string host_view = post_item(host_->get(path).body, tip.id);
  EXPECT_TRUE(contains(host_view, "1 × Nuttig"));
  EXPECT_TRUE(contains(host_view, "aria-pressed=\"false\""));
  EXPECT_TRUE(contains(host_view, "/reacties/" + id + "/verbergen"));
  EXPECT_TRUE(contains(host_view, "/reacties/" + id + "/bewerken"));

  // The author: the count, but no button to find their own post useful and no flag; their edit link.
  const std::string anna_view = post_item(anna_->get(path).body, tip.id);
  EXPECT_TRUE(contains(anna_view, "1 × Nuttig"));
  EXPECT_FALSE(contains(anna_view, "/nuttig"));
  EXPECT_FALSE(contains(anna_view, "/melden"));
  EXPECT_TRUE(contains(anna_view, "/reacties/" + id + "/bewerken"));

  // A member of another group reads (the group is visible to the network) but cannot react or edit.
  const std::string other_view = post_item(other_->get(path).body, tip.id);
  EXPECT_TRUE(contains(other_view, "1 × Nuttig"));
  EXPECT_FALSE(contains(other_view, "/nuttig"));
  EXPECT_FALSE(contains(other_view, "/bewerken"));

  // Taken back: the count goes at once.
  ASSERT_EQ(piet_->post("/reacties/" + id + "/nuttig", {}).status, 303);
  EXPECT_FALSE(contains(post_item(host_->get(path).body, tip.id), "× Nuttig"));
}

TEST_P(TopicPageCache, ARenamedAuthorAndTheReadersLanguageShowAtOnce) {
  const auto created = topic(*piet_, "Namen", "Wie schreef dit?");
  const auto answer = reply(*anna_, created.id, "Ik");
  const std::string path = "/onderwerpen/" + std::to_string(created.id) + "?pagina=1";
  EXPECT_TRUE(contains(post_item(warm(*piet_, path), answer.id), "Anna de Vries"));
  db_->write([&](db::Session& session) {
    session.execute("UPDATE accounts SET name = 'Anna Jansen-de Vries' WHERE id = ?", {anna_->id()});
  });
  EXPECT_TRUE(contains(post_item(piet_->get(path).body, answer.id), "Anna Jansen-de Vries"));

  piet_->set_cookie("taal", "en");
  const std::string english = post_item(piet_->get(path).body, answer.id);
  EXPECT_TRUE(contains(english, ">Useful</button>"));
  EXPECT_TRUE(contains(english, ">Flag</a>"));
  EXPECT_FALSE(contains(english, "Melden"));
}

TEST_P(TopicPageCache, AMemberOutsideAPrivateGroupNeverGetsItsCachedPage) {
  db_->write([&](db::Session& session) {
    session.execute("UPDATE knowledge_groups SET visibility = 'group' WHERE id = ?", {ict_});
  });
  const auto created = topic(*piet_, "Vertrouwelijk dossier", "Geheime tekst van Piet");
  const auto answer = reply(*anna_, created.id, "Nog geheimer antwoord");
  const std::string path = "/onderwerpen/" + std::to_string(created.id);
  EXPECT_TRUE(contains(warm(*piet_, path + "?pagina=1"), "Nog geheimer antwoord"));
  warm(*host_, path + "?pagina=1");
  warm(*anna_, path + "?pagina=1");

  Member visitor(server_->port(), 0, "");
  for (Member* outside : {other_.get(), &visitor}) {
    for (const std::string& target : {path + "?pagina=1", path, path + "?citeer=" + std::to_string(answer.id)}) {
      const auto page = outside->get(target);
      EXPECT_EQ(page.status, 404) << target;
      EXPECT_FALSE(contains(page.body, "Geheime tekst")) << target;
      EXPECT_FALSE(contains(page.body, "Nog geheimer")) << target;
    }
  }
  // Leaving the group closes the cached page at once too.
  db_->write([&](db::Session& session) {
    session.execute("DELETE FROM group_members WHERE group_id = ? AND account_id = ?", {ict_, anna_->id()});
  });
  const auto after_leaving = anna_->get(path + "?pagina=1");
  EXPECT_EQ(after_leaving.status, 404);
  EXPECT_FALSE(contains(after_leaving.body, "Nog geheimer"));
  EXPECT_EQ(piet_->get(path + "?pagina=1").status, 200);
}

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

INSTANTIATE_TEST_SUITE_P(Backends, TopicPageCache, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);

}  // namespace
