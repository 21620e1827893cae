// HTTP tests against the real binary: status codes, headers, limits, slow clients and shutdown.
// Tests that touch storage run on both backends (SQLite and the throwaway PostgreSQL cluster).
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "support/server_process.h"
#include "support/test_databases.h"

using namespace std::chrono_literals;
using testing_support::Connection;
using testing_support::request;
using testing_support::ServerProcess;

namespace {

class HttpOnBothBackends : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    server_ = std::make_unique<ServerProcess>(ServerProcess::Options{database_->url(), true, {}});
  }
  void TearDown() override {
    server_.reset();
    database_.reset();
  }
  unsigned short port() const { return server_->port(); }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<ServerProcess> server_;
};

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

std::string first_match(const std::string& text, const std::string& pattern) {
  std::smatch match;
  if (std::regex_search(text, match, std::regex(pattern))) return match[1].str();
  return "";
}

// The value of a Set-Cookie header, e.g. "csrf=abc; Path=/; HttpOnly" -> "abc" for "csrf".
std::string cookie_value(const testing_support::HttpResponse& response, const std::string& name) {
  for (const auto& header : response.header_all("set-cookie")) {
    if (header.rfind(name + "=", 0) == 0) return header.substr(name.size() + 1, header.find(';') - name.size() - 1);
  }
  return "";
}

void expect_security_headers(const testing_support::HttpResponse& response) {
  EXPECT_NE(response.header("content-security-policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(response.header("content-security-policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(response.header("x-content-type-options"), "nosniff");
  EXPECT_FALSE(response.header("referrer-policy").empty());
}

}  // namespace

TEST_P(HttpOnBothBackends, HomePageShowsTheNetworkAndItsEightKnowledgeGroups) {
  auto response = request(port(), "GET", "/");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(response.body.find("<html lang=\"nl\""), std::string::npos);
  EXPECT_NE(response.body.find("Kennisknooppunt West-Brabant &amp; Zeeland"), std::string::npos);
  for (const char* group : {"Financieel advies", "Juridisch advies", "ICT", "Techniek", "Grafisch ontwerp", "HRM",
                            "Organisatieadvies", "Marketing"}) {
    EXPECT_NE(response.body.find(group), std::string::npos) << group;
  }
  expect_security_headers(response);
}

TEST_P(HttpOnBothBackends, HealthzReportsTheDatabaseAndItsMigrations) {
  auto response = request(port(), "GET", "/healthz");
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["database"]["backend"], std::string(db::to_string(GetParam())));
  EXPECT_EQ(body["database"]["reachable"], true);
  EXPECT_EQ(body["migrations"]["up_to_date"], true);
  EXPECT_GE(body["migrations"]["applied"].get<int>(), 2);
  EXPECT_EQ(response.header("cache-control"), "no-store");
}

TEST_P(HttpOnBothBackends, UnknownPageGetsA404PageInTheUsersLanguage) {
  auto dutch = request(port(), "GET", "/bestaat-niet");
  EXPECT_EQ(dutch.status, 404);
  EXPECT_NE(dutch.body.find("lang=\"nl\""), std::string::npos);
  auto english = request(port(), "GET", "/bestaat-niet", {{"Cookie", "taal=en"}});
  EXPECT_EQ(english.status, 404);
  EXPECT_NE(english.body.find("lang=\"en\""), std::string::npos);
  EXPECT_NE(english.body, dutch.body);
  expect_security_headers(english);
}

TEST_P(HttpOnBothBackends, UnknownNetworkGetsA404) {
  EXPECT_EQ(request(port(), "GET", "/netwerken/bestaat-niet").status, 404);
  EXPECT_EQ(request(port(), "GET", "/netwerken/west-brabant-zeeland").status, 200);
}

