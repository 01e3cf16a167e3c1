// Private to the SQLite store (this folder): the SqliteStore class, whose members are
// defined in sqlite_store.cc (opening, migrations, transactions), sqlite_regions.cc,
// sqlite_households.cc and sqlite_search.cc; and the row helpers those files share.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/register_columns.h"
#include "storage/sqlite/sqlite_accounts.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/sqlite_pending_writes.h"
#include "storage/store.h"

namespace fupin::sqlite {

// kHouseholdColumns, kMemberColumns: storage/register_columns.h.

// The statements of HouseholdUpdateStatements (sqlite_households.cc).
extern const std::string kFindHouseholdSql;
extern const std::string kFindMembersSql;
extern const std::string kFindPersonSql;
extern const std::string kHouseholdExistsSql;
extern const std::string kPersonExistsSql;
extern const std::string kMemberIdsSql;
extern const std::string kDeletePersonSql;
extern const std::string kDeleteMembersSql;
extern const std::string kDeleteHouseholdSql;
extern const std::string kUpdateHouseholdSql;
extern const std::string kUpdateHouseholdIndexedSql;
extern const std::string kUpdateMemberSql;
extern const std::string kDeleteMembersAfterSql;
extern const std::string kApplyDeltaSql;

// Row values: kNone, an absent date and empty text are NULL.
inline void PutOptional(sqlite::BatchInsert& row, int value) {
  if (value == kNone) {
    row.Null();
  } else {
    row.Int(value);
  }
}
inline void PutDate(sqlite::BatchInsert& row, const std::optional<Date>& date) {
  if (date) {
    row.Text(date->ToString());
  } else {
    row.Null();
  }
}
inline void PutOptionalText(sqlite::BatchInsert& row, std::string_view text) {
  if (text.empty()) {
    row.Null();
  } else {
    row.Text(text);
  }
}
// The same for a bound parameter.
inline void BindOptional(Statement& s, int index, int value) {
  if (value == kNone) {
    s.BindNull(index);
  } else {
    s.Bind(index, value);
  }
}
inline void BindDate(Statement& s, int index, const std::optional<Date>& date) {
  if (date) {
    s.Bind(index, date->ToString());
  } else {
    s.BindNull(index);
  }
}
inline void BindOptionalText(Statement& s, int index, std::string_view text) {
  if (text.empty()) {
    s.BindNull(index);
  } else {
    s.Bind(index, text);
  }
}
inline int OptionalInt(const Statement& s, int column) {
  return s.IsNull(column) ? kNone : static_cast<int>(s.Int(column));
}
inline std::optional<Date> OptionalDate(const Statement& s, int column) {
  if (s.IsNull(column)) return std::nullopt;
  auto date = Date::Parse(s.TextView(column));
  if (!date.ok()) return std::nullopt;
  return *date;
}

// Reads a households row (columns in kHouseholdColumns order) into `h`.
void ReadHousehold(const Statement& s, Household& h, int64_t* version);
// Reads a members row (columns in kMemberColumns order) into `m`.
void ReadMember(const Statement& s, Member& m);

class SqliteStore final : public Store {
 public:
  // Opening, migrations and transactions (sqlite_store.cc).
  explicit SqliteStore(Database db, StoreOptions options);
  ~SqliteStore() override;
  void SetAccounts(std::unique_ptr<SqliteAccountStore> accounts) {
    accounts_ = std::move(accounts);
  }
  Status Configure();
  Result<int> SchemaVersion();
  Result<int> Migrate() override;
  Status Begin() override;
  Status BeginAddingFindings(int64_t findings) override;
  Status Commit() override;
  void Rollback() override;
  bool in_transaction() const override { return in_transaction_; }
  AccountStore& accounts() override { return *accounts_; }
  CompareStore& compare() override { return *compare_; }
  CaseStore& cases() override { return *cases_; }
  CareStore& care() override { return *care_; }
  HelperStore& helpers() override { return *helpers_; }
  FundStore& funds() override { return *funds_; }
  ComplaintStore& complaints() override { return *complaints_; }  // 12317 complaints
  ProjectStore& projects() override { return *projects_; }        // project library
  LoanStore& loans() override { return *loans_; }                 // 扶贫小额信贷 microcredit
  Result<std::string> RegisterStamp() override;
  std::string file_path() const override { return db_.path(); }
  const StoreOptions& options() const override { return options_; }

