// Prometheus metrics in the text exposition format: request counts and a latency histogram per
// route, plus gauges that other parts register (database pool, build info). Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace http {

class Metrics {
 public:
  struct Sample {
    std::string labels;  // already formatted, e.g. state="idle"; empty for none
    double value = 0;
  };
  using GaugeReader = std::function<std::vector<Sample>()>;

  // `route` is the matched pattern (bounded cardinality), never the raw path.
  void observe_request(std::string_view route, Method method, int status, std::chrono::nanoseconds duration);

  // A gauge read at scrape time, e.g. the database pool's open connections.
  void add_gauge(std::string name, std::string help, GaugeReader reader);

  // The whole exposition, for GET /metrics.
  std::string render() const;

 private:
  // Everything about one route, found with one lookup that allocates nothing once the route is known.
  struct RouteStats {
    std::map<std::pair<Method, int>, std::uint64_t> requests;  // by method and status
    std::vector<std::uint64_t> bucket_counts;  // per bucket here; cumulative in the exposition
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };
  struct Gauge {
    std::string name;
    std::string help;
    GaugeReader reader;
  };

  mutable std::mutex mutex_;
  std::map<std::string, RouteStats, std::less<>> routes_;
  std::vector<Gauge> gauges_;
};

// Escapes a label value for the exposition format.
std::string escape_label_value(std::string_view value);

}  // namespace http
