#include "support/test_databases.h"

#include <libpq-fe.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace testing_support {

namespace {

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string random_suffix() {
  std::random_device device;
  std::ostringstream out;
  out << std::hex << device() << device();
  return out.str();
}

// CREATE and DROP DATABASE cannot run inside a transaction, which is all db::Session offers, so
// these go through libpq directly.
void run_on_cluster(const std::string& cluster_url, const std::string& sql) {
  PGconn* connection = PQconnectdb(cluster_url.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string reason = PQerrorMessage(connection);
    PQfinish(connection);
    throw std::runtime_error("cannot connect to the PostgreSQL test cluster at " + cluster_url + ": " + reason);
  }
  PGresult* result = PQexec(connection, sql.c_str());
  bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  std::string reason = ok ? "" : PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(connection);
  if (!ok) throw std::runtime_error("PostgreSQL test cluster: " + sql + " failed: " + reason);
}

// The cluster URL with its database name replaced by `name`.
std::string with_database(const std::string& url, const std::string& name) {
  std::size_t authority = url.find("://");
  authority = authority == std::string::npos ? 0 : authority + 3;
  std::size_t query = url.find('?', authority);
  std::size_t path_end = query == std::string::npos ? url.size() : query;
  std::size_t path = url.find('/', authority);
  if (path == std::string::npos || path > path_end) path = path_end;
  return url.substr(0, path) + "/" + name + url.substr(path_end);
}

}  // namespace

std::vector<db::Backend> test_backends() { return {db::Backend::Sqlite, db::Backend::Postgres}; }

std::string postgres_cluster_url() {
  if (const char* url = std::getenv("KNOOPPUNT_TEST_POSTGRES"); url != nullptr && *url != '\0') return url;
  const std::string url_file = std::string(KNOOPPUNT_BUILD_DIR) + "/test-postgres/url";
  std::ifstream in(url_file);
  std::string url;
  if (in) std::getline(in, url);
  url = trim(url);
  if (url.empty()) {
    throw std::runtime_error(
        "PostgreSQL is required for the storage tests but none is available: set "
        "KNOOPPUNT_TEST_POSTGRES=postgresql://USER@HOST:PORT/DB (a user allowed to create databases), or "
        "start the throwaway cluster with `scripts/test-postgres.sh start " KNOOPPUNT_BUILD_DIR
        "/test-postgres` (ctest does this through its `postgres` fixture)");
  }
  return url;
}

TestDatabase::TestDatabase(db::Backend backend) : backend_(backend) {
  if (backend == db::Backend::Sqlite) {
    std::string pattern = (std::filesystem::temp_directory_path() / "knooppunt-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temporary directory");
    directory_ = pattern;
    url_ = "sqlite:" + directory_ + "/knooppunt.db";
    return;
  }
  cluster_url_ = postgres_cluster_url();
  database_name_ = "knooppunt_test_" + random_suffix();
  run_on_cluster(cluster_url_, "CREATE DATABASE " + database_name_);
  url_ = with_database(cluster_url_, database_name_);
}

TestDatabase::~TestDatabase() {
  try {
    if (!directory_.empty()) std::filesystem::remove_all(directory_);
    if (!database_name_.empty()) {
      run_on_cluster(cluster_url_, "DROP DATABASE IF EXISTS " + database_name_ + " WITH (FORCE)");
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "warning: could not remove test database: %s\n", error.what());
  }
}

std::unique_ptr<db::Database> TestDatabase::open(const db::Options& options) const {
  return db::open(url_, options);
}

}  // namespace testing_support
