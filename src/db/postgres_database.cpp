#include "db/postgres_database.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <random>
#include <thread>
#include <unordered_map>

namespace db {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPoolWait = std::chrono::seconds(5);
constexpr auto kPingTimeout = std::chrono::seconds(2);
constexpr int kDefaultConnectTimeoutSeconds = 5;
// SQL is normally a constant in a store, so the cache stays small; this bounds it when some
// caller builds SQL dynamically (IN lists of varying length).
constexpr std::size_t kMaxCachedStatements = 512;
// Serializable writes under contention fail now and then by design; jittered retries absorb that
// without the caller noticing. Eight threads updating one row need more than three attempts.
constexpr int kMaxWriteAttempts = 10;

// Type OIDs from the server's catalog (pg_type.h is not part of libpq's public headers).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string one_line(std::string_view text) {
  std::string line;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !line.empty();
      continue;
    }
    if (space) line += ' ';
    space = false;
    line += c;
  }
  return line;
}

std::string excerpt(std::string_view sql) {
  constexpr std::size_t kMax = 120;
  std::string text = one_line(sql.substr(0, kMax));
  if (sql.size() > kMax) text += "...";
  return text;
}

Error::Kind kind_for_sqlstate(std::string_view sqlstate) {
  if (sqlstate.starts_with("23")) return Error::Kind::Constraint;
  if (sqlstate == "40001" || sqlstate == "40P01") return Error::Kind::Conflict;
  // Connection exceptions, insufficient resources, operator intervention (shutdown), system errors.
  if (sqlstate.starts_with("08") || sqlstate.starts_with("53") || sqlstate.starts_with("57P") ||
      sqlstate.starts_with("58")) {
    return Error::Kind::Unavailable;
  }
  return Error::Kind::Other;
}

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Waits until the socket is ready; false on timeout or error.
bool wait_for_socket(int socket, bool for_writing, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0 || socket < 0) return false;
    pollfd descriptor{.fd = socket, .events = static_cast<short>(for_writing ? POLLOUT : POLLIN), .revents = 0};
    int ready = ::poll(&descriptor, 1, static_cast<int>(left));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

void ignore_notice(void*, const char*) {}  // "table already exists, skipping" and friends

Value column_value(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column) != 0) return std::monostate{};
  const char* text = PQgetvalue(result, row, column);
  auto length = static_cast<std::size_t>(PQgetlength(result, row, column));
  switch (PQftype(result, column)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: {
      std::int64_t number = 0;
      std::from_chars(text, text + length, number);
      return number;
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid: {
      double number = 0;
      std::from_chars(text, text + length, number);
      return number;
    }
    case kBoolOid:
      return static_cast<std::int64_t>(length > 0 && text[0] == 't' ? 1 : 0);
    default:
      return std::string(text, length);
  }
}

}  // namespace

