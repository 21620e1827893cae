// The storage interface every feature's store uses; two backends implement it (SQLite, PostgreSQL).
//
// SQL is written once with `?` placeholders; the PostgreSQL backend rewrites them to $1, $2, ...
// Statements are prepared once per connection and reused. Where the two dialects differ (search,
// upserts, dates), the difference goes behind a small interface here in db/, not into feature code.
//
// Thread-safety: Database is safe to share between threads. A Session belongs to the one thread
// that received it, for the duration of the read() or write() call.
//
// Errors: infrastructure failures (database unreachable, constraint violated) throw db::Error; they
// are bugs or outages, not user mistakes, and the HTTP layer turns them into 500 or 503. Validation
// belongs in services, before SQL runs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace db {

enum class Backend { Sqlite, Postgres };
std::string_view to_string(Backend backend);

class Error : public std::runtime_error {
 public:
  enum class Kind { Unavailable, Constraint, Conflict, Other };
  Error(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
using Params = std::vector<Value>;

inline Value null() { return std::monostate{}; }
template <class T>
Value optional(const std::optional<T>& v) {
  return v ? Value(*v) : Value(std::monostate{});
}

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  bool is_null(std::size_t column) const;
  std::int64_t int64(std::size_t column) const;   // NULL reads as 0
  double real(std::size_t column) const;          // NULL reads as 0.0
  std::string text(std::size_t column) const;     // NULL reads as ""
  std::optional<std::string> optional_text(std::size_t column) const;
  std::optional<std::int64_t> optional_int64(std::size_t column) const;
  const Value& value(std::size_t column) const { return values_.at(column); }

 private:
  std::vector<Value> values_;
};

using Rows = std::vector<Row>;

class Session {
 public:
  virtual ~Session() = default;
  // Runs one statement and returns its rows (empty for statements that return none).
  virtual Rows query(std::string_view sql, const Params& params = {}) = 0;
  // Runs one statement and returns the number of rows it changed.
  virtual std::int64_t execute(std::string_view sql, const Params& params = {}) = 0;
  // Runs several statements without parameters (migrations).
  virtual void execute_script(std::string_view sql) = 0;

  // The first row, or nothing.
  std::optional<Row> query_one(std::string_view sql, const Params& params = {});
};

struct PoolStats {
  std::size_t open = 0;    // connections open now
  std::size_t in_use = 0;  // of which lent out
  std::size_t waits = 0;   // times a caller had to wait for a connection (since start)
};

struct Options {
  std::size_t pool_size = 8;  // readers for SQLite; connections for PostgreSQL
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Backend backend() const = 0;

  // Runs fn in a read transaction (a consistent snapshot) and returns its result.
  template <class Fn>
  auto read(Fn&& fn) -> decltype(fn(std::declval<Session&>())) {
    using Result = decltype(fn(std::declval<Session&>()));
    if constexpr (std::is_void_v<Result>) {
      run_read([&](Session& s) { fn(s); });
    } else {
      std::optional<Result> result;
      run_read([&](Session& s) { result.emplace(fn(s)); });
      return std::move(*result);
    }
  }

  // Runs fn in a write transaction: committed when fn returns, rolled back when it throws.
  // SQLite: the single writer connection, BEGIN IMMEDIATE. PostgreSQL: retried a few times on
  // serialization failures and deadlocks, so fn must not have side effects outside the database.
  template <class Fn>
  auto write(Fn&& fn) -> decltype(fn(std::declval<Session&>())) {
    using Result = decltype(fn(std::declval<Session&>()));
    if constexpr (std::is_void_v<Result>) {
      run_write([&](Session& s) { fn(s); });
    } else {
      std::optional<Result> result;
      run_write([&](Session& s) { result.emplace(fn(s)); });
      return std::move(*result);
    }
  }

  // True when the database answers a trivial query now.
  virtual bool ping() = 0;
  virtual PoolStats pool_stats() const = 0;

 protected:
  virtual void run_read(const std::function<void(Session&)>& fn) = 0;
  virtual void run_write(const std::function<void(Session&)>& fn) = 0;
};

// Opens "sqlite:PATH" or "postgresql://..." (also "postgres://..."). Throws db::Error with a clear
// message when the URL is malformed or the database cannot be reached.
std::unique_ptr<Database> open(std::string_view url, const Options& options = {});

}  // namespace db
