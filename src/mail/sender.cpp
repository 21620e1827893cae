#include "mail/sender.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

#include "mail/store.h"

namespace mail {

OutboxSender::OutboxSender(db::Database& database, Transport& transport, SenderOptions options)
    : database_(database), transport_(transport), options_(std::move(options)) {
  options_.batch_size = std::max<std::int64_t>(1, options_.batch_size);
  options_.max_attempts = std::max<std::int64_t>(1, options_.max_attempts);
  options_.per_minute = std::max<std::int64_t>(0, options_.per_minute);
}

std::chrono::seconds OutboxSender::retry_delay(std::int64_t attempts) const {
  std::chrono::seconds delay = options_.first_retry;
  for (std::int64_t i = 1; i < attempts && delay < options_.longest_retry; ++i) delay *= 2;
  return std::min(delay, options_.longest_retry);
}

std::int64_t OutboxSender::attempts_left_this_minute(std::int64_t now) {
  if (options_.per_minute == 0) return options_.batch_size;
  while (!recent_attempts_.empty() && recent_attempts_.front() <= now - 60) recent_attempts_.pop_front();
  return options_.per_minute - static_cast<std::int64_t>(recent_attempts_.size());
}

std::int64_t OutboxSender::prune(std::int64_t now) {
  const std::int64_t removed = database_.write([&](db::Session& session) {
    return store::delete_finished(session, now - options_.keep_sent.count(),
                                  now - options_.keep_failed.count());
  });
  if (removed > 0) spdlog::info("mail: removed {} finished message(s) from the outbox", removed);
  return removed;
}

bool OutboxSender::is_paced(const std::string& kind) const {
  return !options_.paced_kind_prefix.empty() && kind.starts_with(options_.paced_kind_prefix);
}

void OutboxSender::tell(db::Session& session, const DeliveryOutcome& outcome, std::int64_t now) const {
  if (listener_) listener_(session, outcome, now);
}

int OutboxSender::deliver_due(std::int64_t now) {
  std::lock_guard lock(mutex_);
  const auto started = std::chrono::steady_clock::now();
  int sent = 0;
  while (true) {
    const auto [claimed, sent_now] = deliver_batch(now);
    sent += sent_now;
    if (claimed < options_.batch_size || std::chrono::steady_clock::now() - started >= options_.keep_going_for) break;
  }
  return sent;
}

std::pair<std::int64_t, int> OutboxSender::deliver_batch(std::int64_t now) {
  // Only paced mail while the minute's attempts are used up: it must not wait behind the limit.
  const bool only_paced = attempts_left_this_minute(now) <= 0;
  if (only_paced && options_.paced_kind_prefix.empty()) return {0, 0};

  const auto claimed_at = std::chrono::steady_clock::now();
  const std::int64_t lease_until = now + options_.claim_lease.count();
  const db::Backend backend = database_.backend();
  const std::string kind_prefix = only_paced ? options_.paced_kind_prefix : std::string();
  const std::vector<store::OutboxRow> rows = database_.write([&](db::Session& session) {
    return store::claim_due(session, backend, now, lease_until, options_.batch_size, kind_prefix);
  });

  int sent = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const store::OutboxRow& row = rows[i];
    // Past this point another instance could take the row while we are still talking to the server.
    if (std::chrono::steady_clock::now() - claimed_at + options_.longest_send > options_.claim_lease) {
      database_.write([&](db::Session& session) {
        for (std::size_t j = i; j < rows.size(); ++j) store::release(session, rows[j].id, lease_until);
      });
      spdlog::warn("mail: released {} claimed message(s) untried: the lease ran short", rows.size() - i);
      break;
    }
    const bool paced = is_paced(row.message.kind);
    // A claim may bring more unpaced rows than the minute has attempts left: those go back untried.
    if (!paced && attempts_left_this_minute(now) <= 0) {
      database_.write([&](db::Session& session) { store::release(session, row.id, lease_until); });
      continue;
    }

    OutgoingMessage message;
    message.outbox_id = row.id;
    message.from_address = options_.from_address;
    message.from_name = options_.from_name;
    message.to_address = row.message.to_address;
    message.to_name = row.message.to_name;
    message.subject = row.message.subject;
    message.text = row.message.text;
    message.html = row.message.html;
    message.headers = row.message.headers;
    message.message_id = row.message_id;
    message.date = row.created_at;  // when the event happened, the same on every attempt
    message.kind = row.message.kind;

    if (!paced && options_.per_minute > 0) recent_attempts_.push_back(now);
    SendResult result = SendResult::temporary_failure("not attempted");
    try {
      result = transport_.send(message);  // outside any transaction: the network may take a while
    } catch (const std::exception& error) {
      result = SendResult::temporary_failure(std::string("transport error: ") + error.what());
    }

    DeliveryOutcome outcome{row.id, row.message.kind, row.message.to_address, false, false, result.reason()};
    switch (result.outcome()) {
      case SendResult::Outcome::Sent:
        // Recorded right after the server's answer: the only window for a duplicate (a crash between
        // the two) is this one small write, and the copy would carry the same Message-ID.
        outcome.sent = true;
        database_.write([&](db::Session& session) {
          if (store::mark_sent(session, row.id, now)) tell(session, outcome, now);
        });
        ++sent;
        spdlog::debug("mail {} ({}) sent", row.id, row.message.kind);
        break;
      case SendResult::Outcome::TemporaryFailure:
        if (row.attempts >= options_.max_attempts) {
          database_.write([&](db::Session& session) {
            if (store::mark_failed(session, row.id, lease_until, now, result.reason())) tell(session, outcome, now);
          });
          spdlog::error("mail {} ({}) given up after {} attempts: {}", row.id, row.message.kind, row.attempts,
                        result.reason());
        } else {
          const std::int64_t next = now + retry_delay(row.attempts).count();
          database_.write([&](db::Session& session) {
            store::schedule_retry(session, row.id, lease_until, next, result.reason());
          });
          spdlog::warn("mail {} ({}) attempt {} failed, retrying in {} s: {}", row.id, row.message.kind,
                       row.attempts, next - now, result.reason());
        }
        break;
      case SendResult::Outcome::PermanentFailure:
        outcome.permanent = true;
        database_.write([&](db::Session& session) {
          if (store::mark_failed(session, row.id, lease_until, now, result.reason())) tell(session, outcome, now);
        });
        spdlog::error("mail {} ({}) refused for good: {}", row.id, row.message.kind, result.reason());
        break;
    }
  }
  return {static_cast<std::int64_t>(rows.size()), sent};
}

}  // namespace mail
