#include "auth/passwords.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>
#include <thread>

#include "http/parsers.h"
#include "util/resources.h"

namespace auth {

namespace {

constexpr std::string_view kCommonPasswordsResource = "resources/auth/common_passwords.txt";

// Rows of a keyboard and the digits, forwards; a password that is a run along one of them (in either
// direction) is as guessable as a common one.
constexpr std::array<std::string_view, 6> kSequences = {
    "01234567890", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop",
};

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::size_t code_points(std::string_view utf8) {
  std::size_t count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++count;
  }
  return count;
}

const std::set<std::string, std::less<>>& common_passwords() {
  static const std::set<std::string, std::less<>> passwords = [] {
    std::set<std::string, std::less<>> loaded;
    const auto text = util::find_resource(kCommonPasswordsResource);
    if (!text) throw std::runtime_error(std::string(kCommonPasswordsResource) + " is not embedded");
    std::size_t start = 0;
    while (start < text->size()) {
      auto end = text->find('\n', start);
      if (end == std::string_view::npos) end = text->size();
      std::string_view line = text->substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty() && line.front() != '#') loaded.insert(lower_ascii(line));
      start = end + 1;
    }
    return loaded;
  }();
  return passwords;
}

bool is_one_character_repeated(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) { return c == text.front(); });
}

bool is_run_along_a_sequence(const std::string& lowered) {
  std::string reversed(lowered.rbegin(), lowered.rend());
  for (std::string_view sequence : kSequences) {
    if (sequence.find(lowered) != std::string_view::npos ||
        sequence.find(reversed) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view message_key(PasswordProblem problem) {
  switch (problem) {
    case PasswordProblem::None:
      return "";
    case PasswordProblem::TooShort:
      return "auth.password.too_short";
    case PasswordProblem::TooLong:
      return "auth.password.too_long";
    case PasswordProblem::TooCommon:
      return "auth.password.too_common";
    case PasswordProblem::SameAsEmail:
      return "auth.password.same_as_email";
    case PasswordProblem::NotText:
      return "auth.password.not_text";
  }
  return "auth.password.too_common";
}

bool is_common_password(std::string_view password) {
  return common_passwords().contains(lower_ascii(password));
}

PasswordProblem check_password(std::string_view password, std::string_view email) {
  if (password.size() > kMaxPasswordBytes) return PasswordProblem::TooLong;
  if (!http::is_valid_utf8(password)) return PasswordProblem::NotText;
  if (code_points(password) < kMinPasswordCharacters) return PasswordProblem::TooShort;
  const std::string lowered = lower_ascii(password);
  if (is_common_password(lowered) || is_one_character_repeated(lowered) || is_run_along_a_sequence(lowered)) {
    return PasswordProblem::TooCommon;
  }
  const std::string address = lower_ascii(email);
  if (!address.empty()) {
    const std::string local_part = address.substr(0, address.find('@'));
    if (lowered == address || lowered == local_part) return PasswordProblem::SameAsEmail;
  }
  return PasswordProblem::None;
}

class PasswordHasher::Slot {
 public:
  explicit Slot(PasswordHasher& hasher) : hasher_(hasher) {
    hasher_.slots_.acquire();
    const std::size_t now_running = ++hasher_.running_;
    std::size_t peak = hasher_.peak_.load();
    while (now_running > peak && !hasher_.peak_.compare_exchange_weak(peak, now_running)) {
    }
  }
  ~Slot() {
    --hasher_.running_;
    hasher_.slots_.release();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  PasswordHasher& hasher_;
};

PasswordHasher::Limits PasswordHasher::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordHasher::Limits PasswordHasher::minimal() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

std::size_t PasswordHasher::default_concurrency() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 1 ? cores - 1 : 1;
}

PasswordHasher::PasswordHasher(Limits limits, std::size_t max_concurrent)
    : limits_(limits),
      max_concurrent_(std::max<std::size_t>(1, max_concurrent)),
      slots_(static_cast<std::ptrdiff_t>(max_concurrent_)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  // A hash of random bytes: verifying anything against it fails, at the cost of a real check.
  std::array<unsigned char, 32> random{};
  randombytes_buf(random.data(), random.size());
  dummy_hash_ = hash(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()));
}

std::string PasswordHasher::hash(std::string_view password) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  Slot slot(*this);
  if (crypto_pwhash_str(out.data(), password.data(), password.size(), limits_.ops, limits_.memory) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return std::string(out.data());
}

bool PasswordHasher::verify(std::string_view stored, std::string_view password) {
  const bool usable = !stored.empty() && stored.size() < crypto_pwhash_STRBYTES;
  // libsodium wants a NUL-terminated hash string.
  const std::string hash_string(usable ? stored : std::string_view(dummy_hash_));
  Slot slot(*this);
  const bool match = crypto_pwhash_str_verify(hash_string.c_str(), password.data(), password.size()) == 0;
  return usable && match;
}

bool PasswordHasher::needs_rehash(std::string_view stored) const {
  const std::string hash_string(stored);
  return crypto_pwhash_str_needs_rehash(hash_string.c_str(), limits_.ops, limits_.memory) != 0;
}

std::string_view demo_password_hash() {
  // crypto_pwhash_str("knooppunt-demo", OPSLIMIT_INTERACTIVE, MEMLIMIT_INTERACTIVE), computed once.
  return "$argon2id$v=19$m=65536,t=2,p=1$MpAL3mq1l4ieoz6C9P0row$nMFxtqaeo7fh9xoTXbykiy42X8J11k8k68DXKZ0NoL0";
}

}  // namespace auth
