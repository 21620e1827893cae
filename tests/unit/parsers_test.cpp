// Table-driven tests for http/parsers.h: what a browser (or an attacker) can put in a URL, a form body,
// a Cookie or Accept-Language header, and what we send back in Set-Cookie.
#include "http/parsers.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace http {
namespace {

using namespace std::string_literals;  // "a\0b"s keeps the NUL

// --- percent_decode / percent_encode -------------------------------------------------------------

struct DecodeCase {
  std::string input;
  bool plus_as_space;
  std::optional<std::string> expected;
};

class PercentDecode : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(PercentDecode, DecodesWellFormedEscapesAndRejectsBrokenOnes) {
  const auto& c = GetParam();
  EXPECT_EQ(percent_decode(c.input, c.plus_as_space), c.expected) << "input: " << c.input;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PercentDecode,
    ::testing::Values(DecodeCase{"", false, ""s}, DecodeCase{"plain", false, "plain"s},
                      DecodeCase{"caf%C3%A9", false, "caf\xC3\xA9"s},
                      DecodeCase{"caf%c3%a9", false, "caf\xC3\xA9"s},  // lower-case hex too
                      DecodeCase{"a+b", true, "a b"s}, DecodeCase{"a+b", false, "a+b"s},
                      DecodeCase{"a%2Bb", true, "a+b"s},  // an encoded '+' stays a plus
                      DecodeCase{"%00", false, "\0"s}, DecodeCase{"100%", false, std::nullopt},
                      DecodeCase{"%4", false, std::nullopt}, DecodeCase{"%G1", false, std::nullopt},
                      DecodeCase{"%1G", false, std::nullopt}, DecodeCase{"%%41", false, std::nullopt},
                      DecodeCase{"%-1", false, std::nullopt}, DecodeCase{"%25", false, "%"s},
                      DecodeCase{"%2541", false, "%41"s}));  // decoded once, never twice

TEST(PercentEncode, KeepsOnlyUnreservedCharactersAsTheyAre) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("a b&c=d/e?f#g+h%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25");
  EXPECT_EQ(percent_encode("caf\xC3\xA9"), "caf%C3%A9");
  EXPECT_EQ(percent_encode("\0\xFF"s), "%00%FF");
}

TEST(PercentEncode, RoundTripsEveryByteThroughDecode) {
  std::string all_bytes;
  for (int byte = 0; byte < 256; ++byte) all_bytes += static_cast<char>(byte);
  EXPECT_EQ(percent_decode(percent_encode(all_bytes), false), all_bytes);
  EXPECT_EQ(percent_decode(percent_encode(all_bytes), true), all_bytes);
}

// --- is_valid_utf8 -------------------------------------------------------------------------------

struct Utf8Case {
  std::string name;
  std::string input;
  bool valid;
};

