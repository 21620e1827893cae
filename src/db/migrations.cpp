#include "db/migrations.h"

#include <array>
#include <chrono>
#include <map>
#include <optional>

#include "db/migration_files.h"

namespace db {

namespace {

constexpr std::string_view kMigrationsDirectory = "src/db/migrations/";
// The key of the PostgreSQL advisory lock instances take while creating schema_migrations; any
// constant works as long as nothing else in the database uses it ("Knoop" in ASCII).
constexpr std::int64_t kMigrationLockKey = 0x4b6e6f6f70;

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

struct FileName {
  int version = 0;
  std::string name;
  std::optional<Backend> only;  // empty: for both backends
};

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

std::optional<FileName> parse_file_name(std::string_view file) {
  if (!file.ends_with(".sql")) return std::nullopt;
  std::string_view stem = file.substr(0, file.size() - 4);
  FileName parsed;
  if (stem.ends_with(".sqlite")) {
    parsed.only = Backend::Sqlite;
    stem.remove_suffix(7);
  } else if (stem.ends_with(".postgres")) {
    parsed.only = Backend::Postgres;
    stem.remove_suffix(9);
  }
  if (stem.size() < 6 || stem[4] != '_') return std::nullopt;
  for (std::size_t i = 0; i < 4; ++i) {
    if (stem[i] < '0' || stem[i] > '9') return std::nullopt;
    parsed.version = parsed.version * 10 + (stem[i] - '0');
  }
  parsed.name = std::string(stem.substr(5));
  for (char c : parsed.name) {
    if (!is_name_char(c)) return std::nullopt;
  }
  if (parsed.version == 0) return std::nullopt;
  return parsed;
}

std::string label(const Migration& migration) {
  std::string number = std::to_string(migration.version);
  return std::string(4 - std::min<std::size_t>(4, number.size()), '0') + number + "_" + migration.name;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int applied_version(Session& session) {
  auto row = session.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return row ? static_cast<int>(row->int64(0)) : 0;
}

bool has_migrations_table(Database& database) {
  return database.read([&](Session& session) {
    auto row = database.backend() == Backend::Sqlite
                   ? session.query_one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
                   : session.query_one("SELECT to_regclass('schema_migrations') IS NOT NULL");
    return row && row->int64(0) == 1;
  });
}

void check_order(const std::vector<Migration>& migrations) {
  for (std::size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version <= migrations[i - 1].version) {
      throw Error(Error::Kind::Other, "migrations are not in strictly increasing version order: " +
                                          label(migrations[i - 1]) + " before " + label(migrations[i]));
    }
  }
}

}  // namespace

std::vector<Migration> migrations_from_files(const std::vector<util::Resource>& files, Backend backend) {
  constexpr std::array kBackends{Backend::Sqlite, Backend::Postgres};
  std::map<int, std::vector<std::string>> files_by_version[2];  // per backend, for the checks
  std::map<int, Migration> chosen;
  for (const util::Resource& file : files) {
    std::string_view path = file.path;
    std::string_view base = path.substr(path.rfind('/') + 1);  // npos + 1 == 0: no directory
    auto parsed = parse_file_name(base);
    if (!parsed) {
      throw Error(Error::Kind::Other, "migration file " + std::string(path) +
                                          " is not named NNNN_name.sql, NNNN_name.sqlite.sql or "
                                          "NNNN_name.postgres.sql (NNNN from 0001, name in a-z0-9_)");
    }
    for (std::size_t b = 0; b < kBackends.size(); ++b) {
      if (parsed->only && *parsed->only != kBackends[b]) continue;
      files_by_version[b][parsed->version].emplace_back(base);
      if (kBackends[b] == backend) {
        chosen[parsed->version] = Migration{parsed->version, parsed->name, std::string(file.content)};
      }
    }
  }
  int highest = 0;
  for (const auto& versions : files_by_version) {
    if (!versions.empty()) highest = std::max(highest, versions.rbegin()->first);
  }
  for (std::size_t b = 0; b < kBackends.size(); ++b) {
    std::string backend_name(to_string(kBackends[b]));
    for (const auto& [version, names] : files_by_version[b]) {
      if (names.size() > 1) {
        throw Error(Error::Kind::Other, "migration version " + std::to_string(version) + " is given twice for " +
                                            backend_name + ": " + names[0] + " and " + names[1]);
      }
    }
    for (int version = 1; version <= highest; ++version) {
      if (!files_by_version[b].contains(version)) {
        throw Error(Error::Kind::Other, "migration version " + std::to_string(version) + " is missing for " +
                                            backend_name + " (versions run 1, 2, 3, ... for each backend)");
      }
    }
  }
  std::vector<Migration> ordered;
  ordered.reserve(chosen.size());
  for (auto& [version, migration] : chosen) ordered.push_back(std::move(migration));
  return ordered;
}

const std::vector<Migration>& embedded_migrations(Backend backend) {
  // The embedded files never change while the program runs, and /healthz asks on every call:
  // parse them once per backend (thread-safe static initialisation).
  static const std::vector<Migration> sqlite =
      migrations_from_files(util::resources_under(kMigrationsDirectory), Backend::Sqlite);
  static const std::vector<Migration> postgres =
      migrations_from_files(util::resources_under(kMigrationsDirectory), Backend::Postgres);
  return backend == Backend::Sqlite ? sqlite : postgres;
}

int migrate(Database& database, const std::vector<Migration>& migrations) {
  check_order(migrations);
  const bool postgres = database.backend() == Backend::Postgres;
  const int latest = migrations.empty() ? 0 : migrations.back().version;

  database.write([&](Session& session) {
    // Two instances creating the table at once would collide in PostgreSQL's catalog.
    if (postgres) session.query("SELECT pg_advisory_xact_lock(?)", {kMigrationLockKey});
    session.execute_script(kCreateTable);
  });

  int applied = database.read([](Session& session) { return applied_version(session); });
  if (applied > latest) {
    throw Error(Error::Kind::Other, "the database schema is at version " + std::to_string(applied) +
                                        ", newer than this knooppunt knows (" + std::to_string(latest) +
                                        "): run a newer knooppunt or use a matching database");
  }

  int ran = 0;
  for (const Migration& migration : migrations) {
    if (migration.version <= applied) continue;
    try {
      bool did_run = database.write([&](Session& session) {
        // Another instance may be migrating too: lock, then re-check inside the transaction.
        // On PostgreSQL, LOCK TABLE (unlike a SELECT of an advisory lock) does not fix the
        // transaction's snapshot, so the re-check below sees what the other instance committed.
        if (postgres) session.execute_script("LOCK TABLE schema_migrations IN SHARE ROW EXCLUSIVE MODE");
        if (applied_version(session) >= migration.version) return false;
        session.execute_script(migration.sql);
        session.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        {static_cast<std::int64_t>(migration.version), migration.name, unix_now()});
        return true;
      });
      if (did_run) ++ran;
    } catch (const Error& error) {
      throw Error(error.kind(), "migration " + label(migration) + " failed: " + error.what());
    }
  }
  return ran;
}

MigrationStatus migration_status(Database& database, const std::vector<Migration>& migrations) {
  check_order(migrations);
  MigrationStatus status;
  status.latest_version = migrations.empty() ? 0 : migrations.back().version;
  if (has_migrations_table(database)) {
    status.applied_version = database.read([](Session& session) { return applied_version(session); });
  }
  return status;
}

}  // namespace db
