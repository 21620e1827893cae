// Discussions at scale: fills a database with 50,000 topics and 1,000,000 replies (SQLite or
// PostgreSQL, bulk inserts in large transactions) and measures, in-process, what the pages of issue 4
// run: a topic page of 200 replies, a group's topic list, and a full-text search, p95 per call, in
// wall time and in CPU time (ours plus the PostgreSQL server process's; a loaded machine inflates only
// the first).
//
//   build/bench/discussions fill    URL [--topics 50000 --replies 1000000]   (once; later runs reuse it)
//   build/bench/discussions measure URL [--rounds 5 --calls 200] [--per-query yes]
//   build/bench/discussions info    URL   (the ids bench/discussions.sh requests over HTTP)
//
// URL is sqlite:PATH or postgresql://...; `fill` migrates and seeds the demo network first when the
// database is empty. The posts are sentences of the demo discussions (resources/demo/discussions.json)
// recombined, so search meets real Dutch words at realistic frequencies. Deterministic.
//
// The fill writes the tables of migration 0009 directly (the service's one-post-per-transaction path
// would take hours for a million posts) and the search documents with one INSERT ... SELECT per chunk,
// in the same shape as db::SearchIndex::put (a = title for opening posts, d = Markdown).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "auth/seed.h"
#include "db/database.h"
#include "db/migrations.h"
#include "db/search_index.h"
#include "discussions/store.h"
#include "groups/access.h"
#include "members/seed.h"
#include "notifications/watch.h"
#include "regions/seed.h"
#include "util/resources.h"
#include "web/markdown.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kNetwork = "west-brabant-zeeland";
constexpr std::int64_t kHotReplies = 200;   // the topics the topic-page figure is about
constexpr std::int64_t kHotTopics = 100;
constexpr std::size_t kRowsPerInsert = 400;  // 7 parameters a row: 2,800 per statement on either backend
constexpr std::int64_t kPostsPerTransaction = 50000;

class Dice {
 public:
  explicit Dice(std::uint64_t seed) : state_(seed * 2862933555777941757ULL + 3037000493ULL) {}
  std::uint64_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return state_ >> 33;
  }
  std::int64_t between(std::int64_t low, std::int64_t high) {
    return low + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(high - low + 1));
  }
  std::size_t below(std::size_t count) { return static_cast<std::size_t>(next() % count); }

 private:
  std::uint64_t state_;
};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string option(int argc, char** argv, std::string_view name, std::string fallback) {
  for (int i = 3; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return fallback;
}

// Sentences and titles of the demo discussions, the material of every generated post.
struct Corpus {
  std::vector<std::string> sentences;
  std::vector<std::string> titles;
};

void split_sentences(const std::string& text, std::vector<std::string>& out) {
  std::size_t start = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const bool end = (text[at] == '.' || text[at] == '?' || text[at] == '!') &&
                     (at + 1 == text.size() || text[at + 1] == ' ' || text[at + 1] == '\n');
    if (end || text[at] == '\n') {
      std::string sentence = text.substr(start, at - start + (end ? 1 : 0));
      while (!sentence.empty() && (sentence.front() == ' ' || sentence.front() == '-')) sentence.erase(0, 1);
      if (sentence.size() > 20 && sentence.find('{') == std::string::npos) out.push_back(std::move(sentence));
      start = at + 1;
    }
  }
}

Corpus load_corpus() {
  const auto text = util::find_resource("resources/demo/discussions.json");
  if (!text) throw std::runtime_error("resources/demo/discussions.json is not embedded");
  const nlohmann::json content = nlohmann::json::parse(*text);
  Corpus corpus;
  for (const auto& [slug, group] : content["groups"].items()) {
    for (const auto& thread : group["threads"]) {
      if (thread["title"].get<std::string>().find('{') == std::string::npos)
        corpus.titles.push_back(thread["title"].get<std::string>());
      split_sentences(thread["body"].get<std::string>(), corpus.sentences);
      for (const auto& reply : thread["replies"]) split_sentences(reply["body"].get<std::string>(), corpus.sentences);
    }
    for (const auto& item : group["quick"]["items"]) {
      for (const auto& title : group["quick"]["titles"]) {
        std::string filled = title.get<std::string>();
        filled.replace(filled.find("{x}"), 3, item.get<std::string>());
        corpus.titles.push_back(filled);
      }
    }
    for (const auto& answer : group["quick"]["answers"]) split_sentences(answer.get<std::string>(), corpus.sentences);
  }
  return corpus;
}

