#include "support/smtp_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/server_process.h"

namespace testing_support {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Debian's interpreter: it has python3-aiosmtpd, whatever `python3` on PATH happens to be.
constexpr const char* kPython = "/usr/bin/python3";
const std::string kScript = std::string(KNOOPPUNT_SOURCE_DIR) + "/tests/support/smtp_server.py";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

ReceivedMail mail_from_json(const nlohmann::json& json) {
  ReceivedMail mail;
  mail.mail_from = json.value("mail_from", "");
  mail.rcpt_to = json.value("rcpt_to", std::vector<std::string>{});
  mail.from = json.value("from", "");
  mail.to = json.value("to", "");
  mail.subject = json.value("subject", "");
  mail.content_type = json.value("content_type", "");
  mail.text = json.value("text", "");
  mail.html = json.value("html", "");
  for (const auto& header : json.value("headers", nlohmann::json::array())) {
    mail.headers.emplace_back(header.at(0).get<std::string>(), header.at(1).get<std::string>());
  }
  mail.defects = json.value("defects", std::vector<std::string>{});
  mail.authenticated_as = json.value("authenticated_as", "");
  mail.tls = json.value("tls", false);
  return mail;
}

}  // namespace

std::string ReceivedMail::header(std::string_view name) const {
  for (const auto& [header_name, value] : headers) {
    if (lower(header_name) == lower(name)) return value;
  }
  return "";
}

std::size_t ReceivedMail::header_count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(headers.begin(), headers.end(), [&](const auto& header) {
    return lower(header.first) == lower(name);
  }));
}

ReceivedMail parse_eml_file(const std::string& path) {
  const std::string command = std::string(kPython) + " " + kScript + " --parse '" + path + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  std::string output;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  if (pclose(pipe) != 0) throw std::runtime_error("parsing " + path + " failed: " + output);
  ReceivedMail mail = mail_from_json(nlohmann::json::parse(output));
  mail.raw = read_file(path);
  return mail;
}

SmtpServer::SmtpServer() : SmtpServer(Options{}) {}

SmtpServer::SmtpServer(Options options) : options_(std::move(options)) {
  std::string pattern = (fs::temp_directory_path() / "knooppunt-smtp-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  root_ = pattern;
  mail_directory_ = root_ + "/mail";
  log_path_ = root_ + "/server.log";
  fs::create_directories(mail_directory_);
  start();
}

SmtpServer::~SmtpServer() {
  stop();
  std::error_code ignored;
  fs::remove_all(root_, ignored);
}

void SmtpServer::start() {
  if (pid_ > 0) return;
  const std::string port_file = root_ + "/port";
  fs::remove(port_file);
  std::vector<std::string> args{kPython,       kScript,   "--dir",  mail_directory_,
                                "--port-file", port_file, "--port", std::to_string(port_)};
  if (!options_.username.empty()) {
    args.push_back("--auth");
    args.push_back(options_.username + ":" + options_.password);
  }
  if (!options_.tls_cert_file.empty()) {
    args.insert(args.end(), {"--tls-cert", options_.tls_cert_file, "--tls-key", options_.tls_key_file});
  }
  if (options_.discard) args.push_back("--discard");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      close(log);
    }
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }

  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("the test SMTP server exited before listening:\n" + read_file(log_path_));
    }
    if (fs::exists(port_file)) {
      port_ = static_cast<unsigned short>(std::stoi(read_file(port_file)));
      if (can_connect(port_)) return;
    }
    std::this_thread::sleep_for(20ms);
  }
  stop();
  throw std::runtime_error("the test SMTP server did not accept connections within 20 s:\n" +
                           read_file(log_path_));
}

void SmtpServer::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (waitpid(pid_, &status, WNOHANG) != pid_) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  pid_ = -1;
}

void SmtpServer::set_reply(Reply reply) {
  const char* mode = reply == Reply::Accept             ? "accept"
                     : reply == Reply::TemporaryFailure ? "tempfail"
                                                        : "permfail";
  const std::string temporary = mail_directory_ + "/reply.tmp";
  std::ofstream(temporary) << mode << "\n";
  fs::rename(temporary, mail_directory_ + "/reply");
}

std::vector<ReceivedMail> SmtpServer::messages() const {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(mail_directory_)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".json")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::vector<ReceivedMail> mails;
  for (const auto& name : names) {
    ReceivedMail mail = mail_from_json(nlohmann::json::parse(read_file(mail_directory_ + "/" + name)));
    mail.raw = read_file(mail_directory_ + "/" + name.substr(0, name.size() - 5) + ".eml");
    mails.push_back(std::move(mail));
  }
  return mails;
}

std::vector<ReceivedMail> SmtpServer::wait_for(std::size_t count, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto mails = messages();
    if (mails.size() >= count || std::chrono::steady_clock::now() >= deadline) return mails;
    std::this_thread::sleep_for(20ms);
  }
}

}  // namespace testing_support
