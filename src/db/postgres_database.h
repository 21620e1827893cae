// The PostgreSQL backend: a pool of libpq connections, statements prepared once per connection.
//
// It uses libpq directly rather than libpqxx: our interface is small (text-format parameters, a
// handful of result types), and owning the connection loop lets ping() and connecting honour hard
// deadlines, which /healthz needs when the server vanishes.
//
// Parameters: integers and reals are sent typed (int8, float8); text and NULL are sent untyped, so
// the server takes the type from the context (a column, a comparison). A bare `? IS NULL` has no
// context: write `CAST(? AS TEXT) IS NULL` (valid on SQLite too).
// Writes run SERIALIZABLE, so a read-modify-write in one write() is as safe as on SQLite's single
// writer; the losing transaction fails with 40001 and is retried with jittered backoff.
//
// Thread-safety: shareable between threads; a connection is lent to one thread at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"

namespace db {

// `sql` with each `?` outside string literals, quoted identifiers and comments replaced by $1, $2, ...
struct RewrittenSql {
  std::string sql;
  int parameter_count = 0;
};
RewrittenSql rewrite_placeholders(std::string_view sql);

// `url` with the password, if any, replaced by ***; for messages and logs.
std::string redact_url(std::string_view url);

class PostgresConnection;

class PostgresDatabase final : public Database {
 public:
  // Connects once to check the URL and the server. Throws Error(Unavailable) when it cannot.
  PostgresDatabase(std::string url, const Options& options);
  ~PostgresDatabase() override;
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  Backend backend() const override { return Backend::Postgres; }
  // Answers within about two seconds even when the server has stopped responding.
  bool ping() override;
  PoolStats pool_stats() const override;

 protected:
  void run_read(const std::function<void(Session&)>& fn) override;
  void run_write(const std::function<void(Session&)>& fn) override;

 private:
  using Clock = std::chrono::steady_clock;

  // Lends a connection, opening one if the pool has room; waits until `deadline` otherwise.
  // `reused` tells whether it came from the idle list (so it may have died while idle).
  std::unique_ptr<PostgresConnection> acquire(Clock::time_point deadline, bool* reused);
  // Returns a healthy connection to the pool; a broken one (or null) is closed and its slot freed.
  void release(std::unique_ptr<PostgresConnection> connection);
  void run_transaction(const char* begin_sql, const std::function<void(Session&)>& fn);

  std::string url_;
  std::vector<std::string> keywords_;  // connection parameters beyond the URL (defaults)
  std::vector<std::string> values_;
  std::chrono::seconds connect_timeout_;
  std::size_t max_connections_;

  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;
  std::size_t open_ = 0;
  std::size_t in_use_ = 0;
  std::size_t waits_ = 0;
};

}  // namespace db
