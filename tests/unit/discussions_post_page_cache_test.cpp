// The topic page's rows of posts kept per topic version (discussions/post_page_cache.h): a page is
// found only under the version it was read with, a slower reader of an older snapshot never replaces
// a newer page, and the oldest pages go first when the cache is full.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "discussions/post_page_cache.h"

namespace {

using discussions::Post;
using discussions::PostPageCache;

PostPageCache::Posts page_of(std::int64_t first_post_id, std::int64_t useful_count = 0) {
  std::vector<Post> posts(2);
  posts[0].id = first_post_id;
  posts[1].id = first_post_id + 1;
  posts[1].useful_count = useful_count;
  return std::make_shared<const std::vector<Post>>(std::move(posts));
}

TEST(PostPageCache, APageIsFoundOnlyUnderTheVersionItWasReadWith) {
  PostPageCache cache;
  cache.store(7, 1, 3, page_of(100));
  ASSERT_NE(cache.find(7, 1, 3), nullptr);
  EXPECT_EQ(cache.find(7, 1, 3)->front().id, 100);
  EXPECT_EQ(cache.find(7, 1, 4), nullptr) << "a write since: read again";
  EXPECT_EQ(cache.find(7, 2, 3), nullptr) << "another page of the topic";
  EXPECT_EQ(cache.find(8, 1, 3), nullptr) << "another topic";

  cache.store(7, 1, 4, page_of(100, 1));
  EXPECT_EQ(cache.find(7, 1, 3), nullptr);
  EXPECT_EQ(cache.find(7, 1, 4)->back().useful_count, 1);
}

TEST(PostPageCache, AnOlderSnapshotNeverReplacesANewerPage) {
  PostPageCache cache;
  cache.store(7, 1, 5, page_of(100, 2));
  cache.store(7, 1, 4, page_of(100, 1));  // a reader that started before the last write ends late
  ASSERT_NE(cache.find(7, 1, 5), nullptr);
  EXPECT_EQ(cache.find(7, 1, 5)->back().useful_count, 2);
  EXPECT_EQ(cache.find(7, 1, 4), nullptr);
}

TEST(PostPageCache, TheOldestPagesGoFirstWhenFull) {
  PostPageCache cache(2);
  cache.store(1, 1, 0, page_of(10));
  cache.store(2, 1, 0, page_of(20));
  cache.store(3, 1, 0, page_of(30));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.find(1, 1, 0), nullptr);
  EXPECT_NE(cache.find(2, 1, 0), nullptr);
  EXPECT_NE(cache.find(3, 1, 0), nullptr);
}

}  // namespace
