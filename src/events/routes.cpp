#include "events/routes.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <variant>

#include "events/format.h"
#include "http/parsers.h"

namespace events {

namespace {

using kainjow::mustache::data;

constexpr std::int64_t kListAheadSeconds = 183LL * 24 * 3600;

// A form's number field: empty is nothing; anything else that is not a whole number in range reads
// as -1, which every check refuses (so "abc" and "99999999999999999999" get a message, not a 500).
std::optional<std::int64_t> parse_number(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return -1;
  return value;
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines, std::string_view separator) {
  std::string text;
  for (const std::string& line : lines) {
    if (!text.empty()) text += separator;
    text += line;
  }
  return text;
}

std::string fill(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out(text);
  for (const auto& [name, value] : values) {
    const std::string marker = "{" + name + "}";
    for (std::size_t at = out.find(marker); at != std::string::npos;
         at = out.find(marker, at + value.size())) {
      out.replace(at, marker.size(), value);
    }
  }
  return out;
}

std::string message_of(const web::Site& site, std::string_view language, const Error& error) {
  const std::string text(site.text(language, error.message_key));
  return error.count ? fill(text, {{"n", std::to_string(*error.count)}}) : text;
}

// The same shape as web::FormErrors::add_to ("errors.<field>" and "form_errors.list"), with counts
// filled into the messages. Errors without a field point at the page's main content.
void add_errors(data& page, const web::Site& site, std::string_view language,
                const std::vector<Error>& errors, const std::map<std::string, std::string>& rename = {}) {
  if (errors.empty()) return;
  data by_field;
  data list(data::type::list);
  for (const Error& error : errors) {
    std::string field = error.field.empty() ? "inhoud" : error.field;
    if (auto renamed = rename.find(field); renamed != rename.end()) field = renamed->second;
    const std::string message = message_of(site, language, error);
    data entry;
    entry.set("id", field + "-error");
    entry.set("field", field);
    entry.set("message", message);
    by_field.set(field, entry);
    list.push_back(entry);
  }
  page.set("errors", by_field);
  data summary;
  summary.set("list", list);
  page.set("form_errors", summary);
}

http::Response redirect_with_flash(const web::Site& site, std::string location, std::string_view flash_key) {
  http::Response response = http::Response::redirect(location);
  site.set_flash(response, flash_key);
  return response;
}

http::Response sign_in_redirect(const http::Request& request) {
  return http::Response::redirect("/inloggen?next=" +
                                  http::percent_encode(web::local_path_or_root(request.target)));
}

std::string places_text(const web::Site& site, std::string_view language, const OccurrenceView& view,
                        std::int64_t waiting) {
  const std::string taken = std::to_string(view.occurrence.seats_taken);
  if (!view.capacity) return fill(site.text(language, "events.places.unlimited"), {{"n", taken}});
  const std::string capacity = std::to_string(*view.capacity);
  if (view.occurrence.seats_taken >= *view.capacity) {
    return fill(site.text(language, "events.places.full"),
                {{"n", taken}, {"m", capacity}, {"w", std::to_string(waiting)}});
  }
  return fill(site.text(language, "events.places.count"), {{"n", taken}, {"m", capacity}});
}

std::string response_label(const web::Site& site, std::string_view language, Response response) {
  return std::string(site.text(language, "events.response." + std::string(to_string(response))));
}

std::string state_text(const web::Site& site, std::string_view language, const Rsvp& rsvp) {
  if (rsvp.response == Response::Going && rsvp.guests > 0) {
    return fill(site.text(language, "events.state.going_guests"), {{"n", std::to_string(rsvp.guests)}});
  }
  return std::string(site.text(language, "events.state." + std::string(to_string(rsvp.response))));
}

std::string flash_for(const Rsvp& rsvp) { return "flash.events." + std::string(to_string(rsvp.response)); }

// "events.error.session_full" -> "session_full"
std::string api_reason(std::string_view message_key) {
  return std::string(message_key.substr(message_key.rfind('.') + 1));
}

// Mustache treats every string as true in a section ({{#location}}...{{/location}}), even "":
// optional text is therefore only set when there is some.
void set_if(data& target, const std::string& key, const std::string& value) {
  if (!value.empty()) target.set(key, value);
}

data base_data(const RouteOptions& options, std::string title) {
  data page;
  page.set("title", std::move(title));
  page.set("events_css", options.stylesheet_url);
  return page;
}

http::Response error_for(const web::Site& site, const http::Request& request, const Error& error) {
  return site.error_page(&request, http_status(error.failure));
}

struct RsvpForm {
  RsvpInput input;
  std::string guests_text;
  std::string guest_names_text;
};

RsvpForm read_rsvp_form(const http::FormData& form) {
  RsvpForm result;
  const std::string_view answer = form.value_or("antwoord", "going");
  // Anything but the three answers reads as Waiting, which normalise() refuses with a message.
  result.input.response = response_from(answer).value_or(Response::Waiting);
  result.guests_text = std::string(form.value_or("gasten", ""));
  result.input.guests = parse_number(result.guests_text).value_or(0);
  result.guest_names_text = std::string(form.value_or("gastnamen", ""));
  result.input.guest_names = lines_of(result.guest_names_text);
  result.input.note = std::string(form.value_or("notitie", ""));
  return result;
}

class Pages {
 public:
  Pages(const web::Site& site, Service& events, regions::Service& regions, RouteOptions options)
      : site_(site), events_(events), regions_(regions), options_(std::move(options)) {}

  http::Response agenda(http::Request& request) {
    const Actor actor = actor_of(request);
    const std::string_view language = site_.language_of(request);
    const http::FormData query = http::FormData::parse(request.query);
    std::optional<regions::NetworkOverview> overview;
    if (auto slug = query.get("netwerk"); slug && !slug->empty()) {
      overview = regions_.overview(*slug);
      if (!overview) return site_.error_page(&request, 404);
    } else {
      overview = regions_.primary_overview();
    }
    ListQuery list_query;
    const std::int64_t now = events_.now();
    list_query.from = now - 12 * 3600;
    list_query.until = now + kListAheadSeconds;
    const std::string group_slug(query.value_or("groep", ""));
    data groups(data::type::list);
    if (overview) {
      list_query.network_id = overview->network.id;
      for (const regions::KnowledgeGroup& group : overview->groups) {
        data item;
        item.set("slug", group.slug);
        item.set("name", group.name);
        item.set("selected", group.slug == group_slug);
        if (group.slug == group_slug) list_query.group_id = group.id;
        groups.push_back(item);
      }
    }
    if (!group_slug.empty() && !list_query.group_id) return site_.error_page(&request, 404);
    const auto occurrences = events_.list(actor, list_query);

    data page = base_data(options_, std::string(site_.text(language, "events.agenda.title")));
    page.set("has_groups", overview && !overview->groups.empty());
    page.set("groups", groups);
    data days(data::type::list);
    std::string current_day;
    data items(data::type::list);
    auto flush = [&](const std::string& day_label) {
      if (current_day.empty()) return;
      data day;
      day.set("date", day_label);
      day.set("items", items);
      days.push_back(day);
      items = data(data::type::list);
    };
    std::string current_label;
    for (const OccurrenceView& view : occurrences) {
      const std::string day = format_iso_date(view.occurrence.starts_at, view.event.timezone);
      if (day != current_day) {
        flush(current_label);
        current_day = day;
        current_label = format_date(view.occurrence.starts_at, view.event.timezone, language);
      }
      data item;
      item.set("id", std::to_string(view.occurrence.id));
      item.set("title", view.title);
      item.set("time", format_clock(view.occurrence.starts_at, view.event.timezone) + "-" +
                           format_clock(view.occurrence.ends_at, view.event.timezone));
      set_if(item, "location", view.location_name);
      item.set("cancelled", view.occurrence.cancelled());
      item.set("full", view.capacity && view.occurrence.seats_taken >= *view.capacity);
      items.push_back(item);
    }
    flush(current_label);
    page.set("has_days", !occurrences.empty());
    page.set("days", days);
    page.set("signed_in", actor.account_id.has_value());
    bool can_create = overview && events_.can_create(actor, overview->network.id);
    if (overview && !can_create && actor.account_id) can_create = !events_.hosted_groups(actor, overview->network.id).empty();
    page.set("can_create", can_create);
    if (overview) page.set("feed_url", "/agenda/netwerk/" + overview->network.slug + "/agenda.ics");
    return site_.page(request, "events/agenda", std::move(page));
  }

