#include "events/seed.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include "auth/seed.h"
#include "auth/service.h"
#include "events/service.h"
#include "events/store.h"
#include "regions/service.h"
#include "web/site.h"

namespace events {

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

struct Person {
  std::int64_t id = 0;
  std::string name;
  std::string email;
};

Actor actor_for(const Person& person) { return Actor{person.id, person.name, person.email, "nl", false}; }

// `count` different people from `people`, chosen by `dice`, never the excluded ones.
std::vector<Person> pick(const std::vector<Person>& people, std::size_t count, Dice& dice,
                         const std::vector<std::int64_t>& excluded = {}) {
  std::vector<Person> pool;
  for (const Person& person : people) {
    if (std::find(excluded.begin(), excluded.end(), person.id) == excluded.end()) pool.push_back(person);
  }
  for (std::size_t i = 0; i + 1 < pool.size(); ++i) {
    const auto j = i + static_cast<std::size_t>(dice.next() % (pool.size() - i));
    std::swap(pool[i], pool[j]);
  }
  pool.resize(std::min(count, pool.size()));
  return pool;
}

void require(const Result<RsvpOutcome>& outcome) {
  if (!outcome.ok())
    throw std::runtime_error("events demo: an answer was refused: " + outcome.error->message_key);
}

Event require(Result<Event> created) {
  if (!created.ok())
    throw std::runtime_error("events demo: an event was refused: " + created.error->message_key);
  return std::move(*created.value);
}

// Past meetings: answers given a few days before, then who came (most of them, and a walk-in or two).
void seed_attendance(db::Session& session, Service& service, std::atomic<std::int64_t>& clock,
                     const Occurrence& occurrence, const std::vector<Person>& people, std::size_t going_count,
                     Dice& dice) {
  clock = occurrence.starts_at - 4 * 24 * 3600;
  const auto going = pick(people, going_count + 6, dice);
  for (std::size_t i = 0; i < going.size(); ++i) {
    RsvpInput input;
    input.response = i < going_count ? Response::Going : (i % 2 == 0 ? Response::Maybe : Response::NotGoing);
    if (input.response == Response::Going && dice.between(1, 12) == 1) {
      input.guests = 1;
      input.guest_names = {"Collega van " + going[i].name.substr(0, going[i].name.find(' '))};
    }
    require(service.respond_in(session, actor_for(going[i]), occurrence.id, input));
  }
  const std::int64_t checked_at = occurrence.starts_at + 10 * 60;
  for (Rsvp rsvp : store::rsvps_of(session, occurrence.id)) {
    if (rsvp.response != Response::Going) continue;
    rsvp.attended = dice.between(1, 100) <= 88;  // about one in eight does not show up
    if (*rsvp.attended) rsvp.checked_in_at = checked_at;
    store::update_rsvp(session, rsvp);
  }
  for (std::int64_t i = dice.between(0, 2); i > 0; --i) {
    Rsvp walk_in;
    walk_in.occurrence_id = occurrence.id;
    walk_in.name = i == 1 ? "Gast via een lid" : "Inloper uit de regio";
    walk_in.response = Response::Going;
    walk_in.attended = true;
    walk_in.checked_in_at = checked_at;
    walk_in.walk_in = true;
    walk_in.created_at = checked_at;
    walk_in.updated_at = checked_at;
    store::insert_rsvp(session, walk_in, std::nullopt, std::nullopt);
  }
}

ProgrammeSession session_at(std::int64_t day_start, int hour, int minute, int minutes, std::string title,
                            std::string room, std::string track, std::optional<std::int64_t> capacity,
                            std::vector<Speaker> speakers, std::string description) {
  ProgrammeSession session;
  session.title = std::move(title);
  session.room = std::move(room);
  session.track = std::move(track);
  session.starts_at = day_start + (hour * 60 + minute) * 60;
  session.ends_at = session.starts_at + minutes * 60;
  session.capacity = capacity;
  session.speakers = std::move(speakers);
  session.description = std::move(description);
  return session;
}

}  // namespace

