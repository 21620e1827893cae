// Boost.Beast lives only in this file: features see http::Request and http::Response.
#include "http/server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <ctime>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/parsers.h"

namespace http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// RFC 9110 wants a Date header; formatting it once per second keeps it off the hot path.
std::string http_date_now() {
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm parts{};
    gmtime_r(&now, &parts);
    char text[64];
    const std::size_t length = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
    cached.assign(text, length);
    cached_second = now;
  }
  return cached;
}

// The status a parse error deserves, or nullopt when the client just went away or timed out and
// the connection should close without an answer.
std::optional<int> status_for_read_error(const beast::error_code& error) {
  if (error == bhttp::error::header_limit) return 431;
  if (error == bhttp::error::body_limit) return 413;
  if (error == bhttp::error::end_of_stream || error == beast::error::timeout ||
      error == asio::error::operation_aborted || error == asio::error::connection_reset ||
      error == asio::error::eof || error == bhttp::error::partial_message) {
    return std::nullopt;
  }
  if (error.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) return 400;
  return std::nullopt;
}

}  // namespace

class Connection;

// One I/O thread with its own io_context and its own listening socket (SO_REUSEPORT lets the
// kernel spread connections over the shards). Nothing is shared between shards on the hot path:
// one io_context run by several threads spent most of its time in its own locks.
struct Shard {
  explicit Shard(int index_in_server)
      : io(1), acceptor(io), keep_running(asio::make_work_guard(io)), index(index_in_server) {}
  asio::io_context io;
  tcp::acceptor acceptor;
  // While a handler runs on the worker pool its connection has no operation pending here; without
  // this guard a stopping shard would run out of work and never write that handler's answer.
  asio::executor_work_guard<asio::io_context::executor_type> keep_running;
  int index;
};

struct Server::Impl {
  Impl(ServerOptions server_options, Application app, ErrorPage errors, Observer observe, FastPath fast)
      : options(std::move(server_options)),
        application(std::move(app)),
        fast_path(std::move(fast)),
        error_page(std::move(errors)),
        observer(std::move(observe)),
        workers(static_cast<std::size_t>(options.worker_threads)) {
    for (int i = 0; i < std::max(1, options.io_threads); ++i) shards.push_back(std::make_unique<Shard>(i));
    signals.emplace(shards.front()->io);
    grace_timer.emplace(shards.front()->io);
  }

  void accept(Shard& shard);
  void begin_stop();
  void finish_stop();
  void register_connection(std::uint64_t id, const std::shared_ptr<Connection>& connection);
  void unregister_connection(std::uint64_t id);
  Response run_application(Request& request);
  std::optional<Response> run_fast_path(Request& request);
  Response run_error_page(int status, const Request& request);

  ServerOptions options;
  Application application;
  FastPath fast_path;
  ErrorPage error_page;
  Observer observer;

  std::vector<std::unique_ptr<Shard>> shards;
  asio::thread_pool workers;
  std::optional<asio::signal_set> signals;      // on the first shard
  std::optional<asio::steady_timer> grace_timer;  // on the first shard
  unsigned short bound_port = 0;

  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> connection_count{0};
  std::atomic<std::uint64_t> next_connection_id{1};
  mutable std::mutex connections_mutex;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections;
};

