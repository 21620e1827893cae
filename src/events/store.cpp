#include "events/store.h"

#include <utility>

namespace events::store {

namespace {

constexpr std::string_view kEventColumns =
    "e.id, e.network_id, e.group_id, e.kind, e.title, e.description, e.location_name, e.location_address, "
    "e.timezone, e.starts_local, e.duration_minutes, e.rrule, e.exdates, e.capacity, "
    "e.rsvp_deadline_minutes, "
    "e.reminder_minutes, e.visibility, e.materialised_until, e.created_by, e.created_at, e.updated_at";
constexpr std::size_t kEventColumnCount = 21;

constexpr std::string_view kOccurrenceColumns =
    "o.id, o.event_id, o.recurrence_id, o.starts_at, o.ends_at, o.status, o.overridden, o.title, "
    "o.location_name, "
    "o.capacity, o.change_note, o.seats_taken, o.queue_seq, o.reminder_sent_at";
constexpr std::size_t kOccurrenceColumnCount = 14;

constexpr std::string_view kRsvpColumns =
    "r.id, r.occurrence_id, r.account_id, r.name, r.email, r.language, r.response, r.guests, r.guest_names, "
    "r.note, r.ticket, r.from_series, r.confirmed, r.attended, r.checked_in_at, r.walk_in, r.created_at, "
    "r.updated_at";

std::string sql(std::initializer_list<std::string_view> parts) {
  std::string text;
  for (std::string_view part : parts) text += part;
  return text;
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  if (text.empty()) return parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.emplace_back(
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts, char separator) {
  std::string text;
  for (const std::string& part : parts) {
    if (!text.empty()) text += separator;
    text += part;
  }
  return text;
}

Event read_event(const db::Row& row, std::size_t at = 0) {
  Event event;
  event.id = row.int64(at + 0);
  event.network_id = row.int64(at + 1);
  event.group_id = row.optional_int64(at + 2);
  event.kind = kind_from(row.text(at + 3)).value_or(Kind::Single);
  event.title = row.text(at + 4);
  event.description = row.text(at + 5);
  event.location_name = row.text(at + 6);
  event.location_address = row.text(at + 7);
  event.timezone = row.text(at + 8);
  event.starts_local = row.text(at + 9);
  event.duration_minutes = row.int64(at + 10);
  event.rrule = row.text(at + 11);
  event.exdates = split(row.text(at + 12), ',');
  event.capacity = row.optional_int64(at + 13);
  event.rsvp_deadline_minutes = row.optional_int64(at + 14);
  event.reminder_minutes = row.optional_int64(at + 15);
  event.visibility = visibility_from(row.text(at + 16)).value_or(Visibility::Members);
  event.materialised_until = row.int64(at + 17);
  event.created_by = row.optional_int64(at + 18);
  event.created_at = row.int64(at + 19);
  event.updated_at = row.int64(at + 20);
  return event;
}

Occurrence read_occurrence(const db::Row& row, std::size_t at = 0) {
  Occurrence occurrence;
  occurrence.id = row.int64(at + 0);
  occurrence.event_id = row.int64(at + 1);
  occurrence.recurrence_id = row.text(at + 2);
  occurrence.starts_at = row.int64(at + 3);
  occurrence.ends_at = row.int64(at + 4);
  occurrence.status = occurrence_status_from(row.text(at + 5)).value_or(OccurrenceStatus::Scheduled);
  occurrence.overridden = row.int64(at + 6) != 0;
  occurrence.title = row.optional_text(at + 7);
  occurrence.location_name = row.optional_text(at + 8);
  occurrence.capacity = row.optional_int64(at + 9);
  occurrence.change_note = row.text(at + 10);
  occurrence.seats_taken = row.int64(at + 11);
  occurrence.queue_seq = row.int64(at + 12);
  occurrence.reminder_sent_at = row.optional_int64(at + 13);
  return occurrence;
}

OccurrenceView make_view(Occurrence occurrence, Event event) {
  OccurrenceView view;
  view.title = occurrence.title.value_or(event.title);
  view.location_name = occurrence.location_name.value_or(event.location_name);
  view.capacity = occurrence.capacity ? occurrence.capacity : event.capacity;
  view.rsvp_closes_at = occurrence.starts_at - event.rsvp_deadline_minutes.value_or(0) * 60;
  view.occurrence = std::move(occurrence);
  view.event = std::move(event);
  return view;
}

// A row of "occurrence columns, event columns".
OccurrenceView read_view(const db::Row& row) {
  return make_view(read_occurrence(row, 0), read_event(row, kOccurrenceColumnCount));
}

Rsvp read_rsvp(const db::Row& row) {
  Rsvp rsvp;
  rsvp.id = row.int64(0);
  rsvp.occurrence_id = row.int64(1);
  rsvp.account_id = row.optional_int64(2);
  rsvp.name = row.text(3);
  rsvp.email = row.text(4);
  rsvp.language = row.text(5);
  rsvp.response = response_from(row.text(6)).value_or(Response::NotGoing);
  rsvp.guests = row.int64(7);
  rsvp.guest_names = split(row.text(8), '\n');
  rsvp.note = row.text(9);
  rsvp.ticket = row.optional_int64(10);
  rsvp.from_series = row.int64(11) != 0;
  rsvp.confirmed = row.int64(12) != 0;
  if (!row.is_null(13)) rsvp.attended = row.int64(13) != 0;
  rsvp.checked_in_at = row.optional_int64(14);
  rsvp.walk_in = row.int64(15) != 0;
  rsvp.created_at = row.int64(16);
  rsvp.updated_at = row.int64(17);
  return rsvp;
}

db::Value optional_bool(const std::optional<bool>& value) {
  return value ? db::Value(std::int64_t{*value ? 1 : 0}) : db::null();
}

std::string placeholders(std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += i == 0 ? "?" : ", ?";
  return text;
}

const std::string kOccurrenceViewSelect =
    sql({"SELECT ", kOccurrenceColumns, ", ", kEventColumns,
         " FROM event_occurrences o JOIN events e ON e.id = o.event_id "});

}  // namespace

// --- events

std::int64_t insert_event(db::Session& session, const Event& event) {
  return session
      .query(
          "INSERT INTO events (network_id, group_id, kind, title, description, location_name, "
          "location_address, "
          "timezone, starts_local, duration_minutes, rrule, exdates, capacity, rsvp_deadline_minutes, "
          "reminder_minutes, visibility, materialised_until, created_by, created_at, updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {event.network_id,
           db::optional(event.group_id),
           std::string(to_string(event.kind)),
           event.title,
           event.description,
           event.location_name,
           event.location_address,
           event.timezone,
           event.starts_local,
           event.duration_minutes,
           event.rrule,
           join(event.exdates, ','),
           db::optional(event.capacity),
           db::optional(event.rsvp_deadline_minutes),
           db::optional(event.reminder_minutes),
           std::string(to_string(event.visibility)),
           event.materialised_until,
           db::optional(event.created_by),
           event.created_at,
           event.updated_at})
      .at(0)
      .int64(0);
}

void update_event(db::Session& session, const Event& event) {
  session.execute(
      "UPDATE events SET group_id = ?, kind = ?, title = ?, description = ?, location_name = ?, "
      "location_address = ?, timezone = ?, starts_local = ?, duration_minutes = ?, rrule = ?, exdates = ?, "
      "capacity = ?, rsvp_deadline_minutes = ?, reminder_minutes = ?, visibility = ?, materialised_until = "
      "?, "
      "updated_at = ? WHERE id = ?",
      {db::optional(event.group_id), std::string(to_string(event.kind)), event.title, event.description,
       event.location_name, event.location_address, event.timezone, event.starts_local,
       event.duration_minutes, event.rrule, join(event.exdates, ','), db::optional(event.capacity),
       db::optional(event.rsvp_deadline_minutes), db::optional(event.reminder_minutes),
       std::string(to_string(event.visibility)), event.materialised_until, event.updated_at, event.id});
}

std::optional<Event> find_event(db::Session& session, std::int64_t id) {
  auto row = session.query_one(sql({"SELECT ", kEventColumns, " FROM events e WHERE e.id = ?"}), {id});
  if (!row) return std::nullopt;
  return read_event(*row);
}

std::vector<Event> events_needing_horizon(db::Session& session, std::int64_t horizon_end) {
  std::vector<Event> result;
  for (const db::Row& row :
       session.query(sql({"SELECT ", kEventColumns,
                          " FROM events e WHERE e.rrule <> '' AND e.materialised_until < ? "
                          "ORDER BY e.id LIMIT 100"}),
                     {horizon_end})) {
    result.push_back(read_event(row));
  }
  return result;
}

void set_materialised_until(db::Session& session, std::int64_t event_id, std::int64_t until) {
  session.execute("UPDATE events SET materialised_until = ? WHERE id = ?", {until, event_id});
}

void add_host(db::Session& session, std::int64_t event_id, std::int64_t account_id) {
  session.execute("INSERT INTO event_hosts (event_id, account_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                  {event_id, account_id});
}

bool is_host(db::Session& session, std::int64_t event_id, std::int64_t account_id) {
  return session
      .query_one("SELECT 1 FROM event_hosts WHERE event_id = ? AND account_id = ?", {event_id, account_id})
      .has_value();
}

// --- occurrences

std::optional<std::int64_t> insert_occurrence(db::Session& session, const Occurrence& o) {
  auto row = session.query_one(
      "INSERT INTO event_occurrences (event_id, recurrence_id, starts_at, ends_at, status, overridden, "
      "title, "
      "location_name, capacity, change_note, seats_taken, queue_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?) "
      "ON CONFLICT (event_id, recurrence_id) DO NOTHING RETURNING id",
      {o.event_id, o.recurrence_id, o.starts_at, o.ends_at, std::string(to_string(o.status)),
       std::int64_t{o.overridden ? 1 : 0}, db::optional(o.title), db::optional(o.location_name),
       db::optional(o.capacity), o.change_note, o.seats_taken, o.queue_seq});
  if (!row) return std::nullopt;
  return row->int64(0);
}

std::optional<Occurrence> find_occurrence(db::Session& session, std::int64_t id) {
  auto row = session.query_one(
      sql({"SELECT ", kOccurrenceColumns, " FROM event_occurrences o WHERE o.id = ?"}), {id});
  if (!row) return std::nullopt;
  return read_occurrence(*row);
}

std::optional<Occurrence> lock_occurrence(db::Session& session, std::int64_t id) {
  // RETURNING may not name the table, so the column list is given bare.
  static const std::string bare_columns = [] {
    std::string columns(kOccurrenceColumns);
    for (std::size_t at = columns.find("o."); at != std::string::npos; at = columns.find("o.", at)) {
      columns.erase(at, 2);
    }
    return columns;
  }();
  auto row = session.query_one(
      "UPDATE event_occurrences SET queue_seq = queue_seq WHERE id = ? RETURNING " + bare_columns, {id});
  if (!row) return std::nullopt;
  return read_occurrence(*row);
}

std::vector<Occurrence> occurrences_of(db::Session& session, std::int64_t event_id, std::int64_t from,
                                       std::int64_t until) {
  std::vector<Occurrence> result;
  for (const db::Row& row : session.query(
           sql({"SELECT ", kOccurrenceColumns,
                " FROM event_occurrences o WHERE o.event_id = ? AND o.starts_at >= ? AND o.starts_at < ? "
                "ORDER BY o.starts_at, o.id"}),
           {event_id, from, until})) {
    result.push_back(read_occurrence(row));
  }
  return result;
}

std::vector<OccurrenceView> find_occurrences(db::Session& session, const OccurrenceFilter& filter) {
  std::vector<OccurrenceView> result;
  if (filter.member_network_ids.empty() && !filter.include_public) return result;
  std::string text = kOccurrenceViewSelect + "WHERE o.starts_at >= ? AND o.starts_at < ? AND (";
  db::Params params{filter.from, filter.until};
  if (!filter.member_network_ids.empty()) {
    text += "e.network_id IN (" + placeholders(filter.member_network_ids.size()) + ")";
    for (std::int64_t id : filter.member_network_ids) params.emplace_back(id);
    if (filter.include_public) text += " OR ";
  }
  if (filter.include_public) text += "e.visibility = 'public'";
  text += ")";
  if (filter.network_id) {
    text += " AND e.network_id = ?";
    params.emplace_back(*filter.network_id);
  }
  if (filter.group_id) {
    text += " AND e.group_id = ?";
    params.emplace_back(*filter.group_id);
  }
  if (!filter.include_cancelled) text += " AND o.status = 'scheduled'";
  text += " ORDER BY o.starts_at, o.id LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(filter.limit));
  for (const db::Row& row : session.query(text, params)) result.push_back(read_view(row));
  return result;
}

std::optional<OccurrenceView> find_occurrence_view(db::Session& session, std::int64_t id) {
  auto row = session.query_one(kOccurrenceViewSelect + "WHERE o.id = ?", {id});
  if (!row) return std::nullopt;
  return read_view(*row);
}

void save_counters(db::Session& session, const Occurrence& occurrence) {
  session.execute("UPDATE event_occurrences SET seats_taken = ?, queue_seq = ? WHERE id = ?",
                  {occurrence.seats_taken, occurrence.queue_seq, occurrence.id});
}

void save_overrides(db::Session& session, const Occurrence& o) {
  session.execute(
      "UPDATE event_occurrences SET starts_at = ?, ends_at = ?, status = ?, overridden = ?, title = ?, "
      "location_name = ?, capacity = ?, change_note = ?, reminder_sent_at = ? WHERE id = ?",
      {o.starts_at, o.ends_at, std::string(to_string(o.status)), std::int64_t{o.overridden ? 1 : 0},
       db::optional(o.title), db::optional(o.location_name), db::optional(o.capacity), o.change_note,
       db::optional(o.reminder_sent_at), o.id});
}

std::vector<OccurrenceView> due_reminders(db::Session& session, std::int64_t now, std::size_t limit) {
  std::vector<OccurrenceView> result;
  // The index on starts_at (reminder not sent) bounds the scan to a week of occurrences ahead.
  for (const db::Row& row :
       session.query(kOccurrenceViewSelect +
                         "WHERE o.reminder_sent_at IS NULL AND o.status = 'scheduled' AND o.starts_at > ? "
                         "AND o.starts_at <= ? AND e.reminder_minutes IS NOT NULL AND o.starts_at - "
                         "e.reminder_minutes * 60 <= ? "
                         "ORDER BY o.starts_at LIMIT ?",
                     {now, now + 14 * 86400, now, static_cast<std::int64_t>(limit)})) {
    result.push_back(read_view(row));
  }
  return result;
}

bool claim_reminder(db::Session& session, std::int64_t occurrence_id, std::int64_t now) {
  return session.execute(
             "UPDATE event_occurrences SET reminder_sent_at = ? WHERE id = ? AND reminder_sent_at IS NULL",
             {now, occurrence_id}) == 1;
}

// --- RSVPs

std::optional<Rsvp> find_rsvp(db::Session& session, std::int64_t rsvp_id) {
  auto row =
      session.query_one(sql({"SELECT ", kRsvpColumns, " FROM event_rsvps r WHERE r.id = ?"}), {rsvp_id});
  if (!row) return std::nullopt;
  return read_rsvp(*row);
}

std::optional<Rsvp> find_member_rsvp(db::Session& session, std::int64_t occurrence_id,
                                     std::int64_t account_id) {
  auto row = session.query_one(
      sql({"SELECT ", kRsvpColumns, " FROM event_rsvps r WHERE r.occurrence_id = ? AND r.account_id = ?"}),
      {occurrence_id, account_id});
  if (!row) return std::nullopt;
  return read_rsvp(*row);
}

std::optional<Rsvp> find_guest_rsvp(db::Session& session, std::int64_t occurrence_id,
                                    std::string_view email) {
  auto row = session.query_one(
      sql({"SELECT ", kRsvpColumns,
           " FROM event_rsvps r WHERE r.occurrence_id = ? AND r.account_id IS NULL AND r.email = ?"}),
      {occurrence_id, std::string(email)});
  if (!row) return std::nullopt;
  return read_rsvp(*row);
}

std::optional<Rsvp> find_rsvp_by_confirm_token(db::Session& session, std::string_view token_hash,
                                               std::int64_t now) {
  auto row = session.query_one(
      sql({"SELECT ", kRsvpColumns,
           " FROM event_rsvps r WHERE r.confirm_token_hash = ? AND r.confirm_expires_at > ?"}),
      {std::string(token_hash), now});
  if (!row) return std::nullopt;
  return read_rsvp(*row);
}

void set_confirm_token(db::Session& session, std::int64_t rsvp_id, std::string_view token_hash,
                       std::int64_t expires_at) {
  session.execute("UPDATE event_rsvps SET confirm_token_hash = ?, confirm_expires_at = ? WHERE id = ?",
                  {std::string(token_hash), expires_at, rsvp_id});
}

std::int64_t insert_rsvp(db::Session& session, const Rsvp& r,
                         std::optional<std::string_view> confirm_token_hash,
                         std::optional<std::int64_t> confirm_expires_at) {
  return session
      .query(
          "INSERT INTO event_rsvps (occurrence_id, account_id, name, email, language, response, guests, "
          "guest_names, note, ticket, from_series, confirmed, confirm_token_hash, confirm_expires_at, "
          "attended, "
          "checked_in_at, walk_in, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?, ?, "
          "?, ?, ?) RETURNING id",
          {r.occurrence_id, db::optional(r.account_id), r.name, r.email, r.language,
           std::string(to_string(r.response)), r.guests, join(r.guest_names, '\n'), r.note,
           db::optional(r.ticket), std::int64_t{r.from_series ? 1 : 0}, std::int64_t{r.confirmed ? 1 : 0},
           confirm_token_hash ? db::Value(std::string(*confirm_token_hash)) : db::null(),
           db::optional(confirm_expires_at), optional_bool(r.attended), db::optional(r.checked_in_at),
           std::int64_t{r.walk_in ? 1 : 0}, r.created_at, r.updated_at})
      .at(0)
      .int64(0);
}

void update_rsvp(db::Session& session, const Rsvp& r) {
  session.execute(
      "UPDATE event_rsvps SET name = ?, email = ?, language = ?, response = ?, guests = ?, guest_names = ?, "
      "note = ?, ticket = ?, from_series = ?, confirmed = ?, confirm_token_hash = NULL, confirm_expires_at = "
      "NULL, "
      "attended = ?, checked_in_at = ?, walk_in = ?, updated_at = ? WHERE id = ?",
      {r.name, r.email, r.language, std::string(to_string(r.response)), r.guests, join(r.guest_names, '\n'),
       r.note, db::optional(r.ticket), std::int64_t{r.from_series ? 1 : 0}, std::int64_t{r.confirmed ? 1 : 0},
       optional_bool(r.attended), db::optional(r.checked_in_at), std::int64_t{r.walk_in ? 1 : 0},
       r.updated_at, r.id});
}

void delete_rsvp(db::Session& session, std::int64_t rsvp_id) {
  session.execute("DELETE FROM event_rsvps WHERE id = ?", {rsvp_id});
}

std::vector<Rsvp> rsvps_of(db::Session& session, std::int64_t occurrence_id) {
  std::vector<Rsvp> result;
  for (const db::Row& row : session.query(
           sql({"SELECT ", kRsvpColumns,
                " FROM event_rsvps r WHERE r.occurrence_id = ? ORDER BY CASE r.response WHEN 'going' THEN 0 "
                "WHEN 'waiting' THEN 1 WHEN 'maybe' THEN 2 ELSE 3 END, r.ticket, r.created_at, r.id"}),
           {occurrence_id})) {
    result.push_back(read_rsvp(row));
  }
  return result;
}

std::vector<Rsvp> waiting_line(db::Session& session, std::int64_t occurrence_id) {
  std::vector<Rsvp> result;
  for (const db::Row& row : session.query(
           sql({"SELECT ", kRsvpColumns,
                " FROM event_rsvps r WHERE r.occurrence_id = ? AND r.ticket IS NOT NULL ORDER BY r.ticket"}),
           {occurrence_id})) {
    result.push_back(read_rsvp(row));
  }
  return result;
}

std::int64_t place_in_line(db::Session& session, std::int64_t occurrence_id, std::int64_t ticket) {
  return 1 + session
                 .query(
                     "SELECT COUNT(*) FROM event_rsvps WHERE occurrence_id = ? AND ticket IS NOT NULL AND "
                     "ticket < ?",
                     {occurrence_id, ticket})
                 .at(0)
                 .int64(0);
}

std::optional<std::int64_t> first_ticket(db::Session& session, std::int64_t occurrence_id) {
  auto row = session.query_one(
      "SELECT MIN(ticket) FROM event_rsvps WHERE occurrence_id = ? AND ticket IS NOT NULL", {occurrence_id});
  if (!row || row->is_null(0)) return std::nullopt;
  return row->int64(0);
}

std::vector<Rsvp> member_rsvps_for(db::Session& session, std::int64_t account_id,
                                   const std::vector<std::int64_t>& occurrence_ids) {
  std::vector<Rsvp> result;
  if (occurrence_ids.empty()) return result;
  db::Params params{account_id};
  for (std::int64_t id : occurrence_ids) params.emplace_back(id);
  for (const db::Row& row :
       session.query(sql({"SELECT ", kRsvpColumns,
                          " FROM event_rsvps r WHERE r.account_id = ? AND r.occurrence_id IN (",
                          placeholders(occurrence_ids.size()), ")"}),
                     params)) {
    result.push_back(read_rsvp(row));
  }
  return result;
}

// --- series RSVPs

void put_series_rsvp(db::Session& session, const SeriesRsvp& rsvp, std::string_view name,
                     std::string_view email, std::string_view language) {
  session.execute(
      "INSERT INTO event_series_rsvps (event_id, account_id, name, email, language, response, guests, "
      "guest_names, "
      "note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, account_id) DO UPDATE "
      "SET "
      "name = excluded.name, email = excluded.email, language = excluded.language, response = "
      "excluded.response, "
      "guests = excluded.guests, guest_names = excluded.guest_names, note = excluded.note, "
      "updated_at = excluded.updated_at",
      {rsvp.event_id, rsvp.account_id, std::string(name), std::string(email), std::string(language),
       std::string(to_string(rsvp.response)), rsvp.guests, join(rsvp.guest_names, '\n'), rsvp.note,
       rsvp.updated_at});
}

void delete_series_rsvp(db::Session& session, std::int64_t event_id, std::int64_t account_id) {
  session.execute("DELETE FROM event_series_rsvps WHERE event_id = ? AND account_id = ?",
                  {event_id, account_id});
}

namespace {
constexpr std::string_view kSeriesColumns =
    "event_id, account_id, response, guests, guest_names, note, updated_at, name, email, language";
SeriesRsvpWithContact read_series(const db::Row& row) {
  SeriesRsvpWithContact result;
  result.rsvp.event_id = row.int64(0);
  result.rsvp.account_id = row.int64(1);
  result.rsvp.response = response_from(row.text(2)).value_or(Response::NotGoing);
  result.rsvp.guests = row.int64(3);
  result.rsvp.guest_names = split(row.text(4), '\n');
  result.rsvp.note = row.text(5);
  result.rsvp.updated_at = row.int64(6);
  result.name = row.text(7);
  result.email = row.text(8);
  result.language = row.text(9);
  return result;
}
}  // namespace

std::optional<SeriesRsvp> find_series_rsvp(db::Session& session, std::int64_t event_id,
                                           std::int64_t account_id) {
  auto row = session.query_one(
      sql({"SELECT ", kSeriesColumns, " FROM event_series_rsvps WHERE event_id = ? AND account_id = ?"}),
      {event_id, account_id});
  if (!row) return std::nullopt;
  return read_series(*row).rsvp;
}

std::vector<SeriesRsvpWithContact> series_rsvps_of(db::Session& session, std::int64_t event_id) {
  std::vector<SeriesRsvpWithContact> result;
  for (const db::Row& row :
       session.query(sql({"SELECT ", kSeriesColumns,
                          " FROM event_series_rsvps WHERE event_id = ? ORDER BY updated_at, account_id"}),
                     {event_id})) {
    result.push_back(read_series(row));
  }
  return result;
}

// --- congress programme

namespace {
constexpr std::string_view kSessionColumns =
    "id, event_id, title, description, track, room, starts_at, ends_at, capacity, registered";
ProgrammeSession read_session(const db::Row& row) {
  ProgrammeSession s;
  s.id = row.int64(0);
  s.event_id = row.int64(1);
  s.title = row.text(2);
  s.description = row.text(3);
  s.track = row.text(4);
  s.room = row.text(5);
  s.starts_at = row.int64(6);
  s.ends_at = row.int64(7);
  s.capacity = row.optional_int64(8);
  s.registered = row.int64(9);
  return s;
}
}  // namespace

namespace {
void insert_speakers(db::Session& session, std::int64_t session_id, const std::vector<Speaker>& speakers) {
  std::int64_t position = 0;
  for (const Speaker& speaker : speakers) {
    session.execute(
        "INSERT INTO event_session_speakers (session_id, position, account_id, name, affiliation) VALUES (?, "
        "?, ?, ?, ?)",
        {session_id, position++, db::optional(speaker.account_id), speaker.name, speaker.affiliation});
  }
}
}  // namespace

std::int64_t insert_session(db::Session& session, const ProgrammeSession& s) {
  const std::int64_t id = session
                              .query(
                                  "INSERT INTO event_sessions (event_id, title, description, track, room, "
                                  "starts_at, ends_at, capacity) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                  {s.event_id, s.title, s.description, s.track, s.room, s.starts_at,
                                   s.ends_at, db::optional(s.capacity)})
                              .at(0)
                              .int64(0);
  insert_speakers(session, id, s.speakers);
  return id;
}

std::optional<ProgrammeSession> find_session(db::Session& session, std::int64_t session_id) {
  auto row =
      session.query_one(sql({"SELECT ", kSessionColumns, " FROM event_sessions WHERE id = ?"}), {session_id});
  if (!row) return std::nullopt;
  return read_session(*row);
}


void update_session(db::Session& session, const ProgrammeSession& s) {
  session.execute(
      "UPDATE event_sessions SET title = ?, description = ?, track = ?, room = ?, starts_at = ?, ends_at = ?, "
      "capacity = ? WHERE id = ?",
      {s.title, s.description, s.track, s.room, s.starts_at, s.ends_at, db::optional(s.capacity), s.id});
  session.execute("DELETE FROM event_session_speakers WHERE session_id = ?", {s.id});
  insert_speakers(session, s.id, s.speakers);
}

void delete_session(db::Session& session, std::int64_t session_id) {
  session.execute("DELETE FROM event_session_registrations WHERE session_id = ?", {session_id});
  session.execute("DELETE FROM event_session_speakers WHERE session_id = ?", {session_id});
  session.execute("DELETE FROM event_sessions WHERE id = ?", {session_id});
}

std::vector<std::int64_t> session_registrants(db::Session& session, std::int64_t session_id) {
  std::vector<std::int64_t> ids;
  for (const db::Row& row : session.query(
           "SELECT account_id FROM event_session_registrations WHERE session_id = ? ORDER BY created_at, account_id",
           {session_id})) {
    ids.push_back(row.int64(0));
  }
  return ids;
}

std::vector<Speaker> session_speakers(db::Session& session, std::int64_t session_id) {
  std::vector<Speaker> speakers;
  for (const db::Row& row : session.query(
           "SELECT account_id, name, affiliation FROM event_session_speakers WHERE session_id = ? ORDER BY position",
           {session_id})) {
    speakers.push_back(Speaker{row.optional_int64(0), row.text(1), row.text(2)});
  }
  return speakers;
}

std::optional<std::int64_t> member_named(db::Session& session, std::int64_t network_id, std::string_view name) {
  const db::Rows rows = session.query(
      "SELECT a.id FROM memberships m JOIN accounts a ON a.id = m.account_id "
      "WHERE m.network_id = ? AND m.status = 'active' AND a.status = 'active' AND a.name = ? LIMIT 2",
      {network_id, std::string(name)});
  if (rows.size() != 1) return std::nullopt;
  return rows[0].int64(0);
}

std::vector<ProgrammeSession> sessions_of(db::Session& session, std::int64_t event_id) {
  std::vector<ProgrammeSession> result;
  for (const db::Row& row :
       session.query(sql({"SELECT ", kSessionColumns,
                          " FROM event_sessions WHERE event_id = ? ORDER BY starts_at, room, id"}),
                     {event_id})) {
    result.push_back(read_session(row));
  }
  for (const db::Row& row :
       session.query("SELECT p.session_id, p.account_id, p.name, p.affiliation FROM event_session_speakers p "
                     "JOIN event_sessions s ON s.id = p.session_id WHERE s.event_id = ? ORDER BY "
                     "p.session_id, p.position",
                     {event_id})) {
    for (ProgrammeSession& s : result) {
      if (s.id == row.int64(0))
        s.speakers.push_back(Speaker{row.optional_int64(1), row.text(2), row.text(3)});
    }
  }
  return result;
}

bool is_registered(db::Session& session, std::int64_t session_id, std::int64_t account_id) {
  return session
      .query_one("SELECT 1 FROM event_session_registrations WHERE session_id = ? AND account_id = ?",
                 {session_id, account_id})
      .has_value();
}

std::vector<std::int64_t> registered_sessions(db::Session& session, std::int64_t event_id,
                                              std::int64_t account_id) {
  std::vector<std::int64_t> result;
  for (const db::Row& row : session.query("SELECT g.session_id FROM event_session_registrations g JOIN "
                                          "event_sessions s ON s.id = g.session_id "
                                          "WHERE s.event_id = ? AND g.account_id = ? ORDER BY s.starts_at",
                                          {event_id, account_id})) {
    result.push_back(row.int64(0));
  }
  return result;
}

bool register_for_session(db::Session& session, std::int64_t session_id, std::int64_t account_id,
                          std::int64_t now) {
  // The count and the check in one statement: a full session changes no row.
  if (session.execute("UPDATE event_sessions SET registered = registered + 1 WHERE id = ? AND "
                      "(capacity IS NULL OR registered < capacity)",
                      {session_id}) != 1) {
    return false;
  }
  session.execute(
      "INSERT INTO event_session_registrations (session_id, account_id, created_at) VALUES (?, ?, ?)",
      {session_id, account_id, now});
  return true;
}

bool unregister_from_session(db::Session& session, std::int64_t session_id, std::int64_t account_id) {
  if (session.execute("DELETE FROM event_session_registrations WHERE session_id = ? AND account_id = ?",
                      {session_id, account_id}) != 1) {
    return false;
  }
  session.execute("UPDATE event_sessions SET registered = registered - 1 WHERE id = ?", {session_id});
  return true;
}

// --- feed tokens

void put_feed_token(db::Session& session, std::int64_t account_id, std::string_view token_hash,
                    std::int64_t now) {
  session.execute(
      "INSERT INTO event_feed_tokens (account_id, token_hash, created_at) VALUES (?, ?, ?) "
      "ON CONFLICT (account_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = "
      "excluded.created_at",
      {account_id, std::string(token_hash), now});
}

bool delete_feed_token(db::Session& session, std::int64_t account_id) {
  return session.execute("DELETE FROM event_feed_tokens WHERE account_id = ?", {account_id}) > 0;
}

std::optional<std::int64_t> feed_account(db::Session& session, std::string_view token_hash) {
  auto row = session.query_one("SELECT account_id FROM event_feed_tokens WHERE token_hash = ?",
                               {std::string(token_hash)});
  if (!row) return std::nullopt;
  return row->int64(0);
}

std::optional<std::int64_t> feed_created_at(db::Session& session, std::int64_t account_id) {
  auto row = session.query_one("SELECT created_at FROM event_feed_tokens WHERE account_id = ?", {account_id});
  if (!row) return std::nullopt;
  return row->int64(0);
}

std::vector<std::pair<OccurrenceView, std::optional<Response>>> member_feed(db::Session& session,
                                                                            std::int64_t account_id,
                                                                            std::int64_t from) {
  std::vector<std::pair<OccurrenceView, std::optional<Response>>> result;
  for (const db::Row& row :
       session.query(sql({"SELECT ", kOccurrenceColumns, ", ", kEventColumns,
                          ", r.response FROM event_occurrences o JOIN events e ON e.id = o.event_id "
                          "LEFT JOIN event_rsvps r ON r.occurrence_id = o.id AND r.account_id = ? "
                          "WHERE o.starts_at >= ? AND (r.response IN ('going', 'maybe', 'waiting') OR EXISTS "
                          "(SELECT 1 FROM event_hosts h WHERE h.event_id = e.id AND h.account_id = ?)) "
                          "ORDER BY o.starts_at, o.id LIMIT 2000"}),
                     {account_id, from, account_id})) {
    const std::size_t response_column = kOccurrenceColumnCount + kEventColumnCount;
    result.emplace_back(read_view(row), row.is_null(response_column)
                                            ? std::nullopt
                                            : response_from(row.text(response_column)));
  }
  return result;
}

// --- attendance

std::vector<AttendanceRecord> attendance_history(db::Session& session, std::int64_t account_id,
                                                 const std::vector<std::int64_t>& network_ids) {
  std::vector<AttendanceRecord> result;
  if (network_ids.empty()) return result;
  db::Params params{account_id};
  for (std::int64_t id : network_ids) params.emplace_back(id);
  for (const db::Row& row : session.query(
           sql({"SELECT o.id, COALESCE(o.title, e.title), o.starts_at, r.response, r.attended FROM "
                "event_rsvps r "
                "JOIN event_occurrences o ON o.id = r.occurrence_id JOIN events e ON e.id = o.event_id "
                "WHERE r.account_id = ? AND e.network_id IN (",
                placeholders(network_ids.size()),
                ") AND r.response <> 'not_going' ORDER BY o.starts_at DESC LIMIT 500"}),
           params)) {
    AttendanceRecord record;
    record.occurrence_id = row.int64(0);
    record.title = row.text(1);
    record.starts_at = row.int64(2);
    record.response = response_from(row.text(3)).value_or(Response::Going);
    if (!row.is_null(4)) record.attended = row.int64(4) != 0;
    result.push_back(std::move(record));
  }
  return result;
}

std::vector<NoShowLine> no_show_report(db::Session& session, std::int64_t network_id, std::int64_t until) {
  std::vector<NoShowLine> result;
  for (const db::Row& row : session.query(
           "SELECT o.id, COALESCE(o.title, e.title), o.starts_at, "
           "SUM(CASE WHEN r.response = 'going' AND r.walk_in = 0 THEN 1 ELSE 0 END), "
           "SUM(CASE WHEN r.attended = 1 THEN 1 ELSE 0 END), "
           "SUM(CASE WHEN r.response = 'going' AND r.walk_in = 0 AND (r.attended IS NULL OR r.attended = 0) "
           "THEN 1 ELSE 0 END) "
           "FROM event_occurrences o JOIN events e ON e.id = o.event_id "
           "LEFT JOIN event_rsvps r ON r.occurrence_id = o.id "
           "WHERE e.network_id = ? AND o.starts_at < ? AND o.status = 'scheduled' "
           "GROUP BY o.id, o.title, e.title, o.starts_at "
           "HAVING SUM(CASE WHEN r.attended IS NOT NULL THEN 1 ELSE 0 END) > 0 "
           "ORDER BY o.starts_at DESC LIMIT 500",
           {network_id, until})) {
    result.push_back(
        NoShowLine{row.int64(0), row.text(1), row.int64(2), row.int64(3), row.int64(4), row.int64(5)});
  }
  return result;
}

std::vector<AttendancePair> attendance_pairs(db::Session& session, std::int64_t network_id,
                                             std::int64_t since) {
  std::vector<AttendancePair> result;
  for (const db::Row& row : session.query(
           "SELECT a.account_id, b.account_id, COUNT(*), MAX(o.starts_at) FROM event_rsvps a "
           "JOIN event_rsvps b ON b.occurrence_id = a.occurrence_id AND b.account_id > a.account_id "
           "JOIN event_occurrences o ON o.id = a.occurrence_id JOIN events e ON e.id = o.event_id "
           "WHERE e.network_id = ? AND o.starts_at >= ? AND a.attended = 1 AND b.attended = 1 "
           "GROUP BY a.account_id, b.account_id ORDER BY a.account_id, b.account_id",
           {network_id, since})) {
    result.push_back(AttendancePair{row.int64(0), row.int64(1), row.int64(2), row.int64(3)});
  }
  return result;
}

bool group_in_network(db::Session& session, std::int64_t group_id, std::int64_t network_id) {
  return session.query_one("SELECT 1 FROM knowledge_groups WHERE id = ? AND network_id = ?", {group_id, network_id})
      .has_value();
}

std::optional<std::string> account_name(db::Session& session, std::int64_t account_id) {
  auto row = session.query_one("SELECT name FROM accounts WHERE id = ? AND status = 'active'", {account_id});
  if (!row) return std::nullopt;
  return row->text(0);
}

std::vector<WalkInCandidate> members_without_answer(db::Session& session, std::int64_t network_id,
                                                    std::int64_t occurrence_id) {
  std::vector<WalkInCandidate> result;
  for (const db::Row& row : session.query(
           "SELECT a.id, a.name FROM memberships m JOIN accounts a ON a.id = m.account_id "
           "WHERE m.network_id = ? AND m.status = 'active' AND a.status = 'active' AND NOT EXISTS ("
           "SELECT 1 FROM event_rsvps r WHERE r.occurrence_id = ? AND r.account_id = a.id "
           "AND r.response <> 'not_going') ORDER BY a.name, a.id",
           {network_id, occurrence_id})) {
    result.push_back(WalkInCandidate{row.int64(0), row.text(1)});
  }
  return result;
}

std::vector<std::int64_t> coming_occurrences_with_seat(db::Session& session, std::int64_t account_id,
                                                       std::int64_t now) {
  std::vector<std::int64_t> ids;
  for (const db::Row& row : session.query(
           "SELECT DISTINCT r.occurrence_id FROM event_rsvps r JOIN event_occurrences o ON o.id = r.occurrence_id "
           "WHERE r.account_id = ? AND r.response = 'going' AND o.starts_at > ? AND o.status <> 'cancelled' "
           "ORDER BY r.occurrence_id",
           {account_id, now})) {
    ids.push_back(row.int64(0));
  }
  return ids;
}

void erase_member(db::Session& session, std::int64_t account_id) {
  // Seats held by the member are given back first so the counters stay true.
  for (const db::Row& row : session.query(
           "SELECT occurrence_id, 1 + guests FROM event_rsvps WHERE account_id = ? AND response = 'going'",
           {account_id})) {
    session.execute(
        "UPDATE event_occurrences SET seats_taken = seats_taken - ? WHERE id = ? AND seats_taken >= ?",
        {row.int64(1), row.int64(0), row.int64(1)});
  }
  for (const db::Row& row : session.query(
           "SELECT session_id FROM event_session_registrations WHERE account_id = ?", {account_id})) {
    session.execute("UPDATE event_sessions SET registered = registered - 1 WHERE id = ? AND registered > 0",
                    {row.int64(0)});
  }
  session.execute("DELETE FROM event_session_registrations WHERE account_id = ?", {account_id});
  session.execute("DELETE FROM event_rsvps WHERE account_id = ?", {account_id});
  session.execute("DELETE FROM event_series_rsvps WHERE account_id = ?", {account_id});
  session.execute("DELETE FROM event_feed_tokens WHERE account_id = ?", {account_id});
  session.execute("DELETE FROM event_hosts WHERE account_id = ?", {account_id});
  session.execute("UPDATE event_session_speakers SET account_id = NULL WHERE account_id = ?", {account_id});
}

nlohmann::json export_member(db::Session& session, std::int64_t account_id) {
  nlohmann::json answers = nlohmann::json::array();
  for (const db::Row& row : session.query(
           "SELECT r.occurrence_id, COALESCE(o.title, e.title), o.starts_at, r.response, r.guests, r.guest_names, "
           "r.note, r.attended, r.walk_in, r.created_at, r.updated_at "
           "FROM event_rsvps r JOIN event_occurrences o ON o.id = r.occurrence_id JOIN events e ON e.id = o.event_id "
           "WHERE r.account_id = ? ORDER BY o.starts_at, r.id",
           {account_id})) {
    answers.push_back({{"occurrence_id", row.int64(0)},
                       {"event", row.text(1)},
                       {"starts_at", row.int64(2)},
                       {"response", row.text(3)},
                       {"guests", row.int64(4)},
                       {"guest_names", row.text(5)},
                       {"note", row.text(6)},
                       {"attended", row.is_null(7) ? nlohmann::json(nullptr) : nlohmann::json(row.int64(7) == 1)},
                       {"walk_in", row.int64(8) == 1},
                       {"answered_at", row.int64(9)},
                       {"changed_at", row.int64(10)}});
  }
  nlohmann::json series = nlohmann::json::array();
  for (const db::Row& row : session.query(
           "SELECT s.event_id, e.title, s.response, s.guests, s.note FROM event_series_rsvps s "
           "JOIN events e ON e.id = s.event_id WHERE s.account_id = ? ORDER BY s.event_id",
           {account_id})) {
    series.push_back({{"event_id", row.int64(0)},
                      {"event", row.text(1)},
                      {"response", row.text(2)},
                      {"guests", row.int64(3)},
                      {"note", row.text(4)}});
  }
  nlohmann::json sessions = nlohmann::json::array();
  for (const db::Row& row : session.query(
           "SELECT g.session_id, s.title, g.created_at FROM event_session_registrations g "
           "JOIN event_sessions s ON s.id = g.session_id WHERE g.account_id = ? ORDER BY g.session_id",
           {account_id})) {
    sessions.push_back({{"session_id", row.int64(0)}, {"title", row.text(1)}, {"registered_at", row.int64(2)}});
  }
  const bool has_feed =
      session.query_one("SELECT 1 FROM event_feed_tokens WHERE account_id = ?", {account_id}).has_value();
  return {{"answers", std::move(answers)},
          {"series_answers", std::move(series)},
          {"congress_sessions", std::move(sessions)},
          {"private_calendar_feed", has_feed}};
}

}  // namespace events::store
