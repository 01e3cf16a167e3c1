// Private to the PostgreSQL store (this folder): the PgStore class, whose members are
// defined in pg_store.cc (opening, migrations, transactions, RegisterStamp),
// pg_regions.cc, pg_households.cc, pg_search.cc and pg_substores.cc; and the row helpers
// those files share. It mirrors sqlite/sqlite_store_impl.h.
//
// Concurrency (several servers, each with its own connection, write at once):
//  - Transactions are READ COMMITTED, each statement seeing what committed before it.
//  - SQLite has one writer at a time (BEGIN IMMEDIATE), so a household read in a write
//    transaction stays as read until the commit. Here a write transaction takes a
//    transaction-level advisory lock on each county it touches (CountyLock: the key is
//    -county_code) before it reads a household of that county for writing (FindHousehold
//    in a transaction) or writes one. Two offices updating one household: the second waits
//    for the first's commit, then reads the new version, and the service's version check
//    answers E_VERSION_CONFLICT, as on SQLite; two imports into different counties hold
//    different locks and run at once. A lock not had within busy_timeout_ms (lock_timeout)
//    is E_BUSY, like SQLite's busy timeout.
//  - SERIALIZABLE was not chosen: every committing writer updates meta's generation and
//    the region aggregates of the province and the nation, so two imports into different
//    counties would always fail one another with a serialization failure.
//  - A RegisterStamp read in a write transaction vouches on SQLite that households read
//    before it are still as read until the commit (the import's UpdateHousehold relies on
//    it). Here a county locked later than that read checks the generation has not moved
//    since, else E_BUSY: try again (the retry finds the stamp changed and reads again).
//  - Region aggregate deltas are summed in memory and written at the commit (and before
//    the aggregates are read), in key order: an upsert adding the delta under the row's
//    lock, held for the few statements of the commit only, in one order for all writers.
//  - Keys unique in the register (a 户编号 in a county, an ID number in person_index) are
//    checked before writing, as SQLite does, so that a conflict leaves the transaction
//    usable; a clash with another transaction's uncommitted row is caught by the primary
//    key when the rows are written (E_CONFLICT then, the transaction to be rolled back).
//    Into a table that had rows at Begin, an import's new keys are checked in one
//    statement per COPY batch instead (CheckDeferredKeys: ~300,000 round trips for an
//    import of 150,000 households otherwise); a clash is then E_CONFLICT from the call
//    that flushes the batch, and the transaction is to be rolled back.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "storage/postgres/pg_accounts.h"
#include "storage/postgres/pg_db.h"
#include "storage/register_columns.h"
#include "storage/store.h"

namespace fupin::pg {

// kHouseholdColumns, kMemberColumns: storage/register_columns.h.
inline constexpr std::string_view kHistoryColumns =
    "county_code, household_code, at, actor, source, field, old_value, new_value";

// Reads row `r` of a households result (columns in kHouseholdColumns order) into `h`.
void ReadHousehold(const Rows& rows, int r, Household& h, int64_t* version);
// Reads row `r` of a members result (columns in kMemberColumns order) into `m`.
void ReadMember(const Rows& rows, int r, Member& m);
// A SQL string literal of `text` (standard_conforming_strings).
std::string Literal(std::string_view text);

// A server-side cursor read in batches, for scans over the whole register (a result is
// held in memory whole by libpq). It needs a transaction: the caller's, or a read-only
// one the scan opens (ReadScope).
class Cursor {
 public:
  Cursor(Connection& db, std::string name) : db_(db), name_(std::move(name)) {}
  ~Cursor();
  Status Open(const std::string& sql);
  // Advances to the next row; false at the end.
  Result<bool> Next();
  const Rows& rows() const { return rows_; }
  int row() const { return row_; }

