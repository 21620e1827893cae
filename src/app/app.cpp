#include "app/app.h"

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>
#include <fstream>
#include <nlohmann/json.hpp>

#include "api/account_data.h"
#include "api/bearer.h"
#include "api/json_responses.h"
#include "api/personal_data.h"
#include "api/routes.h"
#include "api/rate_limiter.h"
#include "api/token_command.h"
#include "api/tokens.h"
#include "atlas/api_routes.h"
#include "atlas/engine.h"
#include "atlas/export_command.h"
#include "atlas/service.h"
#include "atlas/page_routes.h"
#include "atlas/page_sources.h"
#include "atlas/seed.h"
#include "atlas/ties_routes.h"
#include "atlas/ties_service.h"
#include "auth/passwords.h"
#include "auth/routes.h"
#include "auth/seed.h"
#include "auth/service.h"
#include "contacts/command.h"
#include "contacts/records.h"
#include "contacts/routes.h"
#include "contacts/seed.h"
#include "contacts/service.h"
#include "db/migrations.h"
#include "campaigns/routes.h"
#include "campaigns/seed.h"
#include "campaigns/service.h"
#include "documents/routes.h"
#include "documents/seed.h"
#include "documents/service.h"
#include "discussions/api_routes.h"
#include "discussions/routes.h"
#include "discussions/seed.h"
#include "discussions/service.h"
#include "events/routes.h"
#include "events/seed.h"
#include "events/store.h"
#include "events/service.h"
#include "groups/header.h"
#include "groups/routes.h"
#include "groups/seed.h"
#include "groups/service.h"
#include "jobs/runner.h"
#include "mail/address.h"
#include "mail/file_transport.h"
#include "mail/outbox.h"
#include "mail/sender.h"
#include "mail/smtp_transport.h"
#include "members/places.h"
#include "members/routes.h"
#include "members/seed.h"
#include "members/service.h"
#include "notifications/personal_data.h"
#include "notifications/routes.h"
#include "notifications/service.h"
#include "regions/routes.h"
#include "regions/seed.h"
#include "regions/service.h"
#include "search/routes.h"
#include "search/service.h"
#include "web/anonymous_cache.h"
#include "web/site.h"

