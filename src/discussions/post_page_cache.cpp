#include "discussions/post_page_cache.h"

#include <iterator>

namespace discussions {

PostPageCache::PostPageCache(std::size_t max_pages) : max_pages_(max_pages) {}

PostPageCache::Posts PostPageCache::find(std::int64_t topic_id, std::int64_t page, std::int64_t version) const {
  const std::lock_guard lock(mutex_);
  const auto found = entries_.find(Key{topic_id, page});
  if (found == entries_.end() || found->second.version != version) return nullptr;
  return found->second.posts;
}

void PostPageCache::store(std::int64_t topic_id, std::int64_t page, std::int64_t version, Posts posts) {
  if (posts == nullptr || max_pages_ == 0) return;
  const Key key{topic_id, page};
  const std::lock_guard lock(mutex_);
  if (const auto found = entries_.find(key); found != entries_.end()) {
    // A reader of an older snapshot may finish after one of a newer: the newer version stays.
    if (found->second.version > version) return;
    found->second.version = version;
    found->second.posts = std::move(posts);
    return;
  }
  insertion_order_.push_back(key);
  entries_.emplace(key, Entry{version, std::move(posts), std::prev(insertion_order_.end())});
  while (entries_.size() > max_pages_) {
    entries_.erase(insertion_order_.front());
    insertion_order_.pop_front();
  }
}

std::size_t PostPageCache::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace discussions
