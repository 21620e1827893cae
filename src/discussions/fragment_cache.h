// Rendered HTML of single posts, kept in memory so that a topic page is mostly joined from ready
// pieces instead of rendered from a template for every request (signed-in members get no page cache).
//
// An entry is found by a key that names everything the viewer contributes to a post's HTML (the post,
// the language and which of the viewer's controls it shows) and is used only while its stamp still
// equals the stamp of the post as just read from the database (its revision, hidden state, useful
// count, author): every write that changes a post changes its stamp, so an edit, a hide, a reaction
// or a renamed author shows at once, on every instance, with no invalidation to forget. Nothing of
// who may read the post is cached: the caller checks access before asking.
//
// Bounded: when the stored HTML exceeds `max_bytes`, the oldest entries go first. Thread-safe.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace discussions {

class FragmentCache {
 public:
  using Html = std::shared_ptr<const std::string>;

  explicit FragmentCache(std::size_t max_bytes = 64 * 1024 * 1024);
  FragmentCache(const FragmentCache&) = delete;
  FragmentCache& operator=(const FragmentCache&) = delete;

  // The HTML stored under `key`, when its stamp equals `stamp`.
  Html find(const std::string& key, std::string_view stamp) const;
  // Stores (or replaces) the HTML under `key` with its stamp.
  void store(const std::string& key, std::string stamp, Html html);

  std::size_t size() const;
  std::size_t bytes() const;

 private:
  struct Entry {
    std::string stamp;
    Html html;
    std::list<std::string>::iterator order;
  };
  void evict_locked();

  std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> insertion_order_;  // keys, oldest first
  std::size_t bytes_ = 0;
};

}  // namespace discussions
