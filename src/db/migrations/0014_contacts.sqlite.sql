-- Recruitment, part 1: the contacts of a network (people on an imported address list who are not, or
-- not yet, members), the imports they came from, the hashes of addresses that must never be mailed
-- again, and each network's retention period. E-mail addresses are stored trimmed and lower-cased.
CREATE TABLE contact_imports (
  id INTEGER PRIMARY KEY,
  network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  file_name TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  legal_basis TEXT NOT NULL DEFAULT '',
  rows_total INTEGER NOT NULL DEFAULT 0,
  rows_added INTEGER NOT NULL DEFAULT 0,
  rows_merged INTEGER NOT NULL DEFAULT 0,
  rows_refused INTEGER NOT NULL DEFAULT 0,
  report_json TEXT NOT NULL DEFAULT '{}'   -- refused and merged lines with their reasons (contacts/import.cpp)
);
CREATE INDEX contact_imports_by_network ON contact_imports (network_id, id);

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  email TEXT NOT NULL,                     -- trimmed, lower-cased
  name TEXT NOT NULL DEFAULT '',
  organisation TEXT NOT NULL DEFAULT '',
  town TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',         -- the town's region from the bundled places list
  discipline TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL,                    -- where the address came from ("KvK-lijst", "eigen netwerk")
  legal_basis TEXT NOT NULL,               -- AVG art. 6 basis ("gerechtvaardigd belang", "toestemming")
  language TEXT NOT NULL DEFAULT 'nl',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  import_id INTEGER REFERENCES contact_imports (id) ON DELETE SET NULL,  -- the import that added it
  unsubscribed_at BIGINT,
  bounced_at BIGINT,
  bounce_reason TEXT,
  responded_at BIGINT,
  response TEXT CHECK (response IS NULL OR response IN ('interested', 'not_now', 'never')),
  last_mailed_at BIGINT,
  account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,       -- the member this contact became
  became_member_at BIGINT,
  UNIQUE (network_id, email)
);
CREATE INDEX contacts_by_town ON contacts (network_id, town);
CREATE INDEX contacts_by_region ON contacts (network_id, region);
CREATE INDEX contacts_by_discipline ON contacts (network_id, discipline);
CREATE INDEX contacts_by_source ON contacts (network_id, source);
CREATE INDEX contacts_by_response ON contacts (network_id, responded_at);
CREATE INDEX contacts_by_account ON contacts (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX contacts_by_import ON contacts (import_id);

-- Every import a contact appeared in (added or merged): the contact's history.
CREATE TABLE contact_import_links (
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  import_id INTEGER NOT NULL REFERENCES contact_imports (id) ON DELETE CASCADE,
  outcome TEXT NOT NULL CHECK (outcome IN ('added', 'merged')),
  line INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (contact_id, import_id)
);
CREATE INDEX contact_import_links_by_import ON contact_import_links (import_id);

-- An address erased or unsubscribed keeps only a hash here (hex BLAKE2b of the normalised address), so
-- no later import or campaign mails it again while the address itself is gone.
CREATE TABLE contact_suppressions (
  network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  email_hash TEXT NOT NULL,
  reason TEXT NOT NULL,                    -- 'unsubscribed', 'never', 'bounced', 'erased'
  created_at BIGINT NOT NULL,
  PRIMARY KEY (network_id, email_hash)
);

CREATE TABLE recruitment_settings (
  network_id INTEGER PRIMARY KEY REFERENCES networks (id) ON DELETE CASCADE,
  retention_days INTEGER NOT NULL DEFAULT 365 CHECK (retention_days > 0)
);

-- A contact who becomes a member of the network is linked to their account in the same transaction
-- that makes the membership active, whichever path does it (sign-up, invitation, approval, a
-- coordinator): auth knows nothing of contacts, the database does it for every path alike.
CREATE TRIGGER contacts_link_new_member AFTER INSERT ON memberships
WHEN NEW.status = 'active'
BEGIN
  UPDATE contacts SET account_id = NEW.account_id, became_member_at = COALESCE(NEW.decided_at, NEW.created_at),
                      updated_at = COALESCE(NEW.decided_at, NEW.created_at)
  WHERE network_id = NEW.network_id AND account_id IS NULL
    AND email = (SELECT email FROM accounts WHERE id = NEW.account_id);
END;
CREATE TRIGGER contacts_link_activated_member AFTER UPDATE OF status ON memberships
WHEN NEW.status = 'active' AND OLD.status <> 'active'
BEGIN
  UPDATE contacts SET account_id = NEW.account_id, became_member_at = COALESCE(NEW.decided_at, NEW.created_at),
                      updated_at = COALESCE(NEW.decided_at, NEW.created_at)
  WHERE network_id = NEW.network_id AND account_id IS NULL
    AND email = (SELECT email FROM accounts WHERE id = NEW.account_id);
END;