std::string post_text(const Corpus& corpus, Dice& dice) {
  std::string text;
  const std::int64_t sentences = dice.between(2, 5);
  for (std::int64_t i = 0; i < sentences; ++i) {
    if (!text.empty()) text += i == 2 ? "\n\n" : " ";
    text += corpus.sentences[dice.below(corpus.sentences.size())];
  }
  return text;
}

std::int64_t count(db::Database& database, std::string_view sql) {
  return database.read([&](db::Session& session) { return session.query_one(sql)->int64(0); });
}

struct Groups {
  std::vector<std::int64_t> ids;  // the eight groups of the demo network
  std::int64_t network_id = 0;
};

Groups demo_groups(db::Database& database) {
  return database.read([](db::Session& session) {
    Groups groups;
    for (const db::Row& row :
         session.query("SELECT g.id, g.network_id FROM knowledge_groups g JOIN networks n ON n.id = g.network_id "
                       "WHERE n.slug = ? ORDER BY g.position, g.id",
                       {std::string(kNetwork)})) {
      groups.ids.push_back(row.int64(0));
      groups.network_id = row.int64(1);
    }
    return groups;
  });
}

// Runs `sql_head` + "(?, ...), (...)" for the rows in `params` (`columns` values each), in batches.
void insert_rows(db::Session& session, std::string_view sql_head, std::size_t columns, const db::Params& params) {
  const std::size_t rows = params.size() / columns;
  std::string full_sql;
  for (std::size_t first = 0; first < rows; first += kRowsPerInsert) {
    const std::size_t count_here = std::min(kRowsPerInsert, rows - first);
    std::string sql(sql_head);
    std::string row = "(";
    for (std::size_t c = 0; c < columns; ++c) row += c == 0 ? "?" : ", ?";
    row += ")";
    for (std::size_t r = 0; r < count_here; ++r) {
      if (r > 0) sql += ", ";
      sql += row;
    }
    const auto begin = params.begin() + static_cast<std::ptrdiff_t>(first * columns);
    session.execute(sql, db::Params(begin, begin + static_cast<std::ptrdiff_t>(count_here * columns)));
  }
}

