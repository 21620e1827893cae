#include "campaigns/routes.h"

#include <cstdio>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "campaigns/merge.h"
#include "events/format.h"
#include "http/parsers.h"

namespace campaigns {

namespace {

using kainjow::mustache::data;
using kainjow::mustache::list;

constexpr std::string_view kTimezone = "Europe/Amsterdam";

std::string percent(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", rate * 100.0);
  return text;
}

std::string duration_text(std::optional<std::int64_t> seconds, std::string_view language) {
  if (!seconds) return "–";
  char text[48];
  if (*seconds < 2 * 3600) {
    std::snprintf(text, sizeof text, "%lld min", static_cast<long long>(*seconds / 60));
  } else if (*seconds < 3 * 86400) {
    std::snprintf(text, sizeof text, "%.1f %s", static_cast<double>(*seconds) / 3600.0, language == "en" ? "h" : "uur");
  } else {
    std::snprintf(text, sizeof text, "%.1f %s", static_cast<double>(*seconds) / 86400.0,
                  language == "en" ? "days" : "dagen");
  }
  return text;
}

data funnel_data(const web::Site& site, const Funnel& funnel, std::string_view language) {
  list steps;
  nlohmann::json chart = {{"labels", nlohmann::json::array()}, {"counts", nlohmann::json::array()}};
  for (const FunnelStep& step : funnel.steps) {
    data row;
    const std::string label(site.text(language, "campaigns.funnel." + step.key));
    row.set("label", label);
    row.set("count", std::to_string(step.count));
    row.set("rate", step.key == "contacted" ? std::string("") : percent(step.rate));
    row.set("median", step.key == "contacted" ? std::string("") : duration_text(step.median_seconds, language));
    steps.push_back(row);
    chart["labels"].push_back(label);
    chart["counts"].push_back(step.count);
  }
  data out;
  out.set("steps", steps);
  // For the chart script: JSON inside a <script type="application/json">, '<' escaped so it cannot end it.
  std::string json = chart.dump();
  std::string safe;
  for (char c : json) safe += c == '<' ? std::string("\\u003c") : std::string(1, c);
  out.set("chart_json", safe);
  return out;
}

Draft draft_from(const http::FormData& form) {
  Draft draft;
  draft.name = std::string(form.value_or("naam", ""));
  draft.subject = std::string(form.value_or("onderwerp", ""));
  draft.body = std::string(form.value_or("tekst", ""));
  draft.language = std::string(form.value_or("taal", "nl"));
  draft.segment.region = std::string(form.value_or("regio", ""));
  draft.segment.town = std::string(form.value_or("plaats", ""));
  draft.segment.discipline = std::string(form.value_or("vakgebied", ""));
  draft.segment.source = std::string(form.value_or("bron", ""));
  draft.segment.only_not_responded = form.get("nog_niet_gereageerd").has_value();
  if (auto id = http::parse_id(form.value_or("bijeenkomst", ""))) draft.occurrence_id = *id;
  const std::string_view rate = form.value_or("tempo", "0");
  if (rate.empty()) {
    draft.rate_per_minute = 0;
  } else {
    std::int64_t value = -1;
    try {
      std::size_t used = 0;
      value = std::stoll(std::string(rate), &used);
      if (used != rate.size()) value = -1;
    } catch (const std::exception&) {
      value = -1;
    }
    draft.rate_per_minute = value;
  }
  return draft;
}

class Routes {
 public:
  Routes(const web::Site& site, Service& campaigns, regions::Service& regions, RouteOptions options)
      : site_(site), campaigns_(campaigns), regions_(regions), options_(std::move(options)) {}

  // --- coordinators

