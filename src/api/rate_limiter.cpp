#include "api/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace api {

namespace {

// Buckets that have refilled completely carry no information; dropping them bounds the memory a
// stream of different tokens can use.
constexpr std::size_t kPruneAbove = 10'000;

}  // namespace

RateLimiter::RateLimiter(int per_minute) : per_minute_(per_minute), per_second_(per_minute / 60.0) {
  if (per_minute < 1) throw std::invalid_argument("the API rate limit must be at least 1 request per minute");
}

RateLimiter::Decision RateLimiter::take(std::string_view key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const double capacity = per_minute_;
  auto [it, inserted] = buckets_.try_emplace(std::string(key), Bucket{capacity, now});
  Bucket& bucket = it->second;
  if (!inserted && now > bucket.updated) {
    const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(capacity, bucket.tokens + elapsed * per_second_);
    bucket.updated = now;
  }

  Decision decision;
  decision.limit = per_minute_;
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    decision.remaining = static_cast<int>(std::floor(bucket.tokens));
  } else {
    decision.allowed = false;
    decision.retry_after_seconds =
        std::max(1, static_cast<int>(std::ceil((1.0 - bucket.tokens) / per_second_)));
  }
  if (buckets_.size() > kPruneAbove) forget_full_buckets(now);
  return decision;
}

void RateLimiter::forget_full_buckets(Clock::time_point now) {
  const double capacity = per_minute_;
  std::erase_if(buckets_, [&](const auto& entry) {
    const double elapsed = std::chrono::duration<double>(now - entry.second.updated).count();
    return entry.second.tokens + elapsed * per_second_ >= capacity;
  });
}

}  // namespace api
