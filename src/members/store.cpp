#include "members/store.h"

#include <algorithm>

namespace members::store {

namespace {

// Lists are stored for display next to the one-row-per-value tables the filters use: disciplines and
// languages are codes (no spaces), tags may hold spaces, so tags are separated by newlines.
std::string join(const std::vector<std::string>& values, char separator) {
  std::string joined;
  for (const std::string& value : values) {
    if (!joined.empty()) joined += separator;
    joined += value;
  }
  return joined;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> values;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) values.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return values;
}

Visibility visibility_at(const db::Row& row, std::size_t column) {
  const std::int64_t value = row.int64(column);
  return value <= 0 ? Visibility::Public : value == 1 ? Visibility::Members : Visibility::Hidden;
}

// The columns every profile read selects, in this order (see read_profile).
constexpr std::string_view kProfileColumns =
    "a.id, a.name, p.headline, p.disciplines, p.tags, p.languages, p.town, p.region, p.country, p.latitude, "
    "p.longitude, p.availability, p.website, p.photo_version, p.profile_visibility, p.headline_visibility, "
    "p.photo_visibility, p.disciplines_visibility, p.tags_visibility, p.town_visibility, "
    "p.languages_visibility, "
    "p.availability_visibility, p.bio_visibility, p.website_visibility, p.updated_at";
constexpr std::size_t kProfileColumnCount = 25;

Profile read_profile(const db::Row& row) {
  Profile profile;
  profile.account_id = row.int64(0);
  profile.name = row.text(1);
  if (row.is_null(24)) return profile;  // no profile row yet (LEFT JOIN): the defaults
  profile.headline = row.text(2);
  profile.disciplines = split(row.text(3), ' ');
  profile.tags = split(row.text(4), '\n');
  profile.languages = split(row.text(5), ' ');
  if (!row.text(6).empty() && !row.is_null(9) && !row.is_null(10)) {
    profile.town = Place{row.text(6), row.text(7), row.text(8), row.real(9), row.real(10)};
  }
  profile.availability = availability_from_string(row.text(11)).value_or(Availability::Available);
  profile.website = row.text(12);
  profile.photo_version = row.int64(13);
  constexpr Field kFields[] = {Field::Profile, Field::Headline, Field::Photo,     Field::Disciplines,
                               Field::Tags,    Field::Town,     Field::Languages, Field::Availability,
                               Field::Bio,     Field::Website};
  for (std::size_t i = 0; i < std::size(kFields); ++i)
    profile.visibility.set(kFields[i], visibility_at(row, 14 + i));
  profile.updated_at = row.int64(24);
  return profile;
}

std::int64_t level_of(Visibility visibility) { return static_cast<std::int64_t>(visibility); }

// The knowledge-group filter: active members of the group (group_members, owned by groups/). Who is
// in a group-only group stays private; who is in a network group, a matter for members (level >= 1).
// Parameters: the group id, then the viewer's level.
constexpr std::string_view kGroupMembershipCondition =
    "EXISTS (SELECT 1 FROM group_members gm JOIN knowledge_groups g ON g.id = gm.group_id "
    "WHERE gm.account_id = p.account_id AND gm.group_id = ? AND gm.state = 'active' AND "
    "(g.visibility = 'public' OR (g.visibility = 'network' AND CAST(? AS BIGINT) >= 1)))";

}  // namespace

std::optional<Profile> load_profile(db::Session& session, std::int64_t account_id) {
  const auto row = session.query_one(
      "SELECT " + std::string(kProfileColumns) + ", p.bio_markdown, p.bio_html FROM accounts a " +
          "LEFT JOIN profiles p ON p.account_id = a.id WHERE a.id = ? AND a.status = 'active'",
      {account_id});
  if (!row) return std::nullopt;
  Profile profile = read_profile(*row);
  profile.bio_markdown = row->text(kProfileColumnCount);
  profile.bio_html = row->text(kProfileColumnCount + 1);
  return profile;
}