TEST_P(HttpOnBothBackends, LanguageSwitchNeedsCsrfAndThenServesEnglish) {
  auto home = request(port(), "GET", "/");
  const std::string cookie = cookie_value(home, "csrf");
  const std::string token = first_match(home.body, "name=\"csrf\" value=\"([^\"]+)\"");
  ASSERT_FALSE(cookie.empty());
  ASSERT_FALSE(token.empty());

  auto forged = request(port(), "POST", "/taal", {{"Content-Type", "application/x-www-form-urlencoded"}},
                        "taal=en&next=%2F");
  EXPECT_EQ(forged.status, 403);

  auto cross_site = request(port(), "POST", "/taal",
                            {{"Content-Type", "application/x-www-form-urlencoded"},
                             {"Cookie", "csrf=" + cookie},
                             {"Origin", "https://evil.example"}},
                            "taal=en&next=%2F&csrf=" + token);
  EXPECT_EQ(cross_site.status, 403);

  auto switched = request(port(), "POST", "/taal",
                          {{"Content-Type", "application/x-www-form-urlencoded"},
                           {"Cookie", "csrf=" + cookie},
                           {"Origin", "http://127.0.0.1:" + std::to_string(port())}},
                          "taal=en&next=%2F&csrf=" + token);
  ASSERT_EQ(switched.status, 303) << switched.body;
  EXPECT_EQ(switched.header("location"), "/");
  EXPECT_EQ(cookie_value(switched, "taal"), "en");

  auto english = request(port(), "GET", "/", {{"Cookie", "taal=en; csrf=" + cookie}});
  EXPECT_NE(english.body.find("<html lang=\"en\""), std::string::npos);
}

TEST_P(HttpOnBothBackends, MetricsCountRequestsPerRouteAndShowThePool) {
  request(port(), "GET", "/");
  request(port(), "GET", "/netwerken/west-brabant-zeeland");
  // A request is counted just after its response is written: wait for the second one to be counted.
  auto metrics = request(port(), "GET", "/metrics");
  for (int attempt = 0; attempt < 50 && metrics.body.find("route=\"/netwerken/{slug}\"") == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    metrics = request(port(), "GET", "/metrics");
  }
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("knooppunt_http_requests_total{route=\"/\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("route=\"/netwerken/{slug}\""), std::string::npos);
  EXPECT_NE(metrics.body.find("knooppunt_http_request_duration_seconds_bucket{route=\"/\",le=\"+Inf\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("knooppunt_db_pool_connections{state=\"idle\"}"), std::string::npos);
  EXPECT_NE(metrics.body.find("knooppunt_build_info{version=\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, HttpOnBothBackends,
                         ::testing::Values(db::Backend::Sqlite, db::Backend::Postgres), backend_name);

// --- Protocol behaviour: independent of the database, so SQLite only.

class Http : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { testing_support::raise_open_file_limit(); }
  void SetUp() override { server_ = std::make_unique<ServerProcess>(ServerProcess::Options{}); }
  unsigned short port() const { return server_->port(); }
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(Http, HeadAnswersWithTheLengthOfGetAndNoBody) {
  auto get = request(port(), "GET", "/");
  Connection connection(port());
  connection.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = connection.read_response(10s, true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), std::to_string(get.body.size()));
  EXPECT_TRUE(head->body.empty());
  // The connection is still usable: no stray body bytes were sent.
  connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto next = connection.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(Http, WrongMethodGets405WithAllow) {
  auto response = request(port(), "DELETE", "/");
  EXPECT_EQ(response.status, 405);
  EXPECT_NE(response.header("allow").find("GET"), std::string::npos);
}

TEST_F(Http, KeepAliveServesManyRequestsOnOneConnection) {
  Connection connection(port());
  for (int i = 0; i < 20; ++i) {
    connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    auto response = connection.read_response();
    ASSERT_TRUE(response) << "request " << i;
    EXPECT_EQ(response->status, 200);
  }
}

TEST_F(Http, BodyOverTheLimitGets413AndTheServerKeepsServing) {
  Connection connection(port());
  connection.send("POST /taal HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  "Content-Length: 5000000\r\n\r\n" +
                  std::string(1000, 'a'));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_NE(response->header("content-type").find("text/html"), std::string::npos);
  EXPECT_EQ(request(port(), "GET", "/healthz").status, 200);
}

TEST_F(Http, HeadersOverTheLimitGet431) {
  Connection connection(port());
  connection.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'b') + "\r\n\r\n");
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431);
  EXPECT_EQ(request(port(), "GET", "/healthz").status, 200);
}

