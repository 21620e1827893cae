#include "campaigns/seed.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "campaigns/store.h"
#include "contacts/records.h"

namespace campaigns {

namespace {

// splitmix64: the same numbers on every platform, unlike the standard distributions.
class Dice {
 public:
  explicit Dice(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::int64_t between(std::int64_t low, std::int64_t high) {  // inclusive
    return low + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(high - low + 1));
  }
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[next() % i]);
  }

 private:
  std::uint64_t state_;
};

constexpr std::int64_t kSentAt = 1747033200;  // Monday 12 May 2025, 09:00 in Bergen op Zoom
constexpr std::int64_t kRatePerMinute = 30;
constexpr std::int64_t kResponses = 230;
constexpr std::int64_t kInterested = 118;
constexpr std::int64_t kNotNow = 74;  // the rest of the 230 said "never"
constexpr std::int64_t kRegisteredNotCome = 16;

constexpr std::string_view kBody =
    "Beste {voornaam},\n\n"
    "In West-Brabant en Zeeland werken honderden zelfstandige adviseurs: financieel, juridisch, ICT, "
    "techniek, grafisch, HRM, organisatie en marketing. Ieder goed in het eigen vak, maar vaak alleen.\n\n"
    "Wij richten een **Kennisknooppunt** op: een netwerk waarin zelfstandigen kennis delen, elkaar "
    "vervangen bij ziekte of vakantie en samen grotere opdrachten aannemen, terwijl ieder zelfstandig "
    "blijft. Ook voor u in {plaats}?\n\n"
    "Op donderdag 19 juni komen we voor het eerst bijeen in het Markiezenhof in Bergen op Zoom. Via de "
    "link hieronder laat u weten wat u ervan vindt en meldt u zich aan.\n\n"
    "Met vriendelijke groet,\n\nHet initiatiefteam van het Kennisknooppunt West-Brabant & Zeeland";

}  // namespace

void seed_demo(db::Database& database, std::int64_t now) {
  (void)now;  // everything happened in May and June 2025
  database.write([&](db::Session& session) {
    const auto network = session.query_one("SELECT id FROM networks WHERE slug = 'west-brabant-zeeland'");
    if (!network) return;
    const std::int64_t network_id = network->int64(0);
    const auto meeting = session.query_one(
        "SELECT o.id, o.starts_at FROM event_occurrences o JOIN events e ON e.id = o.event_id "
        "WHERE e.network_id = ? AND e.title = 'Eerste bijeenkomst Kennisknooppunt' ORDER BY o.starts_at LIMIT 1",
        {network_id});
    if (!meeting || store::count_audience(session, network_id, Segment{}) == 0) {
      spdlog::info("campaigns demo: no contacts or no first meeting in the demo network; no campaign seeded");
      return;
    }
    const std::int64_t occurrence_id = meeting->int64(0);
    const std::int64_t meeting_at = meeting->int64(1);
    const auto coordinator = session.query_one("SELECT id FROM accounts WHERE email = 'coordinator@kkp-demo.nl'");

    Draft draft;
    draft.name = "Brief aan 1.700 zelfstandigen (mei 2025)";
    draft.subject = "{voornaam}, samen sterker als zelfstandige in West-Brabant en Zeeland?";
    draft.body = std::string(kBody);
    draft.occurrence_id = occurrence_id;
    draft.rate_per_minute = kRatePerMinute;
    const std::int64_t campaign_id = store::insert_campaign(
        session, network_id, coordinator ? std::optional(coordinator->int64(0)) : std::nullopt, draft, kSentAt - 3 * 86400);
    store::queue_audience(session, campaign_id, network_id, Segment{});

    // Everyone is mailed at 30 a minute from 09:00 on; the demo never puts these in the outbox.
    std::vector<std::int64_t> contacts;
    for (const db::Row& row : session.query(
             "SELECT contact_id FROM campaign_recipients WHERE campaign_id = ? ORDER BY contact_id", {campaign_id})) {
      contacts.push_back(row.int64(0));
    }
    std::vector<std::int64_t> mailed_at(contacts.size());
    for (std::size_t i = 0; i < contacts.size(); ++i) {
      mailed_at[i] = kSentAt + static_cast<std::int64_t>(i) * 60 / kRatePerMinute;
      session.execute(
          "UPDATE campaign_recipients SET state = 'handed', handed_at = ?, outcome = 'sent', outcome_at = ? "
          "WHERE campaign_id = ? AND contact_id = ?",
          {mailed_at[i], mailed_at[i], campaign_id, contacts[i]});
      contacts::mark_mailed(session, contacts[i], mailed_at[i]);
    }
    store::set_status(session, campaign_id, Status::Sending, kSentAt);
    store::set_status(session, campaign_id, Status::Done, mailed_at.empty() ? kSentAt : mailed_at.back());
    session.execute("UPDATE campaigns SET started_at = ? WHERE id = ?", {kSentAt, campaign_id});

    // The 45 who came to the first meeting are the contacts the contacts seed linked to their member
    // accounts: each answered "interested", registered through the link and came. The other answers
    // fall, in a fixed random order, on the rest of the list.
    std::vector<std::size_t> came, others;
    std::vector<bool> linked(contacts.size(), false);
    for (const db::Row& row : session.query(
             "SELECT r.contact_id FROM campaign_recipients r JOIN contacts c ON c.id = r.contact_id "
             "WHERE r.campaign_id = ? AND c.account_id IS NOT NULL ORDER BY r.contact_id",
             {campaign_id})) {
      const auto at = std::lower_bound(contacts.begin(), contacts.end(), row.int64(0));
      linked[static_cast<std::size_t>(at - contacts.begin())] = true;
    }
    for (std::size_t i = 0; i < contacts.size(); ++i) (linked[i] ? came : others).push_back(i);
    Dice dice(20250512);
    dice.shuffle(others);
    std::vector<std::size_t> order = came;
    order.insert(order.end(), others.begin(), others.end());

    const std::size_t responders = std::min<std::size_t>(order.size(), kResponses);
    std::vector<std::pair<std::size_t, std::int64_t>> interested;  // index, responded_at
    for (std::size_t n = 0; n < responders; ++n) {
      const std::size_t i = order[n];
      // Most answer within two days, some after a week or two; those who came answered in time.
      std::int64_t delay = dice.between(0, 9) < 7 ? dice.between(20 * 60, 2 * 86400) : dice.between(3 * 86400, 16 * 86400);
      std::int64_t at = std::min(mailed_at[i] + delay, meeting_at - 2 * 86400);
      const contacts::Response response = n < static_cast<std::size_t>(kInterested) ? contacts::Response::Interested
                                          : n < static_cast<std::size_t>(kInterested + kNotNow)
                                              ? contacts::Response::NotNow
                                              : contacts::Response::Never;
      contacts::record_response(session, contacts[i], response, at);
      store::record_response(session, campaign_id, contacts[i], std::string(contacts::to_string(response)), at);
      if (response == contacts::Response::Interested) interested.emplace_back(i, at);
    }
    // Those who came registered, and some more who did not come after all.
    const std::size_t registering = std::min(interested.size(), came.size() + static_cast<std::size_t>(kRegisteredNotCome));
    for (std::size_t k = 0; k < registering; ++k) {
      const auto [i, responded_at] = interested[k];
      const std::int64_t registered_at = std::min(responded_at + dice.between(5 * 60, 36 * 3600), meeting_at - 3600);
      store::record_registration(session, campaign_id, contacts[i], occurrence_id, registered_at);
    }
  });
}

}  // namespace campaigns
