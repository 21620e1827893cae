// The knowledge groups' rules on both databases: joining by policy (open, on request, by invitation),
// only network members join, leaving and the last host, hosts and coordinators acting on others,
// archived groups read-only, visibility through groups::access for visitors, outsiders and members,
// the settings form's validation, erasure, and the hook events uses for group hosts.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "audit/audit.h"
#include "auth/service.h"
#include "db/migrations.h"
#include "events/service.h"
#include "groups/header.h"
#include "groups/service.h"
#include "regions/seed.h"
#include "support/test_databases.h"
#include "web/site.h"

namespace {

using groups::Failure;
using groups::JoinPolicy;
using groups::MemberState;
using groups::Role;
using groups::Visibility;

constexpr std::int64_t kWest = 1;    // KKP West-Brabant & Zeeland: groups 1..8
constexpr std::int64_t kMidden = 2;  // KKP Midden-Brabant
constexpr std::int64_t kNow = 1748865600;

class GroupsServiceTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    db_->write([&](db::Session& session) { regions::seed_demo(session); });
    data_dir_ = std::filesystem::temp_directory_path() /
                ("groups-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    service_ = std::make_unique<groups::Service>(*db_, data_dir_, [] { return kNow; });
    coordinator_ = add_account("Carla Coördinator", "carla@example.nl", kWest, auth::Role::Coordinator);
    host_ = add_account("Hanna Host", "hanna@example.nl", kWest);
    member_ = add_account("Mark Lid", "mark@example.nl", kWest);
    outsider_ = add_account("Otto Buiten", "otto@example.nl", kMidden);
    ict_ = group_id("ict");
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }

  std::int64_t add_account(const std::string& name, const std::string& email, std::int64_t network,
                           auth::Role role = auth::Role::Member) {
    return db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.name = name;
      account.email = email;
      account.verified = true;
      account.created_at = kNow;
      const std::int64_t id = auth::create_account(session, account);
      auth::add_membership(session, id, network, role, auth::MembershipStatus::Active);
      return id;
    });
  }

  std::int64_t group_id(const std::string& slug, std::int64_t network = kWest) {
    return db_->read([&](db::Session& session) {
      return session.query_one("SELECT id FROM knowledge_groups WHERE network_id = ? AND slug = ?", {network, slug})
          ->int64(0);
    });
  }

  static groups::Viewer as(std::int64_t account_id) {
    http::Viewer viewer;
    viewer.account_id = account_id;
    viewer.name = "lid " + std::to_string(account_id);
    return viewer;
  }

  void configure(std::int64_t group, JoinPolicy policy, Visibility visibility) {
    groups::GroupForm form;
    form.join_policy = std::string(groups::to_string(policy));
    form.visibility = std::string(groups::to_string(visibility));
    ASSERT_TRUE(service_->update(as(coordinator_), group, form).ok());
  }

  // Makes `host_` the group's host: joins (open) and is promoted by the coordinator.
  void make_host(std::int64_t group, std::int64_t account) {
    db_->write([&](db::Session& session) {
      session.execute(
          "INSERT INTO group_members (group_id, account_id, role, state, created_at, joined_at) "
          "VALUES (?, ?, 'host', 'active', ?, ?)",
          {group, account, kNow, kNow});
    });
  }

  // The kinds of the in-app notifications the account has been sent (notifications::record).
  std::vector<std::string> notified(std::int64_t account) {
    return db_->read([&](db::Session& session) {
      std::vector<std::string> kinds;
      for (const db::Row& r : session.query("SELECT a.kind FROM notifications n JOIN activities a ON a.id = "
                                            "n.activity_id WHERE n.account_id = ? ORDER BY n.id",
                                            {account})) {
        kinds.push_back(r.text(0));
      }
      return kinds;
    });
  }

  std::optional<groups::Membership> row(std::int64_t group, std::int64_t account) {
    return db_->read([&](db::Session& session) { return groups::store::membership(session, group, account); });
  }

  groups::GroupAccess access_of(const groups::Viewer& viewer, std::int64_t group) {
    return db_->read([&](db::Session& session) { return groups::access(session, viewer, group); });
  }

  static inline int counter_ = 0;
  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::filesystem::path data_dir_;
  std::unique_ptr<groups::Service> service_;
  std::int64_t coordinator_ = 0, host_ = 0, member_ = 0, outsider_ = 0, ict_ = 0;
};

