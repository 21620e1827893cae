#include "db/sqlite_database.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <unordered_map>

#include "db/search_index.h"

namespace db {

namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr auto kReaderWait = std::chrono::seconds(5);
// SQL is normally a constant in a store, so the cache stays small; this bounds it when some
// caller builds SQL dynamically (IN lists of varying length).
constexpr std::size_t kMaxCachedStatements = 512;

Error::Kind kind_of(int code) {
  switch (code & 0xff) {  // the primary code; extended codes refine it in the low byte
    case SQLITE_CONSTRAINT:
      return Error::Kind::Constraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::Kind::Conflict;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_NOMEM:
      return Error::Kind::Unavailable;
    default:
      return Error::Kind::Other;
  }
}

std::string excerpt(std::string_view sql) {
  constexpr std::size_t kMax = 120;
  std::string text(sql.substr(0, kMax));
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (sql.size() > kMax) text += "...";
  return text;
}

bool only_separators_left(const char* tail, const char* end) {
  for (; tail < end; ++tail) {
    if (*tail != ';' && *tail != ' ' && *tail != '\n' && *tail != '\r' && *tail != '\t') return false;
  }
  return true;
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

}  // namespace

// One connection and its prepared statements. It is the Session handed to read() and write().
class SqliteConnection final : public Session {
 public:
  enum class Role { Writer, Reader };

  SqliteConnection(const std::string& path, Role role) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (role == Role::Writer) flags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw Error(Error::Kind::Unavailable, "cannot open SQLite database " + path + ": " + reason);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    try {
      initialise_connection();
      exec("PRAGMA foreign_keys=ON");
      if (role == Role::Writer) {
        // WAL lets readers keep reading while the writer commits; NORMAL is durable across
        // application crashes and only loses the last commits on power loss.
        auto mode = query_one("PRAGMA journal_mode=WAL");
        if (!mode || mode->text(0) != "wal") {
          throw Error(Error::Kind::Unavailable, "cannot switch SQLite database " + path + " to WAL mode");
        }
        exec("PRAGMA synchronous=NORMAL");
      } else {
        exec("PRAGMA query_only=ON");  // a write inside read() is a bug; make it loud
      }
    } catch (const Error& error) {
      close();
      throw Error(error.kind() == Error::Kind::Other ? Error::Kind::Unavailable : error.kind(),
                  "cannot open SQLite database " + path + ": " + error.what());
    }
  }

  ~SqliteConnection() override { close(); }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Rows query(std::string_view sql, const Params& params) override {
    Rows rows;
    run(sql, params, &rows);
    return rows;
  }

  std::int64_t execute(std::string_view sql, const Params& params) override {
    run(sql, params, nullptr);
    return sqlite3_changes64(db_);
  }

  void execute_script(std::string_view sql) override { exec(std::string(sql)); }

