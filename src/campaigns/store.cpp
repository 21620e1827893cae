#include "campaigns/store.h"

#include <algorithm>
#include <map>

namespace campaigns::store {

namespace {

constexpr std::string_view kCampaignColumns =
    "id, network_id, created_by, name, subject, body, language, segment_region, segment_town, "
    "segment_discipline, segment_source, only_not_responded, occurrence_id, rate_per_minute, status, "
    "next_send_ms, created_at, updated_at, started_at, finished_at";

Campaign campaign_from(const db::Row& row) {
  Campaign c;
  c.id = row.int64(0);
  c.network_id = row.int64(1);
  c.created_by = row.optional_int64(2);
  c.draft.name = row.text(3);
  c.draft.subject = row.text(4);
  c.draft.body = row.text(5);
  c.draft.language = row.text(6);
  c.draft.segment.region = row.text(7);
  c.draft.segment.town = row.text(8);
  c.draft.segment.discipline = row.text(9);
  c.draft.segment.source = row.text(10);
  c.draft.segment.only_not_responded = row.int64(11) != 0;
  c.draft.occurrence_id = row.optional_int64(12);
  c.draft.rate_per_minute = row.int64(13);
  c.status = status_from(row.text(14));
  c.next_send_ms = row.int64(15);
  c.created_at = row.int64(16);
  c.updated_at = row.int64(17);
  c.started_at = row.optional_int64(18);
  c.finished_at = row.optional_int64(19);
  return c;
}

// The segment as SQL over contacts `c`, with its parameters appended to `params`.
std::string segment_sql(const Segment& segment, db::Params& params) {
  std::string sql =
      " c.unsubscribed_at IS NULL AND c.bounced_at IS NULL AND (c.response IS NULL OR c.response <> 'never')";
  const auto add = [&](const char* column, const std::string& value) {
    if (value.empty()) return;
    sql += std::string(" AND lower(c.") + column + ") = lower(CAST(? AS TEXT))";
    params.emplace_back(value);
  };
  add("region", segment.region);
  add("town", segment.town);
  add("discipline", segment.discipline);
  add("source", segment.source);
  if (segment.only_not_responded) sql += " AND c.responded_at IS NULL";
  return sql;
}

db::Value optional_value(const std::optional<std::int64_t>& value) {
  return value ? db::Value(*value) : db::null();
}

}  // namespace

std::int64_t insert_campaign(db::Session& session, std::int64_t network_id, std::optional<std::int64_t> created_by,
                             const Draft& draft, std::int64_t now) {
  return session
      .query_one(
          "INSERT INTO campaigns (network_id, created_by, name, subject, body, language, segment_region, "
          "segment_town, segment_discipline, segment_source, only_not_responded, occurrence_id, rate_per_minute, "
          "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {network_id, optional_value(created_by), draft.name, draft.subject, draft.body, draft.language,
           draft.segment.region, draft.segment.town, draft.segment.discipline, draft.segment.source,
           std::int64_t{draft.segment.only_not_responded ? 1 : 0}, optional_value(draft.occurrence_id),
           draft.rate_per_minute, now, now})
      ->int64(0);
}

bool update_draft(db::Session& session, std::int64_t id, const Draft& draft, std::int64_t now) {
  return session.execute(
             "UPDATE campaigns SET name = ?, subject = ?, body = ?, language = ?, segment_region = ?, "
             "segment_town = ?, segment_discipline = ?, segment_source = ?, only_not_responded = ?, "
             "occurrence_id = ?, rate_per_minute = ?, updated_at = ? WHERE id = ? AND status = 'draft'",
             {draft.name, draft.subject, draft.body, draft.language, draft.segment.region, draft.segment.town,
              draft.segment.discipline, draft.segment.source, std::int64_t{draft.segment.only_not_responded ? 1 : 0},
              optional_value(draft.occurrence_id), draft.rate_per_minute, now, id}) > 0;
}

std::optional<Campaign> find_campaign(db::Session& session, std::int64_t id) {
  static const std::string sql = "SELECT " + std::string(kCampaignColumns) + " FROM campaigns WHERE id = ?";
  auto row = session.query_one(sql, {id});
  if (!row) return std::nullopt;
  return campaign_from(*row);
}

std::optional<Campaign> lock_campaign(db::Session& session, db::Backend backend, std::int64_t id) {
  static const std::string sql =
      "SELECT " + std::string(kCampaignColumns) + " FROM campaigns WHERE id = ? FOR UPDATE";
  if (backend != db::Backend::Postgres) return find_campaign(session, id);
  auto row = session.query_one(sql, {id});
  if (!row) return std::nullopt;
  return campaign_from(*row);
}

