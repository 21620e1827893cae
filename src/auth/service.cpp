#include "auth/service.h"

#include <chrono>

#include "auth/store.h"
#include "auth/tokens.h"
#include "http/parsers.h"
#include "mail/outbox.h"
#include "web/site.h"

namespace auth {

namespace {

constexpr std::size_t kMaxEmailBytes = 254;
constexpr std::size_t kMaxNameCharacters = 100;
constexpr std::size_t kRecentInvitations = 20;

std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view trim(std::string_view text) {
  while (!text.empty() &&
         (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' || text.front() == '\n'))
    text.remove_prefix(1);
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  return text;
}

std::size_t code_points(std::string_view utf8) {
  std::size_t count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++count;
  }
  return count;
}

bool has_control_characters(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return true;
  }
  return false;
}

std::string language_or_default(std::string_view language) {
  const auto supported = web::supported_language(language);
  return std::string(supported.empty() ? web::kDefaultLanguage : supported);
}

void add_password_errors(std::vector<FieldError>& errors, std::string_view password, std::string_view email) {
  const PasswordProblem problem = check_password(password, email);
  if (problem != PasswordProblem::None) errors.push_back({"password", std::string(message_key(problem))});
}

}  // namespace

// --- for other features

std::string normalize_email(std::string_view email) {
  std::string out(trim(email));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_valid_email(std::string_view email) {
  if (email.empty() || email.size() > kMaxEmailBytes || !http::is_valid_utf8(email)) return false;
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
    return false;
  const std::string_view domain = email.substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  for (char c : email) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' || c == '\\')
      return false;
  }
  return true;
}

std::int64_t create_account(db::Session& session, const NewAccount& account) {
  NewAccount normalised = account;
  normalised.email = normalize_email(account.email);
  normalised.language = language_or_default(account.language);
  return store::insert_account(session, normalised, system_now());
}

void add_membership(db::Session& session, std::int64_t account_id, std::int64_t network_id, Role role,
                    MembershipStatus status, std::int64_t created_at) {
  Membership membership;
  membership.account_id = account_id;
  membership.network_id = network_id;
  membership.role = role;
  membership.status = status;
  membership.created_at = created_at != 0 ? created_at : system_now();
  store::put_membership(session, membership);
}

std::optional<Account> find_account_by_email(db::Session& session, std::string_view email) {
  auto account = store::find_account_by_email(session, normalize_email(email));
  if (!account || account->status != AccountStatus::Active) return std::nullopt;
  return account;
}

std::vector<Account> active_members(db::Session& session, std::int64_t network_id) {
  return store::active_members(session, network_id);
}

std::optional<Account> find_account(db::Session& session, std::int64_t account_id) {
  return store::find_account(session, account_id);
}

std::string tombstone_email(std::int64_t account_id) {
  return "verwijderd-" + std::to_string(account_id) + "@knooppunt.invalid";
}

std::optional<nlohmann::json> export_account_data(db::Session& session, std::int64_t account_id) {
  using nlohmann::json;
  const auto optional_json = [](const std::optional<std::int64_t>& value) {
    return value ? json(*value) : json(nullptr);
  };
  const auto account = store::find_account(session, account_id);
  if (!account) return std::nullopt;
  json result;
  result["account"] = {{"id", account->id},
                       {"email", account->email},
                       {"email_verified_at", optional_json(account->email_verified_at)},
                       {"name", account->name},
                       {"language", account->language},
                       {"administrator", account->is_admin},
                       {"status", to_string(account->status)},
                       {"created_at", account->created_at},
                       {"updated_at", account->updated_at}};
  json memberships = json::array();
  for (const store::MembershipRecord& membership : store::memberships_of(session, account_id)) {
    memberships.push_back({{"network_id", membership.network_id},
                           {"network_slug", membership.network_slug},
                           {"network_name", membership.network_name},
                           {"role", membership.role},
                           {"status", membership.status},
                           {"created_at", membership.created_at},
                           {"decided_at", optional_json(membership.decided_at)}});
  }
  result["memberships"] = std::move(memberships);
  json sessions = json::array();
  for (const store::SessionSummary& summary : store::sessions_of(session, account_id)) {
    sessions.push_back({{"created_at", summary.created_at},
                        {"last_seen_at", summary.last_seen_at},
                        {"expires_at", summary.expires_at},
                        {"ip", summary.ip},
                        {"user_agent", summary.user_agent}});
  }
  result["sessions"] = std::move(sessions);
  return result;
}

ErasedAccountData erase_account_data(db::Session& session, std::int64_t account_id, std::int64_t now) {
  ErasedAccountData erased;
  const auto account = store::find_account(session, account_id);
  if (!account) return erased;
  erased.email = account->email;
  const store::ErasedRows rows = store::erase_account(session, account_id, account->email, kFormerMemberName,
                                                      tombstone_email(account_id), now);
  erased.sessions_ended = rows.sessions;
  erased.memberships_ended = rows.memberships;
  return erased;
}

// --- Service

Service::Service(db::Database& database, PasswordHasher& hasher, const web::Site& site,
                 ServiceOptions options)
    : database_(database),
      hasher_(hasher),
      site_(site),
      options_(std::move(options)),
      throttle_(options_.throttle) {
  if (!options_.clock) options_.clock = system_now;
  while (!options_.public_url.empty() && options_.public_url.back() == '/') options_.public_url.pop_back();
}

void Service::set_public_url(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  options_.public_url = std::move(url);
}

std::int64_t Service::now() const { return options_.clock(); }

std::string Service::link(std::string_view path) const { return options_.public_url + std::string(path); }

std::optional<std::string> Service::name_problem(std::string_view name) {
  const std::string_view trimmed = trim(name);
  if (trimmed.empty()) return std::string("auth.name.missing");
  if (!http::is_valid_utf8(trimmed) || has_control_characters(trimmed))
    return std::string("auth.name.invalid");
  if (code_points(trimmed) > kMaxNameCharacters) return std::string("auth.name.too_long");
  return std::nullopt;
}

mail::Message Service::compose(std::string_view kind, const Account& to, std::string_view network_name,
                               std::string_view url) const {
  const std::string language = language_or_default(to.language);
  kainjow::mustache::data data;
  data.set("name", to.name);
  data.set("email", to.email);
  data.set("network", std::string(network_name));
  data.set("link", std::string(url));
  data.set("site_url", options_.public_url);
  data.set("sign_in_link", link("/inloggen"));
  data.set("reset_link", link("/wachtwoord-vergeten"));
  const std::string base = "mail/auth_" + std::string(kind);
  mail::Message message;
  message.to_address = to.email;
  message.to_name = to.name;
  message.subject = std::string(site_.text(language, "auth.mail." + std::string(kind) + ".subject"));
  message.text = site_.render(language, base + "_text", data);
  message.html = site_.render(language, base + "_html", data);
  message.kind = "auth." + std::string(kind);
  return message;
}

void Service::send_verification(db::Session& session, const Account& account, std::string_view network_name) {
  const std::string token = new_token();
  const std::int64_t at = now();
  store::insert_auth_token(session, hash_token(token), account.id, TokenPurpose::Verify, at,
                           at + options_.verify_token_seconds);
  mail::enqueue(session, compose("verify", account, network_name, link("/bevestigen/" + token)));
}

// --- who is asking

void Service::resolve_viewer(http::Request& request) {
  request.viewer.reset();
  request.session_token_hash.clear();

  const std::string_view authorization = request.header("authorization");
  if (authorization.size() > 7 &&
      (authorization.starts_with("Bearer ") || authorization.starts_with("bearer "))) {
    // The API's tokens: resolved by the resolver the API registers; no cookie is looked at then.
    if (bearer_resolver_) {
      if (auto viewer = bearer_resolver_(trim(authorization.substr(7)))) {
        viewer->via_api_token = true;
        request.viewer = std::move(*viewer);
      }
    }
    return;
  }

  const auto header = request.headers.get("cookie");
  if (!header) return;
  const http::Cookies cookies = http::Cookies::parse(*header);
  const auto token = cookies.get(session_cookie_name(options_.secure_cookies));
  if (!token || !is_well_formed_token(*token)) return;
  const std::string token_hash = hash_token(*token);

  const std::int64_t at = now();
  auto found = database_.read([&](db::Session& session) { return store::find_session(session, token_hash); });
  if (!found) return;
  if (!session_alive(found->session, at, options_.sessions)) {
    database_.write([&](db::Session& session) { store::delete_session(session, token_hash); });
    return;
  }
  if (at - found->session.last_seen_at >= options_.sessions.touch_interval_seconds) {
    database_.write([&](db::Session& session) { store::touch_session(session, token_hash, at); });
  }
  http::Viewer viewer;
  viewer.account_id = found->account.id;
  viewer.name = found->account.name;
  viewer.email = found->account.email;
  viewer.language = found->account.language;
  viewer.administrator = found->account.is_admin;
  request.viewer = std::move(viewer);
  request.session_token_hash = token_hash;
}

// --- networks and roles

std::optional<NetworkAccess> Service::network(std::string_view slug) {
  if (slug.empty() || slug.size() > 64) return std::nullopt;
  return database_.read([&](db::Session& session) { return store::find_network(session, slug); });
}

std::optional<NetworkAccess> Service::primary_network() {
  return database_.read([](db::Session& session) { return store::first_network(session); });
}

std::optional<Membership> Service::membership(std::int64_t account_id, std::int64_t network_id) {
  return database_.read(
      [&](db::Session& session) { return store::find_membership(session, account_id, network_id); });
}

bool Service::is_member(std::int64_t account_id, std::int64_t network_id) {
  const auto found = membership(account_id, network_id);
  return found && found->status == MembershipStatus::Active;
}

bool Service::is_coordinator(std::int64_t account_id, std::int64_t network_id) {
  const auto found = membership(account_id, network_id);
  return found && found->status == MembershipStatus::Active && found->role == Role::Coordinator;
}

bool Service::can_coordinate(const http::Viewer& viewer, std::int64_t network_id) {
  // An API token acts for its member in the API only; coordinator pages are browser forms.
  if (viewer.via_api_token) return false;
  return viewer.administrator || is_coordinator(viewer.account_id, network_id);
}

// --- sign-up and verification

bool Service::invitation_valid(std::string_view network_slug, std::string_view token) {
  if (!is_well_formed_token(token)) return false;
  const auto found = network(network_slug);
  if (!found) return false;
  const std::string token_hash = hash_token(token);
  const std::int64_t at = now();
  return database_.read([&](db::Session& session) {
    return store::find_valid_invitation(session, token_hash, found->id, at).has_value();
  });
}

SignUpResult Service::sign_up(const SignUp& form) {
  SignUpResult result;
  const auto target = form.network_slug.empty() ? primary_network() : network(form.network_slug);
  if (!target) {
    result.outcome = SignUpResult::Outcome::NetworkNotFound;
    return result;
  }
  const std::string email = normalize_email(form.email);
  const std::string name(trim(form.name));
  const std::int64_t at = now();

  std::optional<Invitation> invitation;
  if (target->signup_mode == SignupMode::Invitation) {
    if (is_well_formed_token(form.invitation_token)) {
      const std::string token_hash = hash_token(form.invitation_token);
      invitation = database_.read([&](db::Session& session) {
        return store::find_valid_invitation(session, token_hash, target->id, at);
      });
    }
    if (!invitation) {
      result.outcome = SignUpResult::Outcome::InvitationInvalid;
      return result;
    }
  }

  if (auto problem = name_problem(form.name)) result.errors.push_back({"name", *problem});
  if (!is_valid_email(email)) result.errors.push_back({"email", "auth.email.invalid"});
  add_password_errors(result.errors, form.password, email);
  if (invitation && invitation->email && result.errors.empty() && *invitation->email != email) {
    result.errors.push_back({"email", "auth.invitation.other_address"});
  }
  if (!result.errors.empty()) {
    result.outcome = SignUpResult::Outcome::Invalid;
    return result;
  }

  // Hashed whether or not the address is taken, so both answers take the same time.
  const std::string password_hash = hasher_.hash(form.password);
  const std::string language = language_or_default(form.language);

  auto tell_owner = [&](db::Session& session, const Account& owner) {
    mail::enqueue(session, compose("duplicate", owner, target->name, link("/wachtwoord-vergeten")));
  };
  try {
    database_.write([&](db::Session& session) {
      if (auto existing = store::find_account_by_email(session, email)) {
        if (existing->status == AccountStatus::Active) tell_owner(session, *existing);
        return;
      }
      NewAccount account;
      account.email = email;
      account.name = name;
      account.language = language;
      account.password_hash = password_hash;
      const std::int64_t id = store::insert_account(session, account, at);
      Membership membership;
      membership.account_id = id;
      membership.network_id = target->id;
      membership.status =
          target->signup_mode == SignupMode::Approval ? MembershipStatus::Pending : MembershipStatus::Active;
      membership.created_at = at;
      store::put_membership(session, membership);
      if (invitation && !store::use_invitation(session, invitation->id, id, at)) {
        throw std::logic_error("invitation used meanwhile");
      }
      send_verification(session, *store::find_account(session, id), target->name);
    });
  } catch (const std::logic_error&) {
    result.outcome = SignUpResult::Outcome::InvitationInvalid;
    return result;
  } catch (const db::Error& error) {
    // Someone signed up with this address at the same moment: treat it as taken.
    if (error.kind() != db::Error::Kind::Constraint) throw;
    database_.write([&](db::Session& session) {
      if (auto existing = store::find_account_by_email(session, email)) tell_owner(session, *existing);
    });
  }
  result.outcome = SignUpResult::Outcome::CheckMail;
  return result;
}

JoinResult Service::join(std::int64_t account_id, std::string_view network_slug,
                         std::string_view invitation_token) {
  JoinResult result;
  const auto target = network(network_slug);
  if (!target) return result;
  const std::int64_t at = now();
  const std::string token_hash = is_well_formed_token(invitation_token) ? hash_token(invitation_token) : "";
  database_.write([&](db::Session& session) {
    const auto account = store::find_account(session, account_id);
    if (!account) return;
    const auto existing = store::find_membership(session, account_id, target->id);
    if (existing && existing->status == MembershipStatus::Active) {
      result.outcome = JoinResult::Outcome::AlreadyMember;
      return;
    }
    if (existing && existing->status == MembershipStatus::Pending) {
      result.outcome = JoinResult::Outcome::Pending;
      return;
    }
    Membership membership;
    membership.account_id = account_id;
    membership.network_id = target->id;
    membership.created_at = at;
    membership.status = MembershipStatus::Active;
    if (target->signup_mode == SignupMode::Invitation) {
      const auto invitation = token_hash.empty()
                                  ? std::nullopt
                                  : store::find_valid_invitation(session, token_hash, target->id, at);
      if (!invitation || (invitation->email && *invitation->email != account->email) ||
          !store::use_invitation(session, invitation->id, account_id, at)) {
        result.outcome = JoinResult::Outcome::InvitationInvalid;
        return;
      }
    } else if (target->signup_mode == SignupMode::Approval) {
      membership.status = MembershipStatus::Pending;
    }
    store::put_membership(session, membership);
    result.outcome = membership.status == MembershipStatus::Active ? JoinResult::Outcome::Joined
                                                                   : JoinResult::Outcome::Pending;
  });
  return result;
}

bool Service::verify_email(std::string_view token) {
  if (!is_well_formed_token(token)) return false;
  const std::string token_hash = hash_token(token);
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) {
    const auto account_id = store::use_auth_token(session, token_hash, TokenPurpose::Verify, at);
    if (!account_id) return false;
    store::mark_verified(session, *account_id, at);
    return true;
  });
}

