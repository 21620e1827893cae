// E-mail address checks shared by the outbox and by forms that ask for an address (sign-up, invitations).
#pragma once

#include <string_view>

namespace mail {

// True for a plain "local@domain" address that SMTP servers accept without extensions: an unquoted
// ASCII local part (dot-atom, at most 64 characters) and a host name of letters, digits and hyphens.
// Deliberately narrower than RFC 5321 (no quoted local parts, no address literals, no SMTPUTF8): what
// it accepts, every relay delivers; what it refuses, no member of a Dutch network actually uses.
bool is_valid_address(std::string_view address);

// True when `value` can go into a header line as it is: no CR, LF or other control characters that
// would end the header early or smuggle in another one.
bool is_safe_header_value(std::string_view value);

}  // namespace mail
