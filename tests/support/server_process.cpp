#include "support/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace testing_support {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "knooppunt-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// Starts args[0] with its output in log_path and its working directory `directory`, so that
// relative defaults (the data directory) land in the test's own temporary directory.
pid_t spawn(const std::vector<std::string>& args, const std::string& log_path, const std::string& directory) {
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (chdir(directory.c_str()) != 0) _exit(126);
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      close(log);
    }
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

std::optional<int> wait_pid(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

int connect_loopback(unsigned short port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

ServerProcess::ServerProcess(Options options) {
  directory_ = make_temp_dir();
  log_path_ = directory_ + "/server.log";
  const std::string port_file = directory_ + "/port";
  std::string database = options.database_url.empty() ? "sqlite:" + directory_ + "/knooppunt.db" : options.database_url;
  std::vector<std::string> args{KNOOPPUNT_BINARY, "serve",          "--listen",    "127.0.0.1:0",
                                "--database",     database,         "--data-dir",  directory_ + "/data",
                                "--port-file",    port_file};
  if (options.seed_demo) args.emplace_back("--seed-demo-if-empty");
  for (auto& arg : options.extra_args) args.push_back(arg);
  pid_ = spawn(args, log_path_, directory_);

  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(port_file)) {
      port_ = static_cast<unsigned short>(std::stoi(read_file(port_file)));
      return;
    }
    if (auto code = wait_pid(pid_, 0ms)) {
      exited_ = true;
      throw std::runtime_error("knooppunt exited with " + std::to_string(*code) + " before listening:\n" + log());
    }
    std::this_thread::sleep_for(20ms);
  }
  throw std::runtime_error("knooppunt did not start listening within 30 s:\n" + log());
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGTERM);
    if (!wait_pid(pid_, 15s)) {
      kill(pid_, SIGKILL);
      wait_pid(pid_, 5s);
    }
  }
  std::error_code ignored;
  fs::remove_all(directory_, ignored);
}

void ServerProcess::send_signal(int signal) const { kill(pid_, signal); }

std::optional<int> ServerProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  auto code = wait_pid(pid_, timeout);
  if (code) exited_ = true;
  return code;
}

std::string ServerProcess::log() const { return read_file(log_path_); }

CommandResult run_knooppunt(const std::vector<std::string>& args) {
  const std::string directory = make_temp_dir();
  const std::string log_path = directory + "/output.log";
  std::vector<std::string> argv{KNOOPPUNT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = spawn(argv, log_path, directory);
  CommandResult result;
  result.exit_code = wait_pid(pid, 60s).value_or(-1);
  result.output = read_file(log_path);
  std::error_code ignored;
  fs::remove_all(directory, ignored);
  return result;
}

std::string HttpResponse::header(const std::string& name) const {
  auto found = headers.find(lower(name));
  return found == headers.end() ? std::string() : found->second;
}

std::vector<std::string> HttpResponse::header_all(const std::string& name) const {
  std::vector<std::string> values;
  auto [begin, end] = headers.equal_range(lower(name));
  for (auto it = begin; it != end; ++it) values.push_back(it->second);
  return values;
}

Connection::Connection(unsigned short port) : fd_(connect_loopback(port)) {
  if (fd_ < 0) throw std::runtime_error("connection to port " + std::to_string(port) + " refused");
}

Connection::~Connection() {
  if (fd_ >= 0) close(fd_);
}

void Connection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    // The server may answer before the request is complete (a body over its limit is refused from
    // the head) and stop reading: like a browser, stop sending and read its answer.
    if (n < 0 && sent > 0 && (errno == EPIPE || errno == ECONNRESET)) return;
    if (n <= 0) throw std::runtime_error("send failed: " + std::string(std::strerror(errno)));
    sent += static_cast<std::size_t>(n);
  }
}

std::optional<HttpResponse> Connection::read_response(std::chrono::milliseconds timeout, bool head_request) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto read_more = [&]() -> bool {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd descriptor{fd_, POLLIN, 0};
    if (poll(&descriptor, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[16384];
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    pending_.append(buffer, static_cast<std::size_t>(n));
    return true;
  };

  std::size_t header_end;
  while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!read_more()) return std::nullopt;
  }
  HttpResponse response;
  std::istringstream head(pending_.substr(0, header_end));
  std::string line;
  std::getline(head, line);
  if (line.size() < 12) return std::nullopt;
  response.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    response.headers.emplace(lower(line.substr(0, colon)), value);
  }
  pending_.erase(0, header_end + 4);

  std::size_t length = 0;
  const bool has_body = !head_request && response.status != 204 && response.status != 304;
  if (has_body && !response.header("content-length").empty()) {
    length = std::stoul(response.header("content-length"));
  }
  while (pending_.size() < length) {
    if (!read_more()) return std::nullopt;
  }
  response.body = pending_.substr(0, length);
  pending_.erase(0, length);
  return response;
}

bool Connection::closed_by_peer(std::chrono::milliseconds timeout) {
  pollfd descriptor{fd_, POLLIN, 0};
  if (poll(&descriptor, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buffer[4096];
  const ssize_t n = recv(fd_, buffer, sizeof buffer, MSG_PEEK);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

bool can_connect(unsigned short port) {
  const int fd = connect_loopback(port);
  if (fd < 0) return false;
  close(fd);
  return true;
}

HttpResponse request(unsigned short port, const std::string& method, const std::string& target,
                     const std::map<std::string, std::string>& headers, const std::string& body) {
  Connection connection(port);
  std::string message = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) message += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST") message += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  message += "\r\n" + body;
  connection.send(message);
  auto response = connection.read_response(30s, method == "HEAD");
  if (!response) throw std::runtime_error("no response to " + method + " " + target);
  return *response;
}

void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace testing_support
