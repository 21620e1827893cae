// The library, the wiki and search over HTTP against the real binary, on both databases, with the demo
// network: multipart uploads and downloads (attachment, nosniff, the type libmagic saw), a fake PDF
// (422), a zip bomb named .docx (422), a file over 20 MB (413, our own page) and one far over (413),
// versions, folders, concurrent wiki edits (409, the second member's text kept), history and diff,
// script in every field, CSRF, and who sees what for every visibility (pages, downloads, search hits).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "db/database.h"
#include "documents/files.h"
#include "http/parsers.h"
#include "support/document_files.h"
#include "support/server_process.h"
#include "support/web_browser.h"
#include "support/test_databases.h"
#include "support/text.h"

using testing_support::HttpResponse;
using testing_support::ServerProcess;

namespace {

constexpr const char* kPassword = "knooppunt-demo";
constexpr const char* kMemberEmail = "lid@kkp-demo.nl";
constexpr const char* kCoordinatorEmail = "coordinator@kkp-demo.nl";
const std::string kGroupPath = "/groepen/west-brabant-zeeland/financieel-advies";
const std::string kBoundary = "----knooppunt-documents-boundary";

using testing_support::contains;

std::string first_match(const std::string& text, const std::string& pattern) {
  std::smatch match;
  return std::regex_search(text, match, std::regex(pattern)) ? match[1].str() : "";
}

using testing_support::FilePart;
using Browser = testing_support::WebBrowser;

class DocumentsOverHttp : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    server_ = std::make_unique<ServerProcess>(
        ServerProcess::Options{database_->url(), true, {"--no-access-log", "--page-cache-seconds", "0"}});
    db_ = database_->open();
    group_id_ = db_->read([](db::Session& session) {
      return session
          .query_one(
              "SELECT g.id FROM knowledge_groups g JOIN networks n ON n.id = g.network_id "
              "WHERE n.slug = 'west-brabant-zeeland' AND g.slug = 'financieel-advies'")
          ->int64(0);
    });
    join_group(kMemberEmail);
  }
  void TearDown() override {
    server_.reset();
    db_.reset();
    database_.reset();
  }
  unsigned short port() const { return server_->port(); }

  std::unique_ptr<Browser> signed_in(const std::string& email) {
    auto browser = std::make_unique<Browser>(port());
    auto response = browser->post("/inloggen", {{"email", email}, {"password", kPassword}, {"next", "/"}});
    EXPECT_EQ(response.status, 303) << email << ": " << response.body.substr(0, 300);
    return browser;
  }

  void join_group(const std::string& email) {
    db_->write([&](db::Session& session) {
      const std::int64_t account =
          session.query_one("SELECT id FROM accounts WHERE email = ?", {email})->int64(0);
      session.execute("DELETE FROM group_members WHERE group_id = ? AND account_id = ?",
                      {group_id_, account});
      session.execute(
          "INSERT INTO group_members (group_id, account_id, role, state, created_at, joined_at) "
          "VALUES (?, ?, 'member', 'active', 1, 1)",
          {group_id_, account});
    });
  }

  // A demo member of the network who is not in the group (all demo accounts share the password).
  std::string outsider_email() {
    return db_->read([&](db::Session& session) {
      return session
          .query_one(
              "SELECT a.email FROM accounts a JOIN memberships m ON m.account_id = a.id "
              "JOIN networks n ON n.id = m.network_id WHERE n.slug = 'west-brabant-zeeland' AND m.role = "
              "'member' "
              "AND m.status = 'active' AND a.email <> ? AND a.id NOT IN "
              "(SELECT account_id FROM group_members WHERE group_id = ?) ORDER BY a.id",
              {std::string(kMemberEmail), group_id_})
          ->text(0);
    });
  }

  void set_visibility(const std::string& visibility) {
    db_->write([&](db::Session& session) {
      session.execute("UPDATE knowledge_groups SET visibility = ? WHERE id = ?", {visibility, group_id_});
    });
  }

  HttpResponse upload(Browser& browser, const std::string& title, const std::string& filename,
                      const std::string& bytes,
                      const std::string& claimed_type = "application/octet-stream") {
    return browser.upload("/documenten",
                          {{"groep", std::to_string(group_id_)}, {"titel", title}, {"omschrijving", ""}},
                          FilePart{"bestand", filename, claimed_type, bytes});
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<db::Database> db_;
  std::int64_t group_id_ = 0;
};

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

