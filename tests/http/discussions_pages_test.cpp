// Discussions through the real binary on both databases: the topic list and topic pages, the forms
// (new topic, reply, quote, edit, flag, hide) with CSRF, 303 and flash, inline 422/413 errors with
// nothing written, escaping of script in every field, 404 for unknown topics and for topics in a
// group the viewer may not see, 403/409 for posting after leaving or into a closed topic, and a member
// who returns without a page number landing on the first post they have not read.
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "http/parsers.h"
#include "support/discussions_fixture.h"
#include "support/text.h"

using testing_support::HttpResponse;
using testing_support::Member;

namespace {

constexpr const char* kGroupPath = "/groepen/west-brabant-zeeland/ict";

using testing_support::contains;

class DiscussionsOverHttp : public testing_support::DiscussionsServerTest {
 protected:
  void SetUp() override {
    DiscussionsServerTest::SetUp();
    host_ = member("Hanna Host", ict_, "host");
    piet_ = member("Piet Jansen", ict_, "member");
    anna_ = member("Anna de Vries", ict_, "member");
    outsider_ = member("Otto Buiten", ict_, "");
  }

  std::int64_t count(const std::string& table) {
    return db_->read([&](db::Session& session) { return session.query_one("SELECT COUNT(*) FROM " + table)->int64(0); });
  }

  std::unique_ptr<Member> host_, piet_, anna_, outsider_;
};

TEST_P(DiscussionsOverHttp, AMemberStartsATopicWithTheFormAndLandsOnIt) {
  const auto form = piet_->get(std::string(kGroupPath) + "/discussies/nieuw");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(contains(form.body, "name=\"titel\""));
  const auto posted = piet_->post(std::string(kGroupPath) + "/discussies/nieuw",
                                  {{"titel", "Facturen via Peppol"}, {"inhoud", "Wie stuurt al **e-facturen**?"},
                                   {"soort", "question"}});
  ASSERT_EQ(posted.status, 303) << posted.body;
  const std::string location = posted.header("location");
  EXPECT_TRUE(location.starts_with("/onderwerpen/")) << location;
  const auto page = piet_->get(location + "?pagina=1");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "Facturen via Peppol"));
  EXPECT_TRUE(contains(page.body, "<strong>e-facturen</strong>"));
  EXPECT_TRUE(contains(page.body, "Uw onderwerp staat online."));
  const auto list = anna_->get(std::string(kGroupPath) + "/discussies");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(contains(list.body, "Facturen via Peppol"));
  EXPECT_TRUE(contains(list.body, "href=\"" + location + "\""));
}

TEST_P(DiscussionsOverHttp, EmptyTitleAndBodyAnswer422WithInlineErrorsAndWriteNothing) {
  const auto response = piet_->post(std::string(kGroupPath) + "/discussies/nieuw", {{"titel", " "}, {"inhoud", ""}});
  ASSERT_EQ(response.status, 422);
  EXPECT_TRUE(contains(response.body, "id=\"titel-error\""));
  EXPECT_TRUE(contains(response.body, "id=\"inhoud-error\""));
  EXPECT_TRUE(contains(response.body, "Geef het onderwerp een titel."));
  EXPECT_TRUE(contains(response.body, "aria-invalid=\"true\""));
  EXPECT_EQ(count("topics"), 0);
}

TEST_P(DiscussionsOverHttp, AMegabytePostIsRefusedWithAClearMessageAndNothingWritten) {
  const auto created = topic(*piet_, "Lang verhaal", "Begin");
  const auto response =
      anna_->post("/onderwerpen/" + std::to_string(created.id) + "/reacties", {{"inhoud", std::string(1000000, 'x')}});
  ASSERT_EQ(response.status, 413);
  EXPECT_TRUE(contains(response.body, "Uw bericht is te lang")) << response.body.substr(0, 400);
  EXPECT_EQ(count("replies"), 1);
  const auto topic_form = anna_->post(std::string(kGroupPath) + "/discussies/nieuw",
                                      {{"titel", "Groot"}, {"inhoud", std::string(70000, 'y')}});
  EXPECT_EQ(topic_form.status, 413);
  EXPECT_EQ(count("topics"), 1);
}