class Utf8Validation : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(Utf8Validation, AcceptsWellFormedTextOnly) {
  EXPECT_EQ(is_valid_utf8(GetParam().input), GetParam().valid);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Utf8Validation,
    ::testing::Values(
        Utf8Case{"Empty", "", true}, Utf8Case{"Ascii", "Bergen op Zoom", true},
        Utf8Case{"TwoByte", "Caf\xC3\xA9", true}, Utf8Case{"ThreeByteEuro", "\xE2\x82\xAC", true},
        Utf8Case{"FourByteEmoji", "\xF0\x9F\x98\x80", true},
        Utf8Case{"LargestCodePoint", "\xF4\x8F\xBF\xBF", true},
        Utf8Case{"LastBeforeSurrogates", "\xED\x9F\xBF", true},
        Utf8Case{"FirstAfterSurrogates", "\xEE\x80\x80", true}, Utf8Case{"Nul", "a\0b"s, true},
        Utf8Case{"OverlongSlashTwoBytes", "\xC0\xAF", false},
        Utf8Case{"OverlongNulTwoBytes", "\xC0\x80", false}, Utf8Case{"OverlongC1Lead", "\xC1\xBF", false},
        Utf8Case{"OverlongThreeBytes", "\xE0\x80\xAF", false},
        Utf8Case{"OverlongThreeBytesLargest", "\xE0\x9F\xBF", false},
        Utf8Case{"OverlongFourBytes", "\xF0\x80\x80\xAF", false},
        Utf8Case{"OverlongFourBytesLargest", "\xF0\x8F\xBF\xBF", false},
        Utf8Case{"HighSurrogate", "\xED\xA0\x80", false}, Utf8Case{"LowSurrogate", "\xED\xBF\xBF", false},
        Utf8Case{"AboveUnicode", "\xF4\x90\x80\x80", false}, Utf8Case{"LeadF5", "\xF5\x80\x80\x80", false},
        Utf8Case{"LeadFF", "\xFF", false}, Utf8Case{"LoneContinuation", "a\x80z", false},
        Utf8Case{"TruncatedTwoByte", "Caf\xC3", false}, Utf8Case{"TruncatedFourByte", "\xF0\x9F\x98", false},
        Utf8Case{"ContinuationMissing", "\xC3(", false}, Utf8Case{"Latin1", "caf\xE9", false}),
    [](const auto& info) { return info.param.name; });

// --- normalize_path ------------------------------------------------------------------------------

struct PathCase {
  std::string name;
  std::string raw;
  std::optional<std::string> expected;
};

class NormalizePath : public ::testing::TestWithParam<PathCase> {};

TEST_P(NormalizePath, DecodesSafePathsAndRefusesDangerousOnes) {
  EXPECT_EQ(normalize_path(GetParam().raw), GetParam().expected) << "raw: " << GetParam().raw;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NormalizePath,
    ::testing::Values(
        PathCase{"Root", "/", "/"s}, PathCase{"Plain", "/groepen/ict", "/groepen/ict"s},
        PathCase{"EncodedSpaces", "/groepen/ict%20en%20data", "/groepen/ict en data"s},
        PathCase{"PlusStaysPlus", "/a+b", "/a+b"s},
        PathCase{"EncodedUtf8", "/leden/caf%C3%A9", "/leden/caf\xC3\xA9"s},
        PathCase{"RawUtf8", "/leden/caf\xC3\xA9", "/leden/caf\xC3\xA9"s},
        PathCase{"DotInsideName", "/assets/app.3f2a.css", "/assets/app.3f2a.css"s},
        PathCase{"ThreeDotsIsAName", "/a/.../b", "/a/.../b"s},
        PathCase{"TrailingSlashKept", "/groepen/", "/groepen/"s}, PathCase{"Empty", "", std::nullopt},
        PathCase{"Relative", "groepen", std::nullopt}, PathCase{"AbsoluteUrl", "http://x/", std::nullopt},
        PathCase{"DotDot", "/assets/../etc/passwd", std::nullopt},
        PathCase{"DotDotAtEnd", "/assets/..", std::nullopt}, PathCase{"Dot", "/./a", std::nullopt},
        PathCase{"DotAtEnd", "/a/.", std::nullopt},
        PathCase{"EncodedDotDot", "/assets/%2E%2E/x", std::nullopt},
        PathCase{"EncodedDotDotLower", "/assets/%2e%2e/x", std::nullopt},
        PathCase{"EncodedSlash", "/a%2Fb", std::nullopt},
        PathCase{"EncodedSlashLower", "/a%2fb", std::nullopt},
        PathCase{"EncodedSlashHidingDotDot", "/..%2Fetc", std::nullopt},
        PathCase{"EncodedNul", "/a%00b", std::nullopt}, PathCase{"RawNul", "/a\0b"s, std::nullopt},
        PathCase{"Backslash", "/a\\b", std::nullopt}, PathCase{"EncodedBackslash", "/a%5Cb", std::nullopt},
        PathCase{"BackslashDotDot", "/..\\..\\x", std::nullopt},
        PathCase{"MalformedEscape", "/a%zz", std::nullopt}, PathCase{"TruncatedEscape", "/a%4", std::nullopt},
        PathCase{"InvalidUtf8", "/a%C3", std::nullopt}, PathCase{"OverlongSlash", "/a%C0%AFb", std::nullopt},
        PathCase{"Surrogate", "/%ED%A0%80", std::nullopt}),
    [](const auto& info) { return info.param.name; });

