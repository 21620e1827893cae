// Accounts over HTTP against the real binary, on both databases, with mail delivered to a real SMTP
// server: sign-up in each mode, verification, sign-in and out, session cookies, fixation, expiry,
// password reset, throttling, roles, bad input, and `knooppunt admin create`.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include "auth/seed.h"
#include "db/migrations.h"
#include "http/parsers.h"
#include "regions/seed.h"
#include "support/server_process.h"
#include "support/web_browser.h"
#include "support/smtp_server.h"
#include "support/test_databases.h"
#include "support/text.h"

using namespace std::chrono_literals;
using testing_support::HttpResponse;
using testing_support::ServerProcess;
using testing_support::SmtpServer;

namespace {

constexpr const char* kGoodPassword = "lange zin als wachtwoord";

std::string first_match(const std::string& text, const std::string& pattern) {
  std::smatch match;
  if (std::regex_search(text, match, std::regex(pattern))) return match[1].str();
  return "";
}

using testing_support::contains;

// Runs the binary with `args` and `input` on standard input (a pipe, so not a terminal); returns
// the exit code and what it printed on stdout and stderr.
testing_support::CommandResult run_with_stdin(const std::vector<std::string>& args,
                                              const std::string& input) {
  int to_child[2];
  int from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(to_child[0], STDIN_FILENO);
    dup2(from_child[1], STDOUT_FILENO);
    dup2(from_child[1], STDERR_FILENO);
    close(to_child[1]);
    close(from_child[0]);
    std::vector<std::string> all{KNOOPPUNT_BINARY};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : all) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  if (!input.empty() && write(to_child[1], input.data(), input.size()) < 0) ADD_FAILURE() << "write failed";
  close(to_child[1]);
  testing_support::CommandResult result;
  char buffer[4096];
  ssize_t got = 0;
  while ((got = read(from_child[0], buffer, sizeof buffer)) > 0)
    result.output.append(buffer, static_cast<std::size_t>(got));
  close(from_child[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

using Browser = testing_support::WebBrowser;

class AuthOverHttp : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    // Only the networks and the demo accounts: these tests need no other feature's demo data.
    {
      auto db = database_->open();
      db::migrate(*db);
      db->write([](db::Session& session) {
        regions::seed_demo(session);
        auth::seed_demo(session);
      });
    }
    smtp_ = std::make_unique<SmtpServer>();
    server_ = std::make_unique<ServerProcess>(
        ServerProcess::Options{database_->url(),
                               false,
                               {"--smtp-url", smtp_->url(), "--mail-interval-ms", "50", "--no-access-log"}});
  }
  void TearDown() override {
    server_.reset();
    smtp_.reset();
    database_.reset();
  }
  unsigned short port() const { return server_->port(); }

  // The link to `path` in the newest mail to `address` (waits for it to arrive).
  std::string link_in_mail(const std::string& address, const std::string& path,
                           std::size_t expected_count = 0) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto mails = mails_to(address);
      if (!mails.empty() && (expected_count == 0 || mails.size() >= expected_count)) {
        const std::string found =
            first_match(mails.back().text, "(http://[^\\s]*" + path + "[A-Za-z0-9_-]{43})");
        if (!found.empty()) return found.substr(found.find(path));
      }
      std::this_thread::sleep_for(50ms);
    }
    return "";
  }

  std::vector<testing_support::ReceivedMail> mails_to(const std::string& address) {
    std::vector<testing_support::ReceivedMail> mails;
    for (auto& mail : smtp_->messages()) {
      for (const auto& recipient : mail.rcpt_to) {
        if (recipient == address) mails.push_back(mail);
      }
    }
    return mails;
  }

  std::vector<testing_support::ReceivedMail> wait_for_mails_to(const std::string& address,
                                                               std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto mails = mails_to(address);
      if (mails.size() >= count) return mails;
      std::this_thread::sleep_for(50ms);
    }
    return mails_to(address);
  }

  HttpResponse sign_in(Browser& browser, const std::string& email, const std::string& password,
                       const std::string& next = "/") {
    return browser.post("/inloggen", {{"email", email}, {"password", password}, {"next", next}});
  }

  // Signs up on the open network and follows the verification mail; returns a signed-in browser.
  std::unique_ptr<Browser> new_member(const std::string& email, const std::string& name = "Anouk de Wit") {
    auto browser = std::make_unique<Browser>(port());
    browser->get("/netwerken/midden-brabant/aanmelden");
    auto posted = browser->post("/netwerken/midden-brabant/aanmelden",
                                {{"name", name}, {"email", email}, {"password", kGoodPassword}});
    EXPECT_EQ(posted.status, 303) << posted.body;
    const std::string link = link_in_mail(email, "/bevestigen/");
    EXPECT_FALSE(link.empty());
    EXPECT_EQ(browser->get(link).status, 303);
    EXPECT_EQ(sign_in(*browser, email, kGoodPassword).status, 303);
    return browser;
  }

  void sql(const std::string& statement) {
    auto db = database_->open();
    db->write([&](db::Session& session) { session.execute(statement); });
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<SmtpServer> smtp_;
  std::unique_ptr<ServerProcess> server_;
};

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

