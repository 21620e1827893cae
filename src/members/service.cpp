#include "members/service.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>

#include "http/parsers.h"
#include "members/photos.h"
#include "members/store.h"
#include "web/markdown.h"

namespace members {

namespace {

constexpr std::size_t kMaxNameLength = 100;
constexpr std::size_t kMaxHeadlineLength = 140;
constexpr std::size_t kMaxBioLength = 5000;
constexpr std::size_t kMaxWebsiteLength = 300;
constexpr std::size_t kMinTagLength = 2;
constexpr std::size_t kMaxTagLength = 40;
constexpr std::size_t kMaxQueryLength = 200;
constexpr std::size_t kMaxDirectoryLimit = 100;
constexpr std::size_t kMaxOffset = 100'000;
constexpr double kMaxWithinKm = 500;
// "Within N km" ranks candidates in C++ after the bounding box; this bounds that work.
constexpr std::size_t kMaxDistanceCandidates = 10'000;
// The first window of ranked search matches the directory filters (see directory()).
constexpr std::size_t kFirstSearchWindow = 100;

constexpr std::string_view kPublicIndex = "member_search_public";
constexpr std::string_view kMembersIndex = "member_search_members";

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

std::string trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

// Control characters (other than the line breaks and tabs `allow_lines` permits) have no place in
// profile text; they are a paste accident or an attack on whoever reads the data later.
bool has_control_characters(std::string_view text, bool allow_lines) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0x7F) return true;
    if (byte < 0x20 && !(allow_lines && (c == '\n' || c == '\r' || c == '\t'))) return true;
  }
  return false;
}

bool valid_text(std::string_view text, bool allow_lines) {
  return http::is_valid_utf8(text) && !has_control_characters(text, allow_lines);
}

// "Arbeidsrecht ", "ARBEIDSRECHT" and "arbeids  recht" are the same tag as "arbeidsrecht" and
// "arbeids recht": lower case, accents folded, single spaces.
std::optional<std::string> normalise_tag(std::string_view raw) {
  std::string folded = db::fold_text(raw);
  std::string tag;
  for (char c : folded) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space) {
      if (!tag.empty() && tag.back() != ' ') tag += ' ';
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || byte >= 0x80 ||
                         std::string_view("-&+.#/'").find(c) != std::string_view::npos;
    if (!allowed) return std::nullopt;
    tag += c;
  }
  while (!tag.empty() && tag.back() == ' ') tag.pop_back();
  if (code_points(tag) < kMinTagLength || code_points(tag) > kMaxTagLength) return std::nullopt;
  return tag;
}

// An http(s) URL with a host, or the reason it is not one. A bare "www.example.nl" gets https://.
std::optional<std::string> normalise_website(std::string_view raw, std::string& error_key) {
  std::string url = trim(raw);
  if (url.empty()) return url;
  if (url.size() > kMaxWebsiteLength) {
    error_key = "members.error.website_too_long";
    return std::nullopt;
  }
  const std::size_t colon = url.find(':');
  if (colon == std::string::npos) url = "https://" + url;
  std::string lower;
  for (char c : url.substr(0, 8)) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  std::size_t host_start = 0;
  if (lower.starts_with("https://")) {
    host_start = 8;
  } else if (lower.starts_with("http://")) {
    host_start = 7;
  } else {
    error_key = "members.error.website_scheme";
    return std::nullopt;
  }
  std::size_t host_end = host_start;
  while (host_end < url.size()) {
    const char c = url[host_end];
    const bool host_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           c == '.' || c == '-' || c == ':';
    if (!host_char) break;
    ++host_end;
  }
  const bool has_host = host_end > host_start && url.find('.', host_start) < host_end;
  bool clean_rest = true;
  for (std::size_t i = host_end; i < url.size(); ++i) {
    const auto byte = static_cast<unsigned char>(url[i]);
    if (byte <= 0x20 || byte >= 0x7F ||
        std::string_view("\"<>\\^`{|}").find(url[i]) != std::string_view::npos) {
      clean_rest = false;
    }
  }
  const bool rest_starts_well =
      host_end == url.size() || url[host_end] == '/' || url[host_end] == '?' || url[host_end] == '#';
  if (!has_host || !clean_rest || !rest_starts_well) {
    error_key = "members.error.website_invalid";
    return std::nullopt;
  }
  // Lower-case the scheme so links compare and render uniformly.
  return lower.substr(0, host_start) + url.substr(host_start);
}

