// Turns an outgoing e-mail into RFC 5322 / MIME text: the bytes an SMTP server receives or an .eml
// file holds. Everything it writes is 7-bit ASCII with CRLF line ends and lines of at most 78
// characters (encoded body lines at most 76): non-ASCII names and subjects become RFC 2047 encoded
// words, bodies are UTF-8 in quoted-printable (base64 when that is shorter). Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mail {

// One e-mail ready to leave: the queued message plus what the sender adds (sender, date, id).
struct OutgoingMessage {
  std::int64_t outbox_id = 0;  // for file names and logs
  std::string from_address;    // also the SMTP envelope sender
  std::string from_name;
  std::string to_address;  // also the SMTP envelope recipient
  std::string to_name;
  std::string subject;
  std::string text;                                          // text/plain, UTF-8
  std::string html;                                          // text/html, UTF-8; empty: a text-only message
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, in order
  std::string message_id;                                    // "<...@...>", the same on every attempt
  std::int64_t date = 0;                                     // unix seconds, for the Date header
  std::string kind;                                          // for logs; not sent
};

// The complete message text, ending in CRLF.
// Example:
//   OutgoingMessage m{.from_address = "noreply@kkp.nl", .to_address = "jan@example.nl", ...};
//   std::string eml = render_mime(m);
std::string render_mime(const OutgoingMessage& message);

// The building blocks, public so their edge cases can be tested one by one.

// Quoted-printable (RFC 2045 §6.7): any line ends become CRLF (none added after the last line) and
// encoded lines have at most 76 characters. A line's trailing space or tab, and a dot that would start
// a line, are encoded too.
std::string encode_quoted_printable(std::string_view text);
// Base64 in lines of 76 characters joined by CRLF (no CRLF after the last).
std::string encode_base64(std::string_view bytes);
// `text` as RFC 2047 "Q" encoded words in UTF-8, each at most 75 characters and never splitting a
// character; the first at most `first_word_limit` characters (the rest of its header line).
std::vector<std::string> encode_words(std::string_view text, std::size_t first_word_limit = 75);
// A display name with non-ASCII as RFC 2047 phrase atoms: plain ASCII words stay as they are, runs
// of other words become encoded words (the spaces between them inside, as "_"), each at most 70
// characters. "Anouk van den Brïnk" -> {"Anouk", "van", "den", "=?UTF-8?Q?Br=C3=AFnk?="}.
std::vector<std::string> encode_phrase(std::string_view display_name);
// "Name <address>" for From and To: the name as it is, quoted, or encoded, as it needs; folded when
// the line (after `header_name: `) would pass 78 characters.
std::string format_mailbox(std::string_view header_name, std::string_view display_name,
                           std::string_view address);
// A whole "Name: value" header line with its CRLF: unstructured values folded at spaces to stay within
// 78 characters where possible, and encoded when they hold non-ASCII.
std::string format_header(std::string_view name, std::string_view value);
// RFC 5322 date in UTC, e.g. "Thu, 01 Jan 2026 09:30:00 +0000".
std::string format_date(std::int64_t unix_seconds);
// The multipart boundary for a message: derived from its Message-ID, so a message renders the same
// every time; starts with "=_", which quoted-printable and base64 output never contain.
std::string boundary_for(std::string_view message_id);

}  // namespace mail