// --- FormData ------------------------------------------------------------------------------------

using Entries = std::vector<std::pair<std::string, std::string>>;

struct FormCase {
  std::string name;
  std::string encoded;
  Entries expected;
};

class FormDataParse : public ::testing::TestWithParam<FormCase> {};

TEST_P(FormDataParse, KeepsEveryWellFormedPairInOrder) {
  EXPECT_EQ(FormData::parse(GetParam().encoded).entries(), GetParam().expected)
      << "encoded: " << GetParam().encoded;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FormDataParse,
    ::testing::Values(FormCase{"Empty", "", {}}, FormCase{"OnePair", "taal=en", {{"taal", "en"}}},
                      FormCase{"TwoPairs", "e=a%40b.nl&naam=Jan", {{"e", "a@b.nl"}, {"naam", "Jan"}}},
                      FormCase{"PlusIsSpace", "q=ict+en+data", {{"q", "ict en data"}}},
                      FormCase{"EncodedPlusIsPlus", "q=1%2B1", {{"q", "1+1"}}},
                      FormCase{"PlusInName", "a+b=c", {{"a b", "c"}}},
                      FormCase{"NoEquals", "vlag", {{"vlag", ""}}}, FormCase{"EmptyValue", "a=", {{"a", ""}}},
                      FormCase{"EmptyName", "=x", {{"", "x"}}},
                      FormCase{"SecondEqualsBelongsToValue", "a=b=c", {{"a", "b=c"}}},
                      FormCase{"EmptyPiecesSkipped", "&a=1&&b=2&", {{"a", "1"}, {"b", "2"}}},
                      FormCase{"RepeatedNamesKept",
                               "g=ict&g=hrm&g=juridisch",
                               {{"g", "ict"}, {"g", "hrm"}, {"g", "juridisch"}}},
                      FormCase{"MalformedEscapeSkipsPair", "a=1&b=%zz&c=3", {{"a", "1"}, {"c", "3"}}},
                      FormCase{"MalformedNameSkipsPair", "%G=1&c=3", {{"c", "3"}}},
                      FormCase{"InvalidUtf8SkipsPair", "a=%C3&b=caf%C3%A9", {{"b", "caf\xC3\xA9"}}},
                      FormCase{"SurrogateSkipsPair", "a=%ED%A0%80&b=2", {{"b", "2"}}},
                      FormCase{"NulIsKept", "a=x%00y", {{"a", "x\0y"s}}},
                      FormCase{"SemicolonIsNotASeparator", "a=1;b=2", {{"a", "1;b=2"}}}),
    [](const auto& info) { return info.param.name; });

TEST(FormData, GetReturnsTheFirstValueAndGetAllReturnsEveryValue) {
  const auto form = FormData::parse("groep=ict&naam=An&groep=hrm");
  EXPECT_EQ(form.get("groep"), "ict");
  EXPECT_EQ(form.get_all("groep"), (std::vector<std::string_view>{"ict", "hrm"}));
  EXPECT_EQ(form.get("ontbreekt"), std::nullopt);
  EXPECT_TRUE(form.get_all("ontbreekt").empty());
  EXPECT_EQ(form.value_or("ontbreekt", "nl"), "nl");
  EXPECT_EQ(form.value_or("naam", "niemand"), "An");
}

TEST(FormData, NamesAreCaseSensitive) {
  const auto form = FormData::parse("Taal=en");
  EXPECT_EQ(form.get("taal"), std::nullopt);
  EXPECT_EQ(form.get("Taal"), "en");
}

// --- Cookies -------------------------------------------------------------------------------------

