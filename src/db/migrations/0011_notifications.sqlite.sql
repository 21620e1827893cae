-- Activity in the knowledge groups and what follows from it: the activity stream (one row per new
-- thing, written by the feature that made it), notifications fanned out to members by watch level,
-- watch levels per group and per topic, e-mail preferences, and the digests sent (each item once).
-- topic_id and subject_id are plain numbers: topics, replies and documents live in their own
-- features' tables, and moderation reaches this table through notifications::retract.
CREATE TABLE activities (
  id INTEGER PRIMARY KEY,
  network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  group_id INTEGER REFERENCES knowledge_groups (id) ON DELETE CASCADE,  -- NULL: network-level
  kind TEXT NOT NULL,                    -- "topic.created", "reply.created", ...
  actor_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  subject_type TEXT NOT NULL,            -- "topic", "reply", "document", "page", "group"
  subject_id BIGINT NOT NULL,
  topic_id BIGINT,
  title TEXT NOT NULL DEFAULT '',
  excerpt TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  retracted_at BIGINT,                   -- hidden or removed by moderation: out of every list
  retracted_with_topic INTEGER NOT NULL DEFAULT 0  -- 1: retracted because its topic was hidden
);
CREATE INDEX activities_by_group ON activities (group_id, id);
CREATE INDEX activities_by_time ON activities (created_at);
CREATE INDEX activities_by_subject ON activities (subject_type, subject_id);
CREATE INDEX activities_by_topic ON activities (topic_id, id) WHERE topic_id IS NOT NULL;
CREATE INDEX activities_by_actor ON activities (actor_id) WHERE actor_id IS NOT NULL;

-- One row per member told about one activity. mail_state: 'pending' until the immediate-mail job
-- decides (sent, or skipped because the member reads it already, turned mail off or lost access).
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
  reason TEXT NOT NULL CHECK (reason IN ('direct', 'mention', 'reply', 'watching')),
  created_at BIGINT NOT NULL,
  read_at BIGINT,
  mail_state TEXT NOT NULL DEFAULT 'none' CHECK (mail_state IN ('none', 'pending', 'sent', 'skipped')),
  UNIQUE (account_id, activity_id)
);
CREATE INDEX notifications_by_account ON notifications (account_id, read_at, id);
CREATE INDEX notifications_by_activity ON notifications (activity_id);
CREATE INDEX notifications_mail_pending ON notifications (id) WHERE mail_state = 'pending';

-- A member's level for a group or a topic; a topic's level overrides the group's. chosen = 0 for the
-- automatic ones (a topic's author watches it, a replier tracks it), which never replace a chosen one.
-- seen_activity_id: the last activity of the target the member has seen (tracking's unread count).
CREATE TABLE watch_levels (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_type TEXT NOT NULL CHECK (target_type IN ('group', 'topic')),
  target_id BIGINT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('watching', 'tracking', 'normal', 'muted')),
  chosen INTEGER NOT NULL DEFAULT 0,
  seen_activity_id BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, target_type, target_id)
);
CREATE INDEX watch_levels_by_target ON watch_levels (target_type, target_id, level);

-- E-mail preferences and digest state (no row: the defaults). last_digest_at is the watermark: the
-- end of the period the last digest covered.
CREATE TABLE notification_settings (
  account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  mail_immediate INTEGER NOT NULL DEFAULT 1,
  digest TEXT NOT NULL DEFAULT 'weekly' CHECK (digest IN ('daily', 'weekly', 'never')),
  last_digest_at BIGINT,
  updated_at BIGINT NOT NULL
);

CREATE TABLE digests (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
  period_start BIGINT NOT NULL,
  period_end BIGINT NOT NULL,
  outbox_id BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX digests_by_account ON digests (account_id, period_end);

-- What each digest contained: the primary key is the promise that no item is mailed twice.
CREATE TABLE digest_items (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
  digest_id INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
  PRIMARY KEY (account_id, activity_id)
);
CREATE INDEX digest_items_by_digest ON digest_items (digest_id);
