#include "atlas/export_command.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "atlas/engine.h"
#include "atlas/exports.h"
#include "atlas/service.h"
#include "regions/service.h"
#include "web/catalog.h"

namespace atlas {

int run_export_command(db::Database& database, std::string_view format_text, std::string_view network_slug,
                       std::string_view output_path, std::ostream& out, std::ostream& err) {
  const web::Catalog catalog = web::Catalog::load_embedded();
  auto say = [&](std::string_view key) { err << "knooppunt: " << catalog.text("en", key) << "\n"; };
  const auto format = export_format_from(format_text);
  if (!format) {
    say("atlas.export.format_unknown");
    return 2;
  }
  regions::Service networks(database);
  const auto overview = networks.overview(network_slug);
  if (!overview) {
    say("atlas.export.network_unknown");
    return 2;
  }
  Engine engine;
  Service service(database, engine, networks, nullptr);
  service.start();
  engine.flush();  // a stored snapshot whose input changed is recomputed before it is exported
  const auto body = service.export_network_scope(overview->network.id, *format);
  if (!body) {
    say("atlas.export.not_ready");
    return 1;
  }
  if (output_path.empty()) {
    out << *body;
    out.flush();
    return out ? 0 : 1;
  }
  // Written whole, then renamed: a reader never sees half a file.
  const std::filesystem::path target(output_path);
  const std::filesystem::path temporary = target.string() + ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << *body;
    if (!file) {
      err << "knooppunt: cannot write " << temporary.string() << "\n";
      return 1;
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, target, error);
  if (error) {
    err << "knooppunt: cannot write " << target.string() << ": " << error.message() << "\n";
    return 1;
  }
  err << catalog.text("en", "atlas.export.written") << ": " << target.string() << " (" << body->size() << " bytes)\n";
  return 0;
}

}  // namespace atlas
