// Events, their occurrences, RSVPs, attendance and the congress programme: plain values, no behaviour
// beyond the small lookups below. Times are Unix seconds (UTC); wall-clock times of a series are in
// its time zone (Europe/Amsterdam) as "YYYY-MM-DDTHH:MM".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace events {

// A single event happens once; a series repeats by its rule; a congress is a single event with a
// programme of sessions.
enum class Kind { Single, Series, Congress };
// Public events show on the public calendar and feeds and accept registrations from non-members;
// members-only events are seen by members of the event's network only.
enum class Visibility { Public, Members };
enum class OccurrenceStatus { Scheduled, Cancelled };
// Waiting: asked to go, no seat yet (in line by ticket). NotGoing keeps the row (and the note).
enum class Response { Going, Maybe, NotGoing, Waiting };

std::string_view to_string(Kind kind);  // "single", "series", "congress"
std::string_view to_string(Visibility visibility);
std::string_view to_string(OccurrenceStatus status);
std::string_view to_string(Response response);  // "going", "maybe", "not_going", "waiting"
std::optional<Kind> kind_from(std::string_view text);
std::optional<Visibility> visibility_from(std::string_view text);
std::optional<OccurrenceStatus> occurrence_status_from(std::string_view text);
std::optional<Response> response_from(std::string_view text);

struct Event {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::optional<std::int64_t> group_id;  // a knowledge group that owns it
  Kind kind = Kind::Single;
  std::string title;
  std::string description;       // plain text
  std::string location_name;     // "De Vijverhoeve"
  std::string location_address;  // "Vijverhoeve 1, Huijbergen"
  std::string timezone = "Europe/Amsterdam";
  std::string starts_local;  // first start, wall clock: "2024-09-03T07:30"
  std::int64_t duration_minutes = 60;
  std::string rrule;  // RFC 5545 RRULE value ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=..."), "" once
  std::vector<std::string> exdates;                   // skipped starts, wall clock "YYYY-MM-DDTHH:MM"
  std::optional<std::int64_t> capacity;               // seats, guests included; none: no limit
  std::optional<std::int64_t> rsvp_deadline_minutes;  // RSVPs close this long before the start
  std::optional<std::int64_t> reminder_minutes;       // reminder mail this long before; none: no mail
  Visibility visibility = Visibility::Members;
  std::int64_t materialised_until = 0;  // occurrences exist up to this time
  std::optional<std::int64_t> created_by;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;

  bool recurring() const { return !rrule.empty(); }
  bool operator==(const Event&) const = default;
};

// One dated instance of an event. Overrides (moved, changed, cancelled) live on the row itself.
struct Occurrence {
  std::int64_t id = 0;
  std::int64_t event_id = 0;
  std::string recurrence_id;  // the rule's original local start, "20240903T073000": its identity
  std::int64_t starts_at = 0;
  std::int64_t ends_at = 0;
  OccurrenceStatus status = OccurrenceStatus::Scheduled;
  bool overridden = false;                   // moved or changed by hand
  std::optional<std::string> title;          // override of the event's
  std::optional<std::string> location_name;  // override of the event's
  std::optional<std::int64_t> capacity;      // override of the event's
  std::string change_note;                   // what the host said when changing it
  std::int64_t seats_taken = 0;              // going people plus their guests
  std::int64_t queue_seq = 0;                // the last waiting-list ticket handed out
  std::optional<std::int64_t> reminder_sent_at;

  bool cancelled() const { return status == OccurrenceStatus::Cancelled; }
  bool operator==(const Occurrence&) const = default;
};

// An occurrence with its event's effective values folded in: what pages and feeds show.
struct OccurrenceView {
  Occurrence occurrence;
  Event event;
  std::string title;          // override or event title
  std::string location_name;  // override or event location
  std::optional<std::int64_t> capacity;
  std::int64_t rsvp_closes_at = 0;

  std::optional<std::int64_t> seats_left() const {
    if (!capacity) return std::nullopt;
    return *capacity > occurrence.seats_taken ? *capacity - occurrence.seats_taken : 0;
  }
};

struct Rsvp {
  std::int64_t id = 0;
  std::int64_t occurrence_id = 0;
  std::optional<std::int64_t> account_id;  // none: a non-member who registered by e-mail
  std::string name;                        // as known when answering (members: account name)
  std::string email;
  std::string language = "nl";
  Response response = Response::Going;
  std::int64_t guests = 0;
  std::vector<std::string> guest_names;
  std::string note;                    // for the host
  std::optional<std::int64_t> ticket;  // waiting-list ticket while waiting
  bool from_series = false;            // set by a series RSVP, not chosen for this occurrence
  bool confirmed = true;               // non-members: after following the e-mail link
  std::optional<bool> attended;        // none: not checked (yet)
  std::optional<std::int64_t> checked_in_at;
  bool walk_in = false;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;

  std::int64_t party() const { return 1 + guests; }
  bool operator==(const Rsvp&) const = default;
};

struct SeriesRsvp {
  std::int64_t event_id = 0;
  std::int64_t account_id = 0;
  Response response = Response::Going;
  std::int64_t guests = 0;
  std::vector<std::string> guest_names;
  std::string note;
  std::int64_t updated_at = 0;
};

// The congress programme.
struct Speaker {
  std::optional<std::int64_t> account_id;  // a member, or none for a guest speaker
  std::string name;
  std::string affiliation;  // "Belastingdienst", "zelfstandig jurist"
  bool operator==(const Speaker&) const = default;
};

struct ProgrammeSession {
  std::int64_t id = 0;
  std::int64_t event_id = 0;
  std::string title;
  std::string description;
  std::string track;  // "Ondernemen", "Digitaal"
  std::string room;   // "Zaal 1"
  std::int64_t starts_at = 0;
  std::int64_t ends_at = 0;
  std::optional<std::int64_t> capacity;
  std::int64_t registered = 0;
  std::vector<Speaker> speakers;
  bool operator==(const ProgrammeSession&) const = default;
};

// One member's line in their attendance history.
struct AttendanceRecord {
  std::int64_t occurrence_id = 0;
  std::string title;
  std::int64_t starts_at = 0;
  Response response = Response::Going;
  std::optional<bool> attended;
};

// Per occurrence, for coordinators: who said they would come and who did.
struct NoShowLine {
  std::int64_t occurrence_id = 0;
  std::string title;
  std::int64_t starts_at = 0;
  std::int64_t going = 0;     // RSVPs going (not walk-ins)
  std::int64_t attended = 0;  // checked in, walk-ins included
  std::int64_t no_shows = 0;  // going but not checked in
  double no_show_rate() const {
    return going > 0 ? static_cast<double>(no_shows) / static_cast<double>(going) : 0.0;
  }
};

// Two members who were checked in at the same occurrences (the atlas's "met at events" tie).
// A member a host may check in without an answer (see Service::walk_in_candidates).
struct WalkInCandidate {
  std::int64_t account_id = 0;
  std::string name;
  bool operator==(const WalkInCandidate&) const = default;
};

struct AttendancePair {
  std::int64_t account_a = 0;  // the lower id
  std::int64_t account_b = 0;
  std::int64_t occurrences = 0;
  std::int64_t last_met_at = 0;
  bool operator==(const AttendancePair&) const = default;
};

}  // namespace events