// --- sign-in and out

SignInResult Service::sign_in(std::string_view email_typed, std::string_view password, std::string_view ip,
                              std::string_view user_agent, std::string_view previous_session_hash) {
  SignInResult result;
  const std::string email = normalize_email(email_typed);
  const std::int64_t at = now();
  // Over-long input never reaches argon2 (nor the attempts table).
  if (password.size() > kMaxPasswordBytes || email.size() > kMaxEmailBytes || !http::is_valid_utf8(email)) {
    return result;
  }

  struct Lookup {
    std::optional<std::int64_t> blocked_until;
    std::optional<Account> account;
  };
  const Lookup lookup = database_.read([&](db::Session& session) {
    Lookup found;
    found.blocked_until = throttle_.blocked_until(session, email, ip, at);
    if (!found.blocked_until) found.account = store::find_account_by_email(session, email);
    return found;
  });
  if (lookup.blocked_until) {
    result.outcome = SignInResult::Outcome::Throttled;
    result.retry_after_seconds = std::max<std::int64_t>(1, *lookup.blocked_until - at);
    return result;
  }

  const bool usable = lookup.account && lookup.account->status == AccountStatus::Active;
  // Verified against a dummy hash when there is no account: the same work, the same time.
  const bool match = hasher_.verify(usable ? std::string_view(lookup.account->password_hash) : "", password);
  if (!usable || !match) {
    database_.write([&](db::Session& session) { throttle_.record_failure(session, email, ip, at); });
    return result;
  }
  const Account& account = *lookup.account;
  result.account_id = account.id;
  if (!account.verified()) {
    database_.write([&](db::Session& session) {
      throttle_.record_success(session, email);
      send_verification(session, account, site_.text(language_or_default(account.language), "site.name"));
    });
    result.outcome = SignInResult::Outcome::Unverified;
    return result;
  }

  std::optional<std::string> rehashed;
  if (hasher_.needs_rehash(account.password_hash)) rehashed = hasher_.hash(password);
  result.token = database_.write([&](db::Session& session) {
    throttle_.record_success(session, email);
    if (rehashed) store::set_password_hash(session, account.id, *rehashed, at);
    // A new token at every sign-in: a token planted before sign-in is worth nothing after it.
    if (!previous_session_hash.empty()) store::delete_session(session, previous_session_hash);
    return start_session(session, account.id, ip, user_agent, at, options_.sessions);
  });
  result.outcome = SignInResult::Outcome::SignedIn;
  return result;
}