TEST_P(GroupsServiceTest, ANetworkMemberJoinsAnOpenGroupAndLeavesItAgain) {
  ASSERT_TRUE(service_->join(as(member_), ict_).ok());
  const auto joined = row(ict_, member_);
  ASSERT_TRUE(joined);
  EXPECT_EQ(joined->state, MemberState::Active);
  EXPECT_EQ(joined->role, Role::Member);
  EXPECT_EQ(joined->joined_at, kNow);
  EXPECT_TRUE(access_of(as(member_), ict_).can_post);
  EXPECT_EQ(service_->join(as(member_), ict_).error().message_key, "groups.error.already_member");

  ASSERT_TRUE(service_->leave(as(member_), ict_).ok());
  EXPECT_FALSE(row(ict_, member_));
  EXPECT_FALSE(access_of(as(member_), ict_).can_post);
  EXPECT_EQ(service_->leave(as(member_), ict_).error().message_key, "groups.error.not_in_group");
}

TEST_P(GroupsServiceTest, OnlyMembersOfTheGroupsNetworkMayJoinIt) {
  const auto refused = service_->join(as(outsider_), ict_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().failure, Failure::Forbidden);
  EXPECT_EQ(refused.error().message_key, "groups.error.not_network_member");
  EXPECT_FALSE(service_->join(std::nullopt, ict_).ok());
  EXPECT_FALSE(service_->request(as(outsider_), ict_, "").ok());
  EXPECT_FALSE(row(ict_, outsider_));
  // Nor may a host invite them.
  make_host(ict_, host_);
  const auto invited = service_->invite(as(host_), ict_, outsider_, "");
  ASSERT_FALSE(invited.ok());
  EXPECT_EQ(invited.error().message_key, "groups.error.invitee_invalid");
  EXPECT_FALSE(row(ict_, outsider_));
}

TEST_P(GroupsServiceTest, OnRequestAMemberAsksWithANoteAndAHostAcceptsOrDeclines) {
  const std::int64_t hrm = group_id("hrm");
  configure(hrm, JoinPolicy::Request, Visibility::Network);
  make_host(hrm, host_);
  const auto direct = service_->join(as(member_), hrm);
  ASSERT_FALSE(direct.ok());
  EXPECT_EQ(direct.error().message_key, "groups.error.cannot_join");

  ASSERT_TRUE(service_->request(as(member_), hrm, "  Ik doe veel verzuimbegeleiding.  ").ok());
  auto asked = row(hrm, member_);
  ASSERT_TRUE(asked);
  EXPECT_EQ(asked->state, MemberState::Requested);
  EXPECT_EQ(asked->message, "Ik doe veel verzuimbegeleiding.");
  EXPECT_FALSE(access_of(as(member_), hrm).group_member);
  EXPECT_FALSE(service_->request(as(member_), hrm, "nog een keer").ok());

  // Another member may not decide; the host may.
  const std::int64_t other = add_account("Olga Ander", "olga@example.nl", kWest);
  EXPECT_EQ(service_->decide_request(as(other), hrm, member_, true).error().failure, Failure::Forbidden);
  EXPECT_TRUE(notified(member_).empty());
  ASSERT_TRUE(service_->decide_request(as(host_), hrm, member_, true).ok());
  EXPECT_EQ(row(hrm, member_)->state, MemberState::Active);
  EXPECT_EQ(notified(member_), std::vector<std::string>{"group.request_accepted"});
  EXPECT_TRUE(access_of(as(member_), hrm).can_post);
  const auto audited = db_->read([](db::Session& s) { return audit::entries_with_action(s, "group.request.accept"); });
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].subject_id, member_);

  ASSERT_TRUE(service_->request(as(other), hrm, "").ok());
  ASSERT_TRUE(service_->decide_request(as(host_), hrm, other, false).ok());
  EXPECT_FALSE(row(hrm, other));
  EXPECT_EQ(service_->decide_request(as(host_), hrm, other, true).error().message_key, "groups.error.no_request");
}

