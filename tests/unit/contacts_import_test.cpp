// The contacts import on both databases: deliberately dirty files (Windows-1252, Latin-1, UTF-8 with
// a BOM, semicolons, quoted line breaks, broken quotes, duplicates within the file and against
// contacts and members, invalid and suppressed addresses, formulas) with the exact report; running
// the same file again adds nothing; a failing import writes nothing; the whole-file refusals; the
// member link, the contact-level functions and the retention job.
#include <gtest/gtest.h>

#include "auth/service.h"
#include "contacts/import.h"
#include "contacts/records.h"
#include "contacts/store.h"
#include "db/migrations.h"
#include "members/places.h"
#include "regions/seed.h"
#include "support/test_databases.h"

namespace {

using contacts::Encoding;
using contacts::Field;
using contacts::FileProblem;
using contacts::ImportReport;
using contacts::ImportRequest;

constexpr std::int64_t kNetwork = 1;  // KKP West-Brabant & Zeeland, the first seeded network
constexpr std::int64_t kOtherNetwork = 2;
constexpr std::int64_t kNow = 1748865600;  // Monday 2 June 2025, 12:00 UTC
constexpr std::int64_t kDay = 86400;

// A Windows-1252 list with semicolons: "é" is 0xE9 and "€" 0x80 (which Latin-1 does not have).
const std::string kDirtyWindows1252 =
    "Naam;Organisatie;E-mailadres;Woonplaats;Vakgebied\r\n"                                // 1
    "Jeroen de Vries;Van Dijk Advies;jeroen@vandijk.nl;Roosendaal;financieel\r\n"          // 2
    "\"Ans Mertens\";\"Mertens & Zn; Bouw\";ANS@MERTENS.NL ;bergen op zoom;technisch\r\n"  // 3
    "\"Willem \"\"Wim\"\" Bakker\";\"Bakker\r\nOnderhoud\";wim@bakker.nl;Goes;ICT\r\n"     // 4-5
    "Piet;;piet(at)example.nl;Breda;\r\n"                                                  // 6
    ";;;;\r\n"                                                                             // 7
    "\"Broken;\"Org\" x;broken@example.nl;;\r\n"                                           // 8
    "Jeroen de Vries;;jeroen@vandijk.nl;;\r\n"                                             // 9
    "Caf\xE9 Zeeuws;Zeeuwse Koffie \x80 Co;info@cafe-zeeuws.nl;Middelburg;horeca\r\n"      // 10
    "Lid Bestaand;;lid@example.nl;;\r\n"                                                   // 11
    "=cmd|' /C calc'!A0;Formule BV;formule@example.nl;Breda;ICT\r\n"                       // 12
    "Uit Geschreven;;weg@example.nl;;\r\n"                                                 // 13
    "=cmd|' /C calc'!A0;;=cmd|' /C calc'!A0;;\r\n";                                        // 14

class ContactsImportTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    db_->write([&](db::Session& session) { regions::seed_demo(session); });
    places_ = std::make_unique<members::Places>(members::Places::load_embedded());
  }

  ImportRequest request_for(std::string_view bytes, std::int64_t network = kNetwork) {
    ImportRequest request;
    request.network_id = network;
    request.file_name = "adressen.csv";
    request.source = "KvK-lijst";
    request.legal_basis = "gerechtvaardigd belang";
    request.columns = contacts::preview(bytes, 5).columns;
    return request;
  }

  ImportReport import(std::string_view bytes, std::int64_t network = kNetwork) {
    return contacts::run_import(*db_, bytes, request_for(bytes, network), places_.get(), kNow);
  }

  std::int64_t add_member(const std::string& email, std::int64_t network = kNetwork) {
    return db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.name = "Lid";
      account.email = email;
      account.verified = true;
      account.created_at = kNow;
      const std::int64_t id = auth::create_account(session, account);
      auth::add_membership(session, id, network, auth::Role::Member, auth::MembershipStatus::Active,
                           kNow + 5);
      return id;
    });
  }

  std::optional<contacts::Contact> contact(const std::string& email, std::int64_t network = kNetwork) {
    return db_->read([&](db::Session& s) { return contacts::find_contact_by_email(s, network, email); });
  }

  std::int64_t contact_count(std::int64_t network = kNetwork) {
    return db_->read([&](db::Session& s) {
      return s.query_one("SELECT COUNT(*) FROM contacts WHERE network_id = ?", {network})->int64(0);
    });
  }

  // "line:reason" for every refused row, in order.
  static std::vector<std::string> refused(const ImportReport& report) {
    std::vector<std::string> out;
    for (const auto& row : report.refused_rows) out.push_back(std::to_string(row.line) + ":" + row.reason);
    return out;
  }
  static std::vector<std::string> merged(const ImportReport& report) {
    std::vector<std::string> out;
    for (const auto& row : report.merged_rows) {
      out.push_back(std::to_string(row.line) + "<" + std::to_string(row.duplicate_of_line) +
                    (row.changed ? " changed" : ""));
    }
    return out;
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<members::Places> places_;
};