template <class Labels>
std::vector<std::string> in_list_order(const std::vector<std::string>& codes, Labels labels) {
  std::vector<std::string> ordered;
  for (const Label& label : labels) {
    if (std::find(codes.begin(), codes.end(), label.code) != codes.end()) ordered.emplace_back(label.code);
  }
  return ordered;
}

bool visible(Visibility field, int level) { return static_cast<int>(field) <= level; }

// What `level` (0 visitor, 1 member, 2 owner) may see of `profile`.
ProfileView view_of(const Profile& profile, int level, bool owner) {
  const FieldVisibility& v = profile.visibility;
  ProfileView view;
  view.account_id = profile.account_id;
  view.name = profile.name;
  view.is_owner = owner;
  if (visible(v.headline, level)) view.headline = profile.headline;
  if (visible(v.disciplines, level)) view.disciplines = profile.disciplines;
  if (visible(v.tags, level)) view.tags = profile.tags;
  if (visible(v.town, level) && profile.town) view.town = profile.town;
  if (visible(v.languages, level)) view.languages = profile.languages;
  if (visible(v.availability, level)) view.availability = profile.availability;
  if (visible(v.bio, level)) view.bio_html = profile.bio_html;
  if (visible(v.website, level)) view.website = profile.website;
  if (visible(v.photo, level)) view.photo_version = profile.photo_version;
  return view;
}

// The text a search index holds for `profile` at `level`: only fields visible at that level, and
// nothing at all when the profile itself is not (then the member is not in that index).
std::optional<db::SearchDocument> search_document(const Profile& profile, int level) {
  const FieldVisibility& v = profile.visibility;
  if (!visible(v.profile, level)) return std::nullopt;
  db::SearchDocument document;
  document.a = profile.name;
  if (visible(v.headline, level)) document.b += profile.headline + "\n";
  if (visible(v.disciplines, level)) {
    for (const std::string& code : profile.disciplines) {
      if (const Label* label = find_discipline(code)) {
        document.b += std::string(label->nl) + " " + std::string(label->en) + "\n";
      }
    }
  }
  if (visible(v.tags, level)) {
    for (const std::string& tag : profile.tags) document.b += tag + "\n";
  }
  if (visible(v.town, level) && profile.town) document.c = profile.town->name + " " + profile.town->region;
  if (visible(v.bio, level)) document.d = profile.bio_markdown;
  return document;
}

void index_profile(db::Session& session, const Profile& profile) {
  const db::Backend backend = db::backend_of(session);
  const int levels[] = {0, 1};
  const std::string_view tables[] = {kPublicIndex, kMembersIndex};
  for (std::size_t i = 0; i < 2; ++i) {
    const auto index = db::SearchIndex::create(backend, std::string(tables[i]));
    if (auto document = search_document(profile, levels[i])) {
      index->put(session, profile.account_id, *document);
    } else {
      index->remove(session, profile.account_id);
    }
  }
}

std::optional<std::size_t> parse_cursor(std::string_view cursor) {
  if (cursor.empty()) return 0;
  if (cursor.size() > 7) return std::nullopt;
  std::size_t offset = 0;
  for (char c : cursor) {
    if (c < '0' || c > '9') return std::nullopt;
    offset = offset * 10 + static_cast<std::size_t>(c - '0');
  }
  if (offset > kMaxOffset) return std::nullopt;
  return offset;
}

store::BoundingBox box_around(const Place& centre, double km) {
  constexpr double kKmPerDegreeLatitude = 111.2;
  const double latitude_span = km / kKmPerDegreeLatitude;
  const double longitude_span =
      km / (kKmPerDegreeLatitude * std::max(0.01, std::cos(centre.latitude * std::numbers::pi / 180.0)));
  return {centre.latitude - latitude_span, centre.latitude + latitude_span, centre.longitude - longitude_span,
          centre.longitude + longitude_span};
}