void Service::sign_out(std::string_view session_token_hash) {
  if (session_token_hash.empty()) return;
  database_.write([&](db::Session& session) { store::delete_session(session, session_token_hash); });
}

// --- password reset and sign-in links

void Service::request_password_reset(std::string_view email_typed) {
  const std::string email = normalize_email(email_typed);
  if (!is_valid_email(email)) return;
  const std::int64_t at = now();
  database_.write([&](db::Session& session) {
    const auto account = store::find_account_by_email(session, email);
    if (!account || account->status != AccountStatus::Active) return;
    const std::string token = new_token();
    store::insert_auth_token(session, hash_token(token), account->id, TokenPurpose::Reset, at,
                             at + options_.reset_token_seconds);
    mail::enqueue(session, compose("reset", *account, "", link("/wachtwoord-herstellen/" + token)));
  });
}

bool Service::reset_link_valid(std::string_view token) {
  if (!is_well_formed_token(token)) return false;
  const std::string token_hash = hash_token(token);
  const std::int64_t at = now();
  return database_.read([&](db::Session& session) {
    return store::find_valid_auth_token(session, token_hash, TokenPurpose::Reset, at).has_value();
  });
}

PasswordChangeResult Service::reset_password(std::string_view token, std::string_view password,
                                             std::string_view ip, std::string_view user_agent) {
  return set_password_and_sign_in(token, TokenPurpose::Reset, password, ip, user_agent);
}