  http::Response list_page(const http::Request& request) {
    auto network = network_of(request.path_param("slug"));
    if (!network) return site_.error_page(&request, 404);
    if (auto refusal = refuse_visitor(request)) return *refusal;
    auto campaigns = campaigns_.list(request.viewer, network->id);
    if (!campaigns.ok()) return site_.error_page(&request, 403);
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, "campaigns.list.title")));
    page.set("network_name", network->name);
    page.set("slug", network->slug);
    list items;
    for (const Campaign& campaign : *campaigns.value) {
      data item;
      item.set("id", std::to_string(campaign.id));
      item.set("name", campaign.draft.name);
      item.set("status", std::string(site_.text(language, "campaigns.status." + std::string(to_string(campaign.status)))));
      items.push_back(item);
    }
    page.set("campaigns", items);
    page.set("has_campaigns", !campaigns.value->empty());
    auto funnel = campaigns_.funnel(request.viewer, network->id, 0);
    page.set("funnel", funnel_data(site_, *funnel.value, language));
    page.set("funnel_csv", "/netwerken/" + network->slug + "/campagnes/trechter.csv");
    set_chart(page);
    return site_.page(request, "campaigns/list", std::move(page));
  }

  http::Response network_funnel_csv(const http::Request& request) {
    auto network = network_of(request.path_param("slug"));
    if (!network) return site_.error_page(&request, 404);
    auto funnel = campaigns_.funnel(request.viewer, network->id, 0);
    if (!funnel.ok()) return site_.error_page(&request, !request.viewer ? 404 : 403);
    return csv_response(campaigns_.funnel_csv(*funnel.value, site_.language_of(request)), "trechter-" + network->slug);
  }

  http::Response new_form(const http::Request& request) {
    auto network = network_of(request.path_param("slug"));
    if (!network) return site_.error_page(&request, 404);
    if (auto refusal = refuse_visitor(request)) return *refusal;
    if (!campaigns_.list(request.viewer, network->id).ok()) return site_.error_page(&request, 403);
    Draft draft;
    draft.body = std::string(site_.text(site_.language_of(request), "campaigns.form.example_body"));
    return form_page(request, *network, std::nullopt, draft, {}, "", 200);
  }

  http::Response create(const http::Request& request) {
    auto network = network_of(request.path_param("slug"));
    if (!network) return site_.error_page(&request, 404);
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    const Draft draft = draft_from(form);
    auto created = campaigns_.create(request.viewer, network->id, draft);
    if (!created.ok()) return failure_page(request, *network, std::nullopt, draft, *created.error);
    return redirect_with_flash("/campagnes/" + std::to_string(created.value->id), "campaigns.flash.saved");
  }

  http::Response edit_form(const http::Request& request) {
    auto campaign = campaign_of(request);
    if (!campaign.ok()) return error(request, *campaign.error);
    auto network = network_by_id(campaign.value->network_id);
    return form_page(request, *network, campaign.value->id, campaign.value->draft, {}, "", 200);
  }

  http::Response update(const http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    auto campaign = campaign_of(request);
    if (!campaign.ok()) return error(request, *campaign.error);
    const Draft draft = draft_from(form);
    auto updated = campaigns_.update(request.viewer, campaign.value->id, draft);
    auto network = network_by_id(campaign.value->network_id);
    if (!updated.ok()) return failure_page(request, *network, campaign.value->id, draft, *updated.error);
    return redirect_with_flash("/campagnes/" + std::to_string(campaign.value->id), "campaigns.flash.saved");
  }

  http::Response show(const http::Request& request) {
    auto campaign = campaign_of(request);
    if (!campaign.ok()) return error(request, *campaign.error);
    const Campaign& c = *campaign.value;
    const std::string_view language = site_.language_of(request);
    auto network = network_by_id(c.network_id);
    data page;
    page.set("title", c.draft.name);
    page.set("id", std::to_string(c.id));
    page.set("name", c.draft.name);
    page.set("subject", c.draft.subject);
    page.set("slug", network ? network->slug : "");
    page.set("network_name", network ? network->name : "");
    page.set("status", std::string(site_.text(language, "campaigns.status." + std::string(to_string(c.status)))));
    page.set("is_draft", c.status == Status::Draft);
    page.set("is_sending", c.status == Status::Sending);
    page.set("is_paused", c.status == Status::Paused);
    page.set("rate", c.draft.rate_per_minute == 0 ? std::string(site_.text(language, "campaigns.show.no_rate"))
                                                   : std::to_string(c.draft.rate_per_minute));
    const std::int64_t audience = campaigns_.audience_count(request.viewer, c.id).value.value_or(0);
    page.set("audience", std::to_string(audience));
    page.set("no_audience", audience == 0);
    const Progress progress = campaigns_.progress(request.viewer, c.id).value.value_or(Progress{});
    for (const auto& [key, value] : {std::pair{"total", progress.total}, {"queued", progress.queued},
                                     {"handed", progress.handed}, {"sent", progress.sent}, {"failed", progress.failed},
                                     {"bounced", progress.bounced}, {"skipped", progress.skipped}}) {
      page.set(key, std::to_string(value));
    }
    page.set("started", c.status != Status::Draft);
    auto funnel = campaigns_.funnel(request.viewer, c.network_id, c.id);
    page.set("funnel", funnel_data(site_, *funnel.value, language));
    page.set("funnel_csv", "/campagnes/" + std::to_string(c.id) + "/trechter.csv");
    set_chart(page);
    return site_.page(request, "campaigns/show", std::move(page));
  }

  http::Response campaign_funnel_csv(const http::Request& request) {
    auto campaign = campaign_of(request);
    if (!campaign.ok()) return error(request, *campaign.error);
    auto funnel = campaigns_.funnel(request.viewer, campaign.value->network_id, campaign.value->id);
    return csv_response(campaigns_.funnel_csv(*funnel.value, site_.language_of(request)),
                        "trechter-campagne-" + std::to_string(campaign.value->id));
  }

  http::Response action(const http::Request& request, std::string_view which) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    auto campaign = campaign_of(request);
    if (!campaign.ok()) return error(request, *campaign.error);
    const std::int64_t id = campaign.value->id;
    std::optional<Error> failure;
    std::string flash;
    if (which == "test") {
      auto done = campaigns_.test_send(request.viewer, id);
      if (!done.ok()) failure = done.error;
      flash = "campaigns.flash.test_sent";
    } else if (which == "start") {
      auto done = campaigns_.start(request.viewer, id);
      if (!done.ok()) failure = done.error;
      flash = "campaigns.flash.started";
    } else if (which == "pause") {
      auto done = campaigns_.pause(request.viewer, id);
      if (!done.ok()) failure = done.error;
      flash = "campaigns.flash.paused";
    } else {
      auto done = campaigns_.resume(request.viewer, id);
      if (!done.ok()) failure = done.error;
      flash = "campaigns.flash.resumed";
    }
    if (failure) {
      // No audience (or a campaign no longer in that state): the status page again, with the reason.
      const std::string_view language = site_.language_of(request);
      data page;
      page.set("title", std::string(site_.text(language, "campaigns.error.title")));
      page.set("message", std::string(site_.text(language, failure->message_key)));
      page.set("back", "/campagnes/" + std::to_string(id));
      return site_.page(request, "campaigns/refused", std::move(page), http_status(failure->failure));
    }
    return redirect_with_flash("/campagnes/" + std::to_string(id), flash);
  }

  // --- the contact's personal page

  http::Response contact(const http::Request& request) {
    auto target = campaigns_.verify(request.path_param("token"));
    if (!target) return invalid_link(request);
    auto page_data = campaigns_.contact_page(*target);
    if (!page_data) return invalid_link(request);
    return contact_page(request, *page_data, "", 200);
  }

  http::Response example(const http::Request& request) {
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, "campaigns.contact.example_title")));
    page.set("message", std::string(site_.text(language, "campaigns.contact.example")));
    return site_.page(request, "campaigns/link_invalid", std::move(page));
  }

  http::Response respond(const http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    auto target = campaigns_.verify(request.path_param("token"));
    if (!target) return invalid_link(request);
    auto done = campaigns_.respond(*target, form.value_or("reactie", ""));
    if (!done.ok()) return contact_error(request, *target, *done.error);
    return redirect_with_flash(contact_path(request), "campaigns.flash.responded");
  }

  http::Response register_event(const http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    auto target = campaigns_.verify(request.path_param("token"));
    if (!target) return invalid_link(request);
    auto done = campaigns_.register_for_event(*target, form.value_or("naam", ""));
    if (!done.ok()) return contact_error(request, *target, *done.error);
    return redirect_with_flash(contact_path(request), "campaigns.flash.registered");
  }

  http::Response unsubscribe_page(const http::Request& request) {
    auto target = campaigns_.verify(request.path_param("token"));
    if (!target) return invalid_link(request);
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, "campaigns.unsubscribe.title")));
    page.set("action", request.path);
    page.set("confirm", true);
    http::Response response = site_.page(request, "campaigns/unsubscribe", std::move(page));
    response.headers.set("Referrer-Policy", "no-referrer");
    return response;
  }

  // RFC 8058: mail clients POST "List-Unsubscribe=One-Click" here without cookies. The signed token is
  // the only authorisation, so no CSRF token is asked: a forged request can only unsubscribe the
  // token's own contact, which is harmless.
  http::Response unsubscribe(const http::Request& request) {
    auto target = campaigns_.verify(request.path_param("token"));
    if (!target) return invalid_link(request);
    campaigns_.unsubscribe(*target);
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, "campaigns.unsubscribe.title")));
    page.set("done", true);
    return site_.page(request, "campaigns/unsubscribe", std::move(page));
  }

  http::Response personal_data(const http::Request& request) {
    auto target = campaigns_.verify(request.path_param("token"));
    if (!target) return invalid_link(request);
    http::Response response;
    response.status = 200;
    response.body = campaigns_.export_data(*target).dump(2);
    response.headers.set("Content-Type", "application/json; charset=utf-8");
    response.headers.set("Content-Disposition", "attachment; filename=\"mijn-gegevens.json\"");
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("Referrer-Policy", "no-referrer");
    return response;
  }

  http::Response erase(const http::Request& request) {
    const http::FormData form = http::FormData::parse(request.body);
    if (!site_.csrf_ok(request, form)) return site_.error_page(&request, 403);
    auto target = campaigns_.verify(request.path_param("token"));
    if (!target) return invalid_link(request);
    campaigns_.erase(*target);
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, "campaigns.erased.title")));
    page.set("message", std::string(site_.text(language, "campaigns.erased.message")));
    return site_.page(request, "campaigns/link_invalid", std::move(page));
  }

 private:
  std::optional<regions::Network> network_of(std::string_view slug) {
    for (regions::Network& network : regions_.networks()) {
      if (network.slug == slug) return std::move(network);
    }
    return std::nullopt;
  }
  std::optional<regions::Network> network_by_id(std::int64_t id) {
    for (regions::Network& network : regions_.networks()) {
      if (network.id == id) return std::move(network);
    }
    return std::nullopt;
  }

  std::optional<http::Response> refuse_visitor(const http::Request& request) {
    if (request.viewer) return std::nullopt;
    http::Response response;
    response.status = 303;
    response.headers.set("Location", "/inloggen?next=" + web::local_path_or_root(request.path));
    return response;
  }

  Result<Campaign> campaign_of(const http::Request& request) {
    auto id = http::parse_id(request.path_param("id"));
    if (!id) return Result<Campaign>::fail(Failure::NotFound, "", "campaigns.error.not_found");
    return campaigns_.find(request.viewer, *id);
  }

  http::Response error(const http::Request& request, const Error& failure) {
    if (failure.failure == Failure::NotFound && !request.viewer) {
      if (auto refusal = refuse_visitor(request)) return *refusal;
    }
    return site_.error_page(&request, http_status(failure.failure));
  }

  http::Response redirect_with_flash(const std::string& location, std::string_view flash) {
    http::Response response;
    response.status = 303;
    response.headers.set("Location", location);
    site_.set_flash(response, flash);
    return response;
  }

  http::Response csv_response(std::string body, const std::string& name) {
    http::Response response;
    response.status = 200;
    response.body = "\xEF\xBB\xBF" + body;  // a BOM, so spreadsheet programs read UTF-8
    response.headers.set("Content-Type", "text/csv; charset=utf-8");
    response.headers.set("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
    response.headers.set("Cache-Control", "private, no-store");
    return response;
  }

  void set_chart(data& page) {
    if (options_.chart_script_url.empty()) return;
    // Inside the funnel section's {{#funnel}} block the page's own values are still in reach.
    page.set("chart_script", options_.chart_script_url);
    page.set("chart_style", options_.chart_style_url);
  }

  http::Response form_page(const http::Request& request, const regions::Network& network,
                           std::optional<std::int64_t> id, const Draft& draft, const web::FormErrors& errors,
                           const std::string& detail, int status) {
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, id ? "campaigns.form.edit_title" : "campaigns.form.new_title")));
    page.set("action", id ? "/campagnes/" + std::to_string(*id) + "/bewerken" : "/netwerken/" + network.slug + "/campagnes/nieuw");
    page.set("network_name", network.name);
    page.set("name", draft.name);
    page.set("subject", draft.subject);
    page.set("body", draft.body);
    page.set("lang_nl", draft.language != "en");
    page.set("lang_en", draft.language == "en");
    page.set("region", draft.segment.region);
    page.set("town", draft.segment.town);
    page.set("discipline", draft.segment.discipline);
    page.set("source", draft.segment.source);
    page.set("only_not_responded", draft.segment.only_not_responded);
    page.set("rate", draft.rate_per_minute > 0 ? std::to_string(draft.rate_per_minute) : std::string());
    page.set("fields", "{naam}, {voornaam}, {plaats}, {organisatie}");
    list occurrences;
    for (const OccurrenceChoice& choice : campaigns_.upcoming_occurrences(network.id)) {
      data item;
      item.set("id", std::to_string(choice.id));
      item.set("label", choice.title + " — " + events::format_date(choice.starts_at, kTimezone, language));
      item.set("selected", draft.occurrence_id == choice.id);
      occurrences.push_back(item);
    }
    page.set("occurrences", occurrences);
    page.set("no_occurrence", !draft.occurrence_id);
    if (!detail.empty()) page.set("error_detail", detail);
    errors.add_to(page, site_.catalog(), language);
    return site_.page(request, "campaigns/form", std::move(page), status);
  }

  http::Response failure_page(const http::Request& request, const regions::Network& network,
                              std::optional<std::int64_t> id, const Draft& draft, const Error& failure) {
    if (failure.failure != Failure::Invalid) return error(request, failure);
    web::FormErrors errors;
    errors.add(failure.field, failure.message_key);
    return form_page(request, network, id, draft, errors, failure.detail, 422);
  }

  std::string contact_path(const http::Request& request) {
    return "/c/" + std::string(request.path_param("token"));
  }

  http::Response invalid_link(const http::Request& request) {
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, "campaigns.contact.invalid_title")));
    page.set("message", std::string(site_.text(language, "campaigns.error.link_invalid")));
    http::Response response = site_.page(request, "campaigns/link_invalid", std::move(page), 404);
    response.headers.set("Referrer-Policy", "no-referrer");
    return response;
  }

  http::Response contact_error(const http::Request& request, const LinkTarget& target, const Error& failure) {
    auto page_data = campaigns_.contact_page(target);
    if (!page_data) return invalid_link(request);
    return contact_page(request, *page_data, failure.message_key, http_status(failure.failure));
  }

  http::Response contact_page(const http::Request& request, const ContactPage& contact, const std::string& error_key,
                              int status) {
    const std::string_view language = site_.language_of(request);
    data page;
    page.set("title", std::string(site_.text(language, "campaigns.contact.title")));
    page.set("name", contact.name);
    page.set("network_name", contact.network_name);
    const std::string base = contact_path(request);
    page.set("base", base);
    page.set("responded", contact.response.has_value());
    if (contact.response) {
      page.set("response_text", std::string(site_.text(language, "campaigns.response." + *contact.response)));
    }
    page.set("unsubscribed", contact.unsubscribed);
    if (contact.occurrence) {
      page.set("has_event", true);
      page.set("event_title", contact.occurrence->title);
      page.set("event_when", events::format_date(contact.occurrence->starts_at, kTimezone, language) + ", " +
                                 events::format_clock(contact.occurrence->starts_at, kTimezone));
      page.set("registered", contact.registered);
    }
    if (!error_key.empty()) page.set("error", std::string(site_.text(language, error_key)));
    http::Response response = site_.page(request, "campaigns/contact", std::move(page), status);
    response.headers.set("Referrer-Policy", "no-referrer");  // the token stays out of other sites' logs
    response.headers.set("Cache-Control", "private, no-store");
    return response;
  }

  const web::Site& site_;
  Service& campaigns_;
  regions::Service& regions_;
  RouteOptions options_;
};

}  // namespace