  // The occurrence page, also re-shown with errors (422/409) after a failed form.
  http::Response occurrence(http::Request& request, std::int64_t id, const std::vector<Error>& errors = {},
                            const RsvpForm* form = nullptr, int status = 200,
                            const http::FormData* registration = nullptr) {
    const Actor actor = actor_of(request);
    const std::string_view language = site_.language_of(request);
    auto found = events_.occurrence_page(actor, id);
    if (!found) return site_.error_page(&request, 404);
    const OccurrencePage& view_page = *found;
    const OccurrenceView& view = view_page.view;
    const std::string& zone = view.event.timezone;
    data page = base_data(options_, view.title);
    page.set("id", std::to_string(id));
    page.set("title", view.title);
    page.set("kind_label",
             std::string(site_.text(language, "events.kind." + std::string(to_string(view.event.kind)))));
    if (view.event.recurring()) page.set("series_id", std::to_string(view.event.id));
    page.set("cancelled", view.occurrence.cancelled());
    set_if(page, "change_note", view.occurrence.change_note);
    page.set("when", format_span(view.occurrence.starts_at, view.occurrence.ends_at, zone, language));
    page.set("starts_iso", format_input(view.occurrence.starts_at, zone));
    set_if(page, "location", view.location_name);
    set_if(page, "address", view.event.location_address);
    page.set("places", places_text(site_, language, view, view_page.waiting_people));
    if (view.event.rsvp_deadline_minutes && *view.event.rsvp_deadline_minutes > 0) {
      page.set("closes", format_date(view.rsvp_closes_at, zone, language) + ", " +
                             format_clock(view.rsvp_closes_at, zone));
    }
    set_if(page, "description", view.event.description);
    if (view_page.mine && view_page.mine->response != Response::NotGoing) {
      data mine;
      mine.set("status_text", state_text(site_, language, *view_page.mine));
      if (view_page.my_place) {
        mine.set("place", std::to_string(*view_page.my_place));
        mine.set("place_text", fill(site_.text(language, "events.state.place"),
                                    {{"n", std::to_string(*view_page.my_place)}}));
      }
      page.set("mine", mine);
    }
    page.set("can_rsvp", view_page.can_rsvp);
    page.set("can_register", view_page.can_register);
    page.set("can_manage", view_page.can_manage);
    page.set("rsvp_open", view_page.rsvp_open);
    page.set("visitor_members_only", !actor.account_id && !view_page.can_register);
    // The form shows what was typed (after an error) or the current answer.
    Response answer = Response::Going;
    std::string guests = "0";
    std::string guest_names;
    std::string note;
    if (form) {
      answer = form->input.response;
      guests = form->guests_text;
      guest_names = form->guest_names_text;
      note = form->input.note;
    } else if (view_page.mine) {
      answer = view_page.mine->response == Response::Waiting ? Response::Going : view_page.mine->response;
      guests = std::to_string(view_page.mine->guests);
      guest_names = join_lines(view_page.mine->guest_names, "\n");
      note = view_page.mine->note;
    }
    page.set("answer_going", answer == Response::Going);
    page.set("answer_maybe", answer == Response::Maybe);
    page.set("answer_not_going", answer == Response::NotGoing);
    page.set("guests", guests);
    page.set("guest_names", guest_names);
    page.set("note", note);
    if (registration) {
      page.set("reg_name", std::string(registration->value_or("naam", "")));
      page.set("reg_email", std::string(registration->value_or("email", "")));
    }
    data attendees(data::type::list);
    for (const Rsvp& rsvp : view_page.attendees) {
      data item;
      item.set("name", rsvp.name);
      if (rsvp.guests > 0) item.set("guest_count", std::to_string(rsvp.guests));
      item.set("response_label", response_label(site_, language, rsvp.response));
      attendees.push_back(item);
    }
    page.set("has_attendees", !view_page.attendees.empty());
    page.set("attendees", attendees);
    page.set("has_programme", view.event.kind == Kind::Congress);
    add_errors(page, site_, language, errors);
    return site_.page(request, "events/occurrence", std::move(page), status);
  }

  http::Response answer(http::Request& request, std::int64_t id) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const RsvpForm rsvp_form = read_rsvp_form(form);
    auto outcome = events_.respond(actor_of(request), id, rsvp_form.input);
    if (!outcome.ok()) {
      const Error& error = *outcome.error;
      if (error.failure == Failure::NotFound || error.failure == Failure::Forbidden) {
        return error_for(site_, request, error);
      }
      return occurrence(request, id, {error}, &rsvp_form, http_status(error.failure));
    }
    return redirect_with_flash(site_, "/agenda/" + std::to_string(id), flash_for(outcome.value->rsvp));
  }

  http::Response register_guest(http::Request& request, std::int64_t id) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    GuestRegistration registration;
    registration.name = std::string(form.value_or("naam", ""));
    registration.email = std::string(form.value_or("email", ""));
    registration.language = std::string(site_.language_of(request));
    const RsvpForm rsvp_form = read_rsvp_form(form);
    registration.guests = rsvp_form.input.guests;
    registration.guest_names = rsvp_form.input.guest_names;
    auto outcome = events_.register_guest(id, registration);
    if (!outcome.ok()) {
      const Error& error = *outcome.error;
      if (error.failure == Failure::NotFound) return error_for(site_, request, error);
      return occurrence(request, id, {error}, &rsvp_form, http_status(error.failure), &form);
    }
    const std::string_view language = site_.language_of(request);
    data page = base_data(options_, std::string(site_.text(language, "events.register.check_mail_title")));
    page.set("id", std::to_string(id));
    return site_.page(request, "events/check_mail", std::move(page));
  }

  http::Response confirm_page(http::Request& request, const std::string& token,
                              const std::optional<Error>& error) {
    const std::string_view language = site_.language_of(request);
    data page = base_data(options_, std::string(site_.text(language, "events.confirm.title")));
    page.set("token", token);
    page.set("valid", !error.has_value());
    if (error) page.set("message", message_of(site_, language, *error));
    return site_.page(request, "events/confirm", std::move(page), error ? http_status(error->failure) : 200);
  }

  http::Response confirm(http::Request& request) {
    const std::string token(request.path_param("token"));
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    auto outcome = events_.confirm_guest(token);
    if (!outcome.ok()) return confirm_page(request, token, outcome.error);
    const bool waiting = outcome.value->rsvp.response == Response::Waiting;
    return redirect_with_flash(site_, "/agenda/" + std::to_string(outcome.value->rsvp.occurrence_id),
                               waiting ? "flash.events.confirmed_waiting" : "flash.events.confirmed");
  }

