// The rules for declared ties and atlas privacy (see ties_service.h).
#include "atlas/ties_service.h"

#include <chrono>
#include <cstdio>

#include "audit/audit.h"
#include "notifications/activity.h"

namespace atlas {

namespace {

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

bool has_control_characters(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\r' && c != '\t') || byte == 0x7F) return true;
  }
  return false;
}

void audit_tie(db::Session& session, std::int64_t actor, std::string_view action, const Tie& tie) {
  audit::record(session, {.actor_account_id = actor,
                          .action = "atlas_tie." + std::string(action),
                          .subject_type = "atlas_tie",
                          .subject_id = tie.id,
                          .details = {{"network_id", tie.network_id},
                                      {"from", tie.from_account},
                                      {"to", tie.to_account},
                                      {"kind", std::string(to_string(tie.kind))}}});
}

void notify(db::Session& session, std::string_view kind, const Tie& tie, std::int64_t actor, std::int64_t recipient,
            const std::string& actor_name, std::int64_t now) {
  notifications::Activity activity;
  activity.network_id = tie.network_id;
  activity.kind = std::string(kind);
  activity.actor_id = actor;
  activity.subject_type = "tie";
  activity.subject_id = tie.id;
  activity.title = actor_name;
  activity.excerpt = kind == "tie.requested" ? tie.note : std::string();
  activity.path = "/atlas/relaties";
  activity.direct = {recipient};
  activity.created_at = now;
  notifications::record(session, activity);
}

}  // namespace

nlohmann::json tie_json(const Tie& tie) {
  return {{"id", tie.id},
          {"network_id", tie.network_id},
          {"from", tie.from_account},
          {"to", tie.to_account},
          {"kind", std::string(to_string(tie.kind))},
          {"date", tie.date ? nlohmann::json(format_date(*tie.date)) : nlohmann::json(nullptr)},
          {"note", tie.note},
          {"state", std::string(to_string(tie.state))},
          {"created_at", tie.created_at},
          {"decided_at", tie.decided_at ? nlohmann::json(*tie.decided_at) : nlohmann::json(nullptr)},
          {"ended_at", tie.ended_at ? nlohmann::json(*tie.ended_at) : nlohmann::json(nullptr)}};
}

int http_status(Failure failure) {
  switch (failure) {
    case Failure::Invalid: return 422;
    case Failure::NotFound: return 404;
    case Failure::Forbidden: return 403;
    case Failure::Conflict: return 409;
  }
  return 422;
}

std::optional<std::int64_t> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (std::size_t p = 0; p < 3; ++p) {
    for (std::size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (text[i] - '0');
    }
  }
  if (parts[0] < 1900) return std::nullopt;
  const std::chrono::year_month_day day{std::chrono::year{parts[0]},
                                        std::chrono::month{static_cast<unsigned>(parts[1])},
                                        std::chrono::day{static_cast<unsigned>(parts[2])}};
  if (!day.ok()) return std::nullopt;
  return std::chrono::sys_days{day}.time_since_epoch().count() * std::int64_t{86400};
}

std::string format_date(std::int64_t unix_seconds) {
  const std::chrono::sys_days days{std::chrono::days{unix_seconds >= 0 ? unix_seconds / 86400
                                                                      : (unix_seconds - 86399) / 86400}};
  const std::chrono::year_month_day day{days};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return buffer;
}

TiesService::TiesService(db::Database& database, TiesOptions options)
    : database_(database), options_(std::move(options)) {}

