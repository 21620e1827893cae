// Mail merge for campaigns: fields such as {voornaam} in a campaign's subject and Markdown body,
// filled per contact. Single braces around a known name, so they never collide with mustache's {{ }}
// (the body never passes through mustache anyway, and "{{" is refused to avoid the confusion).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace campaigns {

// What a message may say about its recipient.
struct MergeValues {
  std::string name;          // "Anouk van den Brink"
  std::string town;          // "Bergen op Zoom"
  std::string organisation;  // "Brink Advies"
};

// The fields a coordinator can use, Dutch names first, then their English aliases:
// {naam}/{name}, {voornaam}/{first_name}, {plaats}/{town}, {organisatie}/{organisation}.
const std::vector<std::string_view>& known_fields();

// What is wrong with the merge fields of `text`: each unknown "{field}" once, as written with its braces,
// in order of appearance; "{{" is reported as "{{". Empty when the text can be merged.
// Example: unknown_fields("Beste {voornaam}, groet uit {stad}") == {"{stad}"}
std::vector<std::string> unknown_fields(std::string_view text);

// The contact's first name as a letter greets them: the first word of the name ("Anouk van den Brink"
// -> "Anouk"); empty for an empty name.
std::string first_name(std::string_view name);

// `text` with each known field replaced by its value as plain text (subject, text/plain part). Control
// characters in values become spaces, so a value never breaks a header line.
std::string merge_plain(std::string_view text, const MergeValues& values);

// The same for Markdown: every ASCII punctuation character of a value is backslash-escaped, so a value
// is always literal text in the rendered HTML (a name like "[x](javascript:...)" or "<b>" stays text).
std::string merge_markdown(std::string_view markdown, const MergeValues& values);

}  // namespace campaigns