int fill(const std::string& url, std::int64_t topic_target, std::int64_t reply_target) {
  db::Options options;
  options.pool_size = 2;
  auto database = db::open(url, options);
  db::migrate(*database);
  const auto started = Clock::now();
  database->write([](db::Session& session) {
    if (regions::has_any_network(session)) return;
    regions::seed_demo(session);
    auth::seed_demo(session);
    members::seed_demo(session);
  });
  if (count(*database, "SELECT COUNT(*) FROM topics") >= topic_target) {
    std::fprintf(stderr, "the database already holds %lld topics: nothing to fill\n",
                 static_cast<long long>(count(*database, "SELECT COUNT(*) FROM topics")));
    return 0;
  }
  const Groups groups = demo_groups(*database);
  if (groups.ids.size() < 8) throw std::runtime_error("the demo network's eight groups are missing");
  // The benchmark reads as a visitor of public groups and as a member: every group public keeps
  // the visitor's pages comparable to the member's (groups::access decides the same either way).
  database->write([&](db::Session& session) {
    session.execute("UPDATE knowledge_groups SET visibility = 'public' WHERE network_id = ?", {groups.network_id});
  });
  const std::vector<std::int64_t> authors = database->read([&](db::Session& session) {
    std::vector<std::int64_t> ids;
    for (const db::Row& row : session.query(
             "SELECT account_id FROM memberships WHERE network_id = ? AND status = 'active' ORDER BY account_id",
             {groups.network_id}))
      ids.push_back(row.int64(0));
    return ids;
  });
  const Corpus corpus = load_corpus();
  Dice dice(4242);

  // Replies per topic: kHotTopics topics with exactly 200; the rest 0..39 at random, then evened out
  // so the total is exact.
  std::vector<std::int64_t> replies(static_cast<std::size_t>(topic_target));
  std::int64_t total = 0;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    replies[i] = i % static_cast<std::size_t>(topic_target / kHotTopics) == 7 ? kHotReplies : dice.between(0, 39);
    total += replies[i];
  }
  for (std::size_t i = 0; total != reply_target; i = (i + 1) % replies.size()) {
    if (replies[i] == kHotReplies) continue;
    if (total < reply_target && replies[i] < 150) {
      ++replies[i];
      ++total;
    } else if (total > reply_target && replies[i] > 0) {
      --replies[i];
      --total;
    }
  }

  const std::int64_t first_topic_id = count(*database, "SELECT COALESCE(MAX(id), 0) FROM topics") + 1;
  const std::int64_t first_reply_id = count(*database, "SELECT COALESCE(MAX(id), 0) FROM replies") + 1;
  const std::int64_t now = static_cast<std::int64_t>(::time(nullptr));
  const std::int64_t span = 5 * 365 * 86400;  // five years of discussions
  std::int64_t reply_id = first_reply_id;
  std::size_t next_topic = 0;
  while (next_topic < replies.size()) {
    db::Params topic_rows;
    db::Params post_rows;
    std::int64_t posts_here = 0;
    while (next_topic < replies.size() && posts_here < kPostsPerTransaction) {
      const std::int64_t topic_id = first_topic_id + static_cast<std::int64_t>(next_topic);
      const std::int64_t group_id = groups.ids[next_topic % groups.ids.size()];
      const std::int64_t reply_count = replies[next_topic];
      // Topics in order of creation; replies over the following days.
      std::int64_t at = now - span + static_cast<std::int64_t>(next_topic) * span / topic_target;
      const std::int64_t created = at;
      const std::int64_t author = authors[dice.below(authors.size())];
      std::int64_t last_author = author;
      for (std::int64_t number = 1; number <= reply_count + 1; ++number) {
        const std::int64_t who = number == 1 ? author : authors[dice.below(authors.size())];
        if (number > 1) at += dice.between(60, 8 * 3600);
        const std::string markdown = post_text(corpus, dice);
        post_rows.insert(post_rows.end(), {reply_id++, topic_id, number, who, markdown,
                                           web::render_markdown(markdown), at});
        last_author = who;
      }
      const std::string title = corpus.titles[dice.below(corpus.titles.size())];
      topic_rows.insert(topic_rows.end(),
                        {topic_id, group_id, author, title, std::string(next_topic % 3 == 0 ? "question" : "discussion"),
                         reply_count, reply_count + 1, reply_id - 1, last_author, at, created, at});
      posts_here += reply_count + 1;
      ++next_topic;
    }
    database->write([&](db::Session& session) {
      insert_rows(session,
                  "INSERT INTO topics (id, group_id, author_id, title, kind, reply_count, last_post_number, "
                  "last_reply_id, last_author_id, last_posted_at, created_at, updated_at) VALUES ",
                  12, topic_rows);
      insert_rows(session,
                  "INSERT INTO replies (id, topic_id, post_number, author_id, body_markdown, body_html, created_at) "
                  "VALUES ",
                  7, post_rows);
    });
    std::fprintf(stderr, "\rtopics %zu / %lld, posts %lld (%.0f s)", next_topic, static_cast<long long>(topic_target),
                 static_cast<long long>(reply_id - first_reply_id), seconds_since(started));
  }
  std::fprintf(stderr, "\n");
  if (database->backend() == db::Backend::Postgres) {
    database->write([](db::Session& session) {
      session.execute("SELECT setval(pg_get_serial_sequence('topics', 'id'), (SELECT MAX(id) FROM topics))");
      session.execute("SELECT setval(pg_get_serial_sequence('replies', 'id'), (SELECT MAX(id) FROM replies))");
    });
  }

  // The search documents, in chunks of ids: the same fields as db::SearchIndex::put.
  const std::string index_sql =
      database->backend() == db::Backend::Sqlite
          ? "INSERT INTO discussion_search (rowid, a, b, c, d) SELECT r.id, CASE WHEN r.post_number = 1 THEN t.title "
            "ELSE '' END, '', '', r.body_markdown FROM replies r JOIN topics t ON t.id = r.topic_id "
            "WHERE r.id BETWEEN ? AND ?"
          : "INSERT INTO discussion_search (id, document) SELECT r.id, "
            "setweight(to_tsvector('knooppunt_dutch', CASE WHEN r.post_number = 1 THEN t.title ELSE '' END), 'A') || "
            "setweight(to_tsvector('knooppunt_dutch', ''), 'B') || setweight(to_tsvector('knooppunt_dutch', ''), 'C') "
            "|| setweight(to_tsvector('knooppunt_dutch', r.body_markdown), 'D') "
            "FROM replies r JOIN topics t ON t.id = r.topic_id WHERE r.id BETWEEN ? AND ?";
  for (std::int64_t from = first_reply_id; from < reply_id; from += 100000) {
    database->write([&](db::Session& session) { session.execute(index_sql, {from, from + 99999}); });
    std::fprintf(stderr, "\rsearch index %lld / %lld (%.0f s)", static_cast<long long>(std::min(from + 99999, reply_id - 1) - first_reply_id + 1),
                 static_cast<long long>(reply_id - first_reply_id), seconds_since(started));
  }
  std::fprintf(stderr, "\n");
  // Statistics for the planner, as autovacuum (PostgreSQL) would gather them after such a load.
  database->write([](db::Session& session) { session.execute("ANALYZE"); });
  std::fprintf(stderr, "filled in %.0f s: %lld topics, %lld posts\n", seconds_since(started),
               static_cast<long long>(count(*database, "SELECT COUNT(*) FROM topics")),
               static_cast<long long>(count(*database, "SELECT COUNT(*) FROM replies")));
  return 0;
}

