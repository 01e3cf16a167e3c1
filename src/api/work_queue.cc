#include "api/work_queue.h"

#include <utility>

namespace fupin {

WorkQueue::WorkQueue(Settings settings) : settings_(settings) {
  for (int i = 0; i < std::max(1, settings_.threads); ++i)
    threads_.emplace_back([this] { Loop(); });
}

WorkQueue::~WorkQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_) t.join();
}

bool WorkQueue::TryPost(const std::string& key, std::function<void()> run,
                        std::function<void()> expired) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || jobs_.size() >= settings_.capacity) return false;
    if (settings_.per_key > 0) {
      std::size_t& n = per_key_[key];
      if (n >= settings_.per_key) {
        if (n == 0) per_key_.erase(key);
        return false;
      }
      ++n;
    }
    jobs_.push_back(Job{key, Clock::now(), std::move(run), std::move(expired)});
  }
  ready_.notify_one();
  return true;
}

std::size_t WorkQueue::waiting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return jobs_.size();
}

void WorkQueue::Loop() {
  for (;;) {
    Job job;
    bool run = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
      run = !stopping_ && Clock::now() - job.queued <= settings_.max_wait;
    }
    if (run) {
      job.run();
    } else {
      job.expired();
    }
    if (settings_.per_key > 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = per_key_.find(job.key);
      if (it != per_key_.end() && --it->second == 0) per_key_.erase(it);
    }
  }
}

}  // namespace fupin