TEST_P(AuthOverHttp, OpenSignUpVerifyByMailSignInSeeYourNameAndSignOut) {
  Browser browser(port());
  auto form = browser.get("/netwerken/midden-brabant/aanmelden");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(contains(form.body, "name=\"password\""));
  EXPECT_TRUE(contains(form.body, "Kennisknooppunt Midden-Brabant"));

  auto posted =
      browser.post("/netwerken/midden-brabant/aanmelden",
                   {{"name", "Anouk de Wit"}, {"email", "Anouk@Example.nl"}, {"password", kGoodPassword}});
  ASSERT_EQ(posted.status, 303) << posted.body;
  EXPECT_EQ(posted.header("location"), "/aanmelden/verstuurd");
  EXPECT_TRUE(contains(browser.get("/aanmelden/verstuurd").body, "Kijk in uw mailbox"));

  const auto mails = wait_for_mails_to("anouk@example.nl", 1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].subject, "Bevestig uw e-mailadres");
  EXPECT_TRUE(mails[0].defects.empty());
  const std::string link = link_in_mail("anouk@example.nl", "/bevestigen/");
  ASSERT_FALSE(link.empty());

  // Before verification the password is right but the door stays shut (and a new link is sent).
  auto early = sign_in(browser, "anouk@example.nl", kGoodPassword);
  EXPECT_EQ(early.status, 403);
  EXPECT_TRUE(contains(early.body, "Bevestig eerst uw e-mailadres"));

  auto verified = browser.get(link);
  EXPECT_EQ(verified.status, 303);
  EXPECT_EQ(verified.header("location"), "/inloggen");
  EXPECT_EQ(browser.get(link).status, 410);  // used

  auto signed_in = sign_in(browser, "anouk@example.nl", kGoodPassword, "/netwerken");
  ASSERT_EQ(signed_in.status, 303) << signed_in.body;
  EXPECT_EQ(signed_in.header("location"), "/netwerken");
  const std::string session_cookie = browser.cookie("sessie");
  EXPECT_EQ(session_cookie.size(), 43u);
  bool flags_ok = false;
  for (const auto& set_cookie : signed_in.header_all("set-cookie")) {
    if (set_cookie.rfind("sessie=", 0) == 0) {
      flags_ok = contains(set_cookie, "HttpOnly") && contains(set_cookie, "SameSite=Lax") &&
                 contains(set_cookie, "Path=/") && !contains(set_cookie, "Secure");
    }
  }
  EXPECT_TRUE(flags_ok);

  auto page = browser.get("/netwerken");
  EXPECT_TRUE(contains(page.body, "Anouk de Wit"));
  EXPECT_TRUE(contains(page.body, "action=\"/uitloggen\""));
  EXPECT_FALSE(contains(page.body, "href=\"/inloggen\""));
  EXPECT_EQ(page.header("cache-control"), "no-store");

  auto out = browser.post("/uitloggen", {});
  EXPECT_EQ(out.status, 303);
  EXPECT_TRUE(browser.cookie("sessie").empty());
  // The old token is dead on the server too, not only forgotten by this browser.
  Browser replay(port());
  replay.set_cookie("sessie", session_cookie);
  EXPECT_FALSE(contains(replay.get("/netwerken").body, "Anouk de Wit"));
}

