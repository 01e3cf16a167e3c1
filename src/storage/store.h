// Store: everything fupin keeps, behind one interface. The SQLite back end (sqlite/) is
// the embedded default; a PostgreSQL back end implements the same interface for shared
// deployments. Services open transactions through it; nothing above storage/ sees SQL.
//
// Threading: a Store is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/region_code.h"
#include "domain/criteria.h"
#include "domain/household.h"
#include "storage/accounts.h"
#include "storage/care_store.h"
#include "storage/case_store.h"
#include "storage/compare_store.h"
#include "storage/complaint_store.h"  // 12317 complaints
#include "storage/county_writers.h"   // a register sharded by county
#include "storage/fund_store.h"
#include "storage/helper_store.h"
#include "storage/loan_store.h"     // 扶贫小额信贷 microcredit
#include "storage/project_store.h"  // project library

namespace fupin {

struct RegionRow {
  RegionCode code;
  std::string name;
  std::optional<int64_t> rural_population;  // 农业户籍人口, when entered
};

// A household as stored: the record, its version (for optimistic concurrency) and batch.
struct StoredHousehold {
  Household household;
  int64_t version = 0;
};

// One row of a household's history: a changed field, an added or removed member.
struct HistoryEntry {
  std::string household_code;
  RegionCode county;
  std::string at;      // ISO 8601 time
  std::string actor;   // user or "cli"
  std::string source;  // "import:<batch id>" or a procedure
  std::string field;   // template key, "created", "member_added", "member_removed", "member.<key>"
  std::string old_value, new_value;
};

struct ImportBatchRow {
  std::string id;
  std::string started_at, finished_at, actor, sources;
  int64_t households_created = 0, households_updated = 0, members = 0, rejected = 0;
  int64_t households_unchanged = 0;  // in the files and left alone
};

// Counts kept per region and metric (see storage/README.md for the metric names), changed
// by deltas in the same transaction as the change they count.
using AggregateDeltas = std::map<std::pair<int64_t, std::string>, int64_t>;

// Which households a scan reads (a selection by code values, not a policy decision).
enum class HouseholdPool {
  kAll,
  kExitCandidates,  // 建档立卡户 with status 未脱贫 or 返贫
  kMonitoringPool,  // 建档立卡户 已脱贫 and 普通农户, except those 监测中
};

// A search of the register (the API's household list).
struct HouseholdQuery {
  RegionCode region;  // a subtree (the nation for code 0)
  std::optional<int> kind, poverty_status, attribute, main_cause, monitor_type, monitor_status;
  std::optional<Money> income_min, income_max;  // per-capita net income, inclusive
  std::string name;                             // part of a member's name
  std::string id_number;                        // a member's ID number, exact
  std::string assigned_to;  // only households this helper is assigned to, when given
  enum class Sort { kCode, kVillage, kIncome, kSize } sort = Sort::kCode;
  bool descending = false;
  int64_t offset = 0;
  int64_t limit = 50;
  bool count = true;  // false: the total is not counted (a next page of the same query)
};

// A household's primary key.
struct HouseholdKey {
  int64_t county = 0;
  std::string code;
  friend bool operator==(const HouseholdKey&, const HouseholdKey&) = default;
};

class SearchView;  // storage/search_view.h

struct HouseholdPage {
  int64_t total = -1;                      // matches in all; -1 when not counted
  std::vector<StoredHousehold> items;      // this page, members not loaded
  std::vector<int64_t> member_counts;      // per item
  std::vector<std::string> head_names;     // per item: the 户主's name ("" when none)
  std::vector<std::string> village_names;  // per item: the village's name ("" when unknown)
};

// A member with a resident ID in a household that is not 已剔除, as the register index
// needs it (views valid during the callback only).
struct PersonRow {
  std::string_view id_number, name, household_code;
  int64_t village_code = 0;
  int kind = 0, poverty_status = kNone, school_status = kNone;
  CodeSet health;
  bool resident_medical_insurance = false, employee_medical_insurance = false;
  bool dibao = false, tekun = false;
};

// How a Store is opened.
struct StoreOptions {
  // A writer of the register waits this long for the lock, then gets E_BUSY.
  int busy_timeout_ms = 5000;
  // The accounts file's transactions are short: a writer waits this long, then E_BUSY.
  int accounts_busy_timeout_ms = 1000;
  // The key file of the audit trail (service/audit_service.h AuditKeyPath): when empty,
  // $FUPIN_AUDIT_KEY, else `<db path>-audit.key`. The server's `audit_key = PATH`.
  std::string audit_key_path;
};

// The accounts file of the register at `db_path` (SQLite): `<db_path>-accounts`.
inline std::string AccountsPath(const std::string& db_path) { return db_path + "-accounts"; }

// `fupin init` refuses a database that holds another program's tables (no fupin schema):
// E_DATABASE naming it, before anything is written into it or beside it.
Error ForeignDatabase(const std::string& name);

class Store {
 public:
  virtual ~Store() = default;

