// `knooppunt export atlas --format gexf|graphml|json --network SLUG [--output FILE]`: the atlas of a
// network as a file, in the scope every member of the network may see (members in the atlas and the
// ties both endpoints show to the whole network; hidden members absent). Uses the stored snapshot
// (brought up to date with the current input) or computes one.
#pragma once

#include <ostream>
#include <string_view>

#include "db/database.h"

namespace atlas {

// Writes the export to `output_path`, or to `out` when the path is empty. Problems go to `err` as
// one clear line. Returns the exit code: 0 written; 2 unknown format or network (usage); 1 failure.
int run_export_command(db::Database& database, std::string_view format, std::string_view network_slug,
                       std::string_view output_path, std::ostream& out, std::ostream& err);

}  // namespace atlas