TEST_P(GroupsServiceTest, ATooLongNoteIsRefusedAndNothingIsWritten) {
  const std::int64_t hrm = group_id("hrm");
  configure(hrm, JoinPolicy::Request, Visibility::Network);
  const auto refused = service_->request(as(member_), hrm, std::string(1001, 'a'));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "boodschap");
  EXPECT_EQ(refused.error().message_key, "groups.error.note_too_long");
  EXPECT_FALSE(row(hrm, member_));
}

TEST_P(GroupsServiceTest, ByInvitationOnlyAHostsInvitationLetsSomeoneIn) {
  const std::int64_t group = group_id("juridisch-advies");
  configure(group, JoinPolicy::Invitation, Visibility::Network);
  make_host(group, host_);
  EXPECT_FALSE(service_->join(as(member_), group).ok());
  EXPECT_EQ(service_->request(as(member_), group, "").error().message_key, "groups.error.cannot_request");
  EXPECT_EQ(service_->invite(as(member_), group, host_, "").error().failure, Failure::Forbidden);

  ASSERT_TRUE(service_->invite(as(host_), group, member_, "Welkom bij de juristen!").ok());
  EXPECT_EQ(notified(member_), std::vector<std::string>{"group.invited"});
  const auto invited = row(group, member_);
  ASSERT_TRUE(invited);
  EXPECT_EQ(invited->state, MemberState::Invited);
  EXPECT_EQ(invited->invited_by, host_);
  EXPECT_TRUE(access_of(as(member_), group).can_join);
  EXPECT_FALSE(access_of(as(member_), group).group_member);
  EXPECT_EQ(service_->invite(as(host_), group, member_, "").error().message_key, "groups.error.invitee_invalid");

  ASSERT_TRUE(service_->answer_invitation(as(member_), group, true).ok());
  EXPECT_EQ(row(group, member_)->state, MemberState::Active);
  EXPECT_EQ(service_->answer_invitation(as(member_), group, true).error().message_key, "groups.error.no_invitation");

  const std::int64_t other = add_account("Olga Ander", "olga@example.nl", kWest);
  ASSERT_TRUE(service_->invite(as(host_), group, other, "").ok());
  ASSERT_TRUE(service_->answer_invitation(as(other), group, false).ok());
  EXPECT_FALSE(row(group, other));
}

TEST_P(GroupsServiceTest, TheLastHostLeavesOnlyByNamingASuccessor) {
  make_host(ict_, host_);
  ASSERT_TRUE(service_->join(as(member_), ict_).ok());
  const auto refused = service_->leave(as(host_), ict_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "opvolger");
  EXPECT_EQ(refused.error().message_key, "groups.error.last_host");
  EXPECT_EQ(service_->leave(as(host_), ict_, outsider_).error().message_key, "groups.error.successor_invalid");
  EXPECT_EQ(service_->leave(as(host_), ict_, host_).error().message_key, "groups.error.successor_invalid");
  EXPECT_TRUE(row(ict_, host_));
  // Nor can the host stop being host, or be removed by another host's absence of rights.
  EXPECT_EQ(service_->set_role(as(host_), ict_, host_, Role::Member).error().message_key, "groups.error.last_host");

  ASSERT_TRUE(service_->leave(as(host_), ict_, member_).ok());
  EXPECT_FALSE(row(ict_, host_));
  EXPECT_EQ(row(ict_, member_)->role, Role::Host);
  // Alone in the group, the last host may simply go.
  ASSERT_TRUE(service_->leave(as(member_), ict_).ok());
  EXPECT_FALSE(row(ict_, member_));
}

