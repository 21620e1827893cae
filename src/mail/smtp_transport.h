// Delivers e-mail to an SMTP server through libcurl: smtp:// (optionally upgraded with STARTTLS) or
// smtps:// (TLS from the first byte), with authentication and hard time limits. One connection per
// message: the outbox sends a few messages a minute, and a fresh connection never inherits a broken one.
//
// Thread-safety: send() may run on several threads at once (each uses its own curl handle).
#pragma once

#include <chrono>
#include <string>

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
};

class SmtpTransport final : public Transport {
 public:
  // Throws std::invalid_argument when the URL is not smtp:// or smtps://.
  explicit SmtpTransport(SmtpOptions options);
  SmtpTransport(const SmtpTransport&) = delete;
  SmtpTransport& operator=(const SmtpTransport&) = delete;

  SendResult send(const OutgoingMessage& message) override;

 private:
  SmtpOptions options_;
};

}  // namespace mail
