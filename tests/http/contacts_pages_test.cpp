// Recruitment's contacts over HTTP against the real binary with the demo network, on both databases:
// the coordinator's upload -> column mapping -> report (with the formula-safe CSV download), the list
// with filters, a contact's page and history, the retention form; clear 4xx messages for an empty
// file, a file that is not CSV, a map without the e-mail column and a file over 50 MB; 403 for
// members and for the coordinator of another network (who also sees nothing of this network's
// contacts); GET /api/v1/contacts with tokens; and `knooppunt import contacts` against the database.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "auth/passwords.h"
#include "auth/service.h"
#include "db/database.h"
#include "support/server_process.h"
#include "support/test_databases.h"
#include "support/text.h"
#include "support/web_browser.h"

using testing_support::FilePart;
using testing_support::HttpResponse;
using testing_support::ServerProcess;
using testing_support::WebBrowser;

namespace {

constexpr const char* kCoordinatorEmail = "coordinator@kkp-demo.nl";
constexpr const char* kMemberEmail = "lid@kkp-demo.nl";
constexpr const char* kOtherCoordinatorEmail = "coordinator@midden.example.nl";
const std::string kContacts = "/netwerken/west-brabant-zeeland/contacten";

using testing_support::contains;

// Windows-1252 with semicolons: "é" is 0xE9, "€" 0x80.
const std::string kList =
    "Naam;Bedrijf;E-mailadres;Plaats;Vakgebied\r\n"
    "Ren\xE9 Oomen;Oomen \x80 Zn;rene@oomen-test.nl;Goes;ICT\r\n"
    "<script>alert(1)</script>;Script BV;script@example.nl;Breda;ICT\r\n"
    "Dubbel;;RENE@oomen-test.nl;;\r\n"
    "Fout;;geen-adres;Breda;\r\n"
    "=cmd|' /C calc'!A0;;=cmd|' /C calc'!A0;;\r\n"
    "Lid;;lid@kkp-demo.nl;;\r\n";

class ContactsOverHttp : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    server_ = std::make_unique<ServerProcess>(
        ServerProcess::Options{database_->url(), true, {"--no-access-log", "--page-cache-seconds", "0"}});
    db_ = database_->open();
    // A coordinator of the other network only.
    db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.name = "Mieke Midden";
      account.email = kOtherCoordinatorEmail;
      account.password_hash = std::string(auth::demo_password_hash());
      account.verified = true;
      account.created_at = 1748865600;
      const std::int64_t id = auth::create_account(session, account);
      const auto midden =
          session.query_one("SELECT id FROM networks WHERE slug = 'midden-brabant'")->int64(0);
      auth::add_membership(session, id, midden, auth::Role::Coordinator, auth::MembershipStatus::Active,
                           1748865600);
    });
  }
  void TearDown() override {
    server_.reset();
    db_.reset();
    database_.reset();
  }

  std::unique_ptr<WebBrowser> signed_in(const std::string& email) {
    auto browser = std::make_unique<WebBrowser>(server_->port());
    EXPECT_TRUE(browser->sign_in(email, std::string(auth::kDemoPassword))) << email;
    return browser;
  }

  HttpResponse upload(WebBrowser& browser, const std::string& bytes,
                      const std::string& network = "west-brabant-zeeland") {
    return browser.post_multipart("/contacten/importeren", {{"netwerk", network}},
                                  {FilePart{"bestand", "adressen.csv", "text/csv", bytes}});
  }

  static std::string token_in(const std::string& body) {
    std::smatch match;
    const std::regex pattern("name=\"token\" value=\"([0-9a-f]{64})\"");
    return std::regex_search(body, match, pattern) ? match[1].str() : "";
  }

  std::int64_t count(const std::string& sql) {
    return db_->read([&](db::Session& s) { return s.query_one(sql)->int64(0); });
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<db::Database> db_;
};

