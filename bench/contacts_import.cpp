// The contacts import figure of issue 7: importing 100,000 rows with 5% duplicates and 2% invalid
// rows (goal on SQLite: under 5 s), in process through contacts::run_import on a fresh database per
// round: reading (encoding, separator, quotes), mapping, checks, merging and the one write
// transaction. Also the same file imported again (everything merges, nothing is added).
//
//   build-x/bench/contacts_import sqlite 5            # backend, rounds (medians printed)
//   build-x/bench/contacts_import postgres 5          # needs the test cluster (scripts/test-postgres.sh)
//   build-x/bench/contacts_import both 5              # rounds interleaved: sqlite, postgres, sqlite, ...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "contacts/import.h"
#include "contacts/seed.h"
#include "db/migrations.h"
#include "members/places.h"
#include "regions/seed.h"
#include "support/test_databases.h"

namespace {

constexpr std::size_t kRows = 100000;
constexpr std::size_t kDuplicates = kRows * 5 / 100;
constexpr std::size_t kInvalid = kRows * 2 / 100;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct Round {
  double first_s = 0;
  double again_s = 0;
  double first_cpu_s = 0;  // this process's CPU time (the machine is shared: wall time depends on load)
  double again_cpu_s = 0;
};

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

Round run_round(db::Backend backend, const std::string& csv, const members::Places& places) {
  testing_support::TestDatabase database(backend);
  auto db = database.open();
  db::migrate(*db);
  db->write([](db::Session& session) { regions::seed_demo(session); });
  contacts::ImportRequest request;
  request.network_id = 1;
  request.file_name = "bench.csv";
  request.source = "KvK-lijst";
  request.legal_basis = "gerechtvaardigd belang";
  request.max_rows = kRows + 1;
  const auto started = std::chrono::steady_clock::now();
  const double cpu_started = cpu_seconds();
  request.columns = contacts::preview(csv, 5, kRows + 1).columns;
  const contacts::ImportReport first = contacts::run_import(*db, csv, request, &places, 1748865600);
  const auto first_done = std::chrono::steady_clock::now();
  const double cpu_first_done = cpu_seconds();
  const contacts::ImportReport again = contacts::run_import(*db, csv, request, &places, 1748865700);
  const auto again_done = std::chrono::steady_clock::now();
  const double cpu_again_done = cpu_seconds();
  if (first.rows_total != static_cast<std::int64_t>(kRows) ||
      first.refused != static_cast<std::int64_t>(kInvalid) ||
      first.merged != static_cast<std::int64_t>(kDuplicates) || again.added != 0) {
    std::fprintf(stderr,
                 "unexpected report: total %lld added %lld merged %lld refused %lld; again added %lld\n",
                 static_cast<long long>(first.rows_total), static_cast<long long>(first.added),
                 static_cast<long long>(first.merged), static_cast<long long>(first.refused),
                 static_cast<long long>(again.added));
    std::exit(1);
  }
  return {std::chrono::duration<double>(first_done - started).count(),
          std::chrono::duration<double>(again_done - first_done).count(), cpu_first_done - cpu_started,
          cpu_again_done - cpu_first_done};
}

}  // namespace

int main(int argc, char** argv) {
  const std::string which = argc > 1 ? argv[1] : "sqlite";
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  std::vector<db::Backend> backends;
  if (which == "sqlite" || which == "both") backends.push_back(db::Backend::Sqlite);
  if (which == "postgres" || which == "both") backends.push_back(db::Backend::Postgres);
  if (backends.empty()) {
    std::fprintf(stderr, "usage: contacts_import sqlite|postgres|both [rounds]\n");
    return 2;
  }
  const std::string csv = contacts::demo_csv(kRows - kDuplicates - kInvalid, 4242, kDuplicates, kInvalid);
  const members::Places places = members::Places::load_embedded();
  std::printf("file: %zu rows (%zu duplicates, %zu invalid), %.1f MB\n", kRows, kDuplicates, kInvalid,
              static_cast<double>(csv.size()) / 1e6);
  std::vector<std::vector<Round>> results(backends.size());
  for (int round = 0; round < rounds; ++round) {
    for (std::size_t b = 0; b < backends.size(); ++b) {
      const Round result = run_round(backends[b], csv, places);
      results[b].push_back(result);
      std::printf("round %d %-8s import %.2f s (CPU %.2f s), again %.2f s (CPU %.2f s)\n", round + 1,
                  std::string(db::to_string(backends[b])).c_str(), result.first_s, result.first_cpu_s,
                  result.again_s, result.again_cpu_s);
      std::fflush(stdout);
    }
  }
  for (std::size_t b = 0; b < backends.size(); ++b) {
    std::vector<double> first;
    std::vector<double> again;
    std::vector<double> first_cpu;
    std::vector<double> again_cpu;
    for (const Round& r : results[b]) {
      first.push_back(r.first_s);
      again.push_back(r.again_s);
      first_cpu.push_back(r.first_cpu_s);
      again_cpu.push_back(r.again_cpu_s);
    }
    std::printf(
        "median %-8s import %.2f s wall / %.2f s CPU (goal on SQLite: < 5 s), again %.2f s wall / %.2f s "
        "CPU, "
        "%d rounds\n",
        std::string(db::to_string(backends[b])).c_str(), median(first), median(first_cpu), median(again),
        median(again_cpu), rounds);
  }
  return 0;
}