std::optional<Service::SignInLink> Service::sign_in_link(std::string_view token) {
  if (!is_well_formed_token(token)) return std::nullopt;
  const std::string token_hash = hash_token(token);
  const std::int64_t at = now();
  return database_.read([&](db::Session& session) -> std::optional<SignInLink> {
    const auto account_id = store::find_valid_auth_token(session, token_hash, TokenPurpose::SignIn, at);
    if (!account_id) return std::nullopt;
    const auto account = store::find_account(session, *account_id);
    if (!account || account->status != AccountStatus::Active) return std::nullopt;
    return SignInLink{account->name, account->password_hash.empty()};
  });
}

PasswordChangeResult Service::use_sign_in_link(std::string_view token, std::string_view password,
                                               std::string_view ip, std::string_view user_agent) {
  return set_password_and_sign_in(token, TokenPurpose::SignIn, password, ip, user_agent);
}

PasswordChangeResult Service::set_password_and_sign_in(std::string_view token, TokenPurpose purpose,
                                                       std::string_view password, std::string_view ip,
                                                       std::string_view user_agent) {
  PasswordChangeResult result;
  if (!is_well_formed_token(token)) return result;
  const std::string token_hash = hash_token(token);
  const std::int64_t at = now();
  const auto account = database_.read([&](db::Session& session) -> std::optional<Account> {
    const auto account_id = store::find_valid_auth_token(session, token_hash, purpose, at);
    if (!account_id) return std::nullopt;
    auto found = store::find_account(session, *account_id);
    if (!found || found->status != AccountStatus::Active) return std::nullopt;
    return found;
  });
  if (!account) return result;

  // A reset always sets the password; a sign-in link sets one when given, and needs one when the
  // account has none yet (an administrator made by `knooppunt admin create`).
  const bool set_password =
      purpose == TokenPurpose::Reset || !password.empty() || account->password_hash.empty();
  std::optional<std::string> new_hash;
  if (set_password) {
    add_password_errors(result.errors, password, account->email);
    if (!result.errors.empty()) {
      result.outcome = PasswordChangeResult::Outcome::Invalid;
      return result;
    }
    new_hash = hasher_.hash(password);
  }
  const auto session_token = database_.write([&](db::Session& session) -> std::optional<std::string> {
    if (!store::use_auth_token(session, token_hash, purpose, at)) return std::nullopt;  // used meanwhile
    if (new_hash) store::set_password_hash(session, account->id, *new_hash, at);
    // The mail reached its owner: the address is verified.
    store::mark_verified(session, account->id, at);
    // A new password ends every session: whoever knew the old one is signed out everywhere.
    if (purpose == TokenPurpose::Reset) store::delete_sessions_of(session, account->id);
    return start_session(session, account->id, ip, user_agent, at, options_.sessions);
  });
  if (!session_token) return result;
  result.outcome = PasswordChangeResult::Outcome::SignedIn;
  result.token = *session_token;
  return result;
}

