-- Knowledge groups become community spaces: an image, a join policy, a visibility, archiving, and
-- the members of each group with their role (member or host) and state (active, asked to join,
-- invited). Who may see or post in a group is decided from these columns by groups/access.h.
ALTER TABLE knowledge_groups ADD COLUMN image_path TEXT NOT NULL DEFAULT '';
ALTER TABLE knowledge_groups ADD COLUMN join_policy TEXT NOT NULL DEFAULT 'open'
  CHECK (join_policy IN ('open', 'request', 'invitation'));
ALTER TABLE knowledge_groups ADD COLUMN visibility TEXT NOT NULL DEFAULT 'network'
  CHECK (visibility IN ('public', 'network', 'group'));
ALTER TABLE knowledge_groups ADD COLUMN archived_at BIGINT;
-- The description as HTML, rendered from its Markdown (web/markdown.h) when saved.
ALTER TABLE knowledge_groups ADD COLUMN description_html TEXT NOT NULL DEFAULT '';

CREATE TABLE group_members (
  group_id INTEGER NOT NULL REFERENCES knowledge_groups (id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'host')),
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'requested', 'invited')),
  invited_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  message TEXT NOT NULL DEFAULT '',   -- the note with a request to join or an invitation
  created_at BIGINT NOT NULL,
  joined_at BIGINT,                   -- when the state became active
  PRIMARY KEY (group_id, account_id)
);
CREATE INDEX group_members_by_account ON group_members (account_id, state);
CREATE INDEX group_members_by_group ON group_members (group_id, state, role);