TEST_P(DiscussionsOverHttp, ScriptInEveryFieldIsEscapedOnEveryPage) {
  const std::string script = "<script>alert('x')</script>";
  const auto posted = piet_->post(std::string(kGroupPath) + "/discussies/nieuw",
                                  {{"titel", script}, {"inhoud", script + "\n\n<img src=x onerror=alert(1)>"}});
  ASSERT_EQ(posted.status, 303);
  const std::string location = posted.header("location");
  const auto reply = anna_->post(location + "/reacties", {{"inhoud", "[klik](javascript:alert(2)) " + script}});
  ASSERT_EQ(reply.status, 303);
  for (const std::string& target : {location + "?pagina=1", std::string(kGroupPath) + "/discussies"}) {
    const auto page = host_->get(target);
    ASSERT_EQ(page.status, 200) << target;
    EXPECT_FALSE(contains(page.body, "<script>alert")) << target;
    EXPECT_FALSE(contains(page.body, "<img src=x")) << target;
    EXPECT_FALSE(contains(page.body, "javascript:alert")) << target;
    EXPECT_TRUE(contains(page.body, "&lt;script&gt;alert(")) << target;
  }
  // The flag form's reason is escaped in the hosts' list too.
  const std::int64_t reply_id = db_->read([&](db::Session& session) {
    return session.query_one("SELECT MAX(id) FROM replies")->int64(0);
  });
  ASSERT_EQ(piet_->post("/reacties/" + std::to_string(reply_id) + "/melden", {{"reden", script}}).status, 303);
  const auto flags = host_->get(std::string(kGroupPath) + "/discussies/meldingen");
  ASSERT_EQ(flags.status, 200);
  EXPECT_FALSE(contains(flags.body, "<script>alert"));
}

TEST_P(DiscussionsOverHttp, AForgedCsrfTokenIs403AndWritesNothing) {
  const auto created = topic(*piet_, "Veilig", "Tekst");
  const auto reply =
      anna_->post_with_token("/onderwerpen/" + std::to_string(created.id) + "/reacties", {{"inhoud", "Hoi"}}, "vervalst");
  EXPECT_EQ(reply.status, 403);
  const auto topic_form =
      anna_->post_with_token(std::string(kGroupPath) + "/discussies/nieuw", {{"titel", "x"}, {"inhoud", "y"}}, "");
  EXPECT_EQ(topic_form.status, 403);
  EXPECT_EQ(count("replies"), 1);
  EXPECT_EQ(count("topics"), 1);
}

TEST_P(DiscussionsOverHttp, UnknownTopicsAndTopicsOfAGroupTheViewerMayNotSeeAreBoth404) {
  const auto created = topic(*piet_, "Alleen voor de groep", "Geheim");
  db_->write([&](db::Session& session) {
    session.execute("UPDATE knowledge_groups SET visibility = 'group' WHERE id = ?", {ict_});
  });
  const auto unknown = outsider_->get("/onderwerpen/999999?pagina=1");
  const auto hidden = outsider_->get("/onderwerpen/" + std::to_string(created.id) + "?pagina=1");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_FALSE(contains(hidden.body, "Alleen voor de groep"));
  EXPECT_EQ(outsider_->get("/onderwerpen/abc").status, 404);
  EXPECT_EQ(outsider_->get(std::string(kGroupPath) + "/discussies").status, 404);
  EXPECT_EQ(outsider_->get("/groepen/west-brabant-zeeland/bestaat-niet/discussies").status, 404);
  EXPECT_EQ(outsider_->post("/onderwerpen/" + std::to_string(created.id) + "/reacties", {{"inhoud", "Hoi"}}).status, 404);
  Member visitor(server_->port(), 0, "");
  EXPECT_EQ(visitor.get("/onderwerpen/" + std::to_string(created.id)).status, 404);
  EXPECT_EQ(piet_->get("/onderwerpen/" + std::to_string(created.id) + "?pagina=1").status, 200);
}

