// The transports against the real thing: a real SMTP server (aiosmtpd, started per test) for
// SmtpTransport, the file system for FileTransport. The outbox drives them as in production.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "db/migrations.h"
#include "mail/file_transport.h"
#include "mail/outbox.h"
#include "mail/sender.h"
#include "mail/smtp_transport.h"
#include "mail/store.h"
#include "support/smtp_server.h"
#include "support/test_databases.h"

namespace {

using namespace std::chrono_literals;
using testing_support::SmtpServer;
using testing_support::TestDatabase;

mail::Message welcome() {
  mail::Message message;
  message.to_address = "anouk@example.nl";
  message.to_name = "Anouk van den Brïnk";
  message.subject = "Welkom bij het Kennisknooppunt, Anouk";
  message.text = "Hallo Anouk,\n\nWelkom bij het Kennisknooppunt West-Brabant & Zeeland.\n";
  message.html = "<p>Hallo Anouk,</p>\n<p>Welkom bij het Kennisknooppunt West-Brabant &amp; Zeeland.</p>\n";
  message.headers = {{"List-Unsubscribe", "<https://kkp.example.nl/afmelden?t=abc>"}};
  message.kind = "test.welcome";
  return message;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

mail::SmtpOptions quick(const std::string& url) {
  mail::SmtpOptions options;
  options.url = url;
  options.connect_timeout = 5s;
  options.total_timeout = 10s;
  return options;
}

mail::OutgoingMessage outgoing() {
  mail::OutgoingMessage message;
  message.outbox_id = 42;
  message.from_address = "noreply@kkp-demo.nl";
  message.from_name = "Kennisknooppunt";
  message.to_address = "jan@example.nl";
  message.to_name = "Jan de Vries";
  message.subject = "Test";
  message.text = "Hallo Jan\n";
  message.message_id = "<00112233445566778899aabbccddeeff@knooppunt>";
  message.date = 1767261600;
  return message;
}

// The outbox on SQLite with a sender delivering through SMTP, as `knooppunt serve` runs it.
class MailOverSmtp : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = database_.open();
    db::migrate(*db_);
  }
  std::int64_t enqueue(const mail::Message& message = welcome()) {
    return db_->write([&](db::Session& session) { return mail::enqueue(session, message); });
  }
  mail::store::OutboxRow row(std::int64_t id) {
    return *db_->read([&](db::Session& session) { return mail::store::find(session, id); });
  }
  mail::SenderOptions sender_options() {
    mail::SenderOptions options;
    options.from_address = "noreply@kkp-demo.nl";
    options.from_name = "Kennisknooppunt West-Brabant & Zeeland";
    return options;
  }

  SmtpServer smtp_;
  TestDatabase database_{db::Backend::Sqlite};
  std::unique_ptr<db::Database> db_;
};

}  // namespace

TEST_F(MailOverSmtp, AQueuedMessageArrivesOnceWithBothPartsAndTheRightHeaders) {
  const std::int64_t id = enqueue();
  mail::SmtpTransport transport(quick(smtp_.url()));
  mail::OutboxSender sender(*db_, transport, sender_options());
  EXPECT_EQ(sender.deliver_due(unix_now()), 1);
  EXPECT_EQ(sender.deliver_due(unix_now() + 3600), 0);

  const auto mails = smtp_.wait_for(1, 10s);
  ASSERT_EQ(mails.size(), 1u);
  const auto& mail = mails[0];
  EXPECT_EQ(mail.mail_from, "noreply@kkp-demo.nl");
  EXPECT_EQ(mail.rcpt_to, std::vector<std::string>{"anouk@example.nl"});
  EXPECT_EQ(mail.from, "Kennisknooppunt West-Brabant & Zeeland <noreply@kkp-demo.nl>");
  EXPECT_EQ(mail.to, "Anouk van den Brïnk <anouk@example.nl>");
  EXPECT_EQ(mail.subject, "Welkom bij het Kennisknooppunt, Anouk");
  EXPECT_EQ(mail.content_type, "multipart/alternative");
  EXPECT_EQ(mail.text, welcome().text);
  EXPECT_EQ(mail.html, welcome().html);
  EXPECT_EQ(mail.header("Message-ID"), row(id).message_id);
  EXPECT_EQ(mail.header("List-Unsubscribe"), "<https://kkp.example.nl/afmelden?t=abc>");
  EXPECT_EQ(mail.header("MIME-Version"), "1.0");
  EXPECT_FALSE(mail.header("Date").empty());
  EXPECT_TRUE(mail.defects.empty());
  EXPECT_TRUE(row(id).sent_at.has_value());
  EXPECT_EQ(smtp_.messages().size(), 1u);
}