TEST_P(ContactsImportTest, DirtyWindows1252FileGivesTheExactReport) {
  add_member("lid@example.nl");
  const auto unsubscribed_id = db_->write([&](db::Session& s) {
    s.execute(
        "INSERT INTO contacts (network_id, email, source, legal_basis, created_at, updated_at) "
        "VALUES (?, 'weg@example.nl', 'eigen netwerk', 'toestemming', ?, ?)",
        {kNetwork, kNow - kDay, kNow - kDay});
    return contacts::find_contact_by_email(s, kNetwork, "weg@example.nl")->id;
  });
  db_->write([&](db::Session& s) { contacts::mark_unsubscribed(s, unsubscribed_id, kNow - 10); });

  const ImportReport report = import(kDirtyWindows1252);
  ASSERT_FALSE(report.refused_whole_file());
  EXPECT_EQ(report.encoding, Encoding::Windows1252);
  EXPECT_EQ(report.separator, ';');
  EXPECT_EQ(report.added, 5);
  EXPECT_EQ(report.merged, 1);
  EXPECT_EQ(report.refused, 6);
  EXPECT_EQ(report.rows_total, 12);
  EXPECT_EQ(refused(report),
            (std::vector<std::string>{"6:invalid_email", "7:no_email", "8:broken_quotes", "11:member",
                                      "13:suppressed_unsubscribed", "14:invalid_email"}));
  EXPECT_EQ(merged(report), (std::vector<std::string>{"9<2"}));
  EXPECT_EQ(report.refused_rows[0].email, "piet(at)example.nl");
  EXPECT_EQ(report.refused_rows[5].email, "=cmd|' /C calc'!A0");

  const auto ans = contact("ans@mertens.nl");
  ASSERT_TRUE(ans) << "trimmed and lower-cased";
  EXPECT_EQ(ans->organisation, "Mertens & Zn; Bouw");
  EXPECT_EQ(ans->town, "Bergen op Zoom") << "the bundled place's spelling";
  EXPECT_EQ(ans->region, "Noord-Brabant");
  EXPECT_EQ(ans->source, "KvK-lijst");
  EXPECT_EQ(ans->legal_basis, "gerechtvaardigd belang");
  const auto wim = contact("wim@bakker.nl");
  ASSERT_TRUE(wim);
  EXPECT_EQ(wim->name, "Willem \"Wim\" Bakker");
  EXPECT_EQ(wim->organisation, "Bakker\r\nOnderhoud");
  const auto cafe = contact("info@cafe-zeeuws.nl");
  ASSERT_TRUE(cafe);
  EXPECT_EQ(cafe->name, "Caf\u00e9 Zeeuws");
  EXPECT_EQ(cafe->organisation, "Zeeuwse Koffie \u20ac Co");
  EXPECT_EQ(cafe->region, "Zeeland");
  EXPECT_FALSE(contact("lid@example.nl")) << "members are not imported as contacts";
  EXPECT_EQ(contact_count(), 6) << "five added and the unsubscribed one";

  // The report kept with the import reads back the same.
  const auto stored =
      db_->read([&](db::Session& s) { return contacts::store::find_import(s, report.import_id); });
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->rows_added, 5);
  EXPECT_EQ(stored->rows_refused, 6);
  const ImportReport read_back = ImportReport::from_json(nlohmann::json::parse(stored->report_json));
  EXPECT_EQ(refused(read_back), refused(report));
  EXPECT_EQ(merged(read_back), merged(report));
}

