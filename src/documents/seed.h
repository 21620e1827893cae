// The demo libraries and wikis: for every knowledge group of every network a few folders, small
// documents generated here (CSV, text, tiny PDFs; no binary files in the repository) and realistic
// Dutch wiki pages with a few revisions each by members of the network. Deterministic: the same on
// every machine, dated back from `now`. Fast: PDF text is known when generated, so pdftotext is not run.
#pragma once

#include <cstdint>
#include <filesystem>

#include "db/database.h"

namespace documents {

// Files go under data_dir/documents/ (as documents::Service stores them). Needs the networks, their
// groups and member accounts (regions, auth and members seeds) to exist.
void seed_demo(db::Database& database, const std::filesystem::path& data_dir, std::int64_t now);

}  // namespace documents