  enum class OpenMode {
    kExisting,  // the database must exist and have the current schema (E_NO_SCHEMA if not)
    kCreate,    // create the file if needed (for `fupin init`)
  };
  // Opens `url`: "sqlite:PATH" or a bare PATH; "postgresql://…" or "postgres://…" opens the
  // PostgreSQL store (postgres/pg_store.h: the database must exist, kCreate does not create
  // it; the accounts are its schema `accounts`). E_USAGE for an empty path, E_DATABASE
  // when the file cannot be created, is not a database, or is damaged; E_NO_SCHEMA when
  // kExisting finds no schema or an older one (the message says to run `fupin init`).
  // The accounts file (`<path>-accounts`, storage/accounts.h) is opened beside the
  // register, and created with it by kCreate; kExisting wants it at the current schema too.
  static Result<std::unique_ptr<Store>> Open(const std::string& url, OpenMode mode,
                                             const StoreOptions& options = {});

  // Creates or upgrades the schema with the numbered migrations, the accounts file's first.
  // A register file of before the accounts file has its users, sessions and audit records
  // moved there once (the audit records keep their old hashes, marked legacy) and the old
  // tables dropped. Idempotent. Returns the register's schema version now in force.
  virtual Result<int> Migrate() = 0;

  // Transactions: Begin, then Commit or Rollback. Writes outside a transaction are
  // refused by the methods that need one (they assert).
  virtual Status Begin() = 0;
  // Begin for a transaction that will add `findings` findings (CompareStore::InsertFindings)
  // in one batch: a batch of kBulkFindings or more into a findings table holding fewer
  // may be written through a rollback journal, each page once, instead of the WAL (see
  // sqlite_store_impl.h UseRollbackJournal). The same transaction and results as Begin.
  virtual Status BeginAddingFindings(int64_t findings) = 0;
  static constexpr int64_t kBulkFindings = 100000;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  // Whether a transaction is open (services that write one record join it, or open one).
  virtual bool in_transaction() const = 0;

  // Regions.
  virtual Status UpsertRegions(const std::vector<RegionRow>& rows) = 0;  // in a transaction
  virtual Status SetRuralPopulation(RegionCode code, int64_t population) = 0;
  virtual Result<std::optional<RegionRow>> GetRegion(RegionCode code) = 0;
  virtual Result<int64_t> CountRegions() = 0;
  // The village-level codes under `region`, ascending.
  virtual Result<std::vector<RegionCode>> Villages(RegionCode region) = 0;
  virtual Result<std::vector<RegionRow>> Children(RegionCode region) = 0;

