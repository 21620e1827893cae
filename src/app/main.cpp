// knooppunt: the command line. Subcommands serve, migrate, seed, admin, token, export and import; settings by flag or KNOOPPUNT_*
// environment variable. Any failure at start-up is one clear line on stderr and exit code 1.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string>

#include "app/app.h"
#include "db/database.h"

namespace {

void add_storage_options(CLI::App& command, app::Config& config) {
  command.add_option("--database", config.database, "sqlite:PATH or postgresql://USER@HOST:PORT/NAME")
      ->envname("KNOOPPUNT_DATABASE")
      ->capture_default_str();
  command.add_option("--data-dir", config.data_dir, "Directory for uploads, outgoing mail and the SQLite file")
      ->envname("KNOOPPUNT_DATA_DIR")
      ->capture_default_str();
  command.add_option("--log-level", config.log_level, "trace, debug, info, warn or error")
      ->envname("KNOOPPUNT_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
}

// `admin create`'s password: standard input when it is not a terminal (a pipe or a file), without
// the line end. Nothing when it is a terminal or empty: then a sign-in link is printed instead.
std::optional<std::string> password_from_stdin() {
  if (isatty(STDIN_FILENO) != 0) return std::nullopt;
  std::string password;
  char buffer[4096];
  std::size_t total = 0;
  while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
    total += static_cast<std::size_t>(std::cin.gcount());
    // Far above the rules' limit: read no further, the rules refuse it anyway.
    if (total > 64 * 1024) break;
    password.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
  }
  if (!password.empty() && password.back() == '\n') password.pop_back();
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) return std::nullopt;
  return password;
}

}  // namespace

