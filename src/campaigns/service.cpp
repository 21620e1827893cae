#include "campaigns/service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "campaigns/merge.h"
#include "campaigns/store.h"
#include "contacts/records.h"
#include "events/csv.h"
#include "events/service.h"
#include "mail/address.h"
#include "mail/outbox.h"
#include "web/markdown.h"

namespace campaigns {

namespace {

constexpr std::string_view kLinkPurpose = "campaigns.link";
constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxSubject = 200;
constexpr std::size_t kMaxBody = 20000;
constexpr std::size_t kMaxSegmentField = 200;
constexpr std::int64_t kMaxRate = 100000;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool has_control(std::string_view text, bool allow_newlines) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) continue;
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

bool blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::optional<std::int64_t> median(std::vector<std::int64_t> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  if (values.size() % 2 == 1) return values[middle];
  return (values[middle - 1] + values[middle]) / 2;
}

}  // namespace

std::string_view to_string(Status status) {
  switch (status) {
    case Status::Draft:
      return "draft";
    case Status::Sending:
      return "sending";
    case Status::Paused:
      return "paused";
    case Status::Done:
      return "done";
  }
  return "draft";
}

Status status_from(std::string_view text) {
  if (text == "sending") return Status::Sending;
  if (text == "paused") return Status::Paused;
  if (text == "done") return Status::Done;
  return Status::Draft;
}

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

Service::Service(db::Database& database, const web::Site& site, events::Service& events,
                 CoordinatorCheck can_coordinate, ServiceOptions options)
    : database_(database),
      site_(site),
      events_(events),
      can_coordinate_(std::move(can_coordinate)),
      options_(std::move(options)) {
  options_.batch_size = std::max<std::int64_t>(1, options_.batch_size);
}

void Service::set_public_url(std::string url) {
  std::lock_guard lock(url_mutex_);
  options_.public_url = std::move(url);
}

std::string Service::public_url() const {
  std::lock_guard lock(url_mutex_);
  return options_.public_url;
}

bool Service::coordinates(const std::optional<http::Viewer>& viewer, std::int64_t network_id) const {
  return viewer && viewer->account_id != 0 && can_coordinate_(*viewer, network_id);
}

Result<Campaign> Service::coordinated(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id) {
  using R = Result<Campaign>;
  auto campaign = database_.read([&](db::Session& session) { return store::find_campaign(session, campaign_id); });
  // Someone who does not coordinate its network learns nothing, not even that it exists.
  if (!campaign || !coordinates(viewer, campaign->network_id)) {
    return R::fail(Failure::NotFound, "", "campaigns.error.not_found");
  }
  return R::of(std::move(*campaign));
}

std::optional<Error> Service::validate(db::Session& session, std::int64_t network_id, const Draft& draft) const {
  if (blank(draft.name)) return Error{Failure::Invalid, "name", "campaigns.error.name_required", ""};
  if (draft.name.size() > kMaxName || has_control(draft.name, false))
    return Error{Failure::Invalid, "name", "campaigns.error.name_invalid", ""};
  if (blank(draft.subject)) return Error{Failure::Invalid, "subject", "campaigns.error.subject_required", ""};
  if (draft.subject.size() > kMaxSubject || has_control(draft.subject, false))
    return Error{Failure::Invalid, "subject", "campaigns.error.subject_invalid", ""};
  if (auto unknown = unknown_fields(draft.subject); !unknown.empty())
    return Error{Failure::Invalid, "subject", "campaigns.error.unknown_fields", join(unknown)};
  if (blank(draft.body)) return Error{Failure::Invalid, "body", "campaigns.error.body_required", ""};
  if (draft.body.size() > kMaxBody || has_control(draft.body, true))
    return Error{Failure::Invalid, "body", "campaigns.error.body_invalid", ""};
  if (auto unknown = unknown_fields(draft.body); !unknown.empty())
    return Error{Failure::Invalid, "body", "campaigns.error.unknown_fields", join(unknown)};
  if (draft.language != "nl" && draft.language != "en")
    return Error{Failure::Invalid, "language", "campaigns.error.language_invalid", ""};
  for (const std::string* field : {&draft.segment.region, &draft.segment.town, &draft.segment.discipline,
                                   &draft.segment.source}) {
    if (field->size() > kMaxSegmentField || has_control(*field, false))
      return Error{Failure::Invalid, "segment", "campaigns.error.segment_invalid", ""};
  }
  if (draft.rate_per_minute < 0 || draft.rate_per_minute > kMaxRate)
    return Error{Failure::Invalid, "rate_per_minute", "campaigns.error.rate_invalid", ""};
  if (draft.occurrence_id) {
    const auto row = session.query_one(
        "SELECT 1 FROM event_occurrences o JOIN events e ON e.id = o.event_id WHERE o.id = ? AND e.network_id = ?",
        {*draft.occurrence_id, network_id});
    if (!row) return Error{Failure::Invalid, "occurrence_id", "campaigns.error.occurrence_invalid", ""};
  }
  return std::nullopt;
}

