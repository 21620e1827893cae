#include "groups/seed.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "auth/seed.h"
#include "groups/store.h"
#include "web/markdown.h"

namespace groups {

namespace {

// A small deterministic generator (the same demo on every machine).
class Dice {
 public:
  explicit Dice(std::uint64_t seed) : state_(seed * 2862933555777941757ULL + 3037000493ULL) {}
  std::uint64_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return state_ >> 33;
  }
  std::int64_t between(std::int64_t low, std::int64_t high) {  // inclusive
    return low + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(high - low + 1));
  }

 private:
  std::uint64_t state_;
};

struct Settings {
  std::string_view slug;
  JoinPolicy policy;
  Visibility visibility;
  std::vector<std::string_view> disciplines;  // members with these disciplines belong here
};

// West-Brabant & Zeeland: the eight groups of DESIGN.md §5.
const std::vector<Settings> kWestBrabant = {
    {"financieel-advies", JoinPolicy::Open, Visibility::Network, {"financieel", "vastgoed"}},
    {"juridisch-advies", JoinPolicy::Request, Visibility::Network, {"juridisch", "vastgoed"}},
    {"ict", JoinPolicy::Open, Visibility::Public, {"ict"}},
    {"techniek", JoinPolicy::Open, Visibility::Network, {"techniek", "duurzaamheid", "logistiek"}},
    {"grafisch-ontwerp", JoinPolicy::Open, Visibility::Network, {"grafisch"}},
    // HR cases are about people: the group keeps its discussions to its members and screens who joins.
    {"hrm", JoinPolicy::Request, Visibility::Group, {"hrm", "training", "zorg"}},
    {"organisatieadvies", JoinPolicy::Open, Visibility::Network, {"organisatie", "zorg", "logistiek"}},
    {"marketing-communicatie", JoinPolicy::Open, Visibility::Public, {"marketing", "tekst"}},
};

const std::vector<Settings> kMiddenBrabant = {
    {"financien-en-recht", JoinPolicy::Open, Visibility::Network, {"financieel", "juridisch", "vastgoed"}},
    {"digitaal", JoinPolicy::Open, Visibility::Public, {"ict", "marketing", "grafisch", "tekst"}},
    {"mens-en-organisatie", JoinPolicy::Open, Visibility::Network, {"hrm", "organisatie", "training", "zorg"}},
    {"logistiek", JoinPolicy::Open, Visibility::Network, {"logistiek", "techniek", "duurzaamheid"}},
};

constexpr std::int64_t kDay = 24 * 3600;

const std::vector<std::string_view> kRequestNotes = {
    "Ik werk veel voor zzp'ers en loop regelmatig tegen vragen aan waar deze groep over gaat. Graag doe ik mee.",
    "Vanuit mijn eigen praktijk kan ik iets bijdragen, en ik leer graag van de anderen.",
    "Een klant vroeg me onlangs om advies op dit gebied; ik wil graag meelezen en meedenken.",
    "",
};

struct Person {
  std::int64_t id = 0;
  std::vector<std::string> disciplines;
};

std::vector<Person> people_of(db::Session& session, std::int64_t network_id) {
  std::map<std::int64_t, Person> people;
  for (const db::Row& row : session.query(
           "SELECT a.id, pd.code FROM memberships m JOIN accounts a ON a.id = m.account_id "
           "LEFT JOIN profile_disciplines pd ON pd.account_id = a.id "
           "WHERE m.network_id = ? AND m.status = 'active' AND a.status = 'active' ORDER BY a.id, pd.code",
           {network_id})) {
    Person& person = people[row.int64(0)];
    person.id = row.int64(0);
    if (!row.is_null(1)) person.disciplines.push_back(row.text(1));
  }
  std::vector<Person> list;
  for (auto& [id, person] : people) list.push_back(std::move(person));
  return list;
}

std::optional<std::int64_t> account_id_of(db::Session& session, std::string_view email) {
  const auto row = session.query_one("SELECT id FROM accounts WHERE email = ?", {std::string(email)});
  if (!row) return std::nullopt;
  return row->int64(0);
}

