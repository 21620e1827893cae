#include "db/search_index.h"

#include <libstemmer.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <new>
#include <unordered_set>

#include "db/sqlite_database.h"

namespace db {

namespace {

// Latin-1 Supplement and Latin Extended-A (U+00C0..U+017F), lower-cased without accents. Empty for
// the two symbols in the range (× and ÷), which separate words.
constexpr std::array<std::string_view, 0x180 - 0xC0> kLatinFolding = {
    "a", "a", "a",  "a",  "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // U+00C0
    "d", "n", "o",  "o",  "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // U+00D0
    "a", "a", "a",  "a",  "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // U+00E0
    "d", "n", "o",  "o",  "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",   // U+00F0
    "a", "a", "a",  "a",  "a", "a", "c",  "c", "c", "c", "c", "c", "c", "c", "d",  "d",   // U+0100
    "d", "d", "e",  "e",  "e", "e", "e",  "e", "e", "e", "e", "e", "g", "g", "g",  "g",   // U+0110
    "g", "g", "g",  "g",  "h", "h", "h",  "h", "i", "i", "i", "i", "i", "i", "i",  "i",   // U+0120
    "i", "i", "ij", "ij", "j", "j", "k",  "k", "k", "l", "l", "l", "l", "l", "l",  "l",   // U+0130
    "l", "l", "l",  "n",  "n", "n", "n",  "n", "n", "n", "n", "n", "o", "o", "o",  "o",   // U+0140
    "o", "o", "oe", "oe", "r", "r", "r",  "r", "r", "r", "s", "s", "s", "s", "s",  "s",   // U+0150
    "s", "s", "t",  "t",  "t", "t", "t",  "t", "u", "u", "u", "u", "u", "u", "u",  "u",   // U+0160
    "u", "u", "u",  "u",  "w", "w", "y",  "y", "y", "z", "z", "z", "z", "z", "z",  "s",   // U+0170
};

// PostgreSQL's Dutch stop words (tsearch_data/dutch.stop), so both backends ignore the same words.
const std::unordered_set<std::string_view>& stop_words() {
  static const std::unordered_set<std::string_view> words = {
      "de",      "en",    "van",  "ik",    "te",   "dat",   "die",    "in",     "een",    "hij",   "het",
      "niet",    "zijn",  "is",   "was",   "op",   "aan",   "met",    "als",    "voor",   "had",   "er",
      "maar",    "om",    "hem",  "dan",   "zou",  "of",    "wat",    "mijn",   "men",    "dit",   "zo",
      "door",    "over",  "ze",   "zich",  "bij",  "ook",   "tot",    "je",     "mij",    "uit",   "der",
      "daar",    "haar",  "naar", "heb",   "hoe",  "heeft", "hebben", "deze",   "u",      "want",  "nog",
      "zal",     "me",    "zij",  "nu",    "ge",   "geen",  "omdat",  "iets",   "worden", "toch",  "al",
      "waren",   "veel",  "meer", "doen",  "toen", "moet",  "ben",    "zonder", "kan",    "hun",   "dus",
      "alles",   "onder", "ja",   "eens",  "hier", "wie",   "werd",   "altijd", "doch",   "wordt", "wezen",
      "kunnen",  "ons",   "zelf", "tegen", "na",   "reeds", "wil",    "kon",    "niets",  "uw",    "iemand",
      "geweest", "andere"};
  return words;
}

constexpr std::size_t kMaxWordBytes = 64;  // longer "words" are noise (hashes, base64); cut them
constexpr std::size_t kMaxQueryWords = 8;
constexpr std::size_t kMinPrefixLength = 3;
// PostgreSQL's window ranks at most this many matches (see PostgresSearchIndex).
constexpr std::size_t kMaxRankedMatches = 3000;

// Decodes one UTF-8 code point at text[i]; advances i. Malformed bytes decode as U+FFFD (a separator).
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  std::size_t length = 0;
  char32_t value = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = lead & 0x1Fu;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = lead & 0x0Fu;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    value = lead & 0x07u;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (i + length > text.size()) {
    ++i;
    return 0xFFFD;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    value = (value << 6) | (byte(i + k) & 0x3Fu);
  }
  i += length;
  return value;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Letters and digits belong to words; ASCII punctuation, Latin-1 symbols, general punctuation,
// symbol blocks, CJK punctuation and emoji separate them. Other scripts count as letters.
bool is_word_character(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  if (cp < 0xC0) return false;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;
  if (cp >= 0x2E00 && cp <= 0x2E7F) return false;
  if (cp >= 0x3000 && cp <= 0x303F) return false;
  if (cp >= 0xFE30 && cp <= 0xFE4F) return false;
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;
  if (cp == 0xFFFD || cp == 0xFEFF) return false;
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;
  return true;
}

void append_folded(std::string& out, char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') {
    out += static_cast<char>(cp - 'A' + 'a');
  } else if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp >= 0xC0 && cp < 0x180) {
    out += kLatinFolding[cp - 0xC0];
  } else {
    append_utf8(out, cp);
  }
}

