// The library and wiki rules on both databases: uploads with their checks (a fake PDF, a zip bomb:
// refused, nothing written), versions with who and when, PDF text found by search, folders, deleting
// (author or host; files removed when no version needs them), permissions for every visibility and
// the archive, concurrent wiki edits (the second is told, nothing lost), diffs, and erasure.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "auth/service.h"
#include "db/migrations.h"
#include "documents/service.h"
#include "groups/access.h"
#include "regions/seed.h"
#include "search/service.h"
#include "support/document_files.h"
#include "support/test_databases.h"

namespace {

using documents::Failure;

constexpr std::int64_t kNetwork = 1;  // the first seeded network
constexpr std::int64_t kNow = 1748865600;

// The first error's message key, or "" when there is none (so a test fails instead of crashing).
std::string first_error(const documents::Outcome& outcome) {
  return outcome.errors.empty() ? std::string() : outcome.errors.front().message_key;
}

class DocumentsServiceTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    db_->write([&](db::Session& session) { regions::seed_demo(session); });
    group_ = db_->read([](db::Session& session) {
      return session
          .query_one("SELECT id FROM knowledge_groups WHERE network_id = ? ORDER BY position, id", {kNetwork})
          ->int64(0);
    });
    data_dir_ = std::filesystem::temp_directory_path() /
                ("knooppunt-documents-" + std::to_string(::getpid()) + "-" + std::to_string(++counter_));
    std::filesystem::remove_all(data_dir_);
    service_ = std::make_unique<documents::Service>(*db_, data_dir_, [] { return kNow; });
    author_ = member("Anna Auteur", "anna@example.nl", true);
    colleague_ = member("Bram Collega", "bram@example.nl", true);
    outsider_ = member("Otto Buitenstaander", "otto@example.nl", false);
    host_ = member("Hanna Host", "hanna@example.nl", true, true);
  }
  void TearDown() override {
    service_.reset();
    db_.reset();
    database_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  // A network member; `in_group` also joins the test group (as host when `host`).
  std::int64_t member(const std::string& name, const std::string& email, bool in_group, bool host = false) {
    return db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.name = name;
      account.email = email;
      account.verified = true;
      account.created_at = kNow;
      const std::int64_t id = auth::create_account(session, account);
      auth::add_membership(session, id, kNetwork, auth::Role::Member, auth::MembershipStatus::Active);
      if (in_group) {
        session.execute(
            "INSERT INTO group_members (group_id, account_id, role, state, created_at, joined_at) "
            "VALUES (?, ?, ?, 'active', ?, ?)",
            {group_, id, std::string(host ? "host" : "member"), kNow, kNow});
      }
      return id;
    });
  }

  static documents::Viewer viewer(std::int64_t id) {
    http::Viewer v;
    v.account_id = id;
    v.name = "x";
    return v;
  }

  void set_visibility(std::string_view visibility) {
    db_->write([&](db::Session& session) {
      session.execute("UPDATE knowledge_groups SET visibility = ? WHERE id = ?",
                      {std::string(visibility), group_});
    });
  }

  documents::Outcome upload(std::int64_t who, const std::string& title, const std::string& bytes,
                            const std::string& filename, std::optional<std::int64_t> folder = std::nullopt) {
    documents::UploadInput input;
    input.group_id = group_;
    input.folder_id = folder;
    input.title = title;
    input.filename = filename;
    input.bytes = bytes;
    return service_->upload(viewer(who), input);
  }

  std::int64_t count(const std::string& table) {
    return db_->read(
        [&](db::Session& session) { return session.query_one("SELECT COUNT(*) FROM " + table)->int64(0); });
  }

  // Search the way /zoeken does: only the groups the viewer may see.
  std::vector<search::Hit> find(const documents::Viewer& who, const std::string& query) {
    search::Service search(*db_);
    search.add_source([this](std::string_view q, const std::vector<std::int64_t>& groups, std::size_t limit) {
      std::vector<search::SourceHit> hits;
      for (auto& hit : service_->search(q, groups, limit)) {
        hits.push_back({hit.kind, hit.id, hit.group_id, hit.title, hit.text, hit.path, hit.score});
      }
      return hits;
    });
    auto results = search.search(who, query, {}, 1);
    return results ? results->hits : std::vector<search::Hit>{};
  }

  static inline int counter_ = 0;
  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::filesystem::path data_dir_;
  std::unique_ptr<documents::Service> service_;
  std::int64_t group_ = 0;
  std::int64_t author_ = 0;
  std::int64_t colleague_ = 0;
  std::int64_t outsider_ = 0;
  std::int64_t host_ = 0;
};

