// Profiles and the directory over HTTP against the real binary, on both databases, with the demo
// network seeded: what visitors, members and owners see; the profile form with its errors; photos
// (real upload, metadata stripped, lying files, 50 MB); HTML and SQL in every field and filter.
#include <gtest/gtest.h>
#include <vips/vips.h>

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "http/parsers.h"
#include "support/server_process.h"
#include "support/web_browser.h"
#include "support/test_databases.h"
#include "support/text.h"

using testing_support::HttpResponse;
using testing_support::ServerProcess;

namespace {

constexpr const char* kDemoPassword = "knooppunt-demo";
constexpr const char* kMemberEmail = "lid@kkp-demo.nl";
constexpr const char* kCoordinatorEmail = "coordinator@kkp-demo.nl";
const std::string kBoundary = "----knooppunt-test-boundary";

using testing_support::contains;

// A small real photo with an EXIF block (camera make "Testcamera"), as a phone would send it.
std::string jpeg_with_exif() {
  VipsImage* image = nullptr;
  EXPECT_EQ(vips_xyz(&image, 300, 200, nullptr), 0);
  VipsImage* band = nullptr;
  vips_extract_band(image, &band, 0, nullptr);
  VipsImage* bytes = nullptr;
  vips_cast_uchar(band, &bytes, nullptr);
  vips_image_set_string(bytes, "exif-ifd0-Make", "Testcamera");
  void* buffer = nullptr;
  std::size_t length = 0;
  EXPECT_EQ(vips_jpegsave_buffer(bytes, &buffer, &length, nullptr), 0);
  std::string jpeg(static_cast<const char*>(buffer), length);
  g_free(buffer);
  for (VipsImage* i : {image, band, bytes}) g_object_unref(i);
  return jpeg;
}

using testing_support::FilePart;
using Browser = testing_support::WebBrowser;

std::string first_match(const std::string& text, const std::string& pattern) {
  std::smatch match;
  return std::regex_search(text, match, std::regex(pattern)) ? match[1].str() : "";
}

// The profile form's fields with every visibility public, then `changes` on top.
std::vector<std::pair<std::string, std::string>> profile_form(std::map<std::string, std::string> changes) {
  std::map<std::string, std::string> fields = {{"name", "Joost Verhoeven"},
                                               {"headline", "Financieel adviseur"},
                                               {"tags", "pensioen, verzekeringen"},
                                               {"town", "Bergen op Zoom"},
                                               {"availability", "available"},
                                               {"bio", "Ik help zzp'ers."},
                                               {"website", "https://www.joost.example"}};
  for (const char* field : {"profile", "headline", "photo", "disciplines", "tags", "town", "languages",
                            "availability", "bio", "website"}) {
    fields[std::string("visibility_") + field] = "public";
  }
  for (auto& [name, value] : changes) fields[name] = value;
  std::vector<std::pair<std::string, std::string>> list(fields.begin(), fields.end());
  list.emplace_back("disciplines", "financieel");
  list.emplace_back("languages", "nl");
  return list;
}

class MembersOverHttp : public ::testing::TestWithParam<db::Backend> {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(vips_init("members_pages_test"), 0); }

  void SetUp() override {
    database_ = std::make_unique<testing_support::TestDatabase>(GetParam());
    server_ = std::make_unique<ServerProcess>(
        ServerProcess::Options{database_->url(), true, {"--no-access-log", "--page-cache-seconds", "0"}});
  }
  void TearDown() override {
    server_.reset();
    database_.reset();
  }
  unsigned short port() const { return server_->port(); }

  std::unique_ptr<Browser> signed_in(const std::string& email) {
    auto browser = std::make_unique<Browser>(port());
    auto response =
        browser->post("/inloggen", {{"email", email}, {"password", kDemoPassword}, {"next", "/"}});
    EXPECT_EQ(response.status, 303) << response.body;
    return browser;
  }

  // The demo member's account id, read from their own profile form.
  std::string own_id(Browser& browser) {
    return first_match(browser.get("/profiel").body, "href=\"/leden/([0-9]+)\"");
  }

  std::unique_ptr<testing_support::TestDatabase> database_;
  std::unique_ptr<ServerProcess> server_;
};

