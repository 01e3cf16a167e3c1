// Work shared between two threads (issue 13): Handoff, a bounded, ordered hand-over of
// reusable buffers from one producer thread to one consumer thread; BackgroundWriter,
// output formatted on one thread and written on another (a report of millions of
// findings); BuildAlongside, pieces built on two threads and used in order on one (a bulk
// list's blocks, inserted by SQLite's thread).
//
// Handoff: N buffers are made once and go round: the producer takes a free one (Acquire),
// fills it and hands it over (Put); the consumer takes the next full one (Take), uses it
// and gives it back (Release). Buffers arrive in the order they were put. Close() ends the
// stream after the last Put; Cancel() (a failure on either side) wakes both sides, and
// from then on Acquire and Take return nullptr.
// Threading: one producer and one consumer; Cancel and Close from either.
#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/error.h"

namespace fupin {

template <class T, size_t N>
class Handoff {
  static_assert(N >= 1);

 public:
  Handoff() {
    for (auto& item : items_) free_.push_back(&item);
  }
  Handoff(const Handoff&) = delete;
  Handoff& operator=(const Handoff&) = delete;

  // A free buffer (as the consumer left it: reuse its memory); nullptr once cancelled.
  T* Acquire() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return cancelled_ || !free_.empty(); });
    if (cancelled_) return nullptr;
    T* item = free_.front();
    free_.pop_front();
    return item;
  }
  // Hands a filled buffer over to the consumer.
  void Put(T* item) {
    {
      std::lock_guard lock(mutex_);
      full_.push_back(item);
    }
    changed_.notify_all();
  }
  // No more buffers will be put.
  void Close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
  }
  // The next full buffer, in order; nullptr when closed and all are taken, or cancelled.
  T* Take() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return cancelled_ || closed_ || !full_.empty(); });
    if (cancelled_ || full_.empty()) return nullptr;
    T* item = full_.front();
    full_.pop_front();
    return item;
  }
  // Gives a buffer taken back to the producer.
  void Release(T* item) {
    {
      std::lock_guard lock(mutex_);
      free_.push_back(item);
    }
    changed_.notify_all();
  }
  // Stops both sides: every waiting and later Acquire and Take returns nullptr.
  void Cancel() {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    changed_.notify_all();
  }
  bool cancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }

 private:
  std::array<T, N> items_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<T*> free_, full_;
  bool closed_ = false, cancelled_ = false;
};

// Output handed to `sink` on a second thread, in order and whole, while the caller goes on
// making more (a report of millions of findings formatted on one core, written on the
// other). Write copies each piece into one of a few reused buffers of about kPieceBytes;
// Finish (or the destructor) hands over the rest and waits until the sink has had it all.
// Threading: Write and Finish from one thread; the sink runs on the writer's own.
class BackgroundWriter {
 public:
  static constexpr size_t kPieceBytes = size_t{1} << 20;

  explicit BackgroundWriter(std::function<void(std::string_view)> sink)
      : sink_(std::move(sink)), thread_([this] { Run(); }) {
    current_ = handoff_.Acquire();
    current_->clear();
  }
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;
  ~BackgroundWriter() {
    try {
      Finish();
    } catch (...) {  // not thrown out of a destructor: call Finish to see it
    }
  }

  void Write(std::string_view piece) {
    if (!current_) return;  // the sink failed: nothing more is written
    current_->append(piece);
    if (current_->size() >= kPieceBytes) {
      handoff_.Put(current_);
      current_ = handoff_.Acquire();
      if (current_) current_->clear();
    }
  }
  // Hands over what is left and waits for the sink; rethrows what the sink threw.
  void Finish() {
    if (!thread_.joinable()) return;
    if (current_ && !current_->empty()) handoff_.Put(current_);
    current_ = nullptr;
    handoff_.Close();
    thread_.join();
    if (thrown_) std::rethrow_exception(std::exchange(thrown_, nullptr));
  }

 private:
  void Run() {
    try {
      while (std::string* piece = handoff_.Take()) {
        sink_(*piece);
        handoff_.Release(piece);
      }
    } catch (...) {
      thrown_ = std::current_exception();
      handoff_.Cancel();
    }
  }

  std::function<void(std::string_view)> sink_;
  Handoff<std::string, 3> handoff_;
  std::string* current_ = nullptr;
  std::exception_ptr thrown_;
  std::thread thread_;  // last: started when everything else is made
};

// Builds `count` pieces and uses them in order (FindingBlocks: a bulk list's blocks, built,
// then inserted), the building shared with a second thread: it claims the pieces in order,
// each into one of a few reused buffers, while this thread uses them (insert stays on this
// thread); when the piece this thread wants next is not claimed yet, it builds that one
// itself rather than wait. The first error of `insert` stops both and is returned; what
// `build` throws on the second thread is rethrown here. The second thread is joined before
// this returns. build(p, ids, data, scratch) fills piece p's two strings (`scratch`: the
// building thread's own); insert(p, ids, data) uses them.
using BuildFn = std::function<void(size_t, std::string&, std::string&, std::string&)>;
using InsertFn = std::function<Status(size_t, const std::string&, const std::string&)>;
inline Status BuildAlongside(size_t count, const BuildFn& build, const InsertFn& insert) {
  struct Built {
    std::string ids, data;
  };
  std::array<Built, 3> buffers;
  std::mutex mutex;
  std::condition_variable changed;
  size_t next = 0;                            // the first block not claimed
  std::vector<Built*> ready(count, nullptr);  // built by the helper, not inserted yet
  std::vector<Built*> free = {&buffers[0], &buffers[1], &buffers[2]};
  bool stop = false;
  std::exception_ptr thrown;
  std::thread helper([&] {
    std::string scratch;
    for (;;) {
      size_t p = 0;
      Built* b = nullptr;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stop || next >= count || !free.empty(); });
        if (stop || next >= count) return;
        p = next++;
        b = free.back();
        free.pop_back();
      }
      try {
        build(p, b->ids, b->data, scratch);
      } catch (...) {
        std::lock_guard lock(mutex);
        thrown = std::current_exception();
        stop = true;
        changed.notify_all();
        return;
      }
      {
        std::lock_guard lock(mutex);
        ready[p] = b;
      }
      changed.notify_all();
    }
  });
  struct Join {
    std::mutex& mutex;
    std::condition_variable& changed;
    bool& stop;
    std::thread& thread;
    ~Join() {
      if (!thread.joinable()) return;
      {
        std::lock_guard lock(mutex);
        stop = true;
      }
      changed.notify_all();
      thread.join();
    }
  } join{mutex, changed, stop, helper};
  Built own;
  std::string scratch;
  for (size_t p = 0; p < count; ++p) {
    Built* b = nullptr;
    {
      std::unique_lock lock(mutex);
      if (next == p) {
        next = p + 1;  // not claimed: built here
      } else {
        changed.wait(lock, [&] { return stop || ready[p] != nullptr; });
        if (!ready[p]) break;  // the helper failed
        b = std::exchange(ready[p], nullptr);
      }
    }
    if (!b) {
      build(p, own.ids, own.data, scratch);
      FUPIN_RETURN_IF_ERROR(insert(p, own.ids, own.data));
      continue;
    }
    FUPIN_RETURN_IF_ERROR(insert(p, b->ids, b->data));
    {
      std::lock_guard lock(mutex);
      free.push_back(b);
    }
    changed.notify_all();
  }
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  changed.notify_all();
  if (helper.joinable()) helper.join();
  if (thrown) std::rethrow_exception(thrown);
  return Status::Ok();
}

}  // namespace fupin
