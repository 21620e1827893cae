// Opening databases from URLs, and how each backend behaves when its database goes away.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "db/database.h"
#include "support/test_databases.h"

namespace {

using Clock = std::chrono::steady_clock;
using testing_support::TestDatabase;

db::Error open_error(const std::string& url) {
  try {
    db::open(url);
  } catch (const db::Error& error) {
    return error;
  }
  ADD_FAILURE() << url << " opened";
  return db::Error(db::Error::Kind::Other, "");
}

void run_on_cluster(const std::string& sql) {
  PGconn* connection = PQconnectdb(testing_support::postgres_cluster_url().c_str());
  ASSERT_EQ(PQstatus(connection), CONNECTION_OK) << PQerrorMessage(connection);
  PGresult* result = PQexec(connection, sql.c_str());
  auto status = PQresultStatus(result);
  EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) << PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(connection);
}

std::string database_name(const std::string& url) {
  auto slash = url.rfind('/');
  return url.substr(slash + 1, url.find('?', slash) - slash - 1);
}

TEST(DbOpen, MalformedUrlIsRefusedWithOneClearLine) {
  for (std::string url : {"", "mysql://localhost/knooppunt", "sqlite:", "knooppunt.db", "sqlite::memory:",
                          "postgresql://host:notaport/db?connect_timeout=1", "postgresql://h/db?nosuchoption=1"}) {
    db::Error error = open_error(url);
    std::string message = error.what();
    EXPECT_FALSE(message.empty()) << url;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_NE(std::string(open_error("mysql://localhost/k").what()).find("sqlite:PATH"), std::string::npos);
}

TEST(DbOpen, SqliteInAMissingDirectoryNamesTheDirectory) {
  db::Error error = open_error("sqlite:/nonexistent-knooppunt-dir/sub/k.db");
  EXPECT_EQ(error.kind(), db::Error::Kind::Unavailable);
  EXPECT_NE(std::string(error.what()).find("/nonexistent-knooppunt-dir/sub"), std::string::npos) << error.what();
  EXPECT_FALSE(std::filesystem::exists("/nonexistent-knooppunt-dir"));
}

TEST(DbOpen, SqliteRelativePathIsResolvedFromTheWorkingDirectory) {
  TestDatabase scratch(db::Backend::Sqlite);
  auto directory = std::filesystem::path(scratch.url().substr(7)).parent_path();
  auto previous = std::filesystem::current_path();
  std::filesystem::current_path(directory);
  std::filesystem::create_directory("data");
  {
    auto database = db::open("sqlite:data/relative.db");
    database->write([](db::Session& s) { s.execute("CREATE TABLE t (x INTEGER)"); });
  }
  std::filesystem::current_path(previous);
  EXPECT_TRUE(std::filesystem::exists(directory / "data" / "relative.db"));
}

TEST(DbOpen, SqliteUsesWriteAheadLogging) {
  TestDatabase scratch(db::Backend::Sqlite);
  auto database = scratch.open();
  auto mode = database->read([](db::Session& s) { return s.query_one("PRAGMA journal_mode")->text(0); });
  EXPECT_EQ(mode, "wal");
  EXPECT_THROW(database->read([](db::Session& s) { s.execute("CREATE TABLE t (x INTEGER)"); }), db::Error)
      << "read() must not be able to write";
}

TEST(DbOpen, PostgresPasswordNeverAppearsInTheError) {
  // Port 1 on localhost refuses at once.
  db::Error error = open_error("postgresql://knoop:geheim@127.0.0.1:1/knooppunt");
  EXPECT_EQ(error.kind(), db::Error::Kind::Unavailable);
  EXPECT_EQ(std::string(error.what()).find("geheim"), std::string::npos) << error.what();
}

TEST(DbOpen, PostgresServerThatNeverAnswersFailsWithinTheConnectTimeout) {
  // A socket that accepts TCP connections (the kernel does, from the backlog) but never speaks.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 16), 0);
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::string url = "postgresql://postgres@127.0.0.1:" + std::to_string(ntohs(address.sin_port)) +
                    "/postgres?connect_timeout=2";

  auto started = Clock::now();
  db::Error error = open_error(url);
  auto took = Clock::now() - started;
  ::close(listener);
  EXPECT_EQ(error.kind(), db::Error::Kind::Unavailable) << error.what();
  EXPECT_LT(took, std::chrono::seconds(4)) << "connecting ignored its deadline";
}

TEST(DbPostgres, PingAnswersFalseQuicklyOnceTheDatabaseIsGone) {
  TestDatabase database(db::Backend::Postgres);
  auto db = database.open();
  ASSERT_TRUE(db->ping());
  db->read([](db::Session& s) { s.query("SELECT 1"); });

  run_on_cluster("DROP DATABASE " + database_name(database.url()) + " WITH (FORCE)");

  auto started = Clock::now();
  EXPECT_FALSE(db->ping());
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(3));
  try {
    db->read([](db::Session& s) { s.query("SELECT 1"); });
    ADD_FAILURE() << "a read succeeded on a dropped database";
  } catch (const db::Error& error) {
    EXPECT_EQ(error.kind(), db::Error::Kind::Unavailable) << error.what();
  }
  EXPECT_EQ(db->pool_stats().in_use, 0u);
}

TEST(DbPostgres, PoolRecoversWhenIdleConnectionsWereKilled) {
  TestDatabase database(db::Backend::Postgres);
  auto db = database.open();
  db->write([](db::Session& s) { s.execute("CREATE TABLE t (x INTEGER)"); });
  ASSERT_GE(db->pool_stats().open, 1u);

  // What a server restart does to every pooled connection.
  run_on_cluster("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                 database_name(database.url()) + "' AND pid <> pg_backend_pid()");

  EXPECT_NO_THROW(db->write([](db::Session& s) { s.execute("INSERT INTO t (x) VALUES (1)"); }));
  EXPECT_TRUE(db->ping());
}

TEST(DbPostgres, StatementErrorSwallowedInsideWriteStillFailsTheWrite) {
  // PostgreSQL aborts the whole transaction on an error; COMMIT then quietly rolls back. write()
  // must say so rather than pretend the other statements were saved.
  TestDatabase database(db::Backend::Postgres);
  auto db = database.open();
  db->write([](db::Session& s) { s.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)"); });
  EXPECT_THROW(db->write([](db::Session& s) {
    s.execute("INSERT INTO t (x) VALUES (1)");
    try {
      s.execute("INSERT INTO t (x) VALUES (1)");
    } catch (const db::Error&) {
    }
  }),
               db::Error);
  auto rows = db->read([](db::Session& s) { return s.query_one("SELECT COUNT(*) FROM t")->int64(0); });
  EXPECT_EQ(rows, 0);
}

}  // namespace