TEST_F(MailOverSmtp, AServerThatIsDownThenUpGetsTheMessageExactlyOnceAfterTheRetry) {
  const std::int64_t id = enqueue();
  mail::SmtpTransport transport(quick(smtp_.url()));
  mail::OutboxSender sender(*db_, transport, sender_options());
  smtp_.stop();
  const std::int64_t t0 = unix_now();
  EXPECT_EQ(sender.deliver_due(t0), 0);
  EXPECT_FALSE(row(id).last_error.empty());
  EXPECT_FALSE(row(id).failed_at.has_value());
  EXPECT_EQ(row(id).next_attempt_at, t0 + 60);

  smtp_.start();
  EXPECT_EQ(sender.deliver_due(t0 + 30), 0);  // not due yet
  EXPECT_TRUE(smtp_.messages().empty());
  EXPECT_EQ(sender.deliver_due(t0 + 60), 1);
  EXPECT_EQ(sender.deliver_due(t0 + 7200), 0);
  EXPECT_EQ(smtp_.wait_for(1, 10s).size(), 1u);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(smtp_.messages().size(), 1u);
  EXPECT_EQ(row(id).attempts, 2);
  EXPECT_EQ(row(id).last_error, "");
}

TEST_F(MailOverSmtp, A451ReplyIsRetriedLater) {
  const std::int64_t id = enqueue();
  mail::SmtpTransport transport(quick(smtp_.url()));
  mail::OutboxSender sender(*db_, transport, sender_options());
  smtp_.set_reply(SmtpServer::Reply::TemporaryFailure);
  const std::int64_t t0 = unix_now();
  EXPECT_EQ(sender.deliver_due(t0), 0);
  EXPECT_NE(row(id).last_error.find("451"), std::string::npos) << row(id).last_error;
  EXPECT_FALSE(row(id).failed_at.has_value());
  smtp_.set_reply(SmtpServer::Reply::Accept);
  EXPECT_EQ(sender.deliver_due(t0 + 60), 1);
  EXPECT_EQ(smtp_.wait_for(1, 10s).size(), 1u);
}

TEST_F(MailOverSmtp, A550ReplyIsAPermanentFailure) {
  const std::int64_t id = enqueue();
  mail::SmtpTransport transport(quick(smtp_.url()));
  const auto result = transport.send(outgoing());
  smtp_.set_reply(SmtpServer::Reply::PermanentFailure);
  const auto refused = transport.send(outgoing());
  EXPECT_TRUE(result.ok()) << result.reason();
  EXPECT_EQ(refused.outcome(), mail::SendResult::Outcome::PermanentFailure);
  EXPECT_NE(refused.reason().find("550"), std::string::npos) << refused.reason();

  mail::OutboxSender sender(*db_, transport, sender_options());
  const std::int64_t now = unix_now();
  EXPECT_EQ(sender.deliver_due(now), 0);
  EXPECT_EQ(row(id).failed_at, now);
  EXPECT_NE(row(id).last_error.find("No such user"), std::string::npos) << row(id).last_error;
  EXPECT_EQ(db_->read([](db::Session& session) { return mail::outbox_counts(session).failed; }), 1);
}

TEST(MailSmtpTransport, AuthenticatesWithUserNameAndPassword) {
  SmtpServer smtp(SmtpServer::Options{"kkp", "geheim wachtwoord", "", ""});
  auto options = quick(smtp.url());
  options.username = "kkp";
  options.password = "geheim wachtwoord";
  mail::SmtpTransport transport(options);
  const auto result = transport.send(outgoing());
  ASSERT_TRUE(result.ok()) << result.reason();
  const auto mails = smtp.wait_for(1, 10s);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].authenticated_as, "kkp");

  // A wrong password is an operator's mistake, not the message's: keep the mail and retry.
  options.password = "fout";
  const auto denied = mail::SmtpTransport(options).send(outgoing());
  EXPECT_EQ(denied.outcome(), mail::SendResult::Outcome::TemporaryFailure) << denied.reason();
  // Without credentials the server refuses (530): also a configuration problem.
  const auto anonymous = mail::SmtpTransport(quick(smtp.url())).send(outgoing());
  EXPECT_EQ(anonymous.outcome(), mail::SendResult::Outcome::TemporaryFailure) << anonymous.reason();
  EXPECT_EQ(smtp.messages().size(), 1u);
}

