// The rows of a topic's pages of posts (stamps: no texts, no viewer), kept in memory per topic
// version, so that a topic page whose topic row shows an unchanged version reads no posts at all.
//
// `topics.version` changes in the same transaction as every write that changes what a page of posts
// shows (migration 0016: triggers on replies and on authors' names), so an entry read under the
// version the request just read with its topic row is the page as that request's snapshot holds it.
// Nothing of who may read the page and nothing per viewer is kept: the caller checks access first
// and reads the viewer's own reactions itself. Bounded (oldest pages go first). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "discussions/types.h"

namespace discussions {

class PostPageCache {
 public:
  using Posts = std::shared_ptr<const std::vector<Post>>;

  explicit PostPageCache(std::size_t max_pages = 2048);
  PostPageCache(const PostPageCache&) = delete;
  PostPageCache& operator=(const PostPageCache&) = delete;

  // The page's posts as read under `version`, if kept.
  Posts find(std::int64_t topic_id, std::int64_t page, std::int64_t version) const;
  // Keeps (or replaces) the page's posts read under `version`.
  void store(std::int64_t topic_id, std::int64_t page, std::int64_t version, Posts posts);

  std::size_t size() const;

 private:
  using Key = std::pair<std::int64_t, std::int64_t>;  // topic, page
  struct Entry {
    std::int64_t version = 0;
    Posts posts;
    std::list<Key>::iterator order;
  };

  std::size_t max_pages_;
  mutable std::mutex mutex_;
  std::map<Key, Entry> entries_;
  std::list<Key> insertion_order_;  // oldest first
};

}  // namespace discussions