TEST_P(DiscussionsOverHttp, PostingToAClosedTopicIs409AndAfterLeavingIs403WithAMessage) {
  const auto created = topic(*piet_, "Bijna dicht", "Tekst");
  const std::string path = "/onderwerpen/" + std::to_string(created.id);
  ASSERT_EQ(host_->post(path + "/sluiten", {{"waarde", "1"}}).status, 303);
  const auto closed = anna_->post(path + "/reacties", {{"inhoud", "Te laat"}});
  EXPECT_EQ(closed.status, 409);
  EXPECT_TRUE(contains(closed.body, "Dit onderwerp is gesloten"));
  ASSERT_EQ(host_->post(path + "/sluiten", {{"waarde", "0"}}).status, 303);
  db_->write([&](db::Session& session) {
    session.execute("DELETE FROM group_members WHERE group_id = ? AND account_id = ?", {ict_, anna_->id()});
  });
  const auto left = anna_->post(path + "/reacties", {{"inhoud", "Ik ben weg"}});
  EXPECT_EQ(left.status, 403);
  EXPECT_TRUE(contains(left.body, "Alleen leden van deze groep"));
  EXPECT_EQ(anna_->get(std::string(kGroupPath) + "/discussies/nieuw").status, 403);
  EXPECT_EQ(count("replies"), 1);
  // Members of the group cannot moderate.
  EXPECT_EQ(piet_->post(path + "/vastzetten", {{"waarde", "1"}}).status, 403);
}

TEST_P(DiscussionsOverHttp, AReturningMemberLandsOnTheFirstPostTheyHaveNotReadWithTheMarker) {
  const auto created = topic(*piet_, "Lange draad", "Begin");
  for (int i = 2; i <= 60; ++i) {
    ASSERT_TRUE(service_->reply(as(*host_), created.id, discussions::NewReply{"Bericht " + std::to_string(i), {}}).ok());
  }
  const std::string path = "/onderwerpen/" + std::to_string(created.id);
  // A first visit starts at the top and reads page 1 (posts 1-50).
  const auto first = anna_->get(path);
  ASSERT_EQ(first.status, 200);
  EXPECT_FALSE(contains(first.body, "id=\"nieuw\""));
  const auto next = anna_->get(path);
  ASSERT_EQ(next.status, 303);
  const std::int64_t post51 = db_->read([&](db::Session& session) {
    return session.query_one("SELECT id FROM replies WHERE topic_id = ? AND post_number = 51", {created.id})->int64(0);
  });
  EXPECT_EQ(next.header("location"), path + "?pagina=2#reactie-" + std::to_string(post51));
  const auto page2 = anna_->get(path + "?pagina=2");
  EXPECT_TRUE(contains(page2.body, "Nieuw sinds uw laatste bezoek"));
  EXPECT_LT(page2.body.find("id=\"nieuw\""), page2.body.find("id=\"reactie-" + std::to_string(post51) + "\""));
  EXPECT_TRUE(contains(page2.body, "Pagina 2 van 2"));
  // Visitors (of a public group) always start at the top.
  db_->write([&](db::Session& session) {
    session.execute("UPDATE knowledge_groups SET visibility = 'public' WHERE id = ?", {ict_});
  });
  Member visitor(server_->port(), 0, "");
  EXPECT_EQ(visitor.get(path).status, 200);
}

TEST_P(DiscussionsOverHttp, QuotingPrefillsTheReplyWithABlockquoteThatLinksBack) {
  const auto created = topic(*piet_, "Citeren", "Een wijze zin");
  const std::string path = "/onderwerpen/" + std::to_string(created.id);
  const std::string original = std::to_string(*created.last_reply_id);
  const auto form = anna_->get(path + "?citeer=" + original);
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(contains(form.body, "&gt; **[Piet Jansen](" + path + "#reactie-" + original + ")**:")) << form.body;
  EXPECT_TRUE(contains(form.body, "name=\"citeer\" value=\"" + original + "\""));
  const auto posted = anna_->post(path + "/reacties", {{"inhoud", "> **[Piet Jansen](" + path + "#reactie-" + original +
                                                                     ")**:\n> Een wijze zin\n\nMee eens!"},
                                                       {"citeer", original}});
  ASSERT_EQ(posted.status, 303);
  const auto page = anna_->get(path + "?pagina=1");
  EXPECT_TRUE(contains(page.body, "<blockquote>"));
  EXPECT_TRUE(contains(page.body, "href=\"" + path + "#reactie-" + original + "\""));
}

