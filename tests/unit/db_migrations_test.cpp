// Migrations on both backends, and the rules for migration file names.
#include <gtest/gtest.h>

#include <future>

#include "db/migration_files.h"
#include "db/migrations.h"
#include "support/test_databases.h"

namespace {

using testing_support::TestDatabase;

std::vector<db::Migration> three_migrations() {
  return {
      {1, "members", "CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"},
      {2, "groups",
       "CREATE TABLE groups_ (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
       "CREATE TABLE memberships (member_id INTEGER NOT NULL REFERENCES members (id),"
       " group_id INTEGER NOT NULL REFERENCES groups_ (id));"},
      {3, "first_group", "INSERT INTO groups_ (id, name) VALUES (1, 'Fiscaal');"},
  };
}

class DbMigrations : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    db_ = database_->open();
  }

  db::Rows recorded() {
    return db_->read(
        [](db::Session& s) { return s.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version"); });
  }

  bool table_exists(const std::string& table) {
    try {
      db_->read([&](db::Session& s) { s.query("SELECT COUNT(*) FROM " + table); });
      return true;
    } catch (const db::Error&) {
      return false;
    }
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
};

TEST_P(DbMigrations, AppliesEachMigrationInOrderAndRecordsIt) {
  auto status = db::migration_status(*db_, three_migrations());
  EXPECT_EQ(status.applied_version, 0);
  EXPECT_EQ(status.latest_version, 3);
  EXPECT_FALSE(status.up_to_date());

  EXPECT_EQ(db::migrate(*db_, three_migrations()), 3);

  auto rows = recorded();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].int64(0), 1);
  EXPECT_EQ(rows[0].text(1), "members");
  EXPECT_EQ(rows[2].text(1), "first_group");
  EXPECT_GT(rows[2].int64(2), 1'600'000'000);  // unix seconds
  auto group = db_->read([](db::Session& s) { return s.query_one("SELECT name FROM groups_ WHERE id = 1"); });
  ASSERT_TRUE(group);
  EXPECT_EQ(group->text(0), "Fiscaal");
  EXPECT_TRUE(db::migration_status(*db_, three_migrations()).up_to_date());
}

TEST_P(DbMigrations, RunningAgainIsANoOp) {
  db::migrate(*db_, three_migrations());
  EXPECT_EQ(db::migrate(*db_, three_migrations()), 0);
  EXPECT_EQ(recorded().size(), 3u);
  auto groups = db_->read([](db::Session& s) { return s.query_one("SELECT COUNT(*) FROM groups_")->int64(0); });
  EXPECT_EQ(groups, 1);
}

TEST_P(DbMigrations, AppliesOnlyTheMigrationsThatArePending) {
  auto all = three_migrations();
  EXPECT_EQ(db::migrate(*db_, {all[0], all[1]}), 2);
  EXPECT_EQ(db::migrate(*db_, all), 1);
  EXPECT_EQ(db::migration_status(*db_, all).applied_version, 3);
}

TEST_P(DbMigrations, FailingMigrationRollsBackAndLeavesTheVersionUnchanged) {
  auto migrations = three_migrations();
  migrations[1].sql =
      "CREATE TABLE groups_ (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
      "INSERT INTO no_such_table (id) VALUES (1);";
  try {
    db::migrate(*db_, migrations);
    FAIL() << "a broken migration was applied";
  } catch (const db::Error& error) {
    EXPECT_NE(std::string(error.what()).find("0002_groups"), std::string::npos) << error.what();
  }
  EXPECT_EQ(db::migration_status(*db_, migrations).applied_version, 1);
  EXPECT_TRUE(table_exists("members"));
  EXPECT_FALSE(table_exists("groups_")) << "the first statement of the failed migration stayed";

  // Fixed, it applies from where it stopped.
  EXPECT_EQ(db::migrate(*db_, three_migrations()), 2);
}

TEST_P(DbMigrations, DatabaseNewerThanTheBinaryIsRefused) {
  auto all = three_migrations();
  db::migrate(*db_, all);
  try {
    db::migrate(*db_, {all[0], all[1]});
    FAIL() << "an older binary migrated a newer database";
  } catch (const db::Error& error) {
    EXPECT_NE(std::string(error.what()).find("newer"), std::string::npos) << error.what();
  }
  auto status = db::migration_status(*db_, {all[0], all[1]});
  EXPECT_EQ(status.applied_version, 3);
  EXPECT_FALSE(status.up_to_date());
}

TEST_P(DbMigrations, TwoInstancesMigratingAtOnceApplyEachMigrationOnce) {
  auto other = database_->open();
  auto first = std::async(std::launch::async, [&] { return db::migrate(*db_, three_migrations()); });
  auto second = std::async(std::launch::async, [&] { return db::migrate(*other, three_migrations()); });
  int ran = first.get() + second.get();
  EXPECT_EQ(ran, 3);
  EXPECT_EQ(recorded().size(), 3u);
}

TEST_P(DbMigrations, EmbeddedMigrationsCreateTheSettingsTable) {
  EXPECT_GE(db::migrate(*db_), 1);
  EXPECT_TRUE(db::migration_status(*db_).up_to_date());
  db_->write([](db::Session& s) {
    s.execute("INSERT INTO settings (key, value) VALUES (?, ?)", {std::string("cookie_secret"), std::string("s3")});
  });
  auto value = db_->read([](db::Session& s) {
    return s.query_one("SELECT value FROM settings WHERE key = ?", {std::string("cookie_secret")})->text(0);
  });
  EXPECT_EQ(value, "s3");
}

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

INSTANTIATE_TEST_SUITE_P(Backends, DbMigrations, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);

// --- File names

util::Resource file(std::string_view path, std::string_view content = "SELECT 1;") { return {path, content}; }

TEST(DbMigrationFiles, SharedAndBackendSpecificFilesGiveEachBackendItsOwnSql) {
  std::vector<util::Resource> files = {
      file("src/db/migrations/0001_settings.sql", "shared"),
      file("src/db/migrations/0002_search.postgres.sql", "tsvector"),
      file("src/db/migrations/0002_search.sqlite.sql", "fts5"),
  };
  auto sqlite = db::migrations_from_files(files, db::Backend::Sqlite);
  auto postgres = db::migrations_from_files(files, db::Backend::Postgres);
  ASSERT_EQ(sqlite.size(), 2u);
  ASSERT_EQ(postgres.size(), 2u);
  EXPECT_EQ(sqlite[0].sql, "shared");
  EXPECT_EQ(postgres[0].sql, "shared");
  EXPECT_EQ(sqlite[1].sql, "fts5");
  EXPECT_EQ(postgres[1].sql, "tsvector");
  EXPECT_EQ(sqlite[1].version, 2);
  EXPECT_EQ(sqlite[1].name, "search");
}

TEST(DbMigrationFiles, DuplicateVersionIsAStartUpError) {
  std::vector<util::Resource> files = {file("m/0001_a.sql"), file("m/0001_b.sql")};
  EXPECT_THROW(db::migrations_from_files(files, db::Backend::Sqlite), db::Error);
  files = {file("m/0001_a.sql"), file("m/0001_a.sqlite.sql")};
  EXPECT_THROW(db::migrations_from_files(files, db::Backend::Postgres), db::Error);
}

TEST(DbMigrationFiles, VersionMissingForOneBackendIsAStartUpError) {
  std::vector<util::Resource> files = {file("m/0001_a.sql"), file("m/0002_b.sqlite.sql")};
  // Even SQLite, which has both, refuses: the two backends must not drift apart.
  EXPECT_THROW(db::migrations_from_files(files, db::Backend::Sqlite), db::Error);
  EXPECT_THROW(db::migrations_from_files(files, db::Backend::Postgres), db::Error);
  files = {file("m/0001_a.sql"), file("m/0003_c.sql")};
  EXPECT_THROW(db::migrations_from_files(files, db::Backend::Sqlite), db::Error);
}

TEST(DbMigrationFiles, MalformedNamesAreAStartUpError) {
  for (std::string_view name : {"m/1_a.sql", "m/0001-a.sql", "m/0001_A.sql", "m/0001_.sql", "m/0000_zero.sql",
                                "m/0001_a.mysql.sql", "m/abcd_a.sql"}) {
    EXPECT_THROW(db::migrations_from_files({file(name)}, db::Backend::Sqlite), db::Error) << name;
  }
}

TEST(DbMigrationFiles, EmbeddedMigrationsStartWithTheSettingsTable) {
  for (auto backend : testing_support::test_backends()) {
    auto migrations = db::embedded_migrations(backend);
    ASSERT_FALSE(migrations.empty());
    EXPECT_EQ(migrations[0].version, 1);
    EXPECT_EQ(migrations[0].name, "settings");
    EXPECT_NE(migrations[0].sql.find("CREATE TABLE settings"), std::string::npos);
  }
}

}  // namespace
