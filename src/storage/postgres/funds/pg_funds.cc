#include "storage/postgres/funds/pg_funds.h"

#include <string>
#include <utility>
#include <vector>

#include "storage/postgres/pg_statements.h"

namespace fupin {
namespace {

using pg::Params;
using pg::Rows;

// Sums of bigint are numeric in PostgreSQL: each is cast back to bigint. Text is ordered
// COLLATE "C", as SQLite's BINARY, whatever the database's locale.
const std::string kFundColumns =
    "id, level, kind, year, region_code, amount_fen, name, created_by, created_at";
const std::string kAllocationColumns =
    "id, fund_id, county_code, household_code, project_id, region_code, amount_fen, created_by, "
    "created_at";
const std::string kDisbursementColumns =
    "d.id, d.allocation_id, d.amount_fen, d.date, d.voucher, d.created_by, d.created_at";

const std::string kInsertFund =
    "INSERT INTO funds(level, kind, year, region_code, amount_fen, name, created_by, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
const std::string kInsertAllocation =
    "INSERT INTO fund_allocations(fund_id, county_code, household_code, project_id, region_code, "
    "amount_fen, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
const std::string kInsertDisbursement =
    "INSERT INTO fund_disbursements(allocation_id, amount_fen, date, voucher, created_by, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
const std::string kGetFund = "SELECT " + kFundColumns + " FROM funds WHERE id = $1";
const std::string kGetAllocation =
    "SELECT " + kAllocationColumns + " FROM fund_allocations WHERE id = $1";
// The row locks of a check-then-insert (pg_funds.h): NO KEY UPDATE, so that inserting lines
// that refer to the row (a foreign key's KEY SHARE) is not held up, only a second check.
const std::string kLockFund = "SELECT id FROM funds WHERE id = $1 FOR NO KEY UPDATE";
const std::string kLockAllocation =
    "SELECT id FROM fund_allocations WHERE id = $1 FOR NO KEY UPDATE";
const std::string kAllocatedFromFund =
    "SELECT coalesce(sum(amount_fen), 0)::bigint FROM fund_allocations WHERE fund_id = $1";
const std::string kDisbursedFromAllocation =
    "SELECT coalesce(sum(amount_fen), 0)::bigint FROM fund_disbursements WHERE allocation_id = $1";
const std::string kDisbursedFromFund =
    "SELECT coalesce(sum(d.amount_fen), 0)::bigint FROM fund_disbursements d "
    "JOIN fund_allocations a ON a.id = d.allocation_id WHERE a.fund_id = $1";
const std::string kFunds = "SELECT " + kFundColumns +
                           " FROM funds WHERE region_code >= $1 AND region_code < $2 ORDER BY id";
const std::string kFundsOfYear = "SELECT " + kFundColumns +
                                 " FROM funds WHERE region_code >= $1 AND region_code < $2 "
                                 "AND year = $3 ORDER BY id";
const std::string kAllocations = "SELECT " + kAllocationColumns +
                                 " FROM fund_allocations WHERE region_code >= $1 AND "
                                 "region_code < $2 ORDER BY id";
const std::string kAllocationsOfFund = "SELECT " + kAllocationColumns +
                                       " FROM fund_allocations WHERE region_code >= $1 AND "
                                       "region_code < $2 AND fund_id = $3 ORDER BY id";
const std::string kDisbursements =
    "SELECT " + kDisbursementColumns +
    " FROM fund_disbursements d JOIN fund_allocations a ON a.id = d.allocation_id "
    "WHERE a.region_code >= $1 AND a.region_code < $2 ORDER BY d.date COLLATE \"C\", d.id";
const std::string kDisbursementsOfAllocation =
    "SELECT " + kDisbursementColumns +
    " FROM fund_disbursements d JOIN fund_allocations a ON a.id = d.allocation_id "
    "WHERE a.region_code >= $1 AND a.region_code < $2 AND d.allocation_id = $3 "
    "ORDER BY d.date COLLATE \"C\", d.id";
// The subtree sums kept by the triggers (kMigrationFundSums): the region's rows in fund_sums
// and its days in fund_daily, never the ledger's lines.
const std::string kTotals =
    "SELECT (SELECT coalesce(sum(funds_fen), 0)::bigint FROM fund_sums "
    "    WHERE year = $1 AND depth = $2 AND region_code = $3), "
    "  (SELECT coalesce(sum(allocated_fen), 0)::bigint FROM fund_sums "
    "    WHERE year = $1 AND depth = $2 AND region_code = $3), "
    "  (SELECT coalesce(sum(disbursed_fen), 0)::bigint FROM fund_daily "
    "    WHERE year = $1 AND depth = $2 AND region_code = $3 AND date <= $4)";
// The region's own rows (depth, code) and its children's (depth + 1, code range), as two
// searches of the primary key, in region order (the region's code is below its children's).
const std::string kSumsByRegion =
    "SELECT * FROM (SELECT region_code, level, kind, funds_fen, allocated_fen FROM fund_sums "
    "  WHERE year = $1 AND depth = $2 AND region_code = $3 "
    "UNION ALL SELECT region_code, level, kind, funds_fen, allocated_fen FROM fund_sums "
    "  WHERE year = $1 AND depth = $2 + 1 AND region_code >= $4 AND region_code < $5) s "
    "ORDER BY region_code, level, kind COLLATE \"C\"";
const std::string kDisbursedByRegion =
    "SELECT * FROM (SELECT region_code, sum(disbursed_fen)::bigint FROM fund_daily "
    "  WHERE year = $1 AND depth = $2 AND region_code = $3 AND date <= $6 GROUP BY region_code "
    "UNION ALL SELECT region_code, sum(disbursed_fen)::bigint FROM fund_daily "
    "  WHERE year = $1 AND depth = $2 + 1 AND region_code >= $4 AND region_code < $5 "
    "  AND date <= $6 GROUP BY region_code) s ORDER BY 1";
const std::string kFundLines =
    "SELECT " + kFundColumns +
    ", (SELECT coalesce(sum(a.amount_fen), 0)::bigint FROM fund_allocations a "
    "   WHERE a.fund_id = funds.id), "
    "  (SELECT coalesce(sum(d.amount_fen), 0)::bigint FROM fund_allocations a "
    "   JOIN fund_disbursements d ON d.allocation_id = a.id "
    "   WHERE a.fund_id = funds.id AND d.date <= $4) "
    "FROM funds WHERE year = $1 AND region_code >= $2 AND region_code < $3 "
    "ORDER BY region_code, id LIMIT $5";

FundRow ReadFund(const Rows& r, int i) {
  FundRow f;
  f.id = r.Int(i, 0);
  f.level = static_cast<int>(r.Int(i, 1));
  f.kind = r.Text(i, 2);
  f.year = static_cast<int>(r.Int(i, 3));
  f.region_code = r.Int(i, 4);
  f.amount_fen = r.Int(i, 5);
  f.name = r.Text(i, 6);
  f.created_by = r.Text(i, 7);
  f.created_at = r.Text(i, 8);
  return f;
}

AllocationRow ReadAllocation(const Rows& r, int i) {
  AllocationRow a;
  a.id = r.Int(i, 0);
  a.fund_id = r.Int(i, 1);
  if (!r.IsNull(i, 2)) a.county_code = r.Int(i, 2);
  if (!r.IsNull(i, 3)) a.household_code = r.Text(i, 3);
  if (!r.IsNull(i, 4)) a.project_id = r.Int(i, 4);
  a.region_code = r.Int(i, 5);
  a.amount_fen = r.Int(i, 6);
  a.created_by = r.Text(i, 7);
  a.created_at = r.Text(i, 8);
  return a;
}

DisbursementRow ReadDisbursement(const Rows& r, int i) {
  DisbursementRow d;
  d.id = r.Int(i, 0);
  d.allocation_id = r.Int(i, 1);
  d.amount_fen = r.Int(i, 2);
  d.date = r.Text(i, 3);
  d.voucher = r.Text(i, 4);
  d.created_by = r.Text(i, 5);
  d.created_at = r.Text(i, 6);
  return d;
}

// The depth of a region in fund_sums and fund_daily (kMigrationFundSums): its level.
int64_t Depth(RegionCode region) { return static_cast<int64_t>(region.level()); }

class PgFundStore final : public FundStore {
 public:
  explicit PgFundStore(pg::Connection& db) : db_(db) {}

