// Prometheus exposition: counters per route, method and status; a cumulative histogram; gauges.
#include "http/metrics.h"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

TEST(Metrics, CountsRequestsPerRouteMethodAndStatus) {
  http::Metrics metrics;
  metrics.observe_request("/", http::Method::Get, 200, 1ms);
  metrics.observe_request("/", http::Method::Get, 200, 1ms);
  metrics.observe_request("/", http::Method::Get, 404, 1ms);
  metrics.observe_request("/taal", http::Method::Post, 303, 1ms);
  const std::string text = metrics.render();
  EXPECT_NE(text.find("knooppunt_http_requests_total{route=\"/\",method=\"GET\",status=\"200\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("knooppunt_http_requests_total{route=\"/\",method=\"GET\",status=\"404\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("knooppunt_http_requests_total{route=\"/taal\",method=\"POST\",status=\"303\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE knooppunt_http_requests_total counter"), std::string::npos);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  http::Metrics metrics;
  metrics.observe_request("/", http::Method::Get, 200, 200us);  // <= 0.0005
  metrics.observe_request("/", http::Method::Get, 200, 3ms);    // <= 0.005
  metrics.observe_request("/", http::Method::Get, 200, 20s);    // only +Inf
  const std::string text = metrics.render();
  EXPECT_NE(text.find("knooppunt_http_request_duration_seconds_bucket{route=\"/\",le=\"0.0005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("knooppunt_http_request_duration_seconds_bucket{route=\"/\",le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("knooppunt_http_request_duration_seconds_bucket{route=\"/\",le=\"10\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("knooppunt_http_request_duration_seconds_bucket{route=\"/\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("knooppunt_http_request_duration_seconds_count{route=\"/\"} 3\n"), std::string::npos);
}

TEST(Metrics, GaugesAreReadAtScrapeTime) {
  http::Metrics metrics;
  int open = 3;
  metrics.add_gauge("knooppunt_db_pool_connections", "Connections.", [&] {
    return std::vector<http::Metrics::Sample>{{"state=\"idle\"", static_cast<double>(open)}};
  });
  EXPECT_NE(metrics.render().find("knooppunt_db_pool_connections{state=\"idle\"} 3\n"), std::string::npos);
  open = 5;
  EXPECT_NE(metrics.render().find("knooppunt_db_pool_connections{state=\"idle\"} 5\n"), std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(http::escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}
