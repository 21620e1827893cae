// web::Site: the layout every page shares, error pages, language, flash messages, CSRF and form
// errors, seen the way a browser sees them (status, headers, HTML).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/parsers.h"
#include "http/router.h"
#include "support/text.h"
#include "web/form_errors.h"
#include "web/language_routes.h"
#include "web/site.h"

namespace {

using kainjow::mustache::data;

const web::Site& site() {
  static const web::Site instance(
      web::AssetUrls{"/assets/app.test.css", "/assets/logo.test.svg", "/assets/favicon.test.svg"},
      web::SiteOptions{"a test secret that is long enough to sign with", false});
  return instance;
}

http::Request get(std::string target, std::string cookie = "") {
  http::Request request;
  request.method = http::Method::Get;
  request.target = target;
  request.path = target.substr(0, target.find('?'));
  request.headers.add("host", "knooppunt.test");
  if (!cookie.empty()) request.headers.add("cookie", cookie);
  return request;
}

std::vector<std::string> set_cookies(const http::Response& response) {
  std::vector<std::string> values;
  for (auto value : response.headers.get_all("set-cookie")) values.emplace_back(value);
  return values;
}

// The value a Set-Cookie header gives `name`, or "" when none does.
std::string cookie_value(const http::Response& response, std::string_view name) {
  for (const auto& header : set_cookies(response)) {
    if (header.starts_with(std::string(name) + "=")) {
      const auto start = name.size() + 1;
      return header.substr(start, header.find(';') - start);
    }
  }
  return "";
}

using testing_support::contains;

http::Response error_page_text_page(const http::Request& request) {
  data values;
  values.set("title", std::string("Test"));
  return site().page(request, "error", std::move(values));
}

// --- layout -----------------------------------------------------------------------------------------

TEST(WebSite, LayoutHasLandmarksSkipLinkAndDutchLangAttributeByDefault) {
  const auto response = error_page_text_page(get("/"));
  const std::string& html = response.body;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers.get("content-type").value_or(""), "text/html; charset=utf-8");
  EXPECT_EQ(response.headers.get("content-language").value_or(""), "nl");
  EXPECT_TRUE(contains(html, "<html lang=\"nl\">")) << html;
  EXPECT_TRUE(contains(html, "<a class=\"skip-link\" href=\"#hoofdinhoud\">Naar de inhoud</a>"));
  EXPECT_TRUE(contains(html, "<main id=\"hoofdinhoud\""));
  EXPECT_TRUE(contains(html, "<header"));
  EXPECT_TRUE(contains(html, "<nav class=\"site-nav\" aria-label=\"Hoofdmenu\">"));
  EXPECT_TRUE(contains(html, "<footer"));
  EXPECT_TRUE(contains(html, "<title>Test · Knooppunt</title>"));
  EXPECT_TRUE(contains(html, "href=\"/assets/app.test.css\""));
  EXPECT_TRUE(contains(html, "<a href=\"/\" aria-current=\"page\">"));
}

TEST(WebSite, LanguageCookieSwitchesTheWholePageToEnglish) {
  const auto response = error_page_text_page(get("/", "taal=en"));
  EXPECT_EQ(response.headers.get("content-language").value_or(""), "en");
  EXPECT_TRUE(contains(response.body, "<html lang=\"en\">"));
  EXPECT_TRUE(contains(response.body, "Skip to content"));
  EXPECT_FALSE(contains(response.body, "Naar de inhoud"));
  // The switch offers the other language, in its own words.
  EXPECT_TRUE(contains(response.body, "value=\"nl\" lang=\"nl\">Nederlands</button>"));
}

TEST(WebSite, UnknownLanguageCookieMeansDutch) {
  EXPECT_EQ(site().language_of(get("/", "taal=fr")), "nl");
  EXPECT_EQ(site().language_of(get("/", "taal=")), "nl");
  EXPECT_EQ(site().language_of(get("/")), "nl");
  EXPECT_EQ(site().language_of(get("/", "other=1; taal=en")), "en");
}