TEST_P(GroupsServiceTest, HostsMakeOthersHostAndRemoveMembersButOnlyACoordinatorRemovesTheLastHost) {
  make_host(ict_, host_);
  ASSERT_TRUE(service_->join(as(member_), ict_).ok());
  const std::int64_t other = add_account("Olga Ander", "olga@example.nl", kWest);
  ASSERT_TRUE(service_->join(as(other), ict_).ok());
  EXPECT_EQ(service_->set_role(as(member_), ict_, other, Role::Host).error().failure, Failure::Forbidden);
  ASSERT_TRUE(service_->set_role(as(host_), ict_, member_, Role::Host).ok());
  EXPECT_EQ(row(ict_, member_)->role, Role::Host);
  ASSERT_TRUE(service_->set_role(as(member_), ict_, host_, Role::Member).ok());
  EXPECT_EQ(row(ict_, host_)->role, Role::Member);
  ASSERT_TRUE(service_->remove_member(as(member_), ict_, other).ok());
  EXPECT_FALSE(row(ict_, other));
  EXPECT_EQ(service_->remove_member(as(member_), ict_, member_).error().message_key, "groups.error.self");
  // member_ is the last host now: a coordinator may still remove them.
  ASSERT_TRUE(service_->remove_member(as(coordinator_), ict_, member_).ok());
  EXPECT_FALSE(row(ict_, member_));
  const auto removed = db_->read([](db::Session& s) { return audit::entries_with_action(s, "group.member.remove"); });
  EXPECT_EQ(removed.size(), 2u);
}

TEST_P(GroupsServiceTest, AnArchivedGroupIsReadOnlyUntilACoordinatorUnarchivesIt) {
  make_host(ict_, host_);
  ASSERT_TRUE(service_->join(as(member_), ict_).ok());
  EXPECT_EQ(service_->set_archived(as(host_), ict_, true).error().failure, Failure::Forbidden);
  ASSERT_TRUE(service_->set_archived(as(coordinator_), ict_, true).ok());

  const auto rights = access_of(as(member_), ict_);
  EXPECT_TRUE(rights.archived);
  EXPECT_TRUE(rights.can_view);
  EXPECT_FALSE(rights.can_post);
  const std::int64_t other = add_account("Olga Ander", "olga@example.nl", kWest);
  EXPECT_EQ(service_->join(as(other), ict_).error().message_key, "groups.error.archived");
  EXPECT_EQ(service_->leave(as(member_), ict_).error().message_key, "groups.error.archived");
  EXPECT_EQ(service_->invite(as(host_), ict_, other, "").error().message_key, "groups.error.archived");
  groups::GroupForm form;
  form.description = "Nieuw";
  EXPECT_EQ(service_->update(as(host_), ict_, form).error().message_key, "groups.error.archived");

  const auto list = service_->network_groups(as(member_), "west-brabant-zeeland");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->archived.size(), 1u);
  EXPECT_EQ(list->archived[0].group.slug, "ict");
  EXPECT_EQ(list->active.size(), 7u);

  ASSERT_TRUE(service_->set_archived(as(coordinator_), ict_, false).ok());
  EXPECT_TRUE(service_->join(as(other), ict_).ok());
}

TEST_P(GroupsServiceTest, VisitorsFindPublicGroupsOnlyAndOutsidersSeeNoContentOfAGroupOnlyGroup) {
  configure(ict_, JoinPolicy::Open, Visibility::Public);
  const std::int64_t hrm = group_id("hrm");
  configure(hrm, JoinPolicy::Request, Visibility::Group);
  make_host(hrm, host_);

  // A visitor: the public group alone.
  const auto visitor = service_->network_groups(std::nullopt, "west-brabant-zeeland");
  ASSERT_TRUE(visitor);
  ASSERT_EQ(visitor->active.size(), 1u);
  EXPECT_EQ(visitor->active[0].group.slug, "ict");
  EXPECT_TRUE(service_->header(std::nullopt, "west-brabant-zeeland", "ict"));
  EXPECT_FALSE(service_->header(std::nullopt, "west-brabant-zeeland", "hrm"));
  EXPECT_FALSE(service_->header(std::nullopt, "west-brabant-zeeland", "techniek"));
  ASSERT_EQ(service_->visible_groups(std::nullopt).size(), 1u);

  // A member of another network: public groups only.
  EXPECT_FALSE(service_->header(as(outsider_), "west-brabant-zeeland", "techniek"));
  EXPECT_FALSE(service_->header(as(outsider_), "west-brabant-zeeland", "hrm"));

  // A member of the network outside the group-only group: its face, not its content.
  const auto outside = service_->header(as(member_), "west-brabant-zeeland", "hrm");
  ASSERT_TRUE(outside);
  EXPECT_FALSE(outside->access.can_view);
  EXPECT_TRUE(outside->access.can_request);
  const auto members = service_->member_page(as(member_), "west-brabant-zeeland", "hrm");
  ASSERT_TRUE(members);
  EXPECT_TRUE(members->hosts.empty());
  EXPECT_TRUE(db_->read([&](db::Session& s) {
                   const auto ids = groups::visible_group_ids(s, as(member_), kWest);
                   return std::find(ids.begin(), ids.end(), hrm) == ids.end();
                 }));
  // Its host and the coordinator see it all.
  EXPECT_TRUE(service_->member_page(as(host_), "west-brabant-zeeland", "hrm")->header.access.can_view);
  EXPECT_EQ(service_->member_page(as(coordinator_), "west-brabant-zeeland", "hrm")->hosts.size(), 1u);
}

