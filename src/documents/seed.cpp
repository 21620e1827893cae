#include "documents/seed.h"

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "documents/files.h"
#include "documents/service.h"
#include "documents/store.h"
#include "web/markdown.h"

namespace documents {

namespace {

constexpr std::int64_t kDay = 24 * 3600;

// A wiki page as it grew: each revision's full text, oldest first.
struct PageSeed {
  std::string_view title;
  std::vector<std::string_view> revisions;
};

// A generated document: its title, description, folder (by name, "" for the top) and lines.
struct DocumentSeed {
  std::string_view title;
  std::string_view description;
  std::string_view folder;
  enum class Kind { Pdf, Csv, Text } kind;
  std::vector<std::string_view> lines;
};

const PageSeed kOnboarding{
    "Onboarding nieuwe leden",
    {
        "# Welkom in de groep\n\nFijn dat je erbij bent. Deze pagina helpt je de eerste weken op weg.\n\n"
        "## Eerste week\n\n- Stel je voor in de discussies: wie ben je, wat doe je, wat zoek je?\n"
        "- Vul je profiel aan met je vakgebied en je regio.\n",
        "# Welkom in de groep\n\nFijn dat je erbij bent. Deze pagina helpt je de eerste weken op weg.\n\n"
        "## Eerste week\n\n- Stel je voor in de discussies: wie ben je, wat doe je, wat zoek je?\n"
        "- Vul je profiel aan met je vakgebied en je regio.\n- Kom naar het eerstvolgende ontbijt.\n\n"
        "## Eerste maand\n\n- Lees de documenten in de map *Werkafspraken*.\n"
        "- Zoek een buddy: een ervaren lid die je vragen beantwoordt.\n",
        "# Welkom in de groep\n\nFijn dat je erbij bent. Deze pagina helpt je de eerste weken op weg.\n\n"
        "## Eerste week\n\n- [ ] Stel je voor in de discussies: wie ben je, wat doe je, wat zoek je?\n"
        "- [ ] Vul je profiel aan met je vakgebied en je regio.\n- [ ] Kom naar het eerstvolgende "
        "ontbijt.\n\n"
        "## Eerste maand\n\n- [ ] Lees de documenten in de map *Werkafspraken*.\n"
        "- [ ] Zoek een buddy: een ervaren lid die je vragen beantwoordt.\n\n"
        "## Afspraken\n\nWe delen kennis, geen klantgegevens. Vertrouwelijke stukken horen niet in de "
        "bibliotheek; "
        "een geanonimiseerd voorbeeld wel.\n",
    }};

const PageSeed kYearEnd{
    "Checklist jaarafsluiting",
    {
        "# Checklist jaarafsluiting\n\nVoor zzp'ers die hun eigen administratie doen.\n\n"
        "- Beginbalans gelijk aan eindbalans vorig jaar\n- Bankrekeningen aansluiten op 31 december\n"
        "- Openstaande facturen (debiteuren) nalopen\n- Btw-aangifte vierde kwartaal\n",
        "# Checklist jaarafsluiting\n\nVoor zzp'ers die hun eigen administratie doen.\n\n"
        "| Stap | Wanneer | Klaar |\n|---|---|---|\n| Bankrekeningen aansluiten | januari | |\n"
        "| Debiteuren en crediteuren nalopen | januari | |\n| Btw-aangifte vierde kwartaal | voor 31 januari "
        "| |\n"
        "| Afschrijvingen boeken | februari | |\n| Urencriterium controleren (1.225 uur) | februari | |\n\n"
        "## Let op\n\nDe zelfstandigenaftrek daalt de komende jaren; reken de voorlopige aanslag na.\n",
        "# Checklist jaarafsluiting\n\nVoor zzp'ers die hun eigen administratie doen.\n\n"
        "| Stap | Wanneer | Klaar |\n|---|---|---|\n| Bankrekeningen aansluiten | januari | |\n"
        "| Debiteuren en crediteuren nalopen | januari | |\n| Btw-aangifte vierde kwartaal | voor 31 januari "
        "| |\n"
        "| Afschrijvingen boeken | februari | |\n| Urencriterium controleren (1.225 uur) | februari | |\n"
        "| Kilometeradministratie afsluiten | februari | |\n| Aangifte inkomstenbelasting | voor 1 mei | "
        "|\n\n"
        "## Let op\n\nDe zelfstandigenaftrek daalt de komende jaren; reken de voorlopige aanslag na. "
        "Bewaar je administratie zeven jaar.\n",
    }};

const PageSeed kProcessingAgreement{
    "Model verwerkersovereenkomst AVG",
    {
        "# Model verwerkersovereenkomst (AVG)\n\nGebruik dit model als je persoonsgegevens verwerkt in "
        "opdracht "
        "van een klant.\n\n## Vaste onderdelen\n\n1. Onderwerp en duur van de verwerking\n"
        "2. Soort persoonsgegevens en categorieen betrokkenen\n3. Beveiligingsmaatregelen\n",
        "# Model verwerkersovereenkomst (AVG)\n\nGebruik dit model als je persoonsgegevens verwerkt in "
        "opdracht "
        "van een klant.\n\n## Vaste onderdelen\n\n1. Onderwerp en duur van de verwerking\n"
        "2. Soort persoonsgegevens en categorieën betrokkenen\n3. Beveiligingsmaatregelen (artikel 32 AVG)\n"
        "4. Subverwerkers: alleen met schriftelijke toestemming\n5. Meldplicht datalekken binnen 24 uur aan "
        "de "
        "verwerkingsverantwoordelijke\n6. Teruggave en vernietiging na afloop\n\n"
        "Het volledige model staat als PDF in de bibliotheek, map *Modellen*.\n",
    }};

const PageSeed kTenders{
    "Tips voor aanbestedingen",
    {
        "# Tips voor aanbestedingen\n\n- Lees de gunningscriteria voordat je begint te schrijven.\n"
        "- Stel vragen in de nota van inlichtingen.\n",
        "# Tips voor aanbestedingen\n\n- Lees de gunningscriteria voordat je begint te schrijven.\n"
        "- Stel vragen in de nota van inlichtingen; vaag is voor iedereen vaag.\n"
        "- Schrijf samen met andere leden in als combinatie als de opdracht meerdere disciplines vraagt.\n"
        "- Let op de Uniforme Europese Aanbestedingsdocumenten (UEA) en de uitsluitingsgronden.\n\n"
        "## Na de gunning\n\nVraag altijd om een debriefing, ook als je gewonnen hebt.\n",
        "# Tips voor aanbestedingen\n\n- Lees de gunningscriteria voordat je begint te schrijven.\n"
        "- Stel vragen in de nota van inlichtingen; vaag is voor iedereen vaag.\n"
        "- Schrijf samen met andere leden in als combinatie als de opdracht meerdere disciplines vraagt.\n"
        "- Let op de Uniforme Europese Aanbestedingsdocumenten (UEA) en de uitsluitingsgronden.\n"
        "- Meervoudig onderhandse aanbestedingen van gemeenten zijn voor zzp'ers vaak de beste kans.\n\n"
        "## Na de gunning\n\nVraag altijd om een debriefing, ook als je gewonnen hebt. De standstill-termijn "
        "is 20 "
        "dagen.\n",
    }};

const PageSeed kSecurity{
    "Basisbeveiliging voor zzp'ers",
    {
        "# Basisbeveiliging voor zzp'ers\n\n- Tweestapsverificatie op mail en boekhouding\n"
        "- Een wachtwoordbeheerder\n- Automatische updates aan\n",
        "# Basisbeveiliging voor zzp'ers\n\n- Tweestapsverificatie op mail, boekhouding en bankieren\n"
        "- Een wachtwoordbeheerder, geen hergebruikte wachtwoorden\n- Automatische updates aan\n"
        "- Een back-up volgens 3-2-1: drie kopieën, twee soorten opslag, één buiten de deur\n\n"
        "## Phishing\n\nTwijfel je over een factuur per mail? Bel de afzender op een nummer dat je zelf "
        "opzoekt.\n",
    }};

const PageSeed kIllness{
    "Stappenplan zieke medewerker",
    {
        "# Stappenplan zieke medewerker (Wet verbetering poortwachter)\n\n- Dag 1: ziekmelding, bel de "
        "arbodienst\n- Week 6: probleemanalyse van de bedrijfsarts\n- Week 8: plan van aanpak\n",
        "# Stappenplan zieke medewerker (Wet verbetering poortwachter)\n\n- Dag 1: ziekmelding, bel de "
        "arbodienst\n- Week 6: probleemanalyse van de bedrijfsarts\n- Week 8: plan van aanpak, samen met de "
        "medewerker\n- Week 42: ziekmelding bij het UWV\n- Week 52: eerstejaarsevaluatie\n- Week 91: "
        "aanvraag WIA\n\nVraag naar de aard van de ziekte is niet toegestaan (AVG).\n",
    }};

const PageSeed kBrand{
    "Huisstijl en beeldgebruik",
    {
        "# Huisstijl en beeldgebruik\n\n- Gebruik alleen beeld waarvan je de rechten hebt.\n"
        "- Vermeld de fotograaf.\n",
        "# Huisstijl en beeldgebruik\n\n- Gebruik alleen beeld waarvan je de rechten hebt; een licentie van "
        "een "
        "beeldbank geldt meestal per project.\n- Vermeld de fotograaf.\n- Lever logo's als SVG en PNG "
        "aan.\n\n"
        "## Herkenbare personen\n\nVoor foto's van herkenbare personen vraag je schriftelijk toestemming "
        "(portretrecht en AVG).\n",
    }};

const std::vector<DocumentSeed>& common_documents() {
  static const std::vector<DocumentSeed> documents = {
      {"Werkafspraken van de groep",
       "Hoe we samenwerken en kennis delen.",
       "Werkafspraken",
       DocumentSeed::Kind::Pdf,
       {"Werkafspraken van de kennisgroep", "", "1. We delen kennis en ervaring, geen klantgegevens.",
        "2. Vragen worden binnen een week beantwoord, of we zeggen wie het wel weet.",
        "3. Documenten in de bibliotheek zijn geanonimiseerd.",
        "4. Wie een document bijwerkt, uploadt een nieuwe versie in plaats van een kopie.",
        "5. De hosts houden de bibliotheek en de wiki op orde."}},
      {"Ledenlijst bijeenkomsten 2024",
       "Aanwezigheid per bijeenkomst (aantallen, geen namen).",
       "Bijeenkomsten",
       DocumentSeed::Kind::Csv,
       {"datum;onderwerp;aanwezig", "2024-01-16;Jaarplanning;14",
        "2024-03-12;Facturatie en betaaltermijnen;11", "2024-05-14;AVG in de praktijk;17",
        "2024-09-10;Samen inschrijven op aanbestedingen;13", "2024-11-12;Jaarafsluiting;15"}},
      {"Verslag bijeenkomst november",
       "Korte notulen van de laatste bijeenkomst.",
       "Bijeenkomsten",
       DocumentSeed::Kind::Text,
       {"Verslag bijeenkomst november", "", "Aanwezig: 15 leden.",
        "Besproken: de jaarafsluiting, de nieuwe kilometervergoeding en de aanpak van achterstallige "
        "betalingen.",
        "Afspraak: de checklist jaarafsluiting in de wiki wordt bijgewerkt.",
        "Volgende bijeenkomst: januari."}},
  };
  return documents;
}

std::vector<DocumentSeed> themed_documents(std::string_view group_slug) {
  if (group_slug == "juridisch-advies" || group_slug == "financien-en-recht") {
    return {
        {"Model verwerkersovereenkomst",
         "Model volgens de AVG, met toelichting per artikel.",
         "Modellen",
         DocumentSeed::Kind::Pdf,
         {"Model verwerkersovereenkomst", "", "Artikel 1. Onderwerp van de verwerking",
          "Artikel 2. Beveiliging: de verwerker treft passende technische en organisatorische maatregelen.",
          "Artikel 3. Subverwerkers alleen na schriftelijke toestemming.",
          "Artikel 4. Datalekken meldt de verwerker binnen 24 uur.",
          "Artikel 5. Na afloop worden de persoonsgegevens teruggegeven of vernietigd."}}};
  }
  if (group_slug == "financieel-advies") {
    return {
        {"Voorbeeld betalingsherinnering",
         "Drie stappen: vriendelijke herinnering, aanmaning, incasso.",
         "Modellen",
         DocumentSeed::Kind::Pdf,
         {"Voorbeeld betalingsherinnering", "", "Geachte relatie,",
          "Volgens onze administratie staat factuur 2024-117 nog open. Wilt u het bedrag binnen 14 dagen "
          "overmaken?",
          "Na deze termijn zijn wij genoodzaakt wettelijke rente en incassokosten in rekening te brengen."}}};
  }
  if (group_slug == "ict" || group_slug == "digitaal") {
    return {{"Checklist informatiebeveiliging",
             "Basismaatregelen voor kleine kantoren.",
             "Beveiliging",
             DocumentSeed::Kind::Pdf,
             {"Checklist informatiebeveiliging", "", "Tweestapsverificatie op alle accounts",
              "Versleutelde laptops en telefoons", "Back-up volgens 3-2-1, maandelijks getest",
              "Wachtwoordbeheerder voor iedereen", "Phishingoefening twee keer per jaar"}}};
  }
  return {};
}

PageSeed themed_page(std::string_view group_slug) {
  if (group_slug == "financieel-advies" || group_slug == "financien-en-recht") return kYearEnd;
  if (group_slug == "juridisch-advies") return kProcessingAgreement;
  if (group_slug == "ict" || group_slug == "digitaal") return kSecurity;
  if (group_slug == "hrm" || group_slug == "mens-en-organisatie") return kIllness;
  if (group_slug == "grafisch-ontwerp" || group_slug == "marketing-communicatie") return kBrand;
  return kTenders;
}

std::string joined(const std::vector<std::string_view>& lines) {
  std::string text;
  for (std::string_view line : lines) {
    text += line;
    text += '\n';
  }
  return text;
}

files::Accepted generated_file(const DocumentSeed& seed, std::string& text) {
  files::Accepted file;
  text = joined(seed.lines);
  switch (seed.kind) {
    case DocumentSeed::Kind::Pdf:
      file.mime_type = "application/pdf";
      file.extension = "pdf";
      file.bytes = files::minimal_pdf(std::vector<std::string>(seed.lines.begin(), seed.lines.end()));
      break;
    case DocumentSeed::Kind::Csv:
      file.mime_type = "text/csv";
      file.extension = "csv";
      file.bytes = text;
      break;
    case DocumentSeed::Kind::Text:
      file.mime_type = "text/plain";
      file.extension = "txt";
      file.bytes = text;
      break;
  }
  return file;
}

void seed_page(db::Session& session, std::int64_t group_id, const PageSeed& seed,
               const std::vector<std::int64_t>& authors, std::size_t first_author, std::int64_t created_at) {
  WikiPage page;
  page.group_id = group_id;
  page.slug = page_slug(seed.title);
  page.title = std::string(seed.title);
  page.body_markdown = std::string(seed.revisions.front());
  page.body_html = web::render_markdown(page.body_markdown);
  page.created_at = created_at;
  page.updated_at = created_at;
  const std::int64_t id = store::insert_page(session, page, authors[first_author % authors.size()]);
  for (std::size_t i = 1; i < seed.revisions.size(); ++i) {
    const std::string body(seed.revisions[i]);
    store::update_page(session, id, static_cast<std::int64_t>(i), page.title, body,
                       web::render_markdown(body), authors[(first_author + i * 3) % authors.size()],
                       created_at + static_cast<std::int64_t>(i) * 23 * kDay);
  }
  Service::index_page(session, id);
}

}  // namespace

void seed_demo(db::Database& database, const std::filesystem::path& data_dir, std::int64_t now) {
  Service service(database, data_dir, [now] { return now; });
  database.write([&](db::Session& session) {
    const db::Rows groups = session.query("SELECT id, network_id, slug FROM knowledge_groups ORDER BY id");
    std::map<std::int64_t, std::vector<std::int64_t>> members_by_network;
    for (const db::Row& row : session.query("SELECT network_id, account_id FROM memberships WHERE status = "
                                            "'active' ORDER BY network_id, account_id")) {
      auto& members = members_by_network[row.int64(0)];
      if (members.size() < 60) members.push_back(row.int64(1));
    }
    std::size_t turn = 0;
    for (const db::Row& group : groups) {
      const std::int64_t group_id = group.int64(0);
      const std::string slug = group.text(2);
      const auto& authors = members_by_network[group.int64(1)];
      if (authors.empty()) continue;
      ++turn;
      // Folders, then documents into them; the oldest things about a year ago.
      std::map<std::string, std::int64_t, std::less<>> folders;
      std::vector<DocumentSeed> documents = common_documents();
      for (DocumentSeed& themed : themed_documents(slug)) documents.push_back(themed);
      std::int64_t at = now - 330 * kDay + static_cast<std::int64_t>(turn) * kDay;
      for (const DocumentSeed& seed : documents) {
        std::optional<std::int64_t> folder_id;
        if (!seed.folder.empty()) {
          auto found = folders.find(seed.folder);
          if (found == folders.end()) {
            const std::int64_t id =
                store::insert_folder(session, Folder{0, group_id, std::nullopt, std::string(seed.folder), at},
                                     authors[turn % authors.size()]);
            found = folders.emplace(std::string(seed.folder), id).first;
          }
          folder_id = found->second;
        }
        Document document;
        document.group_id = group_id;
        document.folder_id = folder_id;
        document.title = std::string(seed.title);
        document.description = std::string(seed.description);
        document.created_by = authors[(turn * 7 + folders.size()) % authors.size()];
        document.created_at = at;
        document.updated_at = at;
        std::string text;
        const files::Accepted file = generated_file(seed, text);
        service.insert_document_in(session, document, file, text);
        at += 41 * kDay;
      }
      // An empty folder for the hosts to fill.
      store::insert_folder(session, Folder{0, group_id, std::nullopt, "Presentaties", at}, authors[0]);
      seed_page(session, group_id, kOnboarding, authors, turn, now - 300 * kDay);
      seed_page(session, group_id, themed_page(slug), authors, turn + 5, now - 200 * kDay);
    }
  });
}

}  // namespace documents