  // Regions, county assessments and region aggregates (sqlite_regions.cc).
  Status UpsertRegions(const std::vector<RegionRow>& rows) override;
  Status SetRuralPopulation(RegionCode code, int64_t population) override;
  Result<std::optional<RegionRow>> GetRegion(RegionCode code) override;
  Result<int64_t> CountRegions() override { return ScalarInt("SELECT count(*) FROM regions"); }
  Result<std::vector<RegionCode>> Villages(RegionCode region) override;
  Result<std::vector<RegionRow>> Children(RegionCode region) override;
  Result<std::vector<RegionRow>> RegionsUnder(RegionCode region) override;
  Status PutCountyAssessment(RegionCode county, int year, const CountyAssessment& a) override;
  Result<std::optional<CountyAssessment>> GetCountyAssessment(RegionCode county, int year) override;
  Result<std::map<int64_t, int64_t>> AggregateUnder(RegionCode region,
                                                    const std::string& metric) override;
  Status ApplyAggregateDeltas(const AggregateDeltas& deltas) override;
  Result<std::map<std::string, int64_t>> Aggregates(RegionCode region) override;

  // Households, members, the person index, history and import batches
  // (sqlite_households.cc).
  Result<std::optional<StoredHousehold>> FindHousehold(const std::string& code) override;
  Result<std::optional<std::string>> FindPerson(int id_type, const std::string& id) override;
  Result<bool> HasPersons() override;
  Status LoadMembers(Household& h) override;
  Status ScanForAssessment(const std::function<Status(const Household&)>& fn) override;
  Status ScanForAssessment(const std::optional<HouseholdKey>& from,
                           const std::optional<HouseholdKey>& to,
                           const std::function<Status(const Household&)>& fn) override;
  Result<std::optional<HouseholdKey>> MiddleHousehold(int64_t at_least) override;
  Status InsertHousehold(const Household& h, int64_t version, const std::string& batch_id) override;
  Status UpdateHousehold(const StoredHousehold& stored, const Household& h, int64_t version,
                         const std::string& batch_id) override;
  Status RemovePersons(const Household& old, const Household& h) override;
  Status DeleteHousehold(RegionCode county, const std::string& code) override;
  Status AppendHistory(const std::vector<HistoryEntry>& entries) override;
  Result<std::vector<HistoryEntry>> History(const std::string& household_code) override;
  Status InsertImportBatch(const ImportBatchRow& b) override;

  // Reads over many households (sqlite_search.cc).
  Status ScanPersons(const std::function<void(const PersonRow&)>& fn) override;
  Status ForEachHousehold(RegionCode region,
                          const std::function<Status(const Household&)>& fn) override;
  Result<bool> AnyVillageGroup(RegionCode region) override;
  Status ScanHouseholds(RegionCode region, HouseholdPool pool,
                        const std::function<Status(Household&, int64_t)>& fn) override;
  Result<HouseholdPage> SearchHouseholds(const HouseholdQuery& q) override;
  Result<std::shared_ptr<const SearchView>> LoadSearchView() override;
  Result<HouseholdPage> ReadHouseholdPage(const std::vector<HouseholdKey>& keys) override;
  Result<std::vector<std::string>> HouseholdsOfIdNumber(const std::string& id_number) override;
  Result<std::vector<HouseholdKey>> AssignedHouseholdKeys(const std::string& username) override;

 private:
  // Fills the page's head_names and village_names (sqlite_search.cc).
  Status NameHeadsAndVillages(HouseholdPage& page);
  // The migration that drops users, sessions and audit_log from the register file.
  static constexpr size_t kAccountsMovedOut = 6;

  static constexpr std::string_view kHouseholdKey =
      "households.county_code, households.household_code";
  static constexpr std::string_view kPersonKey = "person_index.id_type, person_index.id_number";

  // Copies the rows of users, sessions and audit_log, when the register file still has
  // those tables, into the accounts file, in one transaction of that file. Rows already
  // there are kept (INSERT OR IGNORE), so running it again after a crash copies nothing
  // twice. The audit records moved keep their unkeyed hashes: they are marked legacy with
  // region 0, and their number is kept as meta 'legacy_records'.
  Status MoveAccountsOut();
  Result<int64_t> ScalarInt(const std::string& sql);
  // Prepares `sql` into `slot` on first use; nullptr (with last_error_ set) on failure.
  Statement* Cached(std::unique_ptr<Statement>& slot, const std::string& sql);
  // A transaction that begins on an empty register (the first import, a regions load)
  // goes through a rollback journal instead of the WAL. The WAL would hold every page of
  // a large load and then copy it into the database at the checkpoint, and looking pages
  // up in a WAL of gigabytes slows every read of the transaction; a rollback journal
  // holds only the few pages that existed before, and pages added at the end of the file
  // are written once. Readers are locked out while it commits, or while pages spill from
  // the cache, but an empty register has nothing to read. synchronous=FULL keeps the
  // rollback journal safe against a power cut (NORMAL would not, there); a crash or an
  // interruption leaves the register as it was, as with the WAL. When another
  // connection has the database open, the mode cannot change and the WAL is used. A large
  // batch of findings into a findings table holding fewer (BeginAddingFindings) goes the
  // same way: a connection that opens the database meanwhile waits for it (busy timeout).
  bool UseRollbackJournal();
  void UseWal();
  // A transaction that begins with no household and no person (the first import: the
  // bulk load of an empty register) and holds the database alone (the rollback journal
  // above) defers the secondary indexes of households and household_history: they are
  // dropped when it begins and created again, from the loaded rows, sorted, just before
  // it commits — with the same names and SQL, so the schema and every query plan after
  // the commit are as before. Creating an index from a sorted run of its keys costs a
  // fraction of inserting each key into its B-tree as the rows come (six B-trees per
  // household). Rows are read only by their primary key while the indexes are away
  // (nothing in such a transaction looks households up otherwise). A rollback or a crash
  // restores the indexes with the rest of the schema.
  Status DeferIndexes();
  Status RestoreIndexes();
  // Writes the rows waiting in batches; before anything reads the tables, and at commit.
  Status FlushWrites();
  void ClearWrites();