TEST_F(Http, MalformedRequestsGet400AndCloseOnlyTheirConnection) {
  Connection bystander(port());  // an innocent keep-alive connection that must survive
  bystander.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(bystander.read_response());

  const std::vector<std::string> bad_requests = {
      "NONSENSE\r\n\r\n",
      "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
      "GET /%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n",          // invalid UTF-8 after decoding
      "GET /../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",  // dot-dot segment
      "GET /assets/%2e%2e/secret HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n",  // broken escape
      "GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n",
  };
  for (const auto& bad : bad_requests) {
    Connection connection(port());
    connection.send(bad);
    auto response = connection.read_response();
    ASSERT_TRUE(response) << bad;
    EXPECT_EQ(response->status, 400) << bad;
    EXPECT_EQ(response->body.find("boost"), std::string::npos);
    EXPECT_TRUE(connection.closed_by_peer(5s)) << bad;
  }
  bystander.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto still = bystander.read_response();
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200);
}

TEST_F(Http, StaticAssetsHaveEtagsLongLivedFingerprintsAndGzip) {
  auto home = request(port(), "GET", "/");
  const std::string stylesheet = first_match(home.body, "href=\"(/assets/app\\.[0-9a-f]{8}\\.css)\"");
  ASSERT_FALSE(stylesheet.empty()) << "the layout links the fingerprinted stylesheet";

  auto fingerprinted = request(port(), "GET", stylesheet);
  EXPECT_EQ(fingerprinted.status, 200);
  EXPECT_EQ(fingerprinted.header("content-type"), "text/css; charset=utf-8");
  EXPECT_NE(fingerprinted.header("cache-control").find("immutable"), std::string::npos);

  auto plain = request(port(), "GET", "/assets/app.css");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, fingerprinted.body);
  const std::string etag = plain.header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(plain.header("cache-control").find("immutable"), std::string::npos);

  auto revalidated = request(port(), "GET", "/assets/app.css", {{"If-None-Match", etag}});
  EXPECT_EQ(revalidated.status, 304);
  EXPECT_TRUE(revalidated.body.empty());

  auto compressed = request(port(), "GET", stylesheet, {{"Accept-Encoding", "gzip, br"}});
  EXPECT_EQ(compressed.header("content-encoding"), "gzip");
  EXPECT_LT(compressed.body.size(), plain.body.size());
  EXPECT_EQ(compressed.header("vary"), "Accept-Encoding");

  EXPECT_EQ(request(port(), "GET", "/assets/bestaat-niet.css").status, 404);
}

TEST_F(Http, FiveHundredIdleAndSlowConnectionsDoNotDelayANormalRequest) {
  std::vector<std::unique_ptr<Connection>> hogs;
  for (int i = 0; i < 500; ++i) {
    auto connection = std::make_unique<Connection>(port());
    // Half say nothing at all; half start a request and never finish it (slowloris).
    if (i % 2 == 1) connection->send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    hogs.push_back(std::move(connection));
  }
  for (int round = 0; round < 5; ++round) {
    for (int i = 1; i < 500; i += 2) hogs[static_cast<std::size_t>(i)]->send("a");
    const auto started = std::chrono::steady_clock::now();
    auto response = request(port(), "GET", "/");
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(response.status, 200);
    EXPECT_LT(elapsed, 1s) << "round " << round;
  }
}

TEST_F(Http, OverTheConnectionCapNewConnectionsGet503) {
  server_.reset();
  server_ = std::make_unique<ServerProcess>(ServerProcess::Options{"", true, {"--max-connections", "3"}});
  std::vector<std::unique_ptr<Connection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<Connection>(port()));
    // A full exchange proves the server has accepted this connection and counts it.
    held.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(held.back()->read_response());
  }
  Connection extra(port());
  auto response = extra.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  held.clear();
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(request(port(), "GET", "/healthz").status, 200);
}