TEST(WebSite, PageTitleAndDataAreEscaped) {
  data values;
  values.set("title", std::string("<script>alert(1)</script>"));
  values.set("message", std::string("\"quoted\" <b>"));
  const auto response = site().page(get("/"), "error", std::move(values));
  EXPECT_FALSE(contains(response.body, "<script>alert(1)</script>"));
  EXPECT_TRUE(contains(response.body, "<title>&lt;script&gt;alert(1)&lt;/script&gt; · Knooppunt</title>"));
  EXPECT_FALSE(contains(response.body, "\"quoted\" <b>"));
}

TEST(WebSite, NextFieldInTheLayoutIsEscapedAndLocal) {
  const auto response = error_page_text_page(get("/netwerken?x=\"><script>"));
  EXPECT_FALSE(contains(response.body, "\"><script>"));
  EXPECT_TRUE(contains(response.body, "name=\"next\" value=\"/netwerken?x=&quot;&gt;&lt;script&gt;\""));
}

TEST(WebSite, UnknownTemplateIsFoundAtStartUp) {
  EXPECT_THROW(site().require_templates({"layout", "no/such/template"}), std::runtime_error);
  EXPECT_NO_THROW(site().require_templates({"layout", "error", "language"}));
}

// --- error pages ----------------------------------------------------------------------------------

TEST(WebSite, ErrorPagesSpeakTheUsersLanguageForEveryStatus) {
  for (int status : {400, 403, 404, 405, 413, 431, 500, 503}) {
    const auto dutch = site().error_page(nullptr, status);
    const auto english_request = get("/x", "taal=en");
    const auto english = site().error_page(&english_request, status);
    EXPECT_EQ(dutch.status, status);
    EXPECT_EQ(english.status, status);
    EXPECT_TRUE(contains(dutch.body, "lang=\"nl\"")) << status;
    EXPECT_TRUE(contains(english.body, "lang=\"en\"")) << status;
    EXPECT_TRUE(contains(dutch.body, "Foutcode " + std::to_string(status))) << status;
    EXPECT_TRUE(contains(english.body, "Error code " + std::to_string(status))) << status;
    EXPECT_NE(dutch.body, english.body);
  }
  EXPECT_TRUE(contains(site().error_page(nullptr, 404).body, "Deze pagina bestaat niet"));
  EXPECT_TRUE(contains(site().error_page(nullptr, 500).body, "Er ging iets mis"));
}

TEST(WebSite, ErrorPagesLeakNoInternals) {
  for (int status : {400, 403, 404, 405, 413, 431, 500, 503, 418, 502}) {
    const auto request = get("/geheim/pad?token=abc");
    for (const auto& html :
         {site().error_page(nullptr, status).body, site().error_page(&request, status).body}) {
      for (std::string_view leak : {"exception", "what()", "mustache", "sqlite", "postgres", "stack", ".cpp",
                                    "{{", "\x01", "Internal Server Error"}) {
        EXPECT_FALSE(contains(html, leak)) << status << " leaks " << leak;
      }
      // The user's own path comes back only in the language form's hidden `next` field, escaped.
      if (contains(html, "geheim")) {
        EXPECT_TRUE(contains(html, "name=\"next\" value=\"/geheim/pad?token=abc\"")) << status;
        EXPECT_EQ(html.find("geheim"), html.rfind("geheim")) << status;
      }
    }
  }
}

TEST(WebSite, UnlistedStatusesGetThePageOfTheirClass) {
  EXPECT_TRUE(contains(site().error_page(nullptr, 418).body, "Dit verzoek begrijpen we niet"));
  EXPECT_TRUE(contains(site().error_page(nullptr, 502).body, "Er ging iets mis"));
  EXPECT_EQ(site().error_page(nullptr, 502).status, 502);
}

TEST(WebSite, ErrorPageWithoutARequestSetsNoCookiesAndOffersNoForm) {
  const auto response = site().error_page(nullptr, 400);
  EXPECT_TRUE(set_cookies(response).empty());
  EXPECT_FALSE(contains(response.body, "<form"));
}