TEST_P(GroupsServiceTest, UnknownAndMalformedSlugsFindNothing) {
  EXPECT_FALSE(service_->header(as(member_), "west-brabant-zeeland", "bestaat-niet"));
  EXPECT_FALSE(service_->header(as(member_), "bestaat-niet", "ict"));
  EXPECT_FALSE(service_->header(as(member_), "west-brabant-zeeland", "ICT'; DROP TABLE groups"));
  EXPECT_FALSE(service_->network_groups(as(member_), "<script>"));
  EXPECT_FALSE(service_->header(as(member_), "midden-brabant", "ict"));  // another network's slug
}

TEST_P(GroupsServiceTest, ACoordinatorAddsAGroupWithAValidatedNameAndSlug) {
  groups::GroupForm form;
  form.name = "Zorg & welzijn";
  form.description = "Voor **zorgprofessionals**.<script>alert(1)</script>";
  form.join_policy = "request";
  form.visibility = "public";
  EXPECT_EQ(service_->create(as(member_), "west-brabant-zeeland", form).error().failure, Failure::Forbidden);
  const auto created = service_->create(as(coordinator_), "west-brabant-zeeland", form);
  ASSERT_TRUE(created.ok()) << created.error().message_key;
  EXPECT_EQ(created.value->slug, "zorg-welzijn");
  EXPECT_EQ(created.value->join_policy, JoinPolicy::Request);
  EXPECT_EQ(created.value->visibility, Visibility::Public);
  EXPECT_NE(created.value->description_html.find("<strong>zorgprofessionals</strong>"), std::string::npos);
  EXPECT_EQ(created.value->description_html.find("<script>"), std::string::npos);
  EXPECT_EQ(created.value->position, 9);
  EXPECT_TRUE(service_->header(std::nullopt, "west-brabant-zeeland", "zorg-welzijn"));
  EXPECT_EQ(db_->read([](db::Session& s) { return audit::entries_with_action(s, "group.create"); }).size(), 1u);

  // The same slug again in this network is taken; in another network it is free.
  const auto again = service_->create(as(coordinator_), "west-brabant-zeeland", form);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().field, "adres");
  EXPECT_EQ(again.error().message_key, "groups.error.slug_taken");

  struct Case {
    std::optional<std::string> name, slug, policy, visibility;
    std::string field, key;
  };
  const Case cases[] = {
      {"", "leeg", "open", "network", "naam", "groups.error.name_required"},
      {"   ", "spaties", "open", "network", "naam", "groups.error.name_required"},
      {std::string(81, 'x'), "lang", "open", "network", "naam", "groups.error.name_too_long"},
      {"Goed", "Met Hoofdletters", "open", "network", "adres", "groups.error.slug_invalid"},
      {"Goed", "dubbel--streepje", "open", "network", "adres", "groups.error.slug_invalid"},
      {"Goed", "<script>", "open", "network", "adres", "groups.error.slug_invalid"},
      {"Goed", "goed", "iedereen", "network", "toetreden", "groups.error.unknown_policy"},
      {"Goed", "goed", "open", "geheim", "zichtbaarheid", "groups.error.unknown_visibility"},
      {"Naam\x01met\x02stuurtekens", "stuur", "open", "network", "naam", "groups.error.invalid_text"},
  };
  for (const Case& each : cases) {
    groups::GroupForm bad;
    bad.name = each.name;
    bad.slug = each.slug;
    bad.join_policy = each.policy;
    bad.visibility = each.visibility;
    const auto result = service_->create(as(coordinator_), "west-brabant-zeeland", bad);
    ASSERT_FALSE(result.ok()) << each.key;
    EXPECT_EQ(result.error().field, each.field) << each.key;
    EXPECT_EQ(result.error().message_key, each.key);
  }
  EXPECT_EQ(db_->read([](db::Session& s) {
              return s.query_one("SELECT COUNT(*) FROM knowledge_groups WHERE network_id = 1")->int64(0);
            }),
            9);
}