 private:
  Connection& db_;
  std::string name_;
  Rows rows_;
  int row_ = -1;
  bool open_ = false, done_ = false;
};

class PgStore final : public Store {
 public:
  // Opening, migrations and transactions (pg_store.cc).
  PgStore(std::unique_ptr<Connection> db, std::string url, StoreOptions options);
  ~PgStore() override;
  void SetAccounts(std::unique_ptr<PgAccountStore> accounts) { accounts_ = std::move(accounts); }
  // The database is a cluster's coordinator (storage/postgres/cluster/cluster.h): its
  // households, members, history and person_index are foreign tables on shards, whose
  // transactions postgres_fdw runs REPEATABLE READ from the first statement that reaches
  // them. So that a write transaction still reads a household after its county's lock
  // (the version check above), Begin reads the register's emptiness before BEGIN, and
  // FindHousehold in a transaction learns the household's county on a second connection,
  // outside the transaction, and locks it before anything reaches a shard.
  void SetCluster(bool cluster) { cluster_ = cluster; }
  // The store of one county's write on its shard (cluster/cluster_batches.cc): person_index,
  // the region aggregates and import_batches are the coordinator's, so InsertHousehold and
  // UpdateHousehold leave person_index alone (the batch reserved its rows), and
  // ApplyAggregateDeltas and InsertImportBatch do nothing. A household cannot change county
  // here (E_CONFLICT), nor be deleted.
  void SetShardWriter() { shard_writer_ = true; }
  CountyWriters* county_writers() override;
  // Creates the sub-stores on db_ (pg_substores.cc).
  void MakeSubStores();
  Result<int> Migrate() override;
  Status Begin() override;
  Status BeginAddingFindings(int64_t findings) override { return Begin(); }
  Status Commit() override;
  void Rollback() override;
  bool in_transaction() const override { return in_transaction_; }
  AccountStore& accounts() override { return *accounts_; }
  CompareStore& compare() override { return *compare_; }
  CaseStore& cases() override { return *cases_; }
  CareStore& care() override { return *care_; }
  HelperStore& helpers() override { return *helpers_; }
  FundStore& funds() override { return *funds_; }
  ComplaintStore& complaints() override { return *complaints_; }
  ProjectStore& projects() override { return *projects_; }
  LoanStore& loans() override { return *loans_; }
  Result<std::string> RegisterStamp() override;
  std::string file_path() const override { return ""; }
  const StoreOptions& options() const override { return options_; }

  // Regions, county assessments and region aggregates (pg_regions.cc).
  Status UpsertRegions(const std::vector<RegionRow>& rows) override;
  Status SetRuralPopulation(RegionCode code, int64_t population) override;
  Result<std::optional<RegionRow>> GetRegion(RegionCode code) override;
  Result<int64_t> CountRegions() override;
  Result<std::vector<RegionCode>> Villages(RegionCode region) override;
  Result<std::vector<RegionRow>> Children(RegionCode region) override;
  Result<std::vector<RegionRow>> RegionsUnder(RegionCode region) override;
  Status PutCountyAssessment(RegionCode county, int year, const CountyAssessment& a) override;
  Result<std::optional<CountyAssessment>> GetCountyAssessment(RegionCode county, int year) override;
  Result<std::map<int64_t, int64_t>> AggregateUnder(RegionCode region,
                                                    const std::string& metric) override;
  Status ApplyAggregateDeltas(const AggregateDeltas& deltas) override;
  Result<std::map<std::string, int64_t>> Aggregates(RegionCode region) override;

  // Households, members, the person index, history and import batches (pg_households.cc).
  Result<std::optional<StoredHousehold>> FindHousehold(const std::string& code) override;
  Result<std::optional<std::string>> FindPerson(int id_type, const std::string& id) override;
  // A chunk of kLookupChunk keys at a time: households by household_code = ANY, their
  // members by county_code = ANY AND household_code = ANY (a cluster prunes the county's
  // partitions and ships the condition to the shard), persons grouped by id_type with
  // id_number = ANY (the primary key). In a transaction, the single reads.
  Result<std::vector<std::optional<StoredHousehold>>> FindHouseholds(
      const std::vector<std::string>& codes) override;
  Result<std::vector<std::optional<std::string>>> FindPersons(
      const std::vector<PersonKey>& keys) override;
  static constexpr size_t kLookupChunk = 4096;
  Result<bool> HasPersons() override;
  Status LoadMembers(Household& h) override;
  Status InsertHousehold(const Household& h, int64_t version, const std::string& batch_id) override;
  Status UpdateHousehold(const StoredHousehold& stored, const Household& h, int64_t version,
                         const std::string& batch_id) override;
  Status RemovePersons(const Household& old, const Household& h) override;
  Status DeleteHousehold(RegionCode county, const std::string& code) override;
  Status AppendHistory(const std::vector<HistoryEntry>& entries) override;
  Result<std::vector<HistoryEntry>> History(const std::string& household_code) override;
  Status InsertImportBatch(const ImportBatchRow& b) override;

