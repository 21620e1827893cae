// Full-text search behind one interface, with Dutch stemming and accent folding on both backends:
// SQLite FTS5 with our own tokenizer (UTF-8 words, lower case, accents folded, Snowball Dutch stems)
// and PostgreSQL tsvector/tsquery with the `knooppunt_dutch` configuration (unaccent + dutch_stem).
// "verzekeringen" finds "verzekering" and "cafe" finds "café" on either.
//
// An index is a table that a feature's migration creates (see 0004_members.*.sql for the shape):
//   SQLite:     CREATE VIRTUAL TABLE t USING fts5(a, b, c, d, tokenize='knooppunt_dutch')  (rowid = id)
//   PostgreSQL: CREATE TABLE t (id BIGINT PRIMARY KEY, document tsvector NOT NULL) + GIN index
// Each document has four text fields, most important first (weights 1.0, 0.4, 0.2, 0.1 roughly, as
// PostgreSQL's A-D labels). Features join match() into their own SQL, so filters and ranking run
// in one statement.
//
// Thread-safety: a SearchIndex is immutable and may be shared; Sessions follow database.h.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"

struct sqlite3;

namespace db {

// The four weighted fields of one document, most important first.
struct SearchDocument {
  std::string a;  // e.g. a name
  std::string b;  // e.g. headline, tags
  std::string c;  // e.g. place
  std::string d;  // e.g. a long text
};

// A subquery to join into a feature's SQL: it yields columns (id, score), higher score = better
// match, for the documents matching the user's query. Its parameters come before the caller's.
// Example:
//   auto match = index.match("verzekeringen breda");
//   if (!match) ... no searchable words: show everything or nothing, the caller decides
//   sql = "SELECT p.id FROM (" + match->sql + ") m JOIN profiles p ON p.id = m.id ORDER BY m.score DESC"
struct SearchMatch {
  std::string sql;
  Params params;
  // The same subquery keeping only the best N documents, best first: N is one more parameter, after
  // `params`. Joining every match of a common word to a feature's filters is the expensive part of a
  // search; a caller that needs one page joins a window and falls back to `sql` when too few pass.
  // On PostgreSQL, where ranking itself reads each matching row from the heap, the window ranks only
  // the first 3,000 matches found: for a word more members use, the best of those (the ranking of
  // `sql` is exact).
  std::string top_sql;
  // At most N matching documents with their scores, unordered, chosen without ranking all the others:
  // on SQLite the N newest (highest ids), on PostgreSQL the first N found. N is one more parameter,
  // after `params`. For a caller that ranks a bounded candidate set and widens when it was too small.
  std::string window_sql;
  // The same query with the last word matched whole only (equal to `params` when it was not expanded,
  // e.g. too short). Expanding a common word's prefix reads every index entry that starts with it and
  // merges their document lists (on 1,000,000 posts: 30-60 ms of a 40-70 ms search on either backend),
  // so a search page may ask this first and expand only when it finds too few documents.
  Params exact_params;
};

struct SearchHit {
  std::int64_t id = 0;
  double score = 0;
};

class SearchIndex {
 public:
  virtual ~SearchIndex() = default;

  // For the index stored in `table` on `backend`. `table` must be a plain SQL identifier.
  static std::unique_ptr<SearchIndex> create(Backend backend, std::string table);

  // Adds or replaces the document `id`. Runs inside the caller's write transaction.
  virtual void put(Session& session, std::int64_t id, const SearchDocument& document) const = 0;
  virtual void remove(Session& session, std::int64_t id) const = 0;
  // Every document gone (tests, rebuilds).
  virtual void clear(Session& session) const = 0;

  // The documents containing every word of `user_query` (stemmed, accents folded); the last word
  // also matches as a prefix ("verzek" finds "verzekering"). Any input is safe: operators and
  // quotes are not interpreted. Nothing when the query has no searchable word.
  virtual std::optional<SearchMatch> match(std::string_view user_query) const = 0;

  // Call once in a transaction before running match() SQL. PostgreSQL: plans for this transaction are
  // made for the actual words, not cached generically (a plan that suits a rare word is twenty times
  // too slow for a common one, and PostgreSQL switches prepared statements to one generic plan after
  // five runs). SQLite: nothing.
  virtual void prepare_transaction(Session& session) const = 0;

  // Ranked ids, best first (a convenience over match()).
  std::vector<SearchHit> search(Session& session, std::string_view user_query, std::size_t limit) const;
};

// Which backend a session belongs to (for code handed only a Session, like demo seeds).
Backend backend_of(Session& session);

// The words of `text` as the index sees them before stemming: split on anything that is not a
// letter or digit (UTF-8), lower-cased, accents folded ("Café-eigenaar" -> {"cafe", "eigenaar"}).
std::vector<std::string> search_words(std::string_view text);
// One word's Snowball Dutch stem ("verzekeringen" -> "verzeker"). Thread-safe (its own stemmer).
std::string dutch_stem(std::string_view folded_word);
// Lower case with accents folded, keeping everything else ("Café Ëlla" -> "cafe ella").
std::string fold_text(std::string_view text);

// Registers the FTS5 tokenizer `knooppunt_dutch` on a new SQLite connection (sqlite_database.cpp
// calls it for every connection it opens). Throws db::Error when FTS5 is missing.
void register_sqlite_search_tokenizer(sqlite3* connection);

}  // namespace db