int main(int argc, char** argv) {
  app::Config config;
  CLI::App cli{"Knooppunt: the platform on which a network of independent professionals runs itself."};
  cli.name("knooppunt");
  cli.require_subcommand(1);
  cli.set_version_flag("--version", KNOOPPUNT_VERSION);

  CLI::App* serve = cli.add_subcommand("serve", "Migrate the database and serve the web site");
  add_storage_options(*serve, config);
  serve->add_option("--listen", config.listen, "HOST:PORT to listen on; port 0 picks a free one")
      ->envname("KNOOPPUNT_LISTEN")
      ->capture_default_str();
  serve->add_option("--public-url", config.public_url, "The URL users reach, e.g. https://kkp.example.nl")
      ->envname("KNOOPPUNT_PUBLIC_URL");
  serve->add_option("--port-file", config.port_file, "Write the bound port to this file once listening")
      ->envname("KNOOPPUNT_PORT_FILE");
  serve->add_flag("--seed-demo-if-empty", config.seed_demo_if_empty,
                  "Seed the demo network when the database holds none")
      ->envname("KNOOPPUNT_SEED_DEMO_IF_EMPTY");
  serve->add_option("--workers", config.worker_threads, "Threads that run request handlers")
      ->envname("KNOOPPUNT_WORKERS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve->add_option("--io-threads", config.io_threads, "Threads that read and write sockets (0: one per core)")
      ->envname("KNOOPPUNT_IO_THREADS")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  serve->add_option("--database-pool", config.database_pool, "Database connections per process")
      ->envname("KNOOPPUNT_DATABASE_POOL")
      ->check(CLI::Range(1, 512))
      ->capture_default_str();
  serve->add_option("--max-body-bytes", config.max_body_bytes, "Largest request body accepted (413 above)")
      ->envname("KNOOPPUNT_MAX_BODY_BYTES")
      ->check(CLI::Range(1024, 1024 * 1024 * 1024))
      ->capture_default_str();
  serve->add_option("--max-connections", config.max_connections, "Open connections at most (503 above)")
      ->envname("KNOOPPUNT_MAX_CONNECTIONS")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  serve->add_option("--page-cache-seconds", config.page_cache_seconds,
                    "How long public pages for visitors without an account are served from memory (0: off)")
      ->envname("KNOOPPUNT_PAGE_CACHE_SECONDS")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  serve->add_flag("--trust-proxy", config.trust_proxy,
                  "Take the client address from X-Forwarded-For when the peer is a loopback proxy")
      ->envname("KNOOPPUNT_TRUST_PROXY");
  serve->add_flag("--access-log,!--no-access-log", config.access_log, "Log every request")
      ->envname("KNOOPPUNT_ACCESS_LOG");
  serve->add_option("--api-rate-limit", config.api_requests_per_minute,
                    "Requests per minute per API token, per process (429 above)")
      ->envname("KNOOPPUNT_API_RATE_LIMIT")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  serve->add_option("--smtp-url", config.smtp_url,
                    "smtp://HOST:PORT or smtps://HOST:PORT for outgoing mail; empty: .eml files in DATA_DIR/outbox-mail")
      ->envname("KNOOPPUNT_SMTP_URL");
  serve->add_option("--smtp-user", config.smtp_user, "SMTP user name (AUTH)")->envname("KNOOPPUNT_SMTP_USER");
  serve->add_option("--smtp-password", config.smtp_password, "SMTP password (prefer the environment variable)")
      ->envname("KNOOPPUNT_SMTP_PASSWORD");
  serve->add_flag("--smtp-starttls", config.smtp_starttls, "Send only over an encrypted connection (STARTTLS)")
      ->envname("KNOOPPUNT_SMTP_STARTTLS");
  serve->add_option("--mail-from", config.mail_from, "Sender address (default: noreply@ the public URL's host)")
      ->envname("KNOOPPUNT_MAIL_FROM");
  serve->add_option("--mail-from-name", config.mail_from_name, "Sender name")
      ->envname("KNOOPPUNT_MAIL_FROM_NAME")
      ->capture_default_str();
  serve->add_option("--mail-interval-ms", config.mail_interval_ms, "How often the outbox is checked for due mail")
      ->envname("KNOOPPUNT_MAIL_INTERVAL_MS")
      ->check(CLI::Range(10, 3600 * 1000))
      ->capture_default_str();
  serve->add_option("--mail-per-minute", config.mail_per_minute, "Delivery attempts per minute at most")
      ->envname("KNOOPPUNT_MAIL_PER_MINUTE")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();

  CLI::App* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
  add_storage_options(*migrate, config);

  bool demo = false;
  bool only_if_empty = false;
  CLI::App* seed = cli.add_subcommand("seed", "Fill an empty database with data");
  add_storage_options(*seed, config);
  seed->add_flag("--demo", demo, "The demo network: KKP West-Brabant & Zeeland and a second network")->required();
  seed->add_flag("--if-empty", only_if_empty, "Do nothing, successfully, when the database holds a network");

  CLI::App* admin = cli.add_subcommand("admin", "Manage administrators");
  admin->require_subcommand(1);
  std::string admin_email;
  std::string admin_name;
  CLI::App* admin_create = admin->add_subcommand(
      "create",
      "Create an administrator, verified and active in every network. No prompt: the password is read from "
      "standard input when it is piped in; otherwise a one-time sign-in link (24 hours) is printed");
  add_storage_options(*admin_create, config);
  admin_create->add_option("--email", admin_email, "The administrator's e-mail address")->required();
  admin_create->add_option("--name", admin_name, "The administrator's name")->required();
  admin_create->add_option("--public-url", config.public_url, "The URL users reach, for the sign-in link")
      ->envname("KNOOPPUNT_PUBLIC_URL");

  CLI::App* token = cli.add_subcommand("token", "Manage personal API tokens");
  token->require_subcommand(1);
  std::string token_email;
  std::string token_name;
  CLI::App* token_create = token->add_subcommand(
      "create", "Create a personal API token for an account and print it once (only its hash is stored)");
  add_storage_options(*token_create, config);
  token_create->add_option("--email", token_email, "The account's e-mail address")->required();
  token_create->add_option("--name", token_name, "What the token is for, as its owner sees it in the list")
      ->default_str("Opdrachtregel");

  CLI::App* export_command = cli.add_subcommand("export", "Write data to files");
  export_command->require_subcommand(1);
  std::string export_format;
  std::string export_network;
  std::string export_output;
  CLI::App* export_atlas = export_command->add_subcommand(
      "atlas",
      "The network atlas as GEXF 1.3, GraphML or JSON, as every member of the network may see it (members "
      "hidden from the atlas are absent, and only ties both members show to the whole network)");
  add_storage_options(*export_atlas, config);
  export_atlas->add_option("--format", export_format, "gexf, graphml or json")->required();
  export_atlas->add_option("--network", export_network, "The network's slug, e.g. kkp")->required();
  export_atlas->add_option("--output", export_output, "The file to write (default: standard output)");

  CLI::App* import_command = cli.add_subcommand("import", "Read data from files");
  import_command->require_subcommand(1);
  std::string import_file;
  std::string import_network;
  std::string import_map;
  std::string import_source;
  std::string import_legal_basis = "gerechtvaardigd belang";
  std::string import_language = "nl";
  CLI::App* import_contacts = import_command->add_subcommand(
      "contacts",
      "An address list (CSV: comma or semicolon, UTF-8, Windows-1252 or Latin-1) into a network's recruitment "
      "contacts, in one transaction; prints the report with every refused line. Running it again adds nothing");
  add_storage_options(*import_contacts, config);
  import_contacts->add_option("file", import_file, "The CSV file")->required();
  import_contacts->add_option("--network", import_network, "The network's slug, e.g. west-brabant-zeeland")->required();
  import_contacts->add_option("--map", import_map,
                              "Columns per field on top of the guess from the header, by name or number: "
                              "email=E-mail,name=Naam,organisation=Bedrijf,town=Plaats,discipline=Vakgebied,source=Bron");
  import_contacts->add_option("--source", import_source, "Where the addresses come from (default: the file's name)");
  import_contacts->add_option("--legal-basis", import_legal_basis, "The AVG/GDPR legal basis")->capture_default_str();
  import_contacts->add_option("--language", import_language, "The report's language")
      ->check(CLI::IsMember({"nl", "en"}))
      ->capture_default_str();
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return cli.exit(error);
  }

  spdlog::set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  try {
    if (serve->parsed()) return app::serve(config);
    if (migrate->parsed()) return app::migrate(config);
    if (seed->parsed()) return app::seed_demo(config, only_if_empty);
    if (admin_create->parsed()) return app::create_admin(config, admin_email, admin_name, password_from_stdin());
    if (token_create->parsed()) return app::create_api_token(config, token_email, token_name);
    if (export_atlas->parsed()) return app::export_atlas(config, export_format, export_network, export_output);
    if (import_contacts->parsed()) {
      return app::import_contacts(config, import_file, import_network, import_map, import_source, import_legal_basis,
                                  import_language);
    }
  } catch (const std::exception& error) {
    std::cerr << "knooppunt: " << error.what() << "\n";
    return 1;
  }
  return 1;
}
