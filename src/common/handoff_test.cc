// The hand-over of buffers between two threads (handoff.h): everything put arrives, in
// order; a cancel wakes a waiting side; the background writer gives its sink the same bytes
// as writing them directly, on another thread.
#include "common/handoff.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace fupin
