// The demo accounts for `knooppunt seed --demo`: the coordinator and the member whose logins README
// states, and the sign-up mode of each demo network. Runs inside the caller's write transaction,
// after regions::seed_demo (it needs the networks) and before the members seed.
#pragma once

#include <string_view>

#include "db/database.h"

namespace auth {

inline constexpr std::string_view kDemoCoordinatorEmail = "coordinator@kkp-demo.nl";
inline constexpr std::string_view kDemoMemberEmail = "lid@kkp-demo.nl";

// KKP West-Brabant & Zeeland takes members after approval, Midden-Brabant is open. The coordinator
// coordinates both networks; the member belongs to West-Brabant & Zeeland. Both are verified and use
// the password kDemoPassword (auth/passwords.h), through the shared demo_password_hash().
// Throws db::Error (a constraint) when run twice on the same database.
void seed_demo(db::Session& session);

}  // namespace auth