TEST_P(DocumentsServiceTest, AnUploadedPdfIsFoundByTheTextInsideIt) {
  const std::string pdf =
      documents::files::minimal_pdf({"Verwerkersovereenkomst", "Datalekken meldt de verwerker."});
  const auto outcome = upload(author_, "Model", pdf, "model.pdf");
  ASSERT_TRUE(outcome.ok()) << (outcome.errors.empty() ? "" : outcome.errors[0].message_key);
  const auto hits = find(viewer(colleague_), "datalek");
  ASSERT_EQ(hits.size(), 1U);
  EXPECT_EQ(hits[0].kind, "document");
  EXPECT_EQ(hits[0].path, "/documenten/" + std::to_string(outcome.id));
  EXPECT_NE(hits[0].excerpt_html.find("<mark>Datalekken</mark>"), std::string::npos) << hits[0].excerpt_html;
}

TEST_P(DocumentsServiceTest, VersionsRecordWhoUploadedWhatAndWhen) {
  const auto first = upload(author_, "Ledenlijst", "naam;plaats\nAnna;Goes\n", "leden.csv");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(
      service_->add_version(viewer(colleague_), first.id, "leden.csv", "naam;plaats\nAnna;Goes\nBram;Breda\n")
          .ok());
  const auto page = service_->document(viewer(author_), first.id);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->versions.size(), 2U);
  EXPECT_EQ(page->versions[0].number, 2);
  EXPECT_EQ(page->versions[0].uploaded_by_name, "Bram Collega");
  EXPECT_EQ(page->versions[1].uploaded_by_name, "Anna Auteur");
  EXPECT_EQ(page->versions[0].uploaded_at, kNow);
  EXPECT_EQ(page->versions[0].filename, "ledenlijst.csv");
  EXPECT_EQ(service_->download(viewer(author_), first.id, 1)->bytes, "naam;plaats\nAnna;Goes\n");
  EXPECT_EQ(service_->download(viewer(author_), first.id, 2)->bytes, "naam;plaats\nAnna;Goes\nBram;Breda\n");
  EXPECT_FALSE(service_->download(viewer(author_), first.id, 3));
  // Both went to the group's activity stream (notifications::record) in their own transactions.
  EXPECT_EQ(count("activities WHERE kind = 'document.uploaded'"), 1);
  EXPECT_EQ(count("activities WHERE kind = 'document.versioned'"), 1);
}

TEST_P(DocumentsServiceTest, AFakePdfAndAZipBombAreRefusedAndNothingIsWritten) {
  const auto fake = upload(author_, "Factuur", "Dit is geen PDF", "factuur.pdf");
  EXPECT_EQ(fake.failure, Failure::Invalid);
  ASSERT_EQ(fake.errors.size(), 1U);
  EXPECT_EQ(fake.errors[0].message_key, "documents.error.name_mismatch");
  const auto bomb =
      upload(author_, "Contract", testing_support::make_zip_bomb_docx(40 * 1024 * 1024), "contract.docx");
  EXPECT_EQ(bomb.failure, Failure::Invalid);
  EXPECT_EQ(first_error(bomb), "documents.error.unsafe_archive");
  const auto html = upload(author_, "Pagina", "<html><script>alert(1)</script></html>", "x.html");
  EXPECT_EQ(html.failure, Failure::UnsupportedType);
  EXPECT_EQ(count("documents"), 0);
  EXPECT_EQ(count("document_versions"), 0);
  EXPECT_FALSE(std::filesystem::exists(data_dir_ / "documents"));
}