RewrittenSql rewrite_placeholders(std::string_view sql) {
  RewrittenSql out;
  out.sql.reserve(sql.size() + 16);
  const std::size_t n = sql.size();
  std::size_t i = 0;
  auto copy_until = [&](std::size_t end) {
    out.sql.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < n) {
    char c = sql[i];
    char next = i + 1 < n ? sql[i + 1] : '\0';
    if (c == '\'') {
      // E'...' strings take backslash escapes; in standard strings '' is the only escape.
      bool backslashes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !is_identifier_char(sql[i - 2]));
      std::size_t j = i + 1;
      while (j < n) {
        if (backslashes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == '\'') {
          if (j + 1 < n && sql[j + 1] == '\'') {
            j += 2;
          } else {
            ++j;
            break;
          }
        } else {
          ++j;
        }
      }
      copy_until(std::min(j, n));
    } else if (c == '"') {
      std::size_t close = sql.find('"', i + 1);
      copy_until(close == std::string_view::npos ? n : close + 1);
    } else if (c == '-' && next == '-') {
      std::size_t end = sql.find('\n', i);
      copy_until(end == std::string_view::npos ? n : end);
    } else if (c == '/' && next == '*') {
      std::size_t j = i + 2;
      int depth = 1;  // PostgreSQL's block comments nest
      while (j < n && depth > 0) {
        if (sql[j] == '/' && j + 1 < n && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < n && sql[j + 1] == '/') {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      }
      copy_until(j);
    } else if (c == '$' && (i == 0 || !is_identifier_char(sql[i - 1])) && !(next >= '0' && next <= '9')) {
      // A dollar-quoted string: $$...$$ or $tag$...$tag$.
      std::size_t tag_end = i + 1;
      while (tag_end < n && is_identifier_char(sql[tag_end])) ++tag_end;
      if (tag_end < n && sql[tag_end] == '$') {
        std::string_view tag = sql.substr(i, tag_end - i + 1);
        std::size_t close = sql.find(tag, tag_end + 1);
        copy_until(close == std::string_view::npos ? n : close + tag.size());
      } else {
        copy_until(i + 1);
      }
    } else if (c == '?') {
      out.sql += '$';
      out.sql += std::to_string(++out.parameter_count);
      ++i;
    } else {
      copy_until(i + 1);
    }
  }
  return out;
}

std::string redact_url(std::string_view url) {
  std::string text(url);
  auto scheme_end = text.find("://");
  if (scheme_end == std::string::npos) return text;
  auto authority_start = scheme_end + 3;
  auto at = text.find('@', authority_start);
  auto slash = text.find('/', authority_start);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    auto colon = text.find(':', authority_start);
    if (colon != std::string::npos && colon < at) text.replace(colon + 1, at - colon - 1, "***");
  }
  // ...?password=secret&... is the other place a password can hide.
  for (auto key = text.find("password=", authority_start); key != std::string::npos;
       key = text.find("password=", key + 1)) {
    if (text[key - 1] != '?' && text[key - 1] != '&') continue;
    auto value = key + 9;
    auto end = text.find('&', value);
    text.replace(value, (end == std::string::npos ? text.size() : end) - value, "***");
  }
  return text;
}