std::filesystem::path photo_path(const std::filesystem::path& directory, std::int64_t account_id,
                                 std::int64_t version, PhotoSize size) {
  return directory / (std::to_string(account_id) + "-" + std::to_string(version) +
                      (size == PhotoSize::Profile ? "-400.jpg" : "-96.jpg"));
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, path);
}

void remove_photo_files(const std::filesystem::path& directory, std::int64_t account_id,
                        std::int64_t version) {
  if (version == 0) return;
  std::error_code ignored;
  std::filesystem::remove(photo_path(directory, account_id, version, PhotoSize::Profile), ignored);
  std::filesystem::remove(photo_path(directory, account_id, version, PhotoSize::Thumbnail), ignored);
}

}  // namespace

std::string_view message_key(PhotoError error) {
  switch (error) {
    case PhotoError::TooLarge:
      return "members.error.photo_too_large";
    case PhotoError::UnsupportedType:
      return "members.error.photo_type";
    case PhotoError::Unreadable:
      return "members.error.photo_unreadable";
  }
  return "members.error.photo_unreadable";
}

Service::Service(db::Database& database, std::filesystem::path data_dir, const Places& places)
    : database_(database), photo_dir_(std::move(data_dir) / "photos"), places_(places) {
  std::filesystem::create_directories(photo_dir_);
}

Service::~Service() = default;

bool Service::is_member(const Viewer& viewer) {
  if (!viewer.account_id) return false;
  if (viewer.administrator) return true;
  return database_.read([&](db::Session& session) { return store::is_member(session, *viewer.account_id); });
}

