-- Events: series and single events, their dated occurrences (materialised up to a horizon so RSVPs,
-- capacity and attendance have a row), RSVPs with the waiting list, the congress programme, and the
-- private calendar feed tokens. Names and addresses on an RSVP are those given when answering, so a
-- non-member's registration and a member's answer are handled alike.
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  group_id INTEGER REFERENCES knowledge_groups (id) ON DELETE SET NULL,
  kind TEXT NOT NULL DEFAULT 'single' CHECK (kind IN ('single', 'series', 'congress')),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  location_name TEXT NOT NULL DEFAULT '',
  location_address TEXT NOT NULL DEFAULT '',
  timezone TEXT NOT NULL DEFAULT 'Europe/Amsterdam',
  starts_local TEXT NOT NULL,            -- wall clock of the first start: "2024-09-03T07:30"
  duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
  rrule TEXT NOT NULL DEFAULT '',        -- RFC 5545 RRULE value; '' for a single event
  exdates TEXT NOT NULL DEFAULT '',      -- skipped starts, comma-separated wall clock
  capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
  rsvp_deadline_minutes INTEGER,
  reminder_minutes INTEGER,
  visibility TEXT NOT NULL DEFAULT 'members' CHECK (visibility IN ('public', 'members')),
  materialised_until BIGINT NOT NULL DEFAULT 0,
  created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX events_by_network ON events (network_id);
CREATE INDEX events_by_horizon ON events (materialised_until) WHERE rrule <> '';

-- Members who may manage an event besides the network's coordinators.
CREATE TABLE event_hosts (
  event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  PRIMARY KEY (event_id, account_id)
);
CREATE INDEX event_hosts_by_account ON event_hosts (account_id);

CREATE TABLE event_occurrences (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  recurrence_id TEXT NOT NULL,           -- the rule's local start "20240903T073000": identity in the series
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
  status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
  overridden INTEGER NOT NULL DEFAULT 0,
  title TEXT,
  location_name TEXT,
  capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
  change_note TEXT NOT NULL DEFAULT '',
  seats_taken INTEGER NOT NULL DEFAULT 0 CHECK (seats_taken >= 0),  -- going people plus guests
  queue_seq INTEGER NOT NULL DEFAULT 0,  -- the last waiting-list ticket handed out
  reminder_sent_at BIGINT,
  UNIQUE (event_id, recurrence_id)
);
CREATE INDEX event_occurrences_by_start ON event_occurrences (starts_at);
CREATE INDEX event_occurrences_by_event ON event_occurrences (event_id, starts_at);
CREATE INDEX event_occurrences_reminders ON event_occurrences (starts_at) WHERE reminder_sent_at IS NULL;

CREATE TABLE event_rsvps (
  id INTEGER PRIMARY KEY,
  occurrence_id INTEGER NOT NULL REFERENCES event_occurrences (id) ON DELETE CASCADE,
  account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,  -- NULL: a non-member by e-mail
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT 'nl',
  response TEXT NOT NULL CHECK (response IN ('going', 'maybe', 'not_going', 'waiting')),
  guests INTEGER NOT NULL DEFAULT 0 CHECK (guests >= 0),
  guest_names TEXT NOT NULL DEFAULT '',  -- one per line
  note TEXT NOT NULL DEFAULT '',
  ticket INTEGER,                        -- waiting-list ticket while waiting
  from_series INTEGER NOT NULL DEFAULT 0,
  confirmed INTEGER NOT NULL DEFAULT 1,
  confirm_token_hash TEXT UNIQUE,        -- non-members: the single-use confirmation link, hashed
  confirm_expires_at BIGINT,
  attended INTEGER,                      -- NULL: not checked; 1 came; 0 did not
  checked_in_at BIGINT,
  walk_in INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (occurrence_id, account_id)
);
CREATE UNIQUE INDEX event_rsvps_guest_email ON event_rsvps (occurrence_id, email) WHERE account_id IS NULL AND email <> '';
CREATE INDEX event_rsvps_queue ON event_rsvps (occurrence_id, ticket) WHERE ticket IS NOT NULL;
CREATE INDEX event_rsvps_by_account ON event_rsvps (account_id, occurrence_id);

-- A member's answer for every future occurrence of a series; an answer for one occurrence wins.
CREATE TABLE event_series_rsvps (
  event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT 'nl',
  response TEXT NOT NULL CHECK (response IN ('going', 'maybe', 'not_going')),
  guests INTEGER NOT NULL DEFAULT 0,
  guest_names TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (event_id, account_id)
);

-- The congress programme: sessions in rooms and time slots, speakers, registrations.
CREATE TABLE event_sessions (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  track TEXT NOT NULL DEFAULT '',
  room TEXT NOT NULL DEFAULT '',
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
  capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
  registered INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX event_sessions_by_event ON event_sessions (event_id, starts_at);

CREATE TABLE event_session_speakers (
  session_id INTEGER NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  affiliation TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (session_id, position)
);

CREATE TABLE event_session_registrations (
  session_id INTEGER NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (session_id, account_id)
);
CREATE INDEX event_session_registrations_by_account ON event_session_registrations (account_id);

-- A member's private calendar feed: only the hash of the secret in its URL.
CREATE TABLE event_feed_tokens (
  account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