std::int64_t TiesService::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<Tie> TiesService::declare(std::int64_t actor, const DeclareInput& input) {
  using R = Result<Tie>;
  const std::optional<TieKind> kind = tie_kind_from_string(input.kind);
  if (!kind || !is_declared(*kind)) return R::fail(Failure::Invalid, "kind", "atlas.ties.errors.kind");
  const std::int64_t at = now();
  std::optional<std::int64_t> date;
  if (const std::string date_text = trimmed(input.date); !date_text.empty()) {
    date = parse_date(date_text);
    if (!date) return R::fail(Failure::Invalid, "date", "atlas.ties.errors.date_invalid");
    if (*date > at) return R::fail(Failure::Invalid, "date", "atlas.ties.errors.date_future");
  }
  const std::string note = trimmed(input.note);
  if (code_points(note) > kMaxNoteLength) return R::fail(Failure::Invalid, "note", "atlas.ties.errors.note_too_long");
  if (has_control_characters(note)) return R::fail(Failure::Invalid, "note", "atlas.ties.errors.note_invalid");
  if (input.other_account == actor) return R::fail(Failure::Invalid, "member", "atlas.ties.errors.self");

  const auto outcome = [&]() -> R {
    return database_.write([&](db::Session& session) -> R {
      const std::optional<std::string> actor_name = ties_store::active_account_name(session, actor);
      if (!actor_name) return R::fail(Failure::Forbidden, "", "atlas.ties.errors.not_a_member");
      if (input.other_account <= 0 || !ties_store::active_account_name(session, input.other_account) ||
          ties_store::profile_hidden(session, input.other_account)) {
        return R::fail(Failure::Invalid, "member", "atlas.ties.errors.unknown_member");
      }
      std::int64_t network_id = 0;
      if (input.network_id) {
        if (!ties_store::is_active_member(session, actor, *input.network_id)) {
          return R::fail(Failure::Invalid, "network", "atlas.ties.errors.not_your_network");
        }
        if (!ties_store::is_active_member(session, input.other_account, *input.network_id)) {
          return R::fail(Failure::Invalid, "member", "atlas.ties.errors.outside_network");
        }
        network_id = *input.network_id;
      } else {
        const std::vector<std::int64_t> shared = ties_store::shared_networks(session, actor, input.other_account);
        if (shared.empty()) return R::fail(Failure::Invalid, "member", "atlas.ties.errors.outside_network");
        if (shared.size() > 1) return R::fail(Failure::Invalid, "network", "atlas.ties.errors.choose_network");
        network_id = shared.front();
      }
      if (is_hidden(session, actor)) return R::fail(Failure::Invalid, "member", "atlas.ties.errors.you_are_hidden");
      if (is_hidden(session, input.other_account)) {
        return R::fail(Failure::Invalid, "member", "atlas.ties.errors.hidden_member");
      }
      const auto [key_a, key_b] = ties_store::duplicate_key(*kind, actor, input.other_account);
      if (const auto existing = ties_store::live_tie(session, network_id, *kind, key_a, key_b)) {
        if (existing->state == TieState::Confirmed) {
          return R::fail(Failure::Invalid, "kind", "atlas.ties.errors.duplicate_confirmed");
        }
        if (existing->from_account == actor) {
          return R::fail(Failure::Invalid, "kind", "atlas.ties.errors.duplicate_pending");
        }
        return R::fail(Failure::Invalid, "kind", "atlas.ties.errors.duplicate_incoming");
      }
      Tie tie;
      tie.network_id = network_id;
      tie.from_account = actor;
      tie.to_account = input.other_account;
      tie.kind = *kind;
      tie.date = date;
      tie.note = note;
      tie.state = TieState::Pending;
      tie.created_at = at;
      tie.id = ties_store::insert_tie(session, tie);
      audit_tie(session, actor, "declare", tie);
      notify(session, "tie.requested", tie, actor, tie.to_account, *actor_name, at);
      return R::of(tie);
    });
  };
  try {
    return outcome();
  } catch (const db::Error& error) {
    // Two declarations of the same tie at once: the unique index refuses the second.
    if (error.kind() == db::Error::Kind::Constraint) {
      return R::fail(Failure::Invalid, "kind", "atlas.ties.errors.duplicate_pending");
    }
    throw;
  }
}

Result<Tie> TiesService::transition(std::int64_t actor, std::int64_t tie_id, TieState from, TieState to) {
  using R = Result<Tie>;
  const std::int64_t at = now();
  return database_.write([&](db::Session& session) -> R {
    std::optional<Tie> tie = ties_store::find_tie(session, tie_id);
    // Someone else's tie does not exist for this actor.
    if (!tie || (tie->from_account != actor && tie->to_account != actor)) {
      return R::fail(Failure::NotFound, "", "atlas.ties.errors.not_found");
    }
    const bool declarer = tie->from_account == actor;
    if ((to == TieState::Confirmed || to == TieState::Declined) && declarer) {
      return R::fail(Failure::Forbidden, "", "atlas.ties.errors.only_other_side");
    }
    if (to == TieState::Withdrawn && !declarer) {
      return R::fail(Failure::Forbidden, "", "atlas.ties.errors.only_declarer");
    }
    if (tie->state != from || !ties_store::change_state(session, tie_id, from, to, at, actor)) {
      return R::fail(Failure::Conflict, "",
                     from == TieState::Pending ? "atlas.ties.errors.not_pending" : "atlas.ties.errors.not_confirmed");
    }
    tie->state = to;
    if (to == TieState::Ended) {
      tie->ended_at = at;
      tie->ended_by = actor;
    } else {
      tie->decided_at = at;
    }
    audit_tie(session, actor, to == TieState::Confirmed   ? "confirm"
                              : to == TieState::Declined  ? "decline"
                              : to == TieState::Withdrawn ? "withdraw"
                                                          : "end",
              *tie);
    if (to == TieState::Confirmed) {
      notify(session, "tie.confirmed", *tie, actor, tie->from_account,
             ties_store::active_account_name(session, actor).value_or(""), at);
    }
    return R::of(*tie);
  });
}