TEST_P(AuthOverHttp, VisitorsSeeSignInAndSignUpLinksAndTheCachedHomePageHasNoSession) {
  Browser browser(port());
  auto home = browser.get("/");
  EXPECT_TRUE(contains(home.body, "href=\"/inloggen\""));
  EXPECT_TRUE(contains(home.body, "href=\"/aanmelden\""));
  // A signed-in member's home page is their own, never the anonymous cache's.
  auto member = new_member("cache@example.nl", "Cato Cache");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(contains(member->get("/").body, "Cato Cache"));
  EXPECT_FALSE(contains(browser.get("/").body, "Cato Cache"));
}

TEST_P(AuthOverHttp, ApprovalSignUpIsApprovedByTheCoordinatorAndTheApplicantIsMailed) {
  Browser applicant(port());
  auto form = applicant.get("/aanmelden");  // the primary network: West-Brabant & Zeeland, by approval
  EXPECT_TRUE(contains(form.body, "coördinator bekijkt uw aanmelding"));
  ASSERT_EQ(applicant
                .post("/aanmelden",
                      {{"name", "Daan Aanvrager"}, {"email", "daan@example.nl"}, {"password", kGoodPassword}})
                .status,
            303);

  Browser coordinator(port());
  ASSERT_EQ(sign_in(coordinator, "coordinator@kkp-demo.nl", "knooppunt-demo").status, 303);
  auto list = coordinator.get("/netwerken/west-brabant-zeeland/aanvragen");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(contains(list.body, "Daan Aanvrager"));
  const std::string action =
      first_match(list.body, "action=\"(/netwerken/west-brabant-zeeland/aanvragen/\\d+)\"");
  ASSERT_FALSE(action.empty());

  // A plain member may not decide; neither may the applicant.
  Browser member(port());
  ASSERT_EQ(sign_in(member, "lid@kkp-demo.nl", "knooppunt-demo").status, 303);
  EXPECT_EQ(member.get("/netwerken/west-brabant-zeeland/aanvragen").status, 403);
  EXPECT_EQ(member.post(action, {{"besluit", "goedkeuren"}}).status, 403);

  auto approved = coordinator.post(action, {{"besluit", "goedkeuren"}});
  EXPECT_EQ(approved.status, 303);
  EXPECT_FALSE(contains(coordinator.get("/netwerken/west-brabant-zeeland/aanvragen").body, "Daan Aanvrager"));
  const auto mails = wait_for_mails_to("daan@example.nl", 2);
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[1].subject, "Uw aanmelding is goedgekeurd");
  EXPECT_EQ(coordinator.post(action, {{"besluit", "goedkeuren"}}).status, 404);  // nothing pending now
}