  // Reads over many households (pg_search.cc).
  Status ScanPersons(const std::function<void(const PersonRow&)>& fn) override;
  Status ForEachHousehold(RegionCode region,
                          const std::function<Status(const Household&)>& fn) override;
  Result<bool> AnyVillageGroup(RegionCode region) override;
  Status ScanHouseholds(RegionCode region, HouseholdPool pool,
                        const std::function<Status(Household&, int64_t)>& fn) override;
  Status ScanForAssessment(const std::function<Status(const Household&)>& fn) override;
  Status ScanForAssessment(const std::optional<HouseholdKey>& from,
                           const std::optional<HouseholdKey>& to,
                           const std::function<Status(const Household&)>& fn) override;
  Result<std::optional<HouseholdKey>> MiddleHousehold(int64_t at_least) override;
  Result<HouseholdPage> SearchHouseholds(const HouseholdQuery& q) override;
  Result<std::shared_ptr<const SearchView>> LoadSearchView() override;
  Result<HouseholdPage> ReadHouseholdPage(const std::vector<HouseholdKey>& keys) override;
  Result<std::vector<std::string>> HouseholdsOfIdNumber(const std::string& id_number) override;
  Result<std::vector<HouseholdKey>> AssignedHouseholdKeys(const std::string& username) override;

  Connection& connection() { return *db_; }

 private:
  // A scan's transaction: the store's own when one is open, else a read-only REPEATABLE
  // READ one (both cursors of a merge see one snapshot, as SQLite's read transaction).
  class ReadScope {
   public:
    explicit ReadScope(PgStore& store) : store_(store) {}
    ~ReadScope();
    Status Enter();

   private:
    PgStore& store_;
    bool own_ = false;
  };

  // Prepares `sql` into `slot` on first use; nullptr (with last_error_ set) on failure.
  Statement* Cached(std::unique_ptr<Statement>& slot, const std::string& sql);
  Result<int64_t> ScalarInt(const std::string& sql, const Params& params = {});
  std::string NextCursorName() { return "fupin_scan_" + std::to_string(++cursors_); }
  // The transaction-level lock of a county (see the top of this file); once per county
  // per transaction.
  Status CountyLock(int64_t county);
  // At Begin: whether households and person_index are empty, and the register's
  // generation. Later: both flags turn false when another writer has committed since.
  Status ReadEmptiness(bool at_begin);
  // Writes the rows waiting (households, members, person_index, history) with COPY; before
  // anything reads the tables, and at commit.
  Status FlushWrites();
  // An import into an empty register: its indexes deferred (pg_bulk.cc).
  static constexpr size_t kDeferIndexesFrom = 4096;  // households in one flush
  bool ShouldDeferIndexes() const;
  Status DeferIndexes();
  Status RestoreIndexes();
  static std::string Identifier(std::string_view name);  // a quoted SQL identifier
  Status FlushAggregates();
  void ClearWrites();
  // Whether rows of this household wait in the buffers.
  bool Pending(int64_t county, const std::string& code) const {
    return pending_owners_.count({county, code}) != 0;
  }
  // E_CONFLICT when the household's key, or the person_index key of members[i], is taken.
  // With `defer` (InsertHousehold), a key not written in this transaction that must be
  // looked up in a table that was not empty at Begin is only noted, and all such keys are looked up
  // together by CheckDeferredKeys: the E_CONFLICT then comes from a later call (the flush:
  // InsertHousehold, a read, DeleteHousehold, UpdateHousehold or Commit), and the caller
  // rolls back. A key this transaction wrote, and any key when the table was empty at
  // Begin, are still looked up at once (E_CONFLICT from InsertHousehold; the transaction
  // may go on).
  Status CheckNewHousehold(int64_t county, const std::string& code, bool defer = false);
  Status CheckNewPerson(const std::vector<Member>& members, size_t i, bool defer = false);
  // E_CONFLICT when a noted key is in the tables: one statement per table. Runs before the
  // buffers are written and before anything is deleted (so that a key taken when it was
  // noted is still found).
  Status CheckDeferredKeys();
  static bool HasId(const std::vector<Member>& members, const Member& x);
  void AddMemberRow(int64_t county, const std::string& code, int seq, const Member& x);
  static RegionRow ReadRegion(const Rows& rows, int r);
  // Fills the page's head_names and village_names (pg_search.cc).
  Status NameHeadsAndVillages(HouseholdPage& page);