  static RegionRow ReadRegion(const Statement& s);

  // Whether a prepared statement with bound keys finds a row (and resets it).
  static Result<bool> Exists(Statement& s);
  // E_CONFLICT when the household's key is taken: by a row of this transaction (their
  // fingerprints tell which keys may be) or by one that was there before.
  Status CheckNewHousehold(int64_t county, const std::string& code, uint64_t fingerprint);
  // The same for the person_index key of members[i] (the earlier members of the household
  // are not written yet).
  Status CheckNewPerson(const std::vector<Member>& members, size_t i, uint64_t fingerprint);
  // Whether `members` has a member with the ID number of `x`.
  static bool HasId(const std::vector<Member>& members, const Member& x);
  // A members row into the batch.
  Status AddMemberRow(int64_t county, const std::string& code, int seq, const Member& x);
  Status FlushPersons();

  Database db_;
  StoreOptions options_;
  std::unique_ptr<SqliteAccountStore> accounts_;  // its own file; destroyed first
  std::unique_ptr<CompareStore> compare_;         // on db_; destroyed first
  std::unique_ptr<CaseStore> cases_;              // on db_; destroyed first
  std::unique_ptr<CareStore> care_;               // on db_; destroyed first
  std::unique_ptr<HelperStore> helpers_;          // on db_; destroyed first
  std::unique_ptr<FundStore> funds_;              // on db_; destroyed first
  std::unique_ptr<ComplaintStore> complaints_;    // 12317 complaints; on db_; destroyed first
  std::unique_ptr<ProjectStore> projects_;        // project library; on db_; destroyed first
  std::unique_ptr<LoanStore> loans_;  // 扶贫小额信贷 microcredit; on db_; destroyed first
  bool in_transaction_ = false;
  bool register_changed_ = false;  // households written in this transaction
  Error last_error_;
  std::unique_ptr<Statement> upsert_region_, set_population_, get_region_, find_household_,
      find_members_, find_person_, household_exists_, person_exists_, member_ids_, delete_person_,
      delete_members_, delete_household_, apply_delta_, aggregates_, update_household_,
      update_household_indexed_, update_member_, delete_members_after_;
  std::vector<std::pair<int, std::string>> deleted_ids_;  // DeleteHousehold's

  // Writes of the transaction that have not reached the tables yet.
  sqlite::BatchInsert households_rows_{"households", kHouseholdColumns, kHouseholdColumnCount};
  sqlite::BatchInsert members_rows_{"members", kMemberColumns, kMemberColumnCount};
  sqlite::BatchInsert history_rows_{
      "household_history",
      "county_code, household_code, at, actor, source, field, old_value, new_value", 8};
  sqlite::BatchInsert person_rows_{"person_index",
                                   "id_type, id_number, county_code, household_code", 4};
  PendingPersons persons_;
  // Fingerprints of the keys written in the transaction, and whether the tables were empty
  // when it began (then no other key can clash).
  FingerprintSet household_keys_, person_keys_;
  struct PersonKey {
    std::optional<uint64_t> packed;
    uint64_t fingerprint;
  };
  std::vector<PersonKey> person_keys_in_;  // InsertHousehold's, for each member
  bool households_were_empty_ = false, persons_were_empty_ = false;
  bool findings_batch_ = false;                // Begin through BeginAddingFindings, large
  bool rollback_journal_ = false;              // this transaction's (see UseRollbackJournal)
  std::vector<std::string> deferred_indexes_;  // their CREATE INDEX statements (DeferIndexes)
};

}  // namespace fupin::sqlite
