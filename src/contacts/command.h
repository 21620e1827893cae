// `knooppunt import contacts FILE.csv --network SLUG [--map email=E-mail,...] [--source ...]
// [--legal-basis ...]`: the same import as the coordinator's upload, for files of any size, printing
// the report (counts, then every refused line with its reason) in the chosen language.
#pragma once

#include <ostream>
#include <string>

#include "db/database.h"

namespace contacts {

struct ImportCommand {
  std::string file;
  std::string network;
  std::string map;     // "email=E-mail,town=Plaats" on top of the guessed map
  std::string source;  // default: the file's name
  std::string legal_basis = "gerechtvaardigd belang";
  std::string language = "nl";
};

// Returns the exit code: 0 imported (refused lines are in the report); 2 the file, network or map was
// refused as a whole (nothing written; the reason on `err`); 1 failure.
int run_import_command(db::Database& database, const ImportCommand& command, std::ostream& out,
                       std::ostream& err);

}  // namespace contacts