std::vector<Campaign> campaigns_of(db::Session& session, std::int64_t network_id) {
  static const std::string sql =
      "SELECT " + std::string(kCampaignColumns) + " FROM campaigns WHERE network_id = ? ORDER BY id DESC";
  std::vector<Campaign> out;
  for (const db::Row& row : session.query(sql, {network_id})) out.push_back(campaign_from(row));
  return out;
}

std::vector<std::int64_t> sending_campaign_ids(db::Session& session) {
  std::vector<std::int64_t> ids;
  for (const db::Row& row : session.query("SELECT id FROM campaigns WHERE status = 'sending' ORDER BY id")) {
    ids.push_back(row.int64(0));
  }
  return ids;
}

void set_status(db::Session& session, std::int64_t id, Status status, std::int64_t now) {
  const std::string text(to_string(status));
  if (status == Status::Sending) {
    session.execute("UPDATE campaigns SET status = ?, updated_at = ?, started_at = COALESCE(started_at, ?) WHERE id = ?",
                    {text, now, now, id});
  } else if (status == Status::Done) {
    session.execute("UPDATE campaigns SET status = ?, updated_at = ?, finished_at = ? WHERE id = ?",
                    {text, now, now, id});
  } else {
    session.execute("UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ?", {text, now, id});
  }
}

void set_next_send_ms(db::Session& session, std::int64_t id, std::int64_t next_send_ms) {
  session.execute("UPDATE campaigns SET next_send_ms = ? WHERE id = ?", {next_send_ms, id});
}

std::int64_t count_audience(db::Session& session, std::int64_t network_id, const Segment& segment) {
  db::Params params{network_id};
  const std::string sql = "SELECT COUNT(*) FROM contacts c WHERE c.network_id = ? AND" + segment_sql(segment, params);
  return session.query_one(sql, params)->int64(0);
}

std::int64_t queue_audience(db::Session& session, std::int64_t campaign_id, std::int64_t network_id,
                            const Segment& segment) {
  db::Params params{campaign_id, network_id};
  const std::string sql =
      "INSERT INTO campaign_recipients (campaign_id, contact_id) SELECT ?, c.id FROM contacts c "
      "WHERE c.network_id = ? AND" +
      segment_sql(segment, params);
  return session.execute(sql, params);
}

std::vector<Pending> next_queued(db::Session& session, std::int64_t campaign_id, std::int64_t limit) {
  const auto rows = session.query(
      "SELECT c.id, c.email, c.name, c.town, c.organisation, c.language, "
      "CASE WHEN c.unsubscribed_at IS NULL AND c.bounced_at IS NULL AND (c.response IS NULL OR c.response <> "
      "'never') THEN 1 ELSE 0 END "
      "FROM campaign_recipients r JOIN contacts c ON c.id = r.contact_id "
      "WHERE r.campaign_id = ? AND r.state = 'queued' ORDER BY r.contact_id LIMIT ?",
      {campaign_id, limit});
  std::vector<Pending> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) {
    out.push_back(Pending{row.int64(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5),
                          row.int64(6) != 0});
  }
  return out;
}

bool mark_handed(db::Session& session, std::int64_t campaign_id, std::int64_t contact_id, std::int64_t outbox_id,
                 std::int64_t now) {
  return session.execute(
             "UPDATE campaign_recipients SET state = 'handed', outbox_id = ?, handed_at = ? "
             "WHERE campaign_id = ? AND contact_id = ? AND state = 'queued'",
             {outbox_id, now, campaign_id, contact_id}) > 0;
}

bool mark_skipped(db::Session& session, std::int64_t campaign_id, std::int64_t contact_id, const std::string& reason) {
  return session.execute(
             "UPDATE campaign_recipients SET state = 'skipped', skip_reason = ? "
             "WHERE campaign_id = ? AND contact_id = ? AND state = 'queued'",
             {reason, campaign_id, contact_id}) > 0;
}

std::int64_t count_queued(db::Session& session, std::int64_t campaign_id) {
  return session
      .query_one("SELECT COUNT(*) FROM campaign_recipients WHERE campaign_id = ? AND state = 'queued'", {campaign_id})
      ->int64(0);
}

std::optional<Recipient> record_outcome(db::Session& session, std::int64_t outbox_id, const std::string& outcome,
                                        std::int64_t now) {
  auto row = session.query_one(
      "SELECT r.campaign_id, r.contact_id, k.network_id FROM campaign_recipients r "
      "JOIN campaigns k ON k.id = r.campaign_id WHERE r.outbox_id = ?",
      {outbox_id});
  if (!row) return std::nullopt;
  session.execute("UPDATE campaign_recipients SET outcome = ?, outcome_at = ? WHERE campaign_id = ? AND contact_id = ?",
                  {outcome, now, row->int64(0), row->int64(1)});
  return Recipient{row->int64(0), row->int64(1), row->int64(2)};
}