Result<Tie> TiesService::confirm(std::int64_t actor, std::int64_t tie_id) {
  Result<Tie> result = transition(actor, tie_id, TieState::Pending, TieState::Confirmed);
  if (result.ok()) tell_changed();
  return result;
}
Result<Tie> TiesService::decline(std::int64_t actor, std::int64_t tie_id) {
  return transition(actor, tie_id, TieState::Pending, TieState::Declined);
}
Result<Tie> TiesService::withdraw(std::int64_t actor, std::int64_t tie_id) {
  return transition(actor, tie_id, TieState::Pending, TieState::Withdrawn);
}
Result<Tie> TiesService::end(std::int64_t actor, std::int64_t tie_id) {
  Result<Tie> result = transition(actor, tie_id, TieState::Confirmed, TieState::Ended);
  if (result.ok()) tell_changed();
  return result;
}

void TiesService::tell_changed() const {
  if (options_.changed) options_.changed();
}

MyTies TiesService::my_ties(std::int64_t actor) {
  MyTies result;
  for (ties_store::TieListing& listing :
       database_.read([&](db::Session& session) { return ties_store::live_ties_of(session, actor); })) {
    if (listing.tie.state == TieState::Confirmed) {
      result.confirmed.push_back(std::move(listing));
    } else if (listing.tie.from_account == actor) {
      result.outgoing.push_back(std::move(listing));
    } else {
      result.incoming.push_back(std::move(listing));
    }
  }
  return result;
}

std::optional<Tie> TiesService::find_own(std::int64_t actor, std::int64_t tie_id) {
  auto tie = database_.read([&](db::Session& session) { return ties_store::find_tie(session, tie_id); });
  if (!tie || (tie->from_account != actor && tie->to_account != actor)) return std::nullopt;
  return tie;
}

std::vector<Candidate> TiesService::candidates(std::int64_t actor, const std::string& text) {
  const std::string query = trimmed(text);
  std::vector<Candidate> result;
  if (code_points(query) < 2) return result;
  constexpr std::size_t kLimit = 20;
  database_.read([&](db::Session& session) {
    for (const ties_store::NetworkRef& network : ties_store::member_networks(session, actor)) {
      for (auto& [id, name] : ties_store::find_members_by_name(session, network.id, query, kLimit + 1)) {
        if (id == actor || result.size() >= kLimit) continue;
        result.push_back(Candidate{id, std::move(name), network.id, network.name});
      }
    }
  });
  return result;
}

std::vector<ties_store::NetworkRef> TiesService::shared_networks(std::int64_t actor, std::int64_t other) {
  return database_.read([&](db::Session& session) {
    std::vector<ties_store::NetworkRef> result;
    for (const ties_store::NetworkRef& network : ties_store::member_networks(session, actor)) {
      if (ties_store::is_active_member(session, other, network.id)) result.push_back(network);
    }
    return result;
  });
}

std::optional<std::string> TiesService::member_name(std::int64_t account_id) {
  return database_.read([&](db::Session& session) -> std::optional<std::string> {
    if (ties_store::profile_hidden(session, account_id)) return std::nullopt;
    return ties_store::active_account_name(session, account_id);
  });
}

bool TiesService::is_member_anywhere(std::int64_t account_id) {
  return database_.read(
      [&](db::Session& session) { return !ties_store::member_networks(session, account_id).empty(); });
}

PrivacySettings TiesService::settings(std::int64_t actor) {
  return database_.read([&](db::Session& session) { return privacy_settings(session, actor); });
}

void TiesService::save_settings(std::int64_t actor, const PrivacySettings& settings) {
  const std::int64_t at = now();
  database_.write([&](db::Session& session) {
    put_privacy_settings(session, actor, settings, at);
    audit::record(session, {.actor_account_id = actor,
                            .action = "atlas_privacy.update",
                            .subject_type = "account",
                            .subject_id = actor,
                            .details = {{"ties_visibility", std::string(to_string(settings.ties_visibility))},
                                        {"hidden", settings.hidden}}});
  });
  tell_changed();
}

nlohmann::json TiesService::export_member(db::Session& session, std::int64_t account_id) {
  nlohmann::json ties = nlohmann::json::array();
  for (const Tie& tie : ties_store::all_ties_of(session, account_id)) {
    nlohmann::json entry = tie_json(tie);
    const std::int64_t other = tie.from_account == account_id ? tie.to_account : tie.from_account;
    entry["declared_by_me"] = tie.from_account == account_id;
    entry["other_member"] = {{"id", other},
                             {"name", ties_store::active_account_name(session, other).value_or("")}};
    ties.push_back(std::move(entry));
  }
  const PrivacySettings settings = privacy_settings(session, account_id);
  return {{"ties", std::move(ties)},
          {"settings",
           {{"ties_visibility", std::string(to_string(settings.ties_visibility))}, {"hidden", settings.hidden}}}};
}

void TiesService::erase_member(db::Session& session, std::int64_t account_id) {
  ties_store::delete_ties_of(session, account_id);
  ties_store::delete_privacy(session, account_id);
}

}  // namespace atlas