TEST_P(ContactsOverHttp, CoordinatorUploadsMapsAndReadsTheReport) {
  auto coordinator = signed_in(kCoordinatorEmail);
  const std::int64_t before = count("SELECT COUNT(*) FROM contacts");
  EXPECT_EQ(before, 1700) << "the demo list";
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts WHERE account_id IS NOT NULL"), 45)
      << "the first meeting's 45, linked to their accounts";
  EXPECT_EQ(
      count(
          "SELECT COUNT(*) FROM contacts c JOIN accounts a ON a.email = c.email WHERE c.account_id IS NULL"),
      0)
      << "no other member is a plain contact";
  const auto list = coordinator->get(kContacts);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(contains(list.body, std::to_string(before) + " contacten gevonden"));

  const auto mapping = upload(*coordinator, kList);
  ASSERT_EQ(mapping.status, 200) << mapping.body;
  EXPECT_TRUE(contains(mapping.body, "Windows-1252"));
  EXPECT_TRUE(contains(mapping.body, "Ren\u00e9 Oomen")) << "the preview, converted";
  EXPECT_TRUE(contains(mapping.body, "&lt;script&gt;")) << "escaped";
  EXPECT_FALSE(contains(mapping.body, "<script>alert"));
  EXPECT_TRUE(contains(mapping.body, "<option value=\"2\" selected>E-mailadres</option>")) << "guessed";
  const std::string token = token_in(mapping.body);
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), before) << "nothing is written before the map";

  // Without the e-mail column and without a source: 422 with both messages, nothing written.
  const auto unmapped =
      coordinator->post(kContacts + "/importeren/koppelen", {{"token", token},
                                                             {"bestandsnaam", "adressen.csv"},
                                                             {"veld_email", ""},
                                                             {"veld_name", "0"},
                                                             {"bron", " "},
                                                             {"grondslag", "gerechtvaardigd belang"}});
  EXPECT_EQ(unmapped.status, 422);
  EXPECT_TRUE(contains(unmapped.body, "Koppel een kolom aan het e-mailadres"));
  EXPECT_TRUE(contains(unmapped.body, "Vul de bron van de adressen in."));
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), before);

  const auto imported =
      coordinator->post(kContacts + "/importeren/koppelen", {{"token", token},
                                                             {"bestandsnaam", "adressen.csv"},
                                                             {"veld_email", "2"},
                                                             {"veld_name", "0"},
                                                             {"veld_organisation", "1"},
                                                             {"veld_town", "3"},
                                                             {"veld_discipline", "4"},
                                                             {"veld_source", ""},
                                                             {"bron", "Netwerk Ondernemers Goes"},
                                                             {"grondslag", "gerechtvaardigd belang"}});
  ASSERT_EQ(imported.status, 303) << imported.body;
  const std::string report_url = imported.header("location");
  ASSERT_TRUE(contains(report_url, kContacts + "/importen/"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), before + 2);

  const auto report = coordinator->get(report_url);
  ASSERT_EQ(report.status, 200);
  EXPECT_TRUE(contains(report.body, "6 regels: 2 toegevoegd, 1 samengevoegd, 3 geweigerd.")) << report.body;
  EXPECT_TRUE(
      contains(report.body, "<th scope=\"row\">5</th><td>Ongeldig e-mailadres</td><td>geen-adres</td>"));
  EXPECT_TRUE(contains(report.body, "<th scope=\"row\">7</th><td>Al lid van het netwerk</td>"));
  EXPECT_TRUE(contains(report.body, "<th scope=\"row\">4</th><td>Dubbel met regel 2</td>"));

  const auto csv = coordinator->get(report_url + "/rapport.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_TRUE(contains(csv.body, "5,geweigerd,Ongeldig e-mailadres,geen-adres\r\n")) << csv.body;
  // Line 6 has a formula as its address: refused, and in the download only with its apostrophe.
  EXPECT_TRUE(contains(csv.body, "6,geweigerd,Ongeldig e-mailadres,'=cmd|' /C calc'!A0\r\n")) << csv.body;
  EXPECT_FALSE(contains(csv.body, ",=cmd")) << csv.body;
  EXPECT_FALSE(contains(csv.body, "\n=cmd")) << csv.body;

  // The imported contact in the filtered list, its page and history; the script is escaped.
  const auto filtered = coordinator->get(kContacts + "?plaats=Goes&q=oomen");
  ASSERT_EQ(filtered.status, 200);
  EXPECT_TRUE(contains(filtered.body, "rene@oomen-test.nl"));
  EXPECT_TRUE(contains(filtered.body, "1 contacten gevonden"));
  const std::int64_t rene = count("SELECT id FROM contacts WHERE email = 'rene@oomen-test.nl'");
  const auto page = coordinator->get(kContacts + "/" + std::to_string(rene));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "Oomen \u20ac Zn"));
  EXPECT_TRUE(contains(page.body, "Toegevoegd door import van adressen.csv"));
  EXPECT_TRUE(contains(page.body, "Netwerk Ondernemers Goes"));
  // A contact who came to the first meeting: mailed by the demo campaign, then a member.
  const std::int64_t became = count("SELECT MIN(id) FROM contacts WHERE account_id IS NOT NULL");
  const auto member_page = coordinator->get(kContacts + "/" + std::to_string(became));
  ASSERT_EQ(member_page.status, 200);
  EXPECT_TRUE(contains(member_page.body, "Lid geworden")) << member_page.body;
  EXPECT_TRUE(contains(member_page.body, "href=\"/leden/"));
  EXPECT_GT(count("SELECT COUNT(*) FROM campaign_recipients WHERE contact_id = " + std::to_string(became) +
                  " AND handed_at IS NOT NULL"),
            0);
  EXPECT_TRUE(contains(member_page.body, "Gemaild voor campagne")) << member_page.body;
  const auto scripted = coordinator->get(kContacts + "?q=script");
  EXPECT_TRUE(contains(scripted.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_FALSE(contains(scripted.body, "<script>alert"));

  // The same file again adds nothing.
  const auto again = upload(*coordinator, kList);
  const auto again_imported =
      coordinator->post(kContacts + "/importeren/koppelen", {{"token", token_in(again.body)},
                                                             {"bestandsnaam", "adressen.csv"},
                                                             {"veld_email", "2"},
                                                             {"veld_name", "0"},
                                                             {"bron", "Netwerk Ondernemers Goes"},
                                                             {"grondslag", "gerechtvaardigd belang"}});
  ASSERT_EQ(again_imported.status, 303);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), before + 2);
  EXPECT_TRUE(contains(coordinator->get(again_imported.header("location")).body, "0 toegevoegd"));
}

