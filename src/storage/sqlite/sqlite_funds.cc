#include "storage/sqlite/sqlite_funds.h"

#include <sqlite3.h>

#include <string_view>
#include <utility>
#include <vector>

namespace fupin {
namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kFundColumns =
    "id, level, kind, year, region_code, amount_fen, name, created_by, created_at";
constexpr std::string_view kAllocationColumns =
    "id, fund_id, county_code, household_code, project_id, region_code, amount_fen, created_by, "
    "created_at";
constexpr std::string_view kDisbursementColumns =
    "d.id, d.allocation_id, d.amount_fen, d.date, d.voucher, d.created_by, d.created_at";

FundRow ReadFund(const Statement& s) {
  FundRow r;
  r.id = s.Int(0);
  r.level = static_cast<int>(s.Int(1));
  r.kind = s.Text(2);
  r.year = static_cast<int>(s.Int(3));
  r.region_code = s.Int(4);
  r.amount_fen = s.Int(5);
  r.name = s.Text(6);
  r.created_by = s.Text(7);
  r.created_at = s.Text(8);
  return r;
}

AllocationRow ReadAllocation(const Statement& s) {
  AllocationRow r;
  r.id = s.Int(0);
  r.fund_id = s.Int(1);
  if (!s.IsNull(2)) r.county_code = s.Int(2);
  if (!s.IsNull(3)) r.household_code = s.Text(3);
  if (!s.IsNull(4)) r.project_id = s.Int(4);
  r.region_code = s.Int(5);
  r.amount_fen = s.Int(6);
  r.created_by = s.Text(7);
  r.created_at = s.Text(8);
  return r;
}

DisbursementRow ReadDisbursement(const Statement& s) {
  DisbursementRow r;
  r.id = s.Int(0);
  r.allocation_id = s.Int(1);
  r.amount_fen = s.Int(2);
  r.date = s.Text(3);
  r.voucher = s.Text(4);
  r.created_by = s.Text(5);
  r.created_at = s.Text(6);
  return r;
}

class SqliteFundStore final : public FundStore {
 public:
  explicit SqliteFundStore(Database& db) : db_(db) {}

