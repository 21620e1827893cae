// Search excerpts: the words the index matched are marked (stems, folded accents, a prefix for the
// last word), everything else is escaped, and long texts are cut around the first match.
#include <gtest/gtest.h>

#include "search/excerpt.h"

namespace {

TEST(SearchExcerpt, MarksStemmedAndAccentFoldedMatches) {
  EXPECT_EQ(search::excerpt_html("Over verzekeringen in het café", "verzekering cafe"),
            "Over <mark>verzekeringen</mark> in het <mark>café</mark>");
}

TEST(SearchExcerpt, TheLastWordAlsoMatchesAsAPrefix) {
  EXPECT_EQ(search::excerpt_html("De aanbesteding van de gemeente", "aanbest"),
            "De <mark>aanbesteding</mark> van de gemeente");
}

TEST(SearchExcerpt, EverythingElseIsEscaped) {
  EXPECT_EQ(search::excerpt_html("<script>alert('x')</script> & avg", "avg"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; <mark>avg</mark>");
  EXPECT_EQ(search::excerpt_html("a <b>\"quote\"</b>", "<b>"),
            "a &lt;<mark>b</mark>&gt;&quot;quote&quot;&lt;/<mark>b</mark>&gt;");
}

TEST(SearchExcerpt, LongTextsAreCutAroundTheFirstMatch) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "vulwoord ";
  text += "datalekken melden binnen 24 uur ";
  for (int i = 0; i < 200; ++i) text += "vulwoord ";
  const std::string excerpt = search::excerpt_html(text, "datalek", 100);
  EXPECT_TRUE(excerpt.starts_with("…")) << excerpt;
  EXPECT_TRUE(excerpt.ends_with("…")) << excerpt;
  EXPECT_NE(excerpt.find("<mark>datalekken</mark> melden"), std::string::npos) << excerpt;
  EXPECT_LT(excerpt.size(), 160U);
}

TEST(SearchExcerpt, MarkdownAndLineBreaksReadAsRunningText) {
  EXPECT_EQ(search::excerpt_html("# Checklist\n\n- **btw** aangifte\n| a | b |\n", "btw"),
            "Checklist - <mark>btw</mark> aangifte a b");
}

TEST(SearchExcerpt, WithoutAMatchTheTextStartsFromTheBeginning) {
  EXPECT_EQ(search::excerpt_html("Alleen de titel paste", "onbekend"), "Alleen de titel paste");
}

}  // namespace