namespace app {

namespace {

constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// The key that signs flash cookies and other stateless tokens. It lives in the database, not in a
// file, so every instance behind a proxy shares it.
std::string load_or_create_secret(db::Database& database) {
  return database.write([](db::Session& session) {
    if (auto row = session.query_one("SELECT value FROM settings WHERE key = ?", {std::string("cookie_secret")})) {
      return row->text(0);
    }
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char hex[sizeof bytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    session.execute("INSERT INTO settings (key, value) VALUES (?, ?)", {std::string("cookie_secret"), std::string(hex)});
    return std::string(hex);
  });
}

void write_port_file(const std::string& path, unsigned short port) {
  // Written whole, then renamed: a reader never sees a half-written number.
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << "\n";
    if (!out) throw std::runtime_error("cannot write the port file " + path);
  }
  std::filesystem::rename(temporary, path);
}

std::unique_ptr<db::Database> open_and_migrate(const Config& config) {
  db::Options options;
  options.pool_size = config.database_pool;
  auto database = db::open(config.database, options);
  const int applied = db::migrate(*database);
  if (applied > 0) spdlog::info("applied {} database migration(s)", applied);
  return database;
}

// Every connection is a file descriptor: the default soft limit (1024) would cap the server long
// before --max-connections does.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// "http://127.0.0.1:8080" for a listen host and port (all interfaces: the loopback address).
std::string local_url(const std::string& host, unsigned short port) {
  std::string name = host;
  if (name.empty() || name == "0.0.0.0") name = "127.0.0.1";
  if (name == "::") name = "::1";
  if (name.find(':') != std::string::npos) name = "[" + name + "]";
  return "http://" + name + ":" + std::to_string(port);
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// SMTP when a URL is configured; otherwise .eml files in the data directory, so development and
// `make run` never need a mail server and never mail anyone by accident.
std::unique_ptr<mail::Transport> make_mail_transport(const Config& config) {
  if (config.smtp_url.empty()) {
    auto transport = std::make_unique<mail::FileTransport>(std::filesystem::path(config.data_dir) / "outbox-mail");
    spdlog::info("mail: no --smtp-url, writing each message to {}",
                 std::filesystem::absolute(transport->directory()).string());
    return transport;
  }
  mail::SmtpOptions options;
  options.url = config.smtp_url;
  options.username = config.smtp_user;
  options.password = config.smtp_password;
  options.require_tls = config.smtp_starttls;
  spdlog::info("mail: sending through {}{}", config.smtp_url, config.smtp_starttls ? " (STARTTLS required)" : "");
  return std::make_unique<mail::SmtpTransport>(std::move(options));
}

mail::SenderOptions mail_sender_options(const Config& config) {
  mail::SenderOptions options;
  options.from_address = config.mail_from_address();
  if (!mail::is_valid_address(options.from_address)) {
    throw std::runtime_error("--mail-from must be an e-mail address such as noreply@kkp.example.nl; got '" +
                             options.from_address + "'");
  }
  options.from_name = config.mail_from_name;
  options.per_minute = config.mail_per_minute;
  options.longest_send = mail::SmtpOptions{}.total_timeout;
  return options;
}

void prepare_data_dir(const Config& config) {
  std::error_code error;
  std::filesystem::create_directories(config.data_dir, error);
  if (error) throw std::runtime_error("cannot create the data directory " + config.data_dir + ": " + error.message());
}

}  // namespace

App::App(Config config, std::unique_ptr<db::Database> database)
    : config_(std::move(config)), database_(std::move(database)), assets_("resources/assets/") {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  web::SiteOptions site_options;
  site_options.secret = load_or_create_secret(*database_);
  site_options.secure_cookies = config_.served_over_tls();
  site_ = std::make_unique<web::Site>(assets_, std::move(site_options));
  page_cache_ = std::make_unique<web::AnonymousPageCache>(*site_, std::chrono::seconds(config_.page_cache_seconds));
  regions_ = std::make_unique<regions::Service>(*database_);
  places_ = std::make_unique<members::Places>(members::Places::load_embedded());
  members_ = std::make_unique<members::Service>(*database_, config_.data_dir, *places_);
  password_hasher_ = std::make_unique<auth::PasswordHasher>();
  auth::ServiceOptions auth_options;
  auth_options.secure_cookies = config_.served_over_tls();
  if (!config_.public_url.empty()) auth_options.public_url = config_.public_url;
  auth_ = std::make_unique<auth::Service>(*database_, *password_hasher_, *site_, std::move(auth_options));
  // API tokens: auth resolves `Authorization: Bearer` through the gate; the gate then refuses bad
  // tokens and those over their rate limit under /api/ (see handle()).
  api_tokens_ = std::make_unique<api::TokenService>(*database_);
  api_rate_limiter_ = std::make_unique<api::RateLimiter>(config_.api_requests_per_minute);
  api_gate_ = std::make_unique<api::BearerGate>(
      site_->catalog(), *api_tokens_, *api_rate_limiter_, [this](std::int64_t account_id) {
        return database_->read([&](db::Session& session) { return api::account_data::active_viewer(session, account_id); });
      });
  auth_->set_bearer_resolver([this](std::string_view token) { return api_gate_->resolve(token); });
  personal_data_ = std::make_unique<api::PersonalDataService>(*database_, *members_, *password_hasher_,
                                                              auth_->options().throttle, config_.data_dir);

  // Events ask auth about memberships and roles; the networks a member belongs to are few.
  events::Access events_access;
  events_access.is_member = [this](std::int64_t account, std::int64_t network) { return auth_->is_member(account, network); };
  events_access.is_coordinator = [this](std::int64_t account, std::int64_t network) {
    return auth_->is_coordinator(account, network);
  };
  events_access.member_networks = [this](std::int64_t account) {
    std::vector<std::int64_t> ids;
    for (const regions::Network& network : regions_->networks()) {
      if (auth_->is_member(account, network.id)) ids.push_back(network.id);
    }
    return ids;
  };
  events_access.hosts_group = [this](std::int64_t account, std::int64_t network, std::int64_t group) {
    return groups_->hosts_group(account, group, network);
  };
  events_access.hosted_groups = [this](std::int64_t account, std::int64_t network) {
    return groups_->hosted_group_ids(account, network);
  };
  events::ServiceOptions events_options;
  if (!config_.public_url.empty()) events_options.public_url = config_.public_url;
  events_ = std::make_unique<events::Service>(*database_, *site_, std::move(events_access), std::move(events_options));
  // Recruitment campaigns: coordinators of a network only; registrations go through events.
  campaigns::ServiceOptions campaigns_options;
  if (!config_.public_url.empty()) campaigns_options.public_url = config_.public_url;
  campaigns_ = std::make_unique<campaigns::Service>(
      *database_, *site_, *events_,
      [this](const http::Viewer& viewer, std::int64_t network) { return auth_->can_coordinate(viewer, network); },
      std::move(campaigns_options));
  // Recruitment's contacts: the network's coordinators only (pages refuse API tokens, as auth decides).
  contacts_ = std::make_unique<contacts::Service>(
      *database_, *places_, config_.data_dir + "/contact-uploads",
      [this](const http::Viewer& viewer, std::int64_t network) { return auth_->can_coordinate(viewer, network); });
  personal_data_->add_eraser([](db::Session& session, std::int64_t account) { contacts::erase_member(session, account); });
  personal_data_->add_exporter("contacts", [](db::Session& session, std::int64_t account) {
    return contacts::export_member(session, account);
  });
  // What erasure and the personal-data download do for each feature with personal data.
  personal_data_->add_eraser(
      [](db::Session& session, std::int64_t account) { atlas::TiesService::erase_member(session, account); });
  personal_data_->add_exporter("atlas", [](db::Session& session, std::int64_t account) {
    return atlas::TiesService::export_member(session, account);
  });
  personal_data_->add_eraser([](db::Session& session, std::int64_t account) { groups::erase_member(session, account); });
  personal_data_->add_exporter("groups", [](db::Session& session, std::int64_t account) {
    return groups::export_member(session, account);
  });
  personal_data_->add_eraser([this](db::Session& session, std::int64_t account) { events_->erase_member_in(session, account); });
  personal_data_->add_exporter("events", [](db::Session& session, std::int64_t account) {
    return events::store::export_member(session, account);
  });
  discussions_ = std::make_unique<discussions::Service>(*database_);

  // The atlas engine (igraph on one worker) and the service that serves its snapshots per viewer.
  atlas_engine_ = std::make_unique<atlas::Engine>();
  atlas_ = std::make_unique<atlas::Service>(
      *database_, *atlas_engine_, *regions_,
      [this](const http::Viewer& viewer, std::int64_t network) { return auth_->can_coordinate(viewer, network); });

  // The groups' libraries and wikis, and search over what the viewer may see (each feature with
  // searchable content adds its source).
  documents_ = std::make_unique<documents::Service>(*database_, config_.data_dir);
  personal_data_->add_eraser([](db::Session& session, std::int64_t account) {
    documents::Service::erase_member(session, account);
  });
  personal_data_->add_exporter("documents", [](db::Session& session, std::int64_t account) {
    return documents::Service::export_member(session, account);
  });
  search_ = std::make_unique<search::Service>(*database_);
  search_->add_source([this](std::string_view query, const std::vector<std::int64_t>& group_ids, std::size_t limit) {
    std::vector<search::SourceHit> hits;
    for (documents::SearchHit& hit : documents_->search(query, group_ids, limit)) {
      hits.push_back({hit.kind, hit.id, hit.group_id, std::move(hit.title), std::move(hit.text), std::move(hit.path),
                      hit.score});
    }
    return hits;
  });
  search_->add_source([this](std::string_view query, const std::vector<std::int64_t>& group_ids, std::size_t limit) {
    std::vector<search::SourceHit> hits;
    for (discussions::SearchHit& hit : discussions_->search_in_groups(query, group_ids, limit)) {
      hits.push_back({hit.kind, hit.id, hit.group_id, std::move(hit.title), std::move(hit.excerpt),
                      std::move(hit.path), hit.score});
    }
    return hits;
  });

  groups_ = std::make_unique<groups::Service>(*database_, config_.data_dir);

  // Activity, notifications and digests; the layout's user menu shows the unread count.
  notifications::ServiceOptions notifications_options;
  if (!config_.public_url.empty()) notifications_options.public_url = config_.public_url;
  notifications_ = std::make_unique<notifications::Service>(*database_, *site_, std::move(notifications_options));
  site_->set_unread_counter([this](std::int64_t account) { return notifications_->unread_count(account); });
  personal_data_->add_eraser([](db::Session& session, std::int64_t account) { notifications::erase_member(session, account); });
  personal_data_->add_exporter("notifications", [](db::Session& session, std::int64_t account) {
    return notifications::export_member(session, account);
  });

  register_operations_routes();
  regions::register_routes(router_, *site_, *regions_);
  members::register_routes(router_, *site_, *members_, *regions_);
  auth::register_routes(router_, *site_, *auth_);
  api::register_api_routes(router_, *site_, api::ApiServices{*members_, *regions_, *auth_});
  api::register_account_routes(router_, *site_, *api_tokens_, *personal_data_, config_.served_over_tls());
  events::register_routes(router_, *site_, *events_, *regions_, events::RouteOptions{assets_.url_for("events.css")});
  events::register_api_routes(router_, *site_, *events_, *regions_);
  campaigns::register_routes(router_, *site_, *campaigns_, *regions_,
                             campaigns::RouteOptions{assets_.url_for("campaigns.js"), assets_.url_for("campaigns.css")});
  campaigns::register_api_routes(router_, *site_, *campaigns_, *regions_);
  contacts::register_routes(router_, *site_, *contacts_);
  // The API is for coordinators' tokens too (can_coordinate refuses tokens: it guards browser forms).
  contacts::register_api_routes(router_, *site_, *contacts_, [this](const http::Viewer& viewer, std::int64_t network) {
    return viewer.administrator || auth_->is_coordinator(viewer.account_id, network);
  });
  // The watch-level control on group and topic pages (read in notifications' own transaction).
  const notifications::WatchForm watch_form = [this](const http::Viewer& viewer, notifications::Target target,
                                                     std::int64_t target_id, std::string_view return_to) {
    return notifications_->watch_form(viewer, target, target_id, return_to);
  };
  groups::register_routes(router_, *site_, *groups_, watch_form);
  groups::register_api_routes(router_, *site_, *groups_);
  notifications::register_routes(router_, *site_, *notifications_, *groups_);
  // The groups feature's header (image, join button, tabs) on every library, wiki and group search page.
  const documents::GroupHeader group_header = [this](const http::Request& request, std::string_view network,
                                                     std::string_view group,
                                                     std::string_view tab) -> std::optional<kainjow::mustache::data> {
    auto header = groups_->header(request.viewer, network, group);
    if (!header) return std::nullopt;
    return groups::header_data(*header, tab);
  };
  documents::register_routes(router_, *site_, *documents_,
                            documents::RouteOptions{group_header, assets_.url_for("documents.css")});
  search::register_routes(router_, *site_, *search_, search::RouteOptions{group_header, assets_.url_for("documents.css")});
  atlas::register_ties_routes(router_, *site_, *database_, atlas::TiesOptions{.clock = {}, .changed = [this] {
                                if (atlas_listener_) atlas_listener_();
                              }});
  atlas::register_api_routes(router_, *site_, *atlas_);  // before the atlas pages: it serves /atlas/data.json
  // The atlas pages, fed by the engine's service.
  atlas::register_page_routes(router_, *site_, *auth_, *regions_, atlas::page_sources(*atlas_),
                              atlas::PageOptions{assets_.url_for("atlas.css"), assets_.url_for("atlas.js")});
  discussions::register_routes(router_, *site_, *discussions_,
                                discussions::RouteOptions{assets_.url_for("discussions.css"), watch_form});
  // Visitors read public topics as often as the home page: their copy comes from memory for a few seconds.
  for (const char* route : {"/onderwerpen/{id}", "/groepen/{network}/{group}/discussies"}) page_cache_->allow_route(route);
  discussions::register_api_routes(router_, *site_, *discussions_, *regions_, *database_,
                                    discussions::ApiOptions{[this] { return auth_->public_url(); }, KNOOPPUNT_VERSION});
  for (const char* route : {"/", "/netwerken", "/netwerken/{slug}"}) page_cache_->allow_route(route);

  metrics_.add_gauge("knooppunt_build_info", "Version and database backend of this process.", [this] {
    return std::vector<http::Metrics::Sample>{
        {"version=\"" KNOOPPUNT_VERSION "\",backend=\"" + std::string(db::to_string(database_->backend())) + "\"",
         1}};
  });
  metrics_.add_gauge("knooppunt_db_pool_connections", "Database connections, by state.", [this] {
    const db::PoolStats stats = database_->pool_stats();
    return std::vector<http::Metrics::Sample>{
        {"state=\"in_use\"", static_cast<double>(stats.in_use)},
        {"state=\"idle\"", static_cast<double>(stats.open - stats.in_use)},
    };
  });
  metrics_.add_gauge("knooppunt_mail_outbox", "E-mails in the outbox: pending (to send) and failed (given up).", [this] {
    try {
      const mail::OutboxCounts counts =
          database_->read([](db::Session& session) { return mail::outbox_counts(session); });
      return std::vector<http::Metrics::Sample>{{"state=\"pending\"", static_cast<double>(counts.pending)},
                                                {"state=\"failed\"", static_cast<double>(counts.failed)}};
    } catch (const db::Error&) {
      return std::vector<http::Metrics::Sample>{};  // the database is down: /healthz says so
    }
  });
  metrics_.add_gauge("knooppunt_db_pool_waits", "Times a request waited for a database connection.", [this] {
    return std::vector<http::Metrics::Sample>{{"", static_cast<double>(database_->pool_stats().waits)}};
  });
}

App::~App() = default;

void App::register_operations_routes() {
  router_.get("/healthz", [this](http::Request&) {
    nlohmann::json body;
    body["version"] = KNOOPPUNT_VERSION;
    body["database"]["backend"] = db::to_string(database_->backend());
    bool healthy = database_->ping();
    body["database"]["reachable"] = healthy;
    if (healthy) {
      try {
        const db::MigrationStatus status = db::migration_status(*database_);
        body["migrations"] = {{"applied", status.applied_version},
                              {"latest", status.latest_version},
                              {"up_to_date", status.up_to_date()}};
        healthy = status.up_to_date();
      } catch (const db::Error&) {
        healthy = false;
      }
    }
    body["status"] = healthy ? "ok" : "unavailable";
    http::Response response = http::Response::json(healthy ? 200 : 503, body.dump());
    response.headers.set("Cache-Control", "no-store");
    return response;
  });

  router_.get("/metrics", [this](http::Request&) {
    http::Response response = http::Response::text(200, metrics_.render());
    response.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.headers.set("Cache-Control", "no-store");
    return response;
  });
}

// The client's address as a loopback reverse proxy reports it: the last X-Forwarded-For entry is the
// one our proxy added (earlier ones come from the client and can be forged).
void App::apply_forwarded_for(http::Request& request) const {
  if (!config_.trust_proxy) return;
  const std::string_view peer = request.remote_address;
  if (!(peer.starts_with("127.") || peer == "::1" || peer.starts_with("::ffff:127."))) return;
  const auto forwarded = request.headers.get("x-forwarded-for");
  if (!forwarded || forwarded->empty()) return;
  std::string_view last = *forwarded;
  if (const std::size_t comma = last.rfind(','); comma != std::string_view::npos) last = last.substr(comma + 1);
  while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
  while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
  if (!last.empty() && last.size() <= 64) request.remote_address = std::string(last);
}

http::Response App::handle(http::Request& request) {
  apply_forwarded_for(request);
  // Who is asking, before routing (pages and the layout's user menu depend on it). Requests without
  // a session cookie or token cost nothing here; the anonymous page cache never sees those with one.
  http::Response response;
  try {
    auth_->resolve_viewer(request);
    if (auto refused = api_gate_->check(request)) {
      request.route = "(api token refused)";
      response = std::move(*refused);
    } else {
      response = route(request);
    }
  } catch (const db::Error& error) {
    spdlog::error("database error while resolving the session of {} {}: {}", http::to_string(request.method),
                  request.path, error.what());
    response = error_for(request, error.kind() == db::Error::Kind::Unavailable ? 503 : 500);
  }
  add_security_headers(response);
  page_cache_->offer(request, response);
  return response;
}

std::optional<http::Response> App::fast_path(http::Request& request) {
  if (!request.path.starts_with("/assets/")) {
    return page_cache_->lookup(request);  // cached with its security headers
  }
  request.route = "/assets/*";
  http::Response response;
  if (request.method != http::Method::Get && request.method != http::Method::Head) {
    response = site_->error_page(&request, 405);
    response.headers.set("Allow", "GET, HEAD");
  } else if (auto asset = assets_.serve(request)) {
    response = std::move(*asset);
  } else {
    response = site_->error_page(&request, 404);
  }
  add_security_headers(response);
  return response;
}

http::Response App::error_for(const http::Request& request, int status) const {
  if (api::is_api_path(request.path)) return api::error_response_for_status(site_->catalog(), request, status);
  return site_->error_page(&request, status);
}

http::Response App::route(http::Request& request) {
  http::Router::Match match = router_.match(request.method, request.path);
  switch (match.kind) {
    case http::Router::Match::Kind::NotFound:
      request.route = "(unmatched)";
      return error_for(request, 404);
    case http::Router::Match::Kind::MethodNotAllowed: {
      request.route = "(method not allowed)";
      http::Response response = error_for(request, 405);
      std::string allow;
      for (http::Method method : match.allowed) {
        if (!allow.empty()) allow += ", ";
        allow += http::to_string(method);
      }
      response.headers.set("Allow", allow);
      return response;
    }
    case http::Router::Match::Kind::Found:
      break;
  }

  request.route = std::move(match.pattern);
  for (auto& [name, value] : match.params) request.path_params.emplace(std::move(name), std::move(value));
  try {
    return (*match.handler)(request);
  } catch (const db::Error& error) {
    if (error.kind() == db::Error::Kind::Unavailable) {
      spdlog::error("database unavailable during {} {}: {}", http::to_string(request.method), request.path,
                    error.what());
      return error_for(request, 503);
    }
    spdlog::error("database error during {} {}: {}", http::to_string(request.method), request.path, error.what());
    return error_for(request, 500);
  } catch (const std::exception& error) {
    spdlog::error("unhandled error during {} {}: {}", http::to_string(request.method), request.path, error.what());
    return error_for(request, 500);
  }
}

http::Response App::error_page(int status, const http::Request& request) const {
  // An unreadable request has no path: a short page in the default language.
  http::Response response = request.path.empty() ? site_->error_page(nullptr, status) : error_for(request, status);
  add_security_headers(response);
  return response;
}

void App::add_security_headers(http::Response& response) const {
  auto set_default = [&](std::string name, std::string_view value) {
    if (!response.headers.contains(name)) response.headers.set(std::move(name), std::string(value));
  };
  set_default("Content-Security-Policy", kContentSecurityPolicy);
  set_default("X-Content-Type-Options", "nosniff");
  set_default("X-Frame-Options", "DENY");
  set_default("Referrer-Policy", "same-origin");
  set_default("Cross-Origin-Opener-Policy", "same-origin");
  set_default("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  if (config_.served_over_tls()) set_default("Strict-Transport-Security", "max-age=63072000");
}

void App::observe(const http::CompletedRequest& completed) {
  const std::string_view route =
      completed.request.route.empty() ? std::string_view("(bad request)") : std::string_view(completed.request.route);
  metrics_.observe_request(route, completed.request.method, completed.status, completed.duration);
  if (config_.access_log) {
    spdlog::info("{} \"{} {}\" {} {}B {:.2f}ms", completed.request.remote_address,
                 http::to_string(completed.request.method), completed.request.target, completed.status,
                 completed.response_bytes,
                 std::chrono::duration<double, std::milli>(completed.duration).count());
  }
}

namespace {

enum class DemoTarget { OnlyIfEmpty, MustBeEmpty };

// The whole demo network, feature by feature, in dependency order: networks, accounts, profiles in one
// transaction; then each feature seeds its own part in its own transactions (they are large). Returns
// false when the database already held a network and `target` allows that.
bool seed_demo_network(db::Database& database, const std::string& data_dir, DemoTarget target) {
  const bool seeded = database.write([&](db::Session& session) {
    if (regions::has_any_network(session)) {
      if (target == DemoTarget::OnlyIfEmpty) return false;
      throw std::runtime_error("the database already holds a network; the demo goes only into an empty database");
    }
    regions::seed_demo(session);
    auth::seed_demo(session);
    members::seed_demo(session);
    return true;
  });
  if (!seeded) return false;
  const std::int64_t now = unix_now();
  events::seed_demo(database, now);
  contacts::seed_demo(database, now);  // after events: the first meeting's attendees are linked contacts
  groups::seed_demo(database, now);
  documents::seed_demo(database, data_dir, now);
  atlas::seed_demo(database, now);
  discussions::seed_demo(database, now);  // after groups: their members write the discussions
  campaigns::seed_demo(database, now);    // after the contacts and events seeds: it mails the first and fills the second
  return true;
}

}  // namespace

int serve(const Config& config) {
  const std::optional<ListenAddress> listen = parse_listen_address(config.listen);
  if (!listen) throw std::runtime_error("--listen must be HOST:PORT, e.g. 127.0.0.1:8080; got '" + config.listen + "'");
  raise_open_file_limit();
  prepare_data_dir(config);
  auto database = open_and_migrate(config);
  if (config.seed_demo_if_empty && seed_demo_network(*database, config.data_dir, DemoTarget::OnlyIfEmpty)) {
    spdlog::info("seeded the demo network into the empty database");
  }

  App application(config, std::move(database));
  const std::unique_ptr<mail::Transport> mail_transport = make_mail_transport(config);
  mail::SenderOptions sender_options = mail_sender_options(config);
  // Campaign mail is paced by each campaign's own rate (campaigns/service.h), not by --mail-per-minute,
  // and a long queue drains in one run; the campaign's recipients follow each outcome in its transaction.
  sender_options.paced_kind_prefix = std::string(campaigns::kMailKindPrefix);
  sender_options.keep_going_for = std::chrono::seconds(5);
  mail::OutboxSender mail_sender(application.database(), *mail_transport, std::move(sender_options));
  mail_sender.set_outcome_listener([&application](db::Session& session, const mail::DeliveryOutcome& outcome,
                                                  std::int64_t now) {
    application.campaigns().on_delivery(session, outcome, now);
  });
  http::ServerOptions options;
  options.host = listen->host;
  options.port = listen->port;
  options.io_threads = config.io_threads > 0 ? config.io_threads
                                             : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.worker_threads = config.worker_threads;
  options.max_body_bytes = config.max_body_bytes;
  // Only the profile form takes a photo; every other route keeps the small limit.
  options.max_body_bytes_by_path.emplace(members::kProfileFormPath,
                                         std::max(config.max_body_bytes, members::kMaxProfileFormBytes));
  // The group settings form takes an image too.
  options.max_body_bytes_by_path.emplace(groups::kSettingsFormPath,
                                         std::max(config.max_body_bytes, groups::kMaxSettingsFormBytes));
  // The library's two upload forms take files of up to 20 MiB (documents/routes.h).
  for (std::string_view path : {documents::kUploadPath, documents::kVersionUploadPath}) {
    options.max_body_bytes_by_path.emplace(std::string(path),
                                           std::max(config.max_body_bytes, documents::kMaxUploadFormBytes));
  }
  // The contacts import takes address lists of up to 50 MB (contacts/routes.h).
  options.max_body_bytes_by_path.emplace(std::string(contacts::kUploadPath),
                                         std::max(config.max_body_bytes, contacts::kMaxUploadFormBytes));
  options.max_connections = config.max_connections;
  http::Server server(
      options, [&](http::Request& request) { return application.handle(request); },
      [&](int status, const http::Request& request) { return application.error_page(status, request); },
      [&](const http::CompletedRequest& completed) { application.observe(completed); },
      [&](http::Request& request) { return application.fast_path(request); });
  server.listen();
  // Links in mail need the site's address; without --public-url it is where we listen.
  if (config.public_url.empty()) application.auth().set_public_url(local_url(listen->host, server.port()));
  if (config.public_url.empty()) application.events().set_public_url(local_url(listen->host, server.port()));
  if (config.public_url.empty()) application.campaigns().set_public_url(local_url(listen->host, server.port()));
  if (config.public_url.empty()) {
    application.notifications().set_public_url(local_url(listen->host, server.port()));
  }
  if (!config.port_file.empty()) write_port_file(config.port_file, server.port());
  spdlog::info("knooppunt {} serving http://{}:{} ({} database)", KNOOPPUNT_VERSION, listen->host, server.port(),
               db::to_string(application.database().backend()));
  // Background work on its own threads, never on the HTTP ones; stopped before the server and the
  // database it uses go away.
  jobs::Runner jobs;
  jobs.add({"mail.outbox", std::chrono::milliseconds(config.mail_interval_ms),
            [&mail_sender] { mail_sender.deliver_due(unix_now()); }});
  jobs.add({"mail.prune", std::chrono::hours(1), [&mail_sender] { mail_sender.prune(unix_now()); }});
  // Contacts who never responded are erased after their network's retention period (AVG).
  jobs.add({"contacts.retention", std::chrono::hours(6), [&application] { application.contacts().run_retention(unix_now()); }});
  // Campaigns hand their due recipients to the outbox (each in the transaction that marks them handed)
  // and wake the sender when they did.
  jobs.add({"campaigns.send", std::chrono::milliseconds(500), [&application, &jobs] {
              const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count();
              if (application.campaigns().send_due(now_ms) > 0) jobs.wake("mail.outbox");
            }});
  // Event reminders (each once, claimed in the database) and the rolling horizon of series.
  jobs.add({"events.reminders", std::chrono::seconds(60), [&application] { application.events().send_due_reminders(); }});
  jobs.add({"events.horizon", std::chrono::hours(6), [&application] { application.events().extend_horizons(); }});
  // Mail for mentions and replies (each notification once, claimed in the database) and the daily /
  // weekly digests (each member's watermark claimed in the transaction that queues the mail).
  jobs.add({"notifications.mail", std::chrono::seconds(30),
            [&application] { application.notifications().send_immediate_mails(); }});
  jobs.add({"notifications.digests", std::chrono::minutes(5),
            [&application] { application.notifications().send_due_digests(); }});
  // The atlas: the first run serves stored snapshots (or computes them); later runs notice changed
  // ties and privacy choices (a cheap marker) and the rest of the input every 5 minutes.
  application.on_atlas_change([&jobs] { jobs.wake("atlas.refresh"); });
  jobs.add({"atlas.refresh", std::chrono::seconds(2), [&application] { application.atlas().refresh_all(); }});
  server.run();
  application.on_atlas_change({});
  jobs.stop();
  spdlog::info("stopped");
  return 0;
}

int migrate(const Config& config) {
  prepare_data_dir(config);
  auto database = open_and_migrate(config);
  const db::MigrationStatus status = db::migration_status(*database);
  spdlog::info("database schema at version {} (latest {})", status.applied_version, status.latest_version);
  return 0;
}

int seed_demo(const Config& config, bool only_if_empty) {
  prepare_data_dir(config);
  auto database = open_and_migrate(config);
  const bool seeded = seed_demo_network(*database, config.data_dir, only_if_empty ? DemoTarget::OnlyIfEmpty : DemoTarget::MustBeEmpty);
  spdlog::info(seeded ? "seeded the demo network" : "the database already holds a network; nothing seeded");
  return 0;
}

int export_atlas(const Config& config, const std::string& format, const std::string& network_slug,
                 const std::string& output_path) {
  // The export may go to standard output, where log lines do not belong.
  if (output_path.empty()) spdlog::set_level(spdlog::level::warn);
  prepare_data_dir(config);
  auto database = open_and_migrate(config);
  return atlas::run_export_command(*database, format, network_slug, output_path, std::cout, std::cerr);
}

int import_contacts(const Config& config, const std::string& file, const std::string& network_slug,
                    const std::string& map, const std::string& source, const std::string& legal_basis,
                    const std::string& language) {
  // The report goes to standard output, where log lines do not belong.
  spdlog::set_level(spdlog::level::warn);
  prepare_data_dir(config);
  auto database = open_and_migrate(config);
  contacts::ImportCommand command;
  command.file = file;
  command.network = network_slug;
  command.map = map;
  command.source = source;
  if (!legal_basis.empty()) command.legal_basis = legal_basis;
  command.language = language;
  return contacts::run_import_command(*database, command, std::cout, std::cerr);
}

int create_api_token(const Config& config, const std::string& email, const std::string& name) {
  prepare_data_dir(config);
  auto database = open_and_migrate(config);
  return api::run_token_create(*database, email, name, std::cout, std::cerr);
}

int create_admin(const Config& config, const std::string& email, const std::string& name,
                 const std::optional<std::string>& password) {
  prepare_data_dir(config);
  auto database = open_and_migrate(config);
  App application(config, std::move(database));
  if (config.public_url.empty()) application.auth().set_public_url("http://127.0.0.1:8080");
  const auth::AdminCreated created = application.auth().create_admin(email, name, password);
  if (!created.errors.empty()) {
    std::string message;
    for (const auto& error : created.errors) {
      message += (message.empty() ? "" : " ") + std::string(application.site().text("en", error.message_key));
    }
    throw std::runtime_error(message);
  }
  std::printf("Created administrator %s (account %lld).\n", auth::normalize_email(email).c_str(),
              static_cast<long long>(created.account_id));
  if (!created.sign_in_url.empty()) {
    std::printf("Sign in within 24 hours, once, with this link (it asks for a password):\n%s\n",
                created.sign_in_url.c_str());
  }
  return 0;
}

}  // namespace app
