#include "auth/seed.h"

#include "auth/passwords.h"
#include "auth/service.h"
#include "auth/store.h"

namespace auth {

namespace {
// Fixed times keep the demo identical on every run (2024-01-15 11:00 and 11:05 UTC).
constexpr std::int64_t kCoordinatorJoined = 1705316400;
constexpr std::int64_t kMemberJoined = 1705316700;
}  // namespace

void seed_demo(db::Session& session) {
  const auto west = store::find_network(session, std::string_view("west-brabant-zeeland"));
  const auto midden = store::find_network(session, std::string_view("midden-brabant"));
  if (west) store::set_signup_mode(session, west->id, SignupMode::Approval);
  if (midden) store::set_signup_mode(session, midden->id, SignupMode::Open);

  NewAccount coordinator;
  coordinator.email = std::string(kDemoCoordinatorEmail);
  coordinator.name = "Marieke van den Berg";
  coordinator.password_hash = std::string(demo_password_hash());
  coordinator.verified = true;
  coordinator.created_at = kCoordinatorJoined;
  const std::int64_t coordinator_id = create_account(session, coordinator);

  NewAccount member;
  member.email = std::string(kDemoMemberEmail);
  member.name = "Joost Verhoeven";
  member.password_hash = std::string(demo_password_hash());
  member.verified = true;
  member.created_at = kMemberJoined;
  const std::int64_t member_id = create_account(session, member);

  for (const auto& network : {west, midden}) {
    if (!network) continue;
    Membership membership;
    membership.account_id = coordinator_id;
    membership.network_id = network->id;
    membership.role = Role::Coordinator;
    membership.created_at = kCoordinatorJoined;
    store::put_membership(session, membership);
  }
  if (west) {
    Membership membership;
    membership.account_id = member_id;
    membership.network_id = west->id;
    membership.created_at = kMemberJoined;
    store::put_membership(session, membership);
  }
}

}  // namespace auth