std::string backend_name(const ::testing::TestParamInfo<db::Backend>& info) {
  return std::string(db::to_string(info.param));
}

TEST_P(MembersOverHttp, VisitorsFindDemoMembersByAStemmedWordWithoutJavaScript) {
  Browser visitor(port());
  auto page = visitor.get("/leden?q=verzekering");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "<form class=\"form\" method=\"get\" action=\"/leden\""));
  EXPECT_TRUE(contains(page.body, "<h2><a href=\"/leden/"));
  EXPECT_EQ(page.header("cache-control"), "private, no-cache");
  // Paging is plain links that keep the query.
  auto all = visitor.get("/leden");
  const std::string next = first_match(all.body, "href=\"(/leden\\?vanaf=[0-9]+)\" rel=\"next\"");
  ASSERT_FALSE(next.empty());
  auto second = visitor.get(next);
  EXPECT_EQ(second.status, 200);
  EXPECT_TRUE(contains(second.body, "rel=\"prev\""));
  EXPECT_EQ(
      visitor.get("/leden?vakgebied=financieel&plaats=Huijbergen&km=25&spreekt=nl&beschikbaarheid=available")
          .status,
      200);
}

TEST_P(MembersOverHttp, EachViewerSeesOnlyWhatTheOwnerAllows) {
  auto owner = signed_in(kMemberEmail);
  const std::string id = own_id(*owner);
  ASSERT_FALSE(id.empty());
  auto saved = owner->post("/profiel", profile_form({{"headline", "Adviseur voor een café in Goes"},
                                                     {"bio", "Alleen voor leden: mijn **tarieven**."},
                                                     {"website", "https://verborgen.example"},
                                                     {"visibility_bio", "members"},
                                                     {"visibility_website", "hidden"},
                                                     {"visibility_tags", "members"}}));
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(saved.header("location"), "/leden/" + id);

  Browser visitor(port());
  auto as_visitor = visitor.get("/leden/" + id);
  ASSERT_EQ(as_visitor.status, 200);
  EXPECT_TRUE(contains(as_visitor.body, "Adviseur voor een café in Goes"));
  EXPECT_FALSE(contains(as_visitor.body, "tarieven"));
  EXPECT_FALSE(contains(as_visitor.body, "verborgen.example"));
  EXPECT_FALSE(contains(as_visitor.body, "pensioen"));
  EXPECT_FALSE(contains(as_visitor.body, "/profiel\">"));
  // Accent folding through the whole stack: "cafe" finds "café"; a members-only tag does not.
  EXPECT_TRUE(contains(visitor.get("/leden?q=cafe").body, "href=\"/leden/" + id + "\""));
  EXPECT_FALSE(contains(visitor.get("/leden?q=pensioen").body, "href=\"/leden/" + id + "\""));

  auto fellow = signed_in(kCoordinatorEmail);
  auto as_member = fellow->get("/leden/" + id);
  ASSERT_EQ(as_member.status, 200);
  EXPECT_TRUE(contains(as_member.body, "<strong>tarieven</strong>"));
  EXPECT_TRUE(contains(as_member.body, "pensioen"));
  EXPECT_FALSE(contains(as_member.body, "verborgen.example"));
  EXPECT_TRUE(contains(fellow->get("/leden?q=pensioen").body, "href=\"/leden/" + id + "\""));

  auto as_owner = owner->get("/leden/" + id);
  EXPECT_TRUE(contains(as_owner.body, "verborgen.example"));
  EXPECT_TRUE(contains(as_owner.body, "href=\"/profiel\""));

  // A profile for members only is a 404 to visitors (whether it exists is not revealed).
  ASSERT_EQ(owner->post("/profiel", profile_form({{"visibility_profile", "members"}})).status, 303);
  EXPECT_EQ(visitor.get("/leden/" + id).status, 404);
  EXPECT_FALSE(contains(visitor.get("/leden?q=verhoeven").body, "href=\"/leden/" + id + "\""));
  EXPECT_EQ(fellow->get("/leden/" + id).status, 200);
  EXPECT_EQ(visitor.get("/leden/999999").status, 404);
  EXPECT_EQ(visitor.get("/leden/abc").status, 404);
}

