#include "members/seed.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "auth/passwords.h"
#include "auth/seed.h"
#include "auth/service.h"
#include "members/places.h"
#include "members/service.h"
#include "regions/store.h"
#include "web/markdown.h"

namespace members {

namespace {

// 2024-01-20 09:00 UTC; each member joins a little later than the one before.
constexpr std::int64_t kFirstJoined = 1705741200;
constexpr std::uint64_t kSeed = 20240120;

// A small, fully specified generator (splitmix64): the same numbers on every platform and library,
// unlike std::uniform_int_distribution.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }

 private:
  std::uint64_t state_;
};

constexpr std::array<std::string_view, 60> kDutchFirstNames = {
    "Anna",   "Bram",    "Carlijn", "Daan",     "Eline", "Femke",  "Gijs",   "Hanneke", "Ingrid",
    "Jeroen", "Karin",   "Lars",    "Marloes",  "Niels", "Olga",   "Pieter", "Quirine", "Ruud",
    "Sanne",  "Tom",     "Ursula",  "Vincent",  "Wendy", "Xander", "Yvonne", "Zeger",   "Annemiek",
    "Bart",   "Chantal", "Dirk",    "Esther",   "Frank", "Gerda",  "Hans",   "Ilse",    "Jan",
    "Kees",   "Linda",   "Marco",   "Nicole",   "Oscar", "Petra",  "Rob",    "Saskia",  "Thijs",
    "Vera",   "Wim",     "Jolanda", "Maarten",  "Lotte", "Koen",   "Mirjam", "Stefan",  "Evelien",
    "Joris",  "Miranda", "Erik",    "Nathalie", "Ton",   "Marieke"};

constexpr std::array<std::string_view, 24> kFlemishFirstNames = {
    "Wout",  "Lieve",  "Bart", "Griet", "Stijn", "An",   "Pieter-Jan", "Katrien",
    "Joris", "Els",    "Koen", "Hilde", "Dries", "Ann",  "Tom",        "Leen",
    "Bert",  "Veerle", "Jef",  "Sofie", "Wim",   "Inge", "Arne",       "Nele"};

constexpr std::array<std::string_view, 60> kDutchSurnames = {
    "de Vries",   "Jansen",       "van den Berg",   "Bakker",       "Visser",
    "Smit",       "Meijer",       "de Boer",        "Mulder",       "de Groot",
    "Bos",        "Vos",          "Peters",         "Hendriks",     "van Leeuwen",
    "Dekker",     "Brouwer",      "de Wit",         "Dijkstra",     "Smits",
    "de Graaf",   "van der Meer", "van der Linden", "Kok",          "Jacobs",
    "de Haan",    "Vermeulen",    "van den Heuvel", "van der Veen", "van den Broek",
    "de Bruijn",  "de Jong",      "Schouten",       "van Beek",     "Willems",
    "van Dijk",   "Verhoeven",    "Janssen",        "Maas",         "van Gils",
    "Mathijssen", "Verbeek",      "van Loon",       "Koenraadt",    "Luijckx",
    "van Opstal", "Rijnders",     "Adriaansen",     "Goossens",     "Verschuren",
    "Hoefnagels", "Pijnenburg",   "van Hooijdonk",  "Kools",        "Boeren",
    "Dingemans",  "Koolen",       "Leijten",        "Matthijsen",   "Huijbregts"};

constexpr std::array<std::string_view, 30> kZeeuwseSurnames = {
    "de Kam",     "Minderhoud", "Sinke",      "Dieleman",    "Geschiere", "Kodde",    "Wisse",  "Koene",
    "de Visser",  "Boogaard",   "Hoogerland", "Traas",       "Verhage",   "Hamelink", "Quist",  "Lievense",
    "Francke",    "Polderman",  "Schroevers", "Joosse",      "Melis",     "Verburg",  "Nijsse", "de Ridder",
    "van Belzen", "Pieterse",   "Bimmel",     "Kraaijeveld", "Westdorp",  "Jobse"};

constexpr std::array<std::string_view, 30> kFlemishSurnames = {
    "Peeters",    "Janssens",     "Maes",    "Jacobs",         "Mertens",   "Willems",
    "Claes",      "Goossens",     "Wouters", "De Smet",        "Dubois",    "Vermeulen",
    "Van Damme",  "Hermans",      "Aerts",   "Van den Broeck", "Michiels",  "Lambrechts",
    "Verstraete", "Desmet",       "Pauwels", "De Clercq",      "Van Hecke", "Claeys",
    "Cools",      "Vandenberghe", "Segers",  "Smets",          "Geerts",    "Van Acker"};

// Where the members live. West-Brabant and Zeeland by far the most, then the rest of Brabant, a few
// from the Randstad and from Flanders.
constexpr std::array<std::string_view, 44> kWestTowns = {
    "Bergen op Zoom", "Bergen op Zoom", "Bergen op Zoom", "Roosendaal", "Roosendaal",  "Roosendaal",
    "Breda",          "Breda",          "Breda",          "Breda",      "Huijbergen",  "Huijbergen",
    "Hoogerheide",    "Ossendrecht",    "Woensdrecht",    "Halsteren",  "Steenbergen", "Wouw",
    "Etten-Leur",     "Etten-Leur",     "Oudenbosch",     "Zundert",    "Rucphen",     "Oosterhout",
    "Prinsenbeek",    "Zevenbergen",    "Dinteloord",     "Goes",       "Goes",        "Goes",
    "Middelburg",     "Middelburg",     "Middelburg",     "Vlissingen", "Vlissingen",  "Terneuzen",
    "Terneuzen",      "Hulst",          "Zierikzee",      "Tholen",     "Kapelle",     "Yerseke",
    "Oost-Souburg",   "Domburg"};
constexpr std::array<std::string_view, 8> kRandstadTowns = {"Rotterdam", "Den Haag", "Dordrecht", "Utrecht",
                                                            "Amsterdam", "Leiden",   "Delft",     "Gouda"};
constexpr std::array<std::string_view, 8> kFlemishTowns = {
    "Antwerpen", "Gent", "Brugge", "Essen", "Kalmthout", "Brecht", "Hoogstraten", "Sint-Niklaas"};
constexpr std::array<std::string_view, 6> kMiddenTowns = {"Tilburg",    "Tilburg", "Waalwijk",
                                                          "Oisterwijk", "Goirle",  "Dongen"};

struct DisciplineContent {
  std::string_view code;
  std::array<std::string_view, 4> headlines;
  std::array<std::string_view, 8> tags;
  std::array<std::string_view, 3> bios;  // {town} and {years} are filled in
};

constexpr std::array<DisciplineContent, 14> kContent = {{
    {"financieel",
     {"Boekhouder en belastingadviseur voor zzp'ers", "Financieel adviseur voor het mkb",
      "Fiscalist met oog voor familiebedrijven", "Controller op interimbasis"},
     {"boekhouding", "belastingaangifte", "btw", "jaarrekening", "financiering", "verzekeringen", "pensioen",
      "bedrijfsovername"},
     {"Ik help zelfstandigen en kleine bedrijven in en rond {town} met hun boekhouding, btw-aangifte en "
      "jaarrekening. Al {years} jaar zorg ik dat de cijfers kloppen, zodat u zich op uw vak kunt richten.",
      "Na een loopbaan bij een accountantskantoor werk ik sinds {years} jaar zelfstandig vanuit {town}. Ik "
      "adviseer over financiering, verzekeringen en pensioen, en denk mee bij een bedrijfsovername.",
      "Cijfers vertellen een verhaal. Ik maak dat verhaal zichtbaar met heldere rapportages en een "
      "**realistische begroting**, voor ondernemers in West-Brabant en Zeeland."}},
    {"juridisch",
     {"Jurist arbeidsrecht en contractenrecht", "Mediator bij zakelijke geschillen",
      "Privacyjurist (AVG) voor het mkb", "Juridisch adviseur voor ondernemers"},
     {"arbeidsrecht", "contracten", "algemene voorwaarden", "avg", "mediation", "incasso", "huurrecht",
      "aansprakelijkheid"},
     {"Als jurist in {town} stel ik contracten en algemene voorwaarden op die u echt begrijpt. Ik werk "
      "{years} "
      "jaar voor ondernemers die geschillen liever voorkomen dan uitvechten.",
      "Ik ben MfN-registermediator en begeleid zakelijke conflicten naar een oplossing waar beide partijen "
      "mee "
      "verder kunnen. Daarnaast adviseer ik over arbeidsrecht.",
      "Privacy is geen papierwerk maar vertrouwen. Ik help organisaties met de AVG: van verwerkingsregister "
      "tot "
      "datalek-protocol, praktisch en zonder juridisch jargon."}},
    {"ict",
     {"Softwareontwikkelaar en architect", "ICT-beheerder voor kleine kantoren",
      "Adviseur informatiebeveiliging", "Webontwikkelaar en data-analist"},
     {"softwareontwikkeling", "cloud", "informatiebeveiliging", "netwerkbeheer", "webapplicaties",
      "data-analyse", "microsoft 365", "back-up"},
     {"Ik bouw webapplicaties en koppelingen voor het mkb, vanuit {town}. Na {years} jaar in de software "
      "weet ik "
      "dat de beste oplossing vaak de eenvoudigste is.",
      "Kleine kantoren verdienen ook goede ICT. Ik verzorg beheer, back-ups, Microsoft 365 en beveiliging, "
      "zodat "
      "uw systemen gewoon werken.",
      "Informatiebeveiliging begint bij mensen. Ik voer risicoanalyses uit, train medewerkers en help bij "
      "certificering (ISO 27001, NEN 7510)."}},
    {"techniek",
     {"Werktuigbouwkundig ingenieur", "Adviseur installatietechniek", "Constructeur en bouwkundig adviseur",
      "Projectleider techniek en industrie"},
     {"werktuigbouw", "installatietechniek", "constructie", "bouwbegeleiding", "procesoptimalisatie",
      "veiligheid", "machinebouw", "haalbaarheidsstudie"},
     {"Ik ben werktuigbouwkundig ingenieur en help bedrijven in de haven en de industrie rond {town} met "
      "procesoptimalisatie en machineveiligheid.",
      "Al {years} jaar begeleid ik bouw- en installatieprojecten van haalbaarheidsstudie tot oplevering. Ik "
      "spreek de taal van de opdrachtgever én van de uitvoerder.",
      "Als constructeur reken ik staal-, beton- en houtconstructies door, voor verbouwingen en nieuwbouw in "
      "Brabant en Zeeland."}},
    {"grafisch",
     {"Grafisch ontwerper en illustrator", "Ontwerper huisstijl en drukwerk", "Fotograaf voor bedrijven",
      "UX- en webdesigner"},
     {"huisstijl", "logo", "drukwerk", "illustratie", "fotografie", "webdesign", "toegankelijkheid",
      "verpakking"},
     {"Vanuit mijn studio in {town} ontwerp ik huisstijlen, logo's en drukwerk voor ondernemers die willen "
      "opvallen zonder te schreeuwen.",
      "Ik fotografeer mensen aan het werk: portretten, reportages en beeldbanken voor websites en "
      "jaarverslagen.",
      "Goed ontwerp is voor iedereen bruikbaar. Ik ontwerp websites en apps die toegankelijk zijn (WCAG) en "
      "prettig werken, ook op een oude telefoon."}},
    {"hrm",
     {"HR-adviseur voor het mkb", "Loopbaancoach en outplacement", "Recruiter techniek en ICT",
      "Verzuimconsulent"},
     {"werving", "verzuim", "loopbaanbegeleiding", "personeelsbeleid", "functioneringsgesprekken",
      "outplacement", "arbeidsmarkt", "cao"},
     {"Ik ben HR-adviseur voor bedrijven tot honderd medewerkers in de regio {town}. Van personeelshandboek "
      "tot "
      "lastig gesprek: ik denk mee en doe mee.",
      "Als loopbaancoach help ik mensen die vastlopen of een nieuwe richting zoeken. Al {years} jaar, met "
      "veel "
      "plezier.",
      "Verzuim kost meer dan geld. Ik begeleid werkgevers en werknemers bij re-integratie volgens de Wet "
      "verbetering poortwachter."}},
    {"organisatie",
     {"Organisatieadviseur en interim-manager", "Procesverbeteraar (Lean Six Sigma)",
      "Adviseur strategie en verandering", "Bedrijfskundige voor familiebedrijven"},
     {"verandermanagement", "strategie", "lean", "interim-management", "procesverbetering",
      "bedrijfsopvolging", "samenwerking", "teamontwikkeling"},
     {"Ik begeleid organisaties in {town} en omgeving bij veranderingen die blijven hangen: strategie die op "
      "de "
      "werkvloer landt.",
      "Als interim-manager stap ik in waar het schuurt. In {years} jaar werkte ik in de zorg, het onderwijs "
      "en "
      "de industrie.",
      "Familiebedrijven hebben hun eigen dynamiek. Ik help bij bedrijfsopvolging, zodat de zaak én de "
      "familie "
      "heel blijven."}},
    {"marketing",
     {"Marketingadviseur en tekstschrijver", "Communicatieadviseur", "Online marketeer (SEO en SEA)",
      "Contentstrateeg"},
     {"marketing", "communicatie", "tekstschrijven", "seo", "social media", "positionering", "campagnes",
      "nieuwsbrieven"},
     {"Ik schrijf teksten die mensen echt lezen: websites, nieuwsbrieven en campagnes voor ondernemers uit "
      "{town} en verder.",
      "Positionering is kiezen. Ik help zelfstandigen en mkb'ers scherp krijgen wie ze zijn, voor wie ze "
      "werken "
      "en waarom dat ertoe doet.",
      "Online gevonden worden zonder trucjes: ik werk {years} jaar aan SEO, advertenties en meetbare "
      "campagnes."}},
    {"vastgoed",
     {"Makelaar en taxateur", "Adviseur bedrijfshuisvesting", "Vastgoedbeheerder", "Bouwkundig inspecteur"},
     {"taxatie", "bedrijfshuisvesting", "vastgoedbeheer", "bouwkundige keuring", "huurrecht", "verduurzaming",
      "aankoopbegeleiding", "erfpacht"},
     {"Ik ben register-taxateur in {town} en help ondernemers bij aankoop, verkoop en huur van "
      "bedrijfspanden.",
      "Als bouwkundig inspecteur keur ik woningen en bedrijfspanden, met een helder rapport en eerlijk "
      "advies "
      "over onderhoud.",
      "Vastgoed is mensenwerk. Ik beheer panden voor particuliere beleggers in Brabant en Zeeland, al "
      "{years} "
      "jaar."}},
    {"duurzaamheid",
     {"Energieadviseur voor bedrijven", "Adviseur duurzaamheid en CSRD", "Adviseur zonne-energie",
      "Circulair ontwerper"},
     {"energiebesparing", "zonnepanelen", "warmtepompen", "csrd", "circulaire economie", "subsidies",
      "energielabel", "co2-reductie"},
     {"Ik help bedrijven in {town} en omgeving energie besparen: van energielabel tot warmtepomp, met oog "
      "voor "
      "de subsidies die er zijn.",
      "Duurzaamheidsverslaggeving (CSRD) komt ook naar het mkb. Ik maak het behapbaar en koppel het aan "
      "echte "
      "verbeteringen.",
      "Circulair ondernemen begint bij het ontwerp. Ik help producenten materialen te besparen en producten "
      "langer mee te laten gaan."}},
    {"zorg",
     {"Adviseur zorg en welzijn", "Praktijkmanager in de eerste lijn", "Kwaliteitsadviseur zorg",
      "Coach voor zorgprofessionals"},
     {"zorginnovatie", "kwaliteitszorg", "praktijkmanagement", "welzijn", "wmo", "jeugdzorg", "hkz",
      "mantelzorg"},
     {"Ik adviseer zorgorganisaties in West-Brabant over kwaliteit en certificering (HKZ, ISO), met {years} "
      "jaar "
      "ervaring in de ouderenzorg.",
      "Als praktijkmanager help ik huisartsen en fysiotherapeuten hun praktijk op orde te krijgen, zodat er "
      "meer tijd is voor patiënten.",
      "Ik coach zorgprofessionals die het overzicht kwijt zijn. Werkplezier is geen luxe in de zorg."}},
    {"training",
     {"Trainer communicatie en leiderschap", "Teamcoach", "Trainer presenteren",
      "Docent en e-learningontwikkelaar"},
     {"training", "coaching", "leiderschap", "presenteren", "e-learning", "feedback", "timemanagement",
      "intervisie"},
     {"Ik geef trainingen in communicatie en leiderschap, in het Nederlands en Engels, voor teams in {town} "
      "en "
      "daarbuiten.",
      "Presenteren leer je door het te doen. In mijn trainingen staat u binnen tien minuten voor de groep.",
      "Ik ontwikkel e-learning die mensen afmaken: kort, praktisch en met echte voorbeelden uit de "
      "organisatie."}},
    {"logistiek",
     {"Adviseur logistiek en supply chain", "Douane- en exportspecialist", "Transportplanner op interimbasis",
      "Adviseur warehousing"},
     {"supply chain", "douane", "export", "warehousing", "transport", "ketenregie", "voorraadbeheer",
      "havenlogistiek"},
     {"Ik adviseer verladers en vervoerders in {town} over ketenregie en voorraadbeheer, met {years} jaar "
      "ervaring in de havenlogistiek.",
      "Exporteren buiten de EU? Ik regel douanezaken, certificaten van oorsprong en AEO-certificering.",
      "Een magazijn dat loopt, merk je niet. Ik ontwerp en verbeter warehouses, van indeling tot WMS."}},
    {"tekst",
     {"Vertaler Nederlands-Engels-Frans", "Tekstschrijver en redacteur", "Beëdigd vertaler Duits",
      "Schrijver van jaarverslagen"},
     {"vertalen", "redactie", "copywriting", "jaarverslagen", "beëdigd vertalen", "ondertiteling", "b1-taal",
      "eindredactie"},
     {"Ik vertaal zakelijke en juridische teksten tussen het Nederlands, Engels en Frans, vanuit {town}.",
      "Heldere taal op B1-niveau: ik herschrijf brieven, websites en folders zodat iedereen ze begrijpt.",
      "Als redacteur maak ik jaarverslagen en magazines van begin tot eind, al {years} jaar."}},
}};

std::string slug(std::string_view text) {
  std::string out;
  for (char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += c;
    } else if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if (c == ' ' || c == '-') {
      if (!out.empty() && out.back() != '-') out += '-';
    }
  }
  return out;
}

