// Private to the import (import_*.cc): the Importer, whose members are defined in
// import_service.cc (Run), import_read.cc (reading and parsing the tables, partly on a
// second thread), import_check.cc (checks against each other and the register) and
// import_write.cc (writing, early or after the checks, and the rejects).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/household_rules.h"
#include "exchange/table.h"
#include "exchange/template.h"
#include "service/imports/import_packed.h"
#include "service/imports/import_service.h"
#include "service/register/aggregates.h"
#include "service/register/history.h"

namespace fupin::import_detail {

inline constexpr size_t kMaxListedErrors = 100000;

// A fresh batch id: 32 random hex digits.
std::string NewBatchId();

struct CountyPart;  // import_counties.cc

// ---- Reading on a second thread -----------------------------------------------------
//
// Decoding the CSV and parsing the rows is about half the work of an import. A reading
// thread does it and hands the rows over in batches, in order, through a RowPipe per
// table. For the 户表 it only splits the records (the importer's thread, which has
// nothing to write yet, parses them); for the 人表 it also parses the rows, gives each
// its household's entry and finds persons seen twice, while the importer's thread
// writes. The importer's thread keeps everything else: the issues, the packed rows and
// the store.

struct MemberRow {
  size_t line = 0;
  bool ok = false;
  Member member;
  std::string household_code;
  std::vector<CellIssue> issues;
  uint32_t entry = kNoEntry;  // kNoEntry when the 户编号 is empty or not in the 户表
  size_t first_line = 0;      // the line where the same person was seen before, or 0
};

// Batches of rows from the reading thread to the importer, in order; a few batches are
// in flight and are reused.
template <typename Row>
class RowPipe {
 public:
  static constexpr size_t kBatchRows = 1024;
  struct Batch {
    std::vector<Row> rows = std::vector<Row>(kBatchRows);
    size_t size = 0;
    bool end = false;            // the last batch of the table
    std::optional<Error> error;  // with `end`: reading failed
  };

  // A pipe that is not `started` holds the reader back until Start().
  explicit RowPipe(bool started = true) : started_(started) {
    for (auto& b : batches_) free_.push_back(&b);
  }

  // Reader: an empty batch to fill, or nullptr when the pipe was closed.
  Batch* Take() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return closed_ || (started_ && !free_.empty()); });
    if (closed_) return nullptr;
    Batch* b = free_.front();
    free_.pop_front();
    b->size = 0;
    b->end = false;
    b->error.reset();
    return b;
  }
  void Send(Batch* b) {
    std::lock_guard lock(mu_);
    full_.push_back(b);
    cv_.notify_all();
  }
  // Importer: the next batch (blocks until there is one), then Return it when done.
  Batch* Receive() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !full_.empty(); });
    Batch* b = full_.front();
    full_.pop_front();
    return b;
  }
  void Return(Batch* b) {
    std::lock_guard lock(mu_);
    free_.push_back(b);
    cv_.notify_all();
  }
  void Start() {
    std::lock_guard lock(mu_);
    started_ = true;
    cv_.notify_all();
  }
  // Stops the reader at its next Take.
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }

 private:
  Batch batches_[4];
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch*> free_, full_;
  bool started_;
  bool closed_ = false;
};

// A source table: its reader and the name used in messages.
struct Source {
  std::unique_ptr<TableReader> reader;
  std::string file;  // as shown in issues
};

// How a table's header row went.
struct HeaderResult {
  std::optional<Error> error;  // reading it failed
  bool present = false;        // there was a header row
  size_t line = 0;
  std::vector<CellIssue> issues;
  HeaderMap map;
  bool usable() const { return !error && present && issues.empty(); }
};