Result<std::vector<Campaign>> Service::list(const std::optional<http::Viewer>& viewer, std::int64_t network_id) {
  using R = Result<std::vector<Campaign>>;
  if (!coordinates(viewer, network_id)) return R::fail(Failure::Forbidden, "", "campaigns.error.forbidden");
  return R::of(database_.read([&](db::Session& session) { return store::campaigns_of(session, network_id); }));
}

std::vector<Campaign> Service::coordinated_campaigns(const std::optional<http::Viewer>& viewer,
                                                     const std::vector<std::int64_t>& networks) {
  std::vector<Campaign> out;
  for (std::int64_t network : networks) {
    if (!coordinates(viewer, network)) continue;
    auto some = database_.read([&](db::Session& session) { return store::campaigns_of(session, network); });
    out.insert(out.end(), some.begin(), some.end());
  }
  return out;
}

Result<Campaign> Service::find(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id) {
  return coordinated(viewer, campaign_id);
}

Result<Campaign> Service::create(const std::optional<http::Viewer>& viewer, std::int64_t network_id, const Draft& draft) {
  using R = Result<Campaign>;
  if (!coordinates(viewer, network_id)) return R::fail(Failure::Forbidden, "", "campaigns.error.forbidden");
  return database_.write([&](db::Session& session) -> R {
    if (auto error = validate(session, network_id, draft)) return R::fail(*error);
    const std::int64_t id = store::insert_campaign(session, network_id, viewer->account_id, draft, unix_now());
    return R::of(*store::find_campaign(session, id));
  });
}

Result<Campaign> Service::update(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id, const Draft& draft) {
  using R = Result<Campaign>;
  auto campaign = coordinated(viewer, campaign_id);
  if (!campaign.ok()) return campaign;
  return database_.write([&](db::Session& session) -> R {
    if (auto error = validate(session, campaign.value->network_id, draft)) return R::fail(*error);
    if (!store::update_draft(session, campaign_id, draft, unix_now()))
      return R::fail(Failure::Conflict, "", "campaigns.error.not_draft");
    return R::of(*store::find_campaign(session, campaign_id));
  });
}

Result<std::int64_t> Service::audience_count(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id) {
  using R = Result<std::int64_t>;
  auto campaign = coordinated(viewer, campaign_id);
  if (!campaign.ok()) return R::fail(*campaign.error);
  return R::of(database_.read([&](db::Session& session) {
    if (campaign.value->status != Status::Draft) return store::progress(session, campaign_id).total;
    return store::count_audience(session, campaign.value->network_id, campaign.value->draft.segment);
  }));
}