// One libpq connection and the statements prepared on it. It is the Session handed to read() and
// write(). Prepared statements outlive transactions (PREPARE is not rolled back), so the cache
// stays valid until the connection closes.
class PostgresConnection final : public Session {
 public:
  explicit PostgresConnection(PGconn* connection) : connection_(connection) {
    PQsetNoticeProcessor(connection_, ignore_notice, nullptr);
  }
  ~PostgresConnection() override { PQfinish(connection_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Rows query(std::string_view sql, const Params& params) override {
    Result result = run_prepared(sql, params);
    Rows rows;
    int row_count = PQntuples(result.get());
    int column_count = PQnfields(result.get());
    rows.reserve(static_cast<std::size_t>(row_count));
    for (int row = 0; row < row_count; ++row) {
      std::vector<Value> values;
      values.reserve(static_cast<std::size_t>(column_count));
      for (int column = 0; column < column_count; ++column) {
        values.push_back(column_value(result.get(), row, column));
      }
      rows.emplace_back(std::move(values));
    }
    return rows;
  }

  std::int64_t execute(std::string_view sql, const Params& params) override {
    Result result = run_prepared(sql, params);
    const char* changed = PQcmdTuples(result.get());
    std::int64_t count = 0;
    std::from_chars(changed, changed + std::strlen(changed), count);
    return count;
  }

  void execute_script(std::string_view sql) override { command(std::string(sql)); }

  // Runs SQL without parameters through the simple protocol; returns the command tag.
  std::string command(const std::string& sql) {
    Result result(PQexec(connection_, sql.c_str()));
    auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(result.get(), sql);
    return PQcmdStatus(result.get());
  }

  void commit() {
    // COMMIT of a transaction in which a statement failed "succeeds" with the tag ROLLBACK.
    if (command("COMMIT") == "ROLLBACK") {
      throw Error(Error::Kind::Other, "PostgreSQL rolled the transaction back because a statement in it failed");
    }
  }

  void rollback_quietly() {
    if (broken() || PQtransactionStatus(connection_) == PQTRANS_IDLE) return;
    Result result(PQexec(connection_, "ROLLBACK"));
  }

  // True when the connection answers SELECT 1 before `deadline`. On false the connection is dead
  // to us (a query may still be in flight) and must be discarded.
  bool ping(Clock::time_point deadline) {
    if (PQsendQuery(connection_, "SELECT 1") == 0) return mark_broken();
    bool ok = true;
    for (;;) {
      while (PQisBusy(connection_) != 0) {
        if (!wait_for_socket(PQsocket(connection_), false, deadline)) return mark_broken();
        if (PQconsumeInput(connection_) == 0) return mark_broken();
      }
      Result result(PQgetResult(connection_));
      if (!result) break;
      if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) ok = false;
    }
    return ok && !broken();
  }

  bool broken() const { return broken_ || PQstatus(connection_) != CONNECTION_OK; }
  bool idle() const { return PQtransactionStatus(connection_) == PQTRANS_IDLE; }

 private:
  struct Prepared {
    std::string name;
    int parameter_count = 0;
  };

  bool mark_broken() {
    broken_ = true;
    return false;
  }

  [[noreturn]] void fail(const PGresult* result, std::string_view sql) {
    const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string message = primary != nullptr ? primary : one_line(PQerrorMessage(connection_));
    Error::Kind kind = broken() ? Error::Kind::Unavailable : kind_for_sqlstate(sqlstate != nullptr ? sqlstate : "");
    if (sqlstate != nullptr) message += std::string(" [") + sqlstate + "]";
    throw Error(kind, "PostgreSQL: " + message + " (in: " + excerpt(sql) + ")");
  }

  // Integers and reals are sent with their type so expressions like `? + 1` work; text and NULL
  // are sent untyped, so the server infers the column's type (dates, booleans, json...).
  static char type_code(const Value& value) {
    if (std::holds_alternative<std::int64_t>(value)) return 'i';
    if (std::holds_alternative<double>(value)) return 'd';
    return 't';
  }

  const Prepared& prepare(std::string_view sql, const Params& params) {
    key_.clear();
    for (const Value& value : params) key_ += type_code(value);
    key_ += '\x1f';
    key_ += sql;
    if (auto found = statements_.find(key_); found != statements_.end()) return found->second;
    if (statements_.size() >= kMaxCachedStatements) {
      command("DEALLOCATE ALL");  // not transactional: fine inside the caller's transaction
      statements_.clear();
    }

    RewrittenSql rewritten = rewrite_placeholders(sql);
    if (static_cast<std::size_t>(rewritten.parameter_count) != params.size()) {
      throw Error(Error::Kind::Other, "PostgreSQL: statement takes " + std::to_string(rewritten.parameter_count) +
                                          " parameters, got " + std::to_string(params.size()) +
                                          " (in: " + excerpt(sql) + ")");
    }
    std::vector<Oid> types;
    types.reserve(params.size());
    for (const Value& value : params) {
      char code = type_code(value);
      types.push_back(code == 'i' ? kInt8Oid : code == 'd' ? kFloat8Oid : 0);
    }
    Prepared prepared{"knooppunt_" + std::to_string(++statement_count_), rewritten.parameter_count};
    Result result(PQprepare(connection_, prepared.name.c_str(), rewritten.sql.c_str(), rewritten.parameter_count,
                            types.data()));
    if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) fail(result.get(), sql);
    return statements_.emplace(key_, std::move(prepared)).first->second;
  }