// Calls fn(word, begin, end) for each folded word of `text`, with its byte range in `text`.
template <class Fn>
void for_each_word(std::string_view text, Fn&& fn) {
  std::string word;
  std::size_t i = 0;
  std::size_t begin = 0;
  bool in_word = false;
  while (i < text.size()) {
    const std::size_t at = i;
    const char32_t cp = next_code_point(text, i);
    if (is_word_character(cp)) {
      if (!in_word) {
        in_word = true;
        begin = at;
        word.clear();
      }
      if (word.size() < kMaxWordBytes) append_folded(word, cp);
    } else if (in_word) {
      in_word = false;
      if (!fn(word, begin, at)) return;
    }
  }
  if (in_word) fn(word, begin, text.size());
}

struct StemmerDeleter {
  void operator()(sb_stemmer* stemmer) const { sb_stemmer_delete(stemmer); }
};
using Stemmer = std::unique_ptr<sb_stemmer, StemmerDeleter>;

Stemmer new_dutch_stemmer() {
  Stemmer stemmer(sb_stemmer_new("dutch", "UTF_8"));
  if (!stemmer) throw std::bad_alloc();
  return stemmer;
}

std::string stem_with(sb_stemmer* stemmer, std::string_view word) {
  const sb_symbol* stemmed = sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(word.data()),
                                             static_cast<int>(word.size()));
  if (stemmed == nullptr) return std::string(word);  // out of memory: the unstemmed word still works
  return std::string(reinterpret_cast<const char*>(stemmed),
                     static_cast<std::size_t>(sb_stemmer_length(stemmer)));
}

// The user's words as the index should look for them: folded, no stop words, at most a few.
std::vector<std::string> query_words(std::string_view user_query) {
  std::vector<std::string> words;
  for_each_word(user_query, [&](const std::string& word, std::size_t, std::size_t) {
    if (!stop_words().contains(word)) words.push_back(word);
    return words.size() < kMaxQueryWords;
  });
  return words;
}

// ---------------------------------------------------------------------------------------------
// The FTS5 tokenizer. FTS5 creates one instance per table and connection, and a connection serves
// one thread at a time, so each instance owns its (not thread-safe) Snowball stemmer.

struct DutchTokenizer {
  Stemmer stemmer = new_dutch_stemmer();
};