struct CookieCase {
  std::string name;
  std::string header;
  std::vector<std::pair<std::string, std::optional<std::string>>> expected;  // name -> value or absent
  std::size_t expected_size;
};

class CookiesParse : public ::testing::TestWithParam<CookieCase> {};

TEST_P(CookiesParse, ReadsWellFormedPairsAndSkipsTheRest) {
  const auto cookies = Cookies::parse(GetParam().header);
  for (const auto& [name, value] : GetParam().expected) {
    const auto actual = cookies.get(name);
    EXPECT_EQ(actual ? std::optional<std::string>(std::string(*actual)) : std::nullopt, value)
        << "cookie " << name << " in: " << GetParam().header;
  }
  EXPECT_EQ(cookies.size(), GetParam().expected_size) << "header: " << GetParam().header;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CookiesParse,
    ::testing::Values(
        CookieCase{"Empty", "", {{"a", std::nullopt}}, 0},
        CookieCase{"OnePair", "sessie=abc123", {{"sessie", "abc123"s}}, 1},
        CookieCase{"TwoPairs", "a=1; b=2", {{"a", "1"s}, {"b", "2"s}}, 2},
        CookieCase{"NoSpaceAfterSemicolon", "a=1;b=2", {{"a", "1"s}, {"b", "2"s}}, 2},
        CookieCase{"ExtraWhitespace", "  a = 1 ;\tb=2  ", {{"a", "1"s}, {"b", "2"s}}, 2},
        CookieCase{"QuotedValue", "a=\"x y\"; b=\"xyz\"", {{"a", std::nullopt}, {"b", "xyz"s}}, 1},
        CookieCase{"EmptyQuotedValue", "a=\"\"", {{"a", ""s}}, 1},
        CookieCase{"LoneQuote", "a=\"; b=2", {{"a", std::nullopt}, {"b", "2"s}}, 1},
        CookieCase{"EmptyValue", "a=; b=2", {{"a", ""s}, {"b", "2"s}}, 2},
        CookieCase{"ValueWithEquals", "t=abc==", {{"t", "abc=="s}}, 1},
        CookieCase{"NoEqualsSkipped", "kapot; a=1", {{"kapot", std::nullopt}, {"a", "1"s}}, 1},
        CookieCase{"EmptyNameSkipped", "=1; a=2", {{"", std::nullopt}, {"a", "2"s}}, 1},
        CookieCase{"SeparatorInNameSkipped", "a b=1; c(d)=2; e=3", {{"e", "3"s}}, 1},
        CookieCase{"SpaceInValueSkipped", "a=x y; b=2", {{"a", std::nullopt}, {"b", "2"s}}, 1},
        CookieCase{"CommaInValueSkipped", "a=x,y; b=2", {{"a", std::nullopt}, {"b", "2"s}}, 1},
        CookieCase{"BackslashInValueSkipped", "a=x\\y; b=2", {{"a", std::nullopt}, {"b", "2"s}}, 1},
        CookieCase{"ControlCharacterSkipped", "a=x\x01y; b=2", {{"a", std::nullopt}, {"b", "2"s}}, 1},
        CookieCase{"NonAsciiSkipped", "a=caf\xC3\xA9; b=2", {{"a", std::nullopt}, {"b", "2"s}}, 1},
        CookieCase{"FirstOfRepeatedNameWins", "taal=en; taal=nl", {{"taal", "en"s}}, 1},
        CookieCase{"ValueIsNotPercentDecoded", "a=x%20y", {{"a", "x%20y"s}}, 1},
        CookieCase{"OnlySeparators", ";;; ;", {{"a", std::nullopt}}, 0},
        CookieCase{"NamesAreCaseSensitive", "Taal=en", {{"taal", std::nullopt}, {"Taal", "en"s}}, 1}),
    [](const auto& info) { return info.param.name; });

// --- SetCookie -----------------------------------------------------------------------------------

