// The `?` to `$n` rewriting the PostgreSQL backend applies to every statement.
#include <gtest/gtest.h>

#include "db/postgres_database.h"

namespace {

struct Case {
  const char* sql;
  const char* expected;
  int parameters;
};

TEST(DbPlaceholders, RewritesQuestionMarksOutsideLiteralsIdentifiersAndComments) {
  const Case cases[] = {
      {"SELECT 1", "SELECT 1", 0},
      {"SELECT ?", "SELECT $1", 1},
      {"INSERT INTO t (a, b, c) VALUES (?, ?,?)", "INSERT INTO t (a, b, c) VALUES ($1, $2,$3)", 3},
      {"SELECT '?' , ?", "SELECT '?' , $1", 1},
      {"SELECT 'it''s ?' , ?", "SELECT 'it''s ?' , $1", 1},
      {"SELECT E'back\\'slash ?' , ?", "SELECT E'back\\'slash ?' , $1", 1},
      {"SELECT \"odd?name\" FROM t WHERE x = ?", "SELECT \"odd?name\" FROM t WHERE x = $1", 1},
      {"SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2", 2},
      {"SELECT /* a ? /* nested ? */ still ? */ ?", "SELECT /* a ? /* nested ? */ still ? */ $1", 1},
      {"SELECT $$ ? $$, $tag$ it's ? $tag$, ?", "SELECT $$ ? $$, $tag$ it's ? $tag$, $1", 1},
      {"SELECT a-?", "SELECT a-$1", 1},
      {"SELECT 'unterminated ?", "SELECT 'unterminated ?", 0},
      {"SELECT ?, 'x' || ? || 'y'", "SELECT $1, 'x' || $2 || 'y'", 2},
  };
  for (const Case& c : cases) {
    auto rewritten = db::rewrite_placeholders(c.sql);
    EXPECT_EQ(rewritten.sql, c.expected) << c.sql;
    EXPECT_EQ(rewritten.parameter_count, c.parameters) << c.sql;
  }
}

TEST(DbPlaceholders, CountsTenAndMoreParameters) {
  std::string sql = "VALUES (";
  for (int i = 0; i < 12; ++i) sql += i == 0 ? "?" : ", ?";
  sql += ")";
  auto rewritten = db::rewrite_placeholders(sql);
  EXPECT_EQ(rewritten.parameter_count, 12);
  EXPECT_NE(rewritten.sql.find("$10, $11, $12)"), std::string::npos) << rewritten.sql;
}

TEST(DbRedactUrl, HidesThePasswordOnly) {
  EXPECT_EQ(db::redact_url("postgresql://knoop:s3cret@db.example:5432/knooppunt"),
            "postgresql://knoop:***@db.example:5432/knooppunt");
  EXPECT_EQ(db::redact_url("postgresql://knoop@db.example/knooppunt"), "postgresql://knoop@db.example/knooppunt");
  EXPECT_EQ(db::redact_url("postgresql://db.example/k?user=a@b"), "postgresql://db.example/k?user=a@b");
  EXPECT_EQ(db::redact_url("postgresql://db.example/k?user=a&password=pw&sslmode=require"),
            "postgresql://db.example/k?user=a&password=***&sslmode=require");
}

}  // namespace