int create_tokenizer(void*, const char**, int argument_count, Fts5Tokenizer** out) {
  if (argument_count != 0) return SQLITE_ERROR;
  try {
    *out = reinterpret_cast<Fts5Tokenizer*>(new DutchTokenizer());
    return SQLITE_OK;
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
}

void delete_tokenizer(Fts5Tokenizer* tokenizer) { delete reinterpret_cast<DutchTokenizer*>(tokenizer); }

int tokenize(Fts5Tokenizer* instance, void* context, int flags, const char* text, int length,
             int (*emit)(void*, int, const char*, int, int, int)) {
  auto* tokenizer = reinterpret_cast<DutchTokenizer*>(instance);
  // A prefix query ("verzek"*) must not be stemmed: the stem of a prefix is not a prefix of stems.
  const bool prefix = (flags & FTS5_TOKENIZE_PREFIX) != 0;
  int rc = SQLITE_OK;
  try {
    const std::string_view input(text, length > 0 ? static_cast<std::size_t>(length) : 0);
    for_each_word(input, [&](const std::string& word, std::size_t begin, std::size_t end) {
      if (stop_words().contains(word)) return true;
      const std::string token = prefix ? word : stem_with(tokenizer->stemmer.get(), word);
      rc = emit(context, 0, token.data(), static_cast<int>(token.size()), static_cast<int>(begin),
                static_cast<int>(end));
      return rc == SQLITE_OK;
    });
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

fts5_api* fts5_api_of(sqlite3* connection) {
  fts5_api* api = nullptr;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(connection, "SELECT fts5(?1)", -1, &statement, nullptr) != SQLITE_OK) return nullptr;
  sqlite3_bind_pointer(statement, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(statement);
  sqlite3_finalize(statement);
  return api;
}

// ---------------------------------------------------------------------------------------------

void check_identifier(std::string_view table) {
  const bool ok = !table.empty() && std::all_of(table.begin(), table.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!ok)
    throw Error(Error::Kind::Other, "search index table must be a plain identifier: " + std::string(table));
}

// FTS5: four columns a..d in an fts5 table whose rowid is the document id; bm25 weights per column.
class SqliteSearchIndex final : public SearchIndex {
 public:
  explicit SqliteSearchIndex(std::string table)
      : delete_sql_("DELETE FROM " + table + " WHERE rowid = ?"),
        insert_sql_("INSERT INTO " + table + " (rowid, a, b, c, d) VALUES (?, ?, ?, ?, ?)"),
        clear_sql_("DELETE FROM " + table),
        match_sql_("SELECT rowid AS id, -bm25(" + table + ", 10.0, 4.0, 2.0, 1.0) AS score FROM " + table +
                   " WHERE " + table + " MATCH ?"),
        top_sql_(match_sql_ + " ORDER BY score DESC, rowid LIMIT ?"),
        // FTS5 walks a match newest-first and stops: bm25 runs for the N rows returned only.
        window_sql_(match_sql_ + " ORDER BY rowid DESC LIMIT ?") {}

  void put(Session& session, std::int64_t id, const SearchDocument& document) const override {
    session.execute(delete_sql_, {id});
    session.execute(insert_sql_, {id, document.a, document.b, document.c, document.d});
  }
  void remove(Session& session, std::int64_t id) const override { session.execute(delete_sql_, {id}); }
  void clear(Session& session) const override { session.execute(clear_sql_); }
  void prepare_transaction(Session&) const override {}

  // Each word becomes a quoted FTS5 string, so nothing the user types is an operator. The last word
  // also matches as a prefix: "a" AND ("b" OR "b"*).
  std::optional<SearchMatch> match(std::string_view user_query) const override {
    const std::vector<std::string> words = query_words(user_query);
    if (words.empty()) return std::nullopt;
    std::string expression;
    std::string exact;
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::string quoted = "\"" + words[i] + "\"";  // words hold only letters and digits
      if (i > 0) expression += " AND ";
      if (i > 0) exact += " AND ";
      exact += quoted;
      if (i + 1 == words.size() && words[i].size() >= kMinPrefixLength) {
        expression += "(" + quoted + " OR " + quoted + "*)";
      } else {
        expression += quoted;
      }
    }
    return SearchMatch{match_sql_, {expression}, top_sql_, window_sql_, {exact}};
  }

 private:
  std::string delete_sql_;
  std::string insert_sql_;
  std::string clear_sql_;
  std::string match_sql_;
  std::string top_sql_;
  std::string window_sql_;
};

// PostgreSQL: a tsvector built with the knooppunt_dutch configuration, fields labelled A..D.
class PostgresSearchIndex final : public SearchIndex {
 public:
  explicit PostgresSearchIndex(const std::string& table)
      : upsert_sql_("INSERT INTO " + table +
                    " (id, document) VALUES (?, "
                    "setweight(to_tsvector('knooppunt_dutch', ?), 'A') || "
                    "setweight(to_tsvector('knooppunt_dutch', ?), 'B') || "
                    "setweight(to_tsvector('knooppunt_dutch', ?), 'C') || "
                    "setweight(to_tsvector('knooppunt_dutch', ?), 'D')) "
                    "ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document"),
        delete_sql_("DELETE FROM " + table + " WHERE id = ?"),
        clear_sql_("DELETE FROM " + table),
        // Weights in ts_rank's order {D, C, B, A}, as bm25's on SQLite.
        match_sql_("SELECT t.id AS id, ts_rank('{0.1, 0.2, 0.4, 1.0}', t.document, q.query) AS score FROM " +
                   table + " t, to_tsquery('knooppunt_dutch', ?) AS q(query) WHERE t.document @@ q.query"),
        // ts_rank reads every matching row's tsvector from the heap: a word that 20,000 members use
        // costs tens of milliseconds. The window ranks at most kMaxRankedMatches of them, the rows
        // found first (see SearchMatch::top_sql). The matches sit in a MATERIALIZED CTE, which is
        // planned for all its rows (so a rare word still uses the GIN index) and read lazily (so the
        // scan stops after the cap).
        top_sql_(
            "WITH c AS MATERIALIZED (SELECT t.id, t.document, q.query FROM " + table +
            " t, to_tsquery('knooppunt_dutch', ?) AS q(query) WHERE t.document @@ q.query) "
            "SELECT c.id AS id, ts_rank('{0.1, 0.2, 0.4, 1.0}', c.document, c.query) AS score FROM (SELECT * "
            "FROM c LIMIT " +
            std::to_string(kMaxRankedMatches) + ") c ORDER BY score DESC, c.id LIMIT ?"),
        window_sql_("WITH c AS MATERIALIZED (SELECT t.id, t.document, q.query FROM " + table +
                    " t, to_tsquery('knooppunt_dutch', ?) AS q(query) WHERE t.document @@ q.query) "
                    "SELECT c.id AS id, ts_rank('{0.1, 0.2, 0.4, 1.0}', c.document, c.query) AS score FROM (SELECT * "
                    "FROM c LIMIT ?) c") {}

  void put(Session& session, std::int64_t id, const SearchDocument& document) const override {
    session.execute(upsert_sql_, {id, document.a, document.b, document.c, document.d});
  }
  void remove(Session& session, std::int64_t id) const override { session.execute(delete_sql_, {id}); }
  void clear(Session& session) const override { session.execute(clear_sql_); }
  void prepare_transaction(Session& session) const override {
    session.execute("SET LOCAL plan_cache_mode = force_custom_plan");
  }

  // 'a' & ('b' | 'b':*) : words hold only letters and digits, so quoting them is enough.
  std::optional<SearchMatch> match(std::string_view user_query) const override {
    const std::vector<std::string> words = query_words(user_query);
    if (words.empty()) return std::nullopt;
    std::string expression;
    std::string exact;
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::string quoted = "'" + words[i] + "'";
      if (i > 0) expression += " & ";
      if (i > 0) exact += " & ";
      exact += quoted;
      if (i + 1 == words.size() && words[i].size() >= kMinPrefixLength) {
        expression += "(" + quoted + " | " + quoted + ":*)";
      } else {
        expression += quoted;
      }
    }
    return SearchMatch{match_sql_, {expression}, top_sql_, window_sql_, {exact}};
  }

 private:
  std::string upsert_sql_;
  std::string delete_sql_;
  std::string clear_sql_;
  std::string match_sql_;
  std::string top_sql_;
  std::string window_sql_;
};

}  // namespace

