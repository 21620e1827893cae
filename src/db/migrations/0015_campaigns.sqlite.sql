-- Recruitment, part 2: mail-merge campaigns to a network's contacts. A campaign is composed as a draft,
-- its audience (a segment of the contacts) is fixed into campaign_recipients when sending starts, and a
-- job hands recipients to the mail outbox in the same transaction that marks them handed, so a crash
-- never enqueues anyone twice. Responses and event registrations through the personal link are kept per
-- recipient for the funnel.
CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,                         -- Markdown with merge fields such as {voornaam}
  language TEXT NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
  segment_region TEXT NOT NULL DEFAULT '',    -- '' : any
  segment_town TEXT NOT NULL DEFAULT '',
  segment_discipline TEXT NOT NULL DEFAULT '',
  segment_source TEXT NOT NULL DEFAULT '',
  only_not_responded INTEGER NOT NULL DEFAULT 0,
  occurrence_id INTEGER REFERENCES event_occurrences (id) ON DELETE SET NULL,  -- the meeting it invites to
  rate_per_minute INTEGER NOT NULL DEFAULT 0 CHECK (rate_per_minute >= 0),   -- 0: as fast as the relay takes
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sending', 'paused', 'done')),
  next_send_ms BIGINT NOT NULL DEFAULT 0,     -- pacing: the earliest moment (unix ms) for the next message
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT
);
CREATE INDEX campaigns_by_network ON campaigns (network_id, id);
CREATE INDEX campaigns_sending ON campaigns (status) WHERE status = 'sending';

CREATE TABLE campaign_recipients (
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'handed', 'skipped')),
  skip_reason TEXT NOT NULL DEFAULT '',       -- 'unsubscribed', 'bounced', 'suppressed'
  outbox_id INTEGER,                          -- no reference: the outbox prunes its rows
  handed_at BIGINT,
  outcome TEXT CHECK (outcome IS NULL OR outcome IN ('sent', 'failed', 'bounced')),
  outcome_at BIGINT,
  responded_at BIGINT,                        -- through this campaign's link
  response TEXT,
  registered_at BIGINT,                       -- registered for an event through this campaign's link
  PRIMARY KEY (campaign_id, contact_id)
);
CREATE INDEX campaign_recipients_queue ON campaign_recipients (campaign_id, contact_id) WHERE state = 'queued';
CREATE INDEX campaign_recipients_by_outbox ON campaign_recipients (outbox_id) WHERE outbox_id IS NOT NULL;
CREATE INDEX campaign_recipients_by_contact ON campaign_recipients (contact_id);

-- Which contact registered for which occurrence through which campaign: the funnel follows them to
-- attendance (event_rsvps by e-mail, or by account once they are a member).
CREATE TABLE campaign_registrations (
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  occurrence_id INTEGER NOT NULL REFERENCES event_occurrences (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, contact_id, occurrence_id)
);
CREATE INDEX campaign_registrations_by_occurrence ON campaign_registrations (occurrence_id);
