// An e-mail as features compose it: one recipient, a subject, a plain-text and an HTML body, in the
// recipient's language. The outbox stores it; a transport turns it into MIME and delivers it.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mail {

struct Message {
  std::string to_address;  // "jan@example.nl"
  std::string to_name;     // "Jan de Vries" (may be empty)
  std::string subject;
  std::string text;  // text/plain part (required)
  std::string html;  // text/html part (may be empty: then the message is text only)
  // Extra headers, e.g. {"List-Unsubscribe", "<https://...>"}, {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}.
  std::vector<std::pair<std::string, std::string>> headers;
  // What it is about, for logs and tests (e.g. "auth.verify", "auth.reset"); not sent.
  std::string kind;
};

}  // namespace mail
