#include "mail/mime.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

namespace mail {

namespace {

constexpr std::size_t kMaxLine = 78;         // RFC 5322 §2.1.1: SHOULD, for header lines
constexpr std::size_t kMaxEncodedLine = 76;  // RFC 2045 (body lines) and RFC 2047 (encoded-word lines)
constexpr std::string_view kWordPrefix = "=?UTF-8?Q?";
constexpr std::string_view kWordSuffix = "?=";
constexpr char kHex[] = "0123456789ABCDEF";

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Text that a reader would take for an encoded word must itself be encoded (RFC 2047 §5).
bool needs_encoding(std::string_view text) {
  return !is_ascii(text) || text.find("=?") != std::string_view::npos;
}

void append_hex_escape(std::string& out, unsigned char byte) {
  out += '=';
  out += kHex[byte >> 4];
  out += kHex[byte & 0x0f];
}

// RFC 2047 §5 (3): in a phrase only these stand for themselves; using the narrow set everywhere keeps
// one encoder valid for names and subjects alike.
bool is_q_literal(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' || c == '*' ||
         c == '+' || c == '-' || c == '/';
}

// The Q-encoded form of each UTF-8 character of `text` (a lead byte with its continuation bytes).
std::vector<std::string> q_characters(std::string_view text) {
  std::vector<std::string> characters;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t next = i + 1;
    while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
    std::string token;
    for (std::size_t j = i; j < next; ++j) {
      const auto byte = static_cast<unsigned char>(text[j]);
      if (byte == ' ') {
        token += '_';
      } else if (is_q_literal(byte)) {
        token += static_cast<char>(byte);
      } else {
        append_hex_escape(token, byte);
      }
    }
    characters.push_back(std::move(token));
    i = next;
  }
  return characters;
}

bool is_atext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// A display name that is all atext and spaces may stand as it is; anything else needs quotes.
std::string ascii_phrase(std::string_view name) {
  bool plain = !name.empty() && name.front() != ' ' && name.back() != ' ';
  for (char c : name) plain = plain && (is_atext(c) || c == ' ');
  if (plain) return std::string(name);
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string join_folded(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += "\r\n ";
    out += words[i];
  }
  return out;
}

// Folds an ASCII header line at spaces so each physical line stays within 78 characters where a space
// allows it. A run without spaces longer than that stays whole (valid up to 998 characters).
std::string fold_at_spaces(std::string line, std::size_t first_break_after) {
  std::string out;
  std::size_t min_break = first_break_after;
  while (line.size() > kMaxLine) {
    std::size_t space = line.rfind(' ', kMaxLine);
    if (space == std::string::npos || space <= min_break) {
      space = line.find(' ', std::max<std::size_t>(min_break + 1, kMaxLine));
      if (space == std::string::npos) break;
    }
    out += line.substr(0, space);
    out += "\r\n";
    line.erase(0, space);  // the continuation line starts with the space (the folding white space)
    min_break = 0;
  }
  return out + line;
}

std::string normalize_line_ends(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

// Quoted-printable stays readable for Dutch text; text that is mostly non-Latin is shorter in base64.
bool prefer_base64(std::string_view text) {
  std::size_t escaped = 0;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || c == '=') ++escaped;
  }
  return escaped * 3 > text.size();
}

std::string text_part(std::string_view content_type, std::string_view body) {
  std::string part = "Content-Type: ";
  part += content_type;
  part += "; charset=UTF-8\r\n";
  if (prefer_base64(body)) {
    part += "Content-Transfer-Encoding: base64\r\n\r\n";
    part += encode_base64(normalize_line_ends(body));
  } else {
    part += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    part += encode_quoted_printable(body);
  }
  return part;
}

bool has_header(const OutgoingMessage& message, std::string_view name) {
  for (const auto& [header_name, value] : message.headers) {
    if (header_name.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size(); ++i) {
      const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
      same = same && lower(header_name[i]) == lower(name[i]);
    }
    if (same) return true;
  }
  return false;
}