  http::Response series(http::Request& request, std::int64_t id, const std::vector<Error>& errors = {},
                        int status = 200) {
    const Actor actor = actor_of(request);
    const std::string_view language = site_.language_of(request);
    auto found = events_.series_page(actor, id);
    if (!found || !found->event.recurring()) return site_.error_page(&request, 404);
    const Event& event = found->event;
    data page = base_data(options_, event.title);
    page.set("id", std::to_string(id));
    page.set("title", event.title);
    page.set("rule_text", fill(site_.text(language, "events.series.every"), {{"rule", event.rrule}}));
    set_if(page, "location", event.location_name);
    set_if(page, "description", event.description);
    page.set("can_rsvp", found->can_rsvp);
    if (found->my_series) {
      page.set("my_series",
               fill(site_.text(language, "events.state.series"),
                    {{"response", response_label(site_, language, found->my_series->response)}}));
    }
    data occurrences(data::type::list);
    for (std::size_t i = 0; i < found->upcoming.size(); ++i) {
      const OccurrenceView& view = found->upcoming[i];
      data item;
      item.set("id", std::to_string(view.occurrence.id));
      item.set("when", format_span(view.occurrence.starts_at, view.occurrence.ends_at, view.event.timezone,
                                   language));
      item.set("cancelled", view.occurrence.cancelled());
      item.set("moved", view.occurrence.overridden && !view.occurrence.cancelled());
      item.set("places", places_text(site_, language, view, 0));
      if (found->mine[i] && found->mine[i]->response != Response::NotGoing) {
        item.set("mine", response_label(site_, language, found->mine[i]->response));
      }
      occurrences.push_back(item);
    }
    page.set("occurrences", occurrences);
    add_errors(page, site_, language, errors);
    return site_.page(request, "events/series", std::move(page), status);
  }

