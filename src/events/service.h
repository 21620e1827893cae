// The rules for events: creating series and single events, changing or cancelling one occurrence,
// RSVPs (per occurrence or per series, guests, non-members by e-mail), capacity and the waiting list
// that promotes by itself, attendance, the congress programme, calendar feeds, reminders and the
// attendee export. No HTTP here: the pages (events/routes.h) and the JSON API both call this.
//
// Every RSVP is one write transaction that starts by writing its occurrence's row, so concurrent
// answers for the last seat queue up there (SQLite: the single writer; PostgreSQL: SERIALIZABLE and
// the db layer's retries) and a seat is never sold twice. A freed seat goes, in the same
// transaction, to the first in line whose party fits, and the promotion mail is queued with it.
//
// Thread-safe: each call runs its own transactions.
//
// Example (the API's POST /api/v1/events/{id}/rsvp):
//   events::RsvpInput input{events::Response::Going, 1, {"Piet Jansen"}, "Ik neem een collega mee"};
//   auto answer = service.respond(actor, occurrence_id, input);
//   if (!answer.ok()) return error_for(answer.error->failure, answer.error->message_key);
//   answer.value->rsvp.response == events::Response::Waiting -> answer.value->place is the place in line
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "events/recurrence.h"
#include "events/types.h"
#include "mail/message.h"

namespace web {
class Site;
}