TEST_P(GroupsServiceTest, HostsChangeDescriptionAndPolicyButNotTheNameOrVisibility) {
  make_host(ict_, host_);
  groups::GroupForm form;
  form.name = "Gekaapt";
  form.visibility = "group";
  form.description = "Over *software* en beveiliging.";
  form.join_policy = "request";
  EXPECT_EQ(service_->update(as(member_), ict_, form).error().failure, Failure::Forbidden);
  const auto changed = service_->update(as(host_), ict_, form);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed.value->name, "ICT");
  EXPECT_EQ(changed.value->visibility, Visibility::Network);
  EXPECT_EQ(changed.value->join_policy, JoinPolicy::Request);
  EXPECT_NE(changed.value->description_html.find("<em>software</em>"), std::string::npos);
  const auto coordinated = service_->update(as(coordinator_), ict_, form);
  ASSERT_TRUE(coordinated.ok());
  EXPECT_EQ(coordinated.value->name, "Gekaapt");
  EXPECT_EQ(coordinated.value->visibility, Visibility::Group);
}

TEST_P(GroupsServiceTest, ErasingAMemberLeavesNothingOfTheirsInAnyGroup) {
  make_host(ict_, member_);
  const std::int64_t hrm = group_id("hrm");
  configure(hrm, JoinPolicy::Request, Visibility::Network);
  ASSERT_TRUE(service_->request(as(member_), hrm, "graag").ok());
  const std::int64_t juridisch = group_id("juridisch-advies");
  make_host(juridisch, host_);
  ASSERT_TRUE(service_->invite(as(host_), juridisch, member_, "").ok());
  ASSERT_TRUE(service_->invite(as(member_), ict_, host_, "").ok());  // an invitation they sent
  const auto exported = db_->read([&](db::Session& s) { return groups::export_member(s, member_); });
  ASSERT_EQ(exported.size(), 3u);
  std::map<std::string, std::string> states;
  for (const auto& entry : exported) states[entry["group"]["slug"]] = entry["state"].get<std::string>();
  EXPECT_EQ(states, (std::map<std::string, std::string>{
                        {"ict", "active"}, {"hrm", "requested"}, {"juridisch-advies", "invited"}}));
  const std::int64_t removed = db_->write([&](db::Session& s) { return groups::erase_member(s, member_); });
  EXPECT_EQ(removed, 3);
  db_->read([&](db::Session& s) {
    EXPECT_EQ(s.query_one("SELECT COUNT(*) FROM group_members WHERE account_id = ?", {member_})->int64(0), 0);
    EXPECT_EQ(s.query_one("SELECT COUNT(*) FROM group_members WHERE invited_by = ?", {member_})->int64(0), 0);
  });
  EXPECT_EQ(row(ict_, host_)->state, MemberState::Invited);
}

TEST_P(GroupsServiceTest, EventsAskWhetherSomeoneHostsAGroup) {
  make_host(ict_, host_);
  ASSERT_TRUE(service_->join(as(member_), ict_).ok());
  EXPECT_TRUE(service_->hosts_group(host_, ict_));
  EXPECT_FALSE(service_->hosts_group(member_, ict_));
  EXPECT_FALSE(service_->hosts_group(host_, group_id("hrm")));
  ASSERT_TRUE(service_->set_archived(as(coordinator_), ict_, true).ok());
  EXPECT_FALSE(service_->hosts_group(host_, ict_));
}