TEST_P(AuthOverHttp, CoordinatorOfOneNetworkCannotApproveInAnother) {
  Browser applicant(port());
  applicant.get("/netwerken/midden-brabant/aanmelden");
  Browser coordinator(port());
  ASSERT_EQ(sign_in(coordinator, "coordinator@kkp-demo.nl", "knooppunt-demo").status, 303);
  coordinator.post("/netwerken/midden-brabant/aanmeldwijze", {{"mode", "approval"}});
  ASSERT_EQ(applicant
                .post("/netwerken/midden-brabant/aanmelden",
                      {{"name", "Els"}, {"email", "els@example.nl"}, {"password", kGoodPassword}})
                .status,
            303);
  const std::string action = first_match(coordinator.get("/netwerken/midden-brabant/aanvragen").body,
                                         "action=\"(/netwerken/midden-brabant/aanvragen/\\d+)\"");
  ASSERT_FALSE(action.empty());
  // Now the demo coordinator coordinates West-Brabant only.
  sql("UPDATE memberships SET role = 'member' WHERE network_id = (SELECT id FROM networks WHERE slug = "
      "'midden-brabant') AND account_id = (SELECT id FROM accounts WHERE email = 'coordinator@kkp-demo.nl')");
  EXPECT_EQ(coordinator.post(action, {{"besluit", "goedkeuren"}}).status, 403);
  EXPECT_EQ(coordinator.get("/netwerken/midden-brabant/aanvragen").status, 403);
  EXPECT_EQ(coordinator.get("/netwerken/west-brabant-zeeland/aanvragen").status, 200);
}

TEST_P(AuthOverHttp, VisitorsAreSentToSignInAndBackForCoordinatorPages) {
  Browser visitor(port());
  auto response = visitor.get("/netwerken/west-brabant-zeeland/uitnodigingen");
  EXPECT_EQ(response.status, 303);
  EXPECT_EQ(response.header("location"),
            "/inloggen?next=%2Fnetwerken%2Fwest-brabant-zeeland%2Fuitnodigingen");
  auto page = visitor.get(response.header("location"));
  EXPECT_TRUE(contains(page.body, "name=\"next\" value=\"/netwerken/west-brabant-zeeland/uitnodigingen\""));
  auto signed_in = sign_in(visitor, "coordinator@kkp-demo.nl", "knooppunt-demo",
                           "/netwerken/west-brabant-zeeland/uitnodigingen");
  EXPECT_EQ(signed_in.header("location"), "/netwerken/west-brabant-zeeland/uitnodigingen");
  // A next that leaves the site goes home instead.
  Browser other(port());
  EXPECT_EQ(sign_in(other, "lid@kkp-demo.nl", "knooppunt-demo", "//evil.example/").header("location"), "/");
}

TEST_P(AuthOverHttp, InvitationLinkSignsUpOnceAndWithoutItTheFormIsClosed) {
  Browser coordinator(port());
  ASSERT_EQ(sign_in(coordinator, "coordinator@kkp-demo.nl", "knooppunt-demo").status, 303);
  ASSERT_EQ(coordinator.post("/netwerken/midden-brabant/aanmeldwijze", {{"mode", "invitation"}}).status, 303);

  Browser visitor(port());
  auto closed = visitor.get("/netwerken/midden-brabant/aanmelden");
  EXPECT_EQ(closed.status, 403);
  EXPECT_TRUE(contains(closed.body, "alleen op uitnodiging"));
  EXPECT_FALSE(contains(closed.body, "name=\"password\""));
  EXPECT_EQ(visitor
                .post("/netwerken/midden-brabant/aanmelden",
                      {{"name", "Zonder"}, {"email", "zonder@example.nl"}, {"password", kGoodPassword}})
                .status,
            403);

  auto created = coordinator.post("/netwerken/midden-brabant/uitnodigingen", {{"email", ""}});
  ASSERT_EQ(created.status, 201);
  const std::string url = first_match(created.body, "value=\"(http://[^\"]+uitnodiging=[A-Za-z0-9_-]{43})\"");
  ASSERT_FALSE(url.empty()) << created.body;
  const std::string path = url.substr(url.find("/netwerken/"));
  auto open = visitor.get(path);
  EXPECT_EQ(open.status, 200);
  const std::string token = path.substr(path.find('=') + 1);
  ASSERT_EQ(visitor
                .post("/netwerken/midden-brabant/aanmelden", {{"name", "Fleur Uitgenodigd"},
                                                              {"email", "fleur@example.nl"},
                                                              {"password", kGoodPassword},
                                                              {"uitnodiging", token}})
                .status,
            303);
  EXPECT_FALSE(link_in_mail("fleur@example.nl", "/bevestigen/").empty());
  Browser second(port());
  EXPECT_EQ(second.get(path).status, 403);  // used
  EXPECT_EQ(second
                .post("/netwerken/midden-brabant/aanmelden", {{"name", "Gijs"},
                                                              {"email", "gijs@example.nl"},
                                                              {"password", kGoodPassword},
                                                              {"uitnodiging", token}})
                .status,
            403);
  EXPECT_TRUE(contains(coordinator.get("/netwerken/midden-brabant/uitnodigingen").body, "gebruikt"));
}

