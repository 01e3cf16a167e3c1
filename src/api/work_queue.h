// A bounded queue of jobs with its own threads: the server's readers, its one writer and
// its password hasher each have one (api/server.cc). A job that cannot be queued (the queue
// is full, or its key — a client address — already has its share) is refused at once; a job
// that waited longer than `max_wait` before a thread was free is not run: its `expired`
// callback answers instead. So no client waits without bound and no flood grows memory.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fupin {

class WorkQueue {
 public:
  using Clock = std::chrono::steady_clock;

  struct Settings {
    int threads = 1;
    std::size_t capacity = 64;  // jobs waiting, all keys
    std::size_t per_key = 0;    // jobs waiting or running per key; 0 = no limit
    std::chrono::milliseconds max_wait{10000};
  };

  explicit WorkQueue(Settings settings);
  // Stops: queued jobs get `expired`, running ones finish, threads are joined.
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `run`; false (and nothing queued) when the queue or the key's share is full.
  // Exactly one of `run` and `expired` is called later, on a queue thread.
  bool TryPost(const std::string& key, std::function<void()> run, std::function<void()> expired);

  std::size_t waiting() const;

 private:
  struct Job {
    std::string key;
    Clock::time_point queued;
    std::function<void()> run, expired;
  };
  void Loop();

  const Settings settings_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;
  std::map<std::string, std::size_t> per_key_;  // waiting or running
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace fupin