std::unique_ptr<SearchIndex> SearchIndex::create(Backend backend, std::string table) {
  check_identifier(table);
  if (backend == Backend::Sqlite) return std::make_unique<SqliteSearchIndex>(std::move(table));
  return std::make_unique<PostgresSearchIndex>(table);
}

std::vector<SearchHit> SearchIndex::search(Session& session, std::string_view user_query,
                                           std::size_t limit) const {
  std::vector<SearchHit> hits;
  const std::optional<SearchMatch> found = match(user_query);
  if (!found) return hits;
  prepare_transaction(session);
  Params params = found->params;
  params.emplace_back(static_cast<std::int64_t>(limit));
  for (const Row& row : session.query(
           "SELECT m.id, m.score FROM (" + found->sql + ") m ORDER BY m.score DESC, m.id LIMIT ?", params)) {
    hits.push_back(SearchHit{row.int64(0), row.real(1)});
  }
  return hits;
}

Backend backend_of(Session& session) {
  return is_sqlite_session(session) ? Backend::Sqlite : Backend::Postgres;
}

std::vector<std::string> search_words(std::string_view text) {
  std::vector<std::string> words;
  for_each_word(text, [&](const std::string& word, std::size_t, std::size_t) {
    words.push_back(word);
    return true;
  });
  return words;
}

std::string dutch_stem(std::string_view folded_word) {
  thread_local Stemmer stemmer = new_dutch_stemmer();
  return stem_with(stemmer.get(), folded_word.substr(0, kMaxWordBytes));
}

std::string fold_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t at = i;
    const char32_t cp = next_code_point(text, i);
    if (cp == 0xFFFD && i - at != 3) continue;  // drop malformed bytes (a real U+FFFD is 3 bytes)
    append_folded(out, cp);
  }
  return out;
}

void register_sqlite_search_tokenizer(sqlite3* connection) {
  fts5_api* api = fts5_api_of(connection);
  if (api == nullptr) throw Error(Error::Kind::Unavailable, "SQLite was built without FTS5");
  static fts5_tokenizer tokenizer{create_tokenizer, delete_tokenizer, tokenize};
  if (api->xCreateTokenizer(api, "knooppunt_dutch", nullptr, &tokenizer, nullptr) != SQLITE_OK) {
    throw Error(Error::Kind::Unavailable, "cannot register the knooppunt_dutch FTS5 tokenizer");
  }
}

}  // namespace db
