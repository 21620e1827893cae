// The SQLite backend: WAL mode, one writer connection (BEGIN IMMEDIATE), a pool of reader connections.
//
// Thread-safety: shareable between threads. Each connection is used by one thread at a time (the
// writer behind a mutex, readers lent from the pool), so connections are opened without SQLite's
// own per-connection mutex.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/database.h"

namespace db {

class SqliteConnection;

// True when `session` is a connection of a SqliteDatabase (see db::backend_of in search_index.h).
bool is_sqlite_session(const Session& session);

class SqliteDatabase final : public Database {
 public:
  // Opens (creating if needed) the database file at `path`. Throws Error(Unavailable) when the
  // directory does not exist or the file cannot be opened.
  SqliteDatabase(std::string path, const Options& options);
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  Backend backend() const override { return Backend::Sqlite; }
  bool ping() override;
  PoolStats pool_stats() const override;

 protected:
  void run_read(const std::function<void(Session&)>& fn) override;
  void run_write(const std::function<void(Session&)>& fn) override;

 private:
  std::unique_ptr<SqliteConnection> acquire_reader();
  void release_reader(std::unique_ptr<SqliteConnection> reader);

  std::string path_;
  std::size_t max_readers_;

  std::mutex writer_mutex_;  // held for the whole write transaction
  std::unique_ptr<SqliteConnection> writer_;
  bool writer_in_use_ = false;  // guarded by pool_mutex_, for pool_stats()

  mutable std::mutex pool_mutex_;
  std::condition_variable reader_returned_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_;
  std::size_t open_readers_ = 0;
  std::size_t readers_in_use_ = 0;
  std::size_t waits_ = 0;
};

}  // namespace db