TEST_P(MembersOverHttp, BadInputGets422WithInlineErrorsAndChangesNothing) {
  auto owner = signed_in(kMemberEmail);
  const std::string id = own_id(*owner);
  std::string many;
  for (int i = 0; i < 21; ++i) many += "tag" + std::to_string(i) + ",";
  auto refused = owner->post("/profiel", profile_form({{"headline", "Nieuwe kopregel"},
                                                       {"website", "javascript:alert(1)"},
                                                       {"tags", many},
                                                       {"town", "Atlantis"},
                                                       {"name", ""}}));
  EXPECT_EQ(refused.status, 422);
  EXPECT_TRUE(contains(refused.body, "class=\"error-summary\""));
  EXPECT_TRUE(contains(refused.body, "Een webadres begint met https:// of http://."));
  EXPECT_TRUE(contains(refused.body, "Geef hoogstens 20 tags op."));
  EXPECT_TRUE(contains(refused.body, "Deze plaats kennen we niet."));
  EXPECT_TRUE(contains(refused.body, "id=\"website-error\""));
  EXPECT_TRUE(contains(refused.body, "value=\"Nieuwe kopregel\""));  // what was typed stays in the form
  EXPECT_FALSE(contains(owner->get("/leden/" + id).body, "Nieuwe kopregel"));

  // Without the CSRF token: 403 and nothing saved.
  auto forged = owner->post("/profiel", profile_form({{"headline", "Vervalst"}}), false);
  EXPECT_EQ(forged.status, 403);
  EXPECT_FALSE(contains(owner->get("/leden/" + id).body, "Vervalst"));
  // Visitors are sent to sign in.
  Browser visitor(port());
  auto get_form = visitor.get("/profiel");
  EXPECT_EQ(get_form.status, 303);
  EXPECT_EQ(get_form.header("location"), "/inloggen?next=%2Fprofiel");
}