TEST_P(ContactsImportTest, ReportCsvNeverCarriesAFormulaUnescaped) {
  const ImportReport report = import(kDirtyWindows1252);
  const std::string csv = contacts::report_csv(report, [](std::string_view key) { return std::string(key); });
  EXPECT_NE(csv.find("'=cmd|' /C calc'!A0"), std::string::npos) << csv;
  EXPECT_EQ(csv.find(",=cmd"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("\n=cmd"), std::string::npos) << csv;
  EXPECT_NE(
      csv.find("6,contacts.report.outcome.refused,contacts.reason.invalid_email,piet(at)example.nl\r\n"),
      std::string::npos)
      << csv;
}

TEST_P(ContactsImportTest, RunningTheSameFileAgainAddsNothing) {
  const ImportReport first = import(kDirtyWindows1252);
  ASSERT_EQ(first.added, 7);
  const ImportReport second = import(kDirtyWindows1252);
  EXPECT_EQ(second.added, 0);
  EXPECT_EQ(second.merged, 8) << "seven known contacts and the duplicate line";
  EXPECT_EQ(merged(second),
            (std::vector<std::string>{"2<0", "3<0", "4<0", "9<2", "10<0", "11<0", "12<0", "13<0"}));
  EXPECT_EQ(refused(second), refused(first));
  EXPECT_EQ(contact_count(), 7);
  // The contact's history names both imports.
  const auto jeroen = contact("jeroen@vandijk.nl");
  const auto history =
      db_->read([&](db::Session& s) { return contacts::store::imports_of_contact(s, jeroen->id); });
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].outcome, "added");
  EXPECT_EQ(history[1].outcome, "merged");
}

TEST_P(ContactsImportTest, MergeFillsEmptyFieldsAndNeverOverwritesWithEmpty) {
  import("Naam,E-mail,Plaats,Vakgebied\nJeroen de Vries,jeroen@vandijk.nl,,juridisch\n");
  const ImportReport report = import(
      "Naam,E-mail,Plaats,Vakgebied\n,jeroen@vandijk.nl,Breda,ICT\nJ. de Vries,jeroen@vandijk.nl,Goes,\n");
  EXPECT_EQ(merged(report), (std::vector<std::string>{"2<0 changed", "3<2"}));
  const auto jeroen = contact("jeroen@vandijk.nl");
  EXPECT_EQ(jeroen->name, "Jeroen de Vries");
  EXPECT_EQ(jeroen->town, "Breda");
  EXPECT_EQ(jeroen->discipline, "juridisch");
}

TEST_P(ContactsImportTest, Latin1AndUtf8WithBomAreDetected) {
  const std::string latin1 = "Naam,E-mail,Plaats\nJos\xE9 M\xFCller,jose@example.nl,Huijbergen\n";
  const ImportReport first = import(latin1);
  EXPECT_EQ(first.encoding, Encoding::Latin1);
  EXPECT_EQ(contact("jose@example.nl")->name, "Jos\u00e9 M\u00fcller");

  const std::string bom = "\xEF\xBB\xBFName,Email,City\nZo\u00eb de Wit,zoe@example.nl,Vlissingen\n";
  const ImportReport second = import(bom);
  EXPECT_EQ(second.encoding, Encoding::Utf8Bom);
  EXPECT_EQ(second.added, 1);
  EXPECT_EQ(contact("zoe@example.nl")->name, "Zo\u00eb de Wit") << "the BOM is not part of the first header";
}

TEST_P(ContactsImportTest, AnUnclosedQuoteLosesOnlyItsOwnLine) {
  const ImportReport report =
      import("naam,email\n\"Open Quote,open@example.nl\nGoed,goed@example.nl\nOok goed,ook@example.nl\n");
  EXPECT_EQ(refused(report), (std::vector<std::string>{"2:broken_quotes"}));
  EXPECT_EQ(report.added, 2);
}

