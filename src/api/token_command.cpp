#include "api/token_command.h"

#include <variant>

#include "api/tokens.h"
#include "auth/service.h"

namespace api {

int run_token_create(db::Database& database, std::string_view email, std::string_view name, std::ostream& out,
                     std::ostream& err) {
  const auto account =
      database.read([&](db::Session& session) { return auth::find_account_by_email(session, email); });
  if (!account || account->status != auth::AccountStatus::Active) {
    err << "knooppunt: no active account has the address " << email << "\n";
    return 1;
  }
  TokenService tokens(database);
  auto created = tokens.create(account->id, name.empty() ? kDefaultCommandTokenName : name, std::nullopt);
  if (const auto* error = std::get_if<TokenError>(&created)) {
    switch (*error) {
      case TokenError::NameMissing:
      case TokenError::NameInvalid:
        err << "knooppunt: --name must be plain text\n";
        break;
      case TokenError::NameTooLong:
        err << "knooppunt: --name may have at most " << kMaxTokenNameLength << " characters\n";
        break;
      case TokenError::TooManyTokens:
        err << "knooppunt: " << email << " already has " << kMaxActiveTokensPerAccount
            << " active tokens; revoke one on /profiel/tokens first\n";
        break;
    }
    return 1;
  }
  out << std::get<CreatedToken>(created).secret << "\n";
  return 0;
}

}  // namespace api
