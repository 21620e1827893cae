// Test support for notifications: a fresh database of either backend with the demo networks and
// knowledge groups, members added to groups in one line, and activity recorded the way discussions
// and documents record it (notifications::record inside a write transaction). Header-only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "auth/service.h"
#include "db/migrations.h"
#include "notifications/activity.h"
#include "regions/seed.h"
#include "support/test_databases.h"

namespace testing_support {

class NotificationsFixture : public ::testing::TestWithParam<db::Backend> {
 protected:
  // Monday 2 June 2025, 12:00 UTC (14:00 in Amsterdam): "now" in these tests.
  static constexpr std::int64_t kNow = 1748865600;
  static constexpr std::int64_t kDay = 24 * 60 * 60;

  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    db_ = database_->open(db::Options{8});
    db::migrate(*db_);
    db_->write([&](db::Session& session) {
      regions::seed_demo(session);
      network_ = session.query_one("SELECT id FROM networks ORDER BY id LIMIT 1")->int64(0);
      const auto groups =
          session.query("SELECT id FROM knowledge_groups WHERE network_id = ? ORDER BY id LIMIT 3", {network_});
      group_ = groups.at(0).int64(0);
      other_group_ = groups.at(1).int64(0);
      third_group_ = groups.at(2).int64(0);
    });
  }

  // An active, verified member of the first network, in `group` unless it is 0.
  std::int64_t member(const std::string& name, std::int64_t group, const std::string& language = "nl") {
    return db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.name = name;
      account.email = name + "@example.nl";
      account.language = language;
      account.verified = true;
      account.created_at = kNow;
      const std::int64_t id = auth::create_account(session, account);
      auth::add_membership(session, id, network_, auth::Role::Member, auth::MembershipStatus::Active, kNow);
      if (group != 0) join(session, id, group);
      return id;
    });
  }

  static void join(db::Session& session, std::int64_t account, std::int64_t group) {
    session.execute(
        "INSERT INTO group_members (group_id, account_id, role, state, created_at, joined_at) "
        "VALUES (?, ?, 'member', 'active', ?, ?)",
        {group, account, kNow, kNow});
  }

  void join(std::int64_t account, std::int64_t group) {
    db_->write([&](db::Session& session) { join(session, account, group); });
  }

  void leave(std::int64_t account, std::int64_t group) {
    db_->write([&](db::Session& session) {
      session.execute("DELETE FROM group_members WHERE group_id = ? AND account_id = ?", {group, account});
    });
  }

  void make_private(std::int64_t group) {
    db_->write([&](db::Session& session) {
      session.execute("UPDATE knowledge_groups SET visibility = 'group' WHERE id = ?", {group});
    });
  }

  // A reply in `group`, topic `topic`, with a unique path /onderwerpen/{topic}#reactie-{reply}.
  notifications::Activity reply(std::int64_t actor, std::int64_t group, std::int64_t topic, std::int64_t reply_id,
                                std::int64_t at) const {
    notifications::Activity activity;
    activity.network_id = network_;
    activity.group_id = group;
    activity.kind = "reply.created";
    activity.actor_id = actor;
    activity.subject_type = "reply";
    activity.subject_id = reply_id;
    activity.topic_id = topic;
    activity.title = "Onderwerp " + std::to_string(topic);
    activity.excerpt = "Reactie " + std::to_string(reply_id) + " <script>alert(1)</script>";
    activity.path = "/onderwerpen/" + std::to_string(topic) + "#reactie-" + std::to_string(reply_id);
    activity.created_at = at;
    return activity;
  }

  std::int64_t record(const notifications::Activity& activity) {
    return db_->write([&](db::Session& session) { return notifications::record(session, activity); });
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::int64_t network_ = 0;
  std::int64_t group_ = 0;
  std::int64_t other_group_ = 0;
  std::int64_t third_group_ = 0;
};

}  // namespace testing_support
