// Test support: both storage backends, and a fresh empty database per test on each of them.
//
// PostgreSQL comes from KNOOPPUNT_TEST_POSTGRES or from the throwaway cluster that
// scripts/test-postgres.sh starts (ctest fixture `postgres`, URL in BUILD/test-postgres/url).
// Without either, creating a PostgreSQL TestDatabase throws: both backends are required.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "db/database.h"

namespace testing_support {

// Every backend the storage tests must pass on.
std::vector<db::Backend> test_backends();

// The URL of the PostgreSQL cluster the tests use (its `postgres` database). Throws
// std::runtime_error with instructions when there is none.
std::string postgres_cluster_url();

// A fresh, empty database that is deleted again when this object goes away.
// Example:
//   TestDatabase database(db::Backend::Postgres);
//   auto db = database.open();
class TestDatabase {
 public:
  explicit TestDatabase(db::Backend backend);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  db::Backend backend() const { return backend_; }
  // "sqlite:/tmp/.../knooppunt.db" or "postgresql://.../knooppunt_test_...".
  const std::string& url() const { return url_; }
  std::unique_ptr<db::Database> open(const db::Options& options = {}) const;

 private:
  db::Backend backend_;
  std::string url_;
  std::string directory_;      // SQLite: the temporary directory holding the file
  std::string database_name_;  // PostgreSQL: the database created on the cluster
  std::string cluster_url_;
};

}  // namespace testing_support