namespace events {

// Occurrences exist in the database this far ahead; a daily job moves the horizon on.
inline constexpr std::int64_t kHorizonSeconds = 730LL * 24 * 60 * 60;
inline constexpr std::int64_t kMaxGuests = 10;
inline constexpr std::int64_t kMaxCapacity = 100000;
inline constexpr std::size_t kMaxNoteLength = 1000;
inline constexpr std::size_t kMaxNameLength = 100;
inline constexpr std::size_t kMaxSpeakers = 12;
inline constexpr std::int64_t kConfirmLinkSeconds = 7LL * 24 * 60 * 60;

// Who asks: the signed-in account (none for a visitor), as http::Viewer describes it.
struct Actor {
  std::optional<std::int64_t> account_id;
  std::string name;
  std::string email;
  std::string language = "nl";
  bool administrator = false;
};

// What events asks the auth feature (wired in app/): memberships and roles per network.
struct Access {
  std::function<bool(std::int64_t account_id, std::int64_t network_id)> is_member;
  std::function<bool(std::int64_t account_id, std::int64_t network_id)> is_coordinator;
  std::function<std::vector<std::int64_t>(std::int64_t account_id)> member_networks;
  // Whether the account hosts knowledge group `group_id` of network `network_id` (the groups feature,
  // groups::Service::hosts_group): a group's hosts create and manage its events. Empty: nobody does.
  std::function<bool(std::int64_t account_id, std::int64_t network_id, std::int64_t group_id)> hosts_group;
  // The same for every group of the network at once (groups::Service::hosted_group_ids).
  std::function<std::vector<std::int64_t>(std::int64_t account_id, std::int64_t network_id)> hosted_groups;
};

enum class Failure { Invalid, NotFound, Forbidden, Conflict };
int http_status(Failure failure);  // 422, 404, 403, 409

// Why something was refused: the field (form / API name) and a catalog key. `count` fills "{n}" in
// the message ("capacity cannot be below the {n} people already going").
struct Error {
  Failure failure = Failure::Invalid;
  std::string field;
  std::string message_key;
  std::optional<std::int64_t> count;
};

template <class T>
struct Result {
  std::optional<T> value;
  std::optional<Error> error;  // set exactly when value is not
  bool ok() const { return value.has_value(); }
  static Result fail(Failure failure, std::string field, std::string key,
                     std::optional<std::int64_t> count = {}) {
    Result result;
    result.error = Error{failure, std::move(field), std::move(key), count};
    return result;
  }
  static Result fail(Error error) {
    Result result;
    result.error = std::move(error);
    return result;
  }
  static Result of(T value) {
    Result result;
    result.value = std::move(value);
    return result;
  }
};
struct Done {};

// A new event. `starts_local` is wall clock in Europe/Amsterdam ("2025-01-07T07:30").
struct NewEvent {
  std::int64_t network_id = 0;
  std::optional<std::int64_t> group_id;
  Kind kind = Kind::Single;
  std::string title;
  std::string description;
  std::string location_name;
  std::string location_address;
  std::string starts_local;
  std::int64_t duration_minutes = 90;
  std::string rrule;                 // required for a series, empty otherwise
  std::vector<std::string> exdates;  // wall-clock starts to skip
  std::optional<std::int64_t> capacity;
  std::optional<std::int64_t> rsvp_deadline_minutes;
  std::optional<std::int64_t> reminder_minutes = 24 * 60;
  Visibility visibility = Visibility::Members;
  std::vector<std::int64_t> hosts;  // accounts who may manage it besides coordinators
};

// What a host may change on the whole event. Absent: unchanged.
struct EventChange {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> location_name;
  std::optional<std::string> location_address;
  std::optional<std::optional<std::int64_t>> capacity;  // {nullopt}: no limit
  std::optional<std::optional<std::int64_t>> rsvp_deadline_minutes;
  std::optional<std::optional<std::int64_t>> reminder_minutes;
  std::optional<Visibility> visibility;
};

// One occurrence moved, changed or cancelled. Attendees are told by e-mail.
struct OccurrenceChange {
  std::optional<std::string> starts_local;  // moved to this wall-clock start
  std::optional<std::int64_t> duration_minutes;
  std::optional<std::string> title;
  std::optional<std::string> location_name;
  std::optional<std::optional<std::int64_t>> capacity;
  std::string note;  // why (goes into the mail)
  bool cancel = false;
  bool restore = false;  // undo a cancellation
};

struct RsvpInput {
  Response response = Response::Going;  // Waiting is not an answer one gives
  std::int64_t guests = 0;
  std::vector<std::string> guest_names;  // one per guest
  std::string note;
};

struct RsvpOutcome {
  Rsvp rsvp;
  std::optional<std::int64_t> place;  // in line, when waiting
  std::vector<Rsvp> promoted;         // others who got a seat in the same transaction
  OccurrenceView view;                // the occurrence as this answer left it (seats taken)
};

struct SeriesOutcome {
  std::int64_t going = 0;    // occurrences with a seat
  std::int64_t waiting = 0;  // occurrences where the member is in line
  std::int64_t skipped = 0;  // occurrences answered one by one, closed or cancelled
};

// A non-member's registration for a public event.
struct GuestRegistration {
  std::string name;
  std::string email;
  std::string language = "nl";
  std::int64_t guests = 0;
  std::vector<std::string> guest_names;
  std::string note;
};

// What an occurrence page shows to one viewer.
struct OccurrencePage {
  OccurrenceView view;
  std::optional<Rsvp> mine;
  std::optional<std::int64_t> my_place;
  std::optional<SeriesRsvp> my_series;
  std::vector<Rsvp> attendees;  // members only see names; empty for visitors
  std::int64_t going_people = 0;
  std::int64_t waiting_people = 0;
  bool can_rsvp = false;                    // a member of the network
  bool can_register = false;                // a visitor and the event is public
  bool can_manage = false;                  // host, coordinator or administrator
  bool rsvp_open = false;                   // before the deadline, scheduled
  std::vector<ProgrammeSession> programme;  // the congress
  std::vector<std::int64_t> my_sessions;    // registered sessions
};

struct SeriesPage {
  Event event;
  std::vector<OccurrenceView> upcoming;
  std::vector<std::optional<Rsvp>> mine;  // parallel to upcoming
  std::optional<SeriesRsvp> my_series;
  bool can_rsvp = false;
  bool can_manage = false;
};

struct ListQuery {
  std::int64_t from = 0;
  std::int64_t until = 0;
  std::optional<std::int64_t> network_id;
  std::optional<std::int64_t> group_id;
  std::size_t limit = 200;
};

struct FeedToken {
  std::string token;  // shown once
  std::int64_t created_at = 0;
};

// The attendee export's columns, in the order the host chose.
enum class CsvColumn { Name, Email, Response, Guests, GuestNames, Note, Place, Attended, RespondedAt };
std::optional<CsvColumn> csv_column_from(std::string_view name);  // "name", "email", ...
std::string_view to_string(CsvColumn column);

struct ServiceOptions {
  std::string public_url = "http://127.0.0.1:8080";  // for links in mail and feeds
  std::function<std::int64_t()> clock;               // Unix seconds; tests move time
};

class Service {
 public:
  Service(db::Database& database, const web::Site& site, Access access, ServiceOptions options = {});
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  std::int64_t now() const;
  const std::string& public_url() const { return options_.public_url; }
  void set_public_url(std::string url) { options_.public_url = std::move(url); }