void save_profile(db::Session& session, const Profile& profile, std::int64_t now) {
  const FieldVisibility& v = profile.visibility;
  const std::string sort_name = db::fold_text(profile.name);
  session.execute(
      "INSERT INTO profiles (account_id, sort_name, headline, disciplines, tags, languages, town, region, "
      "country, "
      "latitude, longitude, availability, bio_markdown, bio_html, website, photo_version, "
      "profile_visibility, "
      "headline_visibility, photo_visibility, disciplines_visibility, tags_visibility, town_visibility, "
      "languages_visibility, availability_visibility, bio_visibility, website_visibility, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (account_id) DO UPDATE SET sort_name = EXCLUDED.sort_name, headline = EXCLUDED.headline, "
      "disciplines = EXCLUDED.disciplines, tags = EXCLUDED.tags, languages = EXCLUDED.languages, "
      "town = EXCLUDED.town, region = EXCLUDED.region, country = EXCLUDED.country, latitude = "
      "EXCLUDED.latitude, "
      "longitude = EXCLUDED.longitude, availability = EXCLUDED.availability, bio_markdown = "
      "EXCLUDED.bio_markdown, "
      "bio_html = EXCLUDED.bio_html, website = EXCLUDED.website, photo_version = EXCLUDED.photo_version, "
      "profile_visibility = EXCLUDED.profile_visibility, headline_visibility = EXCLUDED.headline_visibility, "
      "photo_visibility = EXCLUDED.photo_visibility, disciplines_visibility = "
      "EXCLUDED.disciplines_visibility, "
      "tags_visibility = EXCLUDED.tags_visibility, town_visibility = EXCLUDED.town_visibility, "
      "languages_visibility = EXCLUDED.languages_visibility, "
      "availability_visibility = EXCLUDED.availability_visibility, bio_visibility = EXCLUDED.bio_visibility, "
      "website_visibility = EXCLUDED.website_visibility, updated_at = EXCLUDED.updated_at",
      {profile.account_id,
       sort_name,
       profile.headline,
       join(profile.disciplines, ' '),
       join(profile.tags, '\n'),
       join(profile.languages, ' '),
       profile.town ? profile.town->name : std::string(),
       profile.town ? profile.town->region : std::string(),
       profile.town ? profile.town->country : std::string(),
       profile.town ? db::Value(profile.town->latitude) : db::null(),
       profile.town ? db::Value(profile.town->longitude) : db::null(),
       std::string(to_string(profile.availability)),
       profile.bio_markdown,
       profile.bio_html,
       profile.website,
       profile.photo_version,
       level_of(v.profile),
       level_of(v.headline),
       level_of(v.photo),
       level_of(v.disciplines),
       level_of(v.tags),
       level_of(v.town),
       level_of(v.languages),
       level_of(v.availability),
       level_of(v.bio),
       level_of(v.website),
       now});

  session.execute("DELETE FROM profile_disciplines WHERE account_id = ?", {profile.account_id});
  for (const std::string& code : profile.disciplines) {
    session.execute("INSERT INTO profile_disciplines (account_id, code) VALUES (?, ?)",
                    {profile.account_id, code});
  }
  session.execute("DELETE FROM profile_tags WHERE account_id = ?", {profile.account_id});
  for (const std::string& tag : profile.tags) {
    session.execute("INSERT INTO profile_tags (account_id, tag) VALUES (?, ?)", {profile.account_id, tag});
  }
  session.execute("DELETE FROM profile_languages WHERE account_id = ?", {profile.account_id});
  for (const std::string& code : profile.languages) {
    session.execute("INSERT INTO profile_languages (account_id, code) VALUES (?, ?)",
                    {profile.account_id, code});
  }
  // The name lives on the account (auth's table); a profile edit is where a member changes it.
  session.execute("UPDATE accounts SET name = ?, updated_at = ? WHERE id = ? AND name <> ?",
                  {profile.name, now, profile.account_id, profile.name});
}

void set_photo_version(db::Session& session, std::int64_t account_id, std::int64_t version,
                       std::int64_t now) {
  session.execute("UPDATE profiles SET photo_version = ?, updated_at = ? WHERE account_id = ?",
                  {version, now, account_id});
}

void delete_profile(db::Session& session, std::int64_t account_id) {
  session.execute("DELETE FROM profiles WHERE account_id = ?", {account_id});  // link rows cascade
}

