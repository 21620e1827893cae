#include "http/metrics.h"

#include <array>
#include <sstream>

namespace http {

namespace {
// Upper bounds in seconds: fine-grained below 10 ms, where a page should be.
constexpr std::array<double, 14> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                          0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    if (c == '\\') escaped += "\\\\";
    else if (c == '"') escaped += "\\\"";
    else if (c == '\n') escaped += "\\n";
    else escaped += c;
  }
  return escaped;
}

void Metrics::observe_request(std::string_view route, Method method, int status,
                              std::chrono::nanoseconds duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  std::lock_guard lock(mutex_);
  auto stats = routes_.find(route);
  if (stats == routes_.end()) {
    stats = routes_.emplace(std::string(route), RouteStats{}).first;
    stats->second.bucket_counts.assign(kBuckets.size(), 0);
  }
  RouteStats& route_stats = stats->second;
  ++route_stats.requests[{method, status}];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++route_stats.bucket_counts[i];
      break;
    }
  }
  ++route_stats.count;
  route_stats.sum_seconds += seconds;
}

void Metrics::add_gauge(std::string name, std::string help, GaugeReader reader) {
  std::lock_guard lock(mutex_);
  gauges_.push_back({std::move(name), std::move(help), std::move(reader)});
}

std::string Metrics::render() const {
  std::ostringstream out;
  std::vector<Gauge> gauges;
  {
    std::lock_guard lock(mutex_);
    out << "# HELP knooppunt_http_requests_total HTTP requests answered, by route, method and status.\n"
        << "# TYPE knooppunt_http_requests_total counter\n";
    for (const auto& [route, stats] : routes_) {
      const std::string label = escape_label_value(route);
      for (const auto& [key, count] : stats.requests) {
        out << "knooppunt_http_requests_total{route=\"" << label << "\",method=\"" << to_string(key.first)
            << "\",status=\"" << key.second << "\"} " << count << "\n";
      }
    }
    out << "# HELP knooppunt_http_request_duration_seconds Time from a complete request to the "
           "response written, by route.\n"
        << "# TYPE knooppunt_http_request_duration_seconds histogram\n";
    for (const auto& [route, histogram] : routes_) {
      const std::string label = escape_label_value(route);
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += histogram.bucket_counts[i];
        out << "knooppunt_http_request_duration_seconds_bucket{route=\"" << label << "\",le=\""
            << kBuckets[i] << "\"} " << cumulative << "\n";
      }
      out << "knooppunt_http_request_duration_seconds_bucket{route=\"" << label << "\",le=\"+Inf\"} "
          << histogram.count << "\n"
          << "knooppunt_http_request_duration_seconds_sum{route=\"" << label << "\"} "
          << histogram.sum_seconds << "\n"
          << "knooppunt_http_request_duration_seconds_count{route=\"" << label << "\"} "
          << histogram.count << "\n";
    }
    gauges = gauges_;
  }
  // Gauge readers may take their own locks (the database pool): call them outside ours.
  for (const auto& gauge : gauges) {
    out << "# HELP " << gauge.name << " " << gauge.help << "\n# TYPE " << gauge.name << " gauge\n";
    for (const auto& sample : gauge.reader()) {
      out << gauge.name;
      if (!sample.labels.empty()) out << "{" << sample.labels << "}";
      out << " " << sample.value << "\n";
    }
  }
  return out.str();
}

}  // namespace http
