// The village's public page (公示栏, spec/funds.md "The public village page", docs/public-page.md):
// what is in force for one village — cases in their notice period (公示), county decisions
// of the last kDecisionDays days (公告), direct subsidies (直补到户), the funds' allocations to
// its projects (资金安排) and projects — and a
// permanent archive of what is no longer in force, for anyone, without signing in.
//
// Every line is a PublicNoticeItem: what a notice may show (spec/procedures.md "What a notice
// shows") — names, village groups, household sizes, decisions, amounts and dates — and never
// ID numbers, phones, bank accounts, health, disability or risk types, not even masked: the
// model has no field that could hold them.
//
// Reading is not audited (nothing personal is shown). An objection from the page (异议) is
// filed as a 12317 complaint of the village (channel `notice`) by the public actor
// ("public", the village's office in the audit's role column) and, when it names a case in
// its notice period in that village, recorded on that case as well (the case goes back to
// verify, spec/procedures.md); both in one transaction, both audited.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "domain/policy.h"
#include "service/complaints/complaint_service.h"
#include "storage/store.h"

namespace fupin {

// How long a county decision (公告), a direct subsidy and an allocation to a project stay on
// the page, in days from their date; afterwards they are in the archive.
inline constexpr int kDecisionDays = 30;
// Archive lines per page.
inline constexpr int kArchivePageSize = 50;

// One line of a public notice, of any section.
struct PublicNoticeItem {
  // "notice" (公示), "decision" (公告), "subsidy" (直补到户), "allocation" (资金安排: a fund's
  // allocation to a project), "project"
  std::string section;
  // What an objection names ("case:12"; "project:3" for projects); "" when none may be raised.
  std::string notice;
  std::string name;      // the household head's name; a project's name (also of an allocation)
  std::string group;     // 村民小组 of the household; "" when none (or not about a household)
  int64_t size = 0;      // household size; 0 when the line is not about a household
  std::string category;  // the kind of case (识别纳入 …), the fund's name, a project's category
  std::string source;    // an allocation: the fund's level and kind (省级 · 财政衔接资金)
  std::string decision;  // 拟脱贫退出 / 脱贫退出, a project's stage or decision
  std::optional<int64_t> amount_fen;  // a subsidy or allocation; a project's budget total
  std::string start;      // YYYY-MM-DD: the notice's start; the decision's or allocation's date
  std::string closes_on;  // YYYY-MM-DD: the notice's last day; "" for a 公告 or a subsidy
  bool in_force = true;   // on the page; false: in the archive
};

// A project notice as the project library gives it (ProjectNoticesOf), as a line of the page.
PublicNoticeItem ProjectNoticeItem(int64_t project_id, std::string name, std::string category,
                                   std::string stage, int64_t budget_fen, std::string start,
                                   std::string closes_on, bool in_force);

struct PublicVillagePage {
  std::string village_code, village_name, township_name, county_name;
  std::string today;  // YYYY-MM-DD
  // In force: each newest first.
  std::vector<PublicNoticeItem> notices;    // 公示: cases whose notice runs today
  std::vector<PublicNoticeItem> decisions;  // 公告: county decisions of the last kDecisionDays
  std::vector<PublicNoticeItem> subsidies;  // 直补到户 of the last kDecisionDays
  // 资金安排: the funds' allocations to the village's projects of the last kDecisionDays.
  std::vector<PublicNoticeItem> allocations;
  std::vector<PublicNoticeItem> projects;  // 项目公示 (the project library's notices)
  // Everything no longer in force, newest first: ended notices, older decisions and
  // subsidies and allocations, projects' past notices.
  std::vector<PublicNoticeItem> archive;
};

// The page of `village` today. E_NOT_FOUND for a code that is not a village of the tree.
Result<PublicVillagePage> PublicPageOf(Store& store, const PolicySet& policy, RegionCode village);

// One page (1-based) of the archive: lines [(page-1)·size, page·size).
struct ArchivePage {
  int page = 1, pages = 1;
  int64_t total = 0;
  std::vector<PublicNoticeItem> items;
};
ArchivePage ArchivePageOf(const PublicVillagePage& page, int number, int size = kArchivePageSize);

// An objection (异议) from the page: the complainant's name and phone, the text, and the
// notice it is about ("case:12", or "12"; "" for none).
struct PublicObjection {
  std::string name, phone, text, notice;
};

struct PublicObjectionResult {
  ComplaintView complaint;         // as the public actor sees it (its number and due date)
  std::optional<int64_t> case_id;  // the case the objection was recorded on
};

// Files an objection for `village` from `remote` (the client's address). E_NOT_FOUND for an
// unknown village; E_VALIDATION (Chinese and English messages) for a missing or too long
// name, phone or text, or a `notice` that is neither "case:ID" (or "ID") nor "project:ID";
// E_PHONE for a phone that is not a Chinese mobile or landline number. A `notice` naming a
// project, or a case that is not in its notice period in this village, files the complaint
// only (its text keeps the reference).
Result<PublicObjectionResult> FilePublicObjection(Store& store, const PolicySet& policy,
                                                  RegionCode village, const PublicObjection& o,
                                                  const std::string& remote);

// A small cache of rendered public pages for a server: an entry is used while the audit
// trail's head (every write of the system leaves a record) and the local date are what they
// were when it was built, and for at most `max_age` (which bounds what a write leaves
// unseen: between its audit record and its commit, or without a record). Thread-safe; each
// thread passes its own Store. Bounded by `max_entries` (all dropped when full).
class PublicPageCache {
 public:
  explicit PublicPageCache(std::chrono::milliseconds max_age = std::chrono::seconds(2),
                           std::size_t max_entries = 4096)
      : max_age_(max_age), max_entries_(max_entries) {}

  // The text cached under `key`, or `build`'s (cached when it succeeds). Errors are not cached.
  Result<std::string> Get(Store& store, const std::string& key,
                          const std::function<Result<std::string>()>& build);

 private:
  struct Entry {
    int64_t audit_head = 0;
    int32_t day = 0;
    std::chrono::steady_clock::time_point built;
    std::string text;
  };
  std::chrono::milliseconds max_age_;
  std::size_t max_entries_;
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

// A per-address rate limit: at most `limit` events per `window` from one address (a sliding
// window). In memory, per process, bounded by `max_addresses` (the quietest go first).
// Thread-safe.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(int limit, std::chrono::seconds window, std::size_t max_addresses = 100000)
      : limit_(limit), window_(window), max_addresses_(max_addresses) {}

  // Zero and counted when an event from `address` may happen now; otherwise the wait until
  // it may, in whole seconds (at least 1), and not counted.
  std::chrono::seconds Take(std::string_view address, Clock::time_point now);

 private:
  int limit_;
  std::chrono::seconds window_;
  std::size_t max_addresses_;
  std::mutex mutex_;
  std::map<std::string, std::deque<Clock::time_point>, std::less<>> events_;
};

}  // namespace fupin