TEST_P(DocumentsServiceTest, OnlyGroupMembersUploadAndOnlyWhileTheGroupIsNotArchived) {
  const std::string text = "Notulen\n";
  EXPECT_EQ(upload(outsider_, "Notulen", text, "n.txt").failure, Failure::Forbidden);
  EXPECT_EQ(
      service_->upload(std::nullopt, documents::UploadInput{group_, {}, "x", "", "n.txt", text}).failure,
      Failure::Forbidden);
  db_->write([&](db::Session& session) {
    session.execute("UPDATE knowledge_groups SET archived_at = ? WHERE id = ?", {kNow, group_});
  });
  EXPECT_EQ(upload(author_, "Notulen", text, "n.txt").failure, Failure::Forbidden);
  EXPECT_EQ(service_->create_page(viewer(author_), group_, "Nieuw", "tekst").failure, Failure::Forbidden);
  EXPECT_TRUE(service_->library_of(viewer(outsider_), group_, std::nullopt).has_value());
  EXPECT_EQ(count("documents"), 0);
}

TEST_P(DocumentsServiceTest, AGroupOnlyGroupHidesItsDocumentsPagesAndHitsFromOutsiders) {
  const auto document = upload(author_, "Vertrouwelijke notulen", "Geheim overleg over tarieven\n", "n.txt");
  ASSERT_TRUE(document.ok());
  ASSERT_TRUE(
      service_->create_page(viewer(author_), group_, "Tarieven", "Geheim overleg over tarieven").ok());
  set_visibility("group");
  EXPECT_EQ(find(viewer(colleague_), "tarieven").size(), 2U);
  EXPECT_TRUE(find(viewer(outsider_), "tarieven").empty());
  EXPECT_TRUE(find(std::nullopt, "tarieven").empty());
  EXPECT_FALSE(service_->document(viewer(outsider_), document.id));
  EXPECT_FALSE(service_->download(viewer(outsider_), document.id, 1));
  EXPECT_FALSE(service_->library_of(viewer(outsider_), group_, std::nullopt));
  EXPECT_FALSE(
      service_->wiki_page(viewer(outsider_), "west-brabant-zeeland", "financieel-advies", "tarieven"));
}

TEST_P(DocumentsServiceTest, VisitorsSeeOnlyPublicGroupsAndNetworkMembersNetworkGroups) {
  const auto document = upload(author_, "Jaarplanning", "Jaarplanning bijeenkomsten\n", "p.txt");
  ASSERT_TRUE(document.ok());
  set_visibility("network");
  EXPECT_FALSE(service_->document(std::nullopt, document.id));
  EXPECT_TRUE(find(std::nullopt, "jaarplanning").empty());
  EXPECT_TRUE(service_->document(viewer(outsider_), document.id));
  EXPECT_EQ(find(viewer(outsider_), "jaarplanning").size(), 1U);
  set_visibility("public");
  EXPECT_TRUE(service_->document(std::nullopt, document.id));
  EXPECT_EQ(find(std::nullopt, "jaarplanning").size(), 1U);
}

