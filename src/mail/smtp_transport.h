// Delivers e-mail to an SMTP server through libcurl: smtp:// (optionally upgraded with STARTTLS) or
// smtps:// (TLS from the first byte), with authentication and hard time limits. A connection that just
// delivered a message is kept for the next one for a few seconds (a campaign sends hundreds a second;
// a new connection, EHLO and STARTTLS per message would cap that); one that failed in any way is closed,
// so a message never inherits a broken connection.
//
// Thread-safety: send() may run on several threads at once (each takes its own curl handle from the pool).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "mail/transport.h"

namespace mail {

struct SmtpOptions {
  std::string url;       // "smtp://mail.example.nl:587" or "smtps://mail.example.nl:465"
  std::string username;  // empty: no AUTH
  std::string password;
  // Refuse to send unless the connection is encrypted (CURLUSESSL_ALL): STARTTLS on smtp://.
  bool require_tls = false;
  std::string ca_file;  // extra CA bundle for the server's certificate; empty: the system's
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds total_timeout{60};  // one whole message, connect to QUIT
  // How long a connection may wait idle for the next message; 0: one connection per message.
  std::chrono::seconds keep_connection{5};
};

class SmtpTransport final : public Transport {
 public:
  // Throws std::invalid_argument when the URL is not smtp:// or smtps://.
  explicit SmtpTransport(SmtpOptions options);
  ~SmtpTransport() override;
  SmtpTransport(const SmtpTransport&) = delete;
  SmtpTransport& operator=(const SmtpTransport&) = delete;

  SendResult send(const OutgoingMessage& message) override;

 private:
  struct Idle {
    void* handle;  // CURL*, kept out of this header
    std::chrono::steady_clock::time_point since;
  };
  void* take_handle();
  void give_back(void* handle);

  SmtpOptions options_;
  std::mutex mutex_;
  std::vector<Idle> idle_;  // connections open after a delivered message, newest last
};

}  // namespace mail