mail::Message Service::compose(const Campaign& campaign, std::int64_t contact_id, const std::string& email,
                               const std::string& name, const std::string& town, const std::string& organisation,
                               bool test) const {
  const std::string& language = campaign.draft.language;
  const MergeValues values{name, town, organisation};
  const std::string base = public_url();
  const std::string page_url = test ? base + "/c/voorbeeld" : personal_url(contact_id, campaign.id);
  const std::string unsubscribe_url = page_url + "/afmelden";

  mail::Message message;
  message.to_address = email;
  message.to_name = merge_plain("{naam}", values);
  message.subject = merge_plain(campaign.draft.subject, values);
  if (test) message.subject = std::string(site_.text(language, "campaigns.mail.test_prefix")) + " " + message.subject;
  const std::string respond_text(site_.text(language, "campaigns.mail.respond"));
  const std::string unsubscribe_text(site_.text(language, "campaigns.mail.unsubscribe"));
  message.text = merge_plain(campaign.draft.body, values) + "\n\n-- \n" + respond_text + "\n" + page_url + "\n\n" +
                 unsubscribe_text + "\n" + unsubscribe_url + "\n";

  kainjow::mustache::data data;
  data.set("body_html", web::render_markdown(merge_markdown(campaign.draft.body, values)));
  data.set("page_url", page_url);
  data.set("unsubscribe_url", unsubscribe_url);
  data.set("test", test);
  message.html = site_.render(language, "mail/campaigns_message_html", data);
  // RFC 8058: a mail client may unsubscribe with one POST to this URL, without showing a page.
  message.headers.emplace_back("List-Unsubscribe", "<" + unsubscribe_url + ">");
  message.headers.emplace_back("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
  message.kind = std::string(test ? kTestKind : kMessageKind);
  return message;
}

Result<Done> Service::test_send(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id) {
  using R = Result<Done>;
  auto campaign = coordinated(viewer, campaign_id);
  if (!campaign.ok()) return R::fail(*campaign.error);
  if (!mail::is_valid_address(viewer->email)) return R::fail(Failure::Invalid, "", "campaigns.error.no_address");
  database_.write([&](db::Session& session) {
    // The coordinator's own name and sample values for town and organisation: what a real message will
    // look like, without putting any contact's data in the coordinator's mailbox.
    mail::Message message =
        compose(*campaign.value, 0, viewer->email, viewer->name, "Bergen op Zoom", "Voorbeeld B.V.", true);
    mail::enqueue(session, message);
  });
  return R::of(Done{});
}

Result<std::int64_t> Service::start(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id) {
  using R = Result<std::int64_t>;
  auto campaign = coordinated(viewer, campaign_id);
  if (!campaign.ok()) return R::fail(*campaign.error);
  const db::Backend backend = database_.backend();
  return database_.write([&](db::Session& session) -> R {
    auto locked = store::lock_campaign(session, backend, campaign_id);
    if (!locked || locked->status != Status::Draft) return R::fail(Failure::Conflict, "", "campaigns.error.not_draft");
    if (auto error = validate(session, locked->network_id, locked->draft)) return R::fail(*error);
    if (store::count_audience(session, locked->network_id, locked->draft.segment) == 0) {
      return R::fail(Failure::Invalid, "segment", "campaigns.error.no_audience");
    }
    const std::int64_t queued =
        store::queue_audience(session, campaign_id, locked->network_id, locked->draft.segment);
    store::set_status(session, campaign_id, Status::Sending, unix_now());
    store::set_next_send_ms(session, campaign_id, 0);
    return R::of(queued);
  });
}

Result<Done> Service::pause(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id) {
  return change_status(viewer, campaign_id, Status::Sending, Status::Paused, "campaigns.error.not_sending");
}

Result<Done> Service::resume(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id) {
  return change_status(viewer, campaign_id, Status::Paused, Status::Sending, "campaigns.error.not_paused");
}

Result<Done> Service::change_status(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id, Status from,
                                    Status to, const char* refusal) {
  using R = Result<Done>;
  auto campaign = coordinated(viewer, campaign_id);
  if (!campaign.ok()) return R::fail(*campaign.error);
  const db::Backend backend = database_.backend();
  return database_.write([&](db::Session& session) -> R {
    auto locked = store::lock_campaign(session, backend, campaign_id);
    if (!locked || locked->status != from) return R::fail(Failure::Conflict, "", refusal);
    store::set_status(session, campaign_id, to, unix_now());
    return R::of(Done{});
  });
}

Result<Progress> Service::progress(const std::optional<http::Viewer>& viewer, std::int64_t campaign_id) {
  using R = Result<Progress>;
  auto campaign = coordinated(viewer, campaign_id);
  if (!campaign.ok()) return R::fail(*campaign.error);
  return R::of(database_.read([&](db::Session& session) { return store::progress(session, campaign_id); }));
}

Result<Funnel> Service::funnel(const std::optional<http::Viewer>& viewer, std::int64_t network_id, std::int64_t campaign_id) {
  using R = Result<Funnel>;
  if (campaign_id != 0) {
    auto campaign = coordinated(viewer, campaign_id);
    if (!campaign.ok()) return R::fail(*campaign.error);
    network_id = campaign.value->network_id;
  } else if (!coordinates(viewer, network_id)) {
    return R::fail(Failure::Forbidden, "", "campaigns.error.forbidden");
  }
  const auto rows = database_.read([&](db::Session& session) { return store::funnel_rows(session, network_id, campaign_id); });
  // Each step counts the contacts who got that far; the time is from the step before, for those who
  // took both.
  using Moment = std::optional<std::int64_t> FunnelRow::*;
  const std::vector<std::pair<std::string, Moment>> moments{{"responded", &FunnelRow::responded_at},
                                                           {"registered", &FunnelRow::registered_at},
                                                           {"attended", &FunnelRow::attended_at},
                                                           {"member", &FunnelRow::member_at}};
  Funnel funnel;
  funnel.steps.push_back(FunnelStep{"contacted", static_cast<std::int64_t>(rows.size()), 1.0, std::nullopt});
  for (std::size_t i = 0; i < moments.size(); ++i) {
    FunnelStep step{moments[i].first, 0, 0.0, std::nullopt};
    std::vector<std::int64_t> gaps;
    for (const FunnelRow& row : rows) {
      const auto at = row.*(moments[i].second);
      if (!at) continue;
      ++step.count;
      const std::optional<std::int64_t> before =
          i == 0 ? std::optional<std::int64_t>(row.contacted_at) : row.*(moments[i - 1].second);
      if (before) gaps.push_back(std::max<std::int64_t>(0, *at - *before));
    }
    const std::int64_t previous = funnel.steps.back().count;
    step.rate = previous > 0 ? static_cast<double>(step.count) / static_cast<double>(previous) : 0.0;
    step.median_seconds = median(std::move(gaps));
    funnel.steps.push_back(std::move(step));
  }
  return R::of(std::move(funnel));
}

std::string Service::funnel_csv(const Funnel& funnel, std::string_view language) const {
  std::string out;
  events::append_csv_row(out, {std::string(site_.text(language, "campaigns.funnel.step")),
                               std::string(site_.text(language, "campaigns.funnel.count")),
                               std::string(site_.text(language, "campaigns.funnel.rate")),
                               std::string(site_.text(language, "campaigns.funnel.median_hours"))});
  for (const FunnelStep& step : funnel.steps) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f%%", step.rate * 100.0);
    char hours[32] = "";
    if (step.median_seconds) std::snprintf(hours, sizeof hours, "%.1f", static_cast<double>(*step.median_seconds) / 3600.0);
    events::append_csv_row(out, {std::string(site_.text(language, "campaigns.funnel." + step.key)),
                                 std::to_string(step.count), rate, hours});
  }
  return out;
}

