-- A topic's version: a number that changes in the same transaction as every write that changes what
-- the topic's posts show (a new post, an edit, a hide, a reaction's count, a moved or anonymised post,
-- an author's new name), so that a reader may keep what it read of a page of posts for as long as the
-- version it reads with the topic row is the same. Triggers bump it, so that no write path (other
-- features' too: renames in auth, erasure in api) can forget to. Topic-level state (title, closed,
-- pinned, accepted answer, group) is read with the topic row on every request and needs no bump.
ALTER TABLE topics ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER topics_version_new_reply AFTER INSERT ON replies
BEGIN
  UPDATE topics SET version = version + 1 WHERE id = NEW.topic_id;
END;
CREATE TRIGGER topics_version_changed_reply AFTER UPDATE ON replies
BEGIN
  UPDATE topics SET version = version + 1 WHERE id IN (OLD.topic_id, NEW.topic_id);
END;
CREATE TRIGGER topics_version_renamed_author AFTER UPDATE OF name ON accounts
WHEN OLD.name IS NOT NEW.name
BEGIN
  UPDATE topics SET version = version + 1 WHERE id IN (SELECT topic_id FROM replies WHERE author_id = NEW.id);
END;
