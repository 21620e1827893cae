-- The netwerkAtlas, part 1: ties members declare to each other within a network (shown once the
-- other side confirms), and each member's atlas privacy (who sees their ties, whether they appear).
-- Derived ties (shared knowledge groups, events attended together) are computed, not stored.
CREATE TABLE atlas_ties (
  id INTEGER PRIMARY KEY,
  network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  from_account INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,  -- who declared it
  to_account INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,    -- who confirms or declines
  kind TEXT NOT NULL CHECK (kind IN ('knows', 'worked_together', 'referred', 'backup')),
  -- The pair as duplicates are judged: (lower id, higher id) for symmetric kinds, (from, to) for
  -- the directed kinds referred and backup.
  key_a INTEGER NOT NULL,
  key_b INTEGER NOT NULL,
  tie_date BIGINT,                      -- the date the declarer gave (unix seconds, 00:00 UTC), optional
  note TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'confirmed', 'declined', 'withdrawn', 'ended')),
  created_at BIGINT NOT NULL,
  decided_at BIGINT,                    -- confirmed, declined or withdrawn
  ended_at BIGINT,
  ended_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  CHECK (from_account <> to_account)
);
-- At most one live (pending or confirmed) tie per network, kind and pair.
CREATE UNIQUE INDEX atlas_ties_live_pair ON atlas_ties (network_id, kind, key_a, key_b)
  WHERE state IN ('pending', 'confirmed');
CREATE INDEX atlas_ties_by_network ON atlas_ties (network_id, state);
CREATE INDEX atlas_ties_by_from ON atlas_ties (from_account, state);
CREATE INDEX atlas_ties_by_to ON atlas_ties (to_account, state);

-- One row per member who chose; no row means the defaults (ties seen by the network, in the atlas).
CREATE TABLE atlas_privacy (
  account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  ties_visibility TEXT NOT NULL DEFAULT 'network' CHECK (ties_visibility IN ('network', 'connections', 'self')),
  hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
  updated_at BIGINT NOT NULL
);
