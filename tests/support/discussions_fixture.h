// Test support for the discussions' HTTP tests: the real binary on a fresh database of either backend
// with the demo network, members made in the database with a session (a browser that carries it), and
// topics and replies written through discussions::Service. Header-only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "auth/service.h"
#include "auth/sessions.h"
#include "auth/store.h"
#include "auth/tokens.h"
#include "db/database.h"
#include "db/migrations.h"
#include "discussions/service.h"
#include "regions/seed.h"
#include "support/server_process.h"
#include "support/test_databases.h"
#include "support/web_browser.h"

namespace testing_support {

// A browser signed in with a session made in the database (a visitor when `session` is empty).
class Member : public WebBrowser {
 public:
  Member(unsigned short port, std::int64_t id, const std::string& session) : WebBrowser(port), id_(id) {
    if (!session.empty()) set_cookie(std::string(auth::kSessionCookie), session);
  }
  std::int64_t id() const { return id_; }

 private:
  std::int64_t id_;
};

class DiscussionsServerTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  static constexpr std::int64_t kNetwork = 1;

  // The anonymous page cache is off: every page read is the server's own work.
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    db_ = database_->open();
    db::migrate(*db_);
    db_->write([&](db::Session& session) { regions::seed_demo(session); });
    ict_ = group_id("ict");
    service_ = std::make_unique<discussions::Service>(*db_);
    server_ = std::make_unique<ServerProcess>(
        ServerProcess::Options{database_->url(), false, {"--no-access-log", "--page-cache-seconds", "0"}});
  }
  void TearDown() override {
    server_.reset();
    service_.reset();
    db_.reset();
    database_.reset();
  }

  static std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  std::int64_t group_id(const std::string& slug) {
    return db_->read([&](db::Session& session) {
      return session.query_one("SELECT id FROM knowledge_groups WHERE network_id = ? AND slug = ?", {kNetwork, slug})
          ->int64(0);
    });
  }

  // A network member with a session; `role` "member" or "host" of `group`, "" for none.
  std::unique_ptr<Member> member(const std::string& name, std::int64_t group, const std::string& role) {
    const std::string token = auth::new_token();
    const std::int64_t id = db_->write([&](db::Session& session) {
      auth::NewAccount account;
      account.name = name;
      account.email = std::to_string(++emails_) + "@discussies.example";
      account.verified = true;
      const std::int64_t account_id = auth::create_account(session, account);
      auth::add_membership(session, account_id, kNetwork, auth::Role::Member, auth::MembershipStatus::Active);
      const std::int64_t now = unix_now();
      auth::store::insert_session(session, auth::SessionRecord{auth::hash_token(token), account_id, now, now, now + 86400},
                                  "127.0.0.1", "discussions test");
      if (!role.empty()) {
        session.execute(
            "INSERT INTO group_members (group_id, account_id, role, state, created_at, joined_at) "
            "VALUES (?, ?, ?, 'active', ?, ?)",
            {group, account_id, role, now, now});
      }
      return account_id;
    });
    names_[id] = name;
    return std::make_unique<Member>(server_->port(), id, token);
  }

  discussions::Viewer as(const Member& who) {
    http::Viewer viewer;
    viewer.account_id = who.id();
    viewer.name = names_[who.id()];
    return viewer;
  }

  discussions::Topic topic(const Member& author, const std::string& title, const std::string& body) {
    auto created = service_->create_topic(as(author), ict_, discussions::NewTopic{title, body, discussions::Kind::Discussion});
    EXPECT_TRUE(created.ok());
    return *created.value;
  }

  discussions::Post reply(const Member& author, std::int64_t topic_id, const std::string& body) {
    auto posted = service_->reply(as(author), topic_id, discussions::NewReply{body, {}});
    EXPECT_TRUE(posted.ok());
    return *posted.value;
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<discussions::Service> service_;
  std::unique_ptr<ServerProcess> server_;
  std::map<std::int64_t, std::string> names_;
  int emails_ = 0;
  std::int64_t ict_ = 0;
};

}  // namespace testing_support
