// Numbered, forward-only schema migrations, embedded in the binary from src/db/migrations/.
// A file is NNNN_name.sql (for both backends) or a pair NNNN_name.sqlite.sql / NNNN_name.postgres.sql.
// Each migration runs in its own write transaction and is recorded in schema_migrations. Several
// instances starting at once are safe: PostgreSQL takes an advisory lock, SQLite its write lock.
#pragma once

#include <string>
#include <vector>

#include "db/database.h"

namespace db {

struct Migration {
  int version = 0;
  std::string name;
  std::string sql;  // for the backend it was loaded for
};

// The migrations embedded in this binary for `backend`, in version order (parsed once, kept for the
// program's life).
const std::vector<Migration>& embedded_migrations(Backend backend);

struct MigrationStatus {
  int applied_version = 0;  // highest version recorded in the database
  int latest_version = 0;   // highest version this binary knows
  bool up_to_date() const { return applied_version == latest_version; }
};

// Applies every pending migration; returns how many ran. Throws db::Error when one fails (that
// migration is rolled back) or when the database is newer than this binary.
int migrate(Database& database, const std::vector<Migration>& migrations);
inline int migrate(Database& database) { return migrate(database, embedded_migrations(database.backend())); }

MigrationStatus migration_status(Database& database, const std::vector<Migration>& migrations);
inline MigrationStatus migration_status(Database& database) {
  return migration_status(database, embedded_migrations(database.backend()));
}

}  // namespace db