std::string fill(std::string_view pattern, std::string_view town, int years) {
  std::string text(pattern);
  for (std::size_t at = text.find("{town}"); at != std::string::npos; at = text.find("{town}")) {
    text.replace(at, 6, town);
  }
  for (std::size_t at = text.find("{years}"); at != std::string::npos; at = text.find("{years}")) {
    text.replace(at, 7, std::to_string(years));
  }
  return text;
}

// Most members show their profile to everyone; some keep parts to fellow members or to themselves.
FieldVisibility demo_visibility(Random& random) {
  FieldVisibility visibility;
  visibility.profile = random.chance(85) ? Visibility::Public : Visibility::Members;
  visibility.headline = Visibility::Public;
  visibility.photo = Visibility::Public;
  visibility.disciplines = Visibility::Public;
  visibility.tags = Visibility::Public;
  visibility.town = random.chance(80) ? Visibility::Public : Visibility::Members;
  visibility.languages = Visibility::Public;
  visibility.availability = random.chance(60) ? Visibility::Public : Visibility::Members;
  visibility.bio = random.chance(75) ? Visibility::Public : Visibility::Members;
  visibility.website = random.chance(90) ? Visibility::Public : Visibility::Hidden;
  return visibility;
}

Profile demo_profile(Random& random, std::int64_t account_id, std::string name, const Place& town,
                     std::int64_t at, bool flemish) {
  const DisciplineContent& main = kContent[random.below(kContent.size())];
  Profile profile;
  profile.account_id = account_id;
  profile.name = std::move(name);
  profile.headline = std::string(random.pick(main.headlines));
  std::vector<std::string> codes = {std::string(main.code)};
  if (random.chance(35)) {
    const DisciplineContent& second = kContent[random.below(kContent.size())];
    if (second.code != main.code) codes.emplace_back(second.code);
  }
  std::vector<std::string> ordered;
  for (const Label& label : disciplines()) {
    for (const std::string& code : codes) {
      if (label.code == code) ordered.push_back(code);
    }
  }
  profile.disciplines = std::move(ordered);
  std::vector<std::string> tags;
  const std::size_t tag_count = 2 + random.below(4);
  for (std::size_t i = 0; i < tag_count; ++i) {
    std::string tag(random.pick(main.tags));
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(std::move(tag));
  }
  std::sort(tags.begin(), tags.end());
  profile.tags = std::move(tags);
  profile.town = town;
  profile.languages = {"nl"};
  if (random.chance(70)) profile.languages.emplace_back("en");
  if (flemish || random.chance(15)) profile.languages.emplace_back("fr");
  if (random.chance(20)) profile.languages.emplace_back("de");
  const unsigned availability_roll = static_cast<unsigned>(random.below(100));
  profile.availability = availability_roll < 55   ? Availability::Available
                         : availability_roll < 85 ? Availability::Limited
                                                  : Availability::Unavailable;
  const int years = 3 + static_cast<int>(random.below(25));
  profile.bio_markdown = fill(random.pick(main.bios), town.name, years);
  profile.bio_html = web::render_markdown(profile.bio_markdown);
  if (random.chance(70)) profile.website = "https://www." + slug(profile.name) + ".example";
  profile.visibility = demo_visibility(random);
  profile.updated_at = at;
  return profile;
}

