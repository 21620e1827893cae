#include "regions/seed.h"

#include <string_view>

#include "regions/store.h"

namespace regions {

namespace {

struct GroupSeed {
  std::string_view slug;
  std::string_view name;
  std::string_view description;
};

// Fixed timestamps keep the demo identical on every run (2024-01-15 and 2024-07-01, 10:00 UTC).
constexpr std::int64_t kWestBrabantFounded = 1705312800;
constexpr std::int64_t kMiddenBrabantFounded = 1719828000;

constexpr std::string_view kWestBrabantStory =
    R"(Het Kennisknooppunt West-Brabant & Zeeland is een netwerk van zelfstandige adviseurs: financieel adviseurs, juristen, ICT'ers, technici, ontwerpers, HR-specialisten, organisatieadviseurs en marketeers. Iedereen blijft zelfstandig, maar niemand hoeft het alleen te doen.

## Hoe het begon
Het begon met een brief. We schreven 1.700 zelfstandige professionals in de regio aan, van Bergen op Zoom en Roosendaal tot Goes en Vlissingen, met één vraag: zou u meedoen aan een netwerk waarin we kennis delen en elkaar verder helpen? Er kwamen 230 reacties, en bij de eerste bijeenkomst zaten 45 mensen aan tafel.

Die avond bespraken we een reeks stellingen. Willen we elkaar opdrachten gunnen? Hoe laten we zien dat leden goed werk leveren? Wat voor organisatie past bij een netwerk van zelfstandigen? Daaruit kwamen drie afspraken: een keurmerk waarmee leden hun kwaliteit zichtbaar maken, een gedragscode die iedereen onderschrijft, en een rechtsvorm die bij ons past.

## Hoe we werken
Werkgroepen werken het keurmerk, de gedragscode en de rechtsvorm uit en leggen hun voorstellen aan alle leden voor. De acht kennisgroepen zijn de plek waar vakgenoten kennis delen, vragen stellen en elkaar verder helpen. Wie een opdracht heeft die meer vraagt dan één vak, vindt hier de collega's om een team mee te vormen.

## Wat er aan komt
- Elke twee weken een ontbijtsessie bij De Vijverhoeve in Huijbergen: om half acht koffie en een korte presentatie, om negen uur weer aan het werk.
- Vier zaterdagen per jaar een verdiepingsdag met workshops uit de kennisgroepen.
- Een congres voor leden en opdrachtgevers uit de regio, dat de werkgroepen nu voorbereiden.)";

constexpr GroupSeed kWestBrabantGroups[] = {
    {"financieel-advies", "Financieel advies",
     "Boekhouders, belastingadviseurs en financieel planners over jaarafsluitingen, fiscale wijzigingen, "
     "financiering en de cijfers achter een onderneming."},
    {"juridisch-advies", "Juridisch advies",
     "Juristen en mediators over contracten, algemene voorwaarden, arbeidsrecht, privacy (AVG) en de "
     "geschillen "
     "die u liever voorkomt."},
    {"ict", "ICT",
     "Ontwikkelaars, systeembeheerders en informatieadviseurs over software, beveiliging, de cloud en de "
     "digitale kant van elk bedrijf."},
    {"techniek", "Techniek",
     "Ingenieurs en technisch adviseurs uit de bouw, installatietechniek, energie en industrie: van "
     "haalbaarheidsstudie tot oplevering."},
    {"grafisch-ontwerp", "Grafisch ontwerp",
     "Ontwerpers, illustratoren en fotografen over huisstijlen, drukwerk, webdesign en ontwerp dat voor "
     "iedereen toegankelijk is."},
    {"hrm", "HRM",
     "HR-adviseurs, loopbaancoaches en recruiters over werving, verzuim, de ontwikkeling van medewerkers en "
     "goed werkgeverschap in het mkb."},
    {"organisatieadvies", "Organisatieadvies",
     "Organisatieadviseurs en interim-managers over strategie, verandertrajecten, processen en samenwerking "
     "binnen en tussen organisaties."},
    {"marketing-communicatie", "Marketing & communicatie",
     "Marketeers, tekstschrijvers en communicatieadviseurs over positionering, campagnes, online "
     "zichtbaarheid en teksten die mensen echt lezen."},
};

constexpr std::string_view kMiddenBrabantStory =
    R"(Kennisknooppunt Midden-Brabant verbindt zelfstandige adviseurs in Tilburg, Waalwijk, Oisterwijk en omgeving. Het netwerk begon in 2024 met een kleine groep die het voorbeeld uit West-Brabant wilde volgen.

## Hoe we werken
We houden het klein en praktisch: vakgenoten die elkaar kennen, elkaar om raad vragen en elkaar aanbevelen wanneer een klant iets nodig heeft dat buiten hun eigen vak valt.

## Wat er aan komt
- Elke eerste dinsdag van de maand een lunchbijeenkomst in de Spoorzone in Tilburg.
- In het najaar een gezamenlijke kennisdag met het netwerk in West-Brabant & Zeeland.)";

constexpr GroupSeed kMiddenBrabantGroups[] = {
    {"financien-en-recht", "Financiën & recht",
     "Fiscalisten, boekhouders en juristen die samen de zakelijke basis van ondernemers op orde brengen."},
    {"digitaal", "Digitaal",
     "Webbouwers, data-analisten en ICT-adviseurs over de digitale vragen van het mkb in de regio."},
    {"mens-en-organisatie", "Mens & organisatie",
     "HR-adviseurs, coaches en organisatieadviseurs over mensen, teams en verandering."},
    {"logistiek", "Logistiek",
     "Adviseurs voor transport, opslag en ketenregie, in een regio waar logistiek een grote werkgever is."},
};

template <std::size_t N>
void seed_network(db::Session& session, Network network, const GroupSeed (&groups)[N]) {
  const std::int64_t network_id = store::insert_network(session, network);
  std::int64_t position = 1;
  for (const GroupSeed& seed : groups) {
    KnowledgeGroup group;
    group.network_id = network_id;
    group.slug = std::string(seed.slug);
    group.name = std::string(seed.name);
    group.description = std::string(seed.description);
    group.position = position++;
    group.created_at = network.created_at;
    store::insert_group(session, group);
  }
}

}  // namespace

bool has_any_network(db::Session& session) { return store::has_any_network(session); }

void seed_demo(db::Session& session) {
  Network west;
  west.slug = "west-brabant-zeeland";
  west.name = "Kennisknooppunt West-Brabant & Zeeland";
  west.short_name = "KKP";
  west.tagline = "Zelfstandige adviseurs die kennis delen, elkaar ontmoeten en samen sterker staan.";
  west.story = std::string(kWestBrabantStory);
  west.region = "West-Brabant en Zeeland";
  west.created_at = kWestBrabantFounded;
  seed_network(session, std::move(west), kWestBrabantGroups);

  Network midden;
  midden.slug = "midden-brabant";
  midden.name = "Kennisknooppunt Midden-Brabant";
  midden.short_name = "KKP Midden-Brabant";
  midden.tagline = "Adviseurs uit Tilburg en omgeving die elkaar weten te vinden.";
  midden.story = std::string(kMiddenBrabantStory);
  midden.region = "Midden-Brabant";
  midden.created_at = kMiddenBrabantFounded;
  seed_network(session, std::move(midden), kMiddenBrabantGroups);
}

}  // namespace regions
