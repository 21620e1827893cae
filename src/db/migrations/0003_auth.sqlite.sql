-- Accounts, memberships of networks, sessions, single-use tokens, invitations and sign-in throttling.
-- Secrets (session ids, tokens) are stored only as hashes; e-mail addresses only in lower case.
ALTER TABLE networks ADD COLUMN signup_mode TEXT NOT NULL DEFAULT 'open'
  CHECK (signup_mode IN ('open', 'invitation', 'approval'));

CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  email_verified_at BIGINT,
  password_hash TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT 'nl',
  is_admin INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'erased')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE memberships (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'coordinator')),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pending', 'rejected')),
  created_at BIGINT NOT NULL,
  decided_at BIGINT,
  PRIMARY KEY (account_id, network_id)
);
CREATE INDEX memberships_by_network ON memberships (network_id, status);

CREATE TABLE invitations (
  id INTEGER PRIMARY KEY,
  network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  email TEXT,
  created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,
  used_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL
);
CREATE INDEX invitations_by_network ON invitations (network_id, created_at);

CREATE TABLE auth_tokens (
  token_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'reset', 'signin')),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX auth_tokens_by_account ON auth_tokens (account_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_account ON sessions (account_id);

-- Failed sign-ins only, keyed by the address typed (whether or not an account has it) and by IP.
CREATE TABLE sign_in_attempts (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  ip TEXT NOT NULL,
  attempted_at BIGINT NOT NULL
);
CREATE INDEX sign_in_attempts_by_email ON sign_in_attempts (email, attempted_at);
CREATE INDEX sign_in_attempts_by_ip ON sign_in_attempts (ip, attempted_at);
CREATE INDEX sign_in_attempts_by_time ON sign_in_attempts (attempted_at);
