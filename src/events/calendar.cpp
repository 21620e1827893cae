#include "events/calendar.h"

#include <libical/ical.h>

#include <memory>

namespace events {

namespace {

struct ComponentDeleter {
  void operator()(icalcomponent* component) const { icalcomponent_free(component); }
};

icaltimetype utc_time(std::int64_t seconds) {
  return icaltime_from_timet_with_zone(static_cast<time_t>(seconds), 0, icaltimezone_get_utc_timezone());
}

std::string location_of(const OccurrenceView& view) {
  std::string location = view.location_name;
  if (!view.event.location_address.empty() && view.location_name == view.event.location_name) {
    if (!location.empty()) location += ", ";
    location += view.event.location_address;
  }
  return location;
}

icalproperty_status status_of(const CalendarEntry& entry) {
  if (entry.view.occurrence.cancelled()) return ICAL_STATUS_CANCELLED;
  if (entry.response == Response::Maybe || entry.response == Response::Waiting) return ICAL_STATUS_TENTATIVE;
  return ICAL_STATUS_CONFIRMED;
}

}  // namespace

std::string occurrence_uid(std::int64_t occurrence_id) {
  return "occurrence-" + std::to_string(occurrence_id) + "@knooppunt";
}

std::string build_calendar(std::string_view name, const std::vector<CalendarEntry>& entries,
                           std::int64_t now) {
  std::unique_ptr<icalcomponent, ComponentDeleter> calendar(icalcomponent_new(ICAL_VCALENDAR_COMPONENT));
  icalcomponent_add_property(calendar.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_prodid("-//Knooppunt//Agenda//NL"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_calscale("GREGORIAN"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_method(ICAL_METHOD_PUBLISH));
  const std::string calendar_name(name);
  icalproperty* x_name = icalproperty_new_x(calendar_name.c_str());
  icalproperty_set_x_name(x_name, "X-WR-CALNAME");
  icalcomponent_add_property(calendar.get(), x_name);

  const icaltimetype stamp = utc_time(now);
  for (const CalendarEntry& entry : entries) {
    const OccurrenceView& view = entry.view;
    icalcomponent* event = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    icalcomponent_add_property(event, icalproperty_new_uid(occurrence_uid(view.occurrence.id).c_str()));
    icalcomponent_add_property(event, icalproperty_new_dtstamp(stamp));
    icalcomponent_add_property(event, icalproperty_new_dtstart(utc_time(view.occurrence.starts_at)));
    icalcomponent_add_property(event, icalproperty_new_dtend(utc_time(view.occurrence.ends_at)));
    icalcomponent_add_property(event, icalproperty_new_summary(view.title.c_str()));
    const std::string location = location_of(view);
    if (!location.empty()) icalcomponent_add_property(event, icalproperty_new_location(location.c_str()));
    std::string description = view.event.description;
    if (!view.occurrence.change_note.empty()) {
      if (!description.empty()) description += "\n\n";
      description += view.occurrence.change_note;
    }
    if (!description.empty())
      icalcomponent_add_property(event, icalproperty_new_description(description.c_str()));
    if (!entry.url.empty()) icalcomponent_add_property(event, icalproperty_new_url(entry.url.c_str()));
    icalcomponent_add_property(event, icalproperty_new_status(status_of(entry)));
    // A moved or changed occurrence is a newer version of the same event for the client.
    icalcomponent_add_property(event, icalproperty_new_sequence(view.occurrence.overridden ? 1 : 0));
    icalcomponent_add_component(calendar.get(), event);
  }
  char* text = icalcomponent_as_ical_string_r(calendar.get());
  std::string result(text == nullptr ? "" : text);
  icalmemory_free_buffer(text);
  return result;
}

}  // namespace events