Progress progress(db::Session& session, std::int64_t campaign_id) {
  Progress p;
  for (const db::Row& row : session.query(
           "SELECT state, COALESCE(outcome, ''), COUNT(*) FROM campaign_recipients WHERE campaign_id = ? "
           "GROUP BY state, COALESCE(outcome, '')",
           {campaign_id})) {
    const std::string state = row.text(0);
    const std::string outcome = row.text(1);
    const std::int64_t n = row.int64(2);
    p.total += n;
    if (state == "queued") {
      p.queued += n;
    } else if (state == "skipped") {
      p.skipped += n;
    } else if (outcome == "sent") {
      p.sent += n;
    } else if (outcome == "failed") {
      p.failed += n;
    } else if (outcome == "bounced") {
      p.bounced += n;
    } else {
      p.handed += n;
    }
  }
  return p;
}

bool is_recipient(db::Session& session, std::int64_t campaign_id, std::int64_t contact_id) {
  return session
      .query_one("SELECT 1 FROM campaign_recipients WHERE campaign_id = ? AND contact_id = ? AND state = 'handed'",
                 {campaign_id, contact_id})
      .has_value();
}

void record_response(db::Session& session, std::int64_t campaign_id, std::int64_t contact_id,
                     const std::string& response, std::int64_t now) {
  session.execute(
      "UPDATE campaign_recipients SET response = ?, responded_at = COALESCE(responded_at, ?) "
      "WHERE campaign_id = ? AND contact_id = ?",
      {response, now, campaign_id, contact_id});
}

void record_registration(db::Session& session, std::int64_t campaign_id, std::int64_t contact_id,
                         std::int64_t occurrence_id, std::int64_t now) {
  session.execute(
      "INSERT INTO campaign_registrations (campaign_id, contact_id, occurrence_id, created_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT DO NOTHING",
      {campaign_id, contact_id, occurrence_id, now});
  session.execute(
      "UPDATE campaign_recipients SET registered_at = COALESCE(registered_at, ?) WHERE campaign_id = ? AND "
      "contact_id = ?",
      {now, campaign_id, contact_id});
}

std::vector<FunnelRow> funnel_rows(db::Session& session, std::int64_t network_id, std::int64_t campaign_id) {
  // Attendance: a confirmed RSVP checked in as present at an occurrence the contact registered for
  // through the campaign, under their address or, once a member, their account.
  db::Params params{network_id};
  if (campaign_id != 0) params.emplace_back(campaign_id);
  const auto rows = session.query(
      "SELECT r.contact_id, r.handed_at, r.responded_at, r.registered_at, "
      "(SELECT MIN(o.starts_at) FROM campaign_registrations g "
      " JOIN event_occurrences o ON o.id = g.occurrence_id "
      " JOIN event_rsvps v ON v.occurrence_id = g.occurrence_id AND v.attended = 1 "
      "  AND (v.email = c.email OR (c.account_id IS NOT NULL AND v.account_id = c.account_id)) "
      " WHERE g.campaign_id = r.campaign_id AND g.contact_id = r.contact_id), "
      "CASE WHEN c.account_id IS NOT NULL THEN c.became_member_at END "
      "FROM campaign_recipients r JOIN campaigns k ON k.id = r.campaign_id JOIN contacts c ON c.id = r.contact_id "
      "WHERE k.network_id = ? " +
          std::string(campaign_id != 0 ? "AND r.campaign_id = ? " : "") + "AND r.state = 'handed' ORDER BY r.contact_id",
      params);
  std::map<std::int64_t, FunnelRow> by_contact;
  const auto earliest = [](std::optional<std::int64_t>& into, std::optional<std::int64_t> value) {
    if (value && (!into || *value < *into)) into = value;
  };
  for (const db::Row& row : rows) {
    const std::int64_t contact = row.int64(0);
    auto [it, inserted] = by_contact.try_emplace(contact, FunnelRow{contact, row.int64(1), {}, {}, {}, {}});
    FunnelRow& out = it->second;
    if (!inserted) out.contacted_at = std::min(out.contacted_at, row.int64(1));
    earliest(out.responded_at, row.optional_int64(2));
    earliest(out.registered_at, row.optional_int64(3));
    earliest(out.attended_at, row.optional_int64(4));
    earliest(out.member_at, row.optional_int64(5));
  }
  std::vector<FunnelRow> out;
  out.reserve(by_contact.size());
  for (auto& [id, row] : by_contact) out.push_back(row);
  return out;
}

}  // namespace campaigns::store
