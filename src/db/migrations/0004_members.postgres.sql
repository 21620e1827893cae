-- Member profiles: the fields and their visibility (0 public, 1 members only, 2 hidden), one row per
-- discipline, tag and language for the directory's filters, and the full-text indexes (db/search_index.h):
-- one with only public fields (what visitors search), one with public and members-only fields.

-- Dutch full text with accents folded: "cafe" finds "café", "verzekeringen" finds "verzekering".
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION knooppunt_dutch (COPY = pg_catalog.dutch);
ALTER TEXT SEARCH CONFIGURATION knooppunt_dutch
  ALTER MAPPING FOR hword, hword_part, word, asciihword, hword_asciipart, asciiword WITH unaccent, dutch_stem;

CREATE TABLE profiles (
  account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  sort_name TEXT NOT NULL DEFAULT '',
  headline TEXT NOT NULL DEFAULT '',
  disciplines TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '',
  languages TEXT NOT NULL DEFAULT '',
  town TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  availability TEXT NOT NULL DEFAULT 'available' CHECK (availability IN ('available', 'limited', 'unavailable')),
  bio_markdown TEXT NOT NULL DEFAULT '',
  bio_html TEXT NOT NULL DEFAULT '',
  website TEXT NOT NULL DEFAULT '',
  photo_version BIGINT NOT NULL DEFAULT 0,
  profile_visibility INTEGER NOT NULL DEFAULT 1 CHECK (profile_visibility IN (0, 1, 2)),
  headline_visibility INTEGER NOT NULL DEFAULT 1 CHECK (headline_visibility IN (0, 1, 2)),
  photo_visibility INTEGER NOT NULL DEFAULT 1 CHECK (photo_visibility IN (0, 1, 2)),
  disciplines_visibility INTEGER NOT NULL DEFAULT 1 CHECK (disciplines_visibility IN (0, 1, 2)),
  tags_visibility INTEGER NOT NULL DEFAULT 1 CHECK (tags_visibility IN (0, 1, 2)),
  town_visibility INTEGER NOT NULL DEFAULT 1 CHECK (town_visibility IN (0, 1, 2)),
  languages_visibility INTEGER NOT NULL DEFAULT 1 CHECK (languages_visibility IN (0, 1, 2)),
  availability_visibility INTEGER NOT NULL DEFAULT 1 CHECK (availability_visibility IN (0, 1, 2)),
  bio_visibility INTEGER NOT NULL DEFAULT 1 CHECK (bio_visibility IN (0, 1, 2)),
  website_visibility INTEGER NOT NULL DEFAULT 1 CHECK (website_visibility IN (0, 1, 2)),
  updated_at BIGINT NOT NULL
);
-- The directory without a search ranks by name; "within N km" starts from a bounding box.
CREATE INDEX profiles_by_name ON profiles (sort_name, account_id);
CREATE INDEX profiles_by_position ON profiles (latitude, longitude);

-- One row per value, for the directory's filters (the lists above are for display).
CREATE TABLE profile_disciplines (
  account_id BIGINT NOT NULL REFERENCES profiles (account_id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  PRIMARY KEY (account_id, code)
);
CREATE INDEX profile_disciplines_by_code ON profile_disciplines (code, account_id);

CREATE TABLE profile_tags (
  account_id BIGINT NOT NULL REFERENCES profiles (account_id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (account_id, tag)
);
CREATE INDEX profile_tags_by_tag ON profile_tags (tag, account_id);

CREATE TABLE profile_languages (
  account_id BIGINT NOT NULL REFERENCES profiles (account_id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  PRIMARY KEY (account_id, code)
);
CREATE INDEX profile_languages_by_code ON profile_languages (code, account_id);

-- Weights A..D: name; headline, disciplines and tags; town and region; bio and website.
CREATE TABLE member_search_public (
  id BIGINT PRIMARY KEY,
  document tsvector NOT NULL
);
CREATE INDEX member_search_public_document ON member_search_public USING GIN (document);
CREATE TABLE member_search_members (
  id BIGINT PRIMARY KEY,
  document tsvector NOT NULL
);
CREATE INDEX member_search_members_document ON member_search_members USING GIN (document);