  Status InsertFund(FundRow& r) override {
    Params p;
    p.Int(r.level).Text(r.kind).Int(r.year).Int(r.region_code).Int(r.amount_fen).Text(r.name);
    p.Text(r.created_by).Text(r.created_at);
    return db_.InsertReturningId(kInsertFund, p, &r.id);
  }

  Status InsertAllocation(AllocationRow& r) override {
    Params p;
    p.Int(r.fund_id);
    if (r.project_id) {
      p.Null().Null().Int(*r.project_id);
    } else {
      p.Int(r.county_code).Text(r.household_code).Null();
    }
    p.Int(r.region_code).Int(r.amount_fen).Text(r.created_by).Text(r.created_at);
    return db_.InsertReturningId(kInsertAllocation, p, &r.id);
  }

  Status InsertDisbursement(DisbursementRow& r) override {
    Params p;
    p.Int(r.allocation_id).Int(r.amount_fen).Text(r.date).Text(r.voucher).Text(r.created_by);
    p.Text(r.created_at);
    return db_.InsertReturningId(kInsertDisbursement, p, &r.id);
  }

  Result<std::optional<FundRow>> GetFund(int64_t id) override {
    auto rows = db_.Query(kGetFund, Params().Int(id));
    if (!rows.ok()) return rows.error();
    std::optional<FundRow> out;
    if (rows->size() > 0) out = ReadFund(*rows, 0);
    return out;
  }