  // --- events
  // Coordinators (and administrators) create events. Validates everything (rule bounds, times,
  // capacity) and materialises occurrences up to the horizon in one transaction.
  Result<Event> create_event(const Actor& actor, const NewEvent& event);
  // Hosts change the whole event. Capacity cannot drop below the seats taken at any future
  // occurrence (the error's count says how many); a larger capacity promotes from the line.
  Result<Event> change_event(const Actor& actor, std::int64_t event_id, const EventChange& change);
  Result<OccurrenceView> change_occurrence(const Actor& actor, std::int64_t occurrence_id,
                                           const OccurrenceChange& change);

  // --- reading
  std::vector<OccurrenceView> list(const Actor& actor, const ListQuery& query);
  std::optional<OccurrencePage> occurrence_page(const Actor& actor, std::int64_t occurrence_id);
  std::optional<SeriesPage> series_page(const Actor& actor, std::int64_t event_id);
  bool can_manage(const Actor& actor, std::int64_t event_id);
  // The first occurrence of an event (a single event's only one).
  std::optional<std::int64_t> first_occurrence_id(std::int64_t event_id);
  // Coordinators of the network and administrators create events there.
  bool can_create(const Actor& actor, std::int64_t network_id);
  // The knowledge groups of the network the actor hosts (and so creates and manages events for).
  std::vector<std::int64_t> hosted_groups(const Actor& actor, std::int64_t network_id);

  // --- RSVPs
  Result<RsvpOutcome> respond(const Actor& actor, std::int64_t occurrence_id, const RsvpInput& input);
  // Applies the answer to every future occurrence the member has not answered one by one, and to
  // occurrences materialised later. NotGoing withdraws the series answer.
  Result<SeriesOutcome> respond_to_series(const Actor& actor, std::int64_t event_id, const RsvpInput& input);
  // A non-member registers for a public occurrence: nothing is reserved until the link in the mail
  // is followed (single use, 7 days).
  Result<Done> register_guest(std::int64_t occurrence_id, const GuestRegistration& registration);
  Result<RsvpOutcome> confirm_guest(std::string_view token);

  // --- hosts
  Result<std::vector<Rsvp>> attendees(const Actor& actor, std::int64_t occurrence_id);
  // Gives a waiting person a seat now (it must fit), moves them to the front of the line, or removes
  // an answer altogether; seats freed by a removal go to the line as usual.
  enum class Move { Promote, ToFront, Remove };
  Result<Done> move(const Actor& actor, std::int64_t occurrence_id, std::int64_t rsvp_id, Move move);

  // --- attendance
  Result<Rsvp> check_in(const Actor& actor, std::int64_t occurrence_id, std::int64_t rsvp_id, bool present);
  // A walk-in: someone who came without answering; a member when account_id is given.
  Result<Rsvp> add_walk_in(const Actor& actor, std::int64_t occurrence_id, std::string_view name,
                           std::optional<std::int64_t> account_id);
  // The check-in list: RSVPs going, waiting and maybe, filtered by a name fragment (case-insensitive).
  Result<std::vector<Rsvp>> check_in_list(const Actor& actor, std::int64_t occurrence_id,
                                          std::string_view search);
  // Members of the event's network whose name matches `search` (at least two letters; accents and
  // case ignored) and who have not said they are coming: the people a host can check in as a walk-in
  // by picking them, so their attendance counts for their history and the atlas. Hosts only.
  Result<std::vector<WalkInCandidate>> walk_in_candidates(const Actor& actor, std::int64_t occurrence_id,
                                                          std::string_view search, std::size_t limit = 8);
  // A member's own history, or any member's for a coordinator of their networks.
  Result<std::vector<AttendanceRecord>> attendance_history(const Actor& actor, std::int64_t account_id);
  Result<std::vector<NoShowLine>> no_show_report(const Actor& actor, std::int64_t network_id);
  // For the atlas (issue 5): pairs of members checked in at the same occurrences since `since`.
  std::vector<AttendancePair> attendance_pairs(std::int64_t network_id, std::int64_t since = 0);