TEST_P(DocumentsOverHttp, AMemberUploadsAPdfAndDownloadsItAsAnAttachmentWithItsRealType) {
  auto member = signed_in(kMemberEmail);
  const auto library = member->get(kGroupPath + "/documenten");
  ASSERT_EQ(library.status, 200);
  EXPECT_TRUE(contains(library.body, "enctype=\"multipart/form-data\""));
  EXPECT_TRUE(contains(library.body, "hoogstens 20 MB"));
  EXPECT_TRUE(contains(library.body, "Werkafspraken"));  // the demo folder

  const std::string pdf =
      documents::files::minimal_pdf({"Offerte zonnepanelen", "Terugverdientijd zeven jaar"});
  const auto uploaded = upload(*member, "Offerte zonnepanelen", "offerte.pdf", pdf, "text/html");
  ASSERT_EQ(uploaded.status, 303) << uploaded.body.substr(0, 500);
  const std::string location = uploaded.header("location");
  ASSERT_TRUE(std::regex_match(location, std::regex("/documenten/[0-9]+")));
  const auto page = member->get(location);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "Het document is toegevoegd."));
  EXPECT_TRUE(contains(page.body, "<h1>Offerte zonnepanelen</h1>"));

  const auto download = member->get(location + "/versies/1");
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.body, pdf);
  EXPECT_EQ(download.header("content-type"), "application/pdf");
  EXPECT_EQ(download.header("content-disposition"),
            "attachment; filename=\"offerte-zonnepanelen.pdf\"; filename*=UTF-8''offerte-zonnepanelen.pdf");
  EXPECT_EQ(download.header("x-content-type-options"), "nosniff");
  EXPECT_TRUE(contains(download.header("cache-control"), "private"));

  // Its text is searchable at once, with the words marked.
  const auto hits = member->get("/zoeken?q=terugverdientijd");
  ASSERT_EQ(hits.status, 200);
  EXPECT_TRUE(contains(hits.body, "<mark>Terugverdientijd</mark>")) << hits.body.substr(0, 3000);
  EXPECT_TRUE(contains(hits.body, "href=\"" + location + "\""));
}

TEST_P(DocumentsOverHttp, BadFilesGetAClearAnswerAndNothingIsStored) {
  auto member = signed_in(kMemberEmail);
  const auto fake =
      upload(*member, "Factuur", "factuur.pdf", "Dit is geen PDF maar platte tekst.", "application/pdf");
  EXPECT_EQ(fake.status, 422);
  EXPECT_TRUE(contains(fake.body, "De inhoud van dit bestand past niet bij de naam"));
  EXPECT_TRUE(contains(fake.body, "value=\"Factuur\""));  // the form keeps what was typed

  const auto bomb =
      upload(*member, "Contract", "contract.docx", testing_support::make_zip_bomb_docx(50 * 1024 * 1024));
  EXPECT_EQ(bomb.status, 422);
  EXPECT_TRUE(contains(bomb.body, "uitgepakt veel te groot"));

  const auto html =
      upload(*member, "Pagina", "pagina.html", "<html><body><script>alert(1)</script></body></html>");
  EXPECT_EQ(html.status, 415);
  EXPECT_TRUE(contains(html.body, "Dit soort bestand kunnen we niet bewaren"));

  const auto large =
      upload(*member, "Groot", "groot.txt", std::string(documents::files::kMaxUploadBytes + 1024, 'a'));
  EXPECT_EQ(large.status, 413);
  EXPECT_TRUE(contains(large.body, "groter dan 20 MB"));

  // Far over the limit: refused as soon as the head says how large the body is, before it is read.
  testing_support::Connection connection(port());
  connection.send(
      "POST /documenten HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=" +
      kBoundary + "\r\nContent-Length: " + std::to_string(60 * 1024 * 1024) + "\r\n\r\n");
  const auto huge = connection.read_response();
  ASSERT_TRUE(huge.has_value());
  EXPECT_EQ(huge->status, 413);

  const std::int64_t stored = db_->read([](db::Session& session) {
    return session
        .query_one(
            "SELECT COUNT(*) FROM documents WHERE title IN ('Factuur', 'Contract', 'Pagina', 'Groot', "
            "'Enorm')")
        ->int64(0);
  });
  EXPECT_EQ(stored, 0);
}

