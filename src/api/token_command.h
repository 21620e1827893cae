// `knooppunt token create --email ... [--name ...]`: a personal API token for an account, printed
// once on standard output (only its hash is stored). For scripts and administrators.
#pragma once

#include <ostream>
#include <string_view>

#include "db/database.h"

namespace api {

inline constexpr std::string_view kDefaultCommandTokenName = "Opdrachtregel";

// Creates the token and writes it, alone on one line, to `out`; problems go to `err` as one clear
// line. Returns the exit code: 0 created, 1 no active account with that address or an invalid name.
int run_token_create(db::Database& database, std::string_view email, std::string_view name, std::ostream& out,
                     std::ostream& err);

}  // namespace api