// --- CSRF -----------------------------------------------------------------------------------------

http::Request post(std::string target, std::string body, std::string cookie, std::string origin) {
  http::Request request;
  request.method = http::Method::Post;
  request.target = target;
  request.path = target;
  request.body = std::move(body);
  request.headers.add("host", "knooppunt.test");
  request.headers.add("content-type", "application/x-www-form-urlencoded");
  if (!cookie.empty()) request.headers.add("cookie", cookie);
  if (!origin.empty()) request.headers.add("origin", origin);
  return request;
}

// A token as a browser gets it: from the Set-Cookie of a first page view.
std::string issued_token() {
  const std::string token = cookie_value(error_page_text_page(get("/")), "csrf");
  EXPECT_FALSE(token.empty());
  return token;
}

TEST(WebSite, FirstPageViewSetsAnHttpOnlySameSiteCsrfCookieAndTheSameTokenInForms) {
  const auto response = error_page_text_page(get("/"));
  const std::string token = cookie_value(response, "csrf");
  ASSERT_FALSE(token.empty());
  bool attributes_ok = false;
  for (const auto& header : set_cookies(response)) {
    if (header.starts_with("csrf="))
      attributes_ok = contains(header, "HttpOnly") && contains(header, "SameSite=Lax");
  }
  EXPECT_TRUE(attributes_ok);
  EXPECT_TRUE(contains(response.body, "name=\"csrf\" value=\"" + token + "\""));
  // The browser's own token is reused, not replaced on every page.
  const auto second = error_page_text_page(get("/", "csrf=" + token));
  EXPECT_TRUE(cookie_value(second, "csrf").empty());
  EXPECT_TRUE(contains(second.body, "value=\"" + token + "\""));
}

TEST(WebSite, CsrfAcceptsMatchingTokenFromTheSameOrigin) {
  const std::string token = issued_token();
  EXPECT_TRUE(site().csrf_ok(post("/taal", "csrf=" + token, "csrf=" + token, "http://knooppunt.test")));
  EXPECT_TRUE(
      site().csrf_ok(post("/taal", "csrf=" + token, "csrf=" + token, "")));  // no Origin: token decides
  auto with_referer = post("/taal", "csrf=" + token, "csrf=" + token, "");
  with_referer.headers.add("referer", "http://knooppunt.test/netwerken");
  EXPECT_TRUE(site().csrf_ok(with_referer));
}

TEST(WebSite, CsrfRejectsMissingMismatchedForgedOrCrossOriginRequests) {
  const std::string token = issued_token();
  const std::string other = issued_token();
  EXPECT_FALSE(site().csrf_ok(post("/taal", "", "csrf=" + token, "")));                   // no field
  EXPECT_FALSE(site().csrf_ok(post("/taal", "csrf=" + token, "", "")));                   // no cookie
  EXPECT_FALSE(site().csrf_ok(post("/taal", "csrf=" + other, "csrf=" + token, "")));      // mismatch
  EXPECT_FALSE(site().csrf_ok(post("/taal", "csrf=forged.sig", "csrf=forged.sig", "")));  // not ours
  EXPECT_FALSE(site().csrf_ok(post("/taal", "csrf=", "csrf=", "")));
  EXPECT_FALSE(site().csrf_ok(post("/taal", "csrf=" + token, "csrf=" + token, "https://evil.example")));
  EXPECT_FALSE(site().csrf_ok(post("/taal", "csrf=" + token, "csrf=" + token, "null")));
  EXPECT_FALSE(
      site().csrf_ok(post("/taal", "csrf=" + token, "csrf=" + token, "http://knooppunt.test.evil.example")));
  auto cross_referer = post("/taal", "csrf=" + token, "csrf=" + token, "");
  cross_referer.headers.add("referer", "https://evil.example/knooppunt.test");
  EXPECT_FALSE(site().csrf_ok(cross_referer));
}