struct Hot {
  std::int64_t topic_id = 0;
  std::int64_t group_id = 0;
  std::string group_path;
};

Hot hot_topic(db::Database& database) {
  return database.read([](db::Session& session) {
    const auto row = session.query_one(
        "SELECT t.id, t.group_id, n.slug, g.slug FROM topics t JOIN knowledge_groups g ON g.id = t.group_id "
        "JOIN networks n ON n.id = g.network_id WHERE t.reply_count = ? ORDER BY t.id DESC LIMIT 1",
        {kHotReplies});
    if (!row) throw std::runtime_error("no topic with 200 replies: run `fill` first");
    return Hot{row->int64(0), row->int64(1), "/groepen/" + row->text(2) + "/" + row->text(3)};
  });
}

int info(const std::string& url) {
  auto database = db::open(url);
  const Hot hot = hot_topic(*database);
  std::printf("hot_topic=%lld\ngroup_path=%s\ntopics=%lld\nreplies=%lld\n", static_cast<long long>(hot.topic_id),
              hot.group_path.c_str(), static_cast<long long>(count(*database, "SELECT COUNT(*) FROM topics")),
              static_cast<long long>(count(*database, "SELECT COUNT(*) FROM replies WHERE post_number > 1")));
  return 0;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size()))) - 1;
  return values[std::min(index, values.size() - 1)];
}

double median(std::vector<double> values) { return percentile(std::move(values), 0.5); }