TEST_P(GroupsServiceTest, AGroupsHostCreatesEventsOfTheirGroupOnly) {
  make_host(ict_, host_);
  ASSERT_TRUE(service_->join(as(member_), ict_).ok());
  web::Site site(web::AssetUrls{"/a.css", "/l.svg", "/f.svg"}, web::SiteOptions{"test-secret", false});
  events::Access rights;
  rights.is_member = [](std::int64_t, std::int64_t network) { return network == kWest; };
  rights.is_coordinator = [](std::int64_t, std::int64_t) { return false; };
  rights.member_networks = [](std::int64_t) { return std::vector<std::int64_t>{kWest}; };
  rights.hosts_group = [this](std::int64_t account, std::int64_t network, std::int64_t group) {
    return service_->hosts_group(account, group, network);
  };
  events::Service agenda(*db_, site, rights);
  events::NewEvent input;
  input.network_id = kWest;
  input.group_id = ict_;
  input.title = "ICT-inloopavond";
  input.starts_local = "2030-03-05T19:30";
  input.duration_minutes = 120;
  auto actor = [](std::int64_t id) { return events::Actor{id, "lid", "lid@example.nl", "nl", false}; };
  const auto created = agenda.create_event(actor(host_), input);
  ASSERT_TRUE(created.ok()) << created.error->message_key;
  EXPECT_TRUE(agenda.can_manage(actor(host_), created.value->id));
  EXPECT_FALSE(agenda.can_manage(actor(member_), created.value->id));
  EXPECT_EQ(agenda.create_event(actor(member_), input).error->failure, events::Failure::Forbidden);
  input.group_id = group_id("hrm");
  EXPECT_EQ(agenda.create_event(actor(host_), input).error->failure, events::Failure::Forbidden);
  input.group_id = std::nullopt;
  EXPECT_EQ(agenda.create_event(actor(host_), input).error->failure, events::Failure::Forbidden);
  input.group_id = ict_;
  input.network_id = kMidden;
  EXPECT_EQ(agenda.create_event(actor(host_), input).error->failure, events::Failure::Forbidden);
}

TEST_P(GroupsServiceTest, TheHeaderMarksTheActiveTabAndOffersTheViewerOneAction) {
  configure(ict_, JoinPolicy::Open, Visibility::Network);
  const auto header = service_->header(as(member_), "west-brabant-zeeland", "ict");
  ASSERT_TRUE(header);
  auto data = groups::header_data(*header, groups::kTabMembers);
  EXPECT_TRUE(data.get("action_join") != nullptr);
  EXPECT_TRUE(data.get("action_leave") == nullptr);
  EXPECT_EQ(data.get("url")->string_value(), "/groepen/west-brabant-zeeland/ict");
  const auto& tabs = data.get("tabs")->list_value();
  ASSERT_EQ(tabs.size(), 5u);
  int active = 0;
  for (const auto& tab : tabs) {
    if (tab.get("active") != nullptr) {
      ++active;
      EXPECT_EQ(tab.get("href")->string_value(), "/groepen/west-brabant-zeeland/ict/leden");
    }
  }
  EXPECT_EQ(active, 1);
  ASSERT_TRUE(service_->join(as(member_), ict_).ok());
  data = groups::header_data(*service_->header(as(member_), "west-brabant-zeeland", "ict"), groups::kTabHome);
  EXPECT_TRUE(data.get("action_leave") != nullptr);
  EXPECT_TRUE(data.get("home_active") != nullptr);
}

TEST(GroupsSlugs, ANameBecomesAReadableSlug) {
  EXPECT_EQ(groups::slug_from_name("Financiën & recht"), "financien-recht");
  EXPECT_EQ(groups::slug_from_name("  Marketing & Communicatie  "), "marketing-communicatie");
  EXPECT_EQ(groups::slug_from_name("ICT"), "ict");
  EXPECT_EQ(groups::slug_from_name("<script>"), "script");
  EXPECT_EQ(groups::slug_from_name("日本語"), "");
  EXPECT_TRUE(groups::is_valid_slug("juridisch-advies"));
  EXPECT_FALSE(groups::is_valid_slug("-ict"));
  EXPECT_FALSE(groups::is_valid_slug(std::string(65, 'a')));
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupsServiceTest, ::testing::ValuesIn(testing_support::test_backends()),
                         [](const auto& info) { return std::string(db::to_string(info.param)); });

}  // namespace
