// The demo ties (see seed.h): clusters by discipline and town, brokers, newcomers, privacy choices.
#include "atlas/seed.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "atlas/privacy.h"
#include "atlas/ties_store.h"
#include "auth/seed.h"
#include "auth/service.h"

namespace atlas {

namespace {

constexpr std::uint64_t kSeed = 20261129;
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kYear = 365 * kDay;

// splitmix64: the same numbers on every platform and standard library.
class Dice {
 public:
  explicit Dice(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  std::int64_t between(std::int64_t low, std::int64_t high) {  // inclusive; low <= high
    return low + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(high - low + 1));
  }
  bool chance(unsigned percent) { return next() % 100 < percent; }

 private:
  std::uint64_t state_;
};

struct Person {
  std::int64_t id = 0;
  std::string discipline;  // the first (main) discipline
  std::string town;
  std::string region;
  std::int64_t joined_at = 0;
};

std::vector<Person> people_of(db::Session& session, std::int64_t network_id) {
  std::vector<Person> people;
  for (const db::Row& row : session.query(
           "SELECT a.id, COALESCE(p.disciplines, ''), COALESCE(p.town, ''), COALESCE(p.region, ''), "
           "COALESCE(m.decided_at, m.created_at) FROM memberships m JOIN accounts a ON a.id = m.account_id "
           "LEFT JOIN profiles p ON p.account_id = a.id "
           "WHERE m.network_id = ? AND m.status = 'active' AND a.status = 'active' ORDER BY a.id",
           {network_id})) {
    const std::string disciplines = row.text(1);
    people.push_back(Person{row.int64(0), disciplines.substr(0, disciplines.find(' ')), row.text(2), row.text(3),
                            row.int64(4)});
  }
  return people;
}

TieKind pick_kind(Dice& dice) {
  const std::size_t roll = dice.below(100);
  if (roll < 55) return TieKind::Knows;
  if (roll < 80) return TieKind::WorkedTogether;
  if (roll < 92) return TieKind::Referred;
  return TieKind::Backup;
}

constexpr const char* kNotes[] = {
    "We zaten samen in de werkgroep van de Kennisdag.",
    "Samen een aanbesteding voor de gemeente gedaan.",
    "Leerde je kennen bij het ontbijt in Huijbergen.",
    "Dank voor de doorverwijzing van vorig jaar!",
    "Kun jij mijn klanten opvangen als ik op vakantie ben?",
    "",
    "",
    "",
};

}  // namespace

void seed_demo(db::Database& database, std::int64_t now) {
  database.write([&](db::Session& session) {
    const auto network = ties_store::find_network_by_slug(session, "west-brabant-zeeland");
    if (!network) throw std::runtime_error("atlas demo: run the regions seed first");
    std::vector<Person> people = people_of(session, network->id);
    if (people.size() < 60) throw std::runtime_error("atlas demo: run the members seed first");
    const auto demo_member = auth::find_account_by_email(session, auth::kDemoMemberEmail);
    const auto coordinator = auth::find_account_by_email(session, auth::kDemoCoordinatorEmail);
    const std::int64_t demo_id = demo_member ? demo_member->id : 0;
    const std::int64_t coordinator_id = coordinator ? coordinator->id : 0;
    Dice dice(kSeed);

    // The newest members have not met anyone yet (two of them have one tie).
    std::vector<std::size_t> by_joining(people.size());
    for (std::size_t i = 0; i < people.size(); ++i) by_joining[i] = i;
    std::stable_sort(by_joining.begin(), by_joining.end(),
                     [&](std::size_t x, std::size_t y) { return people[x].joined_at > people[y].joined_at; });
    std::set<std::int64_t> newcomers;
    for (std::size_t i = 0; i < by_joining.size() && newcomers.size() < 6; ++i) {
      const Person& person = people[by_joining[i]];
      if (person.id != demo_id && person.id != coordinator_id) newcomers.insert(person.id);
    }
    const std::set<std::int64_t> one_tie_newcomers(newcomers.begin(), std::next(newcomers.begin(), 2));

    std::vector<std::size_t> regular;
    std::map<std::string, std::vector<std::size_t>> by_discipline, by_town, by_region;
    for (std::size_t i = 0; i < people.size(); ++i) {
      if (newcomers.contains(people[i].id)) continue;
      regular.push_back(i);
      by_discipline[people[i].discipline].push_back(i);
      by_town[people[i].town].push_back(i);
      by_region[people[i].region].push_back(i);
    }
    // Brokers: a handful of members whose ties span disciplines and towns.
    std::set<std::size_t> brokers;
    while (brokers.size() < 7) brokers.insert(regular[dice.below(regular.size())]);

    std::set<std::pair<std::int64_t, std::int64_t>> pairs;
    std::vector<std::pair<std::size_t, std::size_t>> chosen;
    const auto add_pair = [&](std::size_t x, std::size_t y) {
      if (x == y) return false;
      const std::int64_t a = std::min(people[x].id, people[y].id);
      const std::int64_t b = std::max(people[x].id, people[y].id);
      if (!pairs.insert({a, b}).second) return false;
      chosen.emplace_back(x, y);
      return true;
    };
    const auto from_list = [&](const std::vector<std::size_t>& list) { return list[dice.below(list.size())]; };

    for (std::size_t broker : brokers) {
      for (int k = 0; k < 14; ++k) add_pair(broker, from_list(regular));
    }
    for (std::int64_t id : one_tie_newcomers) {
      const auto it = std::find_if(people.begin(), people.end(), [&](const Person& p) { return p.id == id; });
      add_pair(static_cast<std::size_t>(it - people.begin()), from_list(regular));
    }
    // Everyone else draws partners mostly from their own discipline and town: the clusters.
    const std::size_t target = static_cast<std::size_t>(kDemoConfirmedTies) + 40;  // 40 stay pending
    while (chosen.size() < target) {
      const std::size_t x = from_list(regular);
      const std::size_t roll = dice.below(100);
      std::size_t y = x;
      if (roll < 45) {
        y = from_list(by_discipline[people[x].discipline]);
      } else if (roll < 70) {
        y = from_list(by_town[people[x].town]);
      } else if (roll < 92) {
        y = from_list(by_region[people[x].region]);
      } else {
        y = from_list(regular);
      }
      add_pair(x, y);
    }

    // The demo member gets a few ties of each kind of state to try the page with.
    std::size_t demo_index = people.size();
    for (std::size_t i = 0; i < people.size(); ++i) {
      if (people[i].id == demo_id) demo_index = i;
    }

    for (std::size_t n = 0; n < chosen.size(); ++n) {
      // The declarer is either side.
      auto [x, y] = chosen[n];
      if (dice.chance(50)) std::swap(x, y);
      const Person& from = people[x];
      const Person& to = people[y];
      Tie tie;
      tie.network_id = network->id;
      tie.from_account = from.id;
      tie.to_account = to.id;
      tie.kind = pick_kind(dice);
      // Asked some time after both had joined; many carry the day they met, often long before.
      const std::int64_t both_joined = std::max(from.joined_at, to.joined_at);
      const std::int64_t latest = std::max(both_joined, now - 2 * kDay);
      tie.created_at = dice.between(both_joined, latest);
      if (dice.chance(65)) {
        const std::int64_t met = dice.between(now - 9 * kYear, tie.created_at);
        tie.date = met - met % kDay;
      }
      tie.note = kNotes[dice.below(std::size(kNotes))];
      if (n < static_cast<std::size_t>(kDemoConfirmedTies)) {
        tie.state = TieState::Confirmed;
        tie.decided_at = std::min(tie.created_at + dice.between(0, 6 * kDay), now - kDay);
      }
      ties_store::insert_tie(session, tie);
    }
    // Requests of the demo member's own: one still open, two waiting for their answer.
    if (demo_index < people.size()) {
      int added = 0;
      for (std::size_t attempt = 0; attempt < 200 && added < 3; ++attempt) {
        const std::size_t other = from_list(by_discipline[people[demo_index].discipline]);
        const std::int64_t a = std::min(demo_id, people[other].id);
        const std::int64_t b = std::max(demo_id, people[other].id);
        if (other == demo_index || !pairs.insert({a, b}).second) continue;
        Tie tie;
        tie.network_id = network->id;
        tie.from_account = added == 0 ? demo_id : people[other].id;
        tie.to_account = added == 0 ? people[other].id : demo_id;
        tie.kind = added == 2 ? TieKind::Referred : TieKind::WorkedTogether;
        tie.note = added == 0 ? "Fijn om samen de workshop te geven." : kNotes[added];
        tie.created_at = now - (3 + added) * kDay;
        ties_store::insert_tie(session, tie);
        ++added;
      }
    }

    // Privacy: most share with the network; some only with their connections or themselves; two hide.
    std::size_t restricted = 0;
    for (std::size_t i : regular) {
      if (people[i].id == demo_id || people[i].id == coordinator_id || brokers.contains(i)) continue;
      const std::size_t roll = dice.below(100);
      if (roll < 5 && restricted < 12) {
        put_privacy_settings(session, people[i].id, PrivacySettings{TieVisibility::Connections, false}, now);
        ++restricted;
      } else if (roll < 7 && restricted < 12) {
        put_privacy_settings(session, people[i].id, PrivacySettings{TieVisibility::Self, false}, now);
        ++restricted;
      }
    }
    std::size_t hidden = 0;
    for (auto it = regular.rbegin(); it != regular.rend() && hidden < 2; ++it) {
      const std::int64_t id = people[*it].id;
      if (id == demo_id || id == coordinator_id || brokers.contains(*it)) continue;
      if (ties_store::find_privacy(session, id)) continue;
      put_privacy_settings(session, id, PrivacySettings{TieVisibility::Network, true}, now);
      ++hidden;
    }
  });
}

}  // namespace atlas