// CPU time in ns of this thread plus, for PostgreSQL, of the one server process serving us: a figure
// a loaded machine does not inflate (waiting for a core costs wall time, not CPU time).
class CpuClock {
 public:
  explicit CpuClock(std::int64_t server_pid) : server_pid_(server_pid) {}
  std::int64_t now() const {
    timespec own{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &own);
    std::int64_t total = static_cast<std::int64_t>(own.tv_sec) * 1'000'000'000 + own.tv_nsec;
    if (server_pid_ > 0) {  // /proc/PID/schedstat: nanoseconds on a CPU, first field
      std::FILE* file = std::fopen(("/proc/" + std::to_string(server_pid_) + "/schedstat").c_str(), "r");
      long long on_cpu = 0;
      if (file != nullptr) {
        if (std::fscanf(file, "%lld", &on_cpu) != 1) on_cpu = 0;
        std::fclose(file);
      }
      total += on_cpu;
    }
    return total;
  }

 private:
  std::int64_t server_pid_;
};

int measure(const std::string& url, int rounds, int calls, bool per_query) {
  db::Options options;
  options.pool_size = 1;  // one connection: on PostgreSQL, one server process to take CPU time of
  auto database = db::open(url, options);
  const Hot hot = hot_topic(*database);
  const CpuClock cpu(database->backend() == db::Backend::Postgres
                         ? database->read([](db::Session& session) {
                             return session.query_one("SELECT pg_backend_pid()")->int64(0);
                           })
                         : 0);
  const std::int64_t member = database->read([](db::Session& session) {
    return session.query_one("SELECT account_id FROM memberships WHERE status = 'active' ORDER BY account_id LIMIT 1")
        ->int64(0);
  });
  http::Viewer viewer;
  viewer.account_id = member;
  const std::optional<http::Viewer> as_member = viewer;
  // What each page asks, in one read transaction as the service does: access, then the data.
  const auto topic_page = [&] {
    database->read([&](db::Session& session) {
      const auto topic = discussions::store::find_topic_with_place(session, hot.topic_id, member);
      const auto access = groups::access(session, as_member, topic->topic.group_id);
      const auto posts = discussions::store::posts_between(session, hot.topic_id, 1, kHotReplies + 1, member);
      if (!access.can_view || posts.size() != static_cast<std::size_t>(kHotReplies + 1))
        throw std::runtime_error("topic page read the wrong posts");
    });
  };
  const auto topic_list = [&] {
    database->read([&](db::Session& session) {
      const auto access = groups::access(session, as_member, hot.group_id);
      const auto level = notifications::level_in_force(session, member, hot.group_id, 0);
      const auto topics = discussions::store::list_topics(session, hot.group_id, member, false, 30, 0, level);
      const auto total = discussions::store::count_topics(session, hot.group_id, false);
      if (!access.can_view || topics.size() != 30 || total < 30) throw std::runtime_error("topic list is short");
    });
  };
  const std::vector<std::string> queries = {"btw",          "factuur",        "algemene voorwaarden", "verwerkersovereenkomst",
                                            "datalek",      "aanbesteding",   "transitievergoeding",  "concurrentiebeding",
                                            "back-up",      "tweestapsverif", "warmtepomp",          "auteursrecht logo",
                                            "incassokosten", "wet dba",       "phishing",             "linkedin"};
  std::size_t next_query = 0;
  const auto search = [&] {
    database->read([&](db::Session& session) {
      const auto visible = groups::visible_group_ids(session, as_member);
      discussions::store::search(session, queries[next_query++ % queries.size()], visible, 20);
    });
  };
  if (per_query) {  // each search's own time (median of 5), to see which words dominate
    for (const std::string& query : queries) {
      std::vector<double> times;
      std::vector<double> cpu_times;
      std::size_t hits = 0;
      for (int i = 0; i < 5; ++i) {
        const std::int64_t cpu_start = cpu.now();
        const auto start = Clock::now();
        database->read([&](db::Session& session) {
          hits = discussions::store::search(session, query, groups::visible_group_ids(session, as_member), 20).size();
        });
        times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        cpu_times.push_back(static_cast<double>(cpu.now() - cpu_start) / 1e6);
      }
      std::printf("%9.2f ms  (cpu %7.2f ms)  %2zu hits  %s\n", median(times), median(cpu_times), hits, query.c_str());
    }
    return 0;
  }
  struct Scenario {
    const char* name;
    std::function<void()> run;
    double goal_ms;
    std::vector<double> p50, p95, p99, cpu50, cpu95;
  };
  std::vector<Scenario> scenarios = {{"topic_page_200_replies", topic_page, 15, {}, {}, {}, {}, {}},
                                     {"group_topic_list", topic_list, 10, {}, {}, {}, {}, {}},
                                     {"full_text_search", search, 30, {}, {}, {}, {}, {}}};
  std::printf("database: %s, topic %lld (%lld replies), group %s, member %lld\n",
              std::string(db::to_string(database->backend())).c_str(), static_cast<long long>(hot.topic_id),
              static_cast<long long>(kHotReplies), hot.group_path.c_str(), static_cast<long long>(member));
  for (Scenario& scenario : scenarios) {
    for (int i = 0; i < 20; ++i) scenario.run();  // warm caches and prepared statements
  }
  std::printf("%-6s %-24s %9s %9s %9s %9s %9s\n", "round", "scenario", "p50_ms", "p95_ms", "p99_ms", "cpu50_ms",
              "cpu95_ms");
  for (int round = 1; round <= rounds; ++round) {
    for (Scenario& scenario : scenarios) {  // interleaved: a noisy neighbour hurts each alike
      std::vector<double> times;
      std::vector<double> cpu_times;
      for (int call = 0; call < calls; ++call) {
        const std::int64_t cpu_start = cpu.now();
        const auto start = Clock::now();
        scenario.run();
        times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        cpu_times.push_back(static_cast<double>(cpu.now() - cpu_start) / 1e6);
      }
      scenario.p50.push_back(percentile(times, 0.50));
      scenario.p95.push_back(percentile(times, 0.95));
      scenario.p99.push_back(percentile(times, 0.99));
      scenario.cpu50.push_back(percentile(cpu_times, 0.50));
      scenario.cpu95.push_back(percentile(cpu_times, 0.95));
      std::printf("%-6d %-24s %9.2f %9.2f %9.2f %9.2f %9.2f\n", round, scenario.name, scenario.p50.back(),
                  scenario.p95.back(), scenario.p99.back(), scenario.cpu50.back(), scenario.cpu95.back());
      std::fflush(stdout);
    }
  }
  std::printf("\nmedians over %d round(s) of %d calls (cpu: this thread + the PostgreSQL server process)\n"
              "%-24s %9s %9s %9s %9s %9s %9s\n",
              rounds, calls, "scenario", "p50_ms", "p95_ms", "p99_ms", "cpu50_ms", "cpu95_ms", "goal_p95");
  for (const Scenario& scenario : scenarios) {
    std::printf("%-24s %9.2f %9.2f %9.2f %9.2f %9.2f %9.0f\n", scenario.name, median(scenario.p50),
                median(scenario.p95), median(scenario.p99), median(scenario.cpu50), median(scenario.cpu95),
                scenario.goal_ms);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s fill|measure|info URL [options]\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const std::string url = argv[2];
  try {
    if (mode == "fill")
      return fill(url, std::stoll(option(argc, argv, "--topics", "50000")),
                  std::stoll(option(argc, argv, "--replies", "1000000")));
    if (mode == "measure")
      return measure(url, std::stoi(option(argc, argv, "--rounds", "5")), std::stoi(option(argc, argv, "--calls", "200")),
                     option(argc, argv, "--per-query", "no") == "yes");
    if (mode == "info") return info(url);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "discussions bench: %s\n", error.what());
    return 1;
  }
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