TEST_P(ContactsOverHttp, BadFilesGetClearMessages) {
  auto coordinator = signed_in(kCoordinatorEmail);
  const auto empty = upload(*coordinator, "");
  EXPECT_EQ(empty.status, 422);
  EXPECT_TRUE(contains(empty.body, "Het bestand is leeg."));
  const auto binary = upload(*coordinator, std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  EXPECT_EQ(binary.status, 422);
  EXPECT_TRUE(contains(binary.body, "Dit is geen CSV-bestand"));
  const auto letter = upload(*coordinator, "Beste lezer\nDit is een brief.\n");
  EXPECT_EQ(letter.status, 422);
  EXPECT_TRUE(contains(letter.body, "de eerste regel heeft geen komma"));
  const auto none =
      coordinator->post_multipart("/contacten/importeren", {{"netwerk", "west-brabant-zeeland"}}, {});
  EXPECT_EQ(none.status, 422);
  EXPECT_TRUE(contains(none.body, "Kies een CSV-bestand."));
  std::string big = "email\n";
  while (big.size() <= 50u * 1024u * 1024u) big += "iemand.met.een.lang.adres@voorbeeld-organisatie.nl\n";
  const auto too_large = upload(*coordinator, big);
  EXPECT_EQ(too_large.status, 413);
  EXPECT_TRUE(contains(too_large.body, "groter dan 50 MB")) << too_large.body.substr(0, 400);
  EXPECT_TRUE(contains(too_large.body, "knooppunt import contacts"));
  // 200 MB: refused from the request's head (beyond the upload form's limit), with the plain Dutch page.
  big.resize(200u * 1024u * 1024u, 'x');
  const auto far_too_large = upload(*coordinator, big);
  EXPECT_EQ(far_too_large.status, 413);
  EXPECT_TRUE(contains(far_too_large.body, "Dat is te veel tegelijk")) << far_too_large.body.substr(0, 400);
  big = {};
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_imports"), 1) << "only the demo's import";
  // An expired or forged upload token.
  const auto forged = coordinator->post(
      kContacts + "/importeren/koppelen",
      {{"token", std::string(64, 'a')}, {"veld_email", "0"}, {"bron", "x"}, {"grondslag", "toestemming"}});
  EXPECT_EQ(forged.status, 422);
  EXPECT_TRUE(contains(forged.body, "niet meer beschikbaar"));
}

TEST_P(ContactsOverHttp, OnlyThisNetworksCoordinatorsGetIn) {
  const std::int64_t before = count("SELECT COUNT(*) FROM contacts");
  const std::int64_t contact = count("SELECT MIN(id) FROM contacts");
  const std::int64_t import = count("SELECT MIN(id) FROM contact_imports");
  const std::vector<std::string> pages = {kContacts, kContacts + "/importeren",
                                          kContacts + "/" + std::to_string(contact),
                                          kContacts + "/importen/" + std::to_string(import),
                                          kContacts + "/importen/" + std::to_string(import) + "/rapport.csv"};
  WebBrowser visitor(server_->port());
  for (const auto& path : pages) {
    const auto answer = visitor.get(path);
    EXPECT_EQ(answer.status, 303) << path;
    EXPECT_TRUE(contains(answer.header("location"), "/inloggen?next=")) << path;
  }
  for (const char* email : {kMemberEmail, kOtherCoordinatorEmail}) {
    auto browser = signed_in(email);
    for (const auto& path : pages) EXPECT_EQ(browser->get(path).status, 403) << email << " " << path;
    EXPECT_EQ(upload(*browser, kList).status, 403) << email;
    EXPECT_EQ(browser->post(kContacts + "/bewaartermijn", {{"dagen", "1"}}).status, 403) << email;
    EXPECT_EQ(browser->post(kContacts + "/" + std::to_string(contact) + "/wissen", {}).status, 403) << email;
  }
  // The other network's coordinator: their own list is empty, and this network's contact is not theirs.
  auto other = signed_in(kOtherCoordinatorEmail);
  const auto own = other->get("/netwerken/midden-brabant/contacten");
  ASSERT_EQ(own.status, 200);
  EXPECT_TRUE(contains(own.body, "0 contacten gevonden"));
  EXPECT_EQ(other->get("/netwerken/midden-brabant/contacten/" + std::to_string(contact)).status, 404);
  EXPECT_EQ(other->get("/netwerken/midden-brabant/contacten/importen/" + std::to_string(import)).status, 404);
  EXPECT_EQ(other->get("/netwerken/bestaat-niet/contacten").status, 404);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), before) << "nothing was erased or added";
  EXPECT_EQ(count("SELECT retention_days FROM recruitment_settings WHERE network_id = 1"), 730);

  // The coordinator's retention form: CSRF, 422 with the message, 303 with the value stored.
  auto coordinator = signed_in(kCoordinatorEmail);
  EXPECT_EQ(coordinator->post_with_token(kContacts + "/bewaartermijn", {{"dagen", "90"}}, "vervalst").status,
            403);
  const auto invalid = coordinator->post(kContacts + "/bewaartermijn", {{"dagen", "0"}});
  EXPECT_EQ(invalid.status, 422);
  EXPECT_TRUE(contains(invalid.body, "Vul een aantal dagen in van 1 tot 3650."));
  const auto saved = coordinator->post(kContacts + "/bewaartermijn", {{"dagen", "400"}});
  EXPECT_EQ(saved.status, 303);
  EXPECT_EQ(count("SELECT retention_days FROM recruitment_settings WHERE network_id = 1"), 400);
  // Erasing a contact keeps nothing of it unless it had asked not to be mailed.
  const auto erased = coordinator->post(kContacts + "/" + std::to_string(contact) + "/wissen", {});
  EXPECT_EQ(erased.status, 303);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), before - 1);
}