Result<DirectoryPage> Service::directory(const Viewer& viewer, const DirectoryQuery& query) {
  Result<DirectoryPage> result;
  auto fail = [&](std::string field, std::string key) {
    result.errors.push_back({std::move(field), std::move(key)});
  };

  store::DirectoryFilter filter;
  if (!http::is_valid_utf8(query.text) || code_points(query.text) > kMaxQueryLength) {
    fail("q", "members.error.query_too_long");
  }
  for (const std::string& code : query.disciplines) {
    if (!find_discipline(code)) {
      fail("discipline", "members.error.unknown_discipline");
      break;
    }
  }
  filter.disciplines = in_list_order(query.disciplines, disciplines());
  if (!http::is_valid_utf8(query.tag)) fail("tag", "members.error.text_invalid");
  if (!query.tag.empty()) {
    // A tag that cannot be normalised matches no stored tag; searching for it is harmless.
    filter.tag = normalise_tag(query.tag).value_or(trim(query.tag));
  }
  if (!query.language.empty() && !find_spoken_language(query.language)) {
    fail("language", "members.error.unknown_language");
  }
  filter.language = query.language;
  filter.availability = query.availability;
  filter.network_id = query.network_id;
  filter.group_id = query.group_id;
  const Place* centre = nullptr;
  if (!http::is_valid_utf8(query.near_town)) {
    fail("town", "members.error.unknown_town");
  } else if (!trim(query.near_town).empty()) {
    centre = places_.find(query.near_town);
    if (!centre) fail("town", "members.error.unknown_town");
    if (!(query.within_km > 0 && query.within_km <= kMaxWithinKm)) fail("km", "members.error.distance_range");
  }
  if (query.limit < 1 || query.limit > kMaxDirectoryLimit) fail("limit", "members.error.limit_range");
  const std::optional<std::size_t> offset = parse_cursor(query.cursor);
  if (!offset) fail("cursor", "members.error.cursor_invalid");
  if (!result.errors.empty()) return result;

  const bool member = is_member(viewer);
  filter.level = member ? 1 : 0;
  const auto index =
      db::SearchIndex::create(database_.backend(), std::string(member ? kMembersIndex : kPublicIndex));
  filter.match = index->match(query.text);
  const bool wants_text = !trim(query.text).empty();
  DirectoryPage page;
  page.offset = *offset;
  if (wants_text && !filter.match) {
    result.value = std::move(page);  // only stop words or punctuation: nothing can match
    return result;
  }

  // The rows that pass every filter, best first: ranked by text score, else by distance, else by name.
  // Distance is checked exactly here, after the bounding box in SQL (indexed).
  const std::size_t wanted = *offset + query.limit + 1;
  using Candidate = std::pair<store::DirectoryRow, std::optional<double>>;
  const auto keep_near = [&](std::vector<store::DirectoryRow> found) {
    std::vector<Candidate> kept;
    for (auto& row : found) {
      if (!centre) {
        kept.emplace_back(std::move(row), std::nullopt);
        continue;
      }
      const Place& town = *row.profile.town;
      const double km = distance_km(centre->latitude, centre->longitude, town.latitude, town.longitude);
      if (km <= query.within_km) kept.emplace_back(std::move(row), km);
    }
    return kept;
  };
  if (centre) filter.box = box_around(*centre, query.within_km);
  std::vector<Candidate> candidates = database_.read([&](db::Session& session) {
    if (!filter.match) {
      if (centre) {  // nearest first: every candidate in the box is needed to sort by distance
        filter.limit = kMaxDistanceCandidates;
        auto kept = keep_near(store::find_members(session, filter));
        std::stable_sort(kept.begin(), kept.end(),
                         [](const auto& a, const auto& b) { return *a.second < *b.second; });
        return kept;
      }
      filter.limit = query.limit + 1;
      filter.offset = *offset;
      auto kept = keep_near(store::find_members(session, filter));
      kept.insert(kept.begin(), *offset, Candidate{});  // placeholders: the page starts at `offset`
      return kept;
    }
    index->prepare_transaction(session);
    // Joining every match of a common word to the filters is what costs: first join only a window
    // of the best matches, then a wider one; when the filters leave too few of those, join them all.
    // Exact, since nothing outside a window scores better than what is inside (but see
    // db::SearchMatch::top_sql for PostgreSQL's cap on very common words).
    filter.limit = centre ? kMaxDistanceCandidates : wanted;
    filter.offset = 0;
    const std::size_t first_window = std::max(kFirstSearchWindow, 4 * wanted);
    for (std::size_t window : {first_window, 16 * first_window}) {
      filter.match_window = window;
      auto kept = keep_near(store::find_members(session, filter));
      if (kept.size() >= wanted) return kept;
    }
    filter.match_window.reset();
    return keep_near(store::find_members(session, filter));
  });

  std::vector<store::DirectoryRow> rows;
  std::vector<std::optional<double>> distances;
  for (std::size_t i = *offset; i < candidates.size() && rows.size() < query.limit; ++i) {
    rows.push_back(std::move(candidates[i].first));
    distances.push_back(candidates[i].second);
  }
  const bool more = candidates.size() > *offset + query.limit;

  for (std::size_t i = 0; i < rows.size(); ++i) {
    const bool owner = viewer.account_id && *viewer.account_id == rows[i].profile.account_id;
    ProfileView view = view_of(rows[i].profile, owner ? 2 : filter.level, owner);
    view.bio_html.reset();  // the directory lists people; the bio is on the profile page
    view.distance_km = distances[i];
    page.members.push_back(std::move(view));
  }
  if (more) page.next_cursor = std::to_string(*offset + query.limit);
  result.value = std::move(page);
  return result;
}

std::optional<ProfileView> Service::profile_for(const Viewer& viewer, std::int64_t account_id) {
  const bool owner = viewer.account_id && *viewer.account_id == account_id;
  const int level = owner ? 2 : (is_member(viewer) ? 1 : 0);
  auto profile = database_.read([&](db::Session& session) -> std::optional<Profile> {
    // Only people who are (or were) members have a profile page; an account with only a pending
    // application does not.
    if (!owner && !store::is_member(session, account_id)) return std::nullopt;
    return store::load_profile(session, account_id);
  });
  if (!profile || !visible(profile->visibility.profile, level)) return std::nullopt;
  return view_of(*profile, level, owner);
}

std::optional<Profile> Service::own_profile(std::int64_t account_id) {
  return database_.read([&](db::Session& session) { return store::load_profile(session, account_id); });
}

