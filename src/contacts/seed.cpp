#include "contacts/seed.h"

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "contacts/import.h"
#include "members/places.h"

namespace contacts {

namespace {

class Dice {
 public:
  explicit Dice(std::uint64_t seed) : state_(seed * 2862933555777941757ULL + 3037000493ULL) {}
  std::uint64_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return state_ >> 33;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }

 private:
  std::uint64_t state_;
};

constexpr std::array<std::string_view, 64> kFirstNames = {
    "Jeroen", "Ans",    "Willem",  "Marieke", "Kees",  "Ingrid", "Bart",   "Petra",    "Rob",     "Anouk",
    "Erik",   "Sanne",  "Joost",   "Linda",   "Mark",  "Esther", "Hans",   "Karin",    "Tom",     "Monique",
    "Peter",  "Wendy",  "Sander",  "Nicole",  "Frank", "Yvonne", "Dirk",   "Miranda",  "Martijn", "Chantal",
    "Jan",    "Els",    "Ruud",    "Marloes", "Gert",  "Inge",   "Arjan",  "Sandra",   "Johan",   "Femke",
    "Koen",   "Lotte",  "Maarten", "Eva",     "Wim",   "Ilse",   "Stefan", "Nathalie", "Pieter",  "Annemiek",
    "Luc",    "Veerle", "Geert",   "Hilde",   "Bram",  "Judith", "Dennis", "Mieke",    "Rik",     "Tamara",
    "Niels",  "Carla",  "Jos",     "Hanneke"};
constexpr std::array<std::string_view, 60> kSurnames = {
    "de Vries",   "Jansen",       "van Dijk",    "Bakker",    "Janssen",    "Visser",    "Smit",
    "Meijer",     "de Boer",      "Mulder",      "de Groot",  "Bos",        "Vos",       "Peters",
    "Hendriks",   "van Leeuwen",  "Dekker",      "Brouwer",   "de Wit",     "Dijkstra",  "Smits",
    "de Graaf",   "van der Meer", "Kok",         "Jacobs",    "de Haan",    "Vermeulen", "van den Berg",
    "Verhoeven",  "Mertens",      "Koster",      "Prins",     "Huisman",    "Peeters",   "van Gils",
    "Verschuren", "Schipper",     "Maas",        "Kramer",    "Adriaansen", "Wisse",     "Boogaard",
    "Kodde",      "Minderhoud",   "de Jonge",    "Verburg",   "Ruijs",      "Lievense",  "Sinke",
    "Dominicus",  "Schot",        "Hoogesteger", "van Hooft", "Goossens",   "Rijnders",  "van Geel",
    "Hack",       "Buijs",        "de Kort",     "Oomen"};
constexpr std::array<std::string_view, 34> kTowns = {
    "Bergen op Zoom", "Roosendaal",  "Breda",       "Etten-Leur",  "Oosterhout",  "Halsteren",
    "Huijbergen",     "Woensdrecht", "Ossendrecht", "Hoogerheide", "Steenbergen", "Tholen",
    "Zevenbergen",    "Oudenbosch",  "Rucphen",     "Zundert",     "Goes",        "Middelburg",
    "Vlissingen",     "Terneuzen",   "Hulst",       "Zierikzee",   "Kapelle",     "Yerseke",
    "Kruiningen",     "Domburg",     "Sluis",       "Oostburg",    "Breda",       "Roosendaal",
    "Bergen op Zoom", "Goes",        "Middelburg",  "Etten-Leur"};
constexpr std::array<std::string_view, 14> kDisciplines = {"Financieel advies",
                                                           "Juridisch advies",
                                                           "ICT",
                                                           "Techniek",
                                                           "Grafisch ontwerp",
                                                           "HRM",
                                                           "Organisatieadvies",
                                                           "Marketing & communicatie",
                                                           "Vastgoed",
                                                           "Duurzaamheid & energie",
                                                           "Zorg & welzijn",
                                                           "Training & coaching",
                                                           "Logistiek",
                                                           "Tekst & vertaling"};
constexpr std::array<std::string_view, 8> kSources = {"KvK-lijst",
                                                      "KvK-lijst",
                                                      "KvK-lijst",
                                                      "KvK-lijst",
                                                      "Netwerk Ondernemers Roosendaal",
                                                      "eigen netwerk",
                                                      "eigen netwerk",
                                                      "Ondernemersvereniging Goes"};
constexpr std::array<std::string_view, 7> kOrganisationForms = {
    "{s} Advies", "{s} & Partners", "Bureau {s}", "{s} Consultancy", "{s} Administraties", "Studio {s}", ""};
constexpr std::array<std::string_view, 6> kMailDomains = {"ziggo.nl",  "kpnmail.nl",    "gmail.com",
                                                          "hetnet.nl", "zeelandnet.nl", "outlook.com"};

// "van der Meer" -> "vandermeer"; for addresses.
std::string slug(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out += c;
  }
  return out;
}

