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
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

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

}  // namespace fupin