TEST_P(ContactsImportTest, WholeFileRefusalsWriteNothing) {
  EXPECT_EQ(import("").file_problem, FileProblem::Empty);
  EXPECT_EQ(import("  \r\n\r\n").file_problem, FileProblem::Empty);
  EXPECT_EQ(import(std::string("PK\x03\x04\0\0binary", 12)).file_problem, FileProblem::Binary);
  EXPECT_EQ(import("Dit is een brief\nen geen adreslijst\n").file_problem, FileProblem::NoSeparator);
  const ImportReport no_email = import("Naam,Plaats\nPiet,Breda\n");
  EXPECT_TRUE(no_email.missing_email_column);
  ImportRequest request = request_for("email\na@example.nl\nb@example.nl\nc@example.nl\n");
  request.max_rows = 2;
  EXPECT_EQ(
      contacts::run_import(*db_, "email\na@example.nl\nb@example.nl\nc@example.nl\n", request, nullptr, kNow)
          .file_problem,
      FileProblem::TooManyRows);
  EXPECT_EQ(contact_count(), 0);
  EXPECT_EQ(
      db_->read([](db::Session& s) { return s.query_one("SELECT COUNT(*) FROM contact_imports")->int64(0); }),
      0);
}

TEST_P(ContactsImportTest, AFailingImportWritesNothing) {
  // The last statement of the import fails: the contacts written before it must go too.
  db_->write([&](db::Session& s) {
    if (GetParam() == db::Backend::Sqlite) {
      s.execute_script(
          "CREATE TRIGGER fail_links BEFORE INSERT ON contact_import_links BEGIN SELECT RAISE(ABORT, "
          "'boom'); END;");
    } else {
      s.execute_script(
          "CREATE FUNCTION fail_links() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$ LANGUAGE "
          "plpgsql;"
          "CREATE TRIGGER fail_links BEFORE INSERT ON contact_import_links FOR EACH ROW EXECUTE FUNCTION "
          "fail_links();");
    }
  });
  std::string file = "email,naam\n";
  for (int k = 0; k < 900; ++k)
    file += "persoon" + std::to_string(k) + "@example.nl,Persoon " + std::to_string(k) + "\n";
  EXPECT_THROW(import(file), db::Error);
  EXPECT_EQ(contact_count(), 0);
  EXPECT_EQ(
      db_->read([](db::Session& s) { return s.query_one("SELECT COUNT(*) FROM contact_imports")->int64(0); }),
      0);
}

TEST_P(ContactsImportTest, ColumnSpecMapsByHeaderNameOrNumber) {
  const std::vector<std::string> header{"Naam", "Adres", "Contact e-mail"};
  std::string error;
  const auto guessed = contacts::guess_columns(header);
  EXPECT_FALSE(guessed[Field::Email]);
  const auto map = contacts::columns_from_spec(header, "email=Contact e-mail,town=2", guessed, error);
  ASSERT_TRUE(map) << error;
  EXPECT_EQ((*map)[Field::Email], 2u);
  EXPECT_EQ((*map)[Field::Town], 1u);
  EXPECT_EQ((*map)[Field::Name], 0u);
  EXPECT_FALSE(contacts::columns_from_spec(header, "email=Mail", guessed, error));
  EXPECT_NE(error.find("'Mail'"), std::string::npos);
  EXPECT_FALSE(contacts::columns_from_spec(header, "telefoon=Adres", guessed, error));
}

TEST_P(ContactsImportTest, AContactWhoBecomesAMemberIsLinked) {
  import("email,naam\nnieuw@example.nl,Nieuw Lid\nander@example.nl,Ander\n");
  const std::int64_t account = add_member("Nieuw@Example.nl");
  const auto linked = contact("nieuw@example.nl");
  ASSERT_TRUE(linked->account_id);
  EXPECT_EQ(*linked->account_id, account);
  EXPECT_EQ(linked->became_member_at, kNow + 5);
  EXPECT_FALSE(contact("ander@example.nl")->account_id);
  // Membership of another network links nothing here.
  add_member("ander@example.nl", kOtherNetwork);
  EXPECT_FALSE(contact("ander@example.nl")->account_id);
}