TEST(MailSmtpTransport, RequiredStartTlsEncryptsTheConnection) {
  const auto directory =
      std::filesystem::temp_directory_path() / ("knooppunt-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  const std::string cert = (directory / "cert.pem").string();
  const std::string key = (directory / "key.pem").string();
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  {
    SmtpServer smtp(SmtpServer::Options{"", "", cert, key});
    auto options = quick(smtp.url());
    options.require_tls = true;
    options.ca_file = cert;
    const auto result = mail::SmtpTransport(options).send(outgoing());
    ASSERT_TRUE(result.ok()) << result.reason();
    const auto mails = smtp.wait_for(1, 10s);
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_TRUE(mails[0].tls);

    // A certificate nobody vouches for: refused, and the message waits for the operator.
    options.ca_file.clear();
    const auto untrusted = mail::SmtpTransport(options).send(outgoing());
    EXPECT_EQ(untrusted.outcome(), mail::SendResult::Outcome::TemporaryFailure) << untrusted.reason();
  }
  std::filesystem::remove_all(directory);
}

TEST(MailSmtpTransport, RefusesUrlsThatAreNotSmtp) {
  EXPECT_THROW(mail::SmtpTransport(quick("http://127.0.0.1:25")), std::invalid_argument);
  EXPECT_THROW(mail::SmtpTransport(quick("127.0.0.1:25")), std::invalid_argument);
  EXPECT_NO_THROW(mail::SmtpTransport(quick("smtps://127.0.0.1:465")));
}

TEST(MailFileTransport, WritesOneParseableEmlPerMessageAndOverwritesItOnResend) {
  const auto directory =
      std::filesystem::temp_directory_path() / ("knooppunt-eml-" + std::to_string(::getpid()));
  std::filesystem::remove_all(directory);
  {
    mail::FileTransport transport(directory / "outbox-mail");
    auto message = outgoing();
    message.to_name = "Anouk van den Brïnk";
    message.html = "<p>Hallo</p>";
    ASSERT_TRUE(transport.send(message).ok());
    ASSERT_TRUE(transport.send(message).ok());  // a resend after a crash
    auto other = outgoing();
    other.outbox_id = 43;
    other.message_id = "<ffeeddccbbaa99887766554433221100@knooppunt>";
    ASSERT_TRUE(transport.send(other).ok());

    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(transport.directory())) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"42-00112233445566778899aabbccddeeffknooppunt.eml",
                                               "43-ffeeddccbbaa99887766554433221100knooppunt.eml"}));
    const auto mail = testing_support::parse_eml_file(transport.path_for(message).string());
    EXPECT_TRUE(mail.defects.empty());
    EXPECT_EQ(mail.to, "Anouk van den Brïnk <jan@example.nl>");
    EXPECT_EQ(mail.subject, "Test");
    EXPECT_EQ(mail.text, "Hallo Jan\n");
    EXPECT_EQ(mail.html, "<p>Hallo</p>");
    EXPECT_EQ(mail.raw, mail::render_mime(message));
  }
  std::filesystem::remove_all(directory);
}

TEST(MailFileTransport, AnUnwritableDirectoryIsATemporaryFailure) {
  const auto directory =
      std::filesystem::temp_directory_path() / ("knooppunt-gone-" + std::to_string(::getpid()));
  mail::FileTransport transport(directory);
  // The directory is replaced by a file: even root cannot write into it.
  std::filesystem::remove_all(directory);
  std::ofstream(directory) << "not a directory";
  const auto result = transport.send(outgoing());
  std::filesystem::remove_all(directory);
  EXPECT_EQ(result.outcome(), mail::SendResult::Outcome::TemporaryFailure);
  EXPECT_NE(result.reason().find("cannot create"), std::string::npos) << result.reason();
}
