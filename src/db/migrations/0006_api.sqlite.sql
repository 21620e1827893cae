-- Personal API tokens (shown once, stored only as a hash) and the audit log of sensitive actions.
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,  -- hex of crypto_generichash(token); the token itself is never stored
  prefix TEXT NOT NULL,             -- the first characters, so its owner can recognise it in a list
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX api_tokens_by_account ON api_tokens (account_id, id);

-- Who did what to whom. Rows are never changed or deleted; after an erasure the ids remain, the
-- personal data they pointed to does not. `details` holds a JSON object.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_account_id INTEGER,  -- NULL: the system or the command line
  action TEXT NOT NULL,      -- e.g. "account.export", "account.erase", "api_token.create"
  subject_type TEXT NOT NULL,
  subject_id BIGINT,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_subject ON audit_log (subject_type, subject_id, id);
CREATE INDEX audit_log_by_actor ON audit_log (actor_account_id, id);