  Result run_prepared(std::string_view sql, const Params& params) {
    const Prepared& prepared = prepare(sql, params);
    std::vector<std::string> formatted(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Value& value = params[i];
      if (auto* number = std::get_if<std::int64_t>(&value)) {
        formatted[i] = std::to_string(*number);
      } else if (auto* real_number = std::get_if<double>(&value)) {
        char buffer[64];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, *real_number);
        formatted[i].assign(buffer, ec == std::errc() ? end : buffer);
      } else if (auto* text = std::get_if<std::string>(&value)) {
        values[i] = text->c_str();
        continue;
      } else {
        continue;  // NULL
      }
      values[i] = formatted[i].c_str();
    }
    Result result(PQexecPrepared(connection_, prepared.name.c_str(), prepared.parameter_count, values.data(),
                                 nullptr, nullptr, 0));
    auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(result.get(), sql);
    return result;
  }

  PGconn* connection_;
  bool broken_ = false;
  std::unordered_map<std::string, Prepared> statements_;  // by parameter types + SQL
  std::string key_;                                       // reused lookup buffer
  int statement_count_ = 0;
};

namespace {

// Connects without blocking past `deadline` (libpq's own connect_timeout is per host and only
// applies to its blocking calls).
PGconn* connect(const std::string& url, const std::vector<std::string>& keywords,
                const std::vector<std::string>& values, Clock::time_point deadline) {
  std::vector<const char*> keyword_list;
  std::vector<const char*> value_list;
  // The defaults come first: the URL, expanded from "dbname", overrides them.
  for (std::size_t i = 0; i < keywords.size(); ++i) {
    keyword_list.push_back(keywords[i].c_str());
    value_list.push_back(values[i].c_str());
  }
  keyword_list.push_back("dbname");
  value_list.push_back(url.c_str());
  keyword_list.push_back(nullptr);
  value_list.push_back(nullptr);

  PGconn* connection = PQconnectStartParams(keyword_list.data(), value_list.data(), 1);
  if (connection == nullptr) throw Error(Error::Kind::Unavailable, "cannot connect to PostgreSQL: out of memory");
  auto give_up = [&](const std::string& reason) {
    std::string message = "cannot connect to PostgreSQL at " + redact_url(url) + ": " + reason;
    PQfinish(connection);
    throw Error(Error::Kind::Unavailable, message);
  };
  if (PQstatus(connection) == CONNECTION_BAD) give_up(one_line(PQerrorMessage(connection)));
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED) give_up(one_line(PQerrorMessage(connection)));
    if (!wait_for_socket(PQsocket(connection), state == PGRES_POLLING_WRITING, deadline)) {
      give_up("no answer in time");
    }
    state = PQconnectPoll(connection);
  }
  return connection;
}

std::chrono::milliseconds backoff(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  int ceiling = std::min(2 << attempt, 100);  // 4, 8, 16 ... 100 ms
  return std::chrono::milliseconds(std::uniform_int_distribution<int>(1, ceiling)(random));
}

}  // namespace

PostgresDatabase::PostgresDatabase(std::string url, const Options& options)
    : url_(std::move(url)),
      connect_timeout_(kDefaultConnectTimeoutSeconds),
      max_connections_(options.pool_size) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url_.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string reason = parse_error != nullptr ? one_line(parse_error) : "out of memory";
    PQfreemem(parse_error);
    throw Error(Error::Kind::Other, "invalid PostgreSQL URL '" + redact_url(url_) + "': " + reason);
  }
  bool has_timeout = false;
  bool has_encoding = false;
  for (PQconninfoOption* option = parsed; option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    std::string_view keyword = option->keyword;
    if (keyword == "connect_timeout") {
      has_timeout = true;
      int seconds = std::atoi(option->val);
      if (seconds > 0) connect_timeout_ = std::chrono::seconds(std::max(seconds, 2));
    } else if (keyword == "client_encoding") {
      has_encoding = true;
    }
  }
  PQconninfoFree(parsed);
  if (!has_timeout) {
    keywords_.emplace_back("connect_timeout");
    values_.push_back(std::to_string(kDefaultConnectTimeoutSeconds));
  }
  if (!has_encoding) {
    keywords_.emplace_back("client_encoding");
    values_.emplace_back("UTF8");
  }
  keywords_.emplace_back("fallback_application_name");
  values_.emplace_back("knooppunt");

  // Connect now, so a wrong URL or a missing server stops start-up with a clear message.
  bool reused = false;
  release(acquire(Clock::now() + connect_timeout_, &reused));
}

