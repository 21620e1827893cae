// The settings of one knooppunt process, from flags or KNOOPPUNT_* environment variables.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace app {

struct ListenAddress {
  std::string host;
  unsigned short port = 0;
};

// Parses "HOST:PORT", "[IPv6]:PORT" or ":PORT" (all interfaces). Returns nothing when malformed.
std::optional<ListenAddress> parse_listen_address(const std::string& text);

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string database = "sqlite:data/knooppunt.db";
  std::string data_dir = "data";
  std::string public_url;   // e.g. https://kkp.example.nl; https turns on Secure cookies and HSTS
  std::string port_file;    // where serve writes its bound port (for tests and supervisors)
  bool seed_demo_if_empty = false;
  int io_threads = 0;  // 0: one per core
  // Many, though the machine has few cores: a sign-in waits on the bounded password hasher
  // (auth/passwords.h) while holding its worker, and /healthz and pages must still find a free one.
  int worker_threads = 16;
  std::size_t database_pool = 8;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_connections = 10000;
  std::string log_level = "info";
  bool access_log = true;
  // Behind a reverse proxy on the same machine: take the client's address from the proxy's
  // X-Forwarded-For (only when the connection comes from a loopback address).
  bool trust_proxy = false;
  int api_requests_per_minute = 600;  // per API token, per process (see api/rate_limiter.h)
  int page_cache_seconds = 2;  // how long an anonymous visitor's page may be served from memory; 0: off

  // Outgoing mail. Without an SMTP URL every message becomes an .eml file under
  // DATA_DIR/outbox-mail/ (what `make run` does).
  std::string smtp_url;  // smtp://host:587 or smtps://host:465
  std::string smtp_user;
  std::string smtp_password;
  bool smtp_starttls = false;  // refuse to send unless the connection is encrypted
  std::string mail_from;       // empty: noreply@ the host of public_url, or knooppunt@localhost
  std::string mail_from_name = "Knooppunt";
  int mail_interval_ms = 2000;  // how often the outbox is checked for due mail
  int mail_per_minute = 120;    // delivery attempts per minute, per process

  // The sender address to use: mail_from, or one derived from public_url.
  std::string mail_from_address() const;

  bool served_over_tls() const { return public_url.rfind("https://", 0) == 0; }
};

}  // namespace app