namespace {

// `current` with `update` applied, or every reason the update is invalid.
Result<Profile> apply_update(const Profile& current, const ProfileUpdate& update, const Places& places) {
  Result<Profile> result;
  auto fail = [&](std::string field, std::string key) {
    result.errors.push_back({std::move(field), std::move(key)});
  };
  Profile next = current;
  if (update.name) {
    next.name = trim(*update.name);
    if (!valid_text(next.name, false)) {
      fail("name", "members.error.text_invalid");
    } else if (next.name.empty()) {
      fail("name", "members.error.name_required");
    } else if (code_points(next.name) > kMaxNameLength) {
      fail("name", "members.error.name_too_long");
    }
  }
  if (update.headline) {
    next.headline = trim(*update.headline);
    if (!valid_text(next.headline, false)) {
      fail("headline", "members.error.text_invalid");
    } else if (code_points(next.headline) > kMaxHeadlineLength) {
      fail("headline", "members.error.headline_too_long");
    }
  }
  if (update.disciplines) {
    for (const std::string& code : *update.disciplines) {
      if (!find_discipline(code)) {
        fail("disciplines", "members.error.unknown_discipline");
        break;
      }
    }
    next.disciplines = in_list_order(*update.disciplines, disciplines());
  }
  if (update.tags) {
    std::vector<std::string> tags;
    bool bad = false;
    for (const std::string& raw : *update.tags) {
      if (trim(raw).empty()) continue;
      auto tag = normalise_tag(raw);
      if (!tag) {
        bad = true;
        continue;
      }
      if (std::find(tags.begin(), tags.end(), *tag) == tags.end()) tags.push_back(std::move(*tag));
    }
    if (bad) {
      fail("tags", "members.error.tag_invalid");
    } else if (tags.size() > kMaxTags) {
      fail("tags", "members.error.too_many_tags");
    }
    std::sort(tags.begin(), tags.end());
    next.tags = std::move(tags);
  }
  if (update.town) {
    const std::string town = trim(*update.town);
    if (town.empty()) {
      next.town.reset();
    } else if (const Place* place = places.find(town)) {
      next.town = *place;
    } else {
      fail("town", "members.error.unknown_town");
    }
  }
  if (update.languages) {
    for (const std::string& code : *update.languages) {
      if (!find_spoken_language(code)) {
        fail("languages", "members.error.unknown_language");
        break;
      }
    }
    next.languages = in_list_order(*update.languages, spoken_languages());
  }
  if (update.availability) next.availability = *update.availability;
  if (update.bio_markdown) {
    next.bio_markdown = trim(*update.bio_markdown);
    if (!valid_text(next.bio_markdown, true)) {
      fail("bio", "members.error.text_invalid");
    } else if (code_points(next.bio_markdown) > kMaxBioLength) {
      fail("bio", "members.error.bio_too_long");
    } else {
      next.bio_html = next.bio_markdown.empty() ? std::string() : web::render_markdown(next.bio_markdown);
    }
  }
  if (update.website) {
    std::string error_key;
    if (!valid_text(*update.website, false)) {
      fail("website", "members.error.website_invalid");
    } else if (auto website = normalise_website(*update.website, error_key)) {
      next.website = std::move(*website);
    } else {
      fail("website", error_key);
    }
  }
  if (update.visibility) next.visibility = *update.visibility;
  if (result.errors.empty()) result.value = std::move(next);
  return result;
}

}  // namespace

Result<Profile> Service::update_own_profile(std::int64_t account_id, const ProfileUpdate& update) {
  // Read, merge and write in one transaction, so two partial updates (PATCH) cannot undo each other.
  return database_.write([&](db::Session& session) {
    Result<Profile> result;
    const auto current = store::load_profile(session, account_id);
    if (!current) {
      result.errors.push_back({"profile", "members.error.no_account"});
      return result;
    }
    result = apply_update(*current, update, places_);
    if (!result.ok()) return result;
    result.value->updated_at = now_seconds();
    store::save_profile(session, *result.value, result.value->updated_at);
    index_profile(session, *result.value);
    return result;
  });
}