PostgresDatabase::~PostgresDatabase() = default;

std::unique_ptr<PostgresConnection> PostgresDatabase::acquire(Clock::time_point deadline, bool* reused) {
  std::unique_lock lock(mutex_);
  auto available = [this] { return !idle_.empty() || open_ < max_connections_; };
  if (!available()) {
    ++waits_;
    if (!returned_.wait_until(lock, deadline, available)) {
      throw Error(Error::Kind::Unavailable,
                  "all " + std::to_string(max_connections_) + " PostgreSQL connections stayed busy");
    }
  }
  ++in_use_;
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    *reused = true;
    return connection;
  }
  ++open_;
  *reused = false;
  lock.unlock();
  try {
    return std::make_unique<PostgresConnection>(connect(url_, keywords_, values_, deadline));
  } catch (...) {
    release(nullptr);
    throw;
  }
}

void PostgresDatabase::release(std::unique_ptr<PostgresConnection> connection) {
  if (connection && (connection->broken() || !connection->idle())) connection.reset();  // close outside the lock
  {
    std::lock_guard lock(mutex_);
    --in_use_;
    if (connection) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  returned_.notify_one();
}

PoolStats PostgresDatabase::pool_stats() const {
  std::lock_guard lock(mutex_);
  return PoolStats{.open = open_, .in_use = in_use_, .waits = waits_};
}

bool PostgresDatabase::ping() {
  auto deadline = Clock::now() + kPingTimeout;
  // Connections that sat idle may have died with a server restart; only a fresh connection's
  // failure tells "the server is gone" from "the server is back".
  while (Clock::now() < deadline) {
    bool reused = false;
    std::unique_ptr<PostgresConnection> connection;
    try {
      connection = acquire(deadline, &reused);
    } catch (const Error&) {
      return false;
    }
    bool ok = connection->ping(deadline);
    release(std::move(connection));
    if (ok) return true;
    if (!reused) return false;
  }
  return false;
}

void PostgresDatabase::run_transaction(const char* begin_sql, const std::function<void(Session&)>& fn) {
  const int max_attempts = std::string_view(begin_sql).find("READ ONLY") == std::string_view::npos
                               ? kMaxWriteAttempts
                               : 1;
  for (int attempt = 1;; ++attempt) {
    bool reused = false;
    std::unique_ptr<PostgresConnection> connection =
        acquire(Clock::now() + std::max<Clock::duration>(kPoolWait, connect_timeout_), &reused);
    try {
      connection->command(begin_sql);
    } catch (const Error&) {
      bool stale = reused && connection->broken();
      release(std::move(connection));
      if (stale) {  // died while idle (server restart); nothing ran, so try another connection
        --attempt;
        continue;
      }
      throw;
    }
    try {
      fn(*connection);
      connection->commit();
      release(std::move(connection));
      return;
    } catch (const Error& error) {
      connection->rollback_quietly();
      release(std::move(connection));
      if (error.kind() != Error::Kind::Conflict || attempt >= max_attempts) throw;
      std::this_thread::sleep_for(backoff(attempt));
    } catch (...) {
      connection->rollback_quietly();
      release(std::move(connection));
      throw;
    }
  }
}

void PostgresDatabase::run_write(const std::function<void(Session&)>& fn) {
  // SERIALIZABLE gives writes the guarantee SQLite's single writer gives: a read-modify-write in
  // one transaction never loses a concurrent update (the loser fails with 40001 and is retried).
  run_transaction("BEGIN ISOLATION LEVEL SERIALIZABLE", fn);
}

void PostgresDatabase::run_read(const std::function<void(Session&)>& fn) {
  run_transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", fn);
}

}  // namespace db