TEST_P(AuthOverHttp, DuplicateEmailLooksExactlyLikeANewSignUpAndTheOwnerIsWarned) {
  Browser first(port());
  first.get("/netwerken/midden-brabant/aanmelden");
  auto fresh = first.post("/netwerken/midden-brabant/aanmelden",
                          {{"name", "Nieuw"}, {"email", "nieuw@example.nl"}, {"password", kGoodPassword}});
  Browser second(port());
  second.get("/netwerken/midden-brabant/aanmelden");
  auto taken =
      second.post("/netwerken/midden-brabant/aanmelden",
                  {{"name", "Indringer"}, {"email", "LID@kkp-demo.nl"}, {"password", kGoodPassword}});
  EXPECT_EQ(fresh.status, taken.status);
  EXPECT_EQ(fresh.header("location"), taken.header("location"));
  EXPECT_EQ(fresh.body, taken.body);
  const auto mails = wait_for_mails_to("lid@kkp-demo.nl", 1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].subject, "Iemand probeerde zich aan te melden met uw e-mailadres");
  // The owner's password still works; the intruder's does not.
  Browser owner(port());
  EXPECT_EQ(sign_in(owner, "lid@kkp-demo.nl", "knooppunt-demo").status, 303);
  EXPECT_EQ(sign_in(second, "lid@kkp-demo.nl", kGoodPassword).status, 422);
}

TEST_P(AuthOverHttp, WeakCommonOverLongPasswordsAndBadFieldsGetInlineErrorsAndNothingIsWritten) {
  Browser browser(port());
  struct Case {
    std::string name, email, password, message;
  };
  const std::vector<Case> cases = {
      {"Jan", "jan@example.nl", "kort", "minstens 10 tekens"},
      {"Jan", "jan@example.nl", "Wachtwoord123", "makkelijk te raden"},
      {"Jan", "jan@example.nl", std::string(1025, 'x'), "hoogstens 1024 tekens"},
      {"Jan", "jan@example.nl", "jan@example.nl", "niet gelijk is aan uw e-mailadres"},
      {"Jan", "geen adres", kGoodPassword, "geldig e-mailadres"},
      {"", "jan@example.nl", kGoodPassword, "Vul uw naam in"},
  };
  for (const auto& c : cases) {
    auto response = browser.post("/netwerken/midden-brabant/aanmelden",
                                 {{"name", c.name}, {"email", c.email}, {"password", c.password}});
    EXPECT_EQ(response.status, 422) << c.message;
    EXPECT_TRUE(contains(response.body, c.message)) << c.message;
    EXPECT_TRUE(contains(response.body, "aria-invalid=\"true\"")) << c.message;
    EXPECT_TRUE(first_match(response.body, "(<input type=\"password\"[^>]*value=)").empty())
        << "a password is never echoed";
  }
  // A 5 MB password is refused as too long, quickly, not hashed.
  auto db = database_->open();
  EXPECT_EQ(db->read([](db::Session& s) {
    return s.query_one("SELECT COUNT(*) FROM accounts WHERE email = 'jan@example.nl'")->int64(0);
  }),
            0);
  Browser english(port());
  english.set_cookie("taal", "en");
  auto response = english.post("/netwerken/midden-brabant/aanmelden",
                               {{"name", "Jan"}, {"email", "jan@example.nl"}, {"password", "kort"}});
  EXPECT_TRUE(contains(response.body, "at least 10 characters"));
}