TEST(WebSite, TokenSignedWithAnotherSecretIsRejected) {
  const web::Site other_site(web::AssetUrls{"/a.css", "/l.svg", "/f.svg"},
                             web::SiteOptions{"another secret", false});
  const std::string foreign = cookie_value(other_site.page(get("/"), "error", data()), "csrf");
  ASSERT_FALSE(foreign.empty());
  EXPECT_FALSE(site().csrf_ok(post("/taal", "csrf=" + foreign, "csrf=" + foreign, "")));
}

// --- flash messages and the language form -----------------------------------------------------------

class WebLanguageForm : public ::testing::Test {
 protected:
  WebLanguageForm() { web::register_language_routes(router_, site()); }

  http::Response handle(http::Request request) {
    auto match = router_.match(request.method, request.path);
    EXPECT_EQ(match.kind, http::Router::Match::Kind::Found);
    return (*match.handler)(request);
  }

  http::Response switch_language(std::string_view form_fields, std::string origin = "http://knooppunt.test") {
    const std::string token = issued_token();
    return handle(post("/taal", "csrf=" + token + "&" + std::string(form_fields), "csrf=" + token, origin));
  }

  http::Router router_;
};

TEST_F(WebLanguageForm, SwitchSetsCookieForAYearAndRedirectsBackWithAFlash) {
  const auto response = switch_language("taal=en&next=%2Fnetwerken%2Fmidden-brabant");
  EXPECT_EQ(response.status, 303);
  EXPECT_EQ(response.headers.get("location").value_or(""), "/netwerken/midden-brabant");
  EXPECT_EQ(cookie_value(response, "taal"), "en");
  bool one_year = false;
  for (const auto& header : set_cookies(response)) {
    if (header.starts_with("taal=")) one_year = contains(header, "Max-Age=31536000");
  }
  EXPECT_TRUE(one_year);
  EXPECT_FALSE(cookie_value(response, "flash").empty());
}

TEST_F(WebLanguageForm, FlashShowsOnTheNextPageOnlyInTheNewLanguage) {
  const auto switched = switch_language("taal=en&next=%2F");
  const std::string flash = cookie_value(switched, "flash");
  ASSERT_FALSE(flash.empty());

  const auto next_page = error_page_text_page(get("/", "taal=en; flash=" + flash));
  EXPECT_TRUE(contains(next_page.body, "The website is now shown in English.")) << next_page.body;
  EXPECT_TRUE(contains(next_page.body, "role=\"status\""));
  // The page clears the cookie, so the browser does not send it again.
  bool cleared = false;
  for (const auto& header : set_cookies(next_page)) {
    if (header.starts_with("flash=")) cleared = contains(header, "Max-Age=0");
  }
  EXPECT_TRUE(cleared);
  // The request after that (no flash cookie any more) shows no message.
  const auto later = error_page_text_page(get("/", "taal=en"));
  EXPECT_FALSE(contains(later.body, "The website is now shown in English."));
  EXPECT_FALSE(contains(later.body, "role=\"status\""));
}

TEST_F(WebLanguageForm, ForgedOrTamperedFlashIsIgnored) {
  const std::string flash = cookie_value(switch_language("taal=nl&next=%2F"), "flash");
  ASSERT_FALSE(flash.empty());
  std::string tampered = flash;
  tampered.replace(tampered.find("flash.language_changed"), 22, "error.500.message_____");
  for (const std::string& forged : {tampered, std::string("9999999999~flash.language_changed~AAAA"),
                                    std::string("flash.language_changed"), flash + "x"}) {
    const auto page = error_page_text_page(get("/", "flash=" + forged));
    EXPECT_FALSE(contains(page.body, "role=\"status\"")) << forged;
    EXPECT_FALSE(contains(page.body, "De taal van de website is nu Nederlands.")) << forged;
  }
  EXPECT_EQ(site().flash_key_of(get("/", "flash=" + flash)), "flash.language_changed");
}

TEST_F(WebLanguageForm, SwitchWithoutValidCsrfIs403AndChangesNothing) {
  const auto response = handle(post("/taal", "taal=en&next=%2F", "", "http://knooppunt.test"));
  EXPECT_EQ(response.status, 403);
  EXPECT_TRUE(cookie_value(response, "taal").empty());
  const auto cross_site = switch_language("taal=en&next=%2F", "https://evil.example");
  EXPECT_EQ(cross_site.status, 403);
  EXPECT_TRUE(cookie_value(cross_site, "taal").empty());
}

