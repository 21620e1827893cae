#include "auth/routes.h"

#include <charconv>
#include <ctime>

#include "http/parsers.h"
#include "web/form_errors.h"

namespace auth {

namespace {

using kainjow::mustache::data;

constexpr std::string_view kSignUpTemplate = "auth/sign_up";
constexpr std::string_view kCheckMailTemplate = "auth/check_mail";
constexpr std::string_view kSignInTemplate = "auth/sign_in";
constexpr std::string_view kForgotTemplate = "auth/forgot";
constexpr std::string_view kForgotSentTemplate = "auth/forgot_sent";
constexpr std::string_view kResetTemplate = "auth/reset";
constexpr std::string_view kLinkTemplate = "auth/sign_in_link";
constexpr std::string_view kLinkInvalidTemplate = "auth/link_invalid";
constexpr std::string_view kApplicationsTemplate = "auth/applications";
constexpr std::string_view kInvitationsTemplate = "auth/invitations";

// An invalid or used link: the resource it named is gone.
constexpr int kLinkGoneStatus = 410;
constexpr int kTooManyRequests = 429;
constexpr int kUnprocessable = 422;

std::string text(const web::Site& site, const http::Request& request, std::string_view key) {
  return std::string(site.text(site.language_of(request), key));
}

data titled(const web::Site& site, const http::Request& request, std::string_view title_key) {
  data page;
  page.set("title", text(site, request, title_key));
  return page;
}

void add_errors(data& page, const web::Site& site, const http::Request& request,
                const std::vector<FieldError>& errors) {
  web::FormErrors form_errors;
  for (const auto& error : errors) form_errors.add(error.field, error.message_key);
  form_errors.add_to(page, site.catalog(), site.language_of(request));
}

std::string date_of(std::int64_t unix_seconds) {
  const auto time = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &parts);
  return buffer;
}

void set_session(const Service& service, http::Response& response, std::string token) {
  response.headers.add(
      "Set-Cookie",
      session_cookie(std::move(token), service.secure_cookies(), service.options().sessions).to_header());
}

http::Response forbidden_form(const web::Site& site, const http::Request& request) {
  return site.error_page(&request, 403);
}

data network_data(const NetworkAccess& network) {
  data item;
  item.set("slug", network.slug);
  item.set("name", network.name);
  return item;
}

// --- sign-up

std::string sign_up_path(const NetworkAccess& network, bool primary) {
  return primary ? std::string("/aanmelden") : "/netwerken/" + network.slug + "/aanmelden";
}

struct SignUpValues {
  std::string name;
  std::string email;
  std::string invitation;
};

http::Response sign_up_page(const web::Site& site, Service& service, const http::Request& request,
                            const NetworkAccess& network, bool primary, const SignUpValues& values,
                            const std::vector<FieldError>& errors, int status) {
  data page = titled(site, request, "auth.sign_up.title");
  page.set("network", network_data(network));
  page.set("action", sign_up_path(network, primary));
  page.set("name", values.name);
  page.set("email", values.email);
  page.set("invitation", values.invitation);
  page.set("mode_approval", network.signup_mode == SignupMode::Approval);
  const bool needs_invitation = network.signup_mode == SignupMode::Invitation &&
                                !service.invitation_valid(network.slug, values.invitation);
  if (request.viewer) {
    page.set("signed_in", true);
    page.set("viewer_name", request.viewer->name);
    const auto membership = service.membership(request.viewer->account_id, network.id);
    page.set("already_member", membership && membership->status == MembershipStatus::Active);
    page.set("already_pending", membership && membership->status == MembershipStatus::Pending);
    page.set("invitation_needed", needs_invitation);
  } else if (needs_invitation) {
    page.set("invitation_needed", true);
    if (status == 200) status = 403;
  } else {
    page.set("show_form", true);
  }
  add_errors(page, site, request, errors);
  return site.page(request, kSignUpTemplate, std::move(page), status);
}

std::optional<NetworkAccess> sign_up_network(Service& service, const http::Request& request, bool primary) {
  return primary ? service.primary_network() : service.network(request.path_param("slug"));
}

http::Response show_sign_up(const web::Site& site, Service& service, const http::Request& request,
                            bool primary) {
  const auto network = sign_up_network(service, request, primary);
  if (!network) return site.error_page(&request, 404);
  const auto query = http::FormData::parse(request.query);
  SignUpValues values;
  values.invitation = std::string(query.value_or("uitnodiging", ""));
  return sign_up_page(site, service, request, *network, primary, values, {}, 200);
}

http::Response post_sign_up(const web::Site& site, Service& service, const http::Request& request,
                            bool primary) {
  const auto form = http::FormData::parse(request.body);
  if (!site.csrf_ok(request, form)) return forbidden_form(site, request);
  const auto network = sign_up_network(service, request, primary);
  if (!network) return site.error_page(&request, 404);
  SignUpValues values;
  values.name = std::string(form.value_or("name", ""));
  values.email = std::string(form.value_or("email", ""));
  values.invitation = std::string(form.value_or("uitnodiging", ""));

  if (request.viewer) {
    // Signed in already: joining this network is one click (the account exists).
    const JoinResult joined = service.join(request.viewer->account_id, network->slug, values.invitation);
    switch (joined.outcome) {
      case JoinResult::Outcome::Joined: {
        auto response = http::Response::redirect("/netwerken/" + network->slug);
        site.set_flash(response, "flash.auth.joined");
        return response;
      }
      case JoinResult::Outcome::Pending:
      case JoinResult::Outcome::AlreadyMember:
        return sign_up_page(site, service, request, *network, primary, values, {}, 200);
      case JoinResult::Outcome::InvitationInvalid:
        return sign_up_page(site, service, request, *network, primary, values, {}, 403);
      case JoinResult::Outcome::NetworkNotFound:
        return site.error_page(&request, 404);
    }
  }

  SignUp sign_up;
  sign_up.network_slug = network->slug;
  sign_up.name = values.name;
  sign_up.email = values.email;
  sign_up.password = std::string(form.value_or("password", ""));
  sign_up.language = std::string(site.language_of(request));
  sign_up.invitation_token = values.invitation;
  const SignUpResult result = service.sign_up(sign_up);
  switch (result.outcome) {
    case SignUpResult::Outcome::CheckMail:
      return http::Response::redirect("/aanmelden/verstuurd");
    case SignUpResult::Outcome::NetworkNotFound:
      return site.error_page(&request, 404);
    case SignUpResult::Outcome::InvitationInvalid:
      return sign_up_page(site, service, request, *network, primary, values, {}, 403);
    case SignUpResult::Outcome::Invalid:
      break;
  }
  return sign_up_page(site, service, request, *network, primary, values, result.errors, kUnprocessable);
}

// --- sign-in

std::string return_path_of(const http::FormData& fields) {
  return web::local_path_or_root(fields.value_or("next", "/"));
}

http::Response sign_in_page(const web::Site& site, const http::Request& request, std::string_view email,
                            std::string_view return_to, const std::vector<FieldError>& errors, int status,
                            std::string_view notice = {}) {
  data page = titled(site, request, "auth.sign_in.title");
  page.set("email", std::string(email));
  page.set("return_to", std::string(return_to));
  if (!notice.empty()) page.set("notice", std::string(notice));
  add_errors(page, site, request, errors);
  return site.page(request, kSignInTemplate, std::move(page), status);
}

http::Response post_sign_in(const web::Site& site, Service& service, const http::Request& request) {
  const auto form = http::FormData::parse(request.body);
  if (!site.csrf_ok(request, form)) return forbidden_form(site, request);
  const std::string return_to = return_path_of(form);
  const std::string email(form.value_or("email", ""));
  const SignInResult result = service.sign_in(email, form.value_or("password", ""), request.remote_address,
                                              request.header("user-agent"), request.session_token_hash);
  switch (result.outcome) {
    case SignInResult::Outcome::SignedIn: {
      auto response = http::Response::redirect(return_to);
      set_session(service, response, result.token);
      site.set_flash(response, "flash.auth.signed_in");
      return response;
    }
    case SignInResult::Outcome::Throttled: {
      const std::int64_t minutes = (result.retry_after_seconds + 59) / 60;
      std::string message = text(site, request, "auth.sign_in.throttled");
      const auto slot = message.find("{minutes}");
      if (slot != std::string::npos) message.replace(slot, 9, std::to_string(minutes));
      auto response = sign_in_page(site, request, email, return_to, {}, kTooManyRequests, message);
      response.headers.set("Retry-After", std::to_string(result.retry_after_seconds));
      return response;
    }
    case SignInResult::Outcome::Unverified:
      return sign_in_page(site, request, email, return_to, {{"email", "auth.sign_in.unverified"}}, 403);
    case SignInResult::Outcome::Invalid:
      break;
  }
  return sign_in_page(site, request, email, return_to, {{"password", "auth.sign_in.invalid"}},
                      kUnprocessable);
}

// --- links from mail

http::Response link_invalid(const web::Site& site, const http::Request& request) {
  return site.page(request, kLinkInvalidTemplate, titled(site, request, "auth.link_invalid.title"),
                   kLinkGoneStatus);
}

http::Response signed_in_redirect(const web::Site& site, const Service& service,
                                  const PasswordChangeResult& result, std::string_view flash) {
  auto response = http::Response::redirect("/");
  set_session(service, response, result.token);
  site.set_flash(response, flash);
  return response;
}

// --- coordinators

struct Coordinated {
  std::optional<NetworkAccess> network;
  std::optional<http::Response> refusal;
};

// The network of the {slug} in the path, when the viewer may coordinate it; else the answer.
Coordinated coordinated_network(const web::Site& site, Service& service, const http::Request& request) {
  Coordinated result;
  result.network = service.network(request.path_param("slug"));
  if (!result.network) {
    result.refusal = site.error_page(&request, 404);
  } else if (auto redirect = require_sign_in(request)) {
    result.refusal = std::move(redirect);
  } else if (!service.can_coordinate(*request.viewer, result.network->id)) {
    result.refusal = site.error_page(&request, 403);
  }
  return result;
}

http::Response applications_page(const web::Site& site, Service& service, const http::Request& request,
                                 const NetworkAccess& network, const std::vector<FieldError>& errors,
                                 int status) {
  data page = titled(site, request, "auth.applications.title");
  page.set("network", network_data(network));
  data modes(data::type::list);
  for (SignupMode mode : {SignupMode::Open, SignupMode::Invitation, SignupMode::Approval}) {
    data item;
    item.set("value", std::string(to_string(mode)));
    item.set("label", text(site, request, "auth.signup_mode." + std::string(to_string(mode))));
    item.set("checked", mode == network.signup_mode);
    modes.push_back(item);
  }
  page.set("modes", std::move(modes));
  const auto applications = service.applications(network.id);
  data list(data::type::list);
  for (const Application& application : applications) {
    data item;
    item.set("account_id", std::to_string(application.account_id));
    item.set("name", application.name);
    item.set("email", application.email);
    item.set("verified", application.email_verified);
    item.set("date", date_of(application.created_at));
    list.push_back(item);
  }
  page.set("has_applications", !applications.empty());
  page.set("applications", std::move(list));
  add_errors(page, site, request, errors);
  return site.page(request, kApplicationsTemplate, std::move(page), status);
}

http::Response invitations_page(const web::Site& site, Service& service, const http::Request& request,
                                const NetworkAccess& network, const std::optional<CreatedInvitation>& created,
                                std::string_view email, const std::vector<FieldError>& errors, int status) {
  data page = titled(site, request, "auth.invitations.title");
  page.set("network", network_data(network));
  page.set("invitation_mode", network.signup_mode == SignupMode::Invitation);
  page.set("email", std::string(email));
  if (created) {
    data made;
    made.set("url", created->url);
    made.set("expires", date_of(created->expires_at));
    page.set("created", made);
  }
  const auto invitations = service.recent_invitations(network.id);
  const std::int64_t now = service.now();
  data list(data::type::list);
  for (const Invitation& invitation : invitations) {
    data item;
    item.set("email", invitation.email.value_or(""));
    item.set("created", date_of(invitation.created_at));
    item.set("expires", date_of(invitation.expires_at));
    item.set("used", invitation.used_at.has_value());
    item.set("expired", !invitation.used_at && invitation.expires_at <= now);
    list.push_back(item);
  }
  page.set("has_invitations", !invitations.empty());
  page.set("invitations", std::move(list));
  add_errors(page, site, request, errors);
  return site.page(request, kInvitationsTemplate, std::move(page), status);
}

}  // namespace

