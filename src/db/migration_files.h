// Turns migration files (NNNN_name.sql, NNNN_name.sqlite.sql, NNNN_name.postgres.sql) into the
// ordered migration list of one backend, checking that every version exists once for each backend.
#pragma once

#include <vector>

#include "db/migrations.h"
#include "util/resources.h"

namespace db {

// Throws Error(Other) naming the offending file when a name is malformed, a version is given twice
// for a backend, or a version is missing for a backend (versions run 1, 2, 3, ... without gaps).
std::vector<Migration> migrations_from_files(const std::vector<util::Resource>& files, Backend backend);

}  // namespace db