void register_routes(http::Router& router, const web::Site& site, Service& campaigns, regions::Service& regions,
                     RouteOptions options) {
  site.require_templates({"campaigns/list", "campaigns/form", "campaigns/show", "campaigns/refused",
                          "campaigns/contact", "campaigns/link_invalid", "campaigns/unsubscribe",
                          "mail/campaigns_message_html"});
  auto routes = std::make_shared<Routes>(site, campaigns, regions, std::move(options));
  using Page = http::Response (Routes::*)(const http::Request&);
  auto bind = [&](Page page) { return [routes, page](http::Request& request) { return ((*routes).*page)(request); }; };
  auto bind_action = [&](std::string which) {
    return [routes, which](http::Request& request) { return routes->action(request, which); };
  };
  router.get("/netwerken/{slug}/campagnes", bind(&Routes::list_page));
  router.get("/netwerken/{slug}/campagnes/trechter.csv", bind(&Routes::network_funnel_csv));
  router.get("/netwerken/{slug}/campagnes/nieuw", bind(&Routes::new_form));
  router.post("/netwerken/{slug}/campagnes/nieuw", bind(&Routes::create));
  router.get("/campagnes/{id}", bind(&Routes::show));
  router.get("/campagnes/{id}/bewerken", bind(&Routes::edit_form));
  router.post("/campagnes/{id}/bewerken", bind(&Routes::update));
  router.get("/campagnes/{id}/trechter.csv", bind(&Routes::campaign_funnel_csv));
  router.post("/campagnes/{id}/test", bind_action("test"));
  router.post("/campagnes/{id}/versturen", bind_action("start"));
  router.post("/campagnes/{id}/pauzeren", bind_action("pause"));
  router.post("/campagnes/{id}/hervatten", bind_action("resume"));
  router.get("/c/voorbeeld", bind(&Routes::example));
  router.get("/c/{token}", bind(&Routes::contact));
  router.post("/c/{token}/reactie", bind(&Routes::respond));
  router.post("/c/{token}/aanmelden", bind(&Routes::register_event));
  router.get("/c/{token}/afmelden", bind(&Routes::unsubscribe_page));
  router.post("/c/{token}/afmelden", bind(&Routes::unsubscribe));
  router.get("/c/{token}/gegevens", bind(&Routes::personal_data));
  router.post("/c/{token}/wissen", bind(&Routes::erase));
}

}  // namespace campaigns