std::vector<OccurrenceChoice> Service::upcoming_occurrences(std::int64_t network_id) const {
  return database_.read([&](db::Session& session) {
    std::vector<OccurrenceChoice> out;
    for (const db::Row& row : session.query(
             "SELECT o.id, COALESCE(o.title, e.title), o.starts_at FROM event_occurrences o "
             "JOIN events e ON e.id = o.event_id WHERE e.network_id = ? AND o.starts_at > ? "
             "AND o.status = 'scheduled' ORDER BY o.starts_at LIMIT 50",
             {network_id, unix_now()})) {
      out.push_back(OccurrenceChoice{row.int64(0), row.text(1), row.int64(2)});
    }
    return out;
  });
}

// --- the job

std::int64_t Service::send_due(std::int64_t now_ms) {
  const auto ids = database_.read([](db::Session& session) { return store::sending_campaign_ids(session); });
  std::int64_t handed = 0;
  for (std::int64_t id : ids) {
    try {
      handed += send_campaign(id, now_ms);
    } catch (const std::exception& error) {
      spdlog::error("campaign {}: sending failed, trying again on the next run: {}", id, error.what());
    }
  }
  return handed;
}

std::int64_t Service::send_campaign(std::int64_t campaign_id, std::int64_t now_ms) {
  const auto started = std::chrono::steady_clock::now();
  const db::Backend backend = database_.backend();
  std::int64_t total = 0;
  while (true) {
    bool unlimited = false;
    const std::int64_t handed = database_.write([&](db::Session& session) -> std::int64_t {
      // Locked for the whole hand-over: a second instance waits, then finds these recipients handed.
      auto campaign = store::lock_campaign(session, backend, campaign_id);
      if (!campaign || campaign->status != Status::Sending) return 0;
      unlimited = campaign->draft.rate_per_minute == 0;
      std::int64_t limit = options_.batch_size;
      if (!unlimited) {
        // A token bucket: the campaign may catch up on at most one second it missed (a slow run),
        // never on the time it was paused or the server was down.
        const std::int64_t interval_ms = std::max<std::int64_t>(1, 60000 / campaign->draft.rate_per_minute);
        const std::int64_t base = std::max(campaign->next_send_ms, now_ms - std::max<std::int64_t>(interval_ms, 1000));
        limit = std::min(limit, (now_ms - base) / interval_ms);
        if (limit <= 0) return 0;
        store::set_next_send_ms(session, campaign_id, base + limit * interval_ms);
      }
      const std::int64_t now = now_ms / 1000;
      std::int64_t count = 0;
      const auto pending = store::next_queued(session, campaign_id, limit);
      for (const store::Pending& recipient : pending) {
        // Checked again now, just before the outbox gets the message: an unsubscribe, bounce or
        // erasure since the campaign started wins.
        std::string reason;
        if (!recipient.mailable) {
          reason = "unsubscribed";
        } else if (auto suppressed = contacts::suppression_reason(session, campaign->network_id, recipient.email)) {
          reason = *suppressed;
        } else if (!mail::is_valid_address(recipient.email)) {
          reason = "invalid";
        }
        if (!reason.empty()) {
          store::mark_skipped(session, campaign_id, recipient.contact_id, reason);
          continue;
        }
        const mail::Message message = compose(*campaign, recipient.contact_id, recipient.email, recipient.name,
                                              recipient.town, recipient.organisation, false);
        const std::int64_t outbox_id = mail::enqueue(session, message);
        if (!store::mark_handed(session, campaign_id, recipient.contact_id, outbox_id, now)) {
          throw std::logic_error("a queued recipient was handed twice");  // rolls the whole batch back
        }
        contacts::mark_mailed(session, recipient.contact_id, now);
        ++count;
      }
      if (static_cast<std::int64_t>(pending.size()) < limit && store::count_queued(session, campaign_id) == 0) {
        store::set_status(session, campaign_id, Status::Done, now);
      }
      return count;
    });
    total += handed;
    if (!unlimited || handed < options_.batch_size ||
        std::chrono::steady_clock::now() - started >= options_.keep_going_for) {
      break;
    }
  }
  return total;
}