// ---- The import ---------------------------------------------------------------------
//
// The households are read first, then the members; the checks that need a whole
// household or the register come after. With skip_invalid, dry_run or a non-empty
// register, everything is written after the checks (Write). Otherwise — the bulk load of
// an empty register, all-or-nothing — each household is written as soon as its member
// rows are complete, while the reading thread goes on with the next rows (WriteEarly):
// on the first error, or when a household's member rows turn out not to be together in
// the 人表, that transaction is rolled back and the import goes on the ordinary way, so
// the outcome and the report are the same either way.
class Importer {
 public:
  Importer(Store& store, const ImportOptions& options)
      : store_(store), options_(options), today_(Date::Today()) {}
  ~Importer() {
    household_rows_.Close();
    member_rows_.Close();
    if (reader_.joinable()) reader_.join();
    if (writing_) store_.Rollback();
  }

  Result<ImportReport> Run();

 private:
  void AddIssue(const std::string& file, size_t line, std::string column, std::string value,
                std::string code, std::string zh, std::string en) {
    ImportIssue issue{
        file,          line,         std::move(column), std::move(value), std::move(code),
        std::move(zh), std::move(en)};
    if (issue.code[0] == 'W') {
      if (report_.warnings.size() < kMaxListedErrors) report_.warnings.push_back(std::move(issue));
      return;
    }
    error_lines_[file].emplace(line, issue.zh);
    if (report_.errors.size() < kMaxListedErrors) {
      report_.errors.push_back(std::move(issue));
    } else {
      ++report_.errors_not_listed;
    }
  }
  void AddCellIssues(const std::string& file, size_t line, std::vector<CellIssue>& issues) {
    for (auto& i : issues) {
      AddIssue(file, line, std::move(i.column), std::move(i.value), std::move(i.code),
               std::move(i.zh), std::move(i.en));
    }
    issues.clear();
  }
  void AddRuleIssue(const PackedHousehold& e, RuleIssue& r) {
    const bool on_member = r.member >= 0;
    const std::string& file = on_member ? members_src_.file : households_src_.file;
    const size_t line = on_member ? MemberLine(e, r.member) : e.line;
    AddIssue(file, line, std::move(r.column), std::move(r.value), std::move(r.code),
             std::move(r.zh), std::move(r.en));
  }
  bool HasErrors() const { return !report_.errors.empty() || report_.errors_not_listed > 0; }
  bool Interrupted() const {
    return options_.interrupted && options_.interrupted->load(std::memory_order_relaxed);
  }
  void Progress(const std::string& text) {
    if (!options_.progress) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "[%7.2f s] ", seconds);
    options_.progress(stamp + text);
  }

  // Opens the two tables; file-level problems become issues (returns false).
  bool OpenSources();
  static HeaderResult ReadHeader(Source& src, TemplateTable table);
  void AddHeaderIssues(const Source& src, HeaderResult& header);

  // On the reading thread: reads the rows of both tables into the pipes.
  void ReadRows();
  bool ReadHouseholdRows();
  void ReadMemberRows();

  // On the importer's thread: takes the rows; false when the table is unusable.
  Result<bool> ReadHouseholds();
  Result<bool> ReadMembers();
  void AddMember(PackedHousehold& e, const Member& m, size_t line);
  Status CheckHouseholds();
  Status CheckRegions();
  Status CheckRegister();
  Status Write();
  Status WriteRejects();
  // Into a register sharded by county (import_counties.cc; storage/county_writers.h).
  Status WriteByCounty();
  Status ReservePersons(CountyWriters& writers, const std::vector<CountyPart>& parts);
  Status WriteCounty(CountyWriters& writers, CountyPart& part);

  // The writing, shared by Write and WriteEarly.
  Status BeginWrite();
  Status WriteHousehold(const Household& h, int64_t version);
  Status AppendHistory(bool all);
  // Stamps `history` (time, actor, "import:<batch>"), hands it to `store` and empties it.
  Status FlushHistory(Store& store, std::vector<HistoryEntry>& history) const;
  Status FinishWrite();
  // The files, space-separated, and the import_batches row of what the report counts.
  std::string Sources() const;
  ImportBatchRow BatchRow() const;
  // Writing while the members are read (see the class comment).
  void StartEarlyWrite();
  void WriteEarly(uint32_t entry, const Member& member);
  void CloseEarlyHousehold();
  bool CheckAndWriteEarly(uint32_t entry);
  void StopEarlyWrite();

  // Rebuilds entry `entry` as a Household with its members.
  void Unpack(uint32_t entry, Household& h) const;
  size_t MemberLine(const PackedHousehold& e, int member) const;
  // Whether the village is in the region tree (looked up once per village).
  Result<bool> KnownVillage(int64_t village);
  // Whether `file` says nothing about `stored` that the register does not already hold.
  static bool SameAsStored(const Household& stored, const Household& file);
  // A 户表 without the 村民小组 column says nothing of the groups (a file of the template
  // before the column, or of another system): the registered group is kept.
  void KeepRegisteredGroup(const Household& stored, Household& file) const {
    if (!file_gives_groups_) file.village_group = stored.village_group;
  }

  Store& store_;
  const ImportOptions& options_;
  const Date today_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  ImportReport report_;
  Source households_src_, members_src_;
  bool is_xlsx_ = false;
  std::unique_ptr<XlsxBook> book_;
  HeaderResult households_header_, members_header_;
  bool file_gives_groups_ = true;  // the 户表 has a 村民小组 column

  // The rows, packed (see PackedHousehold); entries_[i] is index_ entry i.
  HouseholdIndex index_;  // read by the reading thread once the 户表 is indexed
  BlockVector<PackedHousehold> entries_;
  BlockVector<PackedMember> members_;
  TextArena text_;
  std::vector<std::string> ethnicities_{""};
  std::unordered_map<std::string, uint32_t> ethnicity_ids_{{"", 0}};
  std::unordered_map<int64_t, bool> known_villages_;
  // Error messages by file and line, for the rejects' 错误 column.
  std::unordered_map<std::string, std::unordered_multimap<size_t, std::string>> error_lines_;
  // Member rows with no household (line, 户编号).
  std::vector<std::pair<size_t, std::string>> orphan_member_lines_;

  // The reading thread and what it hands over.
  std::thread reader_;
  RowPipe<Record> household_rows_;
  // Started once the 户表 is indexed: the reading thread then reads index_.
  RowPipe<MemberRow> member_rows_{/*started=*/false};
  PersonLines persons_;  // the reading thread's

  // What the register holds of each entry, looked up by CheckRegister (before the
  // transaction) while the register stamp is `stored_stamp_`.
  enum StoredState : uint8_t { kNotStored, kUnchanged, kChanged };
  std::vector<StoredState> stored_;
  std::string stored_stamp_;  // empty: not looked up
  // The registered record of each changed entry, packed as the entries are (members in
  // members_, text in text_), so that Write need not look it up again: stored_at_[entry]
  // is its index in stored_households_ and stored_versions_, or kNoEntry.
  BlockVector<PackedHousehold> stored_households_;
  std::vector<int64_t> stored_versions_;
  std::vector<uint32_t> stored_at_;
  void ForgetStored() {
    stored_.assign(entries_.size(), kNotStored);
    stored_households_ = {};
    stored_versions_.clear();
    stored_at_.assign(entries_.size(), kNoEntry);
  }
  void KeepStored(uint32_t entry, const StoredHousehold& stored);
  void UnpackStored(uint32_t entry, StoredHousehold& stored) const;

  // The open transaction.
  bool writing_ = false;
  std::string batch_, now_;
  AggregateAccumulator aggregates_;
  std::vector<HistoryEntry> history_;
  // Writing early: the household whose member rows are coming in, and the issues that
  // CheckHouseholdMembers gave for the households already written, by entry.
  bool early_ = false;
  uint32_t open_entry_ = kNoEntry;
  Household open_;
  // The open household's members, copied into Members kept from one household to the
  // next: their strings need no new allocation, and none is freed on this thread that
  // the reading thread allocated.
  std::vector<Member> open_members_;
  size_t open_size_ = 0;
  std::vector<std::pair<uint32_t, RuleIssue>> early_issues_;
};

}  // namespace fupin::import_detail
