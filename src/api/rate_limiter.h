// A per-key request budget (a token bucket): `per_minute` requests a minute, refilled evenly, with
// bursts up to the full minute's budget. The API keys it by the token's hash.
//
// The buckets live in this process's memory: behind a proxy with N instances a client may get up to
// N times the budget, and a restart forgets it. That is acceptable for a limit meant to stop a
// runaway script rather than to meter usage. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace api {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(int per_minute);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  struct Decision {
    bool allowed = true;
    int limit = 0;                // the budget per minute
    int remaining = 0;            // whole requests left right now
    int retry_after_seconds = 0;  // when refused: when the next request will be allowed (>= 1)
  };

  // Takes one request from `key`'s budget at `now`.
  Decision take(std::string_view key, Clock::time_point now = Clock::now());

  int per_minute() const { return per_minute_; }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  void forget_full_buckets(Clock::time_point now);

  int per_minute_;
  double per_second_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace api