SetCookie make_cookie(std::string name, std::string value) {
  SetCookie cookie;
  cookie.name = std::move(name);
  cookie.value = std::move(value);
  return cookie;
}

TEST(SetCookie, DefaultsToAHttpOnlyLaxSessionCookieForTheWholeSite) {
  EXPECT_EQ(make_cookie("sessie", "abc123").to_header(), "sessie=abc123; Path=/; HttpOnly; SameSite=Lax");
}

TEST(SetCookie, WritesEveryAttributeThatIsSet) {
  auto cookie = make_cookie("__Host-sessie", "abc");
  cookie.max_age_seconds = 3600;
  cookie.secure = true;
  cookie.same_site = "Strict";
  EXPECT_EQ(cookie.to_header(), "__Host-sessie=abc; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Strict");
}

TEST(SetCookie, DeletingSendsMaxAgeZero) {
  auto cookie = make_cookie("sessie", "");
  cookie.max_age_seconds = 0;
  EXPECT_EQ(cookie.to_header(), "sessie=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
  cookie.max_age_seconds = -5;  // the same to a browser; we never send a negative number
  EXPECT_EQ(cookie.to_header(), "sessie=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
}

TEST(SetCookie, ScriptReadableCookieOmitsHttpOnly) {
  auto cookie = make_cookie("taal", "en");
  cookie.http_only = false;
  cookie.same_site = "none";
  cookie.path = "/groepen";
  EXPECT_EQ(cookie.to_header(), "taal=en; Path=/groepen; SameSite=None");
}

TEST(SetCookie, UnknownSameSiteFallsBackToLaxAndEmptyOmitsIt) {
  auto cookie = make_cookie("a", "1");
  cookie.same_site = "bogus";
  EXPECT_EQ(cookie.to_header(), "a=1; Path=/; HttpOnly; SameSite=Lax");
  cookie.same_site = "";
  EXPECT_EQ(cookie.to_header(), "a=1; Path=/; HttpOnly");
}

TEST(SetCookie, ValueCannotInjectAttributesOrHeaders) {
  auto cookie = make_cookie("a;b", "x; Domain=evil.example\r\nSet-Cookie: y=1");
  cookie.path = "/p;q";
  const std::string header = cookie.to_header();
  EXPECT_EQ(header.find("; Domain"), std::string::npos) << header;
  EXPECT_EQ(header.find('\r'), std::string::npos) << header;
  EXPECT_EQ(header.find('\n'), std::string::npos) << header;
  EXPECT_EQ(header,
            "a%3Bb=x%3B%20Domain=evil.example%0D%0ASet-Cookie:%20y=1; Path=/p%3Bq; HttpOnly; SameSite=Lax");
}

TEST(SetCookie, HeaderParsesBackToTheSameValue) {
  const std::string header = make_cookie("sessie", "dGVzdA==.abc-_~").to_header();
  const auto cookies = Cookies::parse(header.substr(0, header.find(';')));
  EXPECT_EQ(cookies.get("sessie"), "dGVzdA==.abc-_~");
}

// --- parse_accept_language -----------------------------------------------------------------------

struct LanguageCase {
  std::string name;
  std::string header;
  std::vector<std::string> expected;
};

class AcceptLanguage : public ::testing::TestWithParam<LanguageCase> {};

TEST_P(AcceptLanguage, OrdersTagsByQualityAndIgnoresGarbage) {
  EXPECT_EQ(parse_accept_language(GetParam().header), GetParam().expected) << GetParam().header;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AcceptLanguage,
    ::testing::Values(
        LanguageCase{"Empty", "", {}}, LanguageCase{"One", "nl", {"nl"}},
        LanguageCase{"DocumentedExample", "en-GB,en;q=0.9,nl;q=0.8", {"en-gb", "en", "nl"}},
        LanguageCase{"OutOfOrderQualities", "de;q=0.1, nl;q=0.9, en;q=0.5", {"nl", "en", "de"}},
        LanguageCase{"MissingQualityIsOne", "fr;q=0.8, nl-BE", {"nl-be", "fr"}},
        LanguageCase{"EqualQualitiesKeepOrder", "fy;q=0.5,nl;q=0.5,en;q=0.5", {"fy", "nl", "en"}},
        LanguageCase{"QualityZeroMeansNot", "nl, en;q=0", {"nl"}},
        LanguageCase{"WildcardDropped", "nl, *;q=0.5", {"nl"}},
        LanguageCase{"UpperCaseLowered", "NL-be, EN;Q=0.4", {"nl-be", "en"}},
        LanguageCase{"WhitespaceAround", "  nl ;  q=0.7 ,\ten ", {"en", "nl"}},
        LanguageCase{"ThreeDecimals", "a;q=0.001,b;q=0.002", {"b", "a"}},
        LanguageCase{"QualityOneWithDecimals", "en;q=1.000,nl;q=0.999", {"en", "nl"}},
        LanguageCase{"QualityAboveOneDropped", "en;q=1.5,nl", {"nl"}},
        LanguageCase{"QualityTooPreciseDropped", "en;q=0.0001,nl", {"nl"}},
        LanguageCase{"QualityNotANumberDropped", "en;q=abc,nl;q=,de;q=-1,fr;q=.5,it;q=0.5", {"it"}},
        LanguageCase{"UnknownParameterDropped", "en;x=1,nl", {"nl"}},
        LanguageCase{"RepeatedTagKeptOnce", "nl;q=0.9,en,nl", {"en", "nl"}},
        LanguageCase{"InvalidTagsDropped", "<script>,n l,toolongtag,nl--be,-nl,nl-,1nl,nl", {"nl"}},
        LanguageCase{"DigitSubtagAllowed", "es-419", {"es-419"}}, LanguageCase{"OnlyCommas", ",,, ,", {}},
        LanguageCase{"NonAscii", "n\xC3\xA9,en", {"en"}}),
    [](const auto& info) { return info.param.name; });

TEST(AcceptLanguage, ReadsOnlyTheFirstEntriesOfAHugeHeader) {
  std::string header;
  for (int i = 0; i < 1000; ++i) header += "x-" + std::to_string(i) + ";q=0.5,";
  header += "nl";  // past the cap: a browser never sends this many
  const auto tags = parse_accept_language(header);
  EXPECT_LE(tags.size(), 32u);
  EXPECT_EQ(tags.front(), "x-0");
}

TEST(ParseId, TakesOnlyPlainPositiveNumbersSoNothingElseReachesSql) {
  EXPECT_EQ(parse_id("42"), 42);
  EXPECT_EQ(parse_id("999999999999999999"), 999999999999999999);
  for (const char* refused : {"", "0", "-1", "+1", " 1", "1 ", "4a", "0x10", "1e3", "9999999999999999999"}) {
    EXPECT_EQ(parse_id(refused), std::nullopt) << refused;
  }
}

TEST(MediaType, IgnoresParametersCaseAndSpaces) {
  EXPECT_TRUE(has_media_type("application/json", "application/json"));
  EXPECT_TRUE(has_media_type("Application/JSON; charset=utf-8", "application/json"));
  EXPECT_TRUE(has_media_type(" application/json ;charset=utf-8", "application/json"));
  EXPECT_FALSE(has_media_type("application/jsonp", "application/json"));
  EXPECT_FALSE(has_media_type("text/plain; x=application/json", "application/json"));
  EXPECT_FALSE(has_media_type("", "application/json"));
}

TEST(EqualIgnoringCase, ComparesAsciiLettersOnly) {
  EXPECT_TRUE(equal_ignoring_case("KKP.nl:8443", "kkp.NL:8443"));
  EXPECT_FALSE(equal_ignoring_case("kkp.nl", "kkp.nl:8443"));
  EXPECT_FALSE(equal_ignoring_case("é", "É"));  // hosts are ASCII; nothing else is folded
}

}  // namespace
}  // namespace http
