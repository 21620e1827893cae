-- Discussions in knowledge groups: topics and their posts, edit history, "useful" reactions, mentions,
-- each member's place in each topic (the unread marker), flags for moderators, and the full-text index.
-- A topic's opening post is its reply number 1, so quoting, editing, reacting, flagging and hiding work
-- the same on every post. Posts are never deleted: hidden ones stay for the audit log.

CREATE TABLE topics (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES knowledge_groups (id) ON DELETE CASCADE,
  author_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  title TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'discussion' CHECK (kind IN ('discussion', 'question')),
  pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  closed_at BIGINT,
  closed_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  hidden_at BIGINT,                      -- hidden by a moderator: members see a notice, hosts the topic
  hidden_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  accepted_reply_id BIGINT,              -- question topics: the accepted answer (a reply of this topic)
  reply_count INTEGER NOT NULL DEFAULT 0,       -- posts after the opening post
  last_post_number INTEGER NOT NULL DEFAULT 1,  -- the highest post_number (no gaps: posts are never deleted)
  last_reply_id BIGINT,
  last_author_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  last_posted_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- A group's topic list: pinned first, then the most recently active.
CREATE INDEX topics_by_group ON topics (group_id, pinned DESC, last_posted_at DESC, id DESC);
-- What members see (and count for pagination): the topics not hidden by a moderator.
CREATE INDEX topics_visible_by_group ON topics (group_id, pinned DESC, last_posted_at DESC, id DESC)
  WHERE hidden_at IS NULL;
CREATE INDEX topics_by_author ON topics (author_id);

CREATE TABLE replies (
  id INTEGER PRIMARY KEY,
  topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
  post_number INTEGER NOT NULL,          -- 1 is the opening post; pages are ranges of post numbers
  author_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  body_markdown TEXT NOT NULL,
  body_html TEXT NOT NULL,               -- rendered once on save (web/markdown.h), never per view
  quote_of BIGINT,                       -- the reply this one quotes, if any
  useful_count INTEGER NOT NULL DEFAULT 0,
  revision_count INTEGER NOT NULL DEFAULT 0,  -- earlier versions in reply_revisions
  edited_at BIGINT,
  edited_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  hidden_at BIGINT,
  hidden_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (topic_id, post_number)
);
CREATE INDEX replies_by_author ON replies (author_id, created_at);
CREATE INDEX replies_by_time ON replies (created_at);

-- Earlier versions of a post, oldest first: version `number` as written by `author_id` at `created_at`.
-- The current version is the reply row itself.
CREATE TABLE reply_revisions (
  id INTEGER PRIMARY KEY,
  reply_id INTEGER NOT NULL REFERENCES replies (id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  title TEXT NOT NULL DEFAULT '',        -- the topic's title then (opening posts only)
  body_markdown TEXT NOT NULL,
  author_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (reply_id, number)
);

CREATE TABLE reply_reactions (
  reply_id INTEGER NOT NULL REFERENCES replies (id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  kind TEXT NOT NULL DEFAULT 'useful' CHECK (kind IN ('useful')),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (reply_id, account_id, kind)
);
CREATE INDEX reply_reactions_by_account ON reply_reactions (account_id);

-- Who a post mentions (@Voornaam-Achternaam), so an edit notifies only the newly mentioned.
CREATE TABLE reply_mentions (
  reply_id INTEGER NOT NULL REFERENCES replies (id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  PRIMARY KEY (reply_id, account_id)
);
CREATE INDEX reply_mentions_by_account ON reply_mentions (account_id);

-- A member's place in a topic: every post up to this number has been on a page they saw.
CREATE TABLE topic_reads (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
  last_read_post_number INTEGER NOT NULL,
  read_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, topic_id)
);
CREATE INDEX topic_reads_by_topic ON topic_reads (topic_id);

-- A member asks the hosts to look at a post. Open until a host hides the post or dismisses the flag.
CREATE TABLE discussion_flags (
  id INTEGER PRIMARY KEY,
  reply_id INTEGER NOT NULL REFERENCES replies (id) ON DELETE CASCADE,
  reporter_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  reason TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  resolved_at BIGINT,
  resolved_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  resolution TEXT CHECK (resolution IN ('hidden', 'dismissed'))
);
CREATE INDEX discussion_flags_open ON discussion_flags (reply_id) WHERE resolved_at IS NULL;
CREATE UNIQUE INDEX discussion_flags_once ON discussion_flags (reply_id, reporter_id) WHERE resolved_at IS NULL;

-- Full text (db/search_index.h), one document per post, id = replies.id. Columns a..d: the topic's
-- title (opening posts only); nothing; nothing; the post's Markdown.
CREATE VIRTUAL TABLE discussion_search USING fts5(a, b, c, d, tokenize = 'knooppunt_dutch');
