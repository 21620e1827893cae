// The text helpers of discussions: @mentions found in Markdown (not in code or links) and linked on
// render, the line diff of the edit history, page numbers and post paths, and dates in Amsterdam time.
#include <gtest/gtest.h>

#include "discussions/diff.h"
#include "discussions/routes.h"
#include "discussions/types.h"
#include "web/markdown.h"

namespace {

using discussions::DiffLine;

TEST(DiscussionsMentions, AreFoundInTextButNotInCodeLinksOrEmailAddresses) {
  const auto handles = web::find_mentions(
      "Vraag aan @Piet-Jansen en @anna-de-vries, niet `@Code-Naam`, niet jan@example.nl, "
      "niet [@Link-Naam](https://example.nl).\n\n```\n@Blok-Naam\n```\nNog eens @Piet-Jansen.");
  EXPECT_EQ(handles, (std::vector<std::string>{"Piet-Jansen", "anna-de-vries"}));
}

TEST(DiscussionsMentions, StopAtPunctuationAndKeepAccentsAndApostrophes) {
  EXPECT_EQ(web::find_mentions("(@José-d'Hondt)!"), (std::vector<std::string>{"José-d'Hondt"}));
  EXPECT_EQ(web::find_mentions("@Jan-."), (std::vector<std::string>{"Jan"}));
  EXPECT_TRUE(web::find_mentions("@ of @- of @@x").empty());
}

TEST(DiscussionsMentions, RenderAsLinksOnlyForResolvedHandlesAndStaySafe) {
  const std::string html = web::render_markdown("Hoi @Piet-Jansen en @Niemand, <b>vet</b>",
                                                {{"Piet-Jansen", "/leden/12"}});
  EXPECT_NE(html.find("<a rel=\"nofollow ugc noopener\" href=\"/leden/12\">@Piet-Jansen</a>"), std::string::npos)
      << html;
  EXPECT_NE(html.find("@Niemand"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos) << html;
}

TEST(DiscussionsDiff, MarksRemovedAndAddedLinesAroundCommonOnes) {
  const auto lines = discussions::diff_lines("een\ntwee\ndrie", "een\n2\ndrie\nvier");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].change, DiffLine::Change::Same);
  EXPECT_EQ(lines[1].change, DiffLine::Change::Removed);
  EXPECT_EQ(lines[1].text, "twee");
  EXPECT_EQ(lines[2].change, DiffLine::Change::Added);
  EXPECT_EQ(lines[2].text, "2");
  EXPECT_EQ(lines[3].change, DiffLine::Change::Same);
  EXPECT_EQ(lines[4].change, DiffLine::Change::Added);
}

TEST(DiscussionsPaths, PagesHoldFiftyPostsAndPathsNameThePageOnlyAfterTheFirst) {
  EXPECT_EQ(discussions::page_of(1), 1);
  EXPECT_EQ(discussions::page_of(50), 1);
  EXPECT_EQ(discussions::page_of(51), 2);
  EXPECT_EQ(discussions::post_path(7, 3, 99), "/onderwerpen/7#reactie-99");
  EXPECT_EQ(discussions::post_path(7, 101, 300), "/onderwerpen/7?pagina=3#reactie-300");
}

TEST(DiscussionsDates, AreShownInAmsterdamTimeWithSummerTime) {
  EXPECT_EQ(discussions::format_moment(1748865600, "nl"), "2 jun 2025, 14:00");  // summer: UTC+2
  EXPECT_EQ(discussions::format_moment(1736942400, "en"), "15 Jan 2025, 13:00");  // winter: UTC+1
}

}  // namespace