TEST_F(WebLanguageForm, NextThatLeavesTheSiteRedirectsHome) {
  for (std::string_view next : {"%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "%2F%5Cevil.example",
                                "evil.example", "%2F%09%2Fevil.example", ""}) {
    const auto response = switch_language("taal=en&next=" + std::string(next));
    EXPECT_EQ(response.status, 303) << next;
    EXPECT_EQ(response.headers.get("location").value_or(""), "/") << next;
  }
}

TEST_F(WebLanguageForm, BadLanguageShowsTheFormAgainWithInlineErrorAnd422) {
  const auto response = switch_language("taal=fr&next=%2Fnetwerken");
  EXPECT_EQ(response.status, 422);
  const std::string& html = response.body;
  EXPECT_TRUE(contains(html, "class=\"error-summary\" role=\"alert\"")) << html;
  EXPECT_TRUE(contains(html, "<a href=\"#taal\">Kies Nederlands of English.</a>"));
  EXPECT_TRUE(contains(html, "id=\"taal\" class=\"field field-invalid\" aria-describedby=\"taal-error\""));
  EXPECT_TRUE(contains(html, "<p class=\"field-error\" id=\"taal-error\">"));
  // The form keeps where the user came from.
  EXPECT_TRUE(contains(html, "name=\"next\" value=\"/netwerken\""));
  EXPECT_TRUE(cookie_value(response, "taal").empty());
}

TEST_F(WebLanguageForm, LanguagePageWorksWithoutJavaScript) {
  const auto response = handle(get("/taal", "taal=en"));
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(contains(response.body, "<form class=\"form\" method=\"post\" action=\"/taal\""));
  EXPECT_TRUE(contains(response.body, "id=\"taal-en\" value=\"en\" checked>"));
  EXPECT_TRUE(contains(response.body, "<label for=\"taal-nl\" lang=\"nl\">Nederlands</label>"));
  EXPECT_FALSE(contains(response.body, "aria-describedby"));  // no errors yet
}

// --- FormErrors and local paths ---------------------------------------------------------------------

TEST(WebFormErrors, FirstErrorPerFieldWinsAndMessagesComeFromTheCatalog) {
  web::FormErrors errors;
  EXPECT_TRUE(errors.empty());
  errors.add("taal", "form.errors.language_invalid");
  errors.add("taal", "error.404.title");
  EXPECT_TRUE(errors.has("taal"));
  EXPECT_FALSE(errors.has("naam"));
  ASSERT_EQ(errors.entries().size(), 1u);

  data values;
  errors.add_to(values, site().catalog(), "en");
  const auto* error = values.get("errors")->get("taal");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->get("id")->string_value(), "taal-error");
  EXPECT_EQ(error->get("message")->string_value(), "Choose Nederlands or English.");
  EXPECT_EQ(values.get("form_errors")->get("list")->list_value().size(), 1u);
}

TEST(WebFormErrors, NoErrorsAddNothing) {
  data values;
  web::FormErrors().add_to(values, site().catalog(), "nl");
  EXPECT_EQ(values.get("errors"), nullptr);
  EXPECT_EQ(values.get("form_errors"), nullptr);
}

TEST(WebLocalPath, OnlyPathsOnThisSiteAreAccepted) {
  EXPECT_EQ(web::local_path_or_root("/netwerken/midden-brabant?x=1#y"), "/netwerken/midden-brabant?x=1#y");
  EXPECT_EQ(web::local_path_or_root("/"), "/");
  for (std::string_view bad :
       {"//evil.example", "https://evil.example", "/\\evil.example", "\\\\evil.example", "evil.example", "",
        "javascript:alert(1)", "/\t/evil.example", "/a\r\nSet-Cookie: x"}) {
    EXPECT_EQ(web::local_path_or_root(bad), "/") << bad;
  }
}

}  // namespace
