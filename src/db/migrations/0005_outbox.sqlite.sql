-- The mail outbox: every e-mail is a row first, written in the transaction of the change it reports.
-- A sender claims due rows (claimed_until: a lease other instances respect), delivers them outside any
-- transaction, then records the outcome: sent_at, a retry at next_attempt_at, or failed_at (gave up).
CREATE TABLE mail_outbox (
  id INTEGER PRIMARY KEY,
  to_address TEXT NOT NULL,
  to_name TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL DEFAULT '',
  headers TEXT NOT NULL DEFAULT '[]',  -- JSON array of [name, value] pairs
  kind TEXT NOT NULL DEFAULT '',
  message_id TEXT NOT NULL UNIQUE,     -- "<random@knooppunt>", fixed at enqueue so a resend keeps it
  created_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  claimed_until BIGINT NOT NULL DEFAULT 0,
  sent_at BIGINT,
  failed_at BIGINT,
  last_error TEXT NOT NULL DEFAULT ''
);

-- What the sender polls every few seconds: only rows still to deliver, oldest due first.
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;
-- For the failed gauge and for an operator looking for undeliverable mail.
CREATE INDEX mail_outbox_failed ON mail_outbox (failed_at) WHERE failed_at IS NOT NULL;
