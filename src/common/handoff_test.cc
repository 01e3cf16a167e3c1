// The hand-over of buffers between two threads (handoff.h): everything put arrives, in
// order; a cancel wakes a waiting side; the background writer gives its sink the same bytes
// as writing them directly, on another thread.
#include "common/handoff.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace fupin {
namespace {

TEST(HandoffTest, EveryBufferPutArrivesInOrderThroughAFewReusedOnes) {
  Handoff<std::vector<int>, 2> handoff;
  std::thread producer([&] {
    for (int i = 0; i < 1000; ++i) {
      std::vector<int>* b = handoff.Acquire();
      ASSERT_NE(b, nullptr);
      b->assign(static_cast<size_t>(i % 7 + 1), i);
      handoff.Put(b);
    }
    handoff.Close();
  });
  std::vector<int> seen;
  while (std::vector<int>* b = handoff.Take()) {
    EXPECT_EQ(b->size(), static_cast<size_t>(b->front() % 7 + 1));
    seen.push_back(b->front());
    handoff.Release(b);
  }
  producer.join();
  ASSERT_EQ(seen.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(seen[static_cast<size_t>(i)], i);
}

TEST(HandoffTest, ACancelWakesAProducerWaitingForAFreeBuffer) {
  Handoff<int, 1> handoff;
  int* only = handoff.Acquire();
  ASSERT_NE(only, nullptr);
  handoff.Put(only);
  std::thread producer([&] { EXPECT_EQ(handoff.Acquire(), nullptr); });  // waits: none free
  handoff.Cancel();
  producer.join();
  EXPECT_EQ(handoff.Take(), nullptr);
  EXPECT_TRUE(handoff.cancelled());
}

TEST(BackgroundWriterTest, TheSinkGetsTheSameBytesInOrderOnAnotherThread) {
  std::string direct, written;
  std::thread::id sink_thread;
  {
    BackgroundWriter out([&](std::string_view piece) {
      written.append(piece);
      sink_thread = std::this_thread::get_id();
    });
    for (int i = 0; i < 200000; ++i) {
      const std::string piece = "{\"id\":" + std::to_string(i) + "}" + std::string(i % 37, 'x');
      direct += piece;
      out.Write(piece);
    }
    out.Write(std::string(3 * BackgroundWriter::kPieceBytes, 'y'));  // one piece larger
    direct += std::string(3 * BackgroundWriter::kPieceBytes, 'y');
    out.Finish();
  }
  EXPECT_GT(direct.size(), 5 * BackgroundWriter::kPieceBytes);
  EXPECT_EQ(written, direct);
  EXPECT_NE(sink_thread, std::this_thread::get_id());
}

TEST(BackgroundWriterTest, ASinkThatThrowsStopsTheWritingAndFinishSaysSo) {
  size_t calls = 0;
  BackgroundWriter out([&](std::string_view) {
    ++calls;
    throw std::runtime_error("disk full");
  });
  for (int i = 0; i < 10; ++i) out.Write(std::string(BackgroundWriter::kPieceBytes, 'z'));
  EXPECT_THROW(out.Finish(), std::runtime_error);
  EXPECT_EQ(calls, 1u);
}

// Piece p of the BuildAlongside tests: its number, in two strings of some length.
void Piece(size_t p, std::string& ids, std::string& data) {
  ids = std::to_string(p);
  data.assign(p % 50, static_cast<char>('a' + p % 26));
}

TEST(BuildAlongsideTest, EveryPieceIsUsedOnceInOrderWhicheverThreadBuiltIt) {
  std::vector<std::string> used;
  std::set<std::thread::id> builders;
  std::mutex lock;
  const Status s = BuildAlongside(
      5000,
      [&](size_t p, std::string& ids, std::string& data, std::string&) {
        Piece(p, ids, data);
        std::lock_guard guard(lock);
        builders.insert(std::this_thread::get_id());
      },
      [&](size_t p, const std::string& ids, const std::string& data) {
        std::string ids_want, data_want;
        Piece(p, ids_want, data_want);
        EXPECT_EQ(ids, ids_want);
        EXPECT_EQ(data, data_want);
        used.push_back(ids);
        return Status::Ok();
      });
  EXPECT_TRUE(s.ok());
  ASSERT_EQ(used.size(), 5000u);
  for (size_t p = 0; p < used.size(); ++p) EXPECT_EQ(used[p], std::to_string(p));
  EXPECT_GE(builders.size(), 1u);
}

TEST(BuildAlongsideTest, AFailedUseStopsTheBuildingAndIsReturnedWithNoThreadLeft) {
  size_t built = 0;
  std::mutex lock;
  const Status s = BuildAlongside(
      100000,
      [&](size_t p, std::string& ids, std::string& data, std::string&) {
        Piece(p, ids, data);
        std::lock_guard guard(lock);
        ++built;
      },
      [&](size_t p, const std::string&, const std::string&) {
        return p == 60 ? Status(Error::Database("写入失败", "the insert failed")) : Status::Ok();
      });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().en, "the insert failed");
  std::lock_guard guard(lock);  // the helper is joined: nothing builds any more
  EXPECT_LT(built, 100u);
}

TEST(BuildAlongsideTest, WhatTheBuildThrowsOnTheOtherThreadIsThrownHere) {
  EXPECT_THROW(
      {
        (void)BuildAlongside(
            1000,
            [&](size_t p, std::string& ids, std::string& data, std::string&) {
              if (p == 500) throw std::runtime_error("out of memory");
              Piece(p, ids, data);
            },
            [&](size_t, const std::string&, const std::string&) { return Status::Ok(); });
      },
      std::runtime_error);
}

}  // namespace
}  // namespace fupin