  Result<std::optional<AllocationRow>> GetAllocation(int64_t id) override {
    auto rows = db_.Query(kGetAllocation, Params().Int(id));
    if (!rows.ok()) return rows.error();
    std::optional<AllocationRow> out;
    if (rows->size() > 0) out = ReadAllocation(*rows, 0);
    return out;
  }

  Result<int64_t> AllocatedFromFund(int64_t fund_id) override {
    FUPIN_RETURN_IF_ERROR(LockInTransaction(kLockFund, fund_id));
    return Sum(kAllocatedFromFund, fund_id);
  }

  Result<int64_t> DisbursedFromAllocation(int64_t allocation_id) override {
    FUPIN_RETURN_IF_ERROR(LockInTransaction(kLockAllocation, allocation_id));
    return Sum(kDisbursedFromAllocation, allocation_id);
  }

  Result<int64_t> DisbursedFromFund(int64_t fund_id) override {
    return Sum(kDisbursedFromFund, fund_id);
  }

  Result<std::vector<FundRow>> Funds(RegionCode region, std::optional<int> year) override {
    Params p;
    p.Int(region.subtree_lo()).Int(region.subtree_hi());
    if (year) p.Int(*year);
    auto rows = db_.Query(year ? kFundsOfYear : kFunds, p);
    if (!rows.ok()) return rows.error();
    std::vector<FundRow> out;
    out.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) out.push_back(ReadFund(*rows, i));
    return out;
  }

  Result<std::vector<AllocationRow>> Allocations(RegionCode region,
                                                 std::optional<int64_t> fund_id) override {
    Params p;
    p.Int(region.subtree_lo()).Int(region.subtree_hi());
    if (fund_id) p.Int(*fund_id);
    auto rows = db_.Query(fund_id ? kAllocationsOfFund : kAllocations, p);
    if (!rows.ok()) return rows.error();
    std::vector<AllocationRow> out;
    out.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) out.push_back(ReadAllocation(*rows, i));
    return out;
  }