  http::Response series_answer(http::Request& request, std::int64_t id) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const RsvpForm rsvp_form = read_rsvp_form(form);
    auto outcome = events_.respond_to_series(actor_of(request), id, rsvp_form.input);
    if (!outcome.ok()) {
      const Error& error = *outcome.error;
      if (error.failure == Failure::NotFound || error.failure == Failure::Forbidden) {
        return error_for(site_, request, error);
      }
      return series(request, id, {error}, http_status(error.failure));
    }
    return redirect_with_flash(site_, "/agenda/reeks/" + std::to_string(id), "flash.events.series");
  }

  http::Response new_event_form(http::Request& request, const NewEvent& input = {},
                                const std::string& ends_local = {}, const std::vector<Error>& errors = {},
                                int status = 200) {
    const Actor actor = actor_of(request);
    if (!actor.account_id) return sign_in_redirect(request);
    const std::string_view language = site_.language_of(request);
    // Coordinators create events for their whole network or any of its groups; a group's hosts for
    // the groups they host.
    data networks(data::type::list);
    data groups(data::type::list);
    const std::vector<regions::Network> all_networks = regions_.networks();
    for (const regions::Network& network : all_networks) {
      const bool coordinates = events_.can_create(actor, network.id);
      bool may_create = coordinates;
      const std::vector<std::int64_t> hosted = coordinates ? std::vector<std::int64_t>{} : events_.hosted_groups(actor, network.id);
      if (const auto overview = regions_.overview(network.slug); overview && (coordinates || !hosted.empty())) {
        for (const regions::KnowledgeGroup& group : overview->groups) {
          if (!coordinates && std::find(hosted.begin(), hosted.end(), group.id) == hosted.end()) continue;
          may_create = true;
          data item;
          item.set("id", std::to_string(group.id));
          item.set("name", all_networks.size() > 1 ? group.name + " (" + network.name + ")" : group.name);
          item.set("selected", input.group_id == group.id);
          groups.push_back(item);
        }
      }
      if (!may_create) continue;
      data item;
      item.set("id", std::to_string(network.id));
      item.set("name", network.name);
      item.set("selected", network.id == input.network_id);
      networks.push_back(item);
    }
    if (networks.is_empty_list()) return site_.error_page(&request, 403);
    data page = base_data(options_, std::string(site_.text(language, "events.new.title")));
    page.set("networks", networks);
    page.set("has_groups", !groups.is_empty_list());
    page.set("groups", groups);
    page.set("no_group", !input.group_id.has_value());
    page.set("kind_single", input.kind == Kind::Single);
    page.set("kind_series", input.kind == Kind::Series);
    page.set("kind_congress", input.kind == Kind::Congress);
    page.set("title", input.title);
    page.set("description", input.description);
    page.set("location_name", input.location_name);
    page.set("location_address", input.location_address);
    page.set("starts_local", input.starts_local);
    page.set("ends_local", ends_local);
    page.set("rrule", input.rrule);
    page.set("exdates", join_lines(input.exdates, "\n"));
    page.set("capacity", input.capacity ? std::to_string(*input.capacity) : "");
    page.set("deadline_hours",
             input.rsvp_deadline_minutes ? std::to_string(*input.rsvp_deadline_minutes / 60) : "");
    page.set("reminder_hours", input.reminder_minutes ? std::to_string(*input.reminder_minutes / 60) : "");
    page.set("public", input.visibility == Visibility::Public);
    // Restore the page title (the form's "title" field shares the name).
    add_errors(page, site_, language, errors);
    http::Response response = site_.page(request, "events/new", std::move(page), status);
    return response;
  }

  http::Response create_event(http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    NewEvent input;
    input.network_id = http::parse_id(form.value_or("netwerk", "")).value_or(0);
    input.group_id = http::parse_id(form.value_or("groep", ""));
    input.kind = kind_from(form.value_or("soort", "single")).value_or(Kind::Single);
    input.title = std::string(form.value_or("titel", ""));
    input.description = std::string(form.value_or("omschrijving", ""));
    input.location_name = std::string(form.value_or("locatie", ""));
    input.location_address = std::string(form.value_or("adres", ""));
    input.starts_local = std::string(form.value_or("begin", ""));
    const std::string ends_local(form.value_or("einde", ""));
    input.rrule = std::string(form.value_or("herhaling", ""));
    input.exdates = lines_of(form.value_or("uitgezonderd", ""));
    input.capacity = parse_number(form.value_or("plaatsen", ""));
    if (auto hours = parse_number(form.value_or("sluiting_uren", "")))
      input.rsvp_deadline_minutes = *hours * 60;
    input.reminder_minutes = std::nullopt;
    if (auto hours = parse_number(form.value_or("herinnering_uren", "")))
      input.reminder_minutes = *hours * 60;
    input.visibility = form.get("openbaar") ? Visibility::Public : Visibility::Members;
    std::vector<Error> errors;
    const auto start = parse_local_time(input.starts_local);
    const auto end = parse_local_time(ends_local);
    if (!start) {
      errors.push_back(Error{Failure::Invalid, "starts_local", "events.error.start_invalid", {}});
    } else if (!end) {
      errors.push_back(Error{Failure::Invalid, "ends_local", "events.error.end_before_start", {}});
    } else {
      const auto start_utc = to_utc(*start, "Europe/Amsterdam");
      const auto end_utc = to_utc(*end, "Europe/Amsterdam");
      input.duration_minutes = start_utc && end_utc ? (*end_utc - *start_utc) / 60 : 0;
    }
    if (!errors.empty()) return new_event_form(request, input, ends_local, errors, 422);
    auto created = events_.create_event(actor_of(request), input);
    if (!created.ok()) {
      if (created.error->failure == Failure::Forbidden) return error_for(site_, request, *created.error);
      return new_event_form(request, input, ends_local, {*created.error},
                            http_status(created.error->failure));
    }
    const Event& event = *created.value;
    if (event.recurring()) {
      return redirect_with_flash(site_, "/agenda/reeks/" + std::to_string(event.id), "flash.events.created");
    }
    if (auto first = events_.first_occurrence_id(event.id)) {
      return redirect_with_flash(site_, "/agenda/" + std::to_string(*first), "flash.events.created");
    }
    return redirect_with_flash(site_, "/agenda", "flash.events.created");
  }

  http::Response edit_form(http::Request& request, std::int64_t id, const std::vector<Error>& errors = {},
                           int status = 200) {
    const Actor actor = actor_of(request);
    if (!actor.account_id) return sign_in_redirect(request);
    const std::string_view language = site_.language_of(request);
    auto found = events_.occurrence_page(actor, id);
    if (!found) return site_.error_page(&request, 404);
    if (!found->can_manage) return site_.error_page(&request, 403);
    const OccurrenceView& view = found->view;
    const std::string& zone = view.event.timezone;
    data page = base_data(options_, std::string(site_.text(language, "events.edit.title")));
    page.set("id", std::to_string(id));
    page.set("event_id", std::to_string(view.event.id));
    page.set("title", view.title);
    page.set("when", format_span(view.occurrence.starts_at, view.occurrence.ends_at, zone, language));
    page.set("starts_local", format_input(view.occurrence.starts_at, zone));
    page.set("ends_local", format_input(view.occurrence.ends_at, zone));
    page.set("location_name", view.location_name);
    page.set("capacity", view.capacity ? std::to_string(*view.capacity) : "");
    page.set("change_note", view.occurrence.change_note);
    page.set("cancelled", view.occurrence.cancelled());
    page.set("event_capacity", view.event.capacity ? std::to_string(*view.event.capacity) : "");
    page.set("deadline_hours",
             view.event.rsvp_deadline_minutes ? std::to_string(*view.event.rsvp_deadline_minutes / 60) : "");
    page.set("reminder_hours",
             view.event.reminder_minutes ? std::to_string(*view.event.reminder_minutes / 60) : "");
    add_errors(page, site_, language, errors);
    return site_.page(request, "events/edit", std::move(page), status);
  }

  http::Response change_occurrence(http::Request& request, std::int64_t id) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const Actor actor = actor_of(request);
    auto found = events_.occurrence_page(actor, id);
    if (!found) return site_.error_page(&request, 404);
    const OccurrenceView& view = found->view;
    const std::string& zone = view.event.timezone;
    OccurrenceChange change;
    const std::string starts(form.value_or("begin", ""));
    const std::string ends(form.value_or("einde", ""));
    if (!starts.empty() && starts != format_input(view.occurrence.starts_at, zone))
      change.starts_local = starts;
    if (!ends.empty()) {
      const auto start =
          parse_local_time(starts.empty() ? format_input(view.occurrence.starts_at, zone) : starts);
      const auto end = parse_local_time(ends);
      if (!end || !start)
        return edit_form(request, id,
                         {Error{Failure::Invalid, "ends_local", "events.error.end_before_start", {}}}, 422);
      const auto start_utc = to_utc(*start, zone);
      const auto end_utc = to_utc(*end, zone);
      if (start_utc && end_utc &&
          *end_utc - *start_utc != view.occurrence.ends_at - view.occurrence.starts_at) {
        change.duration_minutes = (*end_utc - *start_utc) / 60;
      }
    }
    const std::string location(form.value_or("locatie", ""));
    if (location != view.location_name) change.location_name = location;
    const auto capacity = parse_number(form.value_or("plaatsen", ""));
    if (capacity != view.capacity) change.capacity = capacity;
    change.note = std::string(form.value_or("toelichting", ""));
    if (change.note == view.occurrence.change_note) change.note.clear();
    change.cancel = form.get("afgelast").has_value();
    change.restore = form.get("herstel").has_value();
    auto outcome = events_.change_occurrence(actor, id, change);
    if (!outcome.ok()) {
      if (outcome.error->failure != Failure::Invalid) return error_for(site_, request, *outcome.error);
      return edit_form(request, id, {*outcome.error}, 422);
    }
    return redirect_with_flash(site_, "/agenda/" + std::to_string(id), "flash.events.changed");
  }

  http::Response change_event(http::Request& request, std::int64_t event_id) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const auto back = http::parse_id(form.value_or("terug", ""));
    EventChange change;
    change.capacity = parse_number(form.value_or("plaatsen", ""));
    auto hours = [](std::optional<std::int64_t> value) -> std::optional<std::int64_t> {
      if (!value) return std::nullopt;
      return *value < 0 ? -1 : *value * 60;
    };
    change.rsvp_deadline_minutes = hours(parse_number(form.value_or("sluiting_uren", "")));
    change.reminder_minutes = hours(parse_number(form.value_or("herinnering_uren", "")));
    auto outcome = events_.change_event(actor_of(request), event_id, change);
    if (!outcome.ok()) {
      if (outcome.error->failure != Failure::Invalid || !back)
        return error_for(site_, request, *outcome.error);
      Error error = *outcome.error;
      if (error.field == "capacity") error.field = "event_capacity";
      return edit_form(request, *back, {error}, 422);
    }
    return redirect_with_flash(
        site_, back ? "/agenda/" + std::to_string(*back) : "/agenda/reeks/" + std::to_string(event_id),
        "flash.events.changed");
  }

  http::Response attendees(http::Request& request, std::int64_t id, const std::optional<Error>& notice = {},
                           int status = 200) {
    const Actor actor = actor_of(request);
    if (!actor.account_id) return sign_in_redirect(request);
    const std::string_view language = site_.language_of(request);
    auto rows = events_.attendees(actor, id);
    if (!rows.ok()) return error_for(site_, request, *rows.error);
    auto found = events_.occurrence_page(actor, id);
    if (!found) return site_.error_page(&request, 404);
    const OccurrenceView& view = found->view;
    data page = base_data(options_, std::string(site_.text(language, "events.attendees.title")));
    page.set("id", std::to_string(id));
    page.set("title", view.title);
    page.set("when",
             format_span(view.occurrence.starts_at, view.occurrence.ends_at, view.event.timezone, language));
    page.set("places", places_text(site_, language, view, found->waiting_people));
    if (notice) page.set("notice", message_of(site_, language, *notice));
    const std::string csrf = site_.valid_csrf_cookie(request);
    data list(data::type::list);
    std::int64_t place = 0;
    for (const Rsvp& rsvp : *rows.value) {
      if (rsvp.response == Response::NotGoing) continue;
      data item;
      item.set("occurrence_id", std::to_string(id));
      item.set("rsvp_id", std::to_string(rsvp.id));
      item.set("name", rsvp.name);
      set_if(item, "guest_names", join_lines(rsvp.guest_names, ", "));
      item.set("response_label", response_label(site_, language, rsvp.response));
      item.set("guests", std::to_string(rsvp.guests));
      set_if(item, "note", rsvp.note);
      item.set("waiting", rsvp.response == Response::Waiting);
      if (rsvp.response == Response::Waiting) item.set("place", std::to_string(++place));
      list.push_back(item);
    }
    page.set("rows", list);
    data columns(data::type::list);
    for (CsvColumn column :
         {CsvColumn::Name, CsvColumn::Email, CsvColumn::Response, CsvColumn::Guests, CsvColumn::GuestNames,
          CsvColumn::Note, CsvColumn::Place, CsvColumn::Attended, CsvColumn::RespondedAt}) {
      data item;
      item.set("code", std::string(to_string(column)));
      item.set("label", std::string(site_.text(language, "events.csv." + std::string(to_string(column)))));
      item.set("checked",
               column == CsvColumn::Name || column == CsvColumn::Response || column == CsvColumn::Guests);
      columns.push_back(item);
    }
    page.set("columns", columns);
    return site_.page(request, "events/attendees", std::move(page), status);
  }

  http::Response move(http::Request& request, std::int64_t id) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const auto rsvp_id = http::parse_id(request.path_param("rsvp"));
    if (!rsvp_id) return site_.error_page(&request, 404);
    const std::string_view action = form.value_or("actie", "");
    Service::Move how = Service::Move::Remove;
    if (action == "promote") {
      how = Service::Move::Promote;
    } else if (action == "front") {
      how = Service::Move::ToFront;
    } else if (action != "remove") {
      return site_.error_page(&request, 400);
    }
    auto outcome = events_.move(actor_of(request), id, *rsvp_id, how);
    if (!outcome.ok()) {
      if (outcome.error->failure == Failure::Conflict) return attendees(request, id, outcome.error, 409);
      return error_for(site_, request, *outcome.error);
    }
    return redirect_with_flash(site_, "/agenda/" + std::to_string(id) + "/deelnemers", "flash.events.moved");
  }

  http::Response csv(http::Request& request, std::int64_t id) {
    if (!request.viewer) return sign_in_redirect(request);
    const http::FormData query = http::FormData::parse(request.query);
    std::vector<CsvColumn> columns;
    for (std::string_view name : query.get_all("kolom")) {
      if (auto column = csv_column_from(name)) columns.push_back(*column);
    }
    auto outcome = events_.attendee_csv(actor_of(request), id, columns);
    if (!outcome.ok()) {
      if (outcome.error->failure == Failure::Invalid) return attendees(request, id, outcome.error, 422);
      return error_for(site_, request, *outcome.error);
    }
    // The byte-order mark makes Excel read the file as UTF-8.
    http::Response response = http::Response::text(200, "\xEF\xBB\xBF" + *outcome.value);
    response.headers.set("Content-Type", "text/csv; charset=utf-8");
    response.headers.set("Content-Disposition",
                         "attachment; filename=\"deelnemers-" + std::to_string(id) + ".csv\"");
    response.headers.set("Cache-Control", "no-store");
    return response;
  }

  http::Response check_in_page(http::Request& request, std::int64_t id, const std::vector<Error>& errors = {},
                               int status = 200) {
    const Actor actor = actor_of(request);
    if (!actor.account_id) return sign_in_redirect(request);
    const std::string_view language = site_.language_of(request);
    const http::FormData query = http::FormData::parse(request.query);
    const std::string search(query.value_or("zoek", ""));
    auto rows = events_.check_in_list(actor, id, search);
    if (!rows.ok()) return error_for(site_, request, *rows.error);
    auto all = events_.attendees(actor, id);
    auto found = events_.occurrence_page(actor, id);
    if (!found || !all.ok()) return site_.error_page(&request, 404);
    std::int64_t present = 0;
    std::int64_t expected = 0;
    for (const Rsvp& rsvp : *all.value) {
      if (rsvp.attended.value_or(false)) present += 1;
      if (rsvp.response == Response::Going) expected += 1;
    }
    data page = base_data(options_, std::string(site_.text(language, "events.check_in.title")));
    page.set("id", std::to_string(id));
    page.set("title", found->view.title);
    page.set("search", search);
    page.set("present", std::to_string(present));
    page.set("expected", std::to_string(expected));
    data list(data::type::list);
    for (const Rsvp& rsvp : *rows.value) {
      data item;
      item.set("occurrence_id", std::to_string(id));
      item.set("rsvp_id", std::to_string(rsvp.id));
      item.set("name", rsvp.name);
      if (rsvp.guests > 0) item.set("guests", std::to_string(rsvp.guests));
      item.set("present", rsvp.attended.value_or(false));
      item.set("toggle", rsvp.attended.value_or(false) ? "0" : "1");
      item.set("search", search);
      item.set("response_label", response_label(site_, language, rsvp.response));
      list.push_back(item);
    }
    page.set("rows", list);
    // Members who did not answer but came: found by the same search, checked in by picking them.
    auto candidates = events_.walk_in_candidates(actor, id, search);
    data members(data::type::list);
    if (candidates.ok()) {
      for (const WalkInCandidate& candidate : *candidates.value) {
        data item;
        item.set("occurrence_id", std::to_string(id));
        item.set("account_id", std::to_string(candidate.account_id));
        item.set("name", candidate.name);
        members.push_back(item);
      }
    }
    page.set("has_members", candidates.ok() && !candidates.value->empty());
    page.set("members", members);
    add_errors(page, site_, language, errors);
    return site_.page(request, "events/check_in", std::move(page), status);
  }

  http::Response check_in(http::Request& request, std::int64_t id) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const auto rsvp_id = http::parse_id(form.value_or("deelnemer", ""));
    if (!rsvp_id) return site_.error_page(&request, 400);
    auto outcome = events_.check_in(actor_of(request), id, *rsvp_id, form.value_or("aanwezig", "1") == "1");
    if (!outcome.ok()) return error_for(site_, request, *outcome.error);
    std::string location = "/agenda/" + std::to_string(id) + "/inchecken";
    if (auto search = form.get("zoek"); search && !search->empty())
      location += "?zoek=" + http::percent_encode(*search);
    return http::Response::redirect(location);
  }

  http::Response walk_in(http::Request& request, std::int64_t id) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    // A picked member ("lid") or a name typed in for someone from outside the network.
    std::optional<std::int64_t> member;
    if (const auto picked = form.get("lid"); picked && !picked->empty()) {
      member = http::parse_id(*picked);
      if (!member) return site_.error_page(&request, 400);
    }
    auto outcome = events_.add_walk_in(actor_of(request), id, form.value_or("naam", ""), member);
    if (!outcome.ok()) {
      if (outcome.error->failure == Failure::Invalid)
        return check_in_page(request, id, {*outcome.error}, 422);
      return error_for(site_, request, *outcome.error);
    }
    return redirect_with_flash(site_, "/agenda/" + std::to_string(id) + "/inchecken", "flash.events.walk_in");
  }

  http::Response occurrence_ics(http::Request& request, std::int64_t id) {
    auto text = events_.occurrence_ics(actor_of(request), id);
    if (!text) return site_.error_page(&request, 404);
    http::Response response = http::Response::text(200, std::move(*text));
    response.headers.set("Content-Type", "text/calendar; charset=utf-8");
    response.headers.set("Content-Disposition",
                         "attachment; filename=\"agenda-" + std::to_string(id) + ".ics\"");
    response.headers.set("Cache-Control", "private, no-store");
    return response;
  }

  http::Response member_feed(http::Request& request, std::string_view token) {
    auto text = events_.member_feed(token);
    // A forged or revoked token: the same 404 as an unknown page, nothing about why.
    if (!text) return site_.error_page(&request, 404);
    http::Response response = http::Response::text(200, std::move(*text));
    response.headers.set("Content-Type", "text/calendar; charset=utf-8");
    response.headers.set("Cache-Control", "private, no-store");
    response.headers.set("Referrer-Policy", "no-referrer");
    return response;
  }

  http::Response public_feed(http::Request& request) {
    auto overview = regions_.overview(request.path_param("network"));
    if (!overview) return site_.error_page(&request, 404);
    std::optional<std::int64_t> group_id;
    std::string name = overview->network.name;
    if (auto group_slug = request.path_param("group"); !group_slug.empty()) {
      for (const regions::KnowledgeGroup& group : overview->groups) {
        if (group.slug == group_slug) {
          group_id = group.id;
          name += " - " + group.name;
        }
      }
      if (!group_id) return site_.error_page(&request, 404);
    }
    http::Response response =
        http::Response::text(200, events_.public_feed(overview->network.id, name, group_id));
    response.headers.set("Content-Type", "text/calendar; charset=utf-8");
    response.headers.set("Cache-Control", "public, max-age=300");
    return response;
  }

  http::Response programme(http::Request& request, std::int64_t id) {
    const Actor actor = actor_of(request);
    const std::string_view language = site_.language_of(request);
    auto found = events_.occurrence_page(actor, id);
    if (!found) return site_.error_page(&request, 404);
    const OccurrenceView& view = found->view;
    const std::string& zone = view.event.timezone;
    data page = base_data(options_, view.title);
    page.set("id", std::to_string(id));
    page.set("title", view.title);
    page.set("when", format_span(view.occurrence.starts_at, view.occurrence.ends_at, zone, language));
    set_if(page, "location", view.location_name);
    set_if(page, "address", view.event.location_address);
    std::vector<std::string> tracks;
    data slots(data::type::list);
    data sessions(data::type::list);
    std::optional<std::pair<std::int64_t, std::int64_t>> slot;
    auto flush = [&] {
      if (!slot) return;
      data item;
      item.set("time", format_clock(slot->first, zone) + "-" + format_clock(slot->second, zone));
      item.set("sessions", sessions);
      slots.push_back(item);
      sessions = data(data::type::list);
    };
    for (const ProgrammeSession& session : found->programme) {
      if (!slot || slot->first != session.starts_at || slot->second != session.ends_at) {
        flush();
        slot = std::make_pair(session.starts_at, session.ends_at);
      }
      if (!session.track.empty() && std::find(tracks.begin(), tracks.end(), session.track) == tracks.end()) {
        tracks.push_back(session.track);
      }
      data item;
      item.set("session_id", std::to_string(session.id));
      item.set("occurrence_id", std::to_string(id));
      item.set("title", session.title);
      item.set("room", session.room);
      set_if(item, "track", session.track);
      set_if(item, "description", session.description);
      std::vector<std::string> speakers;
      for (const Speaker& speaker : session.speakers) {
        speakers.push_back(speaker.affiliation.empty() ? speaker.name
                                                       : speaker.name + " (" + speaker.affiliation + ")");
      }
      set_if(item, "speakers_text", join_lines(speakers, ", "));
      item.set("seats", session.capacity ? fill(site_.text(language, "events.programme.seats"),
                                                {{"n", std::to_string(session.registered)},
                                                 {"m", std::to_string(*session.capacity)}})
                                         : fill(site_.text(language, "events.programme.seats_unlimited"),
                                                {{"n", std::to_string(session.registered)}}));
      item.set("can_register", found->can_rsvp && !view.occurrence.cancelled());
      item.set("can_manage", found->can_manage);
      item.set("registered", std::find(found->my_sessions.begin(), found->my_sessions.end(), session.id) !=
                                 found->my_sessions.end());
      sessions.push_back(item);
    }
    flush();
    data track_list(data::type::list);
    for (const std::string& track : tracks) track_list.push_back(data(track));
    page.set("has_tracks", !tracks.empty());
    page.set("tracks", track_list);
    page.set("slots", slots);
    page.set("can_manage", found->can_manage && view.event.kind == Kind::Congress);
    return site_.page(request, "events/programme", std::move(page));
  }

  // --- the congress programme, for hosts: add, change and remove sessions

  // What the session form shows: a session being edited, or what was posted when it was refused.
  struct SessionFormValues {
    std::string title, description, track, room, starts_local, ends_local, capacity, speakers;
  };

  static SessionFormValues values_of(const ProgrammeSession& session, const std::string& zone) {
    SessionFormValues values;
    values.title = session.title;
    values.description = session.description;
    values.track = session.track;
    values.room = session.room;
    values.starts_local = format_input(session.starts_at, zone);
    values.ends_local = format_input(session.ends_at, zone);
    values.capacity = session.capacity ? std::to_string(*session.capacity) : "";
    std::vector<std::string> lines;
    for (const Speaker& speaker : session.speakers) {
      lines.push_back(speaker.affiliation.empty() ? speaker.name : speaker.name + ", " + speaker.affiliation);
    }
    values.speakers = join_lines(lines, "\n");
    return values;
  }

  static SessionFormValues values_of(const http::FormData& form) {
    return SessionFormValues{std::string(form.value_or("titel", "")),      std::string(form.value_or("beschrijving", "")),
                             std::string(form.value_or("spoor", "")),      std::string(form.value_or("zaal", "")),
                             std::string(form.value_or("begin", "")),      std::string(form.value_or("einde", "")),
                             std::string(form.value_or("plaatsen", "")),   std::string(form.value_or("sprekers", ""))};
  }

  // The posted form as a session, or the first field that cannot be read.
  static std::variant<ProgrammeSession, Error> session_from(const SessionFormValues& values, const std::string& zone) {
    ProgrammeSession session;
    session.title = values.title;
    session.description = values.description;
    session.track = values.track;
    session.room = values.room;
    const auto start = parse_local_time(values.starts_local);
    const auto start_utc = start ? to_utc(*start, zone) : std::nullopt;
    if (!start_utc) return Error{Failure::Invalid, "starts_local", "events.error.time_invalid", {}};
    const auto end = parse_local_time(values.ends_local);
    const auto end_utc = end ? to_utc(*end, zone) : std::nullopt;
    if (!end_utc) return Error{Failure::Invalid, "ends_local", "events.error.time_invalid", {}};
    session.starts_at = *start_utc;
    session.ends_at = *end_utc;
    if (!trim_view(values.capacity).empty()) {
      session.capacity = parse_number(trim_view(values.capacity));
      if (!session.capacity) return Error{Failure::Invalid, "capacity", "events.error.capacity_range", kMaxCapacity};
    }
    std::string_view rest = values.speakers;
    while (!rest.empty()) {
      const std::size_t end_of_line = rest.find('\n');
      std::string_view line = trim_view(rest.substr(0, end_of_line));
      rest = end_of_line == std::string_view::npos ? std::string_view{} : rest.substr(end_of_line + 1);
      if (line.empty()) continue;
      const std::size_t comma = line.find(',');
      Speaker speaker;
      speaker.name = std::string(trim_view(line.substr(0, comma)));
      if (comma != std::string_view::npos) speaker.affiliation = std::string(trim_view(line.substr(comma + 1)));
      session.speakers.push_back(std::move(speaker));
    }
    return session;
  }

  static std::string_view trim_view(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
    return text;
  }

  http::Response session_form_page(http::Request& request, const OccurrenceView& view, std::int64_t occurrence_id,
                                   std::optional<std::int64_t> session_id, const SessionFormValues& values,
                                   const std::vector<Error>& errors = {}, int status = 200) {
    const std::string_view language = site_.language_of(request);
    const std::string heading(
        site_.text(language, session_id ? "events.programme.edit_session" : "events.programme.add_session"));
    data page = base_data(options_, heading);
    page.set("heading", heading);
    page.set("event_title", view.title);
    page.set("occurrence_id", std::to_string(occurrence_id));
    page.set("editing", session_id.has_value());
    if (session_id) page.set("session_id", std::to_string(*session_id));
    page.set("action", session_id ? "/agenda/sessies/" + std::to_string(*session_id) + "/wijzigen"
                                  : "/agenda/" + std::to_string(occurrence_id) + "/programma/nieuw");
    page.set("session_title", values.title);
    page.set("description", values.description);
    page.set("track", values.track);
    page.set("room", values.room);
    page.set("starts_local", values.starts_local);
    page.set("ends_local", values.ends_local);
    page.set("capacity", values.capacity);
    page.set("speakers", values.speakers);
    add_errors(page, site_, language, errors);
    return site_.page(request, "events/session_form", std::move(page), status);
  }

  http::Response new_session(http::Request& request, std::int64_t occurrence_id) {
    const Actor actor = actor_of(request);
    if (!actor.account_id) return sign_in_redirect(request);
    auto found = events_.occurrence_page(actor, occurrence_id);
    if (!found || found->view.event.kind != Kind::Congress) return site_.error_page(&request, 404);
    if (!found->can_manage) return site_.error_page(&request, 403);
    const std::string& zone = found->view.event.timezone;
    if (request.method != http::Method::Post) {
      SessionFormValues values;
      values.starts_local = format_input(found->view.occurrence.starts_at, zone);
      values.ends_local = format_input(found->view.occurrence.starts_at + 3600, zone);
      return session_form_page(request, found->view, occurrence_id, std::nullopt, values);
    }
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    const SessionFormValues values = values_of(form);
    auto parsed = session_from(values, zone);
    if (auto* error = std::get_if<Error>(&parsed)) {
      return session_form_page(request, found->view, occurrence_id, std::nullopt, values, {*error}, 422);
    }
    auto outcome = events_.add_session(actor, found->view.event.id, std::get<ProgrammeSession>(parsed));
    if (!outcome.ok()) {
      if (outcome.error->failure != Failure::Invalid) return error_for(site_, request, *outcome.error);
      return session_form_page(request, found->view, occurrence_id, std::nullopt, values, {*outcome.error}, 422);
    }
    return redirect_with_flash(site_,
                               "/agenda/" + std::to_string(occurrence_id) + "/programma#sessie-" +
                                   std::to_string(outcome.value->id),
                               "flash.events.session_saved");
  }

  http::Response edit_session(http::Request& request) {
    const Actor actor = actor_of(request);
    if (!actor.account_id) return sign_in_redirect(request);
    const auto session_id = http::parse_id(request.path_param("session"));
    if (!session_id) return site_.error_page(&request, 404);
    auto found = events_.session_for_editing(actor, *session_id);
    if (!found) return site_.error_page(&request, 404);
    const bool posted = request.method == http::Method::Post;
    const http::FormData form = http::FormData::parse(posted ? request.body : request.query);
    if (posted && !site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    // Back to the programme of the occurrence the host came from (a congress has one).
    std::optional<std::int64_t> back = http::parse_id(form.value_or("terug", ""));
    if (!back) back = events_.first_occurrence_id(found->first.id);
    if (!back) return site_.error_page(&request, 404);
    auto occurrence = events_.occurrence_page(actor, *back);
    if (!occurrence || occurrence->view.event.id != found->first.id) return site_.error_page(&request, 404);
    const std::string& zone = found->first.timezone;
    if (!posted) {
      return session_form_page(request, occurrence->view, *back, *session_id, values_of(found->second, zone));
    }
    const SessionFormValues values = values_of(form);
    auto parsed = session_from(values, zone);
    if (auto* error = std::get_if<Error>(&parsed)) {
      return session_form_page(request, occurrence->view, *back, *session_id, values, {*error}, 422);
    }
    auto outcome = events_.change_session(actor, *session_id, std::get<ProgrammeSession>(parsed));
    if (!outcome.ok()) {
      if (outcome.error->failure != Failure::Invalid) return error_for(site_, request, *outcome.error);
      return session_form_page(request, occurrence->view, *back, *session_id, values, {*outcome.error}, 422);
    }
    return redirect_with_flash(site_,
                               "/agenda/" + std::to_string(*back) + "/programma#sessie-" + std::to_string(*session_id),
                               "flash.events.session_saved");
  }

  http::Response remove_session(http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    const Actor actor = actor_of(request);
    if (!actor.account_id) return sign_in_redirect(request);
    const auto session_id = http::parse_id(request.path_param("session"));
    if (!session_id) return site_.error_page(&request, 404);
    auto found = events_.session_for_editing(actor, *session_id);
    if (!found) return site_.error_page(&request, 404);
    std::optional<std::int64_t> back = http::parse_id(form.value_or("terug", ""));
    if (!back) back = events_.first_occurrence_id(found->first.id);
    auto outcome = events_.remove_session(actor, *session_id);
    if (!outcome.ok()) return error_for(site_, request, *outcome.error);
    return redirect_with_flash(site_, back ? "/agenda/" + std::to_string(*back) + "/programma" : "/agenda",
                               "flash.events.session_removed");
  }

  http::Response session_registration(http::Request& request, bool register_now) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const auto session_id = http::parse_id(request.path_param("session"));
    const auto back = http::parse_id(form.value_or("terug", ""));
    if (!session_id || !back) return site_.error_page(&request, 404);
    const Actor actor = actor_of(request);
    auto outcome = register_now ? events_.register_for_session(actor, *session_id)
                                : events_.unregister_from_session(actor, *session_id);
    const std::string location = "/agenda/" + std::to_string(*back) + "/programma";
    if (!outcome.ok()) {
      if (outcome.error->failure == Failure::Conflict) {
        http::Response response = http::Response::redirect(location);
        // The reason (full, overlapping, no seat at the congress, started) as a flash on the programme.
        site_.set_flash(response, "flash.events." + api_reason(outcome.error->message_key));
        return response;
      }
      return error_for(site_, request, *outcome.error);
    }
    return redirect_with_flash(
        site_, location,
        register_now ? "flash.events.session_registered" : "flash.events.session_unregistered");
  }

  data history_data(std::string_view language, const std::vector<AttendanceRecord>& records) {
    data page;
    data list(data::type::list);
    std::int64_t attended = 0;
    std::int64_t counted = 0;
    for (const AttendanceRecord& record : records) {
      data item;
      item.set("id", std::to_string(record.occurrence_id));
      item.set("title", record.title);
      item.set("date", format_date(record.starts_at, "Europe/Amsterdam", language));
      item.set("response_label", response_label(site_, language, record.response));
      item.set("attended_label",
               std::string(site_.text(language, !record.attended   ? "events.attended.unknown"
                                                : *record.attended ? "events.attended.yes"
                                                                   : "events.attended.no")));
      if (record.attended) {
        ++counted;
        if (*record.attended) ++attended;
      }
      list.push_back(item);
    }
    page.set("has_history", !records.empty());
    page.set("history", list);
    page.set("attended_summary", fill(site_.text(language, "events.history.summary"),
                                      {{"n", std::to_string(attended)}, {"m", std::to_string(counted)}}));
    return page;
  }

  http::Response mine(http::Request& request, const std::string& new_feed_url = {}) {
    if (!request.viewer) return sign_in_redirect(request);
    const Actor actor = actor_of(request);
    const std::string_view language = site_.language_of(request);
    auto history = events_.attendance_history(actor, *actor.account_id);
    data page = history_data(language, history.ok() ? *history.value : std::vector<AttendanceRecord>{});
    page.set("title", std::string(site_.text(language, "events.mine.title")));
    page.set("events_css", options_.stylesheet_url);
    const auto since = events_.feed_token_created_at(*actor.account_id);
    page.set("has_feed", since.has_value());
    if (since) {
      page.set("feed_since", fill(site_.text(language, "events.mine.feed_since"),
                                  {{"date", format_date(*since, "Europe/Amsterdam", language)}}));
    }
    if (!new_feed_url.empty()) page.set("new_feed_url", new_feed_url);
    http::Response response = site_.page(request, "events/mine", std::move(page));
    response.headers.set("Cache-Control", "no-store");
    return response;
  }

  http::Response renew_feed(http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    const FeedToken token = events_.renew_feed_token(request.viewer->account_id);
    // Shown once, on this very answer (not after a redirect): the database keeps only its hash.
    return mine(request, events_.public_url() + "/agenda/" + token.token + ".ics");
  }

  http::Response revoke_feed(http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    if (!request.viewer) return sign_in_redirect(request);
    events_.revoke_feed_token(request.viewer->account_id);
    return redirect_with_flash(site_, "/agenda/mijn", "flash.events.feed_revoked");
  }

  http::Response report(http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request);
    const Actor actor = actor_of(request);
    const std::string_view language = site_.language_of(request);
    const http::FormData query = http::FormData::parse(request.query);
    auto overview =
        query.get("netwerk") ? regions_.overview(*query.get("netwerk")) : regions_.primary_overview();
    if (!overview) return site_.error_page(&request, 404);
    auto lines = events_.no_show_report(actor, overview->network.id);
    if (!lines.ok()) return error_for(site_, request, *lines.error);
    data page = base_data(options_, std::string(site_.text(language, "events.report.title")));
    data list(data::type::list);
    for (const NoShowLine& line : *lines.value) {
      data item;
      item.set("id", std::to_string(line.occurrence_id));
      item.set("title", line.title);
      item.set("date", format_date(line.starts_at, "Europe/Amsterdam", language));
      item.set("going", std::to_string(line.going));
      item.set("attended", std::to_string(line.attended));
      item.set("no_shows", std::to_string(line.no_shows));
      item.set("rate", std::to_string(static_cast<int>(line.no_show_rate() * 100.0 + 0.5)) + "%");
      list.push_back(item);
    }
    page.set("has_lines", !lines.value->empty());
    page.set("lines", list);
    return site_.page(request, "events/report", std::move(page));
  }

  http::Response member_history(http::Request& request) {
    if (!request.viewer) return sign_in_redirect(request);
    const auto account_id = http::parse_id(request.path_param("account"));
    if (!account_id) return site_.error_page(&request, 404);
    const std::string_view language = site_.language_of(request);
    auto history = events_.attendance_history(actor_of(request), *account_id);
    if (!history.ok()) return error_for(site_, request, *history.error);
    data page = history_data(language, *history.value);
    page.set("title", std::string(site_.text(language, "events.history.title")));
    page.set("events_css", options_.stylesheet_url);
    return site_.page(request, "events/history", std::move(page));
  }

 private:
  const web::Site& site_;
  Service& events_;
  regions::Service& regions_;
  RouteOptions options_;
};