TEST_P(DocumentsOverHttp, NewVersionsAndFoldersAreMadeByMembersWithTheirFormsChecked) {
  auto member = signed_in(kMemberEmail);
  const auto created = member->post(kGroupPath + "/documenten/mappen", {{"naam", "Offertes 2025"}});
  ASSERT_EQ(created.status, 303);
  const std::string folder_path = created.header("location");
  EXPECT_TRUE(contains(member->get(folder_path).body, "<h1>Offertes 2025</h1>"));
  const auto duplicate = member->post(kGroupPath + "/documenten/mappen", {{"naam", "offertes 2025"}});
  EXPECT_EQ(duplicate.status, 422);
  EXPECT_TRUE(contains(duplicate.body, "Hier is al een map met die naam."));

  const auto uploaded = upload(*member, "Tarieven", "tarieven.csv", "dienst;tarief\nadvies;95\n");
  ASSERT_EQ(uploaded.status, 303);
  const std::string id = first_match(uploaded.header("location"), "/documenten/([0-9]+)");
  const auto version =
      member->upload("/documenten/versie", {{"document", id}},
                     FilePart{"bestand", "tarieven.csv", "text/csv", "dienst;tarief\nadvies;99\n"});
  ASSERT_EQ(version.status, 303);
  const auto page = member->get("/documenten/" + id);
  EXPECT_TRUE(contains(page.body, "De nieuwe versie is opgeslagen."));
  EXPECT_TRUE(contains(page.body, "/documenten/" + id + "/versies/2"));
  EXPECT_EQ(member->get("/documenten/" + id + "/versies/2").body, "dienst;tarief\nadvies;99\n");
  EXPECT_EQ(member->get("/documenten/" + id + "/versies/1").header("content-type"),
            "text/plain; charset=utf-8");

  // Without the CSRF token nothing happens.
  const auto forged = member->post(kGroupPath + "/documenten/mappen", {{"naam", "Vervalst"}}, false);
  EXPECT_EQ(forged.status, 403);
}

TEST_P(DocumentsOverHttp, TheSecondOfTwoConcurrentWikiEditsIsToldAndKeepsItsText) {
  auto anna = signed_in(kMemberEmail);
  auto carla = signed_in(kCoordinatorEmail);
  join_group(kCoordinatorEmail);
  const std::string page = kGroupPath + "/wiki/checklist-jaarafsluiting";
  const auto form_a = anna->get(page + "/bewerken");
  const auto form_c = carla->get(page + "/bewerken");
  ASSERT_EQ(form_a.status, 200);
  ASSERT_EQ(form_c.status, 200);
  const std::string base = first_match(form_a.body, "name=\"basis\" value=\"([0-9]+)\"");
  ASSERT_FALSE(base.empty());

  const auto first = anna->post(
      page, {{"titel", "Checklist jaarafsluiting"}, {"tekst", "Versie van Anna\n"}, {"basis", base}});
  ASSERT_EQ(first.status, 303);
  const auto second = carla->post(
      page,
      {{"titel", "Checklist jaarafsluiting"}, {"tekst", "Versie van Carla <b>vet</b>\n"}, {"basis", base}});
  EXPECT_EQ(second.status, 409);
  EXPECT_TRUE(contains(second.body, "Iemand anders heeft deze pagina intussen opgeslagen"));
  EXPECT_TRUE(contains(second.body, "Versie van Carla &lt;b&gt;vet&lt;/b&gt;"));  // kept, escaped
  EXPECT_TRUE(contains(second.body, "Versie van Anna"));                          // the other version shown
  const std::string newer = first_match(second.body, "name=\"basis\" value=\"([0-9]+)\"");
  EXPECT_EQ(std::stoi(newer), std::stoi(base) + 1);
  // Carla merges and saves on the newer revision.
  const auto merged = carla->post(
      page, {{"titel", "Checklist jaarafsluiting"}, {"tekst", "Anna en Carla\n"}, {"basis", newer}});
  EXPECT_EQ(merged.status, 303);

  const auto history = anna->get(page + "/geschiedenis");
  ASSERT_EQ(history.status, 200);
  EXPECT_TRUE(contains(history.body, "Marieke van den Berg"));
  const auto diff =
      anna->get(page + "/verschil?van=" + base + "&naar=" + std::to_string(std::stoi(newer) + 1));
  ASSERT_EQ(diff.status, 200);
  EXPECT_TRUE(contains(diff.body, "diff-removed"));
  EXPECT_TRUE(contains(diff.body, "Anna en Carla"));
}

TEST_P(DocumentsOverHttp, ScriptInEveryFieldIsShownAsText) {
  auto member = signed_in(kMemberEmail);
  const std::string script = "<script>alert(1)</script>";
  // A folder name has no '/', so its script is an image tag.
  const auto folder =
      member->post(kGroupPath + "/documenten/mappen", {{"naam", "Map <img src=x onerror=alert(1)>"}});
  ASSERT_EQ(folder.status, 303);
  EXPECT_FALSE(contains(member->get(folder.header("location")).body, "<img src=x"));
  EXPECT_EQ(member->post(kGroupPath + "/documenten/mappen", {{"naam", "Map " + script}}).status, 422);
  const auto uploaded =
      member->upload("/documenten",
                     {{"groep", std::to_string(group_id_)},
                      {"titel", "Titel " + script},
                      {"omschrijving", "Uitleg " + script}},
                     FilePart{"bestand", script + ".txt", "text/plain",
                              "Platte tekst over script en btw\n"});  // HTML itself is refused
  ASSERT_EQ(uploaded.status, 303);
  const auto created =
      member->post(kGroupPath + "/wiki", {{"titel", "Pagina " + script}, {"tekst", "Tekst " + script}});
  ASSERT_EQ(created.status, 303);
  for (const std::string& target :
       {kGroupPath + "/documenten", uploaded.header("location"), created.header("location"),
        kGroupPath + "/wiki", std::string("/zoeken?q=script"), folder.header("location")}) {
    const auto page = member->get(target);
    ASSERT_EQ(page.status, 200) << target;
    EXPECT_FALSE(contains(page.body, "<script>alert")) << target;
  }
  EXPECT_TRUE(contains(member->get(uploaded.header("location")).body, "Titel &lt;script&gt;"));
}

