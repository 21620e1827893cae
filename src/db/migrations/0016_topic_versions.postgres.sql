-- A topic's version: a number that changes in the same transaction as every write that changes what
-- the topic's posts show (a new post, an edit, a hide, a reaction's count, a moved or anonymised post,
-- an author's new name), so that a reader may keep what it read of a page of posts for as long as the
-- version it reads with the topic row is the same. Triggers bump it, so that no write path (other
-- features' too: renames in auth, erasure in api) can forget to. Topic-level state (title, closed,
-- pinned, accepted answer, group) is read with the topic row on every request and needs no bump.
-- Statement-level with transition tables: a bulk INSERT of many posts bumps each topic once.
ALTER TABLE topics ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION topics_version_new_replies() RETURNS trigger AS $$
BEGIN
  UPDATE topics SET version = version + 1 WHERE id IN (SELECT topic_id FROM new_replies);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER topics_version_new_replies AFTER INSERT ON replies
REFERENCING NEW TABLE AS new_replies
FOR EACH STATEMENT EXECUTE FUNCTION topics_version_new_replies();

CREATE FUNCTION topics_version_changed_replies() RETURNS trigger AS $$
BEGIN
  UPDATE topics SET version = version + 1
  WHERE id IN (SELECT topic_id FROM old_replies UNION SELECT topic_id FROM new_replies);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER topics_version_changed_replies AFTER UPDATE ON replies
REFERENCING OLD TABLE AS old_replies NEW TABLE AS new_replies
FOR EACH STATEMENT EXECUTE FUNCTION topics_version_changed_replies();

CREATE FUNCTION topics_version_renamed_author() RETURNS trigger AS $$
BEGIN
  IF OLD.name IS DISTINCT FROM NEW.name THEN
    UPDATE topics SET version = version + 1 WHERE id IN (SELECT topic_id FROM replies WHERE author_id = NEW.id);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER topics_version_renamed_author AFTER UPDATE OF name ON accounts
FOR EACH ROW EXECUTE FUNCTION topics_version_renamed_author();