// One generated member: name, town, account, memberships and profile, drawn from `random`.
void add_generated_member(db::Session& session, Random& random, const Places& places, std::size_t index,
                          std::string_view email_domain, const std::string& password_hash,
                          const std::optional<regions::Network>& west,
                          const std::optional<regions::Network>& midden) {
  const std::int64_t joined = kFirstJoined + static_cast<std::int64_t>(index) * 3 * 86400;
  // One in ten from Flanders, one in twelve from the Randstad, a few from Midden-Brabant.
  const unsigned origin = static_cast<unsigned>(random.below(100));
  const bool flemish = origin < 10;
  const bool randstad = origin >= 10 && origin < 18;
  const bool midden_brabant = origin >= 18 && origin < 24;
  std::string_view town_name = flemish          ? random.pick(kFlemishTowns)
                               : randstad       ? random.pick(kRandstadTowns)
                               : midden_brabant ? random.pick(kMiddenTowns)
                                                : random.pick(kWestTowns);
  const Place* town = places.find(town_name);
  if (town == nullptr) throw std::logic_error("demo town missing from places.csv: " + std::string(town_name));

  std::string first;
  std::string last;
  if (flemish) {
    first = std::string(random.pick(kFlemishFirstNames));
    last = std::string(random.pick(kFlemishSurnames));
  } else {
    first = std::string(random.pick(kDutchFirstNames));
    const bool zeeuws = town->region == "Zeeland" && random.chance(60);
    last = std::string(zeeuws ? random.pick(kZeeuwseSurnames) : random.pick(kDutchSurnames));
  }
  std::string name = first + " " + last;

  auth::NewAccount account;
  account.email =
      slug(first) + "." + slug(last) + "." + std::to_string(index + 1) + "@" + std::string(email_domain);
  account.name = name;
  account.language = flemish || random.chance(90) ? "nl" : "en";
  account.password_hash = password_hash;
  account.verified = true;
  account.created_at = joined;
  const std::int64_t account_id = auth::create_account(session, account);

  if (west && !midden_brabant) {
    auth::add_membership(session, account_id, west->id, auth::Role::Member, auth::MembershipStatus::Active,
                         joined);
  }
  if (midden && (midden_brabant || random.chance(4))) {
    auth::add_membership(session, account_id, midden->id, auth::Role::Member, auth::MembershipStatus::Active,
                         joined);
  }
  store_profile(session, demo_profile(random, account_id, std::move(name), *town, joined, flemish));
}

}  // namespace