std::int64_t photo_version_of(db::Session& session, std::int64_t account_id) {
  const auto row = session.query_one("SELECT photo_version FROM profiles WHERE account_id = ?", {account_id});
  return row ? row->int64(0) : 0;
}

bool is_member(db::Session& session, std::int64_t account_id) {
  return session
      .query_one(
          "SELECT 1 FROM accounts a WHERE a.id = ? AND a.status = 'active' AND (a.is_admin <> 0 OR EXISTS "
          "(SELECT 1 FROM memberships m WHERE m.account_id = a.id AND m.status = 'active'))",
          {account_id})
      .has_value();
}

std::vector<DirectoryRow> find_members(db::Session& session, const DirectoryFilter& filter) {
  const auto level = static_cast<std::int64_t>(filter.level);
  std::string sql =
      "SELECT " + std::string(kProfileColumns) + ", " + (filter.match ? "m.score" : "0.0") + " FROM ";
  db::Params params;
  if (filter.match) {
    sql += "(" + (filter.match_window ? filter.match->top_sql : filter.match->sql) +
           ") m JOIN profiles p ON p.account_id = m.id ";
    params = filter.match->params;
    if (filter.match_window) params.emplace_back(static_cast<std::int64_t>(*filter.match_window));
  } else {
    sql += "profiles p ";
  }
  sql += "JOIN accounts a ON a.id = p.account_id WHERE a.status = 'active' AND p.profile_visibility <= ? ";
  params.emplace_back(level);
  sql +=
      "AND EXISTS (SELECT 1 FROM memberships ms WHERE ms.account_id = p.account_id AND ms.status = 'active'";
  if (filter.network_id) {
    sql += " AND ms.network_id = ?";
    params.emplace_back(*filter.network_id);
  }
  sql += ") ";
  if (!filter.disciplines.empty()) {
    sql +=
        "AND p.disciplines_visibility <= ? AND EXISTS (SELECT 1 FROM profile_disciplines d WHERE "
        "d.account_id = p.account_id AND d.code IN (";
    params.emplace_back(level);
    for (std::size_t i = 0; i < filter.disciplines.size(); ++i) {
      sql += i == 0 ? "?" : ", ?";
      params.emplace_back(filter.disciplines[i]);
    }
    sql += ")) ";
  }
  if (!filter.tag.empty()) {
    sql +=
        "AND p.tags_visibility <= ? AND EXISTS (SELECT 1 FROM profile_tags t WHERE t.account_id = "
        "p.account_id "
        "AND t.tag = ?) ";
    params.emplace_back(level);
    params.emplace_back(filter.tag);
  }
  if (!filter.language.empty()) {
    sql +=
        "AND p.languages_visibility <= ? AND EXISTS (SELECT 1 FROM profile_languages l WHERE "
        "l.account_id = p.account_id AND l.code = ?) ";
    params.emplace_back(level);
    params.emplace_back(filter.language);
  }
  if (filter.availability) {
    sql += "AND p.availability_visibility <= ? AND p.availability = ? ";
    params.emplace_back(level);
    params.emplace_back(std::string(to_string(*filter.availability)));
  }
  if (filter.group_id) {
    sql += "AND " + std::string(kGroupMembershipCondition) + " ";
    params.emplace_back(*filter.group_id);
    params.emplace_back(level);
  }
  if (filter.box) {
    sql += "AND p.town_visibility <= ? AND p.latitude BETWEEN ? AND ? AND p.longitude BETWEEN ? AND ? ";
    params.emplace_back(level);
    params.emplace_back(filter.box->min_latitude);
    params.emplace_back(filter.box->max_latitude);
    params.emplace_back(filter.box->min_longitude);
    params.emplace_back(filter.box->max_longitude);
  }
  sql += filter.match ? "ORDER BY m.score DESC, m.id " : "ORDER BY p.sort_name, p.account_id ";
  sql += "LIMIT ? OFFSET ?";
  params.emplace_back(static_cast<std::int64_t>(filter.limit));
  params.emplace_back(static_cast<std::int64_t>(filter.offset));

  std::vector<DirectoryRow> rows;
  for (const db::Row& row : session.query(sql, params)) {
    rows.push_back(DirectoryRow{read_profile(row), row.real(kProfileColumnCount)});
  }
  return rows;
}

}  // namespace members::store
