// MIME rendering: the exact text of a known message, the encodings' edge cases, and Python's own
// e-mail parser reading back exactly what we wrote.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "mail/mime.h"
#include "support/smtp_server.h"

namespace {

mail::OutgoingMessage verification_mail() {
  mail::OutgoingMessage m;
  m.outbox_id = 7;
  m.from_address = "noreply@kkp-demo.nl";
  m.from_name = "Kennisknooppunt West-Brabant & Zeeland";
  m.to_address = "anouk@example.nl";
  m.to_name = "Anouk van den Brïnk";
  m.subject = "Bevestig je e-mailadres voor Kennisknooppunt West-Brabant & Zeeland";
  m.text =
      "Hallo Anouk,\n\nKlik op de link om je adres te bevestigen:\n"
      "https://kkp.example.nl/account/bevestigen?token=0123456789abcdef0123456789abcdef0123456789abcdef\n\n"
      "Tot ziens op het ontbijt in Bergen op Zoom. Café De Gouden Leeuw.\n";
  m.html =
      "<p>Hallo Anouk,</p>\n<p><a href=\"https://kkp.example.nl/account/bevestigen?token=0123456789abcdef\">"
      "Bevestig je adres</a></p>\n";
  m.headers = {{"List-Unsubscribe", "<https://kkp.example.nl/afmelden?t=abc>"}};
  m.message_id = "<0f1e2d3c4b5a69788796a5b4c3d2e1f0@knooppunt>";
  m.date = 1767261600;  // 2026-01-01 10:00:00 UTC, a Thursday
  return m;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find("\r\n", start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// Every line ends in CRLF, is 7-bit, and is at most `limit` characters long.
void expect_wire_safe(const std::string& text, std::size_t limit = 78) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    ASSERT_LT(static_cast<unsigned char>(text[i]), 0x80) << "byte " << i << " is not ASCII";
    if (text[i] == '\n') {
      ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << "bare LF at byte " << i;
    }
    if (text[i] == '\r') {
      ASSERT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "bare CR at byte " << i;
    }
  }
  for (const auto& line : lines_of(text)) EXPECT_LE(line.size(), limit) << line;
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    path_ = (std::filesystem::temp_directory_path() /
             ("knooppunt-mime-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++) + ".eml"))
                .string();
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

testing_support::ReceivedMail read_back(const mail::OutgoingMessage& message) {
  TempFile file(mail::render_mime(message));
  return testing_support::parse_eml_file(file.path());
}

}  // namespace

TEST(MailMime, RendersAKnownMessageExactly) {
  const std::string expected =
      "Date: Thu, 01 Jan 2026 10:00:00 +0000\r\n"
      "From: Kennisknooppunt West-Brabant & Zeeland <noreply@kkp-demo.nl>\r\n"
      "To: Anouk van den =?UTF-8?Q?Br=C3=AFnk?= <anouk@example.nl>\r\n"
      "Subject: Bevestig je e-mailadres voor Kennisknooppunt West-Brabant & Zeeland\r\n"
      "Message-ID: <0f1e2d3c4b5a69788796a5b4c3d2e1f0@knooppunt>\r\n"
      "List-Unsubscribe: <https://kkp.example.nl/afmelden?t=abc>\r\n"
      "Auto-Submitted: auto-generated\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/alternative;\r\n"
      " boundary=\"=_knooppunt_f0ac2b84052839273c3555c0fe3f0517\"\r\n"
      "\r\n"
      "--=_knooppunt_f0ac2b84052839273c3555c0fe3f0517\r\n"
      "Content-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "\r\n"
      "Hallo Anouk,\r\n"
      "\r\n"
      "Klik op de link om je adres te bevestigen:\r\n"
      "https://kkp.example.nl/account/bevestigen?token=3D0123456789abcdef012345678=\r\n"
      "9abcdef0123456789abcdef\r\n"
      "\r\n"
      "Tot ziens op het ontbijt in Bergen op Zoom. Caf=C3=A9 De Gouden Leeuw.\r\n"
      "\r\n"
      "--=_knooppunt_f0ac2b84052839273c3555c0fe3f0517\r\n"
      "Content-Type: text/html; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "\r\n"
      "<p>Hallo Anouk,</p>\r\n"
      "<p><a href=3D\"https://kkp.example.nl/account/bevestigen?token=3D0123456789a=\r\n"
      "bcdef\">Bevestig je adres</a></p>\r\n"
      "\r\n"
      "--=_knooppunt_f0ac2b84052839273c3555c0fe3f0517--\r\n";
  EXPECT_EQ(mail::render_mime(verification_mail()), expected);
}

TEST(MailMime, PythonsParserReadsBackNamesSubjectAndBothPartsUnchanged) {
  const auto mail = read_back(verification_mail());
  EXPECT_TRUE(mail.defects.empty()) << mail.defects.front();
  EXPECT_EQ(mail.content_type, "multipart/alternative");
  EXPECT_EQ(mail.to, "Anouk van den Brïnk <anouk@example.nl>");
  EXPECT_EQ(mail.from, "Kennisknooppunt West-Brabant & Zeeland <noreply@kkp-demo.nl>");
  EXPECT_EQ(mail.subject, verification_mail().subject);
  EXPECT_EQ(mail.text, verification_mail().text);
  EXPECT_EQ(mail.html, verification_mail().html);
  EXPECT_EQ(mail.header("Message-ID"), "<0f1e2d3c4b5a69788796a5b4c3d2e1f0@knooppunt>");
  EXPECT_EQ(mail.header("List-Unsubscribe"), "<https://kkp.example.nl/afmelden?t=abc>");
}

TEST(MailMime, EncodesALongNonAsciiSubjectInWordsThatNeverSplitACharacter) {
  auto message = verification_mail();
  message.subject =
      "Uitnodiging: ontbijtsessie „Fiscale actualiteiten” in Café ’t Höfke, Zoë en Ünal "
      "zijn er ook — één keer per maand, coördinatie door Anouk van den Brïnk";
  message.to_name = "Zoë Ünal-Ødegård van der Meulen-Brïnkman tot Hoogeveen, registeraccountant";
  const std::string text = mail::render_mime(message);
  expect_wire_safe(text, 76);  // lines with encoded words: at most 76 (RFC 2047 §2)
  const auto mail = read_back(message);
  EXPECT_TRUE(mail.defects.empty());
  EXPECT_EQ(mail.subject, message.subject);
  EXPECT_EQ(mail.to,
            "\"Zoë Ünal-Ødegård van der Meulen-Brïnkman tot Hoogeveen, registeraccountant\" "
            "<anouk@example.nl>");
}

TEST(MailMime, EncodesOnlyTheWordsOfANameThatNeedIt) {
  using Atoms = std::vector<std::string>;
  EXPECT_EQ(mail::encode_phrase("Anouk van den Brïnk"),
            (Atoms{"Anouk", "van", "den", "=?UTF-8?Q?Br=C3=AFnk?="}));
  // Neighbouring encoded words share one encoded word, the space inside it as "_".
  EXPECT_EQ(mail::encode_phrase("Zoë Ünal de Wit"), (Atoms{"=?UTF-8?Q?Zo=C3=AB_=C3=9Cnal?=", "de", "Wit"}));
  // Specials such as the comma and the dot are encoded rather than quoted.
  EXPECT_EQ(mail::encode_phrase("Brïnk, A."), (Atoms{"=?UTF-8?Q?Br=C3=AFnk=2C_A=2E?="}));
}

TEST(MailMime, QuotesAsciiNamesWithSpecialsAndEncodesTextThatLooksEncoded) {
  EXPECT_EQ(mail::format_mailbox("To", "Vries, Jan de", "jan@example.nl"),
            "\"Vries, Jan de\" <jan@example.nl>");
  EXPECT_EQ(mail::format_mailbox("To", "Jan \"de\" Vries", "jan@example.nl"),
            "\"Jan \\\"de\\\" Vries\" <jan@example.nl>");
  EXPECT_EQ(mail::format_mailbox("To", "Jan de Vries", "jan@example.nl"), "Jan de Vries <jan@example.nl>");
  EXPECT_EQ(mail::format_mailbox("To", "", "jan@example.nl"), "jan@example.nl");
  // A literal "=?" would be decoded by readers: encode it so it stays literal.
  EXPECT_EQ(mail::format_header("Subject", "=?UTF-8?Q?nep?="),
            "Subject: =?UTF-8?Q?=3D=3FUTF-8=3FQ=3Fnep=3F=3D?=\r\n");
}

TEST(MailMime, FoldsLongAsciiHeadersAtSpaces) {
  const std::string value =
      "Een heel lange onderwerpregel over de jaarlijkse ledenvergadering van het Kennisknooppunt "
      "West-Brabant "
      "en Zeeland in Roosendaal";
  const std::string header = mail::format_header("Subject", value);
  expect_wire_safe(header);
  EXPECT_GT(lines_of(header).size(), 1u);
  std::string unfolded = header;
  for (std::size_t at; (at = unfolded.find("\r\n ")) != std::string::npos;) unfolded.erase(at, 2);
  EXPECT_EQ(unfolded, "Subject: " + value + "\r\n");
}

TEST(MailMime, QuotedPrintableKeepsLinesShortAndEncodesWhatMustBe) {
  EXPECT_EQ(mail::encode_quoted_printable("a=b"), "a=3Db");
  EXPECT_EQ(mail::encode_quoted_printable("regel met spatie \nvolgende\t"),
            "regel met spatie=20\r\nvolgende=09");
  EXPECT_EQ(mail::encode_quoted_printable(".\n.punt"), "=2E\r\n=2Epunt");
  EXPECT_EQ(mail::encode_quoted_printable("een\r\ntwee\rdrie\nvier"), "een\r\ntwee\r\ndrie\r\nvier");
  EXPECT_EQ(mail::encode_quoted_printable("é"), "=C3=A9");
  // 76 characters fit on one line; 77 need a soft break.
  EXPECT_EQ(mail::encode_quoted_printable(std::string(76, 'x')), std::string(76, 'x'));
  EXPECT_EQ(mail::encode_quoted_printable(std::string(77, 'x')), std::string(75, 'x') + "=\r\nxx");
  // An escape is never split by a soft break.
  const std::string encoded = mail::encode_quoted_printable(std::string(74, 'x') + "éé");
  EXPECT_EQ(encoded, std::string(74, 'x') + "=\r\n=C3=A9=C3=A9");
  std::string accents;
  for (int i = 0; i < 500; ++i) accents += "é";
  const std::string long_line = mail::encode_quoted_printable(std::string(1000, 'a') + " " + accents);
  expect_wire_safe(long_line, 76);
}

TEST(MailMime, Base64InLinesOf76) {
  EXPECT_EQ(mail::encode_base64(""), "");
  EXPECT_EQ(mail::encode_base64("M"), "TQ==");
  EXPECT_EQ(mail::encode_base64("Ma"), "TWE=");
  EXPECT_EQ(mail::encode_base64("Man"), "TWFu");
  const std::string encoded = mail::encode_base64(std::string(120, 'x'));
  const auto lines = lines_of(encoded);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].size(), 76u);
  EXPECT_EQ(lines[1].size(), 76u);
}

TEST(MailMime, MostlyNonLatinTextGoesOutInBase64AndReadsBackTheSame) {
  auto message = verification_mail();
  message.text = "Привет, это письмо на русском языке для проверки кодировки base64.\nВторая строка.\n";
  message.html.clear();
  const std::string text = mail::render_mime(message);
  EXPECT_NE(text.find("Content-Transfer-Encoding: base64"), std::string::npos);
  EXPECT_EQ(text.find("multipart"), std::string::npos);  // no HTML: a single text/plain part
  expect_wire_safe(text);
  const auto mail = read_back(message);
  EXPECT_EQ(mail.content_type, "text/plain");
  EXPECT_EQ(mail.text, message.text);
  EXPECT_TRUE(mail.html.empty());
}

TEST(MailMime, LongLinesAndTrailingSpacesSurviveTheRoundTrip) {
  auto message = verification_mail();
  message.text =
      std::string(300, 'a') + " \n" + "Zoë  \t\n.\n" + std::string(80, '=') + "\n" + "slot zonder regeleinde";
  message.html = "<p>" + std::string(2000, 'b') + "</p>";
  const std::string text = mail::render_mime(message);
  expect_wire_safe(text);
  const auto mail = read_back(message);
  EXPECT_TRUE(mail.defects.empty());
  EXPECT_EQ(mail.text, message.text);
  EXPECT_EQ(mail.html, message.html);
}

TEST(MailMime, CallersAutoSubmittedHeaderReplacesTheDefault) {
  auto message = verification_mail();
  message.headers.push_back({"Auto-Submitted", "auto-replied"});
  const auto mail = read_back(message);
  EXPECT_EQ(mail.header_count("Auto-Submitted"), 1u);
  EXPECT_EQ(mail.header("Auto-Submitted"), "auto-replied");
}

TEST(MailMime, DatesAreRfc5322InUtc) {
  EXPECT_EQ(mail::format_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(mail::format_date(1709251199), "Thu, 29 Feb 2024 23:59:59 +0000");
}

TEST(MailMime, BoundaryDependsOnlyOnTheMessageId) {
  EXPECT_EQ(mail::boundary_for("<a@knooppunt>"), mail::boundary_for("<a@knooppunt>"));
  EXPECT_NE(mail::boundary_for("<a@knooppunt>"), mail::boundary_for("<b@knooppunt>"));
  EXPECT_TRUE(mail::boundary_for("<a@knooppunt>").starts_with("=_"));
}
