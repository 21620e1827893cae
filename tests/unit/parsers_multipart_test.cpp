// multipart/form-data (http::Multipart in http/parsers.h): what browsers send parses exactly; every
// kind of malformed body is refused instead of half-read.
#include <gtest/gtest.h>

#include <string>

#include "http/parsers.h"

namespace {

constexpr std::string_view kType = "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW";
const std::string kDelimiter = "------WebKitFormBoundary7MA4YWxkTrZu0gW";

std::string part(std::string_view headers, std::string_view body) {
  return kDelimiter + "\r\n" + std::string(headers) + "\r\n\r\n" + std::string(body) + "\r\n";
}
std::string close() { return kDelimiter + "--\r\n"; }

TEST(Multipart, ParsesFieldsAndFilesAsBrowsersSendThem) {
  const std::string jpeg("\xFF\xD8\xFF\xE0\r\n--not-a-boundary\r\n\0binary", 35);
  const std::string body =
      part("Content-Disposition: form-data; name=\"csrf\"", "abc") +
      part("Content-Disposition: form-data; name=\"headline\"", "Fiscalist & <b>jurist</b>") +
      part("Content-Disposition: form-data; name=\"disciplines\"", "ict") +
      part("Content-Disposition: form-data; name=\"disciplines\"", "hrm") +
      part(
          "Content-Disposition: form-data; name=\"photo\"; filename=\"C:\\Users\\an\\mijn "
          "\\\"foto\\\".jpg\"\r\n"
          "Content-Type: image/jpeg",
          jpeg) +
      close();
  const auto form = http::Multipart::parse(kType, body);
  ASSERT_TRUE(form);
  EXPECT_EQ(form->parts().size(), 5u);
  const auto fields = form->fields();
  EXPECT_EQ(fields.get("csrf"), "abc");
  EXPECT_EQ(fields.get("headline"), "Fiscalist & <b>jurist</b>");
  EXPECT_EQ(fields.get_all("disciplines"), (std::vector<std::string_view>{"ict", "hrm"}));
  EXPECT_FALSE(fields.get("photo"));
  const http::MultipartPart* photo = form->file("photo");
  ASSERT_NE(photo, nullptr);
  EXPECT_EQ(photo->filename, "mijn \"foto\".jpg");
  EXPECT_EQ(photo->content_type, "image/jpeg");
  EXPECT_EQ(photo->body, jpeg);
}

TEST(Multipart, AnEmptyFileInputHasAnEmptyFilename) {
  const auto form =
      http::Multipart::parse(kType, part("Content-Disposition: form-data; name=\"photo\"; "
                                         "filename=\"\"\r\nContent-Type: application/octet-stream",
                                         "") +
                                        close());
  ASSERT_TRUE(form);
  ASSERT_NE(form->file("photo"), nullptr);
  EXPECT_EQ(form->file("photo")->filename, "");
  EXPECT_TRUE(form->file("photo")->body.empty());
}

TEST(Multipart, BoundaryMayBeQuotedAndPreambleAndEpilogueAreIgnored) {
  const auto form =
      http::Multipart::parse("Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\"",
                             "preamble\r\n--a b:c\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n"
                             "--a b:c--\r\nepilogue");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->fields().get("x"), "1");
}

TEST(Multipart, BoundariesAreChecked) {
  EXPECT_EQ(http::multipart_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_FALSE(http::multipart_boundary("application/x-www-form-urlencoded"));
  EXPECT_FALSE(http::multipart_boundary("multipart/form-data"));
  EXPECT_FALSE(http::multipart_boundary("multipart/form-data; boundary="));
  EXPECT_FALSE(http::multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'a')));
  EXPECT_FALSE(http::multipart_boundary("multipart/form-data; boundary=\"abc"));
  EXPECT_FALSE(http::multipart_boundary("multipart/form-data; boundary=\"a\r\nb\""));
  EXPECT_FALSE(http::multipart_boundary("multipart/mixed; boundary=abc"));
}

TEST(Multipart, MalformedBodiesAreRefused) {
  const std::string good_part = part("Content-Disposition: form-data; name=\"a\"", "1");
  const std::vector<std::string> bad = {
      "",                                                                            // nothing
      good_part,                                                                     // no closing boundary
      "garbage without any boundary",                                                //
      kDelimiter + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1",        // body never ends
      part("Content-Type: text/plain", "no disposition") + close(),                  // no name
      part("Content-Disposition: attachment; name=\"a\"", "1") + close(),            // not form-data
      part("Content-Disposition: form-data; name=\"\"", "1") + close(),              // empty name
      part("Content-Disposition: form-data; name=\"a", "1") + close(),               // unterminated quote
      part("Content-Disposition: form-data; name=\"a\"\r\n folded", "1") + close(),  // obsolete folding
      part("Content-Disposition: form-data; name=\"a\"\r\nContent-Disposition: form-data; name=\"b\"", "1") +
          close(),                                                            // two dispositions
      kDelimiter + "\r\n\r\n\r\n1\r\n" + close(),                             // no headers at all
      kDelimiter + "xx\r\n" + close(),                                        // junk after the delimiter
      part("Content-Disposition: form-data; name=\"a\"; =x", "1") + close(),  // parameter without name
  };
  for (const std::string& body : bad) EXPECT_FALSE(http::Multipart::parse(kType, body)) << body;
}

TEST(Multipart, LimitsOnPartsAndHeaderSizeHold) {
  std::string many;
  for (int i = 0; i < 5; ++i)
    many += part("Content-Disposition: form-data; name=\"f" + std::to_string(i) + "\"", "x");
  many += close();
  EXPECT_TRUE(http::Multipart::parse(kType, many, {.max_parts = 5}));
  EXPECT_FALSE(http::Multipart::parse(kType, many, {.max_parts = 4}));
  const std::string long_header =
      part("Content-Disposition: form-data; name=\"a\"\r\nX-Padding: " + std::string(5000, 'p'), "1") +
      close();
  EXPECT_FALSE(http::Multipart::parse(kType, long_header));
  EXPECT_TRUE(http::Multipart::parse(kType, long_header, {.max_part_header_bytes = 8000}));
}

TEST(Multipart, TextFieldsThatAreNotUtf8AreSkippedLikeUrlencodedOnes) {
  const auto form =
      http::Multipart::parse(kType, part("Content-Disposition: form-data; name=\"a\"", "\xff\xfe") +
                                        part("Content-Disposition: form-data; name=\"b\"", "ok") + close());
  ASSERT_TRUE(form);
  EXPECT_FALSE(form->fields().get("a"));
  EXPECT_EQ(form->fields().get("b"), "ok");
}

}  // namespace
