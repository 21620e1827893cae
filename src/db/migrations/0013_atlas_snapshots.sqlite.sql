-- The netwerkAtlas, part 2: the computed snapshots (one row per full analysis run) and the names
-- coordinators give to clusters. Every row keeps the network's figures, so the coordinator's view can
-- show them over time; only the newest row of a network keeps its body (the per-member results), so
-- older rows hold no personal data.
CREATE TABLE atlas_snapshots (
  id INTEGER PRIMARY KEY,
  network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  computed_at BIGINT NOT NULL,             -- unix seconds
  input_fingerprint TEXT NOT NULL,         -- hex; equal fingerprints: nothing changed since
  members BIGINT NOT NULL,
  ties BIGINT NOT NULL,                    -- distinct pairs of members with a network-visible tie
  density REAL NOT NULL,
  clusters BIGINT NOT NULL,                -- clusters of two or more members
  isolated BIGINT NOT NULL,                -- members with no or one tie
  modularity REAL NOT NULL,
  took_ms BIGINT NOT NULL,
  body TEXT NOT NULL DEFAULT ''            -- compact JSON (snapshot_store.cpp); '' once superseded
);
CREATE INDEX atlas_snapshots_by_network ON atlas_snapshots (network_id, id);

-- Cluster ids are kept from run to run (warm start), so a name stays with its cluster.
CREATE TABLE atlas_cluster_names (
  network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  cluster_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  named_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  named_at BIGINT NOT NULL,
  PRIMARY KEY (network_id, cluster_id)
);