TEST_P(DocumentsServiceTest, FoldersNestRenameAndOnlyEmptyOnesAreDeleted) {
  const auto top = service_->create_folder(viewer(author_), group_, std::nullopt, "Modellen");
  ASSERT_TRUE(top.ok());
  const auto inner = service_->create_folder(viewer(author_), group_, top.id, "AVG");
  ASSERT_TRUE(inner.ok());
  EXPECT_EQ(first_error(service_->create_folder(viewer(author_), group_, std::nullopt, "modellen")),
            "documents.error.folder_exists");
  EXPECT_EQ(first_error(service_->create_folder(viewer(author_), group_, std::nullopt, "  ")),
            "documents.error.folder_name_missing");
  EXPECT_EQ(service_->create_folder(viewer(outsider_), group_, std::nullopt, "X").failure,
            Failure::Forbidden);
  ASSERT_TRUE(upload(author_, "Verwerkersovereenkomst", "tekst\n", "v.txt", inner.id).ok());
  const auto library = service_->library_of(viewer(author_), group_, inner.id);
  ASSERT_TRUE(library);
  ASSERT_EQ(library->trail.size(), 2U);
  EXPECT_EQ(library->trail[0].name, "Modellen");
  EXPECT_EQ(library->documents.size(), 1U);
  EXPECT_EQ(first_error(service_->delete_folder(viewer(author_), top.id)),
            "documents.error.folder_not_empty");
  ASSERT_TRUE(service_->rename_folder(viewer(colleague_), inner.id, "Privacy").ok());
  EXPECT_EQ(service_->library_of(viewer(author_), group_, inner.id)->folder->name, "Privacy");
  const auto choices = service_->folder_choices(group_);
  ASSERT_EQ(choices.size(), 2U);
  EXPECT_EQ(choices[1].second, "Modellen / Privacy");
  const auto empty = service_->create_folder(viewer(author_), group_, std::nullopt, "Leeg");
  EXPECT_TRUE(service_->delete_folder(viewer(author_), empty.id).ok());
}

TEST_P(DocumentsServiceTest, TheAuthorOrAHostDeletesAndUnusedFilesLeaveTheDisk) {
  const auto mine = upload(author_, "Eigen stuk", "eigen inhoud\n", "e.txt");
  const auto other = upload(author_, "Tweede stuk", "tweede inhoud\n", "t.txt");
  ASSERT_TRUE(mine.ok() && other.ok());
  EXPECT_EQ(service_->delete_document(viewer(colleague_), mine.id).failure, Failure::Forbidden);
  EXPECT_TRUE(service_->delete_document(viewer(author_), mine.id).ok());
  EXPECT_TRUE(service_->delete_document(viewer(host_), other.id).ok());
  EXPECT_EQ(count("documents"), 0);
  EXPECT_FALSE(service_->blobs().read(documents::files::sha256_hex("eigen inhoud\n")).has_value());
  EXPECT_TRUE(find(viewer(author_), "inhoud").empty());
}

TEST_P(DocumentsServiceTest, AWikiEditOnAnOlderRevisionIsToldAndLosesNothing) {
  const auto created = service_->create_page(viewer(author_), group_, "Checklist jaarafsluiting", "- btw\n");
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created.slug, "checklist-jaarafsluiting");
  // Both opened revision 1; Anna saves first.
  const auto first =
      service_->save_page(viewer(author_), created.id, 1, "Checklist jaarafsluiting", "- btw\n- balans\n");
  ASSERT_TRUE(first.outcome.ok());
  const auto second =
      service_->save_page(viewer(colleague_), created.id, 1, "Checklist", "- btw\n- kilometers\n");
  EXPECT_EQ(second.outcome.failure, Failure::Conflict);
  ASSERT_TRUE(second.current);
  EXPECT_EQ(second.current->revision, 2);
  EXPECT_EQ(second.current->body_markdown, "- btw\n- balans\n");
  EXPECT_EQ(count("wiki_revisions"), 2);
  EXPECT_EQ(count("activities WHERE kind = 'page.edited'"), 2);  // created, saved; not the refused save
  // Bram merges and saves on the newest revision.
  EXPECT_TRUE(
      service_->save_page(viewer(colleague_), created.id, 2, "Checklist", "- btw\n- balans\n- kilometers\n")
          .outcome.ok());
  const auto history = service_->history(viewer(author_), "west-brabant-zeeland", "financieel-advies",
                                         "checklist-jaarafsluiting");
  ASSERT_TRUE(history);
  ASSERT_EQ(history->revisions.size(), 3U);
  EXPECT_EQ(history->revisions[0].author_name, "Bram Collega");
  const auto diff = service_->diff(viewer(author_), "west-brabant-zeeland", "financieel-advies",
                                   "checklist-jaarafsluiting", 1, 3);
  ASSERT_TRUE(diff);
  ASSERT_EQ(diff->lines.size(), 3U);
  EXPECT_EQ(diff->lines[2].kind, documents::DiffLine::Kind::Added);
  EXPECT_EQ(diff->lines[2].text, "- kilometers");
}