// One TCP connection: reads requests one after another (keep-alive), hands each to the worker pool,
// writes the answer. All socket work happens on this connection's strand.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server::Impl& server, tcp::socket socket, std::uint64_t id)
      : server_(server), stream_(std::move(socket)), id_(id) {}  // the socket's executor is its shard

  ~Connection() { server_.unregister_connection(id_); }

  void start() { wait_for_request(); }

  // Answers with `status` and closes: used when the server is over its connection cap.
  void reject(int status) {
    request_ = Request{};
    write(server_.run_error_page(status, request_), /*keep_alive=*/false, /*head=*/false);
  }

  // At shutdown: a connection waiting for its next request closes now; a busy one closes after
  // its answer (keep-alive is off once the server is stopping).
  void close_if_idle() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        self->stream_.close();
      }
    });
  }

 private:
  // Phase one: wait, up to the idle timeout, for the first byte of the next request. The whole-
  // request deadline starts only then, so a slow sender cannot hold a connection forever and an
  // idle keep-alive connection costs no deadline.
  void wait_for_request() {
    busy_ = false;
    if (server_.stopping) return close();
    if (buffer_.size() > 0) return read_request();
    stream_.expires_after(server_.options.idle_timeout);
    auto space = buffer_.prepare(4096);
    stream_.async_read_some(space, [self = shared_from_this()](beast::error_code error, std::size_t n) {
      if (error) return self->close();
      self->buffer_.commit(n);
      self->read_request();
    });
  }

  void read_request() {
    busy_ = true;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    // Beast compares Content-Length with the limit while parsing the head; the route's own limit is
    // applied in on_head(), so the head is read with the largest one.
    parser_->body_limit(largest_body_limit());
    stream_.expires_after(server_.options.request_deadline);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code error, std::size_t) {
                               self->on_head(error);
                             });
  }

  std::size_t largest_body_limit() const {
    std::size_t largest = server_.options.max_body_bytes;
    for (const auto& [path, limit] : server_.options.max_body_bytes_by_path) largest = std::max(largest, limit);
    return largest;
  }

  void on_head(beast::error_code error) {
    if (error) return on_read(error);
    const std::string_view target = parser_->get().target();
    const auto route_limit = server_.options.max_body_bytes_by_path.find(target.substr(0, target.find('?')));
    const std::size_t limit =
        route_limit != server_.options.max_body_bytes_by_path.end() ? route_limit->second : server_.options.max_body_bytes;
    const auto content_length = parser_->content_length();
    if (content_length && *content_length > limit) return on_read(bhttp::error::body_limit);
    parser_->body_limit(limit);  // chunked bodies are counted as they arrive
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code read_error, std::size_t) {
                        self->on_read(read_error);
                      });
  }

  void on_read(beast::error_code error) {
    started_ = Clock::now();
    if (error) {
      const std::optional<int> status = status_for_read_error(error);
      if (!status) return close();
      request_ = Request{};
      // A body over the limit comes with a complete head: the error page can answer in the
      // request's language and format (JSON under /api/).
      if (parser_->is_header_done()) take_head(parser_->get());
      return write(server_.run_error_page(*status, request_), false, false);
    }
    stream_.expires_never();  // the handler may take its time; the write gets its own deadline

    auto message = parser_->release();
    const bool keep_alive = message.keep_alive();
    request_ = Request{};
    take_head(message);
    request_.body = std::move(message.body());

    if (request_.path.empty() || message.version() < 10) {
      return write(server_.run_error_page(400, request_), false, false);
    }

    const bool head = request_.method == Method::Head;
    if (std::optional<Response> answered = server_.run_fast_path(request_)) {
      return write(std::move(*answered), keep_alive, head);
    }
    // Handlers may block (database, hashing): they run on the worker pool, never on this I/O thread.
    asio::post(server_.workers, [self = shared_from_this(), keep_alive, head] {
      Response response = self->server_.run_application(self->request_);
      asio::post(self->stream_.get_executor(), [self, response = std::move(response), keep_alive, head]() mutable {
        self->write(std::move(response), keep_alive, head);
      });
    });
  }

  // Copies method, target, headers and peer into request_; path stays empty when the target is not
  // a valid origin-form path (the caller answers 400).
  template <class Fields>
  void take_head(const bhttp::request_header<Fields>& message) {
    request_.method = method_from_string(message.method_string());
    request_.target = std::string(message.target());
    if (remote_address_.empty()) {
      beast::error_code endpoint_error;
      const auto remote = stream_.socket().remote_endpoint(endpoint_error);
      if (!endpoint_error) remote_address_ = remote.address().to_string();
    }
    request_.remote_address = remote_address_;
    for (const auto& field : message) {
      request_.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    const std::string_view target = request_.target;
    const std::size_t question = target.find('?');
    if (std::optional<std::string> path = normalize_path(target.substr(0, question))) {
      request_.path = std::move(*path);
      if (question != std::string_view::npos) request_.query = std::string(target.substr(question + 1));
    }
  }

  void write(Response response, bool keep_alive, bool head) {
    busy_ = true;
    keep_alive = keep_alive && !server_.stopping;
    response_bytes_ = response.body.size();
    status_ = response.status;

    // Our own serializer: one header string and the body, written together with one gather write.
    // Beast's serializer cost more than everything else on a cached page.
    const bool no_body = response.status == 204 || response.status == 304 || response.status < 200;
    std::optional<std::size_t> content_length;
    if (!no_body) content_length = response.body.size();
    head_.clear();
    serialize_response_head(response, keep_alive, content_length, http_date_now(), head_);
    body_ = head || no_body ? std::string() : std::move(response.body);

    stream_.expires_after(server_.options.request_deadline);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
    asio::async_write(stream_, buffers, [self = shared_from_this(), keep_alive](beast::error_code error, std::size_t) {
      self->on_written(error, keep_alive);
    });
  }

  void on_written(beast::error_code error, bool keep_alive) {
    if (server_.observer) {
      server_.observer(CompletedRequest{request_, status_, response_bytes_, Clock::now() - started_});
    }
    if (error || !keep_alive) return close();
    wait_for_request();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  Server::Impl& server_;
  beast::tcp_stream stream_;
  std::uint64_t id_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Request request_;
  std::string head_;  // the response being written: status line and headers (reused)
  std::string body_;
  std::string remote_address_;
  bool busy_ = false;
  int status_ = 0;
  std::size_t response_bytes_ = 0;
  Clock::time_point started_ = Clock::now();
};

Response Server::Impl::run_application(Request& request) {
  try {
    return application(request);
  } catch (...) {
    // The application logs its own failures; the client learns nothing about internals.
    return run_error_page(500, request);
  }
}

std::optional<Response> Server::Impl::run_fast_path(Request& request) {
  if (!fast_path) return std::nullopt;
  try {
    return fast_path(request);
  } catch (...) {
    return run_error_page(500, request);
  }
}

Response Server::Impl::run_error_page(int status, const Request& request) {
  try {
    if (error_page) return error_page(status, request);
  } catch (...) {
  }
  Response fallback = Response::text(status, std::string(reason_phrase(status)) + "\n");
  return fallback;
}

void Server::Impl::register_connection(std::uint64_t id, const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(connections_mutex);
  connections.emplace(id, connection);
}

void Server::Impl::unregister_connection(std::uint64_t id) {
  {
    std::lock_guard lock(connections_mutex);
    connections.erase(id);
  }
  if (connection_count.fetch_sub(1) == 1 && stopping) {
    // The last connection closed during shutdown: nothing keeps the server up any more.
    asio::post(shards.front()->io, [this] { finish_stop(); });
  }
}

void Server::Impl::accept(Shard& shard) {
  shard.acceptor.async_accept(shard.io, [this, &shard](beast::error_code error, tcp::socket socket) {
    if (error) {
      if (error == asio::error::operation_aborted || !shard.acceptor.is_open()) return;
      // Out of file descriptors and the like: keep accepting, the condition may pass.
      return accept(shard);
    }
    socket.set_option(tcp::no_delay(true), error);
    const std::uint64_t id = next_connection_id++;
    const std::size_t open = ++connection_count;
    auto connection = std::make_shared<Connection>(*this, std::move(socket), id);
    register_connection(id, connection);
    if (open > options.max_connections) {
      connection->reject(503);
    } else {
      connection->start();
    }
    accept(shard);
  });
}

void Server::Impl::begin_stop() {
  if (stopping.exchange(true)) return;
  for (auto& shard : shards) {
    asio::post(shard->io, [&shard = *shard] {
      beast::error_code ignored;
      shard.acceptor.close(ignored);
    });
  }
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(connections_mutex);
    for (auto& [id, weak] : connections) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (auto& connection : open) connection->close_if_idle();
  if (connection_count == 0) return finish_stop();
  grace_timer->expires_after(options.shutdown_grace);
  grace_timer->async_wait([this](beast::error_code error) {
    if (error) return;
    // Grace is over: whatever still runs is cut off.
    for (auto& shard : shards) shard->io.stop();
  });
}

// Runs on the first shard once no connection is left: with the acceptors closed, the signal set and
// timer cancelled and the work guards gone, every shard's run() returns.
void Server::Impl::finish_stop() {
  beast::error_code ignored;
  signals->cancel(ignored);
  grace_timer->cancel();
  for (auto& shard : shards) shard->keep_running.reset();
}

Server::Server(ServerOptions options, Application application, ErrorPage error_page, Observer observer,
               FastPath fast_path)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(application), std::move(error_page),
                                   std::move(observer), std::move(fast_path))) {}

