// The SQL for events, occurrences, RSVPs, the congress programme and feed tokens. Each function runs
// inside the caller's transaction and throws db::Error on database failures; the rules (capacity,
// waiting list, who may do what) live in service.h, not here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/database.h"
#include "events/types.h"

namespace events::store {

// --- events
std::int64_t insert_event(db::Session& session, const Event& event);
void update_event(db::Session& session, const Event& event);  // every column but id, network, created_*
std::optional<Event> find_event(db::Session& session, std::int64_t id);
// Recurring events whose occurrences exist only up to before `horizon_end`.
std::vector<Event> events_needing_horizon(db::Session& session, std::int64_t horizon_end);
void set_materialised_until(db::Session& session, std::int64_t event_id, std::int64_t until);
void add_host(db::Session& session, std::int64_t event_id, std::int64_t account_id);
bool is_host(db::Session& session, std::int64_t event_id, std::int64_t account_id);

// --- occurrences
// Inserts unless the event has an occurrence with this recurrence_id; returns the new id, or nothing.
std::optional<std::int64_t> insert_occurrence(db::Session& session, const Occurrence& occurrence);
std::optional<Occurrence> find_occurrence(db::Session& session, std::int64_t id);
// The same, marking the row written first, so concurrent RSVPs for one occurrence queue up here
// (SQLite: the writer lock is held already; PostgreSQL: the row lock, then a serialization retry).
std::optional<Occurrence> lock_occurrence(db::Session& session, std::int64_t id);
std::vector<Occurrence> occurrences_of(db::Session& session, std::int64_t event_id, std::int64_t from,
                                       std::int64_t until);
struct OccurrenceFilter {
  std::int64_t from = 0;
  std::int64_t until = 0;
  std::vector<std::int64_t> member_network_ids;  // every event of these networks
  bool include_public = true;                    // and public events of any network
  std::optional<std::int64_t> network_id;        // only this network
  std::optional<std::int64_t> group_id;
  bool include_cancelled = true;
  std::size_t limit = 500;
};
std::vector<OccurrenceView> find_occurrences(db::Session& session, const OccurrenceFilter& filter);
std::optional<OccurrenceView> find_occurrence_view(db::Session& session, std::int64_t id);
void save_counters(db::Session& session, const Occurrence& occurrence);   // seats_taken, queue_seq
void save_overrides(db::Session& session, const Occurrence& occurrence);  // times, status, overrides
// Occurrences whose reminder is due at `now` (start minus reminder time has passed, not started).
std::vector<OccurrenceView> due_reminders(db::Session& session, std::int64_t now, std::size_t limit);
// Sets reminder_sent_at unless it is set; false when another run was first.
bool claim_reminder(db::Session& session, std::int64_t occurrence_id, std::int64_t now);

// --- RSVPs
std::optional<Rsvp> find_rsvp(db::Session& session, std::int64_t rsvp_id);
std::optional<Rsvp> find_member_rsvp(db::Session& session, std::int64_t occurrence_id,
                                     std::int64_t account_id);
std::optional<Rsvp> find_guest_rsvp(db::Session& session, std::int64_t occurrence_id, std::string_view email);
// The unconfirmed RSVP whose link has this hash and has not expired at `now`.
std::optional<Rsvp> find_rsvp_by_confirm_token(db::Session& session, std::string_view token_hash,
                                               std::int64_t now);
void set_confirm_token(db::Session& session, std::int64_t rsvp_id, std::string_view token_hash,
                       std::int64_t expires_at);
std::int64_t insert_rsvp(db::Session& session, const Rsvp& rsvp,
                         std::optional<std::string_view> confirm_token_hash,
                         std::optional<std::int64_t> confirm_expires_at);
void update_rsvp(db::Session& session, const Rsvp& rsvp);  // clears the confirmation token
void delete_rsvp(db::Session& session, std::int64_t rsvp_id);
std::vector<Rsvp> rsvps_of(db::Session& session, std::int64_t occurrence_id);      // by response, then time
std::vector<Rsvp> waiting_line(db::Session& session, std::int64_t occurrence_id);  // by ticket
// 1 + how many wait before `ticket`.
std::int64_t place_in_line(db::Session& session, std::int64_t occurrence_id, std::int64_t ticket);
// The smallest ticket in line (for moving someone to the front), or nothing when nobody waits.
std::optional<std::int64_t> first_ticket(db::Session& session, std::int64_t occurrence_id);
// The viewer's RSVP on each of these occurrences.
std::vector<Rsvp> member_rsvps_for(db::Session& session, std::int64_t account_id,
                                   const std::vector<std::int64_t>& occurrence_ids);

// --- series RSVPs
void put_series_rsvp(db::Session& session, const SeriesRsvp& rsvp, std::string_view name,
                     std::string_view email, std::string_view language);
void delete_series_rsvp(db::Session& session, std::int64_t event_id, std::int64_t account_id);
std::optional<SeriesRsvp> find_series_rsvp(db::Session& session, std::int64_t event_id,
                                           std::int64_t account_id);
struct SeriesRsvpWithContact {
  SeriesRsvp rsvp;
  std::string name;
  std::string email;
  std::string language;
};
std::vector<SeriesRsvpWithContact> series_rsvps_of(db::Session& session, std::int64_t event_id);

// --- congress programme
std::int64_t insert_session(db::Session& session, const ProgrammeSession& programme_session);
std::optional<ProgrammeSession> find_session(db::Session& session, std::int64_t session_id);
// Every column but id, event and the registration count; the speakers are replaced.
void update_session(db::Session& session, const ProgrammeSession& programme_session);
// The session, its speakers and its registrations.
void delete_session(db::Session& session, std::int64_t session_id);
// The accounts registered for a session, by registration.
std::vector<std::int64_t> session_registrants(db::Session& session, std::int64_t session_id);
// Speakers of one session, in order.
std::vector<Speaker> session_speakers(db::Session& session, std::int64_t session_id);
// An active member of the network whose name is exactly `name` (case and accents as typed), when
// exactly one is: how a speaker typed by name is linked to their profile.
std::optional<std::int64_t> member_named(db::Session& session, std::int64_t network_id, std::string_view name);
std::vector<ProgrammeSession> sessions_of(db::Session& session, std::int64_t event_id);  // with speakers
bool is_registered(db::Session& session, std::int64_t session_id, std::int64_t account_id);
std::vector<std::int64_t> registered_sessions(db::Session& session, std::int64_t event_id,
                                              std::int64_t account_id);
// Adds the registration and counts it; false when the session was full (nothing written).
bool register_for_session(db::Session& session, std::int64_t session_id, std::int64_t account_id,
                          std::int64_t now);
bool unregister_from_session(db::Session& session, std::int64_t session_id, std::int64_t account_id);

// --- feed tokens
void put_feed_token(db::Session& session, std::int64_t account_id, std::string_view token_hash,
                    std::int64_t now);
bool delete_feed_token(db::Session& session, std::int64_t account_id);
std::optional<std::int64_t> feed_account(db::Session& session, std::string_view token_hash);
std::optional<std::int64_t> feed_created_at(db::Session& session, std::int64_t account_id);
// The occurrences in a member's feed: answered going, maybe or waiting, or hosted by them.
std::vector<std::pair<OccurrenceView, std::optional<Response>>> member_feed(db::Session& session,
                                                                            std::int64_t account_id,
                                                                            std::int64_t from);

// --- attendance
std::vector<AttendanceRecord> attendance_history(db::Session& session, std::int64_t account_id,
                                                 const std::vector<std::int64_t>& network_ids);
std::vector<NoShowLine> no_show_report(db::Session& session, std::int64_t network_id, std::int64_t until);
std::vector<AttendancePair> attendance_pairs(db::Session& session, std::int64_t network_id,
                                             std::int64_t since);

// Removes a member from every event: RSVPs, series answers, registrations, feed token, host roles.
// Whether the knowledge group belongs to the network.
bool group_in_network(db::Session& session, std::int64_t group_id, std::int64_t network_id);
// The name of an active account, or nothing.
std::optional<std::string> account_name(db::Session& session, std::int64_t account_id);
// Active members of the network (id, name) without an answer other than "not going" for the
// occurrence, by name.
std::vector<WalkInCandidate> members_without_answer(db::Session& session, std::int64_t network_id,
                                                    std::int64_t occurrence_id);
// The coming, not cancelled occurrences where the account holds a seat (answered going).
std::vector<std::int64_t> coming_occurrences_with_seat(db::Session& session, std::int64_t account_id,
                                                       std::int64_t now);
void erase_member(db::Session& session, std::int64_t account_id);
// Everything events keeps about the account, for the personal-data download: answers (with the
// event, start, guests, note, attendance), series answers, congress sessions and whether a private
// feed exists (never its secret).
nlohmann::json export_member(db::Session& session, std::int64_t account_id);

}  // namespace events::store