TEST_P(AuthOverHttp, HtmlInTheNameIsEscapedEverywhereItShows) {
  const std::string name = "<script>alert('x')</script><b>Bas</b>";
  auto browser = new_member("bas@example.nl", name);
  auto page = browser->get("/netwerken");
  EXPECT_FALSE(contains(page.body, "<script>alert"));
  EXPECT_FALSE(contains(page.body, "<b>Bas</b>"));
  EXPECT_TRUE(contains(page.body, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;b&gt;Bas&lt;/b&gt;") ||
              contains(page.body, "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;b&gt;Bas&lt;/b&gt;"))
      << first_match(page.body, "(<a class=\"user-name\"[^\n]*)");
  const auto mails = mails_to("bas@example.nl");
  ASSERT_FALSE(mails.empty());
  EXPECT_FALSE(contains(mails[0].html, "<script>"));
}

TEST_P(AuthOverHttp, ForgedOrMissingCsrfIsRefusedOnEveryForm) {
  Browser browser(port());
  browser.get("/inloggen");
  const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> forms = {
      {"/inloggen", {{"email", "lid@kkp-demo.nl"}, {"password", "knooppunt-demo"}}},
      {"/aanmelden", {{"name", "X"}, {"email", "x@example.nl"}, {"password", kGoodPassword}}},
      {"/netwerken/midden-brabant/aanmelden",
       {{"name", "X"}, {"email", "x@example.nl"}, {"password", kGoodPassword}}},
      {"/uitloggen", {}},
      {"/wachtwoord-vergeten", {{"email", "lid@kkp-demo.nl"}}},
      {"/wachtwoord-herstellen/" + std::string(43, 'a'), {{"password", kGoodPassword}}},
      {"/inloggen/link/" + std::string(43, 'a'), {{"password", kGoodPassword}}},
      {"/netwerken/west-brabant-zeeland/aanmeldwijze", {{"mode", "open"}}},
      {"/netwerken/west-brabant-zeeland/uitnodigingen", {{"email", ""}}},
      {"/netwerken/west-brabant-zeeland/aanvragen/1", {{"besluit", "goedkeuren"}}},
  };
  browser.csrf();  // the browser holds its CSRF cookie: only the form's token is missing, forged or off-site
  for (const auto& [path, fields] : forms) {
    EXPECT_EQ(browser.post(path, fields, false).status, 403) << path << " without a token";
    auto forged = fields;
    forged.emplace_back("csrf", "vervalst.token");
    EXPECT_EQ(browser.post(path, forged, false).status, 403) << path << " with a forged token";
    EXPECT_EQ(browser
                  .send("POST", path, Browser::form_encode(fields) + "&csrf=" + browser.cookie("csrf"),
                        "application/x-www-form-urlencoded", {{"Origin", "https://evil.example"}})
                  .status,
              403)
        << path << " from another origin";
  }
  EXPECT_TRUE(browser.cookie("sessie").empty());
}

TEST_P(AuthOverHttp, SignInReplacesAPlantedSessionTokenWithANewOne) {
  Browser attacker(port());
  ASSERT_EQ(sign_in(attacker, "lid@kkp-demo.nl", "knooppunt-demo").status, 303);
  const std::string planted = attacker.cookie("sessie");
  // The victim's browser carries the attacker's session cookie, then signs in as themselves.
  Browser victim(port());
  victim.set_cookie("sessie", planted);
  ASSERT_EQ(sign_in(victim, "coordinator@kkp-demo.nl", "knooppunt-demo").status, 303);
  EXPECT_NE(victim.cookie("sessie"), planted);
  EXPECT_TRUE(contains(victim.get("/netwerken").body, "Marieke van den Berg"));
  EXPECT_FALSE(contains(attacker.get("/netwerken").body, "Marieke van den Berg"));
  EXPECT_FALSE(contains(attacker.get("/netwerken").body, "Joost Verhoeven"));  // the planted one ended too
}

TEST_P(AuthOverHttp, SessionsEndAfter14IdleDaysOr60DaysInAll) {
  Browser idle(port());
  ASSERT_EQ(sign_in(idle, "lid@kkp-demo.nl", "knooppunt-demo").status, 303);
  Browser old(port());
  ASSERT_EQ(sign_in(old, "coordinator@kkp-demo.nl", "knooppunt-demo").status, 303);
  EXPECT_TRUE(contains(idle.get("/netwerken").body, "Joost Verhoeven"));
  const auto now = static_cast<long long>(std::time(nullptr));
  sql("UPDATE sessions SET last_seen_at = " + std::to_string(now - 14 * 24 * 3600 - 5) +
      " WHERE account_id = (SELECT id FROM accounts WHERE email = 'lid@kkp-demo.nl')");
  sql("UPDATE sessions SET expires_at = " + std::to_string(now - 1) +
      " WHERE account_id = (SELECT id FROM accounts WHERE email = 'coordinator@kkp-demo.nl')");
  EXPECT_FALSE(contains(idle.get("/netwerken").body, "Joost Verhoeven"));
  auto expired = old.get("/netwerken/west-brabant-zeeland/aanvragen");
  EXPECT_EQ(expired.status, 303);
  EXPECT_TRUE(expired.header("location").starts_with("/inloggen"));
}

TEST_P(AuthOverHttp, PasswordResetByMailWorksOnceEndsOtherSessionsAndExpires) {
  Browser elsewhere(port());
  ASSERT_EQ(sign_in(elsewhere, "lid@kkp-demo.nl", "knooppunt-demo").status, 303);
  Browser browser(port());
  browser.get("/wachtwoord-vergeten");
  auto known = browser.post("/wachtwoord-vergeten", {{"email", "lid@kkp-demo.nl"}});
  auto unknown = browser.post("/wachtwoord-vergeten", {{"email", "onbekend@example.nl"}});
  EXPECT_EQ(known.status, 303);
  EXPECT_EQ(known.header("location"), unknown.header("location"));
  EXPECT_EQ(known.body, unknown.body);
  const std::string link = link_in_mail("lid@kkp-demo.nl", "/wachtwoord-herstellen/");
  ASSERT_FALSE(link.empty());
  EXPECT_EQ(browser.get(link).status, 200);
  auto weak = browser.post(link, {{"password", "kort"}});
  EXPECT_EQ(weak.status, 422);
  auto done = browser.post(link, {{"password", "een nieuw lang wachtwoord"}});
  ASSERT_EQ(done.status, 303) << done.body;
  EXPECT_FALSE(browser.cookie("sessie").empty());
  EXPECT_TRUE(contains(browser.get("/netwerken").body, "Joost Verhoeven"));
  EXPECT_FALSE(contains(elsewhere.get("/netwerken").body, "Joost Verhoeven"));
  EXPECT_EQ(browser.get(link).status, 410);
  EXPECT_EQ(browser.post(link, {{"password", "nog een nieuw wachtwoord"}}).status, 410);  // reused

  browser.post("/wachtwoord-vergeten", {{"email", "lid@kkp-demo.nl"}});
  const std::string second = link_in_mail("lid@kkp-demo.nl", "/wachtwoord-herstellen/", 2);
  ASSERT_FALSE(second.empty());
  ASSERT_NE(second, link);
  sql("UPDATE auth_tokens SET expires_at = " + std::to_string(std::time(nullptr) - 1) +
      " WHERE purpose = 'reset'");
  EXPECT_EQ(browser.get(second).status, 410);
  EXPECT_EQ(browser.post(second, {{"password", "nog een nieuw wachtwoord"}}).status, 410);
  Browser check(port());
  EXPECT_EQ(sign_in(check, "lid@kkp-demo.nl", "een nieuw lang wachtwoord").status, 303);
}

TEST_P(AuthOverHttp, FailedSignInsAreThrottledWithTheSameAnswerForUnknownAddresses) {
  for (const std::string email : {"lid@kkp-demo.nl", "niemand@example.nl"}) {
    Browser browser(port());
    for (int i = 0; i < 5; ++i) {
      auto failed = sign_in(browser, email, "verkeerd wachtwoord");
      EXPECT_EQ(failed.status, 422) << email;
      EXPECT_TRUE(contains(failed.body, "Het e-mailadres of het wachtwoord klopt niet.")) << email;
    }
    auto throttled = sign_in(browser, email, "verkeerd wachtwoord");
    EXPECT_EQ(throttled.status, 429) << email;
    EXPECT_TRUE(contains(throttled.body, "Probeer het over 15 minuten opnieuw.")) << email;
    const int retry_after = std::stoi("0" + throttled.header("retry-after"));
    EXPECT_GT(retry_after, 880);
    EXPECT_LE(retry_after, 900);
  }
  Browser english(port());
  english.set_cookie("taal", "en");
  auto throttled = sign_in(english, "lid@kkp-demo.nl", "knooppunt-demo");
  EXPECT_EQ(throttled.status, 429);
  EXPECT_TRUE(contains(throttled.body, "Please try again in 15 minutes."));
}

TEST_P(AuthOverHttp, AdminCreateReadsThePasswordFromAPipe) {
  const auto result =
      run_with_stdin({"admin", "create", "--email", "Beheer@Example.nl", "--name", "Beheerder", "--database",
                      database_->url(), "--data-dir", ::testing::TempDir() + "knooppunt-admin"},
                     "sterk beheerwachtwoord\n");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "beheer@example.nl"));
  EXPECT_FALSE(contains(result.output, "/inloggen/link/"));
  Browser browser(port());
  ASSERT_EQ(sign_in(browser, "beheer@example.nl", "sterk beheerwachtwoord").status, 303);
  // An administrator may coordinate every network.
  EXPECT_EQ(browser.get("/netwerken/midden-brabant/aanvragen").status, 200);

  const auto weak =
      run_with_stdin({"admin", "create", "--email", "zwak@example.nl", "--name", "Zwak", "--database",
                      database_->url(), "--data-dir", ::testing::TempDir() + "knooppunt-admin"},
                     "password123\n");
  EXPECT_EQ(weak.exit_code, 1);
  EXPECT_TRUE(contains(weak.output, "easy to guess")) << weak.output;
  const auto again =
      run_with_stdin({"admin", "create", "--email", "beheer@example.nl", "--name", "Dubbel", "--database",
                      database_->url(), "--data-dir", ::testing::TempDir() + "knooppunt-admin"},
                     "een ander wachtwoord\n");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(contains(again.output, "already an account")) << again.output;
}