TEST_F(Http, SigtermLetsTheRequestInFlightFinishAndRefusesNewOnes) {
  Connection idle(port());
  Connection in_flight(port());
  // Half a request: the headers and part of the body.
  in_flight.send("POST /taal HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 "Content-Length: 10\r\n\r\ntaal=");
  std::this_thread::sleep_for(200ms);
  server_->send_signal(SIGTERM);
  std::this_thread::sleep_for(300ms);

  EXPECT_TRUE(idle.closed_by_peer(5s)) << "an idle keep-alive connection is closed at once";
  EXPECT_FALSE(testing_support::can_connect(port())) << "no new connections after SIGTERM";

  in_flight.send("en&x=1");
  auto response = in_flight.read_response();
  ASSERT_TRUE(response) << "the request in flight gets its answer";
  EXPECT_EQ(response->status, 403);  // no CSRF token: refused, but answered
  EXPECT_EQ(response->header("connection"), "close");
  EXPECT_EQ(server_->wait_for_exit(10s), 0) << server_->log();
}

TEST(Cli, BadSettingsStopStartUpWithOneClearLine) {
  auto bad_listen = testing_support::run_knooppunt({"serve", "--listen", "nonsense", "--database", "sqlite:/tmp/x.db"});
  EXPECT_EQ(bad_listen.exit_code, 1);
  EXPECT_NE(bad_listen.output.find("knooppunt: --listen must be HOST:PORT"), std::string::npos) << bad_listen.output;
  EXPECT_EQ(std::count(bad_listen.output.begin(), bad_listen.output.end(), '\n'), 1) << bad_listen.output;

  auto bad_database = testing_support::run_knooppunt({"migrate", "--database", "mysql://somewhere/db"});
  EXPECT_EQ(bad_database.exit_code, 1);
  EXPECT_EQ(bad_database.output.rfind("knooppunt: ", 0), 0u) << bad_database.output;
  EXPECT_EQ(std::count(bad_database.output.begin(), bad_database.output.end(), '\n'), 1) << bad_database.output;
}

TEST(Cli, EverySubcommandHasHelp) {
  for (const char* command : {"serve", "migrate", "seed"}) {
    auto help = testing_support::run_knooppunt({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.output.find("--database"), std::string::npos) << command;
  }
}

TEST(Cli, SeedDemoRefusesANonEmptyDatabaseUnlessAskedOnlyIfEmpty) {
  testing_support::TestDatabase database(db::Backend::Sqlite);
  EXPECT_EQ(testing_support::run_knooppunt({"seed", "--demo", "--database", database.url()}).exit_code, 0);
  auto again = testing_support::run_knooppunt({"seed", "--demo", "--database", database.url()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("knooppunt: "), std::string::npos);
  EXPECT_EQ(testing_support::run_knooppunt({"seed", "--demo", "--if-empty", "--database", database.url()}).exit_code,
            0);
}

TEST(HttpPostgres, HealthzAnswers503WhileTheDatabaseIsGoneAnd200WhenItIsBack) {
  testing_support::TestDatabase database(db::Backend::Postgres);
  ServerProcess server(ServerProcess::Options{database.url(), true, {}});
  ASSERT_EQ(request(server.port(), "GET", "/healthz").status, 200);

  const std::string name = database.url().substr(database.url().rfind('/') + 1);
  auto cluster = db::open(testing_support::postgres_cluster_url());
  auto set_reachable = [&](bool reachable) {
    cluster->write([&](db::Session& session) {
      session.execute_script("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS " + (reachable ? "true" : "false"));
      if (!reachable) {
        session.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?", {name});
      }
    });
  };

  set_reachable(false);
  const auto started = std::chrono::steady_clock::now();
  auto gone = request(server.port(), "GET", "/healthz");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(gone.status, 503);
  auto body = nlohmann::json::parse(gone.body);
  EXPECT_EQ(body["status"], "unavailable");
  EXPECT_EQ(body["database"]["reachable"], false);
  EXPECT_EQ(request(server.port(), "GET", "/").status, 503) << "pages say the service is unavailable";

  set_reachable(true);
  EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(request(server.port(), "GET", "/").status, 200);
}

TEST_F(Http, CachedPublicPagesStillGiveEveryBrowserItsOwnCsrfToken) {
  auto first = request(port(), "GET", "/");
  auto second = request(port(), "GET", "/");  // from the anonymous page cache
  const std::string first_token = first_match(first.body, "name=\"csrf\" value=\"([^\"]+)\"");
  const std::string second_token = first_match(second.body, "name=\"csrf\" value=\"([^\"]+)\"");
  ASSERT_FALSE(first_token.empty());
  ASSERT_FALSE(second_token.empty());
  EXPECT_NE(first_token, second_token);
  EXPECT_EQ(cookie_value(second, "csrf"), second_token);
  EXPECT_NE(second.header("content-security-policy").find("frame-ancestors"), std::string::npos);

  // A browser that has a token keeps it, and gets no new cookie.
  auto returning = request(port(), "GET", "/", {{"Cookie", "csrf=" + first_token}});
  EXPECT_EQ(first_match(returning.body, "name=\"csrf\" value=\"([^\"]+)\""), first_token);
  EXPECT_TRUE(returning.header_all("set-cookie").empty());

  // The language is part of what is cached.
  auto english = request(port(), "GET", "/", {{"Cookie", "taal=en"}});
  EXPECT_NE(english.body.find("<html lang=\"en\""), std::string::npos);
  auto dutch = request(port(), "GET", "/");
  EXPECT_NE(dutch.body.find("<html lang=\"nl\""), std::string::npos);

  // The page as a whole is the same as a freshly rendered one, but for the token.
  std::string a = first.body, b = second.body;
  a.replace(a.find(first_token), first_token.size(), "TOKEN");
  b.replace(b.find(second_token), second_token.size(), "TOKEN");
  EXPECT_EQ(a, b);
}

TEST_F(Http, ConcurrentKeepAliveClientsAllGetAnswers) {
  // Several clients at once on keep-alive connections: every request is answered, whichever I/O
  // shard and worker it lands on.
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      Connection connection(port());
      for (int i = 0; i < 150; ++i) {
        connection.send(i % 2 == 0 ? "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" : "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        auto response = connection.read_response();
        if (response && response->status == 200) ++answered;
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(answered.load(), 8 * 150);
}

TEST(HttpProxy, TrustedLoopbackProxyReportsTheVisitorsAddressInTheAccessLog) {
  ServerProcess server(ServerProcess::Options{"", true, {"--trust-proxy"}});
  request(server.port(), "GET", "/healthz", {{"X-Forwarded-For", "1.2.3.4, 203.0.113.9"}});
  std::this_thread::sleep_for(200ms);
  EXPECT_NE(server.log().find("203.0.113.9 \"GET /healthz\""), std::string::npos) << server.log();
  EXPECT_EQ(server.log().find("1.2.3.4 \"GET"), std::string::npos) << "a client-supplied entry is not trusted";
}

TEST_F(Http, BodyOverTheLimitUnderTheApiGetsA413InJson) {
  Connection connection(port());
  connection.send("PATCH /api/v1/me HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Content-Length: 5000000\r\n\r\n{");
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_NE(response->header("content-type").find("application/json"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(response->body)["error"]["code"], "payload_too_large");
}

TEST_F(Http, BodyOverTheLimitOnAPageIsAnsweredInTheVisitorsLanguage) {
  Connection connection(port());
  connection.send("POST /taal HTTP/1.1\r\nHost: x\r\nCookie: taal=en\r\n"
                  "Content-Length: 5000000\r\n\r\n");
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_NE(response->body.find("lang=\"en\""), std::string::npos);
}