  Status InsertFund(FundRow& r) override {
    auto s = db_.Prepare(
        "INSERT INTO funds(level, kind, year, region_code, amount_fen, name, created_by, "
        "created_at) VALUES (?,?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    s->Bind(1, int64_t{r.level}).Bind(2, r.kind).Bind(3, int64_t{r.year}).Bind(4, r.region_code);
    s->Bind(5, r.amount_fen).Bind(6, r.name).Bind(7, r.created_by).Bind(8, r.created_at);
    FUPIN_RETURN_IF_ERROR(s->Run());
    r.id = sqlite3_last_insert_rowid(db_.handle());
    return Status::Ok();
  }

  Status InsertAllocation(AllocationRow& r) override {
    auto s = db_.Prepare(
        "INSERT INTO fund_allocations(fund_id, county_code, household_code, project_id, "
        "region_code, amount_fen, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    s->Bind(1, r.fund_id);
    if (r.project_id) {
      s->BindNull(2).BindNull(3).Bind(4, *r.project_id);
    } else {
      s->Bind(2, r.county_code).Bind(3, r.household_code).BindNull(4);
    }
    s->Bind(5, r.region_code).Bind(6, r.amount_fen).Bind(7, r.created_by).Bind(8, r.created_at);
    FUPIN_RETURN_IF_ERROR(s->Run());
    r.id = sqlite3_last_insert_rowid(db_.handle());
    return Status::Ok();
  }

  Status InsertDisbursement(DisbursementRow& r) override {
    auto s = db_.Prepare(
        "INSERT INTO fund_disbursements(allocation_id, amount_fen, date, voucher, created_by, "
        "created_at) VALUES (?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    s->Bind(1, r.allocation_id).Bind(2, r.amount_fen).Bind(3, r.date).Bind(4, r.voucher);
    s->Bind(5, r.created_by).Bind(6, r.created_at);
    FUPIN_RETURN_IF_ERROR(s->Run());
    r.id = sqlite3_last_insert_rowid(db_.handle());
    return Status::Ok();
  }

  Result<std::optional<FundRow>> GetFund(int64_t id) override {
    auto s = db_.Prepare("SELECT " + std::string(kFundColumns) + " FROM funds WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<FundRow> out;
    if (*row) out = ReadFund(*s);
    return out;
  }

  Result<std::optional<AllocationRow>> GetAllocation(int64_t id) override {
    auto s = db_.Prepare("SELECT " + std::string(kAllocationColumns) +
                         " FROM fund_allocations WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<AllocationRow> out;
    if (*row) out = ReadAllocation(*s);
    return out;
  }

  Result<int64_t> AllocatedFromFund(int64_t fund_id) override {
    return Sum("SELECT coalesce(sum(amount_fen), 0) FROM fund_allocations WHERE fund_id = ?",
               fund_id);
  }

  Result<int64_t> DisbursedFromAllocation(int64_t allocation_id) override {
    return Sum(
        "SELECT coalesce(sum(amount_fen), 0) FROM fund_disbursements WHERE allocation_id = ?",
        allocation_id);
  }

  Result<int64_t> DisbursedFromFund(int64_t fund_id) override {
    return Sum(
        "SELECT coalesce(sum(d.amount_fen), 0) FROM fund_disbursements d JOIN fund_allocations a "
        "ON a.id = d.allocation_id WHERE a.fund_id = ?",
        fund_id);
  }

  Result<std::vector<FundRow>> Funds(RegionCode region, std::optional<int> year) override {
    std::string sql = "SELECT " + std::string(kFundColumns) +
                      " FROM funds WHERE region_code >= ?1 AND region_code < ?2";
    if (year) sql += " AND year = ?3";
    auto s = db_.Prepare(sql + " ORDER BY id");
    if (!s.ok()) return s.error();
    s->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi());
    if (year) s->Bind(3, int64_t{*year});
    std::vector<FundRow> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) { out.push_back(ReadFund(st)); }));
    return out;
  }

  Result<std::vector<AllocationRow>> Allocations(RegionCode region,
                                                 std::optional<int64_t> fund_id) override {
    std::string sql = "SELECT " + std::string(kAllocationColumns) +
                      " FROM fund_allocations WHERE region_code >= ?1 AND region_code < ?2";
    if (fund_id) sql += " AND fund_id = ?3";
    auto s = db_.Prepare(sql + " ORDER BY id");
    if (!s.ok()) return s.error();
    s->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi());
    if (fund_id) s->Bind(3, *fund_id);
    std::vector<AllocationRow> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) { out.push_back(ReadAllocation(st)); }));
    return out;
  }

  Result<std::vector<DisbursementRow>> Disbursements(
      RegionCode region, std::optional<int64_t> allocation_id) override {
    std::string sql = "SELECT " + std::string(kDisbursementColumns) +
                      " FROM fund_disbursements d JOIN fund_allocations a ON a.id = "
                      "d.allocation_id WHERE a.region_code >= ?1 AND a.region_code < ?2";
    if (allocation_id) sql += " AND d.allocation_id = ?3";
    auto s = db_.Prepare(sql + " ORDER BY d.date, d.id");
    if (!s.ok()) return s.error();
    s->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi());
    if (allocation_id) s->Bind(3, *allocation_id);
    std::vector<DisbursementRow> out;
    FUPIN_RETURN_IF_ERROR(
        s->ForEachRow([&](Statement& st) { out.push_back(ReadDisbursement(st)); }));
    return out;
  }

  Result<FundTotals> Totals(RegionCode region, int year, const std::string& as_of) override {
    // The funds by (year, region_code) (index funds_year_region), their allocations by
    // fund (fund_allocations_fund), their disbursements by allocation and date
    // (fund_disbursements_allocation).
    auto s = db_.Prepare(
        "WITH f AS (SELECT id, amount_fen FROM funds "
        "  WHERE year = ?1 AND region_code >= ?2 AND region_code < ?3), "
        "a AS (SELECT a.id, a.amount_fen FROM fund_allocations a JOIN f ON a.fund_id = f.id) "
        "SELECT (SELECT coalesce(sum(amount_fen), 0) FROM f), "
        "  (SELECT coalesce(sum(amount_fen), 0) FROM a), "
        "  (SELECT coalesce(sum(d.amount_fen), 0) FROM fund_disbursements d JOIN a "
        "     ON d.allocation_id = a.id WHERE d.date <= ?4)");
    if (!s.ok()) return s.error();
    s->Bind(1, int64_t{year}).Bind(2, region.subtree_lo()).Bind(3, region.subtree_hi());
    s->Bind(4, as_of);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    FundTotals t;
    if (*row) {
      t.funds_fen = s->Int(0);
      t.allocated_fen = s->Int(1);
      t.disbursed_fen = s->Int(2);
    }
    return t;
  }

 private:
  Result<int64_t> Sum(const char* sql, int64_t id) {
    auto s = db_.Prepare(sql);
    if (!s.ok()) return s.error();
    s->Bind(1, id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    return *row ? s->Int(0) : int64_t{0};
  }

  Database& db_;
};

}  // namespace

std::unique_ptr<FundStore> NewSqliteFundStore(sqlite::Database& db) {
  return std::make_unique<SqliteFundStore>(db);
}

}  // namespace fupin
