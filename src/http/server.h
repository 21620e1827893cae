// The HTTP/1.1 server: owns the listening socket, every connection, and the worker threads that run
// handlers. Built on Boost.Beast and Asio, which stay inside server.cpp (they are heavy to compile).
//
// Threading: a few I/O threads read and write sockets; the application handler always runs on a
// separate worker pool, so blocking work (database calls, password hashing) never stalls I/O.
// Limits are explicit: header and body sizes, a whole-request deadline, an idle keep-alive timeout
// and a connection cap. Protocol errors get a short page from `error_page` and close only the
// offending connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "http/request.h"
#include "http/response.h"

namespace http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0 picks a free port; see Server::port()
  int io_threads = 1;
  int worker_threads = 4;
  std::size_t max_header_bytes = 16 * 1024;    // larger: 431
  std::size_t max_body_bytes = 1024 * 1024;    // larger: 413
  // Exact paths (as sent, without the query) that accept a larger body, e.g. a photo upload form.
  // The limit is chosen once the request head is read, so every other route keeps the small one and
  // a big body is refused before it is buffered.
  std::map<std::string, std::size_t, std::less<>> max_body_bytes_by_path;
  std::size_t max_connections = 10000;         // more: 503 and close
  std::chrono::milliseconds request_deadline{30'000};  // to read one whole request
  std::chrono::milliseconds idle_timeout{60'000};       // keep-alive between requests
  std::chrono::milliseconds shutdown_grace{10'000};     // for requests in flight at SIGTERM
};

// Runs on a worker thread. Exceptions are caught by the server and answered with error_page(500).
using Application = std::function<Response(Request&)>;
// Runs on an I/O thread before a request goes to the worker pool: answers what can be answered from
// memory (static assets, cached pages) and returns nothing for the rest. It must never block.
using FastPath = std::function<std::optional<Response>(Request&)>;
// Renders the short page for a status the server produces itself (400, 413, 431, 500, 503, ...).
// `request` holds what could be read of the offending request: its target, path and headers once
// the head was complete (a 413), nothing for a head that was never finished (a 431, a bad line).
using ErrorPage = std::function<Response(int status, const Request& request)>;
// Called after each response, on a worker or I/O thread: for the access log and metrics.
struct CompletedRequest {
  const Request& request;  // path/route may be empty when the request could not be parsed
  int status;
  std::size_t response_bytes;
  std::chrono::nanoseconds duration;
};
using Observer = std::function<void(const CompletedRequest&)>;

class Server {
 public:
  Server(ServerOptions options, Application application, ErrorPage error_page, Observer observer,
         FastPath fast_path = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket; throws std::runtime_error with a clear message when it cannot.
  void listen();
  // The bound port (after listen()).
  unsigned short port() const;
  // Serves until stop() or SIGTERM/SIGINT (when handle_signals is true). Blocks the caller.
  void run(bool handle_signals = true);
  // Graceful stop: refuses new connections, lets requests in flight finish (up to shutdown_grace),
  // then returns from run(). Safe to call from any thread.
  void stop();

  std::size_t open_connections() const;

 private:
  friend class Connection;  // server.cpp's per-connection state machine
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace http
