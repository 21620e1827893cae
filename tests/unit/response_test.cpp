// The response head our server writes: status line, headers, and what the server owns.
#include "http/response.h"

#include <gtest/gtest.h>

TEST(ResponseHead, WritesStatusHeadersDateAndLength) {
  http::Response response = http::Response::html(404, "<p>weg</p>");
  std::string head;
  http::serialize_response_head(response, true, response.body.size(), "Sun, 29 Nov 2026 10:00:00 GMT", head);
  EXPECT_EQ(head,
            "HTTP/1.1 404 Not Found\r\n"
            "content-type: text/html; charset=utf-8\r\n"
            "date: Sun, 29 Nov 2026 10:00:00 GMT\r\n"
            "content-length: 10\r\n\r\n");
}

TEST(ResponseHead, ClosingConnectionsSayConnectionClose) {
  http::Response response = http::Response::text(503, "");
  std::string head;
  http::serialize_response_head(response, false, 0, "d", head);
  EXPECT_NE(head.find("connection: close\r\n"), std::string::npos);
}

TEST(ResponseHead, NoContentLengthWithoutBody) {
  http::Response response;
  response.status = 304;
  std::string head;
  http::serialize_response_head(response, true, std::nullopt, "d", head);
  EXPECT_EQ(head.find("content-length"), std::string::npos);
}

TEST(ResponseHead, HeadersThatCouldSplitTheResponseAreDropped) {
  http::Response response = http::Response::redirect("/ok");
  response.headers.add("X-Evil", "a\r\nSet-Cookie: session=stolen");
  response.headers.add("Bad Name", "x");
  response.headers.add("X-Nul", std::string("a\0b", 3));
  std::string head;
  http::serialize_response_head(response, true, 0, "d", head);
  EXPECT_EQ(head.find("stolen"), std::string::npos);
  EXPECT_EQ(head.find("Bad Name"), std::string::npos);
  EXPECT_EQ(head.find("x-nul"), std::string::npos);
  EXPECT_NE(head.find("location: /ok\r\n"), std::string::npos);
}

TEST(ResponseHead, TheServerOwnsLengthConnectionAndDate) {
  http::Response response = http::Response::text(200, "abc");
  response.headers.add("Content-Length", "999");
  response.headers.add("Connection", "upgrade");
  std::string head;
  http::serialize_response_head(response, true, 3, "d", head);
  EXPECT_EQ(head.find("999"), std::string::npos);
  EXPECT_EQ(head.find("upgrade"), std::string::npos);
  EXPECT_NE(head.find("content-length: 3\r\n"), std::string::npos);
}
