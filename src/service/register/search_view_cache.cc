// SearchViewCache: which view answers, and building the next one.
#include "service/register/search_view_cache.h"

#include <chrono>
#include <utility>

namespace fupin {

SearchViewCache::SearchViewCache(OpenStore open) : open_(std::move(open)) {
  thread_ = std::thread([this] { Work(); });
}

SearchViewCache::~SearchViewCache() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SearchViewCache::Refresh() {
  if (!open_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (building_) return;
    wanted_ = true;
  }
  wake_.notify_all();
}

SearchViewCache::Stats SearchViewCache::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void SearchViewCache::Install(std::shared_ptr<const SearchView> view, double ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++stats_.builds;
  stats_.last_build_ms = ms;
  stats_.bytes = view->memory_bytes();
  stats_.stamp = view->stamp();
  view_ = std::move(view);
}

void SearchViewCache::Work() {
  std::unique_ptr<Store> store;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stop_ || wanted_; });
    if (stop_) return;
    wanted_ = false;
    building_ = true;
    lock.unlock();
    if (!store) {
      auto opened = open_();
      if (opened.ok()) store = std::move(opened).value();
    }
    if (store) {
      const auto start = std::chrono::steady_clock::now();
      auto built = store->LoadSearchView();
      const std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - start;
      if (built.ok() && *built) Install(std::move(*built), ms.count());
    }
    lock.lock();
    building_ = false;
  }
}

Result<std::optional<HouseholdPage>> SearchViewCache::Search(Store& store,
                                                             const HouseholdQuery& query) {
  auto fallback = [&]() -> Result<std::optional<HouseholdPage>> {
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_.fallbacks;
    return std::optional<HouseholdPage>();
  };
  // The caller's own uncommitted writes are not in any view.
  if (store.in_transaction()) return fallback();
  auto stamp = store.RegisterStamp();
  if (!stamp.ok()) return stamp.error();
  std::shared_ptr<const SearchView> view;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (view_ && view_->stamp() == *stamp) view = view_;
  }
  if (!view) {
    if (open_) {
      Refresh();
      return fallback();
    }
    // Built here, on the caller's store: its stamp is that of the rows it holds.
    const auto start = std::chrono::steady_clock::now();
    auto built = store.LoadSearchView();
    if (!built.ok()) return built.error();
    if (!*built) return fallback();
    const std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - start;
    view = *built;
    Install(std::move(*built), ms.count());
  }
  if (!view->CanAnswer(query)) return fallback();
  std::optional<std::vector<std::string>> id_households;
  if (!query.id_number.empty()) {
    auto found = store.HouseholdsOfIdNumber(query.id_number);
    if (!found.ok()) return found.error();
    id_households = std::move(*found);
  }
  std::optional<std::vector<HouseholdKey>> assigned;
  if (!query.assigned_to.empty()) {
    auto found = store.AssignedHouseholdKeys(query.assigned_to);
    if (!found.ok()) return found.error();
    assigned = std::move(*found);
  }
  SearchViewMatch match = view->Match(query, id_households ? &*id_households : nullptr,
                                      assigned ? &*assigned : nullptr);
  auto page = store.ReadHouseholdPage(match.page);
  if (!page.ok()) return page.error();
  // Nothing was committed since the view's rows were read: the page and the lookups above
  // read the register the view shows.
  auto after = store.RegisterStamp();
  if (!after.ok()) return after.error();
  if (*after != view->stamp() || page->items.size() != match.page.size()) return fallback();
  page->total = match.total;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_.answered;
  }
  return std::optional<HouseholdPage>(std::move(*page));
}

}  // namespace fupin