std::string capitalised(std::string_view surname) {
  std::string out(surname);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string csv_quoted(std::string_view field) {
  if (field.find_first_of(";\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

}  // namespace

std::string demo_csv(std::size_t count, std::uint64_t seed, std::size_t duplicates, std::size_t invalid) {
  Dice dice(seed);
  std::string csv = "Naam;Organisatie;E-mailadres;Woonplaats;Vakgebied;Bron\r\n";
  std::vector<std::string> lines;
  lines.reserve(count);
  std::unordered_set<std::string> used;
  for (std::size_t k = 0; k < count; ++k) {
    const std::string_view first = dice.pick(kFirstNames);
    const std::string_view surname = dice.pick(kSurnames);
    std::string organisation(dice.pick(kOrganisationForms));
    if (const auto at = organisation.find("{s}"); at != std::string::npos) {
      organisation.replace(at, 3, capitalised(surname));
    }
    std::string email;
    const std::size_t style = dice.below(3);
    if (!organisation.empty() && style == 0) {
      email = "info@" + slug(organisation) + ".nl";
    } else if (!organisation.empty() && style == 1) {
      email = slug(first) + "@" + slug(organisation) + ".nl";
    } else {
      email = slug(first) + "." + slug(surname) + "@" + std::string(dice.pick(kMailDomains));
    }
    // Unique addresses: a number where two people would share one.
    if (!used.insert(email).second) {
      const std::size_t at = email.find('@');
      email.insert(at, std::to_string(k));
      used.insert(email);
    }
    std::string line = csv_quoted(std::string(first) + " " + capitalised(surname)) + ";" +
                       csv_quoted(organisation) + ";" + email + ";" + std::string(dice.pick(kTowns)) + ";" +
                       csv_quoted(dice.pick(kDisciplines)) + ";" + std::string(dice.pick(kSources));
    lines.push_back(std::move(line));
  }
  // Extra rows go in at random places: (place among the originals, row), merged in one pass.
  std::vector<std::pair<std::size_t, std::string>> extra;
  // Duplicates: the same address again elsewhere, sometimes upper-cased, with fewer fields.
  for (std::size_t k = 0; k < duplicates && !lines.empty(); ++k) {
    const std::string& original = lines[dice.below(lines.size())];
    const std::size_t start = original.find(';', original.find(';') + 1) + 1;
    const std::size_t end = original.find(';', start);
    std::string email = original.substr(start, end - start);
    if (k % 3 == 0) {
      for (char& c : email) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
    }
    extra.emplace_back(dice.below(lines.size() + 1), ";;" + email + ";;;");
  }
  // Invalid rows: addresses typed wrong, or missing.
  constexpr std::array<std::string_view, 4> kBroken = {"jan.peeters(at)ziggo.nl", "info@",
                                                       "m.verhoeven@@kpnmail.nl", ""};
  for (std::size_t k = 0; k < invalid; ++k) {
    extra.emplace_back(dice.below(lines.size() + 1),
                       "Onbekend;;" + std::string(kBroken[k % kBroken.size()]) + ";Breda;;");
  }
  std::stable_sort(extra.begin(), extra.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> rows;
  rows.reserve(lines.size() + extra.size());
  std::size_t next_extra = 0;
  for (std::size_t k = 0; k <= lines.size(); ++k) {
    while (next_extra < extra.size() && extra[next_extra].first == k)
      rows.push_back(std::move(extra[next_extra++].second));
    if (k < lines.size()) rows.push_back(std::move(lines[k]));
  }
  for (const std::string& row : rows) csv += row + "\r\n";
  return csv;
}

void seed_demo(db::Database& database, std::int64_t now) {
  (void)now;  // every date is fixed: the list was imported before the first mailing in 2025
  struct Setup {
    std::int64_t network_id = 0;
    std::optional<std::int64_t> coordinator;
    struct Member {
      std::int64_t account_id;
      std::string name;
      std::string email;
      std::int64_t attended_at;
    };
    std::vector<Member> came;
  };
  const Setup setup = database.read([&](db::Session& session) {
    Setup s;
    auto network = session.query_one("SELECT id FROM networks WHERE slug = 'west-brabant-zeeland'");
    if (!network) throw std::runtime_error("contacts demo: run the regions seed first");
    s.network_id = network->int64(0);
    auto coordinator = session.query_one(
        "SELECT account_id FROM memberships WHERE network_id = ? AND role = 'coordinator' ORDER BY "
        "account_id LIMIT 1",
        {s.network_id});
    if (coordinator) s.coordinator = coordinator->int64(0);
    // The members who came to the first meeting came through the mailing: their contacts link to them.
    for (const db::Row& row : session.query(
             "SELECT a.id, a.name, a.email, o.starts_at FROM events e "
             "JOIN event_occurrences o ON o.event_id = e.id JOIN event_rsvps r ON r.occurrence_id = o.id "
             "JOIN accounts a ON a.id = r.account_id "
             "WHERE e.network_id = ? AND e.title = 'Eerste bijeenkomst Kennisknooppunt' AND r.attended = 1 "
             "ORDER BY a.id",
             {s.network_id})) {
      s.came.push_back({row.int64(0), row.text(1), row.text(2), row.int64(3)});
    }
    return s;
  });
  const std::size_t linked = setup.came.size();
  const std::size_t listed = static_cast<std::size_t>(kDemoContactCount) - linked;

  const members::Places places = members::Places::load_embedded();
  const std::string csv = demo_csv(listed, 17000, 31, 17);
  ImportRequest request;
  request.network_id = setup.network_id;
  request.created_by = setup.coordinator;
  request.file_name = "adreslijst-west-brabant-zeeland.csv";
  request.source = "KvK-lijst";
  request.legal_basis = "gerechtvaardigd belang";
  request.columns = preview(csv, 1).columns;
  request.max_rows = 1000000;
  const ImportReport report = run_import(database, csv, request, &places, kDemoImportedAt);
  if (report.added != static_cast<std::int64_t>(listed)) {
    throw std::runtime_error("contacts demo: the list added " + std::to_string(report.added) +
                             " contacts, not " + std::to_string(listed));
  }

  Dice dice(45);
  database.write([&](db::Session& session) {
    for (const Setup::Member& member : setup.came) {
      const std::string town(dice.pick(kTowns));
      const members::Place* place = places.find(town);
      session.execute(
          "INSERT INTO contacts (network_id, email, name, organisation, town, region, discipline, source, "
          "legal_basis, "
          "language, created_at, updated_at, import_id, account_id, became_member_at) "
          "VALUES (?, ?, ?, '', ?, ?, ?, 'KvK-lijst', 'gerechtvaardigd belang', 'nl', ?, ?, ?, ?, ?)",
          {setup.network_id, member.email, member.name, town, place ? place->region : std::string(),
           std::string(dice.pick(kDisciplines)), kDemoImportedAt, kDemoImportedAt, report.import_id,
           member.account_id, member.attended_at + static_cast<std::int64_t>(dice.below(14) + 1) * 86400});
    }
    session.execute(
        "INSERT INTO contact_import_links (contact_id, import_id, outcome, line) "
        "SELECT id, import_id, 'added', 0 FROM contacts WHERE import_id = ? AND account_id IS NOT NULL",
        {report.import_id});
    session.execute(
        "UPDATE contact_imports SET rows_added = rows_added + ?, rows_total = rows_total + ? WHERE id = ?",
        {static_cast<std::int64_t>(linked), static_cast<std::int64_t>(linked), report.import_id});
    session.execute(
        "INSERT INTO recruitment_settings (network_id, retention_days) VALUES (?, ?) "
        "ON CONFLICT (network_id) DO UPDATE SET retention_days = excluded.retention_days",
        {setup.network_id, kDemoRetentionDays});
  });
}

}  // namespace contacts