TEST_P(DocumentsOverHttp, WhoSeesWhatFollowsTheGroupsVisibility) {
  auto member = signed_in(kMemberEmail);
  const auto uploaded = upload(*member, "Interne notitie", "notitie.txt", "Kwartaalcijfers vertrouwelijk\n");
  ASSERT_EQ(uploaded.status, 303);
  const std::string document = uploaded.header("location");
  const std::string download = document + "/versies/1";
  auto outsider = signed_in(outsider_email());
  Browser visitor(port());

  // Members of the network (the default): outsiders of the group read, visitors do not.
  EXPECT_EQ(outsider->get(document).status, 200);
  EXPECT_EQ(outsider->get(download).status, 200);
  EXPECT_EQ(visitor.get(document).status, 404);
  EXPECT_EQ(visitor.get(download).status, 404);
  EXPECT_FALSE(contains(visitor.get("/zoeken?q=kwartaalcijfers").body, "Interne notitie"));
  // Outsiders cannot upload.
  EXPECT_EQ(upload(*outsider, "Poging", "p.txt", "tekst\n").status, 403);

  // Group only: nobody outside the group sees the page, the file, the wiki or a search hit.
  set_visibility("group");
  EXPECT_EQ(outsider->get(document).status, 404);
  EXPECT_EQ(outsider->get(download).status, 404);
  EXPECT_EQ(outsider->get(kGroupPath + "/documenten").status, 404);
  EXPECT_EQ(outsider->get(kGroupPath + "/wiki/checklist-jaarafsluiting").status, 404);
  EXPECT_EQ(outsider->get(kGroupPath + "/zoeken?q=kwartaalcijfers").status, 404);
  EXPECT_FALSE(contains(outsider->get("/zoeken?q=kwartaalcijfers").body, "Interne notitie"));
  EXPECT_FALSE(contains(outsider->get("/zoeken?q=jaarafsluiting").body, "Checklist jaarafsluiting"));
  EXPECT_TRUE(contains(member->get("/zoeken?q=kwartaalcijfers").body, "Interne notitie"));

  // Public: visitors read and find it.
  set_visibility("public");
  EXPECT_EQ(visitor.get(document).status, 200);
  EXPECT_EQ(visitor.get(download).status, 200);
  EXPECT_TRUE(contains(visitor.get("/zoeken?q=kwartaalcijfers").body, "Interne notitie"));
  EXPECT_EQ(visitor.post("/documenten/" + first_match(document, "([0-9]+)") + "/verwijderen", {}).status,
            303);
  EXPECT_EQ(visitor.get(document).status, 200);  // the visitor was sent to sign in; nothing deleted
}

TEST_P(DocumentsOverHttp, TheDemoGroupsHaveLibrariesWikiPagesWithHistoryAndSearchableDocuments) {
  auto member = signed_in(kMemberEmail);
  const auto wiki = member->get(kGroupPath + "/wiki");
  ASSERT_EQ(wiki.status, 200);
  EXPECT_TRUE(contains(wiki.body, "Checklist jaarafsluiting"));
  EXPECT_TRUE(contains(wiki.body, "Onboarding nieuwe leden"));
  const auto page = member->get(kGroupPath + "/wiki/checklist-jaarafsluiting");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "<table>"));
  const auto history = member->get(kGroupPath + "/wiki/checklist-jaarafsluiting/geschiedenis");
  EXPECT_EQ(std::regex_search(history.body, std::regex("<tr><td>3</td>")), true);
  auto coordinator =
      signed_in(kCoordinatorEmail);  // sees every group of the network, whatever its visibility
  const auto legal = coordinator->get("/zoeken?q=verwerkersovereenkomst");
  EXPECT_TRUE(contains(legal.body, "Model verwerkersovereenkomst")) << legal.body.substr(0, 2000);
  const auto group_search = member->get(kGroupPath + "/zoeken?q=werkafspraken");
  ASSERT_EQ(group_search.status, 200);
  EXPECT_TRUE(contains(group_search.body, "Werkafspraken van de groep"));
  EXPECT_EQ(member->get("/zoeken?q=%22%27%3B--").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, DocumentsOverHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);

}  // namespace