TEST_P(DiscussionsOverHttp, EditsShowAVisibleHistoryAndOthersCannotEdit) {
  const auto created = topic(*piet_, "Bewerken", "Eerste versie");
  const std::string post = std::to_string(*created.last_reply_id);
  EXPECT_EQ(anna_->get("/reacties/" + post + "/bewerken").status, 403);
  EXPECT_EQ(anna_->post("/reacties/" + post + "/bewerken", {{"inhoud", "Gekaapt"}}).status, 403);
  ASSERT_EQ(piet_->get("/reacties/" + post + "/bewerken").status, 200);
  const auto saved = piet_->post("/reacties/" + post + "/bewerken", {{"titel", "Bewerkt"}, {"inhoud", "Tweede versie"}});
  ASSERT_EQ(saved.status, 303);
  const auto empty = piet_->post("/reacties/" + post + "/bewerken", {{"titel", "Bewerkt"}, {"inhoud", ""}});
  EXPECT_EQ(empty.status, 422);
  const auto history = anna_->get("/reacties/" + post + "/geschiedenis");
  ASSERT_EQ(history.status, 200);
  EXPECT_TRUE(contains(history.body, "Eerste versie"));
  EXPECT_TRUE(contains(history.body, "Tweede versie"));
  EXPECT_TRUE(contains(history.body, "<del>- Eerste versie</del>"));
  EXPECT_TRUE(contains(history.body, "<ins>+ Tweede versie</ins>"));
  const auto page = anna_->get("/onderwerpen/" + std::to_string(created.id) + "?pagina=1");
  EXPECT_TRUE(contains(page.body, "/reacties/" + post + "/geschiedenis"));
}

TEST_P(DiscussionsOverHttp, AFlaggedPostHiddenByAHostShowsAsHiddenToMembersAndStaysForHosts) {
  const auto created = topic(*piet_, "Moderatie", "Rustig");
  const auto rude = service_->reply(as(*anna_), created.id, discussions::NewReply{"Koop goedkope horloges", {}});
  ASSERT_TRUE(rude.ok());
  const std::string post = std::to_string(rude.value->id);
  EXPECT_EQ(piet_->post("/reacties/" + post + "/melden", {{"reden", ""}}).status, 422);
  ASSERT_EQ(piet_->post("/reacties/" + post + "/melden", {{"reden", "Reclame"}}).status, 303);
  EXPECT_EQ(piet_->get(std::string(kGroupPath) + "/discussies/meldingen").status, 403);
  const auto flags = host_->get(std::string(kGroupPath) + "/discussies/meldingen");
  ASSERT_EQ(flags.status, 200);
  EXPECT_TRUE(contains(flags.body, "Reclame"));
  EXPECT_EQ(piet_->post("/reacties/" + post + "/verbergen", {{"waarde", "1"}}).status, 403);
  ASSERT_EQ(host_->post("/reacties/" + post + "/verbergen", {{"waarde", "1"}}).status, 303);
  const std::string path = "/onderwerpen/" + std::to_string(created.id) + "?pagina=1";
  const auto member_view = piet_->get(path);
  EXPECT_TRUE(contains(member_view.body, "Dit bericht is verborgen door een moderator."));
  EXPECT_FALSE(contains(member_view.body, "horloges"));
  const auto host_view = host_->get(path);
  EXPECT_TRUE(contains(host_view.body, "horloges"));
  EXPECT_TRUE(contains(host_view.body, "Leden zien dit bericht niet"));
}

TEST_P(DiscussionsOverHttp, UsefulAndAcceptedAnswerWorkFromTheTopicPage) {
  auto question = service_->create_topic(as(*piet_), ict_,
                                         discussions::NewTopic{"Welke boekhoudsoftware?", "Tips?", discussions::Kind::Question});
  ASSERT_TRUE(question.ok());
  const auto answer = service_->reply(as(*anna_), question.value->id, discussions::NewReply{"Moneybird bevalt goed.", {}});
  const std::string post = std::to_string(answer.value->id);
  ASSERT_EQ(host_->post("/reacties/" + post + "/nuttig", {}).status, 303);
  EXPECT_EQ(anna_->post("/reacties/" + post + "/nuttig", {}).status, 403);
  EXPECT_EQ(anna_->post("/reacties/" + post + "/antwoord", {}).status, 403);
  ASSERT_EQ(piet_->post("/reacties/" + post + "/antwoord", {}).status, 303);
  const auto page = outsider_->get("/onderwerpen/" + std::to_string(question.value->id) + "?pagina=1");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "class=\"accepted-answer\""));
  EXPECT_TRUE(contains(page.body, "1 × Nuttig"));
  EXPECT_LT(page.body.find("class=\"accepted-answer\""), page.body.find("Tips?"));
}