  // Households.
  virtual Result<std::optional<StoredHousehold>> FindHousehold(const std::string& code) = 0;
  // The 户编号 of the household a person belongs to, if any.
  virtual Result<std::optional<std::string>> FindPerson(int id_type,
                                                        const std::string& id_number) = 0;
  // The batched forms of FindHousehold and FindPerson, for reads outside a transaction (an
  // import's checks, import_check.cc): one answer per key, in the order of the keys (a key
  // given twice is answered twice). FindHouseholds loads the members, as FindHousehold.
  // In a transaction they take no more care than FindHousehold's single reads (which lock a
  // county before a household of it is read for writing): a store falls back to those.
  // By default they loop over FindHousehold and FindPerson (store_lookups.cc); a store
  // whose single reads are round trips reads a few thousand keys in a few statements.
  struct PersonKey {
    int id_type = 0;
    std::string id_number;
  };
  virtual Result<std::vector<std::optional<StoredHousehold>>> FindHouseholds(
      const std::vector<std::string>& codes);
  virtual Result<std::vector<std::optional<std::string>>> FindPersons(
      const std::vector<PersonKey>& keys);
  virtual Result<bool> HasPersons() = 0;
  // Writes a household with its members and their person_index entries (in a
  // transaction). E_CONFLICT when the 户编号 or a member's ID number is already taken.
  virtual Status InsertHousehold(const Household& household, int64_t version,
                                 const std::string& batch_id) = 0;
  // Deletes a household, its members and their person_index entries (in a transaction).
  // To replace a household, UpdateHousehold writes less; or delete it and insert the new
  // record with version + 1.
  virtual Status DeleteHousehold(RegionCode county, const std::string& household_code) = 0;
  // Rewrites the registered household `stored` as `household` (same 户编号) with
  // `version` and `batch_id`, in a transaction, writing only what differs: the household
  // row in place; a member row, by its position (seq), only when that member changed;
  // rows added or removed at the end; person_index entries only for the ID numbers added
  // (E_CONFLICT when one is registered to another household) or removed. `stored` must be
  // what FindHousehold reads now (members in their stored order): read in this
  // transaction, or before it while RegisterStamp has not changed, and not written since.
  // A household moved to another county is deleted and inserted. On failure the
  // transaction is to be rolled back (part of the household may be written).
  virtual Status UpdateHousehold(const StoredHousehold& stored, const Household& household,
                                 int64_t version, const std::string& batch_id) = 0;
  // Removes the person_index entries of the ID numbers that `stored` (as for
  // UpdateHousehold) has and `household` has not, in a transaction: a person leaving this
  // household for another may then be written there before this household is updated.
  // UpdateHousehold removes them as well (a second removal finds nothing).
  virtual Status RemovePersons(const Household& stored, const Household& household) = 0;
  virtual Status AppendHistory(const std::vector<HistoryEntry>& entries) = 0;
  virtual Result<std::vector<HistoryEntry>> History(const std::string& household_code) = 0;
  // Calls `fn` for every household under `region` with its members, ordered by county
  // and 户编号. Stops early, returning its Status, when `fn` fails.
  virtual Status ForEachHousehold(RegionCode region,
                                  const std::function<Status(const Household&)>& fn) = 0;
  // Whether a household under `region` has a 村民小组 (an export writes that column only
  // then; issue 14, group).
  virtual Result<bool> AnyVillageGroup(RegionCode region) = 0;

  // Calls `fn` for every household of `pool` under `region`, without its members (the
  // household's member_count is passed instead; LoadMembers reads them on demand).
  virtual Status ScanHouseholds(
      RegionCode region, HouseholdPool pool,
      const std::function<Status(Household&, int64_t member_count)>& fn) = 0;
  // Replaces household.members with the stored members of that household.
  virtual Status LoadMembers(Household& household) = 0;
  // For the assessment view (service/policy/assess_view.h): every household of the
  // register, ordered by county and 户编号, with only the fields the exit and monitoring
  // rules read set (household_code, village_code, kind, poverty_status, the income and
  // expense figures, food_secure, clothing_secure, housing_grade, renovation, relocation,
  // water_safe, monitor_status) and its members, in order, with only name, birth_date,
  // school_status and the two medical insurances; the other fields are unspecified. The
  // household passed is reused from call to call. Stops early, returning its Status, when
  // `fn` fails. By default ForEachHousehold over the nation (which sets every field).
  virtual Status ScanForAssessment(const std::function<Status(const Household&)>& fn) {
    return ForEachHousehold(RegionCode::Nation(), fn);
  }
  // The same for the households from `from` (included, or the first) to `to` (excluded,
  // or past the last): a part of the register, so that two connections may read the two
  // halves at once. By default the whole register when no bound is given, else E_INTERNAL.
  virtual Status ScanForAssessment(const std::optional<HouseholdKey>& from,
                                   const std::optional<HouseholdKey>& to,
                                   const std::function<Status(const Household&)>& fn) {
    if (!from && !to) return ScanForAssessment(fn);
    return Error{"E_INTERNAL", "此存储不支持分段读取", "this store cannot read a part"};
  }
  // The key of the household in the middle of the register (by county and 户编号), or
  // nothing when the register has fewer than `at_least` households (or the store cannot
  // tell): where to split it for ScanForAssessment.
  virtual Result<std::optional<HouseholdKey>> MiddleHousehold(int64_t at_least) {
    return std::optional<HouseholdKey>();
  }

  // Every region of the subtree of `region` (itself included), ordered by code.
  virtual Result<std::vector<RegionRow>> RegionsUnder(RegionCode region) = 0;