TEST_P(ContactsOverHttp, ApiForCoordinatorsTokensAndTheCommandLine) {
  const auto token_for = [&](const std::string& email) {
    const auto result = testing_support::run_knooppunt(
        {"token", "create", "--email", email, "--name", "Script", "--database", database_->url()});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    std::smatch match;
    const std::regex pattern("(kkp_[A-Za-z0-9_-]{43})");
    return std::regex_search(result.output, match, pattern) ? match[1].str() : std::string();
  };
  const auto api = [&](const std::string& target, const std::string& token) {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return testing_support::request(server_->port(), "GET", target, headers, "");
  };
  const std::string coordinator = token_for(kCoordinatorEmail);
  const auto goes = api("/api/v1/contacts?network=west-brabant-zeeland&town=goes&per_page=500", coordinator);
  ASSERT_EQ(goes.status, 200) << goes.body;
  const auto body = nlohmann::json::parse(goes.body);
  const std::int64_t in_goes = count("SELECT COUNT(*) FROM contacts WHERE network_id = 1 AND town = 'Goes'");
  EXPECT_GT(in_goes, 10);
  EXPECT_EQ(body["total"], in_goes);
  for (const auto& contact : body["contacts"]) EXPECT_EQ(contact["town"], "Goes");
  const auto members = api("/api/v1/contacts?network=west-brabant-zeeland&status=member", coordinator);
  EXPECT_EQ(nlohmann::json::parse(members.body)["total"],
            count("SELECT COUNT(*) FROM contacts WHERE account_id IS NOT NULL"));
  EXPECT_EQ(api("/api/v1/contacts?network=west-brabant-zeeland", "").status, 401);
  EXPECT_EQ(api("/api/v1/contacts?network=west-brabant-zeeland", token_for(kMemberEmail)).status, 403);
  EXPECT_EQ(api("/api/v1/contacts?network=west-brabant-zeeland", token_for(kOtherCoordinatorEmail)).status,
            403);
  EXPECT_EQ(api("/api/v1/contacts", coordinator).status, 400);
  EXPECT_EQ(api("/api/v1/contacts?network=bestaat-niet", coordinator).status, 404);

  // The command line, against the same database.
  const std::string path =
      std::filesystem::temp_directory_path() / ("contacts-" + std::to_string(getpid()) + ".csv");
  {
    std::ofstream file(path, std::ios::binary);
    file << kList;
  }
  const auto first = testing_support::run_knooppunt(
      {"import", "contacts", path, "--network", "west-brabant-zeeland", "--database", database_->url()});
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_TRUE(contains(first.output, "6 regels: 2 toegevoegd, 1 samengevoegd, 3 geweigerd.")) << first.output;
  EXPECT_TRUE(contains(first.output, "Regel 5: Ongeldig e-mailadres (geen-adres)")) << first.output;
  EXPECT_TRUE(contains(first.output, "Regel 7: Al lid van het netwerk (lid@kkp-demo.nl)")) << first.output;
  const auto again =
      testing_support::run_knooppunt({"import", "contacts", path, "--network", "west-brabant-zeeland",
                                      "--database", database_->url(), "--language", "en"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_TRUE(contains(again.output, "6 lines: 0 added, 3 merged, 3 refused.")) << again.output;
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << "Naam;Plaats\r\nPiet;Breda\r\n";
  }
  const auto no_email = testing_support::run_knooppunt(
      {"import", "contacts", path, "--network", "west-brabant-zeeland", "--database", database_->url()});
  EXPECT_EQ(no_email.exit_code, 2);
  EXPECT_TRUE(contains(no_email.output, "Koppel een kolom aan het e-mailadres")) << no_email.output;
  const auto unknown = testing_support::run_knooppunt(
      {"import", "contacts", path, "--network", "nergens", "--database", database_->url()});
  EXPECT_EQ(unknown.exit_code, 2);
  std::filesystem::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Backends, ContactsOverHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