void Service::on_delivery(db::Session& session, const mail::DeliveryOutcome& outcome, std::int64_t now) const {
  if (outcome.kind != kMessageKind) return;
  const std::string state = outcome.sent ? "sent" : outcome.permanent ? "bounced" : "failed";
  const auto recipient = store::record_outcome(session, outcome.outbox_id, state, now);
  // A permanent refusal: no campaign of this network mails the address again.
  if (recipient && outcome.permanent) {
    contacts::mark_bounced(session, recipient->network_id, outcome.to_address, outcome.reason, now);
  }
}

// --- the personal link

std::string Service::link_token(std::int64_t contact_id, std::int64_t campaign_id) const {
  const std::string message = std::to_string(contact_id) + "." + std::to_string(campaign_id);
  return message + "." + site_.sign(kLinkPurpose, message);
}

std::string Service::personal_url(std::int64_t contact_id, std::int64_t campaign_id) const {
  return public_url() + "/c/" + link_token(contact_id, campaign_id);
}

std::optional<LinkTarget> Service::verify(std::string_view token) const {
  if (token.size() > 200) return std::nullopt;
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto number = [](std::string_view text) -> std::optional<std::int64_t> {
    std::int64_t value = 0;
    if (text.empty() || text.size() > 18) return std::nullopt;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || value <= 0) return std::nullopt;
    return value;
  };
  const auto contact = number(token.substr(0, first));
  const auto campaign = number(token.substr(first + 1, second - first - 1));
  if (!contact || !campaign) return std::nullopt;
  if (!site_.signature_ok(kLinkPurpose, token.substr(0, second), token.substr(second + 1))) return std::nullopt;
  const LinkTarget target{*contact, *campaign};
  // A signed link of an erased contact (or deleted campaign) leads nowhere.
  const bool known = database_.read(
      [&](db::Session& session) { return store::is_recipient(session, target.campaign_id, target.contact_id); });
  if (!known) return std::nullopt;
  return target;
}