void seed_network(db::Session& session, std::string_view network_slug, const std::vector<Settings>& settings,
                  std::int64_t now, Dice& dice) {
  const auto network = store::find_network(session, network_slug);
  if (!network) throw std::runtime_error("groups demo: the network " + std::string(network_slug) + " is missing");
  std::map<std::string, Group> by_slug;
  for (Group& group : store::groups_of_network(session, network->id)) by_slug[group.slug] = std::move(group);

  // Settings and rendered descriptions.
  std::vector<const Group*> groups;
  for (const Settings& each : settings) {
    auto found = by_slug.find(std::string(each.slug));
    if (found == by_slug.end()) throw std::runtime_error("groups demo: the group " + std::string(each.slug) + " is missing");
    Group& group = found->second;
    group.join_policy = each.policy;
    group.visibility = each.visibility;
    group.description_html = web::render_markdown(group.description);
    store::update_group(session, group);
    groups.push_back(&group);
  }

  // Members by discipline: one to three groups each, the fitting ones first.
  const std::vector<Person> people = people_of(session, network->id);
  std::vector<std::vector<std::int64_t>> members(settings.size());
  const std::int64_t year_ago = now - 365 * kDay;
  for (const Person& person : people) {
    std::vector<std::size_t> fitting;
    for (std::size_t g = 0; g < settings.size(); ++g) {
      for (const std::string& code : person.disciplines) {
        if (std::find(settings[g].disciplines.begin(), settings[g].disciplines.end(), code) !=
                settings[g].disciplines.end() &&
            std::find(fitting.begin(), fitting.end(), g) == fitting.end()) {
          fitting.push_back(g);
        }
      }
    }
    if (fitting.empty() || dice.between(1, 4) == 1) {
      // No fitting group, or a curious neighbour: one group outside their own field.
      const auto extra = static_cast<std::size_t>(dice.between(0, static_cast<std::int64_t>(settings.size()) - 1));
      if (std::find(fitting.begin(), fitting.end(), extra) == fitting.end()) fitting.push_back(extra);
    }
    if (fitting.size() > 3) fitting.resize(3);
    for (std::size_t g : fitting) members[g].push_back(person.id);
  }

  const std::optional<std::int64_t> coordinator = account_id_of(session, auth::kDemoCoordinatorEmail);
  const std::optional<std::int64_t> demo_member = account_id_of(session, auth::kDemoMemberEmail);
  for (std::size_t g = 0; g < settings.size(); ++g) {
    const Group& group = *groups[g];
    std::vector<std::int64_t>& ids = members[g];
    if (ids.empty()) continue;
    // Two hosts, who joined first; the demo coordinator hosts organisatieadvies and the demo member
    // is an ordinary member, so both logins show something to do.
    std::set<std::int64_t> hosts;
    if (coordinator && group.slug == "organisatieadvies" &&
        std::find(ids.begin(), ids.end(), *coordinator) != ids.end()) {
      hosts.insert(*coordinator);
    }
    for (int attempt = 0; attempt < 100 && hosts.size() < std::min<std::size_t>(2, ids.size()); ++attempt) {
      const std::int64_t pick = ids[static_cast<std::size_t>(dice.between(0, static_cast<std::int64_t>(ids.size()) - 1))];
      if (demo_member && pick == *demo_member) continue;
      hosts.insert(pick);
    }
    for (std::int64_t id : ids) {
      const bool host = hosts.count(id) > 0;
      const std::int64_t joined = host ? year_ago + dice.between(0, 20) * kDay + dice.between(8, 20) * 3600
                                       : year_ago + dice.between(21, 360) * kDay + dice.between(7, 22) * 3600;
      store::insert_membership(session, Membership{.group_id = group.id,
                                                   .account_id = id,
                                                   .role = host ? Role::Host : Role::Member,
                                                   .state = MemberState::Active,
                                                   .created_at = joined,
                                                   .joined_at = joined});
    }
    // A few pending requests where joining is on request.
    if (group.join_policy == JoinPolicy::Request) {
      std::size_t requested = 0;
      for (std::size_t attempt = 0; attempt < 40 && requested < 3; ++attempt) {
        const Person& person =
            people[static_cast<std::size_t>(dice.between(0, static_cast<std::int64_t>(people.size()) - 1))];
        if (std::find(ids.begin(), ids.end(), person.id) != ids.end()) continue;
        if (store::membership(session, group.id, person.id)) continue;
        const std::int64_t at = now - dice.between(1, 12) * kDay;
        store::insert_membership(
            session, Membership{.group_id = group.id,
                                .account_id = person.id,
                                .state = MemberState::Requested,
                                .message = std::string(kRequestNotes[requested % kRequestNotes.size()]),
                                .created_at = at});
        ++requested;
      }
    }
  }
}

}  // namespace

void seed_demo(db::Database& database, std::int64_t now) {
  database.write([&](db::Session& session) {
    Dice dice(20240115);
    seed_network(session, "west-brabant-zeeland", kWestBrabant, now, dice);
    seed_network(session, "midden-brabant", kMiddenBrabant, now, dice);
  });
}

}  // namespace groups