TEST_P(ContactsImportTest, ContactFunctionsSuppressAndEraseKeepsOnlyAHash) {
  import("email,naam\nnooit@example.nl,Nooit\nbounce@example.nl,Bounce\nstil@example.nl,Stil\n");
  const auto never = contact("nooit@example.nl");
  db_->write([&](db::Session& s) {
    EXPECT_TRUE(contacts::record_response(s, never->id, contacts::Response::Never, kNow));
    EXPECT_TRUE(contacts::mark_bounced(s, kNetwork, "Bounce@example.nl", "550 no such user", kNow));
    EXPECT_TRUE(contacts::mark_mailed(s, contact("stil@example.nl")->id, kNow));
  });
  const nlohmann::json exported =
      db_->read([&](db::Session& s) { return contacts::export_contact(s, never->id); });
  EXPECT_EQ(exported["email"], "nooit@example.nl");
  EXPECT_EQ(exported["response"], "never");
  EXPECT_EQ(exported["imports"].size(), 1u);
  db_->write([&](db::Session& s) { EXPECT_TRUE(contacts::erase_contact(s, never->id, "erased", kNow)); });
  EXPECT_FALSE(contact("nooit@example.nl"));
  db_->read([&](db::Session& s) {
    EXPECT_EQ(contacts::suppression_reason(s, kNetwork, " NOOIT@example.nl"), "never");
    EXPECT_EQ(contacts::suppression_reason(s, kNetwork, "bounce@example.nl"), "bounced");
    EXPECT_FALSE(contacts::is_suppressed(s, kNetwork, "stil@example.nl"));
    EXPECT_FALSE(contacts::is_suppressed(s, kOtherNetwork, "nooit@example.nl"));
    const auto stored = s.query("SELECT email_hash FROM contact_suppressions");
    for (const auto& row : stored) EXPECT_EQ(row.text(0).find('@'), std::string::npos);
  });
  const ImportReport again = import("email,naam\nnooit@example.nl,Nooit\n");
  EXPECT_EQ(refused(again), (std::vector<std::string>{"2:suppressed_never"}));
  EXPECT_EQ(again.added, 0);
}

TEST_P(ContactsImportTest, RetentionErasesOnlyContactsWhoNeverRespondedAndAreNotMembers) {
  db_->write([&](db::Session& s) { contacts::set_retention_days(s, kNetwork, 30); });
  const std::int64_t then = kNow - 40 * kDay;
  contacts::run_import(*db_,
                       "email\noud@example.nl\nantwoord@example.nl\nlid@example.nl\ngemaild@example.nl\n",
                       request_for("email\n"), nullptr, then);
  contacts::run_import(*db_, "email\nnieuw@example.nl\n", request_for("email\n"), nullptr, kNow - 10 * kDay);
  contacts::run_import(*db_, "email\noud@example.nl\n", request_for("email\n", kOtherNetwork), nullptr, then);
  db_->write([&](db::Session& s) {
    contacts::record_response(s, contacts::find_contact_by_email(s, kNetwork, "antwoord@example.nl")->id,
                              contacts::Response::NotNow, then + kDay);
    contacts::mark_mailed(s, contacts::find_contact_by_email(s, kNetwork, "gemaild@example.nl")->id,
                          kNow - 5 * kDay);
  });
  add_member("lid@example.nl");
  const std::int64_t erased = db_->write([&](db::Session& s) { return contacts::erase_expired(s, kNow); });
  EXPECT_EQ(erased, 1) << "only oud@ of this network; the other network keeps a year";
  EXPECT_FALSE(contact("oud@example.nl"));
  EXPECT_TRUE(contact("antwoord@example.nl"));
  EXPECT_TRUE(contact("lid@example.nl"));
  EXPECT_TRUE(contact("gemaild@example.nl"));
  EXPECT_TRUE(contact("nieuw@example.nl"));
  EXPECT_TRUE(contact("oud@example.nl", kOtherNetwork));
  EXPECT_FALSE(
      db_->read([&](db::Session& s) { return contacts::is_suppressed(s, kNetwork, "oud@example.nl"); }));
}

INSTANTIATE_TEST_SUITE_P(Backends, ContactsImportTest, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
