#include "mail/outbox.h"

#include <sodium.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "mail/address.h"
#include "mail/store.h"

namespace mail {

namespace {

// Headers the renderer writes itself; a second copy from a caller would make the message ambiguous.
constexpr std::array<std::string_view, 10> kReservedHeaders{
    "from", "to",         "cc",           "bcc",          "subject",
    "date", "message-id", "mime-version", "content-type", "content-transfer-encoding"};

// RFC 5322 allows 998 characters per line; folding needs spaces, so leave room for the name.
constexpr std::size_t kMaxHeaderValue = 900;
constexpr std::size_t kMaxNameLength = 200;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t") == std::string_view::npos; }

bool is_valid_header_name(std::string_view name) {
  if (name.empty() || name.size() > 76) return false;
  for (char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 33 || byte > 126 || c == ':') return false;
  }
  return true;
}

void check(bool condition, const std::string& problem) {
  if (!condition) throw std::invalid_argument("mail::enqueue: " + problem);
}

void validate(const Message& message) {
  check(is_valid_address(message.to_address), "the recipient address is not a valid e-mail address");
  check(message.to_name.size() <= kMaxNameLength && is_safe_header_value(message.to_name),
        "the recipient name holds a line break or control character, or is too long");
  check(!is_blank(message.subject), "the subject is empty");
  check(message.subject.size() <= kMaxHeaderValue && is_safe_header_value(message.subject),
        "the subject holds a line break or control character, or is too long");
  check(!is_blank(message.text), "the text part is empty");
  for (const auto& [name, value] : message.headers) {
    check(is_valid_header_name(name), "header name '" + name + "' is not a valid header name");
    for (std::string_view reserved : kReservedHeaders) {
      check(lower(name) != reserved, "header " + name + " is set by the mailer, not by the message");
    }
    check(value.size() <= kMaxHeaderValue && is_safe_header_value(value),
          "the value of header " + name + " holds a line break or control character, or is too long");
  }
}

// "<32 hex characters@knooppunt>": unique without a host name, and fixed at enqueue so a message
// retried after a crash carries the same id and a recipient's mail client can drop the duplicate.
std::string new_message_id() {
  static const int initialised = sodium_init();
  if (initialised < 0) throw std::runtime_error("libsodium failed to initialise");
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return "<" + std::string(hex) + "@knooppunt>";
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::int64_t enqueue(db::Session& session, const Message& message) {
  validate(message);
  return store::insert(session, message, new_message_id(), unix_now());
}

OutboxCounts outbox_counts(db::Session& session) { return store::counts(session); }

std::vector<OutboxEntry> messages_to(db::Session& session, std::string_view address) {
  std::vector<OutboxEntry> entries;
  for (store::OutboxRow& row : store::for_recipient(session, address)) {
    entries.push_back(OutboxEntry{row.id, std::move(row.message), row.created_at, row.sent_at, row.failed_at});
  }
  return entries;
}

std::int64_t forget_recipient(db::Session& session, std::string_view address) {
  return store::delete_for_recipient(session, address);
}

}  // namespace mail