  std::unique_ptr<Connection> db_;
  std::string url_;
  StoreOptions options_;
  std::unique_ptr<PgAccountStore> accounts_;  // its own connection
  // The sub-stores, on db_ (created by MakeSubStores; destroyed before db_).
  std::unique_ptr<CompareStore> compare_;
  std::unique_ptr<CaseStore> cases_;
  std::unique_ptr<CareStore> care_;
  std::unique_ptr<HelperStore> helpers_;
  std::unique_ptr<FundStore> funds_;
  std::unique_ptr<ComplaintStore> complaints_;
  std::unique_ptr<ProjectStore> projects_;
  std::unique_ptr<LoanStore> loans_;

  bool in_transaction_ = false;
  bool cluster_ = false;          // SetCluster
  bool shard_writer_ = false;     // SetShardWriter
  bool regions_changed_ = false;  // on a coordinator: copied to the shards after the commit
  std::unique_ptr<CountyWriters> county_writers_;  // a coordinator's, made on first use
  std::unique_ptr<Connection> lookup_;             // a cluster's county lookups (FindHousehold)
  bool register_changed_ = false;                  // households, members or aggregates written
  bool households_were_empty_ = false, persons_were_empty_ = false;
  // The secondary indexes of households and household_history, dropped until the commit
  // (pg_bulk.cc): their CREATE INDEX statements.
  bool indexes_deferred_ = false;
  std::vector<std::string> deferred_indexes_;
  bool defer_household_checks_ = false, defer_person_checks_ = false;  // not empty at Begin
  std::string begin_generation_;  // meta's register_generation at Begin
  std::string stamp_generation_;  // that of a RegisterStamp read in this transaction
  std::set<int64_t> locked_counties_;
  Error last_error_;
  int cursors_ = 0;
  std::unique_ptr<Statement> upsert_region_, set_population_, get_region_, find_household_,
      find_members_, find_person_, household_exists_, person_exists_, households_taken_,
      persons_taken_, member_ids_, delete_person_, delete_members_, delete_household_, apply_delta_,
      aggregates_, update_household_, update_household_indexed_, update_member_,
      delete_members_after_, county_lock_, head_name_, village_name_, read_page_;

  // Writes of the transaction that have not reached the tables yet, and their keys.
  struct PendingHousehold {
    Household household;  // members not kept (they are in pending_members_)
    int64_t version;
    std::string batch_id;
    int64_t member_count;
  };
  struct PendingMember {
    int64_t county;
    std::string code;
    int seq;
    Member member;
  };
  struct PendingPerson {
    int64_t id_type;
    std::string id_number;
    int64_t county;
    std::string code;
  };
  std::vector<PendingHousehold> pending_households_;
  std::vector<PendingMember> pending_members_;
  std::vector<PendingPerson> pending_persons_;
  std::vector<HistoryEntry> pending_history_;
  std::set<std::pair<int64_t, std::string>> pending_owners_;  // households with rows waiting
  std::set<std::pair<int64_t, std::string>> pending_person_keys_;
  // Keys of new rows still to be looked up in the tables (CheckDeferredKeys).
  std::vector<std::pair<int64_t, std::string>> unchecked_households_, unchecked_persons_;
  // Fingerprints of every key the transaction wrote (a match is looked up in the tables).
  std::unordered_set<uint64_t> household_prints_, person_prints_;
  AggregateDeltas pending_deltas_;
};

}  // namespace fupin::pg