// --- coordinators

std::vector<Application> Service::applications(std::int64_t network_id) {
  return database_.read(
      [&](db::Session& session) { return store::pending_applications(session, network_id); });
}

bool Service::decide_application(std::int64_t network_id, std::int64_t account_id, bool approve) {
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) {
    const auto network_row = store::find_network(session, network_id);
    const auto account = store::find_account(session, account_id);
    if (!network_row || !account) return false;
    if (!store::decide_membership(session, account_id, network_id,
                                  approve ? MembershipStatus::Active : MembershipStatus::Rejected, at)) {
      return false;
    }
    mail::enqueue(session, compose(approve ? "approved" : "rejected", *account, network_row->name,
                                   link(approve ? "/netwerken/" + network_row->slug : std::string("/"))));
    return true;
  });
}

CreatedInvitation Service::create_invitation(const NetworkAccess& network_row, std::int64_t created_by,
                                             const std::optional<std::string>& email) {
  const std::string token = new_token();
  const std::int64_t at = now();
  CreatedInvitation created;
  created.expires_at = at + options_.invitation_seconds;
  std::optional<std::string> normalised;
  if (email && !trim(*email).empty()) normalised = normalize_email(*email);
  created.id = database_.write([&](db::Session& session) {
    return store::insert_invitation(session, network_row.id, hash_token(token), normalised, created_by, at,
                                    created.expires_at);
  });
  created.url = link("/netwerken/" + network_row.slug + "/aanmelden?uitnodiging=" + token);
  return created;
}

