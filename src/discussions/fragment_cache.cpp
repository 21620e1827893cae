#include "discussions/fragment_cache.h"

#include <iterator>

namespace discussions {

namespace {

// What an entry costs beyond its HTML: the key twice (map and order list), the stamp, bookkeeping.
std::size_t cost_of(const std::string& key, const std::string& stamp, const std::string& html) {
  return html.size() + stamp.size() + 2 * key.size() + 128;
}

}  // namespace

FragmentCache::FragmentCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

FragmentCache::Html FragmentCache::find(const std::string& key, std::string_view stamp) const {
  const std::lock_guard lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end() || found->second.stamp != stamp) return nullptr;
  return found->second.html;
}

void FragmentCache::store(const std::string& key, std::string stamp, Html html) {
  if (html == nullptr) return;
  const std::size_t cost = cost_of(key, stamp, *html);
  if (cost > max_bytes_) return;
  const std::lock_guard lock(mutex_);
  if (const auto found = entries_.find(key); found != entries_.end()) {
    bytes_ -= cost_of(key, found->second.stamp, *found->second.html);
    insertion_order_.erase(found->second.order);
    entries_.erase(found);
  }
  insertion_order_.push_back(key);
  entries_.emplace(key, Entry{std::move(stamp), std::move(html), std::prev(insertion_order_.end())});
  bytes_ += cost;
  evict_locked();
}

void FragmentCache::evict_locked() {
  while (bytes_ > max_bytes_ && !insertion_order_.empty()) {
    const auto found = entries_.find(insertion_order_.front());
    bytes_ -= cost_of(found->first, found->second.stamp, *found->second.html);
    entries_.erase(found);
    insertion_order_.pop_front();
  }
}

std::size_t FragmentCache::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

std::size_t FragmentCache::bytes() const {
  const std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace discussions
