#include "api/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace fupin {
namespace {

using namespace std::chrono_literals;

TEST(WorkQueue, RunsEveryQueuedJobOnItsThreads) {
  std::atomic<int> ran{0};
  {
    WorkQueue queue({.threads = 2, .capacity = 100});
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(queue.TryPost(
          "k", [&] { ++ran; }, [] { FAIL() << "expired"; }));
    }
    while (queue.waiting() > 0) std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(ran, 50);
}

TEST(WorkQueue, RefusesAJobWhenTheQueueIsFull) {
  std::promise<void> release;
  auto released = release.get_future().share();
  WorkQueue queue({.threads = 1, .capacity = 2});
  std::atomic<bool> started{false};
  ASSERT_TRUE(queue.TryPost(
      "a",
      [&] {
        started = true;
        released.wait();
      },
      [] {}));
  while (!started) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(queue.TryPost(
      "a", [] {}, [] {}));
  EXPECT_TRUE(queue.TryPost(
      "a", [] {}, [] {}));
  EXPECT_FALSE(queue.TryPost(
      "a", [] {}, [] {}));
  release.set_value();
}

TEST(WorkQueue, GivesOneKeyOnlyItsShare) {
  std::promise<void> release;
  auto released = release.get_future().share();
  WorkQueue queue({.threads = 1, .capacity = 10, .per_key = 2});
  EXPECT_TRUE(queue.TryPost(
      "10.0.0.1", [&] { released.wait(); }, [] {}));
  EXPECT_TRUE(queue.TryPost(
      "10.0.0.1", [] {}, [] {}));
  EXPECT_FALSE(queue.TryPost(
      "10.0.0.1", [] {}, [] {}));
  EXPECT_TRUE(queue.TryPost(
      "10.0.0.2", [] {}, [] {}));
  release.set_value();
}

TEST(WorkQueue, AnswersAJobThatWaitedTooLongWithoutRunningIt) {
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> ran{0}, expired{0};
  {
    WorkQueue queue({.threads = 1, .capacity = 10, .max_wait = 20ms});
    ASSERT_TRUE(queue.TryPost(
        "k", [&] { released.wait(); }, [] {}));
    ASSERT_TRUE(queue.TryPost(
        "k", [&] { ++ran; }, [&] { ++expired; }));
    std::this_thread::sleep_for(60ms);
    release.set_value();
    while (queue.waiting() > 0) std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(expired, 1);
}

}  // namespace
}  // namespace fupin