std::vector<Invitation> Service::recent_invitations(std::int64_t network_id) {
  return database_.read([&](db::Session& session) {
    return store::recent_invitations(session, network_id, kRecentInvitations);
  });
}

void Service::set_signup_mode(std::int64_t network_id, SignupMode mode) {
  database_.write([&](db::Session& session) { store::set_signup_mode(session, network_id, mode); });
}

// --- administrators

AdminCreated Service::create_admin(std::string_view email_typed, std::string_view name,
                                   const std::optional<std::string>& password) {
  AdminCreated result;
  const std::string email = normalize_email(email_typed);
  if (!is_valid_email(email)) result.errors.push_back({"email", "auth.email.invalid"});
  if (auto problem = name_problem(name)) result.errors.push_back({"name", *problem});
  if (password) add_password_errors(result.errors, *password, email);
  if (!result.errors.empty()) return result;

  const std::string password_hash = password ? hasher_.hash(*password) : std::string();
  const std::int64_t at = now();
  std::string token;
  database_.write([&](db::Session& session) {
    if (store::find_account_by_email(session, email)) {
      result.errors.push_back({"email", "auth.admin.email_taken"});
      return;
    }
    NewAccount account;
    account.email = email;
    account.name = std::string(trim(name));
    account.password_hash = password_hash;
    account.verified = true;
    account.is_admin = true;
    result.account_id = store::insert_account(session, account, at);
    for (const NetworkAccess& network_row : store::list_networks(session)) {
      Membership membership;
      membership.account_id = result.account_id;
      membership.network_id = network_row.id;
      membership.created_at = at;
      store::put_membership(session, membership);
    }
    if (!password) {
      token = new_token();
      store::insert_auth_token(session, hash_token(token), result.account_id, TokenPurpose::SignIn, at,
                               at + options_.sign_in_link_seconds);
    }
  });
  if (!token.empty()) result.sign_in_url = link("/inloggen/link/" + token);
  return result;
}

}  // namespace auth
