// The Atom writer: what it writes is parsed back with expat and read field by field.
#include <gtest/gtest.h>

#include "discussions/feed.h"
#include "support/xml_tree.h"

namespace {

using testing_support::parse_xml;
using testing_support::XmlElement;

constexpr std::string_view kAtom = "http://www.w3.org/2005/Atom";

discussions::Feed sample_feed() {
  discussions::Feed feed;
  feed.id = "tag:kkp.example,2024:knooppunt:group:3";
  feed.title = "ICT - Kennisknooppunt West-Brabant & Zeeland";
  feed.subtitle = "Ontwikkelaars, beheerders en <adviseurs>";
  feed.html_url = "https://kkp.example/groepen/west-brabant-zeeland/ict";
  feed.self_url = "https://kkp.example/groepen/west-brabant-zeeland/ict/feed.atom";
  feed.base_url = "https://kkp.example";
  feed.language = "nl";
  feed.generator_version = "0.4.0";
  feed.updated = 1764403200;  // 2025-11-29T08:00:00Z
  discussions::FeedEntry first;
  first.url = "https://kkp.example/onderwerpen/12";
  first.title = "Tweestapsverificatie & \"security defaults\" <voor> vijf mensen";
  first.author_name = "Sanne de Wit";
  first.author_url = "https://kkp.example/leden/40";
  first.published = 1764316800;  // 2025-11-28T08:00:00Z
  first.updated = 1764403200;
  first.content_html = "<p>Zie <a href=\"/leden/7\">Jan</a> &amp; <code>&lt;script&gt;</code></p>";
  discussions::FeedEntry second;
  second.url = "https://kkp.example/onderwerpen/9";
  second.title = "Back-up van Microsoft 365";
  second.author_name = "Kees Verhage";
  second.published = 1762000000;
  second.updated = 1762000000;
  second.content_html = "<p>Is dat echt nodig?</p>";
  feed.entries = {first, second};
  return feed;
}

TEST(DiscussionsFeed, ParsesBackAsAtomWithEveryFieldAsWritten) {
  const std::string xml = discussions::render_atom(sample_feed());
  const auto parsed = parse_xml(xml);
  ASSERT_TRUE(parsed.root) << parsed.error << "\n" << xml;
  const XmlElement& feed = *parsed.root;
  EXPECT_EQ(feed.name, std::string(kAtom) + "|feed");
  EXPECT_EQ(feed.attribute("http://www.w3.org/XML/1998/namespace|lang"), "nl");
  EXPECT_EQ(feed.attribute("http://www.w3.org/XML/1998/namespace|base"), "https://kkp.example/");
  EXPECT_EQ(feed.text_of("id"), "tag:kkp.example,2024:knooppunt:group:3");
  EXPECT_EQ(feed.text_of("title"), "ICT - Kennisknooppunt West-Brabant & Zeeland");
  EXPECT_EQ(feed.text_of("subtitle"), "Ontwikkelaars, beheerders en <adviseurs>");
  EXPECT_EQ(feed.text_of("updated"), "2025-11-29T08:00:00Z");
  EXPECT_EQ(feed.text_of("generator"), "Knooppunt");
  EXPECT_EQ(feed.first("generator")->attribute("version"), "0.4.0");

  std::map<std::string, std::string> links;
  for (const XmlElement* link : feed.all("link")) links[link->attribute("rel")] = link->attribute("href");
  EXPECT_EQ(links["self"], "https://kkp.example/groepen/west-brabant-zeeland/ict/feed.atom");
  EXPECT_EQ(links["alternate"], "https://kkp.example/groepen/west-brabant-zeeland/ict");

  const auto entries = feed.all("entry");
  ASSERT_EQ(entries.size(), 2u);
  const XmlElement& first = *entries[0];
  EXPECT_EQ(first.text_of("id"), "https://kkp.example/onderwerpen/12");
  EXPECT_EQ(first.text_of("title"), "Tweestapsverificatie & \"security defaults\" <voor> vijf mensen");
  EXPECT_EQ(first.first("link")->attribute("href"), "https://kkp.example/onderwerpen/12");
  EXPECT_EQ(first.first("link")->attribute("rel"), "alternate");
  EXPECT_EQ(first.text_of("published"), "2025-11-28T08:00:00Z");
  EXPECT_EQ(first.text_of("updated"), "2025-11-29T08:00:00Z");
  ASSERT_NE(first.first("author"), nullptr);
  EXPECT_EQ(first.first("author")->text_of("name"), "Sanne de Wit");
  EXPECT_EQ(first.first("author")->text_of("uri"), "https://kkp.example/leden/40");
  EXPECT_EQ(first.first("content")->attribute("type"), "html");
  // The HTML comes back exactly as it went in: a reader renders it, nothing in it became markup of the feed.
  EXPECT_EQ(first.text_of("content"), "<p>Zie <a href=\"/leden/7\">Jan</a> &amp; <code>&lt;script&gt;</code></p>");

  const XmlElement& second = *entries[1];
  EXPECT_EQ(second.text_of("title"), "Back-up van Microsoft 365");
  EXPECT_EQ(second.first("author")->first("uri"), nullptr);  // no public profile: no uri
}

TEST(DiscussionsFeed, HostileTextCannotBreakOutOfItsElement) {
  discussions::Feed feed = sample_feed();
  feed.title = "]]></title><script>alert(1)</script><title>";
  feed.entries[0].title = "<![CDATA[ x ]]> &lt; &#0; &bogus;";
  feed.entries[0].author_name = "Eve\" onmouseover=\"x";
  feed.entries[0].content_html = "</content><entry><id>evil</id></entry>";
  const std::string xml = discussions::render_atom(feed);
  const auto parsed = parse_xml(xml);
  ASSERT_TRUE(parsed.root) << parsed.error << "\n" << xml;
  EXPECT_EQ(parsed.root->text_of("title"), "]]></title><script>alert(1)</script><title>");
  ASSERT_EQ(parsed.root->all("entry").size(), 2u);
  const XmlElement& entry = *parsed.root->all("entry")[0];
  EXPECT_EQ(entry.text_of("title"), "<![CDATA[ x ]]> &lt; &#0; &bogus;");
  EXPECT_EQ(entry.first("author")->text_of("name"), "Eve\" onmouseover=\"x");
  EXPECT_EQ(entry.text_of("content"), "</content><entry><id>evil</id></entry>");
}

TEST(DiscussionsFeed, ControlCharactersAndBrokenUtf8BecomeReplacementCharacters) {
  discussions::Feed feed = sample_feed();
  feed.entries[0].title = std::string("Bel\x01 me \xC3\x28 caf\xC3\xA9 \xED\xA0\x80 \xF0\x9F\x98\x80");
  const std::string xml = discussions::render_atom(feed);
  const auto parsed = parse_xml(xml);
  ASSERT_TRUE(parsed.root) << parsed.error;
  EXPECT_EQ(parsed.root->all("entry")[0]->text_of("title"),
            "Bel\xEF\xBF\xBD me \xEF\xBF\xBD( caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xF0\x9F\x98\x80");
}

TEST(DiscussionsFeed, AnEmptyGroupStillYieldsAValidFeedWithItsOwnUpdatedTime) {
  discussions::Feed feed = sample_feed();
  feed.entries.clear();
  const auto parsed = parse_xml(discussions::render_atom(feed));
  ASSERT_TRUE(parsed.root) << parsed.error;
  EXPECT_TRUE(parsed.root->all("entry").empty());
  EXPECT_EQ(parsed.root->text_of("updated"), "2025-11-29T08:00:00Z");
}

TEST(DiscussionsFeed, DatesAreRfc3339InUtc) {
  EXPECT_EQ(discussions::rfc3339_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(discussions::rfc3339_utc(1709285400), "2024-03-01T09:30:00Z");
}

}  // namespace