std::uint64_t fnv1a(std::string_view text, std::uint64_t seed) {
  std::uint64_t hash = seed;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

std::string encode_quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t column = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t end = start;
    while (end < text.size() && text[end] != '\r' && text[end] != '\n') ++end;
    for (std::size_t i = start; i < end; ++i) {
      const auto byte = static_cast<unsigned char>(text[i]);
      const bool last_on_line = i + 1 == end;
      // The last character may use the 76th column; any other must leave room for the soft break "=".
      const std::size_t limit = last_on_line ? kMaxEncodedLine : kMaxEncodedLine - 1;
      bool literal =
          (byte >= 33 && byte <= 126 && byte != '=') || ((byte == ' ' || byte == '\t') && !last_on_line);
      const std::size_t width = literal ? 1 : 3;
      const bool breaks_before = column + width > limit;
      // A dot opening a line could end the SMTP data early on a careless relay: encode it.
      if (literal && byte == '.' && (column == 0 || breaks_before)) literal = false;
      const std::size_t token_width = literal ? 1 : 3;
      if (column + token_width > limit) {
        out += "=\r\n";
        column = 0;
      }
      if (literal) {
        out += static_cast<char>(byte);
      } else {
        append_hex_escape(out, byte);
      }
      column += token_width;
    }
    if (end == text.size()) break;
    start = end + ((text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? 2 : 1);
    out += "\r\n";
    column = 0;
  }
  return out;
}

std::string encode_base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(bytes.size() * 4 / 3 + bytes.size() / 38 + 4);
  std::size_t column = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t left = bytes.size() - i;
    std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (left > 1) group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (left > 2) group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    if (column == kMaxEncodedLine) {
      out += "\r\n";
      column = 0;
    }
    out += kAlphabet[(group >> 18) & 0x3f];
    out += kAlphabet[(group >> 12) & 0x3f];
    out += left > 1 ? kAlphabet[(group >> 6) & 0x3f] : '=';
    out += left > 2 ? kAlphabet[group & 0x3f] : '=';
    column += 4;
  }
  return out;
}

std::vector<std::string> encode_words(std::string_view text, std::size_t first_word_limit) {
  // Room for at least one character of four bytes ("=XX" each) in every word.
  constexpr std::size_t kOverhead = kWordPrefix.size() + kWordSuffix.size();
  constexpr std::size_t kSmallestWord = kOverhead + 12;
  std::vector<std::string> words;
  std::string payload;
  std::size_t limit = std::max(first_word_limit, kSmallestWord);
  for (const std::string& character : q_characters(text)) {
    if (!payload.empty() && kOverhead + payload.size() + character.size() > limit) {
      words.push_back(std::string(kWordPrefix) + payload + std::string(kWordSuffix));
      payload.clear();
      limit = 75;
    }
    payload += character;
  }
  if (!payload.empty() || words.empty())
    words.push_back(std::string(kWordPrefix) + payload + std::string(kWordSuffix));
  return words;
}

std::vector<std::string> encode_phrase(std::string_view name) {
  // Room for "From: " before the first word, so no line with an encoded word passes 76 characters.
  constexpr std::size_t kWordLimit = kMaxEncodedLine - 6;
  constexpr std::size_t kOverhead = kWordPrefix.size() + kWordSuffix.size();
  std::vector<std::string> atoms;
  std::string payload;
  auto close_word = [&] {
    if (payload.empty()) return;
    atoms.push_back(std::string(kWordPrefix) + payload + std::string(kWordSuffix));
    payload.clear();
  };
  bool in_run = false;  // the previous token went into an encoded word
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t end = name.find(' ', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view token = name.substr(start, end - start);
    start = end + 1;
    if (token.empty()) continue;
    bool plain = token.find("=?") == std::string_view::npos;
    for (char c : token) plain = plain && is_atext(c);
    if (plain) {
      close_word();
      atoms.emplace_back(token);
      in_run = false;
      continue;
    }
    const std::vector<std::string> characters = q_characters(token);
    if (in_run) {
      // The space between two encoded tokens must sit inside a word ("_"): white space between
      // encoded words is dropped by readers. Start a new word at the token if it will not fit.
      std::size_t token_size = 0;
      for (const auto& character : characters) token_size += character.size();
      if (kOverhead + payload.size() + 1 > kWordLimit) close_word();
      payload += '_';
      if (payload.size() > 1 && kOverhead + payload.size() + token_size > kWordLimit) close_word();
    }
    for (const auto& character : characters) {
      if (kOverhead + payload.size() + character.size() > kWordLimit) close_word();
      payload += character;
    }
    in_run = true;
  }
  close_word();
  return atoms;
}

