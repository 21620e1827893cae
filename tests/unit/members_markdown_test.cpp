// Markdown written by members (web/markdown.h): GitHub extensions work, raw HTML and dangerous link
// schemes never reach the page, and every link carries rel="nofollow ugc noopener".
#include <gtest/gtest.h>

#include <string>

#include "support/text.h"
#include "web/markdown.h"

namespace {

using testing_support::contains;

TEST(Markdown, RendersEmphasisListsTablesStrikethroughTasksAndAutolinks) {
  const std::string html = web::render_markdown(
      "**vet** en *schuin*\n\n- een\n- twee\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~weg~~\n\n- [x] klaar\n\n"
      "Zie www.kkp-demo.nl");
  EXPECT_TRUE(contains(html, "<strong>vet</strong>"));
  EXPECT_TRUE(contains(html, "<em>schuin</em>"));
  EXPECT_TRUE(contains(html, "<li>een</li>"));
  EXPECT_TRUE(contains(html, "<table>"));
  EXPECT_TRUE(contains(html, "<del>weg</del>"));
  EXPECT_TRUE(contains(html, "type=\"checkbox\""));
  EXPECT_TRUE(contains(html, "<a rel=\"nofollow ugc noopener\" href=\"http://www.kkp-demo.nl\">"));
}

TEST(Markdown, EveryLinkIsNofollowUgcNoopener) {
  EXPECT_EQ(web::render_markdown("[site](https://example.nl \"titel\")"),
            "<p><a rel=\"nofollow ugc noopener\" href=\"https://example.nl\" title=\"titel\">site</a></p>\n");
  EXPECT_EQ(web::render_markdown("<https://example.nl>"),
            "<p><a rel=\"nofollow ugc noopener\" href=\"https://example.nl\">https://example.nl</a></p>\n");
}

TEST(Markdown, RawHtmlIsDroppedNotPassedThrough) {
  for (const char* attack : {"<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                             "<iframe src=\"https://evil.example\"></iframe>",
                             "<a href=\"javascript:alert(1)\">x</a>", "<svg onload=alert(1)>",
                             "text <b onmouseover=alert(1)>bold</b>", "<style>body{display:none}</style>"}) {
    const std::string html = web::render_markdown(attack);
    EXPECT_FALSE(contains(html, "<script")) << attack;
    EXPECT_FALSE(contains(html, "<img")) << attack;
    EXPECT_FALSE(contains(html, "<iframe")) << attack;
    EXPECT_FALSE(contains(html, "<svg")) << attack;
    EXPECT_FALSE(contains(html, "<style")) << attack;
    EXPECT_FALSE(contains(html, "onmouseover=alert")) << attack;
    EXPECT_FALSE(contains(html, "href=\"javascript")) << attack;
  }
}

TEST(Markdown, DangerousLinkSchemesLoseTheirTarget) {
  for (const char* attack :
       {"[klik](javascript:alert(1))", "[klik](JavaScript:alert(1))", "[klik](vbscript:msgbox)",
        "[klik](data:text/html;base64,PHNjcmlwdD4=)", "[klik](file:///etc/passwd)",
        "![x](javascript:alert(1))", "[klik](java\tscript:alert(1))", "<javascript:alert(1)>"}) {
    const std::string html = web::render_markdown(attack);
    // The text may still read "javascript:..." (escaped); no href or src may point there.
    for (std::string_view attribute : {"href=\"", "src=\""}) {
      for (std::size_t at = html.find(attribute); at != std::string::npos;
           at = html.find(attribute, at + 1)) {
        const std::string target = html.substr(at + attribute.size(), 16);
        EXPECT_FALSE(target.starts_with("java") || target.starts_with("vbscript") ||
                     target.starts_with("data:") || target.starts_with("file:"))
            << attack << " -> " << html;
      }
    }
  }
}

TEST(Markdown, TextThatLooksLikeOurLinkRewriteStaysEscaped) {
  const std::string html = web::render_markdown("`<a href=\"x\">` and <a href=\"y\">");
  EXPECT_FALSE(contains(html, "<a href=\"x\">"));
  EXPECT_TRUE(contains(html, "&lt;a href=&quot;x&quot;&gt;"));
}

TEST(Markdown, MalformedUtf8IsReplacedNotEmitted) {
  const std::string html = web::render_markdown("caf\xc3 \xff end");
  EXPECT_EQ(html.find('\xff'), std::string::npos);
  EXPECT_TRUE(contains(html, "end"));
}

}  // namespace
