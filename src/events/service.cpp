#include "events/service.h"

#include <algorithm>
#include <chrono>
#include <kainjow/mustache.hpp>
#include <limits>

#include "auth/service.h"
#include "auth/tokens.h"
#include "db/search_index.h"
#include "events/calendar.h"
#include "events/csv.h"
#include "events/format.h"
#include "events/store.h"
#include "mail/outbox.h"
#include "web/site.h"

namespace events {

namespace {

constexpr std::size_t kMaxTitleLength = 200;
constexpr std::size_t kMaxDescriptionLength = 5000;
constexpr std::size_t kMaxLocationLength = 200;
constexpr std::int64_t kMaxDurationMinutes = 14 * 24 * 60;
constexpr std::int64_t kMaxLeadMinutes = 60 * 24 * 60;  // deadlines and reminders: up to 60 days before
constexpr std::int64_t kFeedHistorySeconds = 5LL * 366 * 24 * 60 * 60;
// Marks a series whose every occurrence exists: the horizon job passes it by.
constexpr std::int64_t kFullyMaterialised = std::int64_t{1} << 62;

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

bool has_control(std::string_view text, bool allow_newlines) {
  return std::any_of(text.begin(), text.end(), [&](char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) return false;
    return byte < 0x20 || byte == 0x7f;
  });
}

// Counts UTF-8 characters, not bytes.
std::size_t length_of(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::optional<Error> check_text(std::string_view value, std::string_view field, std::size_t max,
                                bool required, bool multiline) {
  if (required && value.empty())
    return Error{Failure::Invalid, std::string(field), "events.error.required", {}};
  if (length_of(value) > max || has_control(value, multiline)) {
    return Error{Failure::Invalid, std::string(field), "events.error.too_long",
                 static_cast<std::int64_t>(max)};
  }
  return std::nullopt;
}

// Checks and normalises an answer; the error names the offending field.
std::optional<Error> normalise(RsvpInput& input) {
  if (input.response == Response::Waiting) {
    return Error{Failure::Invalid, "response", "events.error.response_invalid", {}};
  }
  if (input.guests < 0 || input.guests > kMaxGuests) {
    return Error{Failure::Invalid, "guests", "events.error.guests_range", kMaxGuests};
  }
  if (input.response != Response::Going) {
    input.guests = 0;
    input.guest_names.clear();
  }
  std::vector<std::string> names;
  for (const std::string& name : input.guest_names) {
    std::string trimmed = trim(name);
    if (!trimmed.empty()) names.push_back(std::move(trimmed));
  }
  if (static_cast<std::int64_t>(names.size()) != input.guests) {
    return Error{Failure::Invalid, "guest_names", "events.error.guest_names", input.guests};
  }
  for (const std::string& name : names) {
    if (auto error = check_text(name, "guest_names", kMaxNameLength, true, false)) return error;
  }
  input.guest_names = std::move(names);
  input.note = trim(input.note);
  if (auto error = check_text(input.note, "note", kMaxNoteLength, false, true)) return error;
  return std::nullopt;
}

template <class T>
Result<T> failed(const Error& error) {
  return Result<T>::fail(error);
}

OccurrenceView with_occurrence(OccurrenceView view, const Occurrence& occurrence) {
  view.occurrence = occurrence;
  view.title = occurrence.title.value_or(view.event.title);
  view.location_name = occurrence.location_name.value_or(view.event.location_name);
  view.capacity = occurrence.capacity ? occurrence.capacity : view.event.capacity;
  view.rsvp_closes_at = occurrence.starts_at - view.event.rsvp_deadline_minutes.value_or(0) * 60;
  return view;
}

Rule rule_of(const Event& event) {
  Rule rule;
  rule.rrule = event.rrule;
  rule.start = parse_local_time(event.starts_local).value_or(LocalTime{});
  rule.duration_minutes = event.duration_minutes;
  rule.timezone = event.timezone;
  for (const std::string& text : event.exdates) {
    if (auto time = parse_local_time(text)) rule.exdates.push_back(*time);
  }
  return rule;
}

bool is_answering(const Rsvp& rsvp) {
  return rsvp.confirmed && (rsvp.response == Response::Going || rsvp.response == Response::Waiting ||
                            rsvp.response == Response::Maybe);
}

}  // namespace

int http_status(Failure failure) {
  switch (failure) {
    case Failure::Invalid:
      return 422;
    case Failure::NotFound:
      return 404;
    case Failure::Forbidden:
      return 403;
    case Failure::Conflict:
      return 409;
  }
  return 422;
}

std::optional<CsvColumn> csv_column_from(std::string_view name) {
  static constexpr std::pair<CsvColumn, std::string_view> kColumns[] = {
      {CsvColumn::Name, "name"},
      {CsvColumn::Email, "email"},
      {CsvColumn::Response, "response"},
      {CsvColumn::Guests, "guests"},
      {CsvColumn::GuestNames, "guest_names"},
      {CsvColumn::Note, "note"},
      {CsvColumn::Place, "place"},
      {CsvColumn::Attended, "attended"},
      {CsvColumn::RespondedAt, "responded_at"}};
  for (const auto& [column, text] : kColumns) {
    if (text == name) return column;
  }
  return std::nullopt;
}

std::string_view to_string(CsvColumn column) {
  switch (column) {
    case CsvColumn::Name:
      return "name";
    case CsvColumn::Email:
      return "email";
    case CsvColumn::Response:
      return "response";
    case CsvColumn::Guests:
      return "guests";
    case CsvColumn::GuestNames:
      return "guest_names";
    case CsvColumn::Note:
      return "note";
    case CsvColumn::Place:
      return "place";
    case CsvColumn::Attended:
      return "attended";
    case CsvColumn::RespondedAt:
      return "responded_at";
  }
  return "name";
}

Service::Service(db::Database& database, const web::Site& site, Access access, ServiceOptions options)
    : database_(database), site_(site), access_(std::move(access)), options_(std::move(options)) {}

std::int64_t Service::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Service::link(std::string_view path) const {
  std::string base = options_.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string(path);
}

mail::Message Service::compose(std::string_view kind, const Rsvp& to, const OccurrenceView& view,
                               std::string_view url, std::string_view note) const {
  const std::string language = to.language == "en" ? "en" : "nl";
  kainjow::mustache::data data;
  data.set("name", to.name);
  data.set("title", view.title);
  data.set("when",
           format_span(view.occurrence.starts_at, view.occurrence.ends_at, view.event.timezone, language));
  // Sections treat any string as true: optional text is only set when present.
  if (!view.location_name.empty()) data.set("location", view.location_name);
  if (!view.event.location_address.empty()) data.set("address", view.event.location_address);
  data.set("link", std::string(url));
  data.set("note", std::string(note));
  data.set("has_note", !note.empty());
  data.set("guests", std::to_string(to.guests));
  data.set("has_guests", to.guests > 0);
  data.set("site_url", options_.public_url);
  const std::string base = "mail/events_" + std::string(kind);
  mail::Message message;
  message.to_address = to.email;
  message.to_name = to.name;
  message.subject = std::string(site_.text(language, "events.mail." + std::string(kind) + ".subject")) +
                    ": " + view.title + " (" +
                    format_date(view.occurrence.starts_at, view.event.timezone, language) + ")";
  message.text = site_.render(language, base + "_text", data);
  message.html = site_.render(language, base + "_html", data);
  message.kind = "events." + std::string(kind);
  return message;
}

bool Service::viewer_may_see(const Actor& actor, const Event& event) {
  if (event.visibility == Visibility::Public || actor.administrator) return true;
  return actor.account_id && access_.is_member && access_.is_member(*actor.account_id, event.network_id);
}

bool Service::manages(const Actor& actor, const Event& event) {
  if (!actor.account_id) return false;
  if (actor.administrator) return true;
  if (access_.is_coordinator && access_.is_coordinator(*actor.account_id, event.network_id)) return true;
  if (event.group_id && access_.hosts_group &&
      access_.hosts_group(*actor.account_id, event.network_id, *event.group_id)) {
    return true;
  }
  return database_.read(
      [&](db::Session& session) { return store::is_host(session, event.id, *actor.account_id); });
}

bool Service::can_manage(const Actor& actor, std::int64_t event_id) {
  auto event = database_.read([&](db::Session& session) { return store::find_event(session, event_id); });
  return event && manages(actor, *event);
}

std::optional<std::int64_t> Service::first_occurrence_id(std::int64_t event_id) {
  return database_.read([&](db::Session& session) -> std::optional<std::int64_t> {
    const auto occurrences =
        store::occurrences_of(session, event_id, std::numeric_limits<std::int64_t>::min(),
                              std::numeric_limits<std::int64_t>::max());
    if (occurrences.empty()) return std::nullopt;
    return occurrences.front().id;
  });
}

std::vector<std::int64_t> Service::hosted_groups(const Actor& actor, std::int64_t network_id) {
  if (!actor.account_id || !access_.hosted_groups) return {};
  return access_.hosted_groups(*actor.account_id, network_id);
}

bool Service::can_create(const Actor& actor, std::int64_t network_id) {
  if (!actor.account_id) return false;
  return actor.administrator ||
         (access_.is_coordinator && access_.is_coordinator(*actor.account_id, network_id));
}

// --- events

Result<Event> Service::create_event(const Actor& actor, const NewEvent& input) {
  if (!actor.account_id) return Result<Event>::fail(Failure::Forbidden, "", "events.error.sign_in");
  // Coordinators create any event of their network; a knowledge group's hosts, their group's.
  const bool group_host = input.group_id && access_.hosts_group &&
                          access_.hosts_group(*actor.account_id, input.network_id, *input.group_id);
  if (!can_create(actor, input.network_id) && !group_host) {
    return Result<Event>::fail(Failure::Forbidden, "", "events.error.not_coordinator");
  }
  return database_.write([&](db::Session& session) -> Result<Event> {
    if (input.group_id && !store::group_in_network(session, *input.group_id, input.network_id)) {
      return Result<Event>::fail(Failure::Invalid, "group", "events.error.group_unknown");
    }
    return create_event_in(session, input, actor.account_id);
  });
}

Result<Event> Service::create_event_in(db::Session& session, const NewEvent& input,
                                       std::optional<std::int64_t> created_by) {
  Event event;
  event.network_id = input.network_id;
  event.group_id = input.group_id;
  event.kind = input.kind;
  event.title = trim(input.title);
  event.description = trim(input.description);
  event.location_name = trim(input.location_name);
  event.location_address = trim(input.location_address);
  if (auto error = check_text(event.title, "title", kMaxTitleLength, true, false))
    return failed<Event>(*error);
  if (auto error = check_text(event.description, "description", kMaxDescriptionLength, false, true)) {
    return failed<Event>(*error);
  }
  if (auto error = check_text(event.location_name, "location_name", kMaxLocationLength, false, false)) {
    return failed<Event>(*error);
  }
  if (auto error = check_text(event.location_address, "location_address", kMaxLocationLength, false, false)) {
    return failed<Event>(*error);
  }
  const auto start = parse_local_time(trim(input.starts_local));
  if (!start) return Result<Event>::fail(Failure::Invalid, "starts_local", "events.error.start_invalid");
  event.starts_local = to_iso(*start);
  if (input.duration_minutes <= 0) {
    return Result<Event>::fail(Failure::Invalid, "ends_local", "events.error.end_before_start");
  }
  if (input.duration_minutes > kMaxDurationMinutes) {
    return Result<Event>::fail(Failure::Invalid, "ends_local", "events.error.too_long_event");
  }
  event.duration_minutes = input.duration_minutes;
  if (input.capacity && (*input.capacity < 1 || *input.capacity > kMaxCapacity)) {
    return Result<Event>::fail(Failure::Invalid, "capacity", "events.error.capacity_range", kMaxCapacity);
  }
  event.capacity = input.capacity;
  for (const auto& [value, field] : {std::pair{input.rsvp_deadline_minutes, "rsvp_deadline_minutes"},
                                     std::pair{input.reminder_minutes, "reminder_minutes"}}) {
    if (value && (*value < 0 || *value > kMaxLeadMinutes)) {
      return Result<Event>::fail(Failure::Invalid, field, "events.error.lead_range");
    }
  }
  event.rsvp_deadline_minutes = input.rsvp_deadline_minutes;
  event.reminder_minutes = input.reminder_minutes;
  event.visibility = input.visibility;
  event.rrule = trim(input.rrule);
  if (event.rrule.starts_with("RRULE:")) event.rrule.erase(0, 6);
  if (input.kind == Kind::Series && event.rrule.empty()) {
    return Result<Event>::fail(Failure::Invalid, "rrule", "events.error.rule_required");
  }
  if (input.kind != Kind::Series && !event.rrule.empty()) {
    return Result<Event>::fail(Failure::Invalid, "rrule", "events.error.rule_for_single");
  }
  for (const std::string& text : input.exdates) {
    const auto skipped = parse_local_time(trim(text));
    if (!skipped) return Result<Event>::fail(Failure::Invalid, "exdates", "events.error.exdate_invalid");
    event.exdates.push_back(to_iso(*skipped));
  }
  const Expansion expansion = expand(rule_of(event));
  if (!expansion.ok()) {
    return Result<Event>::fail(Failure::Invalid, "rrule", std::string(message_key(*expansion.error)),
                               static_cast<std::int64_t>(kMaxOccurrences));
  }
  const std::int64_t at = now();
  event.created_by = created_by;
  event.created_at = at;
  event.updated_at = at;
  event.id = store::insert_event(session, event);
  for (std::int64_t host : input.hosts) store::add_host(session, event.id, host);
  materialise(session, event, at + kHorizonSeconds);
  return Result<Event>::of(std::move(event));
}

std::size_t Service::materialise(db::Session& session, Event& event, std::int64_t until) {
  const Rule rule = rule_of(event);
  const std::vector<Instance> instances = expand_between(rule, std::numeric_limits<std::int64_t>::min(),
                                                         std::numeric_limits<std::int64_t>::max());
  std::size_t created = 0;
  bool complete = true;
  for (const Instance& instance : instances) {
    if (instance.starts_at >= until) {
      complete = false;
      break;
    }
    Occurrence occurrence;
    occurrence.event_id = event.id;
    occurrence.recurrence_id = instance.recurrence_id;
    occurrence.starts_at = instance.starts_at;
    occurrence.ends_at = instance.ends_at;
    if (auto id = store::insert_occurrence(session, occurrence)) {
      ++created;
      apply_series_answers(session, event, *id);
    }
  }
  event.materialised_until = complete ? kFullyMaterialised : until;
  store::set_materialised_until(session, event.id, event.materialised_until);
  return created;
}

void Service::apply_series_answers(db::Session& session, const Event& event, std::int64_t occurrence_id) {
  const auto answers = store::series_rsvps_of(session, event.id);
  if (answers.empty()) return;
  auto occurrence = store::lock_occurrence(session, occurrence_id);
  auto view = store::find_occurrence_view(session, occurrence_id);
  if (!occurrence || !view || occurrence->starts_at <= now()) return;
  for (const auto& answer : answers) {
    if (answer.rsvp.response == Response::NotGoing) continue;
    Rsvp base;
    base.occurrence_id = occurrence_id;
    base.account_id = answer.rsvp.account_id;
    base.name = answer.name;
    base.email = answer.email;
    base.language = answer.language;
    RsvpInput input{answer.rsvp.response, answer.rsvp.guests, answer.rsvp.guest_names, answer.rsvp.note};
    apply_answer(session, *occurrence, *view, std::nullopt, base, input, true);
  }
}

Result<Event> Service::change_event(const Actor& actor, std::int64_t event_id, const EventChange& change) {
  auto found = database_.read([&](db::Session& session) { return store::find_event(session, event_id); });
  if (!found || !viewer_may_see(actor, *found))
    return Result<Event>::fail(Failure::NotFound, "", "events.error.not_found");
  if (!manages(actor, *found)) return Result<Event>::fail(Failure::Forbidden, "", "events.error.not_host");
  if (change.capacity && *change.capacity && (**change.capacity < 1 || **change.capacity > kMaxCapacity)) {
    return Result<Event>::fail(Failure::Invalid, "capacity", "events.error.capacity_range", kMaxCapacity);
  }
  for (const auto& [value, field] : {std::pair{change.rsvp_deadline_minutes, "rsvp_deadline_minutes"},
                                     std::pair{change.reminder_minutes, "reminder_minutes"}}) {
    if (value && *value && (**value < 0 || **value > kMaxLeadMinutes)) {
      return Result<Event>::fail(Failure::Invalid, field, "events.error.lead_range");
    }
  }
  return database_.write([&](db::Session& session) -> Result<Event> {
    auto event = store::find_event(session, event_id);
    if (!event) return Result<Event>::fail(Failure::NotFound, "", "events.error.not_found");
    auto set_text = [](std::string& target, const std::optional<std::string>& value) {
      if (value) target = trim(*value);
    };
    set_text(event->title, change.title);
    set_text(event->description, change.description);
    set_text(event->location_name, change.location_name);
    set_text(event->location_address, change.location_address);
    if (auto error = check_text(event->title, "title", kMaxTitleLength, true, false))
      return failed<Event>(*error);
    if (auto error = check_text(event->description, "description", kMaxDescriptionLength, false, true)) {
      return failed<Event>(*error);
    }
    if (auto error = check_text(event->location_name, "location_name", kMaxLocationLength, false, false)) {
      return failed<Event>(*error);
    }
    const std::int64_t at = now();
    const auto future =
        store::occurrences_of(session, event_id, at, std::numeric_limits<std::int64_t>::max());
    if (change.capacity && *change.capacity) {
      std::int64_t most_taken = 0;
      for (const Occurrence& occurrence : future) {
        if (!occurrence.capacity && !occurrence.cancelled())
          most_taken = std::max(most_taken, occurrence.seats_taken);
      }
      if (**change.capacity < most_taken) {
        return Result<Event>::fail(Failure::Invalid, "capacity", "events.error.capacity_below_going",
                                   most_taken);
      }
    }
    if (change.capacity) event->capacity = *change.capacity;
    if (change.rsvp_deadline_minutes) event->rsvp_deadline_minutes = *change.rsvp_deadline_minutes;
    if (change.reminder_minutes) event->reminder_minutes = *change.reminder_minutes;
    if (change.visibility) event->visibility = *change.visibility;
    event->updated_at = at;
    store::update_event(session, *event);
    if (change.capacity) {
      // More seats (or none limited) may let people in from the line.
      for (const Occurrence& listed : future) {
        if (listed.capacity || listed.cancelled()) continue;
        auto occurrence = store::lock_occurrence(session, listed.id);
        auto view = store::find_occurrence_view(session, listed.id);
        if (!occurrence || !view) continue;
        promote_from_waitlist(session, *occurrence, *view);
        store::save_counters(session, *occurrence);
      }
    }
    return Result<Event>::of(std::move(*event));
  });
}

Result<OccurrenceView> Service::change_occurrence(const Actor& actor, std::int64_t occurrence_id,
                                                  const OccurrenceChange& change) {
  using R = Result<OccurrenceView>;
  auto found = database_.read(
      [&](db::Session& session) { return store::find_occurrence_view(session, occurrence_id); });
  if (!found || !viewer_may_see(actor, found->event))
    return R::fail(Failure::NotFound, "", "events.error.not_found");
  if (!manages(actor, found->event)) return R::fail(Failure::Forbidden, "", "events.error.not_host");
  const std::string note = trim(change.note);
  if (auto error = check_text(note, "note", kMaxNoteLength, false, true))
    return failed<OccurrenceView>(*error);
  std::optional<std::int64_t> moved_start;
  if (change.starts_local) {
    auto local = parse_local_time(trim(*change.starts_local));
    if (!local) return R::fail(Failure::Invalid, "starts_local", "events.error.start_invalid");
    moved_start = to_utc(*local, found->event.timezone);
    if (!moved_start) return R::fail(Failure::Invalid, "starts_local", "events.error.start_invalid");
  }
  if (change.duration_minutes && *change.duration_minutes <= 0) {
    return R::fail(Failure::Invalid, "ends_local", "events.error.end_before_start");
  }
  if (change.duration_minutes && *change.duration_minutes > kMaxDurationMinutes) {
    return R::fail(Failure::Invalid, "ends_local", "events.error.too_long_event");
  }
  if (change.capacity && *change.capacity && (**change.capacity < 1 || **change.capacity > kMaxCapacity)) {
    return R::fail(Failure::Invalid, "capacity", "events.error.capacity_range", kMaxCapacity);
  }
  std::optional<std::string> title;
  if (change.title) {
    title = trim(*change.title);
    if (auto error = check_text(*title, "title", kMaxTitleLength, true, false))
      return failed<OccurrenceView>(*error);
  }
  std::optional<std::string> location;
  if (change.location_name) {
    location = trim(*change.location_name);
    if (auto error = check_text(*location, "location_name", kMaxLocationLength, false, false)) {
      return failed<OccurrenceView>(*error);
    }
  }
  return database_.write([&](db::Session& session) -> R {
    auto occurrence = store::lock_occurrence(session, occurrence_id);
    auto view = store::find_occurrence_view(session, occurrence_id);
    if (!occurrence || !view) return R::fail(Failure::NotFound, "", "events.error.not_found");
    const Occurrence before = *occurrence;
    if (change.capacity) {
      if (*change.capacity && **change.capacity < occurrence->seats_taken) {
        return R::fail(Failure::Invalid, "capacity", "events.error.capacity_below_going",
                       occurrence->seats_taken);
      }
      occurrence->capacity = *change.capacity;
    }
    const std::int64_t duration =
        change.duration_minutes ? *change.duration_minutes * 60 : occurrence->ends_at - occurrence->starts_at;
    if (moved_start) occurrence->starts_at = *moved_start;
    occurrence->ends_at = occurrence->starts_at + duration;
    if (title) occurrence->title = *title == view->event.title ? std::nullopt : std::optional(*title);
    if (location) {
      occurrence->location_name =
          *location == view->event.location_name ? std::nullopt : std::optional(*location);
    }
    if (change.cancel) occurrence->status = OccurrenceStatus::Cancelled;
    if (change.restore) occurrence->status = OccurrenceStatus::Scheduled;
    if (!note.empty()) occurrence->change_note = note;
    occurrence->overridden = true;
    store::save_overrides(session, *occurrence);
    OccurrenceView updated = with_occurrence(*view, *occurrence);
    promote_from_waitlist(session, *occurrence, updated);
    store::save_counters(session, *occurrence);

    // Attendees hear about what changes their plans: a new time or place, a cancellation.
    const bool cancelled_now = !before.cancelled() && occurrence->cancelled();
    const bool restored_now = before.cancelled() && !occurrence->cancelled();
    const bool moved = before.starts_at != occurrence->starts_at || before.ends_at != occurrence->ends_at;
    const bool relocated = before.location_name != occurrence->location_name;
    const bool renamed = before.title != occurrence->title;
    if (cancelled_now || restored_now || moved || relocated || renamed) {
      const std::string kind = cancelled_now ? "cancelled" : "changed";
      for (const Rsvp& rsvp : store::rsvps_of(session, occurrence_id)) {
        if (!is_answering(rsvp) || rsvp.email.empty()) continue;
        mail::enqueue(session,
                      compose(kind, rsvp, updated, link("/agenda/" + std::to_string(occurrence_id)), note));
      }
    }
    return R::of(std::move(updated));
  });
}

// --- reading

std::vector<OccurrenceView> Service::list(const Actor& actor, const ListQuery& query) {
  store::OccurrenceFilter filter;
  filter.from = query.from;
  filter.until = query.until;
  filter.network_id = query.network_id;
  filter.group_id = query.group_id;
  filter.limit = std::clamp<std::size_t>(query.limit, 1, 1000);
  if (actor.account_id && access_.member_networks)
    filter.member_network_ids = access_.member_networks(*actor.account_id);
  filter.include_public = true;
  return database_.read([&](db::Session& session) { return store::find_occurrences(session, filter); });
}

std::optional<OccurrencePage> Service::occurrence_page(const Actor& actor, std::int64_t occurrence_id) {
  auto view = database_.read(
      [&](db::Session& session) { return store::find_occurrence_view(session, occurrence_id); });
  if (!view || !viewer_may_see(actor, view->event)) return std::nullopt;
  OccurrencePage page;
  const bool member = actor.account_id &&
                      (actor.administrator ||
                       (access_.is_member && access_.is_member(*actor.account_id, view->event.network_id)));
  page.can_rsvp = member;
  page.can_register = !actor.account_id && view->event.visibility == Visibility::Public;
  page.can_manage = manages(actor, view->event);
  const std::int64_t at = now();
  page.rsvp_open = !view->occurrence.cancelled() && at < view->rsvp_closes_at;
  database_.read([&](db::Session& session) {
    for (Rsvp& rsvp : store::rsvps_of(session, occurrence_id)) {
      if (!rsvp.confirmed) continue;
      if (rsvp.response == Response::Going) page.going_people += rsvp.party();
      if (rsvp.response == Response::Waiting) page.waiting_people += rsvp.party();
      if (actor.account_id && rsvp.account_id == actor.account_id) page.mine = rsvp;
      if (member && (rsvp.response == Response::Going || rsvp.response == Response::Waiting ||
                     rsvp.response == Response::Maybe)) {
        page.attendees.push_back(std::move(rsvp));
      }
    }
    if (page.mine && page.mine->ticket) {
      page.my_place = store::place_in_line(session, occurrence_id, *page.mine->ticket);
    }
    if (actor.account_id && view->event.recurring()) {
      page.my_series = store::find_series_rsvp(session, view->event.id, *actor.account_id);
    }
    if (view->event.kind == Kind::Congress) {
      page.programme = store::sessions_of(session, view->event.id);
      if (actor.account_id)
        page.my_sessions = store::registered_sessions(session, view->event.id, *actor.account_id);
    }
  });
  if (!member) {
    // Visitors see how full it is, not who comes (nor hosts' private notes).
    page.attendees.clear();
  }
  page.view = std::move(*view);
  return page;
}

std::optional<SeriesPage> Service::series_page(const Actor& actor, std::int64_t event_id) {
  auto event = database_.read([&](db::Session& session) { return store::find_event(session, event_id); });
  if (!event || !viewer_may_see(actor, *event)) return std::nullopt;
  SeriesPage page;
  page.can_rsvp =
      actor.account_id &&
      (actor.administrator || (access_.is_member && access_.is_member(*actor.account_id, event->network_id)));
  page.can_manage = manages(actor, *event);
  const std::int64_t at = now();
  database_.read([&](db::Session& session) {
    for (const Occurrence& occurrence :
         store::occurrences_of(session, event_id, at - 12 * 3600, std::numeric_limits<std::int64_t>::max())) {
      if (auto view = store::find_occurrence_view(session, occurrence.id))
        page.upcoming.push_back(std::move(*view));
      if (page.upcoming.size() >= 60) break;
    }
    std::vector<std::int64_t> ids;
    for (const OccurrenceView& view : page.upcoming) ids.push_back(view.occurrence.id);
    std::vector<Rsvp> mine;
    if (actor.account_id) {
      mine = store::member_rsvps_for(session, *actor.account_id, ids);
      page.my_series = store::find_series_rsvp(session, event_id, *actor.account_id);
    }
    for (const OccurrenceView& view : page.upcoming) {
      auto found = std::find_if(mine.begin(), mine.end(),
                                [&](const Rsvp& rsvp) { return rsvp.occurrence_id == view.occurrence.id; });
      page.mine.push_back(found == mine.end() ? std::nullopt : std::optional<Rsvp>(*found));
    }
  });
  page.event = std::move(*event);
  return page;
}

// --- RSVPs

Result<RsvpOutcome> Service::respond(const Actor& actor, std::int64_t occurrence_id, const RsvpInput& given) {
  using R = Result<RsvpOutcome>;
  if (!actor.account_id) return R::fail(Failure::Forbidden, "", "events.error.sign_in");
  RsvpInput input = given;
  if (auto error = normalise(input)) return failed<RsvpOutcome>(*error);
  auto view = database_.read(
      [&](db::Session& session) { return store::find_occurrence_view(session, occurrence_id); });
  if (!view || !viewer_may_see(actor, view->event))
    return R::fail(Failure::NotFound, "", "events.error.not_found");
  if (!actor.administrator &&
      !(access_.is_member && access_.is_member(*actor.account_id, view->event.network_id))) {
    return R::fail(Failure::Forbidden, "", "events.error.not_member");
  }
  std::lock_guard turn(turn_for(occurrence_id));
  return database_.write(
      [&](db::Session& session) { return respond_in(session, actor, occurrence_id, input); });
}

Result<RsvpOutcome> Service::respond_in(db::Session& session, const Actor& actor, std::int64_t occurrence_id,
                                        const RsvpInput& given) {
  using R = Result<RsvpOutcome>;
  RsvpInput input = given;
  if (auto error = normalise(input)) return failed<RsvpOutcome>(*error);
  // The occurrence's row is written first: concurrent answers for it wait (or retry) here.
  auto occurrence = store::lock_occurrence(session, occurrence_id);
  auto view = store::find_occurrence_view(session, occurrence_id);
  if (!occurrence || !view) return R::fail(Failure::NotFound, "", "events.error.not_found");
  const std::int64_t at = now();
  if (occurrence->cancelled()) return R::fail(Failure::Conflict, "", "events.error.occurrence_cancelled");
  if (at >= occurrence->starts_at) return R::fail(Failure::Conflict, "", "events.error.occurrence_past");
  if (input.response != Response::NotGoing && at >= view->rsvp_closes_at) {
    return R::fail(Failure::Conflict, "", "events.error.rsvp_closed");
  }
  Rsvp base;
  base.occurrence_id = occurrence_id;
  base.account_id = actor.account_id;
  base.name = actor.name;
  base.email = actor.email;
  base.language = actor.language;
  return apply_answer(session, *occurrence, *view,
                      store::find_member_rsvp(session, occurrence_id, *actor.account_id), base, input, false);
}

Result<RsvpOutcome> Service::apply_answer(db::Session& session, Occurrence& occurrence,
                                          const OccurrenceView& view, std::optional<Rsvp> existing, Rsvp base,
                                          const RsvpInput& input, bool from_series) {
  using R = Result<RsvpOutcome>;
  const std::int64_t at = now();
  const std::optional<std::int64_t> capacity = with_occurrence(view, occurrence).capacity;
  const std::int64_t party = 1 + input.guests;
  const bool was_going = existing && existing->confirmed && existing->response == Response::Going;
  const bool was_waiting = existing && existing->confirmed && existing->response == Response::Waiting;

  Rsvp rsvp = existing ? *existing : base;
  if (!base.name.empty()) rsvp.name = base.name;
  if (!base.email.empty()) rsvp.email = base.email;
  rsvp.language = base.language;
  if (input.response == Response::Going) {
    if (was_going) {
      // A bigger party keeps its seats only when the extra ones are free; nobody loses a seat by asking.
      const std::int64_t extra = party - existing->party();
      if (capacity && extra > 0 && occurrence.seats_taken + extra > *capacity) {
        return R::fail(Failure::Conflict, "guests", "events.error.guests_do_not_fit",
                       std::max<std::int64_t>(0, *capacity - occurrence.seats_taken));
      }
      occurrence.seats_taken += extra;
      rsvp.response = Response::Going;
    } else if (was_waiting) {
      rsvp.response = Response::Waiting;  // keeps its ticket; the promotion below decides
    } else if (!capacity || occurrence.seats_taken + party <= *capacity) {
      rsvp.response = Response::Going;
      rsvp.ticket.reset();
      occurrence.seats_taken += party;
    } else {
      rsvp.response = Response::Waiting;
      rsvp.ticket = ++occurrence.queue_seq;
    }
  } else {
    if (was_going) occurrence.seats_taken -= existing->party();
    rsvp.response = input.response;
    rsvp.ticket.reset();
  }
  rsvp.guests = input.guests;
  rsvp.guest_names = input.guest_names;
  rsvp.note = input.note;
  rsvp.from_series = from_series;
  rsvp.confirmed = true;
  rsvp.updated_at = at;
  if (existing) {
    store::update_rsvp(session, rsvp);
  } else {
    rsvp.created_at = at;
    rsvp.id = store::insert_rsvp(session, rsvp, std::nullopt, std::nullopt);
  }

  RsvpOutcome outcome;
  const OccurrenceView current = with_occurrence(view, occurrence);
  for (Rsvp& promoted : promote_from_waitlist(session, occurrence, current)) {
    if (promoted.id == rsvp.id) {
      rsvp = promoted;
    } else {
      outcome.promoted.push_back(std::move(promoted));
    }
  }
  store::save_counters(session, occurrence);
  if (rsvp.ticket) outcome.place = store::place_in_line(session, occurrence.id, *rsvp.ticket);
  outcome.rsvp = std::move(rsvp);
  outcome.view = with_occurrence(view, occurrence);
  return R::of(std::move(outcome));
}

std::vector<Rsvp> Service::promote_from_waitlist(db::Session& session, Occurrence& occurrence,
                                                 const OccurrenceView& view) {
  std::vector<Rsvp> promoted;
  const std::int64_t at = now();
  if (occurrence.cancelled() || at >= occurrence.starts_at) return promoted;
  const std::optional<std::int64_t> capacity = with_occurrence(view, occurrence).capacity;
  while (true) {
    const std::int64_t free_seats =
        capacity ? *capacity - occurrence.seats_taken : std::numeric_limits<std::int64_t>::max();
    if (free_seats <= 0) break;
    const std::vector<Rsvp> line = store::waiting_line(session, occurrence.id);
    auto first_fitting =
        std::find_if(line.begin(), line.end(), [&](const Rsvp& rsvp) { return rsvp.party() <= free_seats; });
    if (first_fitting == line.end()) break;
    Rsvp rsvp = *first_fitting;
    rsvp.response = Response::Going;
    rsvp.ticket.reset();
    rsvp.updated_at = at;
    store::update_rsvp(session, rsvp);
    occurrence.seats_taken += rsvp.party();
    if (!rsvp.email.empty()) {
      mail::enqueue(session, compose("promoted", rsvp, with_occurrence(view, occurrence),
                                     link("/agenda/" + std::to_string(occurrence.id))));
    }
    promoted.push_back(std::move(rsvp));
  }
  return promoted;
}

Result<SeriesOutcome> Service::respond_to_series(const Actor& actor, std::int64_t event_id,
                                                 const RsvpInput& given) {
  using R = Result<SeriesOutcome>;
  if (!actor.account_id) return R::fail(Failure::Forbidden, "", "events.error.sign_in");
  RsvpInput input = given;
  if (auto error = normalise(input)) return failed<SeriesOutcome>(*error);
  auto event = database_.read([&](db::Session& session) { return store::find_event(session, event_id); });
  if (!event || !viewer_may_see(actor, *event))
    return R::fail(Failure::NotFound, "", "events.error.not_found");
  if (!event->recurring()) return R::fail(Failure::Invalid, "", "events.error.not_a_series");
  if (!actor.administrator &&
      !(access_.is_member && access_.is_member(*actor.account_id, event->network_id))) {
    return R::fail(Failure::Forbidden, "", "events.error.not_member");
  }
  return database_.write([&](db::Session& session) -> R {
    const std::int64_t at = now();
    if (input.response == Response::NotGoing) {
      store::delete_series_rsvp(session, event_id, *actor.account_id);
    } else {
      SeriesRsvp series{
          event_id, *actor.account_id, input.response, input.guests, input.guest_names, input.note, at};
      store::put_series_rsvp(session, series, actor.name, actor.email, actor.language);
    }
    SeriesOutcome outcome;
    for (const Occurrence& listed :
         store::occurrences_of(session, event_id, at, std::numeric_limits<std::int64_t>::max())) {
      auto existing = store::find_member_rsvp(session, listed.id, *actor.account_id);
      if (existing && !existing->from_series) {
        ++outcome.skipped;  // answered one by one: that answer wins
        continue;
      }
      if (!existing && input.response == Response::NotGoing) continue;
      auto occurrence = store::lock_occurrence(session, listed.id);
      auto view = store::find_occurrence_view(session, listed.id);
      if (!occurrence || !view || occurrence->cancelled() ||
          (input.response != Response::NotGoing && at >= view->rsvp_closes_at)) {
        ++outcome.skipped;
        continue;
      }
      Rsvp base;
      base.occurrence_id = listed.id;
      base.account_id = actor.account_id;
      base.name = actor.name;
      base.email = actor.email;
      base.language = actor.language;
      auto applied = apply_answer(session, *occurrence, *view, existing, base, input, true);
      if (!applied.ok()) {
        ++outcome.skipped;
        continue;
      }
      if (applied.value->rsvp.response == Response::Going) ++outcome.going;
      if (applied.value->rsvp.response == Response::Waiting) ++outcome.waiting;
    }
    return R::of(outcome);
  });
}

Result<Done> Service::register_guest(std::int64_t occurrence_id, const GuestRegistration& registration) {
  using R = Result<Done>;
  const std::string name = trim(registration.name);
  if (auto error = check_text(name, "name", kMaxNameLength, true, false)) return failed<Done>(*error);
  const std::string email = auth::normalize_email(registration.email);
  if (!auth::is_valid_email(email)) return R::fail(Failure::Invalid, "email", "events.error.email_invalid");
  RsvpInput input{Response::Going, registration.guests, registration.guest_names, registration.note};
  if (auto error = normalise(input)) return failed<Done>(*error);
  return database_.write([&](db::Session& session) -> R {
    auto view = store::find_occurrence_view(session, occurrence_id);
    if (!view || view->event.visibility != Visibility::Public) {
      return R::fail(Failure::NotFound, "", "events.error.not_found");
    }
    const std::int64_t at = now();
    if (view->occurrence.cancelled())
      return R::fail(Failure::Conflict, "", "events.error.occurrence_cancelled");
    if (at >= view->rsvp_closes_at) return R::fail(Failure::Conflict, "", "events.error.rsvp_closed");
    auto existing = store::find_guest_rsvp(session, occurrence_id, email);
    if (existing && existing->confirmed && existing->response != Response::NotGoing) {
      return R::fail(Failure::Conflict, "email", "events.error.already_registered");
    }
    // Nothing is reserved yet: the row waits, not going and unconfirmed, for the link.
    Rsvp rsvp = existing.value_or(Rsvp{});
    rsvp.occurrence_id = occurrence_id;
    rsvp.name = name;
    rsvp.email = email;
    rsvp.language = registration.language == "en" ? "en" : "nl";
    rsvp.response = Response::NotGoing;
    rsvp.guests = input.guests;
    rsvp.guest_names = input.guest_names;
    rsvp.note = input.note;
    rsvp.confirmed = false;
    rsvp.updated_at = at;
    const std::string token = auth::new_token();
    if (existing) {
      store::update_rsvp(session, rsvp);
      store::set_confirm_token(session, rsvp.id, auth::hash_token(token), at + kConfirmLinkSeconds);
    } else {
      rsvp.created_at = at;
      rsvp.id = store::insert_rsvp(session, rsvp, auth::hash_token(token), at + kConfirmLinkSeconds);
    }
    mail::enqueue(session, compose("confirm", rsvp, *view, link("/agenda/bevestig/" + token)));
    return R::of(Done{});
  });
}

Result<RsvpOutcome> Service::confirm_guest(std::string_view token) {
  using R = Result<RsvpOutcome>;
  if (!auth::is_well_formed_token(token)) return R::fail(Failure::NotFound, "", "events.error.link_invalid");
  const std::string token_hash = auth::hash_token(token);
  return database_.write([&](db::Session& session) -> R {
    const std::int64_t at = now();
    auto rsvp = store::find_rsvp_by_confirm_token(session, token_hash, at);
    if (!rsvp) return R::fail(Failure::NotFound, "", "events.error.link_invalid");
    auto occurrence = store::lock_occurrence(session, rsvp->occurrence_id);
    auto view = store::find_occurrence_view(session, rsvp->occurrence_id);
    if (!occurrence || !view) return R::fail(Failure::NotFound, "", "events.error.link_invalid");
    if (occurrence->cancelled()) return R::fail(Failure::Conflict, "", "events.error.occurrence_cancelled");
    if (at >= view->rsvp_closes_at) return R::fail(Failure::Conflict, "", "events.error.rsvp_closed");
    RsvpInput input{Response::Going, rsvp->guests, rsvp->guest_names, rsvp->note};
    // update_rsvp clears the token: the link works once.
    return apply_answer(session, *occurrence, *view, rsvp, *rsvp, input, false);
  });
}

// --- hosts

Result<std::vector<Rsvp>> Service::attendees(const Actor& actor, std::int64_t occurrence_id) {
  using R = Result<std::vector<Rsvp>>;
  auto view = database_.read(
      [&](db::Session& session) { return store::find_occurrence_view(session, occurrence_id); });
  if (!view || !viewer_may_see(actor, view->event))
    return R::fail(Failure::NotFound, "", "events.error.not_found");
  if (!manages(actor, view->event)) return R::fail(Failure::Forbidden, "", "events.error.not_host");
  auto rows = database_.read([&](db::Session& session) { return store::rsvps_of(session, occurrence_id); });
  std::erase_if(rows, [](const Rsvp& rsvp) { return !rsvp.confirmed; });
  return R::of(std::move(rows));
}

Result<Done> Service::move(const Actor& actor, std::int64_t occurrence_id, std::int64_t rsvp_id, Move how) {
  using R = Result<Done>;
  auto view = database_.read(
      [&](db::Session& session) { return store::find_occurrence_view(session, occurrence_id); });
  if (!view || !viewer_may_see(actor, view->event))
    return R::fail(Failure::NotFound, "", "events.error.not_found");
  if (!manages(actor, view->event)) return R::fail(Failure::Forbidden, "", "events.error.not_host");
  return database_.write([&](db::Session& session) -> R {
    auto occurrence = store::lock_occurrence(session, occurrence_id);
    auto current = store::find_occurrence_view(session, occurrence_id);
    auto rsvp = store::find_rsvp(session, rsvp_id);
    if (!occurrence || !current || !rsvp || rsvp->occurrence_id != occurrence_id) {
      return R::fail(Failure::NotFound, "", "events.error.not_found");
    }
    switch (how) {
      case Move::Promote: {
        if (rsvp->response != Response::Waiting)
          return R::fail(Failure::Conflict, "", "events.error.not_waiting");
        if (current->capacity && occurrence->seats_taken + rsvp->party() > *current->capacity) {
          return R::fail(Failure::Conflict, "", "events.error.does_not_fit",
                         std::max<std::int64_t>(0, *current->capacity - occurrence->seats_taken));
        }
        rsvp->response = Response::Going;
        rsvp->ticket.reset();
        rsvp->updated_at = now();
        store::update_rsvp(session, *rsvp);
        occurrence->seats_taken += rsvp->party();
        if (!rsvp->email.empty()) {
          mail::enqueue(session, compose("promoted", *rsvp, *current,
                                         link("/agenda/" + std::to_string(occurrence_id))));
        }
        break;
      }
      case Move::ToFront: {
        if (rsvp->response != Response::Waiting)
          return R::fail(Failure::Conflict, "", "events.error.not_waiting");
        rsvp->ticket = store::first_ticket(session, occurrence_id).value_or(1) - 1;
        store::update_rsvp(session, *rsvp);
        break;
      }
      case Move::Remove: {
        if (rsvp->confirmed && rsvp->response == Response::Going) occurrence->seats_taken -= rsvp->party();
        store::delete_rsvp(session, rsvp->id);
        promote_from_waitlist(session, *occurrence, *current);
        break;
      }
    }
    store::save_counters(session, *occurrence);
    return R::of(Done{});
  });
}

// --- attendance

Result<Rsvp> Service::check_in(const Actor& actor, std::int64_t occurrence_id, std::int64_t rsvp_id,
                               bool present) {
  using R = Result<Rsvp>;
  auto view = database_.read(
      [&](db::Session& session) { return store::find_occurrence_view(session, occurrence_id); });
  if (!view || !viewer_may_see(actor, view->event))
    return R::fail(Failure::NotFound, "", "events.error.not_found");
  if (!manages(actor, view->event)) return R::fail(Failure::Forbidden, "", "events.error.not_host");
  return database_.write([&](db::Session& session) -> R {
    auto rsvp = store::find_rsvp(session, rsvp_id);
    if (!rsvp || rsvp->occurrence_id != occurrence_id || !rsvp->confirmed) {
      return R::fail(Failure::NotFound, "", "events.error.not_found");
    }
    rsvp->attended = present;
    rsvp->checked_in_at = present ? std::optional<std::int64_t>(now()) : std::nullopt;
    rsvp->updated_at = now();
    store::update_rsvp(session, *rsvp);
    return R::of(std::move(*rsvp));
  });
}

Result<Rsvp> Service::add_walk_in(const Actor& actor, std::int64_t occurrence_id, std::string_view given_name,
                                  std::optional<std::int64_t> account_id) {
  using R = Result<Rsvp>;
  std::string name = trim(given_name);
  // A picked member is named as their account is, whatever the form said.
  if (account_id) {
    auto account_name = database_.read([&](db::Session& session) { return store::account_name(session, *account_id); });
    if (!account_name) return R::fail(Failure::Invalid, "account_id", "events.error.not_member");
    name = std::move(*account_name);
  }
  if (auto error = check_text(name, "name", kMaxNameLength, true, false)) return failed<Rsvp>(*error);
  auto view = database_.read(
      [&](db::Session& session) { return store::find_occurrence_view(session, occurrence_id); });
  if (!view || !viewer_may_see(actor, view->event))
    return R::fail(Failure::NotFound, "", "events.error.not_found");
  if (!manages(actor, view->event)) return R::fail(Failure::Forbidden, "", "events.error.not_host");
  if (account_id && access_.is_member && !access_.is_member(*account_id, view->event.network_id)) {
    return R::fail(Failure::Invalid, "account_id", "events.error.not_member");
  }
  return database_.write([&](db::Session& session) -> R {
    auto occurrence = store::lock_occurrence(session, occurrence_id);
    if (!occurrence) return R::fail(Failure::NotFound, "", "events.error.not_found");
    const std::int64_t at = now();
    if (account_id) {
      if (auto existing = store::find_member_rsvp(session, occurrence_id, *account_id)) {
        // Answered after all: only the check-in changes (they came, seats no longer matter).
        existing->attended = true;
        existing->checked_in_at = at;
        existing->updated_at = at;
        store::update_rsvp(session, *existing);
        return R::of(std::move(*existing));
      }
    }
    Rsvp rsvp;
    rsvp.occurrence_id = occurrence_id;
    rsvp.account_id = account_id;
    rsvp.name = name;
    rsvp.response = Response::Going;
    rsvp.attended = true;
    rsvp.checked_in_at = at;
    rsvp.walk_in = true;
    rsvp.created_at = at;
    rsvp.updated_at = at;
    rsvp.id = store::insert_rsvp(session, rsvp, std::nullopt, std::nullopt);
    occurrence->seats_taken += 1;  // on the day capacity no longer turns anyone away
    store::save_counters(session, *occurrence);
    return R::of(std::move(rsvp));
  });
}

Result<std::vector<Rsvp>> Service::check_in_list(const Actor& actor, std::int64_t occurrence_id,
                                                 std::string_view search) {
  auto all = attendees(actor, occurrence_id);
  if (!all.ok()) return all;
  // Folded like search (case and accents ignored): "coordinator" finds "Coördinator".
  const std::string needle = db::fold_text(trim(search));
  auto matches = [&](const std::string& name) { return db::fold_text(name).find(needle) != std::string::npos; };
  std::erase_if(*all.value, [&](const Rsvp& rsvp) {
    if (rsvp.response == Response::NotGoing) return true;
    if (needle.empty()) return false;
    return !matches(rsvp.name) && std::none_of(rsvp.guest_names.begin(), rsvp.guest_names.end(), matches);
  });
  std::stable_sort(all.value->begin(), all.value->end(),
                   [](const Rsvp& a, const Rsvp& b) { return a.name < b.name; });
  return all;
}

Result<std::vector<WalkInCandidate>> Service::walk_in_candidates(const Actor& actor, std::int64_t occurrence_id,
                                                                std::string_view search, std::size_t limit) {
  using R = Result<std::vector<WalkInCandidate>>;
  auto view = database_.read(
      [&](db::Session& session) { return store::find_occurrence_view(session, occurrence_id); });
  if (!view || !viewer_may_see(actor, view->event)) return R::fail(Failure::NotFound, "", "events.error.not_found");
  if (!manages(actor, view->event)) return R::fail(Failure::Forbidden, "", "events.error.not_host");
  const std::string needle = db::fold_text(trim(search));
  std::vector<WalkInCandidate> found;
  // Two letters at least: a phone screen should not fill with the whole network.
  if (db::search_words(needle).empty() || needle.size() < 2) return R::of(std::move(found));
  auto everyone = database_.read([&](db::Session& session) {
    return store::members_without_answer(session, view->event.network_id, occurrence_id);
  });
  for (WalkInCandidate& candidate : everyone) {
    if (found.size() >= limit) break;
    if (db::fold_text(candidate.name).find(needle) != std::string::npos) found.push_back(std::move(candidate));
  }
  return R::of(std::move(found));
}

Result<std::vector<AttendanceRecord>> Service::attendance_history(const Actor& actor,
                                                                  std::int64_t account_id) {
  using R = Result<std::vector<AttendanceRecord>>;
  if (!actor.account_id) return R::fail(Failure::Forbidden, "", "events.error.sign_in");
  std::vector<std::int64_t> networks =
      access_.member_networks ? access_.member_networks(account_id) : std::vector<std::int64_t>{};
  if (*actor.account_id != account_id && !actor.administrator) {
    // A coordinator sees a member's history in the networks they coordinate.
    std::erase_if(networks, [&](std::int64_t network) {
      return !(access_.is_coordinator && access_.is_coordinator(*actor.account_id, network));
    });
    if (networks.empty()) return R::fail(Failure::Forbidden, "", "events.error.not_coordinator");
  }
  return R::of(database_.read(
      [&](db::Session& session) { return store::attendance_history(session, account_id, networks); }));
}

Result<std::vector<NoShowLine>> Service::no_show_report(const Actor& actor, std::int64_t network_id) {
  using R = Result<std::vector<NoShowLine>>;
  if (!actor.account_id) return R::fail(Failure::Forbidden, "", "events.error.sign_in");
  if (!actor.administrator &&
      !(access_.is_coordinator && access_.is_coordinator(*actor.account_id, network_id))) {
    return R::fail(Failure::Forbidden, "", "events.error.not_coordinator");
  }
  return R::of(database_.read(
      [&](db::Session& session) { return store::no_show_report(session, network_id, now()); }));
}

std::vector<AttendancePair> Service::attendance_pairs(std::int64_t network_id, std::int64_t since) {
  return database_.read(
      [&](db::Session& session) { return store::attendance_pairs(session, network_id, since); });
}

// --- congress programme

std::optional<Error> Service::normalise_session(db::Session& session, const Event& event,
                                                ProgrammeSession& programme_session) {
  programme_session.title = trim(programme_session.title);
  programme_session.track = trim(programme_session.track);
  programme_session.room = trim(programme_session.room);
  if (auto error = check_text(programme_session.title, "title", kMaxTitleLength, true, false)) return error;
  if (auto error = check_text(programme_session.description, "description", kMaxDescriptionLength, false, true)) {
    return error;
  }
  if (auto error = check_text(programme_session.track, "track", kMaxNameLength, false, false)) return error;
  if (auto error = check_text(programme_session.room, "room", kMaxNameLength, false, false)) return error;
  if (programme_session.ends_at <= programme_session.starts_at) {
    return Error{Failure::Invalid, "ends_local", "events.error.end_before_start", {}};
  }
  if (programme_session.capacity &&
      (*programme_session.capacity < 1 || *programme_session.capacity > kMaxCapacity)) {
    return Error{Failure::Invalid, "capacity", "events.error.capacity_range", kMaxCapacity};
  }
  if (programme_session.speakers.size() > kMaxSpeakers) {
    return Error{Failure::Invalid, "speakers", "events.error.too_many_speakers", static_cast<std::int64_t>(kMaxSpeakers)};
  }
  for (Speaker& speaker : programme_session.speakers) {
    speaker.name = trim(speaker.name);
    speaker.affiliation = trim(speaker.affiliation);
    if (auto error = check_text(speaker.name, "speakers", kMaxNameLength, true, false)) return error;
    if (auto error = check_text(speaker.affiliation, "speakers", kMaxNameLength, false, false)) return error;
    // A speaker typed by name is linked to the one member of the network with exactly that name.
    if (!speaker.account_id) speaker.account_id = store::member_named(session, event.network_id, speaker.name);
  }
  const auto occurrences = store::occurrences_of(session, event.id, std::numeric_limits<std::int64_t>::min(),
                                                 std::numeric_limits<std::int64_t>::max());
  const bool inside = std::any_of(occurrences.begin(), occurrences.end(), [&](const Occurrence& occurrence) {
    return programme_session.starts_at >= occurrence.starts_at && programme_session.ends_at <= occurrence.ends_at;
  });
  if (!inside) return Error{Failure::Invalid, "starts_local", "events.error.session_outside_event", {}};
  return std::nullopt;
}

Result<ProgrammeSession> Service::add_session(const Actor& actor, std::int64_t event_id,
                                              const ProgrammeSession& given) {
  using R = Result<ProgrammeSession>;
  auto event = database_.read([&](db::Session& session) { return store::find_event(session, event_id); });
  if (!event || !viewer_may_see(actor, *event))
    return R::fail(Failure::NotFound, "", "events.error.not_found");
  if (!manages(actor, *event)) return R::fail(Failure::Forbidden, "", "events.error.not_host");
  return database_.write([&](db::Session& session) -> R {
    ProgrammeSession programme_session = given;
    programme_session.id = 0;
    programme_session.event_id = event_id;
    programme_session.registered = 0;
    if (auto error = normalise_session(session, *event, programme_session)) return R::fail(*error);
    programme_session.id = store::insert_session(session, programme_session);
    return R::of(programme_session);
  });
}

Result<ProgrammeSession> Service::change_session(const Actor& actor, std::int64_t session_id,
                                                 const ProgrammeSession& given) {
  using R = Result<ProgrammeSession>;
  auto found = database_.read([&](db::Session& session) -> std::optional<std::pair<ProgrammeSession, Event>> {
    auto programme_session = store::find_session(session, session_id);
    if (!programme_session) return std::nullopt;
    auto event = store::find_event(session, programme_session->event_id);
    if (!event) return std::nullopt;
    return std::make_pair(std::move(*programme_session), std::move(*event));
  });
  if (!found || !viewer_may_see(actor, found->second)) return R::fail(Failure::NotFound, "", "events.error.not_found");
  const Event& event = found->second;
  if (!manages(actor, event)) return R::fail(Failure::Forbidden, "", "events.error.not_host");
  return database_.write([&](db::Session& session) -> R {
    auto before = store::find_session(session, session_id);
    if (!before) return R::fail(Failure::NotFound, "", "events.error.not_found");
    ProgrammeSession changed = given;
    changed.id = session_id;
    changed.event_id = before->event_id;
    changed.registered = before->registered;
    if (auto error = normalise_session(session, event, changed)) return R::fail(*error);
    if (changed.capacity && *changed.capacity < before->registered) {
      return R::fail(Failure::Invalid, "capacity", "events.error.session_capacity_below_registered", before->registered);
    }
    store::update_session(session, changed);
    // Those registered are told when what they planned around moved: the time or the room.
    if (changed.starts_at != before->starts_at || changed.ends_at != before->ends_at || changed.room != before->room) {
      tell_session_registrants(session, event, changed, "events.session_mail.moved");
    }
    return R::of(std::move(changed));
  });
}

Result<Done> Service::remove_session(const Actor& actor, std::int64_t session_id) {
  using R = Result<Done>;
  auto found = database_.read([&](db::Session& session) -> std::optional<std::pair<ProgrammeSession, Event>> {
    auto programme_session = store::find_session(session, session_id);
    if (!programme_session) return std::nullopt;
    auto event = store::find_event(session, programme_session->event_id);
    if (!event) return std::nullopt;
    return std::make_pair(std::move(*programme_session), std::move(*event));
  });
  if (!found || !viewer_may_see(actor, found->second)) return R::fail(Failure::NotFound, "", "events.error.not_found");
  if (!manages(actor, found->second)) return R::fail(Failure::Forbidden, "", "events.error.not_host");
  return database_.write([&](db::Session& session) -> R {
    auto current = store::find_session(session, session_id);
    if (!current) return R::fail(Failure::NotFound, "", "events.error.not_found");
    tell_session_registrants(session, found->second, *current, "events.session_mail.removed");
    store::delete_session(session, session_id);
    return R::of(Done{});
  });
}

std::optional<std::pair<Event, ProgrammeSession>> Service::session_for_editing(const Actor& actor,
                                                                              std::int64_t session_id) {
  auto found = database_.read([&](db::Session& session) -> std::optional<std::pair<Event, ProgrammeSession>> {
    auto programme_session = store::find_session(session, session_id);
    if (!programme_session) return std::nullopt;
    auto event = store::find_event(session, programme_session->event_id);
    if (!event) return std::nullopt;
    programme_session->speakers = store::session_speakers(session, session_id);
    return std::make_pair(std::move(*event), std::move(*programme_session));
  });
  if (!found || !viewer_may_see(actor, found->first) || !manages(actor, found->first)) return std::nullopt;
  return found;
}

void Service::tell_session_registrants(db::Session& session, const Event& event, const ProgrammeSession& changed,
                                       std::string_view note_key) {
  const auto occurrences = store::occurrences_of(session, event.id, std::numeric_limits<std::int64_t>::min(),
                                                 std::numeric_limits<std::int64_t>::max());
  const auto congress = std::find_if(occurrences.begin(), occurrences.end(), [&](const Occurrence& occurrence) {
    return changed.starts_at >= occurrence.starts_at && changed.starts_at < occurrence.ends_at;
  });
  if (congress == occurrences.end()) return;
  const auto view = store::find_occurrence_view(session, congress->id);
  if (!view) return;
  for (const std::int64_t account_id : store::session_registrants(session, changed.id)) {
    const auto rsvp = store::find_member_rsvp(session, congress->id, account_id);
    if (!rsvp || rsvp->email.empty()) continue;
    const std::string language = rsvp->language == "en" ? "en" : "nl";
    // "Sessie {title}: {time}, {room}" in the member's language.
    std::string note(site_.text(language, note_key));
    note += " " + changed.title + " (" + format_span(changed.starts_at, changed.ends_at, event.timezone, language);
    if (!changed.room.empty()) note += ", " + changed.room;
    note += ")";
    mail::enqueue(session, compose("changed", *rsvp, *view,
                                   link("/agenda/" + std::to_string(congress->id) + "/programma"), note));
  }
}

std::optional<std::pair<OccurrenceView, std::vector<ProgrammeSession>>> Service::programme(
    const Actor& actor, std::int64_t occurrence_id) {
  auto view = database_.read(
      [&](db::Session& session) { return store::find_occurrence_view(session, occurrence_id); });
  if (!view || !viewer_may_see(actor, view->event)) return std::nullopt;
  auto sessions =
      database_.read([&](db::Session& session) { return store::sessions_of(session, view->event.id); });
  return std::make_pair(std::move(*view), std::move(sessions));
}

Result<Done> Service::register_for_session(const Actor& actor, std::int64_t session_id) {
  using R = Result<Done>;
  if (!actor.account_id) return R::fail(Failure::Forbidden, "", "events.error.sign_in");
  auto found = database_.read([&](db::Session& session) { return store::find_session(session, session_id); });
  if (!found) return R::fail(Failure::NotFound, "", "events.error.not_found");
  auto event =
      database_.read([&](db::Session& session) { return store::find_event(session, found->event_id); });
  if (!event || !viewer_may_see(actor, *event))
    return R::fail(Failure::NotFound, "", "events.error.not_found");
  if (!actor.administrator &&
      !(access_.is_member && access_.is_member(*actor.account_id, event->network_id))) {
    return R::fail(Failure::Forbidden, "", "events.error.not_member");
  }
  return database_.write([&](db::Session& session) -> R {
    auto current = store::find_session(session, session_id);
    if (!current) return R::fail(Failure::NotFound, "", "events.error.not_found");
    if (store::is_registered(session, session_id, *actor.account_id)) return R::of(Done{});
    if (now() >= current->starts_at) return R::fail(Failure::Conflict, "", "events.error.occurrence_past");
    // A seat at the congress itself comes first.
    bool going = false;
    for (const Occurrence& occurrence :
         store::occurrences_of(session, current->event_id, std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max())) {
      if (current->starts_at >= occurrence.starts_at && current->starts_at < occurrence.ends_at) {
        auto rsvp = store::find_member_rsvp(session, occurrence.id, *actor.account_id);
        going = rsvp && rsvp->response == Response::Going;
      }
    }
    if (!going) return R::fail(Failure::Conflict, "", "events.error.session_needs_rsvp");
    for (std::int64_t other_id : store::registered_sessions(session, current->event_id, *actor.account_id)) {
      auto other = store::find_session(session, other_id);
      if (other && other->starts_at < current->ends_at && current->starts_at < other->ends_at) {
        return R::fail(Failure::Conflict, "", "events.error.session_overlap");
      }
    }
    if (!store::register_for_session(session, session_id, *actor.account_id, now())) {
      return R::fail(Failure::Conflict, "", "events.error.session_full");
    }
    return R::of(Done{});
  });
}

Result<Done> Service::unregister_from_session(const Actor& actor, std::int64_t session_id) {
  using R = Result<Done>;
  if (!actor.account_id) return R::fail(Failure::Forbidden, "", "events.error.sign_in");
  database_.write(
      [&](db::Session& session) { store::unregister_from_session(session, session_id, *actor.account_id); });
  return R::of(Done{});
}

// --- calendars

FeedToken Service::renew_feed_token(std::int64_t account_id) {
  FeedToken token{auth::new_token(), now()};
  database_.write([&](db::Session& session) {
    store::put_feed_token(session, account_id, auth::hash_token(token.token), token.created_at);
  });
  return token;
}

bool Service::revoke_feed_token(std::int64_t account_id) {
  return database_.write([&](db::Session& session) { return store::delete_feed_token(session, account_id); });
}

std::optional<std::int64_t> Service::feed_token_created_at(std::int64_t account_id) {
  return database_.read([&](db::Session& session) { return store::feed_created_at(session, account_id); });
}

std::optional<std::string> Service::member_feed(std::string_view token) {
  if (!auth::is_well_formed_token(token)) return std::nullopt;
  const std::string token_hash = auth::hash_token(token);
  const std::int64_t at = now();
  auto rows = database_.read([&](db::Session& session) {
    std::vector<std::pair<OccurrenceView, std::optional<Response>>> result;
    if (auto account = store::feed_account(session, token_hash)) {
      result = store::member_feed(session, *account, at - kFeedHistorySeconds);
      result.emplace_back();  // marks "the token was valid" even when the feed is empty
    }
    return result;
  });
  if (rows.empty()) return std::nullopt;
  rows.pop_back();
  std::vector<CalendarEntry> entries;
  entries.reserve(rows.size());
  for (auto& [view, response] : rows) {
    const std::string url = link("/agenda/" + std::to_string(view.occurrence.id));
    entries.push_back(CalendarEntry{std::move(view), response, url});
  }
  return build_calendar("Knooppunt", entries, at);
}

std::string Service::public_feed(std::int64_t network_id, std::string_view calendar_name,
                                 std::optional<std::int64_t> group_id) {
  store::OccurrenceFilter filter;
  const std::int64_t at = now();
  filter.from = at - 366LL * 24 * 3600;
  filter.until = at + kHorizonSeconds;
  filter.network_id = network_id;
  filter.group_id = group_id;
  filter.include_public = true;
  filter.limit = 2000;
  auto views = database_.read([&](db::Session& session) { return store::find_occurrences(session, filter); });
  std::vector<CalendarEntry> entries;
  for (OccurrenceView& view : views) {
    const std::string url = link("/agenda/" + std::to_string(view.occurrence.id));
    entries.push_back(CalendarEntry{std::move(view), std::nullopt, url});
  }
  return build_calendar(calendar_name, entries, at);
}

std::optional<std::string> Service::occurrence_ics(const Actor& actor, std::int64_t occurrence_id) {
  auto view = database_.read(
      [&](db::Session& session) { return store::find_occurrence_view(session, occurrence_id); });
  if (!view || !viewer_may_see(actor, view->event)) return std::nullopt;
  const std::string name = view->title;
  const std::string url = link("/agenda/" + std::to_string(occurrence_id));
  return build_calendar(name, {CalendarEntry{std::move(*view), std::nullopt, url}}, now());
}

// --- export

Result<std::string> Service::attendee_csv(const Actor& actor, std::int64_t occurrence_id,
                                          const std::vector<CsvColumn>& columns) {
  using R = Result<std::string>;
  if (columns.empty()) return R::fail(Failure::Invalid, "columns", "events.error.columns_required");
  auto rows = attendees(actor, occurrence_id);
  if (!rows.ok()) return R::fail(*rows.error);
  auto view = database_.read(
      [&](db::Session& session) { return store::find_occurrence_view(session, occurrence_id); });
  const std::string language = actor.language == "en" ? "en" : "nl";
  std::string out;
  std::vector<std::string> header;
  for (CsvColumn column : columns)
    header.emplace_back(site_.text(language, "events.csv." + std::string(to_string(column))));
  append_csv_row(out, header);
  std::int64_t place = 0;
  for (const Rsvp& rsvp : *rows.value) {
    if (rsvp.response == Response::NotGoing) continue;
    if (rsvp.response == Response::Waiting) ++place;
    std::vector<std::string> fields;
    for (CsvColumn column : columns) {
      switch (column) {
        case CsvColumn::Name:
          fields.push_back(rsvp.name);
          break;
        case CsvColumn::Email:
          fields.push_back(rsvp.email);
          break;
        case CsvColumn::Response:
          fields.emplace_back(
              site_.text(language, "events.response." + std::string(to_string(rsvp.response))));
          break;
        case CsvColumn::Guests:
          fields.push_back(std::to_string(rsvp.guests));
          break;
        case CsvColumn::GuestNames: {
          std::string names;
          for (const std::string& guest : rsvp.guest_names) names += (names.empty() ? "" : "; ") + guest;
          fields.push_back(names);
          break;
        }
        case CsvColumn::Note:
          fields.push_back(rsvp.note);
          break;
        case CsvColumn::Place:
          fields.push_back(rsvp.response == Response::Waiting ? std::to_string(place) : "");
          break;
        case CsvColumn::Attended:
          fields.push_back(!rsvp.attended ? "" : (*rsvp.attended ? "1" : "0"));
          break;
        case CsvColumn::RespondedAt:
          fields.push_back(view ? format_input(rsvp.updated_at, view->event.timezone) : "");
          break;
      }
    }
    append_csv_row(out, fields);
  }
  return R::of(std::move(out));
}

// --- background work

std::size_t Service::send_due_reminders() {
  return database_.write([&](db::Session& session) {
    std::size_t queued = 0;
    const std::int64_t at = now();
    for (const OccurrenceView& view : store::due_reminders(session, at, 50)) {
      // The claim and the mails commit together: a crash sends none, a second run none again.
      if (!store::claim_reminder(session, view.occurrence.id, at)) continue;
      for (const Rsvp& rsvp : store::rsvps_of(session, view.occurrence.id)) {
        if (!rsvp.confirmed || rsvp.response != Response::Going || rsvp.email.empty()) continue;
        mail::enqueue(session,
                      compose("reminder", rsvp, view, link("/agenda/" + std::to_string(view.occurrence.id)),
                              view.occurrence.change_note));
        ++queued;
      }
    }
    return queued;
  });
}

std::size_t Service::extend_horizons() {
  return database_.write([&](db::Session& session) {
    std::size_t created = 0;
    const std::int64_t until = now() + kHorizonSeconds;
    for (Event& event : store::events_needing_horizon(session, until))
      created += materialise(session, event, until);
    return created;
  });
}

void Service::erase_member_in(db::Session& session, std::int64_t account_id) {
  const std::vector<std::int64_t> freed = store::coming_occurrences_with_seat(session, account_id, now());
  store::erase_member(session, account_id);
  for (const std::int64_t occurrence_id : freed) {
    auto occurrence = store::lock_occurrence(session, occurrence_id);
    auto view = store::find_occurrence_view(session, occurrence_id);
    if (!occurrence || !view) continue;
    promote_from_waitlist(session, *occurrence, *view);
    store::save_counters(session, *occurrence);
  }
}

}  // namespace events