TEST_P(DiscussionsOverHttp, TheWatchControlOnTopicAndGroupPagesChangesWhatAMemberIsToldOf) {
  const auto told = [&](const Member& who) {
    return db_->read([&](db::Session& session) {
      return session.query_one("SELECT COUNT(*) FROM notifications WHERE account_id = ?", {who.id()})->int64(0);
    });
  };
  const auto first = topic(*piet_, "Wachtwoordbeheer", "Welke kluis gebruikt u?");
  const std::string path = "/onderwerpen/" + std::to_string(first.id);
  const auto page = anna_->get(path + "?pagina=1");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "action=\"/meldingen/volgen\""));
  EXPECT_TRUE(contains(page.body, "name=\"doel\" value=\"topic\""));
  EXPECT_TRUE(contains(page.body, "name=\"id\" value=\"" + std::to_string(first.id) + "\""));
  EXPECT_TRUE(contains(page.body, "<option value=\"normal\" selected>"));
  // At Normal, an ordinary reply tells Anna nothing.
  ASSERT_TRUE(service_->reply(as(*host_), first.id, discussions::NewReply{"Bitwarden.", {}}).ok());
  EXPECT_EQ(told(*anna_), 0);
  const auto watched = anna_->post("/meldingen/volgen", {{"doel", "topic"}, {"id", std::to_string(first.id)},
                                                          {"niveau", "watching"}, {"next", path}});
  ASSERT_EQ(watched.status, 303) << watched.body;
  EXPECT_EQ(watched.header("location"), path);
  EXPECT_TRUE(contains(anna_->get(path + "?pagina=1").body, "<option value=\"watching\" selected>"));
  ASSERT_TRUE(service_->reply(as(*host_), first.id, discussions::NewReply{"Of KeePassXC.", {}}).ok());
  EXPECT_EQ(told(*anna_), 1);
  EXPECT_TRUE(contains(anna_->get("/meldingen").body, "Wachtwoordbeheer"));

  // The group page carries the group's control: watching the group tells of every new topic.
  const auto group_page = anna_->get(kGroupPath);
  ASSERT_EQ(group_page.status, 200);
  EXPECT_TRUE(contains(group_page.body, "name=\"doel\" value=\"group\""));
  ASSERT_EQ(anna_->post("/meldingen/volgen", {{"doel", "group"}, {"id", std::to_string(ict_)}, {"niveau", "watching"},
                                              {"next", kGroupPath}})
                .status,
            303);
  const auto second = topic(*piet_, "Back-ups testen", "Hoe vaak zet u een back-up terug?");
  EXPECT_EQ(told(*anna_), 2);
  // Muting that topic on its page overrides the group's level.
  ASSERT_EQ(anna_->post("/meldingen/volgen", {{"doel", "topic"}, {"id", std::to_string(second.id)}, {"niveau", "muted"},
                                              {"next", "/onderwerpen/" + std::to_string(second.id)}})
                .status,
            303);
  ASSERT_TRUE(service_->reply(as(*host_), second.id, discussions::NewReply{"Elk kwartaal.", {}}).ok());
  EXPECT_EQ(told(*anna_), 2);
  // Visitors get no control (on a public group's pages).
  db_->write([&](db::Session& session) {
    session.execute("UPDATE knowledge_groups SET visibility = 'public' WHERE id = ?", {ict_});
  });
  Member visitor(server_->port(), 0, "");
  const auto visitor_group = visitor.get(kGroupPath);
  const auto visitor_topic = visitor.get(path + "?pagina=1");
  ASSERT_EQ(visitor_group.status, 200);
  ASSERT_EQ(visitor_topic.status, 200);
  EXPECT_FALSE(contains(visitor_group.body, "/meldingen/volgen"));
  EXPECT_FALSE(contains(visitor_topic.body, "/meldingen/volgen"));
}

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

INSTANTIATE_TEST_SUITE_P(Backends, DiscussionsOverHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);

}  // namespace