std::optional<ContactPage> Service::contact_page(const LinkTarget& target) const {
  return database_.read([&](db::Session& session) -> std::optional<ContactPage> {
    auto contact = contacts::find_contact(session, target.contact_id);
    auto campaign = store::find_campaign(session, target.campaign_id);
    if (!contact || !campaign) return std::nullopt;
    ContactPage page;
    page.target = target;
    page.name = contact->name;
    page.email = contact->email;
    page.language = contact->language;
    if (auto row = session.query_one("SELECT name FROM networks WHERE id = ?", {campaign->network_id})) {
      page.network_name = row->text(0);
    }
    if (contact->response) page.response = std::string(contacts::to_string(*contact->response));
    page.unsubscribed = contact->unsubscribed_at.has_value();
    if (campaign->draft.occurrence_id) {
      if (auto row = session.query_one(
              "SELECT o.id, COALESCE(o.title, e.title), o.starts_at FROM event_occurrences o JOIN events e ON "
              "e.id = o.event_id WHERE o.id = ? AND o.status = 'scheduled' AND o.starts_at > ?",
              {*campaign->draft.occurrence_id, unix_now()})) {
        page.occurrence = OccurrenceChoice{row->int64(0), row->text(1), row->int64(2)};
      }
      page.registered = session
                            .query_one("SELECT 1 FROM campaign_registrations WHERE contact_id = ? AND occurrence_id = ?",
                                       {target.contact_id, *campaign->draft.occurrence_id})
                            .has_value();
    }
    return page;
  });
}

Result<Done> Service::respond(const LinkTarget& target, std::string_view response_text) {
  using R = Result<Done>;
  const auto response = contacts::response_from(response_text);
  if (!response) return R::fail(Failure::Invalid, "response", "campaigns.error.response_invalid");
  return database_.write([&](db::Session& session) -> R {
    const std::int64_t now = unix_now();
    if (!contacts::record_response(session, target.contact_id, *response, now))
      return R::fail(Failure::NotFound, "", "campaigns.error.link_invalid");
    store::record_response(session, target.campaign_id, target.contact_id, std::string(response_text), now);
    return R::of(Done{});
  });
}

Result<Done> Service::register_for_event(const LinkTarget& target, std::string_view name) {
  using R = Result<Done>;
  const auto page = contact_page(target);
  if (!page) return R::fail(Failure::NotFound, "", "campaigns.error.link_invalid");
  if (!page->occurrence) return R::fail(Failure::Conflict, "", "campaigns.error.no_event");
  events::GuestRegistration registration;
  registration.name = blank(name) ? page->name : std::string(name);
  registration.email = page->email;
  registration.language = page->language;
  auto registered = events_.register_guest(page->occurrence->id, registration);
  if (!registered.ok()) {
    const events::Error& error = *registered.error;
    return R::fail(error.failure == events::Failure::NotFound ? Failure::NotFound
                   : error.failure == events::Failure::Conflict ? Failure::Conflict
                                                                : Failure::Invalid,
                   error.field, error.message_key);
  }
  database_.write([&](db::Session& session) {
    store::record_registration(session, target.campaign_id, target.contact_id, page->occurrence->id, unix_now());
  });
  return R::of(Done{});
}

bool Service::unsubscribe(const LinkTarget& target) {
  return database_.write(
      [&](db::Session& session) { return contacts::mark_unsubscribed(session, target.contact_id, unix_now()); });
}

nlohmann::json Service::export_data(const LinkTarget& target) const {
  return database_.read([&](db::Session& session) {
    nlohmann::json data = contacts::export_contact(session, target.contact_id);
    nlohmann::json mailings = nlohmann::json::array();
    for (const db::Row& row : session.query(
             "SELECT k.subject, r.handed_at, r.outcome, r.response, r.responded_at, r.registered_at FROM "
             "campaign_recipients r JOIN campaigns k ON k.id = r.campaign_id WHERE r.contact_id = ? AND r.state = "
             "'handed' ORDER BY r.handed_at",
             {target.contact_id})) {
      mailings.push_back({{"subject", row.text(0)},
                          {"mailed_at", row.int64(1)},
                          {"delivery", row.text(2)},
                          {"response", row.text(3)},
                          {"responded_at", row.optional_int64(4) ? nlohmann::json(*row.optional_int64(4)) : nlohmann::json()},
                          {"registered_at",
                           row.optional_int64(5) ? nlohmann::json(*row.optional_int64(5)) : nlohmann::json()}});
    }
    if (data.is_null()) data = nlohmann::json::object();
    data["campaigns"] = std::move(mailings);
    return data;
  });
}

bool Service::erase(const LinkTarget& target) {
  return database_.write([&](db::Session& session) {
    auto contact = contacts::find_contact(session, target.contact_id);
    if (!contact) return false;
    // The messages themselves hold their name and address too.
    mail::forget_recipient(session, contact->email);
    return contacts::erase_contact(session, target.contact_id, "erased", unix_now());
  });
}

}  // namespace campaigns