  Result<std::vector<DisbursementRow>> Disbursements(
      RegionCode region, std::optional<int64_t> allocation_id) override {
    Params p;
    p.Int(region.subtree_lo()).Int(region.subtree_hi());
    if (allocation_id) p.Int(*allocation_id);
    auto rows = db_.Query(allocation_id ? kDisbursementsOfAllocation : kDisbursements, p);
    if (!rows.ok()) return rows.error();
    std::vector<DisbursementRow> out;
    out.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) out.push_back(ReadDisbursement(*rows, i));
    return out;
  }

  Result<FundTotals> Totals(RegionCode region, int year, const std::string& as_of) override {
    auto rows =
        db_.Query(kTotals, Params().Int(year).Int(Depth(region)).Int(region.value()).Text(as_of));
    if (!rows.ok()) return rows.error();
    FundTotals t;
    if (rows->size() > 0) {
      t.funds_fen = rows->Int(0, 0);
      t.allocated_fen = rows->Int(0, 1);
      t.disbursed_fen = rows->Int(0, 2);
    }
    return t;
  }

  Result<std::vector<FundSumRow>> SumsByRegion(RegionCode region, int year) override {
    Params p;
    p.Int(year).Int(Depth(region)).Int(region.value()).Int(region.subtree_lo());
    p.Int(region.subtree_hi());
    auto rows = db_.Query(kSumsByRegion, p);
    if (!rows.ok()) return rows.error();
    std::vector<FundSumRow> out;
    out.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) {
      out.push_back({rows->Int(i, 0), static_cast<int>(rows->Int(i, 1)), rows->Text(i, 2),
                     rows->Int(i, 3), rows->Int(i, 4)});
    }
    return out;
  }

  Result<std::vector<std::pair<int64_t, int64_t>>> DisbursedByRegion(
      RegionCode region, int year, const std::string& as_of) override {
    Params p;
    p.Int(year).Int(Depth(region)).Int(region.value()).Int(region.subtree_lo());
    p.Int(region.subtree_hi()).Text(as_of);
    auto rows = db_.Query(kDisbursedByRegion, p);
    if (!rows.ok()) return rows.error();
    std::vector<std::pair<int64_t, int64_t>> out;
    out.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) out.emplace_back(rows->Int(i, 0), rows->Int(i, 1));
    return out;
  }

  Result<std::vector<FundLine>> FundLines(RegionCode region, int year, const std::string& as_of,
                                          int64_t limit) override {
    Params p;
    p.Int(year).Int(region.subtree_lo()).Int(region.subtree_hi()).Text(as_of);
    pg::Limit(p, limit);
    auto rows = db_.Query(kFundLines, p);
    if (!rows.ok()) return rows.error();
    std::vector<FundLine> out;
    out.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) {
      out.push_back({ReadFund(*rows, i), rows->Int(i, 9), rows->Int(i, 10)});
    }
    return out;
  }

 private:
  // In a transaction, locks the row `id` with `sql` until it ends (pg_funds.h); outside one
  // a lock would end with its statement, and nothing is taken.
  Status LockInTransaction(const std::string& sql, int64_t id) {
    if (!db_.db().in_transaction()) return Status::Ok();
    auto locked = db_.Run(sql, Params().Int(id));
    if (!locked.ok()) return locked.error();
    return Status::Ok();
  }

  Result<int64_t> Sum(const std::string& sql, int64_t id) {
    return db_.QueryInt(sql, Params().Int(id));
  }

  pg::StatementCache db_;
};

}  // namespace

std::unique_ptr<FundStore> NewPgFundStore(pg::Connection& db) {
  return std::make_unique<PgFundStore>(db);
}

}  // namespace fupin