TEST_P(DocumentsServiceTest, OfTwoSimultaneousSavesOnTheSameRevisionExactlyOneWins) {
  const auto created = service_->create_page(viewer(author_), group_, "Onboarding", "Welkom\n");
  ASSERT_TRUE(created.ok());
  std::atomic<int> saved{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (std::int64_t who : {author_, colleague_, host_}) {
    threads.emplace_back([&, who] {
      const auto save =
          service_->save_page(viewer(who), created.id, 1, "Onboarding", "Welkom " + std::to_string(who));
      if (save.outcome.ok()) ++saved;
      if (save.outcome.failure == Failure::Conflict) ++conflicts;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(saved.load(), 1);
  EXPECT_EQ(conflicts.load(), 2);
  EXPECT_EQ(count("wiki_revisions"), 2);
}

TEST_P(DocumentsServiceTest, WikiPagesRenderSafeMarkdownAndRefuseDuplicateTitles) {
  const auto created = service_->create_page(viewer(author_), group_, "Tips <aanbesteding>",
                                             "<script>alert(1)</script>\n**vet**");
  ASSERT_TRUE(created.ok());
  const auto view =
      service_->wiki_page(viewer(author_), "west-brabant-zeeland", "financieel-advies", created.slug);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->page.body_html.find("<script>"), std::string::npos);
  EXPECT_NE(view->page.body_html.find("<strong>vet</strong>"), std::string::npos);
  EXPECT_EQ(first_error(service_->create_page(viewer(colleague_), group_, "Tips aanbesteding", "x")),
            "documents.error.page_exists");
  EXPECT_EQ(first_error(service_->create_page(viewer(colleague_), group_, "", "x")),
            "documents.error.title_missing");
  EXPECT_EQ(first_error(service_->create_page(viewer(colleague_), group_, "Groot",
                                              std::string(documents::kMaxPageBytes + 1, 'x'))),
            "documents.error.page_too_long");
}

TEST_P(DocumentsServiceTest, ErasureKeepsTheContentButForgetsTheAuthor) {
  const auto document = upload(author_, "Werkafspraken", "afspraken\n", "w.txt");
  const auto page = service_->create_page(viewer(author_), group_, "Afspraken", "tekst");
  ASSERT_TRUE(document.ok() && page.ok());
  const nlohmann::json exported =
      db_->read([&](db::Session& session) { return documents::Service::export_member(session, author_); });
  EXPECT_EQ(exported["documents"].size(), 1U);
  EXPECT_EQ(exported["wiki_revisions"][0]["title"], "Afspraken");
  db_->write([&](db::Session& session) { documents::Service::erase_member(session, author_); });
  const auto shown = service_->document(viewer(colleague_), document.id);
  ASSERT_TRUE(shown);
  EXPECT_FALSE(shown->document.created_by.has_value());
  EXPECT_EQ(shown->versions[0].uploaded_by_name, "");
  const auto history =
      service_->history(viewer(colleague_), "west-brabant-zeeland", "financieel-advies", page.slug);
  EXPECT_FALSE(history->revisions[0].author_id.has_value());
  const nlohmann::json after =
      db_->read([&](db::Session& session) { return documents::Service::export_member(session, author_); });
  EXPECT_TRUE(after["documents"].empty());
  EXPECT_TRUE(after["wiki_revisions"].empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, DocumentsServiceTest,
                         ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