void seed_generated_members(db::Session& session, std::size_t first_index, std::size_t count,
                            std::uint64_t seed) {
  const Places places = Places::load_embedded();
  const auto west = regions::store::find_network(session, "west-brabant-zeeland");
  const auto midden = regions::store::find_network(session, "midden-brabant");
  Random random(seed + first_index);
  for (std::size_t i = first_index; i < first_index + count; ++i) {
    add_generated_member(session, random, places, i, "generated.kkp-demo.nl", "", west, midden);
  }
}

void seed_demo(db::Session& session) {
  const Places places = Places::load_embedded();
  const auto west = regions::store::find_network(session, "west-brabant-zeeland");
  const auto midden = regions::store::find_network(session, "midden-brabant");
  Random random(kSeed);
  const std::string password_hash(auth::demo_password_hash());
  for (std::size_t i = 0; i < kDemoMemberCount; ++i) {
    add_generated_member(session, random, places, i, "leden.kkp-demo.nl", password_hash, west, midden);
  }

  // The two demo logins get a profile too, so signing in shows a filled-in example.
  const struct {
    std::string_view email;
    std::string_view town;
    std::string_view code;
    std::string_view headline;
    std::string_view bio;
  } kDemoLogins[] = {
      {auth::kDemoCoordinatorEmail, "Huijbergen", "organisatie", "Coördinator van het Kennisknooppunt",
       "Ik ben coördinator van het Kennisknooppunt West-Brabant & Zeeland. Vragen over het netwerk, de "
       "ontbijtsessies in Huijbergen of de kennisgroepen? Stuur me gerust een bericht."},
      {auth::kDemoMemberEmail, "Bergen op Zoom", "financieel", "Financieel adviseur voor zzp'ers",
       "Ik help zzp'ers in Bergen op Zoom en omgeving met hun administratie, **verzekeringen** en pensioen."},
  };
  for (const auto& login : kDemoLogins) {
    const auto account = auth::find_account_by_email(session, login.email);
    if (!account) continue;
    Profile profile;
    profile.account_id = account->id;
    profile.name = account->name;
    profile.headline = std::string(login.headline);
    profile.disciplines = {std::string(login.code)};
    profile.tags = {"netwerken", "samenwerking"};
    profile.town = *places.find(login.town);
    profile.languages = {"nl", "en"};
    profile.bio_markdown = std::string(login.bio);
    profile.bio_html = web::render_markdown(profile.bio_markdown);
    profile.visibility.profile = Visibility::Public;
    profile.visibility.headline = Visibility::Public;
    profile.visibility.disciplines = Visibility::Public;
    profile.visibility.tags = Visibility::Public;
    profile.visibility.town = Visibility::Public;
    profile.updated_at = account->created_at;
    store_profile(session, profile);
  }
}

}  // namespace members