std::string format_mailbox(std::string_view header_name, std::string_view display_name,
                           std::string_view address) {
  const std::string angle_address = "<" + std::string(address) + ">";
  if (display_name.empty()) return std::string(address);
  const std::size_t prefix = header_name.size() + 2;  // "To: "
  if (!needs_encoding(display_name)) {
    const std::string phrase = ascii_phrase(display_name);
    if (prefix + phrase.size() + 1 + angle_address.size() > kMaxLine) return phrase + "\r\n " + angle_address;
    return phrase + " " + angle_address;
  }
  // Each line holding an encoded word stays within 76 characters (RFC 2047 §2).
  std::string out;
  std::size_t column = prefix;
  const std::vector<std::string> atoms = encode_phrase(display_name);
  for (std::size_t i = 0; i < atoms.size(); ++i) {
    if (i > 0 && column + 1 + atoms[i].size() > kMaxEncodedLine) {
      out += "\r\n ";
      column = 1;
    } else if (i > 0) {
      out += ' ';
      ++column;
    }
    out += atoms[i];
    column += atoms[i].size();
  }
  if (column + 1 + angle_address.size() > kMaxLine) return out + "\r\n " + angle_address;
  return out + " " + angle_address;
}

std::string format_header(std::string_view name, std::string_view value) {
  std::string line(name);
  line += ": ";
  if (needs_encoding(value)) {
    line += join_folded(encode_words(value, kMaxEncodedLine - line.size()));
  } else {
    line += value;
    line = fold_at_spaces(std::move(line), name.size() + 1);
  }
  line += "\r\n";
  return line;
}

std::string format_date(std::int64_t unix_seconds) {
  static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto time = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                kDays.at(static_cast<std::size_t>(utc.tm_wday)), utc.tm_mday,
                kMonths.at(static_cast<std::size_t>(utc.tm_mon)), utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return buffer;
}

std::string boundary_for(std::string_view message_id) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "=_knooppunt_%016llx%016llx",
                static_cast<unsigned long long>(fnv1a(message_id, 14695981039346656037ULL)),
                static_cast<unsigned long long>(fnv1a(message_id, 0x9e3779b97f4a7c15ULL)));
  return buffer;
}

std::string render_mime(const OutgoingMessage& message) {
  std::string out;
  out.reserve(message.text.size() * 2 + message.html.size() * 2 + 1024);
  out += "Date: " + format_date(message.date) + "\r\n";
  out += "From: " + format_mailbox("From", message.from_name, message.from_address) + "\r\n";
  out += "To: " + format_mailbox("To", message.to_name, message.to_address) + "\r\n";
  out += format_header("Subject", message.subject);
  out += "Message-ID: " + message.message_id + "\r\n";
  for (const auto& [name, value] : message.headers) out += format_header(name, value);
  // RFC 3834: tells vacation responders not to answer mail that no person wrote.
  if (!has_header(message, "Auto-Submitted")) out += "Auto-Submitted: auto-generated\r\n";
  out += "MIME-Version: 1.0\r\n";
  if (message.html.empty()) {
    out += text_part("text/plain", message.text);
    out += "\r\n";
    return out;
  }
  const std::string boundary = boundary_for(message.message_id);
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\n";
  out += text_part("text/plain", message.text);
  out += "\r\n--" + boundary + "\r\n";
  out += text_part("text/html", message.html);
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

}  // namespace mail