  // The third-party assessment of a county for a year (贫困县退出专项评估).
  virtual Status PutCountyAssessment(RegionCode county, int year,
                                     const CountyAssessment& assessment) = 0;
  virtual Result<std::optional<CountyAssessment>> GetCountyAssessment(RegionCode county,
                                                                      int year) = 0;

  // Households matching `query`, a page of them and the total; members are not loaded.
  virtual Result<HouseholdPage> SearchHouseholds(const HouseholdQuery& query) {
    return Error{"E_INTERNAL", "此存储不支持查询", "this store cannot search"};
  }

  // The search's columnar view (storage/search_view.h) of every household, read in one
  // read transaction together with the RegisterStamp it carries; nullptr when this store
  // has none (the search then reads SearchHouseholds).
  virtual Result<std::shared_ptr<const SearchView>> LoadSearchView() {
    return std::shared_ptr<const SearchView>();
  }
  // The households of `keys` in that order, as SearchHouseholds gives a page (members not
  // loaded; member counts, the heads' and the villages' names); a key not found is left out.
  virtual Result<HouseholdPage> ReadHouseholdPage(const std::vector<HouseholdKey>& keys) {
    return Error{"E_INTERNAL", "此存储不支持查询", "this store cannot search"};
  }
  // The 户编号 that person_index gives for this ID number (any ID type), as the search's
  // id_number filter reads it.
  virtual Result<std::vector<std::string>> HouseholdsOfIdNumber(const std::string& id_number) {
    return Error{"E_INTERNAL", "此存储不支持查询", "this store cannot search"};
  }
  // The keys of the households assigned to the helper account `username`.
  virtual Result<std::vector<HouseholdKey>> AssignedHouseholdKeys(const std::string& username) {
    return Error{"E_INTERNAL", "此存储不支持查询", "this store cannot search"};
  }

  // Aggregates.
  virtual Status ApplyAggregateDeltas(const AggregateDeltas& deltas) = 0;  // in a transaction
  virtual Result<std::map<std::string, int64_t>> Aggregates(RegionCode region) = 0;
  // One metric for every region of the subtree that has it: region code → value.
  virtual Result<std::map<int64_t, int64_t>> AggregateUnder(RegionCode region,
                                                            const std::string& metric) = 0;

  // Import batches.
  virtual Status InsertImportBatch(const ImportBatchRow& batch) = 0;

  // Accounts, sessions and the audit trail, in a file of their own: their writes do not
  // join this Store's transaction, except audit records appended while it is open, which
  // are written when it commits (storage/accounts.h AppendAudit). Owned by the Store.
  virtual AccountStore& accounts() = 0;
  // The options the Store was opened with.
  virtual const StoreOptions& options() const = 0;
  // Department lists, findings and helper assignments, on the same connection.
  virtual CompareStore& compare() = 0;
  // Cases (办件) and their steps, on the same connection.
  virtual CaseStore& cases() = 0;
  // Measures, visits and attachments (帮扶措施, 走访, 附件), on the same connection.
  virtual CareStore& care() = 0;
  // Helpers (帮扶责任人), their assignments and the village work teams, on the same connection.
  virtual HelperStore& helpers() = 0;
  // The funds ledger (扶贫资金: funds, allocations, disbursements), on the same connection.
  virtual FundStore& funds() = 0;
  // 12317 complaints (投诉举报), on the same connection.
  virtual ComplaintStore& complaints() = 0;
  // The project library (扶贫项目库), on the same connection.
  virtual ProjectStore& projects() = 0;
  // 扶贫小额信贷 microcredit: loans, repayments, compensations, on the same connection.
  virtual LoanStore& loans() = 0;

  // Changes with every committed change of households, members or the region aggregates:
  // "<database id>:<generation>",
  // the generation a random value written in the same commit, never repeated (not even by a
  // copy of the database restored over it).
  virtual Result<std::string> RegisterStamp() = 0;
  // The database file, "" when the database is not a file.
  virtual std::string file_path() const = 0;
  // Calls `fn` for every PersonRow of the register, in no particular order.
  virtual Status ScanPersons(const std::function<void(const PersonRow&)>& fn) = 0;
  // A cluster's coordinator: the county-by-county write path of an import
  // (storage/county_writers.h). nullptr on one server or file.
  virtual CountyWriters* county_writers() { return nullptr; }
};

}  // namespace fupin