Server::~Server() {
  for (auto& shard : impl_->shards) shard->io.stop();
  impl_->workers.join();
}

void Server::listen() {
  beast::error_code error;
  const auto address = asio::ip::make_address(impl_->options.host, error);
  if (error) throw std::runtime_error("cannot listen on '" + impl_->options.host + "': not an IP address");
  unsigned short port = impl_->options.port;
  using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
  for (auto& shard : impl_->shards) {
    // With port 0 the first shard gets a free port from the kernel and the others join it.
    const tcp::endpoint endpoint(address, port);
    auto& acceptor = shard->acceptor;
    acceptor.open(endpoint.protocol(), error);
    if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (!error) acceptor.set_option(reuse_port(true), error);
    if (!error) acceptor.bind(endpoint, error);
    if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
      throw std::runtime_error("cannot listen on " + impl_->options.host + ":" + std::to_string(port) + ": " +
                               error.message());
    }
    port = acceptor.local_endpoint().port();
  }
  impl_->bound_port = port;
}

unsigned short Server::port() const { return impl_->bound_port; }

void Server::run(bool handle_signals) {
  if (handle_signals) {
    impl_->signals->add(SIGTERM);
    impl_->signals->add(SIGINT);
    impl_->signals->async_wait([this](beast::error_code error, int) {
      if (!error) impl_->begin_stop();
    });
  }
  std::vector<std::thread> other_shards;
  for (auto& shard : impl_->shards) {
    impl_->accept(*shard);
    if (shard->index > 0) other_shards.emplace_back([&io = shard->io] { io.run(); });
  }
  impl_->shards.front()->io.run();
  for (auto& thread : other_shards) thread.join();
  impl_->workers.join();
}

void Server::stop() {
  asio::post(impl_->shards.front()->io, [this] { impl_->begin_stop(); });
}

std::size_t Server::open_connections() const { return impl_->connection_count; }

}  // namespace http
