// The storage contract, proven the same way on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <future>
#include <limits>
#include <thread>

#include "db/database.h"
#include "support/test_databases.h"

namespace {

using testing_support::TestDatabase;

class DbStorage : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    db_ = database_->open();
  }

  void create_counter() {
    db_->write([](db::Session& s) {
      s.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)");
      s.execute("INSERT INTO counter (id, n) VALUES (1, 0)");
    });
  }

  std::int64_t count_rows(const std::string& table) {
    return db_->read([&](db::Session& s) { return s.query_one("SELECT COUNT(*) FROM " + table)->int64(0); });
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<db::Database> db_;  // declared last: closed before the database is dropped
};

TEST_P(DbStorage, EveryValueTypeRoundTripsIncludingNullUnicodeAndInt64Extremes) {
  const std::string unicode = "Zoë’s koffie — 日本語 🚲 \"quoted\" 'single' ? $1";
  db_->write([&](db::Session& s) {
    s.execute("CREATE TABLE value_types (id INTEGER PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, t TEXT)");
    const char* insert = "INSERT INTO value_types (id, i, r, t) VALUES (?, ?, ?, ?)";
    s.execute(insert, {std::int64_t{1}, std::numeric_limits<std::int64_t>::max(), 1.5, unicode});
    s.execute(insert, {std::int64_t{2}, std::numeric_limits<std::int64_t>::min(), -0.1, std::string()});
    s.execute(insert, {std::int64_t{3}, db::null(), db::null(), db::null()});
    s.execute(insert, {std::int64_t{4}, std::int64_t{0}, 1e300, db::optional(std::optional<std::string>("x"))});
  });

  auto rows = db_->read([](db::Session& s) { return s.query("SELECT id, i, r, t FROM value_types ORDER BY id"); });
  ASSERT_EQ(rows.size(), 4u);

  EXPECT_TRUE(std::holds_alternative<std::int64_t>(rows[0].value(1)));
  EXPECT_EQ(rows[0].int64(1), std::numeric_limits<std::int64_t>::max());
  EXPECT_TRUE(std::holds_alternative<double>(rows[0].value(2)));
  EXPECT_EQ(rows[0].real(2), 1.5);
  EXPECT_TRUE(std::holds_alternative<std::string>(rows[0].value(3)));
  EXPECT_EQ(rows[0].text(3), unicode);

  EXPECT_EQ(rows[1].int64(1), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(rows[1].real(2), -0.1);
  EXPECT_FALSE(rows[1].is_null(3));
  EXPECT_EQ(rows[1].optional_text(3), std::optional<std::string>(""));

  for (std::size_t column = 1; column <= 3; ++column) EXPECT_TRUE(rows[2].is_null(column)) << column;
  EXPECT_EQ(rows[2].int64(1), 0);
  EXPECT_EQ(rows[2].real(2), 0.0);
  EXPECT_EQ(rows[2].text(3), "");
  EXPECT_EQ(rows[2].optional_int64(1), std::nullopt);
  EXPECT_EQ(rows[2].optional_text(3), std::nullopt);

  EXPECT_EQ(rows[3].real(2), 1e300);
  EXPECT_EQ(rows[3].text(3), "x");
}

TEST_P(DbStorage, ParametersCanBeComparedAndComputedWith) {
  auto row = db_->read([](db::Session& s) {
    // A bare `? IS NULL` has no type on PostgreSQL; CAST gives it one on both backends.
    return s.query_one("SELECT ? + 1, ? * 2, CAST(? AS TEXT) IS NULL, '?' || ?",
                       {std::int64_t{41}, 1.25, db::null(), std::string("!")});
  });
  ASSERT_TRUE(row);
  EXPECT_EQ(row->int64(0), 42);
  EXPECT_EQ(row->real(1), 2.5);
  EXPECT_EQ(row->int64(2), 1);
  EXPECT_EQ(row->text(3), "?!");  // the ? inside the literal is text, not a placeholder
}

TEST_P(DbStorage, SumOfIntegersReadsAsTheSameInt64OnBothBackends) {
  create_counter();
  db_->write([](db::Session& s) { s.execute("INSERT INTO counter (id, n) VALUES (2, 40), (3, 2)"); });
  auto total = db_->read([](db::Session& s) { return s.query_one("SELECT SUM(n) FROM counter")->int64(0); });
  EXPECT_EQ(total, 42);
}

TEST_P(DbStorage, WriteCommitsWhenTheFunctionReturns) {
  create_counter();
  std::int64_t changed = db_->write(
      [](db::Session& s) { return s.execute("UPDATE counter SET n = ? WHERE id = 1", {std::int64_t{7}}); });
  EXPECT_EQ(changed, 1);

  auto reopened = database_->open();  // other connections, so the change is really committed
  auto n = reopened->read([](db::Session& s) { return s.query_one("SELECT n FROM counter WHERE id = 1")->int64(0); });
  EXPECT_EQ(n, 7);
}

TEST_P(DbStorage, WriteThatThrowsLeavesNoHalfWrite) {
  create_counter();
  EXPECT_THROW(db_->write([](db::Session& s) {
    s.execute("INSERT INTO counter (id, n) VALUES (2, 2)");
    s.execute("UPDATE counter SET n = 100 WHERE id = 1");
    throw std::runtime_error("the service changed its mind");
  }),
               std::runtime_error);

  EXPECT_EQ(count_rows("counter"), 1);
  auto n = db_->read([](db::Session& s) { return s.query_one("SELECT n FROM counter WHERE id = 1")->int64(0); });
  EXPECT_EQ(n, 0);
  // The writer is usable again afterwards.
  db_->write([](db::Session& s) { s.execute("INSERT INTO counter (id, n) VALUES (2, 2)"); });
  EXPECT_EQ(count_rows("counter"), 2);
}

TEST_P(DbStorage, ConstraintViolationRaisesConstraintErrorAndKeepsEarlierData) {
  db_->write([](db::Session& s) {
    s.execute("CREATE TABLE settings_copy (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    s.execute("INSERT INTO settings_copy (key, value) VALUES ('a', '1')");
  });

  try {
    db_->write([](db::Session& s) {
      s.execute("INSERT INTO settings_copy (key, value) VALUES ('b', '2')");
      s.execute("INSERT INTO settings_copy (key, value) VALUES ('a', '3')");
    });
    FAIL() << "a duplicate key was accepted";
  } catch (const db::Error& error) {
    EXPECT_EQ(error.kind(), db::Error::Kind::Constraint) << error.what();
  }
  try {
    db_->write([](db::Session& s) { s.execute("INSERT INTO settings_copy (key, value) VALUES ('c', NULL)"); });
    FAIL() << "NULL was accepted in a NOT NULL column";
  } catch (const db::Error& error) {
    EXPECT_EQ(error.kind(), db::Error::Kind::Constraint) << error.what();
  }

  auto rows = db_->read([](db::Session& s) { return s.query("SELECT key, value FROM settings_copy"); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text(0), "a");
  EXPECT_EQ(rows[0].text(1), "1");
}

TEST_P(DbStorage, SameStatementRunsManyTimesThroughOnePreparedStatement) {
  create_counter();
  constexpr int kTimes = 2000;
  db_->write([](db::Session& s) {
    for (int i = 0; i < kTimes; ++i) {
      s.execute("INSERT INTO counter (id, n) VALUES (?, ?)", {std::int64_t{i + 10}, std::int64_t{i}});
    }
  });
  std::int64_t sum = db_->read([](db::Session& s) {
    std::int64_t total = 0;
    for (int i = 0; i < kTimes; ++i) {
      total += s.query_one("SELECT n FROM counter WHERE id = ?", {std::int64_t{i + 10}})->int64(0);
    }
    return total;
  });
  EXPECT_EQ(sum, std::int64_t{kTimes} * (kTimes - 1) / 2);

  if (GetParam() == db::Backend::Postgres) {
    auto prepared = db_->write([](db::Session& s) {
      s.query("SELECT n FROM counter WHERE id = ?", {std::int64_t{10}});
      s.query("SELECT n FROM counter WHERE id = ?", {std::int64_t{11}});
      return s.query_one("SELECT COUNT(*) FROM pg_prepared_statements WHERE statement = ?",
                         {std::string("SELECT n FROM counter WHERE id = $1")})
          ->int64(0);
    });
    EXPECT_EQ(prepared, 1);
  }
}

TEST_P(DbStorage, ManyDistinctStatementsStayCorrectPastTheStatementCacheLimit) {
  auto total = db_->read([](db::Session& s) {
    std::int64_t sum = 0;
    for (int i = 0; i < 700; ++i) {
      sum += s.query_one("SELECT " + std::to_string(i) + " + ?", {std::int64_t{1}})->int64(0);
      sum += s.query_one("SELECT ? - 1", {std::int64_t{i}})->int64(0);  // one that stays cached
    }
    return sum;
  });
  EXPECT_EQ(total, 2 * (699 * 700 / 2));
}

TEST_P(DbStorage, ConcurrentReadModifyWriteFromEightThreadsLosesNoUpdate) {
  create_counter();
  constexpr int kThreads = 8;
  constexpr int kIncrements = 50;
  std::atomic<int> failures{0};
  std::string first_failure;
  std::mutex failure_mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        try {
          db_->write([](db::Session& s) {
            std::int64_t n = s.query_one("SELECT n FROM counter WHERE id = 1")->int64(0);
            s.execute("UPDATE counter SET n = ? WHERE id = 1", {n + 1});
          });
        } catch (const std::exception& error) {
          std::lock_guard lock(failure_mutex);
          if (failures++ == 0) first_failure = error.what();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(failures.load(), 0) << first_failure;
  auto n = db_->read([](db::Session& s) { return s.query_one("SELECT n FROM counter WHERE id = 1")->int64(0); });
  EXPECT_EQ(n, kThreads * kIncrements);
}

TEST_P(DbStorage, ReaderSeesOneSnapshotWhileAWriterCommits) {
  create_counter();
  std::promise<void> first_read_done;
  std::promise<void> write_done;
  auto reader = std::async(std::launch::async, [&] {
    return db_->read([&](db::Session& s) {
      std::int64_t before = s.query_one("SELECT n FROM counter WHERE id = 1")->int64(0);
      first_read_done.set_value();
      write_done.get_future().wait();
      std::int64_t rows = s.query_one("SELECT COUNT(*) FROM counter")->int64(0);
      std::int64_t after = s.query_one("SELECT n FROM counter WHERE id = 1")->int64(0);
      return std::make_tuple(before, after, rows);
    });
  });

  first_read_done.get_future().wait();
  db_->write([](db::Session& s) {
    s.execute("UPDATE counter SET n = 5 WHERE id = 1");
    s.execute("INSERT INTO counter (id, n) VALUES (2, 1)");
  });
  write_done.set_value();

  auto [before, after, rows] = reader.get();
  EXPECT_EQ(before, 0);
  EXPECT_EQ(after, 0) << "the reader saw a write that committed during its transaction";
  EXPECT_EQ(rows, 1);
  EXPECT_EQ(count_rows("counter"), 2);  // a new read sees the write
}

TEST_P(DbStorage, ReadsRunInParallelWithEachOther) {
  create_counter();
  std::promise<void> first_inside;
  std::promise<void> second_done;
  auto first = std::async(std::launch::async, [&] {
    db_->read([&](db::Session& s) {
      s.query("SELECT n FROM counter");
      first_inside.set_value();
      // Would deadlock if a second reader could not run while this one is open.
      second_done.get_future().wait();
    });
  });
  first_inside.get_future().wait();
  EXPECT_EQ(count_rows("counter"), 1);
  second_done.set_value();
  first.get();
}

TEST_P(DbStorage, QueryOneReturnsNothingWhenNoRowMatches) {
  create_counter();
  auto row = db_->read([](db::Session& s) { return s.query_one("SELECT n FROM counter WHERE id = ?", {std::int64_t{99}}); });
  EXPECT_FALSE(row.has_value());
}

TEST_P(DbStorage, ExecuteScriptRunsSeveralStatements) {
  db_->write([](db::Session& s) {
    s.execute_script(
        "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
        "-- a comment; with a semicolon\n"
        "INSERT INTO a (id) VALUES (1);\n"
        "INSERT INTO a (id) VALUES (2);");
  });
  EXPECT_EQ(count_rows("a"), 2);
}

TEST_P(DbStorage, WrongNumberOfParametersIsAnError) {
  EXPECT_THROW(db_->read([](db::Session& s) { s.query("SELECT ?", {}); }), db::Error);
  EXPECT_THROW(db_->read([](db::Session& s) { s.query("SELECT 1", {std::int64_t{1}}); }), db::Error);
}

TEST_P(DbStorage, ForeignKeysAreEnforced) {
  db_->write([](db::Session& s) {
    s.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
    s.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id))");
  });
  try {
    db_->write([](db::Session& s) { s.execute("INSERT INTO child (id, parent_id) VALUES (1, 42)"); });
    FAIL() << "a child without parent was accepted";
  } catch (const db::Error& error) {
    EXPECT_EQ(error.kind(), db::Error::Kind::Constraint) << error.what();
  }
}

TEST_P(DbStorage, PingAndPoolStatsReportALiveDatabase) {
  EXPECT_TRUE(db_->ping());
  auto inside = db_->read([&](db::Session& s) {
    s.query("SELECT 1");
    return db_->pool_stats();
  });
  EXPECT_GE(inside.open, 1u);
  EXPECT_GE(inside.in_use, 1u);
  auto outside = db_->pool_stats();
  EXPECT_EQ(outside.in_use, 0u);
  EXPECT_LE(outside.open, db::Options{}.pool_size + 1);
}

TEST_P(DbStorage, PoolNeverOpensMoreConnectionsThanItsSize) {
  auto small = database_->open(db::Options{.pool_size = 2});
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) small->read([](db::Session& s) { s.query("SELECT 1"); });
    });
  }
  for (auto& thread : threads) thread.join();
  auto stats = small->pool_stats();
  EXPECT_LE(stats.open, 3u);  // two readers (plus SQLite's writer)
  EXPECT_EQ(stats.in_use, 0u);
}

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

INSTANTIATE_TEST_SUITE_P(Backends, DbStorage, ::testing::ValuesIn(testing_support::test_backends()), backend_name);

}  // namespace