std::string sign_in_url(std::string_view next) {
  const std::string local = web::local_path_or_root(next);
  return local == "/" ? std::string("/inloggen") : "/inloggen?next=" + http::percent_encode(local);
}

std::optional<http::Response> require_sign_in(const http::Request& request) {
  if (request.viewer) return std::nullopt;
  // After a POST the form is gone anyway; return to the page, not to the form's target.
  const bool get = request.method == http::Method::Get || request.method == http::Method::Head;
  return http::Response::redirect(
      sign_in_url(get ? std::string_view(request.target) : std::string_view("/")));
}

void register_routes(http::Router& router, const web::Site& site, Service& service) {
  site.require_templates({kSignUpTemplate,
                          kCheckMailTemplate,
                          kSignInTemplate,
                          kForgotTemplate,
                          kForgotSentTemplate,
                          kResetTemplate,
                          kLinkTemplate,
                          kLinkInvalidTemplate,
                          kApplicationsTemplate,
                          kInvitationsTemplate,
                          "mail/auth_verify_text",
                          "mail/auth_verify_html",
                          "mail/auth_duplicate_text",
                          "mail/auth_duplicate_html",
                          "mail/auth_reset_text",
                          "mail/auth_reset_html",
                          "mail/auth_approved_text",
                          "mail/auth_approved_html",
                          "mail/auth_rejected_text",
                          "mail/auth_rejected_html"});

  // --- sign-up
  router.get("/aanmelden", [&site, &service](http::Request& request) {
    return show_sign_up(site, service, request, true);
  });
  router.post("/aanmelden", [&site, &service](http::Request& request) {
    return post_sign_up(site, service, request, true);
  });
  router.get("/netwerken/{slug}/aanmelden", [&site, &service](http::Request& request) {
    return show_sign_up(site, service, request, false);
  });
  router.post("/netwerken/{slug}/aanmelden", [&site, &service](http::Request& request) {
    return post_sign_up(site, service, request, false);
  });
  router.get("/aanmelden/verstuurd", [&site](http::Request& request) {
    return site.page(request, kCheckMailTemplate, titled(site, request, "auth.check_mail.title"));
  });
  router.get("/bevestigen/{token}", [&site, &service](http::Request& request) {
    if (!service.verify_email(request.path_param("token"))) return link_invalid(site, request);
    auto response = http::Response::redirect(request.viewer ? "/" : "/inloggen");
    site.set_flash(response, "flash.auth.verified");
    return response;
  });

  // --- sign-in and out
  router.get("/inloggen", [&site](http::Request& request) {
    const auto query = http::FormData::parse(request.query);
    return sign_in_page(site, request, "", return_path_of(query), {}, 200);
  });
  router.post("/inloggen",
              [&site, &service](http::Request& request) { return post_sign_in(site, service, request); });
  router.post("/uitloggen", [&site, &service](http::Request& request) {
    if (!site.csrf_ok(request)) return forbidden_form(site, request);
    service.sign_out(request.session_token_hash);
    auto response = http::Response::redirect("/");
    response.headers.add("Set-Cookie", expired_session_cookie(service.secure_cookies()).to_header());
    site.set_flash(response, "flash.auth.signed_out");
    return response;
  });

  // --- one-time sign-in link
  router.get("/inloggen/link/{token}", [&site, &service](http::Request& request) {
    // Opening the link changes nothing (mail scanners open links too); the button below does.
    const auto found = service.sign_in_link(request.path_param("token"));
    if (!found) return link_invalid(site, request);
    data page = titled(site, request, "auth.sign_in_link.title");
    page.set("name", found->name);
    page.set("needs_password", found->needs_password);
    return site.page(request, kLinkTemplate, std::move(page));
  });
  router.post("/inloggen/link/{token}", [&site, &service](http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    if (!site.csrf_ok(request, form)) return forbidden_form(site, request);
    const auto result = service.use_sign_in_link(request.path_param("token"), form.value_or("password", ""),
                                                 request.remote_address, request.header("user-agent"));
    switch (result.outcome) {
      case PasswordChangeResult::Outcome::SignedIn:
        return signed_in_redirect(site, service, result, "flash.auth.signed_in");
      case PasswordChangeResult::Outcome::LinkInvalid:
        return link_invalid(site, request);
      case PasswordChangeResult::Outcome::Invalid:
        break;
    }
    const auto found = service.sign_in_link(request.path_param("token"));
    if (!found) return link_invalid(site, request);
    data page = titled(site, request, "auth.sign_in_link.title");
    page.set("name", found->name);
    page.set("needs_password", true);
    add_errors(page, site, request, result.errors);
    return site.page(request, kLinkTemplate, std::move(page), kUnprocessable);
  });

  // --- password reset
  router.get("/wachtwoord-vergeten", [&site](http::Request& request) {
    return site.page(request, kForgotTemplate, titled(site, request, "auth.forgot.title"));
  });
  router.post("/wachtwoord-vergeten", [&site, &service](http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    if (!site.csrf_ok(request, form)) return forbidden_form(site, request);
    const std::string email(form.value_or("email", ""));
    if (!is_valid_email(normalize_email(email))) {
      data page = titled(site, request, "auth.forgot.title");
      page.set("email", email);
      add_errors(page, site, request, {{"email", "auth.email.invalid"}});
      return site.page(request, kForgotTemplate, std::move(page), kUnprocessable);
    }
    service.request_password_reset(email);
    return http::Response::redirect("/wachtwoord-vergeten/verstuurd");
  });
  router.get("/wachtwoord-vergeten/verstuurd", [&site](http::Request& request) {
    return site.page(request, kForgotSentTemplate, titled(site, request, "auth.forgot.sent_title"));
  });
  router.get("/wachtwoord-herstellen/{token}", [&site, &service](http::Request& request) {
    if (!service.reset_link_valid(request.path_param("token"))) return link_invalid(site, request);
    return site.page(request, kResetTemplate, titled(site, request, "auth.reset.title"));
  });
  router.post("/wachtwoord-herstellen/{token}", [&site, &service](http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    if (!site.csrf_ok(request, form)) return forbidden_form(site, request);
    const auto result = service.reset_password(request.path_param("token"), form.value_or("password", ""),
                                               request.remote_address, request.header("user-agent"));
    switch (result.outcome) {
      case PasswordChangeResult::Outcome::SignedIn:
        return signed_in_redirect(site, service, result, "flash.auth.password_reset");
      case PasswordChangeResult::Outcome::LinkInvalid:
        return link_invalid(site, request);
      case PasswordChangeResult::Outcome::Invalid:
        break;
    }
    data page = titled(site, request, "auth.reset.title");
    add_errors(page, site, request, result.errors);
    return site.page(request, kResetTemplate, std::move(page), kUnprocessable);
  });

  // --- coordinators: applications and the sign-up mode
  router.get("/netwerken/{slug}/aanvragen", [&site, &service](http::Request& request) {
    auto access = coordinated_network(site, service, request);
    if (access.refusal) return std::move(*access.refusal);
    return applications_page(site, service, request, *access.network, {}, 200);
  });
  router.post("/netwerken/{slug}/aanvragen/{account}", [&site, &service](http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    if (!site.csrf_ok(request, form)) return forbidden_form(site, request);
    auto access = coordinated_network(site, service, request);
    if (access.refusal) return std::move(*access.refusal);
    const auto account_id = http::parse_id(request.path_param("account"));
    const std::string_view decision = form.value_or("besluit", "");
    if (decision != "goedkeuren" && decision != "afwijzen") {
      return applications_page(site, service, request, *access.network,
                               {{"besluit", "auth.applications.no_decision"}}, kUnprocessable);
    }
    const bool approve = decision == "goedkeuren";
    if (!account_id || !service.decide_application(access.network->id, *account_id, approve)) {
      return site.error_page(&request, 404);
    }
    auto response = http::Response::redirect("/netwerken/" + access.network->slug + "/aanvragen");
    site.set_flash(response, approve ? "flash.auth.application_approved" : "flash.auth.application_rejected");
    return response;
  });
  router.post("/netwerken/{slug}/aanmeldwijze", [&site, &service](http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    if (!site.csrf_ok(request, form)) return forbidden_form(site, request);
    auto access = coordinated_network(site, service, request);
    if (access.refusal) return std::move(*access.refusal);
    const auto mode = signup_mode_from(form.value_or("mode", ""));
    if (!mode) {
      return applications_page(site, service, request, *access.network,
                               {{"mode", "auth.signup_mode.invalid"}}, kUnprocessable);
    }
    service.set_signup_mode(access.network->id, *mode);
    auto response = http::Response::redirect("/netwerken/" + access.network->slug + "/aanvragen");
    site.set_flash(response, "flash.auth.signup_mode_changed");
    return response;
  });

  // --- coordinators: invitations
  router.get("/netwerken/{slug}/uitnodigingen", [&site, &service](http::Request& request) {
    auto access = coordinated_network(site, service, request);
    if (access.refusal) return std::move(*access.refusal);
    return invitations_page(site, service, request, *access.network, std::nullopt, "", {}, 200);
  });
  router.post("/netwerken/{slug}/uitnodigingen", [&site, &service](http::Request& request) {
    const auto form = http::FormData::parse(request.body);
    if (!site.csrf_ok(request, form)) return forbidden_form(site, request);
    auto access = coordinated_network(site, service, request);
    if (access.refusal) return std::move(*access.refusal);
    const std::string email(form.value_or("email", ""));
    std::optional<std::string> restricted_to;
    if (!normalize_email(email).empty()) {
      if (!is_valid_email(normalize_email(email))) {
        return invitations_page(site, service, request, *access.network, std::nullopt, email,
                                {{"email", "auth.email.invalid"}}, kUnprocessable);
      }
      restricted_to = email;
    }
    const CreatedInvitation created =
        service.create_invitation(*access.network, request.viewer->account_id, restricted_to);
    // Shown once, on this answer: the token is not stored, so a reload cannot show it again.
    return invitations_page(site, service, request, *access.network, created, "", {}, 201);
  });
}

}  // namespace auth