Service::FormSave Service::save_profile_form(std::int64_t account_id, const ProfileUpdate& update,
                                             std::optional<std::string_view> new_photo, bool remove_photo) {
  FormSave save;
  // Decoding is the slow part: it runs before the write transaction. The files are written first
  // under a new version and removed again unless the transaction commits.
  std::int64_t new_version = 0;
  if (new_photo) {
    auto encoded = photos::encode(*new_photo);
    if (auto* error = std::get_if<PhotoError>(&encoded)) {
      save.photo_error = *error;
    } else {
      const auto& images = std::get<photos::Encoded>(encoded);
      new_version = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
      write_file_atomically(photo_path(photo_dir_, account_id, new_version, PhotoSize::Profile),
                            images.profile_jpeg);
      write_file_atomically(photo_path(photo_dir_, account_id, new_version, PhotoSize::Thumbnail),
                            images.thumbnail_jpeg);
    }
  }
  std::int64_t previous_version = 0;
  bool committed = false;
  try {
    save.result = database_.write([&](db::Session& session) {
      Result<Profile> result;
      const auto current = store::load_profile(session, account_id);
      if (!current) {
        result.errors.push_back({"profile", "members.error.no_account"});
        return result;
      }
      result = apply_update(*current, update, places_);
      if (save.photo_error) {
        result.value.reset();
        result.errors.push_back({"photo", std::string(message_key(*save.photo_error))});
      }
      if (!result.ok()) return result;
      previous_version = current->photo_version;
      if (new_version != 0) {
        result.value->photo_version = new_version;
      } else if (remove_photo) {
        result.value->photo_version = 0;
      }
      result.value->updated_at = now_seconds();
      store::save_profile(session, *result.value, result.value->updated_at);
      index_profile(session, *result.value);
      return result;
    });
    committed = save.result.ok();
  } catch (...) {
    remove_photo_files(photo_dir_, account_id, new_version);
    throw;
  }
  if (!committed) {
    remove_photo_files(photo_dir_, account_id, new_version);
  } else if (previous_version != save.result.value->photo_version) {
    remove_photo_files(photo_dir_, account_id, previous_version);
  }
  return save;
}

std::variant<std::int64_t, PhotoError> Service::set_photo(std::int64_t account_id, std::string_view bytes) {
  FormSave save = save_profile_form(account_id, ProfileUpdate{}, bytes, false);
  if (save.photo_error) return *save.photo_error;
  if (!save.result.ok())
    throw db::Error(db::Error::Kind::Other, "no active account " + std::to_string(account_id));
  return save.result.value->photo_version;
}

void Service::remove_photo(std::int64_t account_id) {
  std::int64_t previous = 0;
  database_.write([&](db::Session& session) {
    auto profile = store::load_profile(session, account_id);
    if (!profile || profile->updated_at == 0) return;
    previous = profile->photo_version;
    store::set_photo_version(session, account_id, 0, now_seconds());
  });
  remove_photo_files(photo_dir_, account_id, previous);
}

std::optional<std::string> Service::photo_for(const Viewer& viewer, std::int64_t account_id, PhotoSize size) {
  const auto view = profile_for(viewer, account_id);
  if (!view || view->photo_version == 0) return std::nullopt;
  std::ifstream in(photo_path(photo_dir_, account_id, view->photo_version, size), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::move(bytes).str();
}

void store_profile(db::Session& session, const Profile& profile) {
  store::save_profile(session, profile, profile.updated_at);
  index_profile(session, profile);
}

void reindex_member(db::Session& session, std::int64_t account_id) {
  const auto profile = store::load_profile(session, account_id);
  if (profile && profile->updated_at != 0) {
    store::save_profile(session, *profile, profile->updated_at);  // refreshes the sort name too
    index_profile(session, *profile);
    return;
  }
  const db::Backend backend = db::backend_of(session);
  db::SearchIndex::create(backend, std::string(kPublicIndex))->remove(session, account_id);
  db::SearchIndex::create(backend, std::string(kMembersIndex))->remove(session, account_id);
}

void erase_profile(db::Session& session, const std::filesystem::path& data_dir, std::int64_t account_id) {
  const std::int64_t photo_version = store::photo_version_of(session, account_id);
  store::delete_profile(session, account_id);
  const db::Backend backend = db::backend_of(session);
  db::SearchIndex::create(backend, std::string(kPublicIndex))->remove(session, account_id);
  db::SearchIndex::create(backend, std::string(kMembersIndex))->remove(session, account_id);
  remove_photo_files(data_dir / "photos", account_id, photo_version);
}

}  // namespace members