TEST_P(AuthOverHttp, AdminCreateWithoutAPasswordPrintsAOneTimeSignInLink) {
  const auto result =
      run_with_stdin({"admin", "create", "--email", "link@example.nl", "--name", "Link Beheer", "--database",
                      database_->url(), "--data-dir", ::testing::TempDir() + "knooppunt-admin",
                      "--public-url", "https://kkp.example.nl"},
                     "");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::string url =
      first_match(result.output, "(https://kkp\\.example\\.nl/inloggen/link/[A-Za-z0-9_-]{43})");
  ASSERT_FALSE(url.empty()) << result.output;
  const std::string path = url.substr(std::string("https://kkp.example.nl").size());
  Browser browser(port());
  auto page = browser.get(path);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "Link Beheer"));
  EXPECT_TRUE(contains(page.body, "name=\"password\""));
  EXPECT_EQ(browser.post(path, {{"password", "kort"}}).status, 422);
  auto used = browser.post(path, {{"password", "een sterk beheerwachtwoord"}});
  ASSERT_EQ(used.status, 303) << used.body;
  EXPECT_TRUE(contains(browser.get("/netwerken").body, "Link Beheer"));
  EXPECT_EQ(browser.get(path).status, 410);
  Browser later(port());
  EXPECT_EQ(sign_in(later, "link@example.nl", "een sterk beheerwachtwoord").status, 303);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthOverHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);

}  // namespace
