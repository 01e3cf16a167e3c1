// A bounded, ordered hand-over of reusable buffers from one producer thread to one consumer
// thread (issue 13: the blocks of a bulk list built on one core while the other stores
// them; a report formatted while it is written). N buffers are made once and go round: the
// producer takes a free one (Acquire), fills it and hands it over (Put); the consumer takes
// the next full one (Take), uses it and gives it back (Release). Buffers arrive in the
// order they were put. Close() ends the stream after the last Put; Cancel() (a failure on
// either side) wakes both sides, and from then on Acquire and Take return nullptr.
// Threading: one producer and one consumer; Cancel and Close from either.
#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

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

}  // namespace fupin
