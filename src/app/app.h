// The application: wires storage, the web layer and every feature's routes into one handler that
// http::Server calls for each request. The only place that knows every part.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/config.h"
#include "db/database.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static_assets.h"

namespace web {
class Site;
class AnonymousPageCache;
}
namespace regions {
class Service;
}
namespace groups {
class Service;
}
namespace events {
class Service;
}
namespace contacts {
class Service;
}
namespace campaigns {
class Service;
}
namespace documents {
class Service;
}
namespace search {
class Service;
}
namespace notifications {
class Service;
}
namespace discussions {
class Service;
}
namespace members {
class Places;
class Service;
}  // namespace members
namespace auth {
class PasswordHasher;
class Service;
}
namespace atlas {
class Engine;
class Service;
}  // namespace atlas
namespace api {
class TokenService;
class RateLimiter;
class BearerGate;
class PersonalDataService;
}

namespace app {

class App {
 public:
  // `database` must be migrated already.
  App(Config config, std::unique_ptr<db::Database> database);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // The callbacks http::Server needs.
  http::Response handle(http::Request& request);
  std::optional<http::Response> fast_path(http::Request& request);  // on an I/O thread: memory only
  http::Response error_page(int status, const http::Request& request) const;
  void observe(const http::CompletedRequest& completed);

  db::Database& database() { return *database_; }
  auth::Service& auth() { return *auth_; }
  events::Service& events() { return *events_; }
  contacts::Service& contacts() { return *contacts_; }
  campaigns::Service& campaigns() { return *campaigns_; }
  atlas::Service& atlas() { return *atlas_; }
  // Called after a committed change of ties or atlas privacy (the serve command wakes the atlas's
  // refresh job with it, so a confirmed tie is on the map within a second). Set it before serving.
  void on_atlas_change(std::function<void()> listener) { atlas_listener_ = std::move(listener); }
  discussions::Service& discussions() { return *discussions_; }
  notifications::Service& notifications() { return *notifications_; }
  const web::Site& site() const { return *site_; }

 private:
  http::Response route(http::Request& request);
  // The page for an error status: JSON under /api/ (api/json_responses.h), HTML elsewhere.
  http::Response error_for(const http::Request& request, int status) const;
  void add_security_headers(http::Response& response) const;
  void apply_forwarded_for(http::Request& request) const;
  void register_operations_routes();

  Config config_;
  std::function<void()> atlas_listener_;
  std::unique_ptr<db::Database> database_;
  http::StaticAssets assets_;
  std::unique_ptr<web::Site> site_;
  std::unique_ptr<web::AnonymousPageCache> page_cache_;
  std::unique_ptr<regions::Service> regions_;
  std::unique_ptr<events::Service> events_;
  std::unique_ptr<contacts::Service> contacts_;
  std::unique_ptr<campaigns::Service> campaigns_;
  std::unique_ptr<groups::Service> groups_;
  std::unique_ptr<documents::Service> documents_;
  std::unique_ptr<search::Service> search_;
  std::unique_ptr<discussions::Service> discussions_;
  std::unique_ptr<notifications::Service> notifications_;
  std::unique_ptr<members::Places> places_;
  std::unique_ptr<members::Service> members_;
  std::unique_ptr<auth::PasswordHasher> password_hasher_;
  std::unique_ptr<auth::Service> auth_;
  std::unique_ptr<api::TokenService> api_tokens_;
  std::unique_ptr<api::RateLimiter> api_rate_limiter_;
  std::unique_ptr<api::BearerGate> api_gate_;
  std::unique_ptr<api::PersonalDataService> personal_data_;
  // The atlas: the service is declared first so the engine (whose worker calls back into the
  // service) stops before the service goes away.
  std::unique_ptr<atlas::Service> atlas_;
  std::unique_ptr<atlas::Engine> atlas_engine_;
  http::Router router_;
  http::Metrics metrics_;
};

// The subcommands; each returns the process exit code.
int serve(const Config& config);
int migrate(const Config& config);
int seed_demo(const Config& config, bool only_if_empty);
// `knooppunt admin create`: an administrator, verified and active in every network. The password
// comes from `password` when given (read from standard input by main), else a one-time sign-in
// link is printed.
int create_admin(const Config& config, const std::string& email, const std::string& name,
                 const std::optional<std::string>& password);
// `knooppunt token create`: a personal API token for the account with this address, printed once.
int create_api_token(const Config& config, const std::string& email, const std::string& name);
// `knooppunt export atlas`: see atlas/export_command.h. Exit code 2 for an unknown format or network.
int export_atlas(const Config& config, const std::string& format, const std::string& network_slug,
                 const std::string& output_path);
// `knooppunt import contacts FILE.csv --network SLUG`: see contacts/command.h. Exit code 2 when the file,
// network or column map is refused as a whole.
int import_contacts(const Config& config, const std::string& file, const std::string& network_slug,
                    const std::string& map, const std::string& source, const std::string& legal_basis,
                    const std::string& language);

}  // namespace app