// Routes whose last segment is a number: anything else is 404, never a 500.
template <class Fn>
http::Handler with_id(const web::Site& site, std::string_view name, Fn fn) {
  return [&site, name = std::string(name), fn](http::Request& request) {
    const auto id = http::parse_id(request.path_param(name));
    if (!id) return site.error_page(&request, 404);
    return fn(request, *id);
  };
}

}  // namespace

Actor actor_of(const http::Request& request) {
  Actor actor;
  if (request.viewer) {
    actor.account_id = request.viewer->account_id;
    actor.name = request.viewer->name;
    actor.email = request.viewer->email;
    actor.language = request.viewer->language.empty() ? "nl" : request.viewer->language;
    actor.administrator = request.viewer->administrator;
  }
  return actor;
}

void register_routes(http::Router& router, const web::Site& site, Service& events, regions::Service& regions,
                     RouteOptions options) {
  site.require_templates({"events/agenda",
                          "events/occurrence",
                          "events/series",
                          "events/new",
                          "events/edit",
                          "events/attendees",
                          "events/check_in",
                          "events/programme",
                          "events/mine",
                          "events/history",
                          "events/confirm",
                          "events/check_mail",
                          "events/report",
                          "mail/events_promoted_text",
                          "mail/events_promoted_html",
                          "mail/events_changed_text",
                          "mail/events_changed_html",
                          "mail/events_cancelled_text",
                          "mail/events_cancelled_html",
                          "mail/events_reminder_text",
                          "mail/events_reminder_html",
                          "mail/events_confirm_text",
                          "mail/events_confirm_html"});
  auto pages = std::make_shared<Pages>(site, events, regions, std::move(options));

  router.get("/agenda", [pages](http::Request& request) { return pages->agenda(request); });
  // /agenda/{id} is an occurrence; /agenda/{token}.ics is a member's private feed.
  router.get("/agenda/{id}", [pages, &site](http::Request& request) {
    const std::string_view segment = request.path_param("id");
    if (segment.ends_with(".ics")) return pages->member_feed(request, segment.substr(0, segment.size() - 4));
    const auto id = http::parse_id(segment);
    if (!id) return site.error_page(&request, 404);
    return pages->occurrence(request, *id);
  });
  router.post("/agenda/{id}/antwoord", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
                return pages->answer(r, id);
              }));
  router.post("/agenda/{id}/aanmelden", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
                return pages->register_guest(r, id);
              }));
  router.get("/agenda/bevestig/{token}", [pages](http::Request& request) {
    return pages->confirm_page(request, std::string(request.path_param("token")), std::nullopt);
  });
  router.post("/agenda/bevestig/{token}",
              [pages](http::Request& request) { return pages->confirm(request); });
  router.get("/agenda/reeks/{id}", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
               return pages->series(r, id);
             }));
  router.post("/agenda/reeks/{id}/antwoord", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
                return pages->series_answer(r, id);
              }));
  router.post("/agenda/reeks/{id}/wijzigen", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
                return pages->change_event(r, id);
              }));
  router.get("/agenda/nieuw", [pages](http::Request& request) { return pages->new_event_form(request); });
  router.post("/agenda/nieuw", [pages](http::Request& request) { return pages->create_event(request); });
  router.get("/agenda/{id}/wijzigen", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
               return pages->edit_form(r, id);
             }));
  router.post("/agenda/{id}/wijzigen", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
                return pages->change_occurrence(r, id);
              }));
  router.get("/agenda/{id}/deelnemers", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
               return pages->attendees(r, id);
             }));
  router.post("/agenda/{id}/deelnemers/{rsvp}",
              with_id(site, "id", [pages](http::Request& r, std::int64_t id) { return pages->move(r, id); }));
  router.get("/agenda/{id}/deelnemers.csv",
             with_id(site, "id", [pages](http::Request& r, std::int64_t id) { return pages->csv(r, id); }));
  router.get("/agenda/{id}/inchecken", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
               return pages->check_in_page(r, id);
             }));
  router.post("/agenda/{id}/inchecken", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
                return pages->check_in(r, id);
              }));
  router.post("/agenda/{id}/inloop", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
                return pages->walk_in(r, id);
              }));
  router.get("/agenda/{id}/kalender.ics", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
               return pages->occurrence_ics(r, id);
             }));
  router.get("/agenda/{id}/programma", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
               return pages->programme(r, id);
             }));
  router.get("/agenda/{id}/programma/nieuw", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
               return pages->new_session(r, id);
             }));
  router.post("/agenda/{id}/programma/nieuw", with_id(site, "id", [pages](http::Request& r, std::int64_t id) {
                return pages->new_session(r, id);
              }));
  router.get("/agenda/sessies/{session}/wijzigen", [pages](http::Request& request) { return pages->edit_session(request); });
  router.post("/agenda/sessies/{session}/wijzigen", [pages](http::Request& request) { return pages->edit_session(request); });
  router.post("/agenda/sessies/{session}/verwijderen",
              [pages](http::Request& request) { return pages->remove_session(request); });
  router.post("/agenda/sessies/{session}/inschrijven",
              [pages](http::Request& request) { return pages->session_registration(request, true); });
  router.post("/agenda/sessies/{session}/uitschrijven",
              [pages](http::Request& request) { return pages->session_registration(request, false); });
  router.get("/agenda/mijn", [pages](http::Request& request) { return pages->mine(request); });
  router.post("/agenda/mijn/kalender",
              [pages](http::Request& request) { return pages->renew_feed(request); });
  router.post("/agenda/mijn/kalender/intrekken",
              [pages](http::Request& request) { return pages->revoke_feed(request); });
  router.get("/agenda/netwerk/{network}/agenda.ics",
             [pages](http::Request& request) { return pages->public_feed(request); });
  router.get("/agenda/groep/{network}/{group}/agenda.ics",
             [pages](http::Request& request) { return pages->public_feed(request); });
  router.get("/agenda/statistiek", [pages](http::Request& request) { return pages->report(request); });
  router.get("/agenda/statistiek/lid/{account}",
             [pages](http::Request& request) { return pages->member_history(request); });
}

}  // namespace events
