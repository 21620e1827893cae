// Test support: a real SMTP server (Debian's python3-aiosmtpd running tests/support/smtp_server.py)
// on a free port, for tests that send mail the way production does. Each accepted message is parsed
// by Python's e-mail package, an independent reader of the MIME we write.
//
// Example:
//   SmtpServer smtp;
//   ... run something with --smtp-url smtp.url() ...
//   auto mails = smtp.wait_for(1, 10s);
//   EXPECT_EQ(mails.at(0).subject, "Welkom");
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace testing_support {

struct ReceivedMail {
  std::string mail_from;             // SMTP envelope sender
  std::vector<std::string> rcpt_to;  // SMTP envelope recipients
  std::string from, to, subject;     // headers, RFC 2047 decoded
  std::string content_type;          // of the whole message, e.g. "multipart/alternative"
  std::string text, html;            // the decoded parts, line ends as "\n"; empty when absent
  std::vector<std::pair<std::string, std::string>> headers;  // every header, decoded, in order
  std::vector<std::string> defects;  // what the parser found malformed; empty for a sound message
  std::string authenticated_as;      // the AUTH user, if any
  bool tls = false;                  // delivered over STARTTLS
  std::string raw;                   // the bytes as received

  std::string header(std::string_view name) const;  // the first value (name case-insensitive), or ""
  std::size_t header_count(std::string_view name) const;
};

// Reads an .eml file (e.g. from the file transport) the same way the server reads what it receives.
ReceivedMail parse_eml_file(const std::string& path);

class SmtpServer {
 public:
  struct Options {
    std::string username;  // non-empty: AUTH is required with these credentials
    std::string password;
    std::string tls_cert_file;  // non-empty: STARTTLS is offered and required
    std::string tls_key_file;
    // Accept every message without parsing or keeping it (benchmarks: the figure is then the
    // sender's); messages() and wait_for() see nothing.
    bool discard = false;
  };
  // How the server answers RCPT TO from now on.
  enum class Reply { Accept, TemporaryFailure /* 451 */, PermanentFailure /* 550 */ };

  SmtpServer();
  explicit SmtpServer(Options options);  // throws std::runtime_error when the server does not come up
  ~SmtpServer();                         // stops it and removes its files
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  unsigned short port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  void set_reply(Reply reply);

  // Takes the server down (connections are refused) and brings it back on the same port.
  void stop();
  void start();

  // Every message received so far, in arrival order.
  std::vector<ReceivedMail> messages() const;
  // Waits until at least `count` messages arrived or `timeout` passed; returns what arrived.
  std::vector<ReceivedMail> wait_for(std::size_t count, std::chrono::milliseconds timeout) const;

  const std::string& directory() const { return mail_directory_; }

 private:
  Options options_;
  std::string root_;            // temporary directory for everything below
  std::string mail_directory_;  // NNNNNN.eml + NNNNNN.json per message, and the "reply" switch
  std::string log_path_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace testing_support
