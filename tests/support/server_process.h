// Test support: runs the real knooppunt binary on a free port, and a minimal HTTP client over raw
// sockets so tests control exactly which bytes go over the wire (slow clients, malformed requests).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace testing_support {

class ServerProcess {
 public:
  struct Options {
    std::string database_url;           // empty: a fresh SQLite file in the temp dir
    bool seed_demo = true;
    std::vector<std::string> extra_args;
  };

  explicit ServerProcess(Options options);
  ~ServerProcess();  // SIGTERM, then SIGKILL if it has not stopped after 15 s
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void send_signal(int signal) const;
  // Waits for the process to exit; returns its exit code, or nullopt on timeout (or death by signal).
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
  // What the server wrote to stdout and stderr so far.
  std::string log() const;

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  unsigned short port_ = 0;
  std::string directory_;
  std::string log_path_;
};

// Runs the binary with `args` to completion; returns exit code and combined output.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_knooppunt(const std::vector<std::string>& args);

struct HttpResponse {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& name) const;  // the first value, or ""
  std::vector<std::string> header_all(const std::string& name) const;
};

// A plain TCP connection to the server, for tests that send raw bytes.
class Connection {
 public:
  explicit Connection(unsigned short port);  // throws when the connection is refused
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void send(const std::string& bytes);
  // Reads one response (status, headers, Content-Length body). nullopt when the peer closed first
  // or nothing complete arrived within `timeout`.
  std::optional<HttpResponse> read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                            bool head_request = false);
  // True when the server closed the connection (read returns 0) within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string pending_;  // bytes read past the previous response
};

// True when a TCP connection to the port is accepted now.
bool can_connect(unsigned short port);

// One request on a fresh connection ("Connection: close" is added).
HttpResponse request(unsigned short port, const std::string& method, const std::string& target,
                     const std::map<std::string, std::string>& headers = {}, const std::string& body = "");

// Raises this process's open-file limit to the hard limit (children inherit it).
void raise_open_file_limit();

}  // namespace testing_support