  // --- congress programme
  Result<ProgrammeSession> add_session(const Actor& actor, std::int64_t event_id,
                                       const ProgrammeSession& session);
  // Hosts change a session (capacity not below those registered; a new time or room is mailed to
  // them) or remove it (they are told). Speakers typed by name link to the member of that name.
  Result<ProgrammeSession> change_session(const Actor& actor, std::int64_t session_id,
                                          const ProgrammeSession& session);
  Result<Done> remove_session(const Actor& actor, std::int64_t session_id);
  // A session with its event, for the host's edit form; nothing for anyone else.
  std::optional<std::pair<Event, ProgrammeSession>> session_for_editing(const Actor& actor, std::int64_t session_id);
  std::optional<std::pair<OccurrenceView, std::vector<ProgrammeSession>>> programme(
      const Actor& actor, std::int64_t occurrence_id);
  // Registration needs a seat at the congress; sessions at the same time exclude each other.
  Result<Done> register_for_session(const Actor& actor, std::int64_t session_id);
  Result<Done> unregister_from_session(const Actor& actor, std::int64_t session_id);

  // --- calendars
  FeedToken renew_feed_token(std::int64_t account_id);
  bool revoke_feed_token(std::int64_t account_id);
  std::optional<std::int64_t> feed_token_created_at(std::int64_t account_id);
  // The member's private feed (their events, nobody else's names); nothing for an unknown token.
  std::optional<std::string> member_feed(std::string_view token);
  // Public events of a network, or of one of its groups.
  std::string public_feed(std::int64_t network_id, std::string_view calendar_name,
                          std::optional<std::int64_t> group_id = std::nullopt);
  std::optional<std::string> occurrence_ics(const Actor& actor, std::int64_t occurrence_id);

  // --- export
  Result<std::string> attendee_csv(const Actor& actor, std::int64_t occurrence_id,
                                   const std::vector<CsvColumn>& columns);

  // --- background work (jobs)
  // Queues the reminder of every occurrence whose reminder time has come; never twice. Returns the
  // number of mails queued.
  std::size_t send_due_reminders();
  // Materialises occurrences up to now + kHorizonSeconds and applies series answers to new ones.
  std::size_t extend_horizons();

  // For the erasure of a member (api/personal_data registers it): every RSVP, series answer, session
  // registration, host role and feed token of the account go, inside the caller's transaction; each
  // seat it held at a coming occurrence goes to the first in line, who is told as usual.
  void erase_member_in(db::Session& session, std::int64_t account_id);

  // For the demo seed and tests: creates without the role check, inside the caller's transaction.
  Result<Event> create_event_in(db::Session& session, const NewEvent& event,
                                std::optional<std::int64_t> created_by);
  Result<RsvpOutcome> respond_in(db::Session& session, const Actor& actor, std::int64_t occurrence_id,
                                 const RsvpInput& input);

 private:
  Result<RsvpOutcome> apply_answer(db::Session& session, Occurrence& occurrence, const OccurrenceView& view,
                                   std::optional<Rsvp> existing, Rsvp base, const RsvpInput& input,
                                   bool from_series);
  std::vector<Rsvp> promote_from_waitlist(db::Session& session, Occurrence& occurrence,
                                          const OccurrenceView& view);
  std::optional<Error> normalise_session(db::Session& session, const Event& event, ProgrammeSession& programme_session);
  void tell_session_registrants(db::Session& session, const Event& event, const ProgrammeSession& changed,
                                std::string_view note_key);
  std::size_t materialise(db::Session& session, Event& event, std::int64_t until);
  void apply_series_answers(db::Session& session, const Event& event, std::int64_t occurrence_id);
  bool viewer_may_see(const Actor& actor, const Event& event);
  bool manages(const Actor& actor, const Event& event);
  mail::Message compose(std::string_view kind, const Rsvp& to, const OccurrenceView& view,
                        std::string_view link, std::string_view note = {}) const;
  std::string link(std::string_view path) const;
  // Answers for one occurrence from this process take turns here before their transaction, so they
  // do not fight over its row (PostgreSQL would fail all but one and retry them); across
  // instances the database still decides.
  std::mutex& turn_for(std::int64_t occurrence_id) {
    return occurrence_turns_[static_cast<std::size_t>(occurrence_id) % occurrence_turns_.size()];
  }

  db::Database& database_;
  const web::Site& site_;
  Access access_;
  ServiceOptions options_;
  std::array<std::mutex, 64> occurrence_turns_;
};


}  // namespace events