void seed_demo(db::Database& database, std::int64_t now) {
  // The service composes no mail here (nobody waits in line for a past meeting, and the coming
  // ones fill without anyone leaving), so a bare site suffices; its clock walks through the year.
  const web::Site site(web::AssetUrls{"/assets/app.css", "/assets/logo.svg", "/assets/favicon.svg"},
                       web::SiteOptions{"events-demo-seed", false});
  std::atomic<std::int64_t> clock{now};
  Access access;
  access.is_member = [](std::int64_t, std::int64_t) { return true; };
  access.is_coordinator = [](std::int64_t, std::int64_t) { return true; };
  ServiceOptions options;
  options.clock = [&clock] { return clock.load(); };
  Service service(database, site, access, options);
  regions::Service regions(database);
  const auto network = regions.overview("west-brabant-zeeland");
  if (!network) throw std::runtime_error("events demo: run the regions seed first");
  const std::int64_t network_id = network->network.id;

  database.write([&](db::Session& session) {
    const auto coordinator_account = auth::find_account_by_email(session, auth::kDemoCoordinatorEmail);
    if (!coordinator_account) throw std::runtime_error("events demo: run the auth and members seeds first");
    const Person coordinator{coordinator_account->id, coordinator_account->name, coordinator_account->email};
    const auto demo_member = auth::find_account_by_email(session, auth::kDemoMemberEmail);
    // Everyone but the two demo logins, whom a visitor to the demo (and the browser test) uses.
    std::vector<Person> people;
    for (const auth::Account& account : auth::active_members(session, network_id)) {
      if (account.id == coordinator.id || (demo_member && account.id == demo_member->id)) continue;
      people.push_back(Person{account.id, account.name, account.email});
    }
    if (people.size() < 60) throw std::runtime_error("events demo: the members seed must run first");
    Dice dice(20250619);

    // The first meeting: 45 people at the Markiezenhof, where the network began.
    NewEvent first;
    first.network_id = network_id;
    first.kind = Kind::Single;
    first.title = "Eerste bijeenkomst Kennisknooppunt";
    first.description =
        "De eerste bijeenkomst na de brief aan 1.700 zelfstandige professionals in de regio. We bespreken "
        "een reeks "
        "stellingen over samenwerken, kwaliteit en de vorm van het netwerk.";
    first.location_name = "Het Markiezenhof";
    first.location_address = "Steenbergsestraat 8, Bergen op Zoom";
    first.starts_local = "2025-06-19T19:30";
    first.duration_minutes = 150;
    first.capacity = 60;
    first.reminder_minutes = 24 * 60;
    first.visibility = Visibility::Public;
    first.hosts = {coordinator.id};
    clock = 1748736000;  // 1 June 2025
    const Event first_event = require(service.create_event_in(session, first, coordinator.id));
    for (const Occurrence& occurrence :
         store::occurrences_of(session, first_event.id, INT64_MIN, INT64_MAX)) {
      clock = occurrence.starts_at - 7 * 24 * 3600;
      for (const Person& person : pick(people, 45, dice)) {
        require(service.respond_in(session, actor_for(person), occurrence.id, RsvpInput{}));
      }
      for (Rsvp rsvp : store::rsvps_of(session, occurrence.id)) {
        rsvp.attended = true;
        rsvp.checked_in_at = occurrence.starts_at + 5 * 60;
        store::update_rsvp(session, rsvp);
      }
    }

    // The breakfast every other Tuesday, and the knowledge day on four Saturdays a year.
    NewEvent breakfast;
    breakfast.network_id = network_id;
    breakfast.kind = Kind::Series;
    breakfast.title = "Ontbijtsessie";
    breakfast.description =
        "Om half acht koffie en een broodje, een korte presentatie van een lid en tijd om bij te praten. Om "
        "negen "
        "uur gaat iedereen weer aan het werk.";
    breakfast.location_name = "De Vijverhoeve";
    breakfast.location_address = "Huijbergen";
    breakfast.starts_local = "2025-09-02T07:30";
    breakfast.duration_minutes = 90;
    breakfast.rrule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20300827T235959Z";
    breakfast.capacity = kDemoBreakfastCapacity;
    breakfast.rsvp_deadline_minutes = 12 * 60;
    breakfast.reminder_minutes = 24 * 60;
    breakfast.hosts = {coordinator.id};
    clock = 1754006400;  // 1 August 2025
    const Event breakfast_event = require(service.create_event_in(session, breakfast, coordinator.id));

    NewEvent day;
    day.network_id = network_id;
    day.kind = Kind::Series;
    day.title = "Kennisdag";
    day.description =
        "Een zaterdag vol workshops uit de kennisgroepen: van fiscale actualiteiten tot toegankelijk "
        "ontwerp. "
        "Introducees en belangstellenden zijn welkom.";
    day.location_name = "De Kring";
    day.location_address = "Kade 15, Roosendaal";
    day.starts_local = "2025-09-13T09:30";
    day.duration_minutes = 7 * 60;
    day.rrule = "FREQ=MONTHLY;INTERVAL=3;BYDAY=2SA;UNTIL=20300601T000000Z";
    day.capacity = 80;
    day.rsvp_deadline_minutes = 48 * 60;
    day.reminder_minutes = 3 * 24 * 60;
    day.visibility = Visibility::Public;
    day.hosts = {coordinator.id};
    const Event day_event = require(service.create_event_in(session, day, coordinator.id));

    bool next_breakfast_done = false;
    std::size_t coming_breakfasts = 0;
    for (const Occurrence& occurrence :
         store::occurrences_of(session, breakfast_event.id, INT64_MIN, INT64_MAX)) {
      if (occurrence.starts_at < now) {
        seed_attendance(session, service, clock, occurrence, people,
                        static_cast<std::size_t>(dice.between(20, 44)), dice);
      } else if (!next_breakfast_done) {
        // The next breakfast is exactly full, the coordinator among those going: whoever answers now
        // joins the line, and a seat frees when someone cancels.
        clock = now;
        require(service.respond_in(session, actor_for(coordinator), occurrence.id, RsvpInput{}));
        for (const Person& person : pick(people, kDemoBreakfastCapacity - 1, dice)) {
          require(service.respond_in(session, actor_for(person), occurrence.id, RsvpInput{}));
        }
        next_breakfast_done = true;
      } else if (++coming_breakfasts <= 6) {
        clock = now;
        const auto count =
            static_cast<std::size_t>(dice.between(12, 30) - static_cast<std::int64_t>(coming_breakfasts) * 2);
        for (const Person& person : pick(people, count, dice)) {
          require(service.respond_in(session, actor_for(person), occurrence.id, RsvpInput{}));
        }
      }
    }
    for (const Occurrence& occurrence : store::occurrences_of(session, day_event.id, INT64_MIN, INT64_MAX)) {
      if (occurrence.starts_at < now) {
        seed_attendance(session, service, clock, occurrence, people,
                        static_cast<std::size_t>(dice.between(30, 45)), dice);
      } else if (occurrence.starts_at < now + 200LL * 24 * 3600) {
        clock = now;
        for (const Person& person : pick(people, static_cast<std::size_t>(dice.between(15, 35)), dice)) {
          require(service.respond_in(session, actor_for(person), occurrence.id, RsvpInput{}));
        }
      }
    }

    // The congress the working groups are preparing, with its programme.
    NewEvent congress;
    congress.network_id = network_id;
    congress.kind = Kind::Congress;
    congress.title = "Congres Samen Sterker";
    congress.description =
        "Het eerste congres van het Kennisknooppunt, voor leden en opdrachtgevers uit West-Brabant en "
        "Zeeland: drie "
        "sporen met sessies over ondernemen, digitalisering en mens en organisatie.";
    congress.location_name = "Theater De Maagd";
    congress.location_address = "Hofstraat 2, Bergen op Zoom";
    congress.starts_local = "2027-04-16T09:00";
    congress.duration_minutes = 8 * 60 + 30;
    congress.capacity = 250;
    congress.rsvp_deadline_minutes = 7 * 24 * 60;
    congress.reminder_minutes = 3 * 24 * 60;
    congress.visibility = Visibility::Public;
    congress.hosts = {coordinator.id};
    clock = now;
    const Event congress_event = require(service.create_event_in(session, congress, coordinator.id));
    const auto congress_occurrences = store::occurrences_of(session, congress_event.id, INT64_MIN, INT64_MAX);
    const std::int64_t day_start = congress_occurrences.at(0).starts_at - 9 * 3600;  // local midnight
    const auto speakers = pick(people, 12, dice);
    auto member = [&](std::size_t i, std::string affiliation) {
      return Speaker{speakers[i].id, speakers[i].name, std::move(affiliation)};
    };
    const std::vector<ProgrammeSession> programme = {
        session_at(day_start, 9, 30, 45, "Opening: samen sterker als zelfstandige", "Grote zaal", "",
                   std::nullopt, {member(0, "coördinator Kennisknooppunt")},
                   "Wat het netwerk in twee jaar bereikte, en waar we heen willen."),
        session_at(
            day_start, 10, 30, 60, "Fiscale actualiteiten voor zzp'ers", "Zaal 1", "Ondernemen", 40,
            {member(1, "belastingadviseur"), Speaker{std::nullopt, "mr. A. Verbeek", "Kamer van Koophandel"}},
            "De wijzigingen van dit jaar en wat ze betekenen voor uw klanten."),
        session_at(day_start, 10, 30, 60, "AVG in de praktijk van het mkb", "Zaal 2", "Digitaal", 40,
                   {member(2, "jurist privacyrecht")},
                   "Verwerkersovereenkomsten, datalekken en wat er echt toe doet."),
        session_at(day_start, 10, 30, 60, "Verzuim voorkomen in kleine teams", "Zaal 3", "Mens & organisatie",
                   35, {member(3, "HR-adviseur")},
                   "Praktische handvatten voor werkgevers met minder dan twintig mensen."),
        session_at(day_start, 11, 45, 60, "Samen een opdracht aannemen: hoe regel je dat?", "Zaal 1",
                   "Ondernemen", 40, {member(4, "organisatieadviseur"), member(5, "jurist")},
                   "Contracten, aansprakelijkheid en afspraken tussen zelfstandigen."),
        session_at(day_start, 11, 45, 60, "Toegankelijk ontwerp voor iedereen", "Zaal 2", "Digitaal", 40,
                   {member(6, "grafisch ontwerper")},
                   "Wat de Europese toegankelijkheidsregels vragen van uw website."),
        session_at(day_start, 11, 45, 60, "Loopbaangesprekken die werken", "Zaal 3", "Mens & organisatie", 35,
                   {member(7, "loopbaancoach")}, "Een werkvorm die u morgen kunt gebruiken."),
        session_at(
            day_start, 13, 45, 60, "Energietransitie in de bouw", "Zaal 1", "Ondernemen", 40,
            {member(8, "technisch adviseur"), Speaker{std::nullopt, "ir. S. de Clercq", "Provincie Zeeland"}},
            "Subsidies, regels en de vragen die klanten nu stellen."),
        session_at(day_start, 13, 45, 60, "Cyberveiligheid zonder IT-afdeling", "Zaal 2", "Digitaal", 40,
                   {member(9, "ICT-adviseur")}, "Tien maatregelen die een klein bedrijf zelf kan nemen."),
        session_at(day_start, 13, 45, 60, "Leiderschap in verandertrajecten", "Zaal 3", "Mens & organisatie",
                   35, {member(10, "interim-manager")}, "Lessen uit drie fusies in de regio."),
        session_at(day_start, 15, 15, 60, "Stellingen: hoe verder met het keurmerk?", "Grote zaal", "",
                   std::nullopt, {member(11, "werkgroep keurmerk")},
                   "Een interactieve sessie: leden stemmen over de volgende stappen."),
        session_at(day_start, 16, 30, 60, "Borrel en netwerken", "Foyer", "", std::nullopt, {}, ""),
    };
    for (ProgrammeSession programme_session : programme) {
      programme_session.event_id = congress_event.id;
      store::insert_session(session, programme_session);
    }
    for (const Person& person : pick(people, 64, dice)) {
      require(service.respond_in(session, actor_for(person), congress_occurrences.at(0).id, RsvpInput{}));
    }
  });
}

}  // namespace events
