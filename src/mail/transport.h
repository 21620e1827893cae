// How an e-mail leaves the building: a Transport delivers one rendered message and says whether it
// went, may go later, or never will. Implementations: SmtpTransport (libcurl) for real servers and
// FileTransport (.eml files) for development. The outbox sender is the only caller.
//
// Thread-safety: an implementation must allow send() from several threads at once.
#pragma once

#include <string>
#include <utility>

#include "mail/mime.h"

namespace mail {

// What one delivery attempt came to. SMTP's 4xx replies, refused connections and timeouts are
// temporary (try again later); 5xx replies to the sender, recipient or message are permanent.
class SendResult {
 public:
  enum class Outcome { Sent, TemporaryFailure, PermanentFailure };

  static SendResult sent() { return SendResult(Outcome::Sent, ""); }
  static SendResult temporary_failure(std::string reason) {
    return SendResult(Outcome::TemporaryFailure, std::move(reason));
  }
  static SendResult permanent_failure(std::string reason) {
    return SendResult(Outcome::PermanentFailure, std::move(reason));
  }

  Outcome outcome() const { return outcome_; }
  bool ok() const { return outcome_ == Outcome::Sent; }
  const std::string& reason() const { return reason_; }  // empty when sent

 private:
  SendResult(Outcome outcome, std::string reason) : outcome_(outcome), reason_(std::move(reason)) {}
  Outcome outcome_;
  std::string reason_;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Delivers `message` once. Never throws for delivery problems: they come back as a failure.
  virtual SendResult send(const OutgoingMessage& message) = 0;
};

}  // namespace mail