TEST_P(MembersOverHttp, HtmlAndScriptInEveryTextFieldAreEscaped) {
  auto owner = signed_in(kMemberEmail);
  const std::string id = own_id(*owner);
  const std::string attack = "<script>alert('x')</script><img src=x onerror=alert(1)>";
  auto saved = owner->post("/profiel", profile_form({{"name", "Joost " + attack},
                                                     {"headline", attack},
                                                     {"bio", attack + "\n\n[klik](javascript:alert(1))"},
                                                     {"website", "https://x.example/\"><script>"}}));
  // The website is refused (a quote and angle brackets), everything else is saved and escaped.
  EXPECT_EQ(saved.status, 422);
  saved = owner->post("/profiel", profile_form({{"name", "Joost " + attack},
                                                {"headline", attack},
                                                {"bio", attack + "\n\n[klik](javascript:alert(1))"}}));
  ASSERT_EQ(saved.status, 303);
  for (Browser* browser : {owner.get()}) {
    for (const std::string& page : {browser->get("/leden/" + id).body, browser->get("/leden?q=joost").body,
                                    browser->get("/profiel").body}) {
      EXPECT_FALSE(contains(page, "<script>alert")) << page.substr(0, 200);
      EXPECT_FALSE(contains(page, "<img src=x"));
      EXPECT_FALSE(contains(page, "href=\"javascript"));
    }
  }
  EXPECT_TRUE(contains(owner->get("/leden/" + id).body, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
}

TEST_P(MembersOverHttp, SqlMetacharactersInEveryFilterAreHarmless) {
  Browser visitor(port());
  for (const std::string value : {"' OR '1'='1", "'; DROP TABLE profiles; --", "\" OR 1=1 --", "%", "_", "\\",
                                  "*", ") OR (1=1", "verzekering' | 'x", "NEAR(a b)"}) {
    const std::string v = http::percent_encode(value);
    for (const std::string& target :
         {"/leden?q=" + v, "/leden?tag=" + v, "/leden?plaats=" + v, "/leden?vakgebied=" + v,
          "/leden?spreekt=" + v, "/leden?beschikbaarheid=" + v, "/leden?netwerk=" + v, "/leden?groep=" + v,
          "/leden?km=" + v + "&plaats=Goes", "/leden?vanaf=" + v}) {
      const int status = visitor.get(target).status;
      EXPECT_TRUE(status == 200 || status == 422) << target << " -> " << status;
    }
    // In the path: not found, or refused by the server's path rules (a backslash is 400).
    const int status = visitor.get("/leden/" + v).status;
    EXPECT_TRUE(status == 404 || status == 400) << value << " -> " << status;
  }
  auto unknown = visitor.get("/leden?plaats=Atlantis");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_TRUE(contains(unknown.body, "Deze plaats kennen we niet."));
  // Everything is still there.
  EXPECT_TRUE(contains(visitor.get("/leden?q=verzekering").body, "<h2><a href=\"/leden/"));
}

TEST_P(MembersOverHttp, PhotosAreReEncodedWithoutMetadataAndLiesAreRefused) {
  auto owner = signed_in(kMemberEmail);
  const std::string id = own_id(*owner);
  const std::string photo = jpeg_with_exif();
  ASSERT_TRUE(contains(photo, "Testcamera"));
  auto uploaded =
      owner->post_multipart("/profiel", profile_form({}), {{"photo", "ik.jpg", "image/jpeg", photo}});
  ASSERT_EQ(uploaded.status, 303) << uploaded.body.substr(0, 500);
  const std::string photo_url =
      first_match(owner->get("/leden/" + id).body, "src=\"(/leden/[0-9]+/foto\\?v=[0-9]+)\"");
  ASSERT_FALSE(photo_url.empty());
  Browser visitor(port());
  auto image = visitor.get(photo_url);
  ASSERT_EQ(image.status, 200);
  EXPECT_EQ(image.header("content-type"), "image/jpeg");
  EXPECT_TRUE(image.body.starts_with("\xFF\xD8\xFF"));
  EXPECT_FALSE(contains(image.body, "Testcamera"));
  EXPECT_FALSE(contains(image.body, "Exif"));
  EXPECT_EQ(visitor.get("/leden/" + id + "/foto/klein").status, 200);

  // A PDF named .jpg and sent as image/jpeg: 415, the old photo stays, nothing else changes.
  auto lie = owner->post_multipart("/profiel", profile_form({{"headline", "Na de leugen"}}),
                                   {{"photo", "foto.jpg", "image/jpeg", "%PDF-1.4\n%%EOF\n"}});
  EXPECT_EQ(lie.status, 415);
  EXPECT_TRUE(contains(lie.body, "Dit bestand is geen JPEG-, PNG- of WebP-afbeelding."));
  EXPECT_FALSE(contains(owner->get("/leden/" + id).body, "Na de leugen"));
  EXPECT_EQ(visitor.get(photo_url).status, 200);

  // Over 5 MB inside the form's limit: 413 with the form and its message.
  auto big =
      owner->post_multipart("/profiel", profile_form({}),
                            {{"photo", "groot.jpg", "image/jpeg", std::string(5 * 1024 * 1024 + 10, 'x')}});
  EXPECT_EQ(big.status, 413);
  EXPECT_TRUE(contains(big.body, "De foto is te groot."));

  // A hidden photo is not served to visitors.
  ASSERT_EQ(owner->post("/profiel", profile_form({{"visibility_photo", "hidden"}})).status, 303);
  EXPECT_EQ(visitor.get(photo_url).status, 404);
}

TEST_P(MembersOverHttp, AFiftyMegabyteUploadGets413AndTheServerKeepsServing) {
  auto owner = signed_in(kMemberEmail);
  testing_support::Connection connection(port());
  const std::string head = "POST /profiel HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port()) +
                           "\r\nCookie: " + owner->cookie_header() +
                           "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
                           "\r\nContent-Length: " + std::to_string(50 * 1024 * 1024) + "\r\n\r\n";
  connection.send(head + "--" + kBoundary + "\r\n" + std::string(64 * 1024, 'x'));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  // Other routes keep their small limit: 2 MB to the language form is refused too.
  testing_support::Connection other(port());
  other.send(
      "POST /taal HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "application/x-www-form-urlencoded\r\nContent-Length: " +
      std::to_string(2 * 1024 * 1024) + "\r\n\r\nx");
  auto small_route = other.read_response();
  ASSERT_TRUE(small_route);
  EXPECT_EQ(small_route->status, 413);
  EXPECT_EQ(testing_support::request(port(), "GET", "/healthz").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, MembersOverHttp, ::testing::ValuesIn(testing_support::test_backends()),
                         backend_name);

}  // namespace