  // Runs transaction control and pragmas, which need neither parameters nor a cache entry.
  void exec(const std::string& sql) {
    char* message = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      std::string reason = message != nullptr ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      throw Error(kind_of(sqlite3_extended_errcode(db_)), "SQLite: " + reason + " (in: " + excerpt(sql) + ")");
    }
  }

  // BEGIN and COMMIT of read() and write(): kept prepared like any query, so that a transaction does
  // not parse its own control statements again (a short read is a few statements in all).
  void transaction_control(std::string_view sql) { run(sql, {}, nullptr); }

  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

  // What every connection needs before its first statement: schemas and queries may name these.
  void initialise_connection() { register_sqlite_search_tokenizer(db_); }

  // Rolls back after a failure; true when the connection is clean again.
  bool rollback() {
    if (!in_transaction()) return true;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return !in_transaction();
  }

 private:
  // Leaves a cached statement ready for its next use, however the current use ends.
  class StatementUse {
   public:
    explicit StatementUse(sqlite3_stmt* statement) : statement_(statement) {}
    ~StatementUse() {
      sqlite3_reset(statement_);
      sqlite3_clear_bindings(statement_);
    }
    StatementUse(const StatementUse&) = delete;
    StatementUse& operator=(const StatementUse&) = delete;

   private:
    sqlite3_stmt* statement_;
  };

  void close() {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    statements_.clear();
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = nullptr;
  }

  [[noreturn]] void fail(std::string_view sql) {
    throw Error(kind_of(sqlite3_extended_errcode(db_)),
                std::string("SQLite: ") + sqlite3_errmsg(db_) + " (in: " + excerpt(sql) + ")");
  }

  sqlite3_stmt* prepare(std::string_view sql) {
    if (auto found = statements_.find(sql); found != statements_.end()) return found->second;
    if (statements_.size() >= kMaxCachedStatements) {
      // No statement is running now: each run() finishes before the next prepare().
      for (auto& [cached_sql, cached] : statements_) sqlite3_finalize(cached);
      statements_.clear();
    }
    sqlite3_stmt* statement = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                &statement, &tail);
    if (rc != SQLITE_OK) fail(sql);
    if (statement == nullptr) {
      throw Error(Error::Kind::Other, "SQLite: empty statement (in: " + excerpt(sql) + ")");
    }
    if (!only_separators_left(tail, sql.data() + sql.size())) {
      sqlite3_finalize(statement);
      throw Error(Error::Kind::Other,
                  "SQLite: query() and execute() run one statement; use execute_script() for several (in: " +
                      excerpt(sql) + ")");
    }
    statements_.emplace(std::string(sql), statement);
    return statement;
  }

  void bind(sqlite3_stmt* statement, std::string_view sql, const Params& params) {
    int expected = sqlite3_bind_parameter_count(statement);
    if (static_cast<std::size_t>(expected) != params.size()) {
      throw Error(Error::Kind::Other, "SQLite: statement takes " + std::to_string(expected) + " parameters, got " +
                                          std::to_string(params.size()) + " (in: " + excerpt(sql) + ")");
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i) + 1;
      const Value& value = params[i];
      int rc = SQLITE_OK;
      if (auto* number = std::get_if<std::int64_t>(&value)) {
        rc = sqlite3_bind_int64(statement, index, *number);
      } else if (auto* real_number = std::get_if<double>(&value)) {
        rc = sqlite3_bind_double(statement, index, *real_number);
      } else if (auto* text = std::get_if<std::string>(&value)) {
        // STATIC is safe: the bindings are cleared before `params` can go away.
        rc = sqlite3_bind_text64(statement, index, text->data(), text->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(statement, index);
      }
      if (rc != SQLITE_OK) fail(sql);
    }
  }

  static Value column_value(sqlite3_stmt* statement, int column) {
    switch (sqlite3_column_type(statement, column)) {
      case SQLITE_INTEGER:
        return static_cast<std::int64_t>(sqlite3_column_int64(statement, column));
      case SQLITE_FLOAT:
        return sqlite3_column_double(statement, column);
      case SQLITE_TEXT: {
        auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
        return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
      }
      case SQLITE_BLOB: {
        auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement, column));
        auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
        return bytes != nullptr ? std::string(bytes, size) : std::string();
      }
      default:
        return std::monostate{};
    }
  }

  void run(std::string_view sql, const Params& params, Rows* rows) {
    sqlite3_stmt* statement = prepare(sql);
    StatementUse use(statement);
    bind(statement, sql, params);
    int columns = sqlite3_column_count(statement);
    for (;;) {
      int rc = sqlite3_step(statement);
      if (rc == SQLITE_DONE) return;
      if (rc != SQLITE_ROW) fail(sql);
      if (rows == nullptr) continue;
      std::vector<Value> values;
      values.reserve(static_cast<std::size_t>(columns));
      for (int column = 0; column < columns; ++column) values.push_back(column_value(statement, column));
      rows->emplace_back(std::move(values));
    }
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*, StringHash, std::equal_to<>> statements_;
};

bool is_sqlite_session(const Session& session) {
  return dynamic_cast<const SqliteConnection*>(&session) != nullptr;
}

