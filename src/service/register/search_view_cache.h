// SearchViewCache: a process's one SearchView (storage/search_view.h) of the register, for
// the household search of a server. A search is answered from the view only while the
// view's stamp is the register's RegisterStamp, read before the search and again after the
// page's rows are read: a view of an older register never answers, and a write committed
// during the search sends it to the SQL path. Otherwise (no view yet, a stale one, a
// transaction open on the caller's store, a name the view cannot match exactly) the caller
// reads Store::SearchHouseholds, which gives the same answers.
//
// When the view is stale: with an `open` function, a thread of the cache (with its own
// store) builds the new one while searches go to the SQL path; without one, the search
// that finds it stale builds it on its own store first (tests, the command line).
// Thread-safe; each thread passes its own Store.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "storage/search_view.h"
#include "storage/store.h"

namespace fupin {

class SearchViewCache {
 public:
  using OpenStore = std::function<Result<std::unique_ptr<Store>>()>;
  // Builds on the searching thread.
  SearchViewCache() = default;
  // Builds on a thread of its own, with a store from `open` (opened once, kept).
  explicit SearchViewCache(OpenStore open);
  ~SearchViewCache();
  SearchViewCache(const SearchViewCache&) = delete;
  SearchViewCache& operator=(const SearchViewCache&) = delete;

  // The page of `query` (the caller's scope already applied) from a current view, or
  // std::nullopt when the caller is to read store.SearchHouseholds(query).
  Result<std::optional<HouseholdPage>> Search(Store& store, const HouseholdQuery& query);

  // Asks the builder thread for a view now (a server at start), when there is one.
  void Refresh();

  struct Stats {
    int64_t builds = 0;        // views built
    int64_t answered = 0;      // searches answered from a view
    int64_t fallbacks = 0;     // searches sent to the SQL path
    double last_build_ms = 0;  // time to build the last view
    size_t bytes = 0;          // memory held by the current view's columns
    std::string stamp;         // the current view's stamp
  };
  Stats stats() const;

 private:
  // Installs a view built at `ms` milliseconds.
  void Install(std::shared_ptr<const SearchView> view, double ms);
  void Work();

  mutable std::mutex mutex_;
  std::shared_ptr<const SearchView> view_;
  Stats stats_;
  // The builder thread, when there is one.
  OpenStore open_;
  std::condition_variable wake_;
  bool wanted_ = false, building_ = false, stop_ = false;
  std::thread thread_;
};

}  // namespace fupin
