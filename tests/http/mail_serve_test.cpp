// `knooppunt serve` delivers its outbox: over SMTP to a real server when --smtp-url is given, as .eml
// files under the data directory otherwise (what `make run` does). Mail is put straight into the
// server's database, as any feature's transaction would, and must come out once. Both databases.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <regex>
#include <thread>

#include "db/database.h"
#include "mail/outbox.h"
#include "support/server_process.h"
#include "support/smtp_server.h"
#include "support/test_databases.h"

using namespace std::chrono_literals;
using testing_support::ServerProcess;
using testing_support::SmtpServer;

namespace {

class MailServe : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override { database_ = std::make_unique<testing_support::TestDatabase>(GetParam()); }

  std::unique_ptr<ServerProcess> start(std::vector<std::string> args) {
    args.insert(args.end(), {"--mail-interval-ms", "50", "--no-access-log"});
    return std::make_unique<ServerProcess>(ServerProcess::Options{database_->url(), false, std::move(args)});
  }

  // Enqueued from outside the process, as another instance or a feature's transaction would.
  std::int64_t enqueue(const mail::Message& message) {
    auto db = database_->open();
    return db->write([&](db::Session& session) { return mail::enqueue(session, message); });
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
};

mail::Message invitation(const std::string& to) {
  mail::Message message;
  message.to_address = to;
  message.to_name = "Anouk van den Brïnk";
  message.subject = "Uitnodiging voor het ontbijt in Café ’t Höfke";
  message.text = "Hallo Anouk,\n\nJe bent welkom op het ontbijt.\n";
  message.html = "<p>Hallo Anouk,</p><p>Je bent welkom op het ontbijt.</p>";
  message.kind = "test.invitation";
  return message;
}

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

// The value of one sample in the /metrics text, or -1 when it is missing.
double metric(unsigned short port, const std::string& sample) {
  const auto response = testing_support::request(port, "GET", "/metrics");
  const std::size_t at = response.body.find("\n" + sample + " ");
  if (at == std::string::npos) return -1;
  return std::stod(response.body.substr(at + sample.size() + 2));
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(25ms);
  }
  return condition();
}

}  // namespace

TEST_P(MailServe, DeliversMailFromItsDatabaseOverSmtpOnceWithTheConfiguredSender) {
  SmtpServer smtp;
  auto server = start({"--smtp-url", smtp.url(), "--mail-from", "kkp@example.nl", "--mail-from-name",
                       "Kennisknooppunt West-Brabant & Zeeland"});
  enqueue(invitation("anouk@example.nl"));

  const auto mails = smtp.wait_for(1, 15s);
  ASSERT_EQ(mails.size(), 1u) << server->log();
  EXPECT_EQ(mails[0].mail_from, "kkp@example.nl");
  EXPECT_EQ(mails[0].rcpt_to, std::vector<std::string>{"anouk@example.nl"});
  EXPECT_EQ(mails[0].from, "Kennisknooppunt West-Brabant & Zeeland <kkp@example.nl>");
  EXPECT_EQ(mails[0].to, "Anouk van den Brïnk <anouk@example.nl>");
  EXPECT_EQ(mails[0].subject, "Uitnodiging voor het ontbijt in Café ’t Höfke");
  EXPECT_EQ(mails[0].text, invitation("").text);
  EXPECT_EQ(mails[0].html, invitation("").html);

  EXPECT_TRUE(
      eventually([&] { return metric(server->port(), "knooppunt_mail_outbox{state=\"pending\"}") == 0; }));
  std::this_thread::sleep_for(300ms);  // several more rounds of the job: nothing is sent twice
  EXPECT_EQ(smtp.messages().size(), 1u);
}

TEST_P(MailServe, ARefusedMessageShowsAsFailedInMetrics) {
  SmtpServer smtp;
  smtp.set_reply(SmtpServer::Reply::PermanentFailure);
  auto server = start({"--smtp-url", smtp.url()});
  enqueue(invitation("niemand@example.nl"));
  EXPECT_TRUE(eventually([&] {
    return metric(server->port(), "knooppunt_mail_outbox{state=\"failed\"}") == 1;
  })) << server->log();
  EXPECT_EQ(metric(server->port(), "knooppunt_mail_outbox{state=\"pending\"}"), 0);
  EXPECT_TRUE(smtp.messages().empty());
}

TEST_P(MailServe, WithoutAnSmtpUrlEachMessageBecomesAnEmlFileInTheDataDirectory) {
  auto server = start({});
  std::smatch match;
  const std::string log = server->log();
  ASSERT_TRUE(std::regex_search(log, match, std::regex("writing each message to (\\S+)"))) << log;
  const std::filesystem::path directory = match[1].str();
  enqueue(invitation("anouk@example.nl"));

  std::vector<std::filesystem::path> files;
  ASSERT_TRUE(eventually([&] {
    files.clear();
    // Only finished files: a message is written under a temporary name first, then renamed.
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
      if (entry.path().extension() == ".eml") files.push_back(entry.path());
    }
    return !files.empty();
  })) << server->log();
  ASSERT_EQ(files.size(), 1u);
  const auto mail = testing_support::parse_eml_file(files[0].string());
  EXPECT_TRUE(mail.defects.empty());
  EXPECT_EQ(mail.to, "Anouk van den Brïnk <anouk@example.nl>");
  EXPECT_EQ(mail.from, "Knooppunt <knooppunt@localhost>");
  EXPECT_EQ(mail.subject, "Uitnodiging voor het ontbijt in Café ’t Höfke");
  EXPECT_EQ(mail.html, invitation("").html);
}

TEST_P(MailServe, RefusesAnSmtpUrlOrSenderItCannotUse) {
  auto bad_url = testing_support::run_knooppunt({"serve", "--database", database_->url(), "--smtp-url",
                                                 "http://mail.example.nl", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(bad_url.exit_code, 1);
  EXPECT_NE(bad_url.output.find("smtp://"), std::string::npos) << bad_url.output;
  auto bad_from = testing_support::run_knooppunt(
      {"serve", "--database", database_->url(), "--mail-from", "geen adres", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(bad_from.exit_code, 1);
  EXPECT_NE(bad_from.output.find("--mail-from"), std::string::npos) << bad_from.output;
}

INSTANTIATE_TEST_SUITE_P(Backends, MailServe, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);
