// Member profiles and directory results: plain values shared by the members store, service, routes
// and by other features (the JSON API). No behaviour beyond small lookups over fixed lists.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace members {

// Who may see a field. Ordered: a viewer with access level L sees every field whose visibility <= L
// (a visitor has level Public, a member Members, the owner sees everything, including Hidden).
enum class Visibility { Public = 0, Members = 1, Hidden = 2 };
std::string_view to_string(Visibility visibility);  // "public", "members", "hidden"
std::optional<Visibility> visibility_from_string(std::string_view text);

enum class Availability { Available, Limited, Unavailable };
std::string_view to_string(Availability availability);  // "available", "limited", "unavailable"
std::optional<Availability> availability_from_string(std::string_view text);

// A label in both languages the site speaks.
struct Label {
  std::string_view code;
  std::string_view nl;
  std::string_view en;
  std::string_view in(std::string_view language) const { return language == "en" ? en : nl; }
};

// The fixed list of disciplines, in display order (codes are stable: URLs and the API use them).
std::span<const Label> disciplines();
const Label* find_discipline(std::string_view code);
// The languages a member can list (ISO 639-1 codes), in display order.
std::span<const Label> spoken_languages();
const Label* find_spoken_language(std::string_view code);

// The fields whose visibility a member chooses. `profile` governs the whole profile: the name, and
// whether the member appears in the directory at all (hidden: only the owner sees the profile).
enum class Field { Profile, Headline, Photo, Disciplines, Tags, Town, Languages, Availability, Bio, Website };
inline constexpr std::size_t kFieldCount = 10;
std::string_view to_string(Field field);  // "profile", "headline", ... (form and API names)

struct FieldVisibility {
  Visibility profile = Visibility::Members;
  Visibility headline = Visibility::Members;
  Visibility photo = Visibility::Members;
  Visibility disciplines = Visibility::Members;
  Visibility tags = Visibility::Members;
  Visibility town = Visibility::Members;
  Visibility languages = Visibility::Members;
  Visibility availability = Visibility::Members;
  Visibility bio = Visibility::Members;
  Visibility website = Visibility::Members;

  Visibility of(Field field) const;
  void set(Field field, Visibility visibility);
  bool operator==(const FieldVisibility&) const = default;
};

// A place from the bundled list (resources/places/places.csv).
struct Place {
  std::string name;     // "Bergen op Zoom"
  std::string region;   // province (NL) or province (BE): "Noord-Brabant", "Antwerpen"
  std::string country;  // "NL" or "BE"
  double latitude = 0;  // WGS84 degrees
  double longitude = 0;
  bool operator==(const Place&) const = default;
};

// A whole profile as stored: what the owner sees and edits.
struct Profile {
  std::int64_t account_id = 0;
  std::string name;                      // from the account
  std::string headline;                  // one line: "Fiscalist voor zzp'ers en familiebedrijven"
  std::vector<std::string> disciplines;  // codes from disciplines(), in display order
  std::vector<std::string> tags;         // normalised expertise tags, sorted
  std::optional<Place> town;             // from the bundled list
  std::vector<std::string> languages;    // codes from spoken_languages(), in display order
  Availability availability = Availability::Available;
  std::string bio_markdown;        // as the member wrote it
  std::string bio_html;            // rendered once on save by web/markdown.h (safe to insert as HTML)
  std::string website;             // http(s) URL or empty
  std::int64_t photo_version = 0;  // 0: no photo; changes with every new photo (cache busting)
  FieldVisibility visibility;
  std::int64_t updated_at = 0;  // Unix seconds; 0 when the member never saved a profile
  bool operator==(const Profile&) const = default;
};

// A profile as one particular viewer may see it: a field the viewer may not see is empty / absent.
struct ProfileView {
  std::int64_t account_id = 0;
  std::string name;
  std::optional<std::string> headline;
  std::optional<std::vector<std::string>> disciplines;
  std::optional<std::vector<std::string>> tags;
  std::optional<Place> town;  // absent when hidden from the viewer or not set
  std::optional<std::vector<std::string>> languages;
  std::optional<Availability> availability;
  std::optional<std::string> bio_html;
  std::optional<std::string> website;
  std::int64_t photo_version = 0;     // 0 when there is no photo or the viewer may not see it
  std::optional<double> distance_km;  // set in directory results filtered by distance
  bool is_owner = false;              // the viewer looks at their own profile
  bool operator==(const ProfileView&) const = default;
};

// What the directory is asked. Every filter narrows; empty filters are ignored. Filters only match
// fields the viewer may see (a visitor filtering on a members-only town never finds that member).
struct DirectoryQuery {
  std::string text;                      // full-text search (Dutch stemming, accents folded)
  std::vector<std::string> disciplines;  // discipline codes: a member matches any of them
  std::string tag;                       // one expertise tag (normalised like stored tags)
  std::string near_town;                 // a place name from the bundled list
  double within_km = 25;                 // with near_town: distance from its centre
  std::string language;                  // a spoken-language code
  std::optional<Availability> availability;
  std::optional<std::int64_t> network_id;  // members of this regional network only
  std::optional<std::int64_t> group_id;    // knowledge group (issue 4); see members/service.h
  std::string cursor;                      // from DirectoryPage::next_cursor; empty: first page
  std::size_t limit = 20;                  // 1..100
};

struct DirectoryPage {
  std::vector<ProfileView> members;  // ranked: best text match first, else nearest, else by name
  std::string next_cursor;           // empty on the last page
  std::size_t offset = 0;            // how many results came before this page (for "21-40")
};

}  // namespace members