SqliteDatabase::SqliteDatabase(std::string path, const Options& options)
    : path_(std::move(path)), max_readers_(options.pool_size) {
  namespace fs = std::filesystem;
  fs::path directory = fs::path(path_).parent_path();
  std::error_code ignored;
  if (!directory.empty() && !fs::is_directory(directory, ignored)) {
    throw Error(Error::Kind::Unavailable, "cannot open SQLite database " + path_ + ": directory " +
                                              directory.string() + " does not exist");
  }
  writer_ = std::make_unique<SqliteConnection>(path_, SqliteConnection::Role::Writer);
}

SqliteDatabase::~SqliteDatabase() = default;

bool SqliteDatabase::ping() {
  try {
    return read([](Session& session) { return session.query_one("SELECT 1").has_value(); });
  } catch (const Error&) {
    return false;
  }
}

PoolStats SqliteDatabase::pool_stats() const {
  std::lock_guard lock(pool_mutex_);
  return PoolStats{.open = open_readers_ + 1,
                   .in_use = readers_in_use_ + (writer_in_use_ ? 1u : 0u),
                   .waits = waits_};
}

void SqliteDatabase::run_write(const std::function<void(Session&)>& fn) {
  std::unique_lock writer_lock(writer_mutex_, std::defer_lock);
  if (!writer_lock.try_lock()) {
    {
      std::lock_guard lock(pool_mutex_);
      ++waits_;
    }
    writer_lock.lock();
  }
  {
    std::lock_guard lock(pool_mutex_);
    writer_in_use_ = true;
  }
  struct InUse {
    SqliteDatabase* database;
    ~InUse() {
      std::lock_guard lock(database->pool_mutex_);
      database->writer_in_use_ = false;
    }
  } in_use{this};

  // IMMEDIATE takes the write lock up front, so a transaction never fails half-way because another
  // process started writing after it had read.
  writer_->transaction_control("BEGIN IMMEDIATE");
  try {
    fn(*writer_);
    writer_->transaction_control("COMMIT");
  } catch (...) {
    writer_->rollback();
    throw;
  }
}

void SqliteDatabase::run_read(const std::function<void(Session&)>& fn) {
  std::unique_ptr<SqliteConnection> reader = acquire_reader();
  try {
    // A deferred BEGIN: the snapshot starts at the first SELECT and holds until COMMIT.
    reader->transaction_control("BEGIN");
    fn(*reader);
    reader->transaction_control("COMMIT");
  } catch (...) {
    if (reader->rollback()) {
      release_reader(std::move(reader));
    } else {
      release_reader(nullptr);
    }
    throw;
  }
  release_reader(std::move(reader));
}

std::unique_ptr<SqliteConnection> SqliteDatabase::acquire_reader() {
  std::unique_lock lock(pool_mutex_);
  auto available = [this] { return !idle_readers_.empty() || open_readers_ < max_readers_; };
  if (!available()) {
    ++waits_;
    if (!reader_returned_.wait_for(lock, kReaderWait, available)) {
      throw Error(Error::Kind::Unavailable,
                  "all " + std::to_string(max_readers_) + " SQLite reader connections stayed busy");
    }
  }
  ++readers_in_use_;
  if (!idle_readers_.empty()) {
    auto reader = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    return reader;
  }
  ++open_readers_;
  lock.unlock();
  try {
    return std::make_unique<SqliteConnection>(path_, SqliteConnection::Role::Reader);
  } catch (...) {
    release_reader(nullptr);
    throw;
  }
}

// A null reader is one that was discarded (or never opened): its slot becomes free.
void SqliteDatabase::release_reader(std::unique_ptr<SqliteConnection> reader) {
  {
    std::lock_guard lock(pool_mutex_);
    --readers_in_use_;
    if (reader) {
      idle_readers_.push_back(std::move(reader));
    } else {
      --open_readers_;
    }
  }
  reader_returned_.notify_one();
}

}  // namespace db
