#include "storage/sqlite/funds/sqlite_funds.h"

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

// The depth of a region in fund_sums and fund_daily (kMigrationFundSums): its level.
int64_t Depth(RegionCode region) { return static_cast<int64_t>(region.level()); }

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
    // The subtree sums kept by the triggers of kMigrationFundSums: the region's rows in
    // fund_sums and its days in fund_daily, never the ledger's lines.
    auto s = db_.Prepare(
        "SELECT (SELECT coalesce(sum(funds_fen), 0) FROM fund_sums "
        "    WHERE year = ?1 AND depth = ?2 AND region_code = ?3), "
        "  (SELECT coalesce(sum(allocated_fen), 0) FROM fund_sums "
        "    WHERE year = ?1 AND depth = ?2 AND region_code = ?3), "
        "  (SELECT coalesce(sum(disbursed_fen), 0) FROM fund_daily "
        "    WHERE year = ?1 AND depth = ?2 AND region_code = ?3 AND date <= ?4)");
    if (!s.ok()) return s.error();
    s->Bind(1, int64_t{year}).Bind(2, Depth(region)).Bind(3, region.value()).Bind(4, as_of);
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

  // The region's own rows (depth, code) and its children's (depth + 1, code range), as two
  // searches of the primary key (an OR of the two would scan the whole year).
  static std::string RegionAndChildren(const std::string& select, const std::string& more) {
    return select + " WHERE year = ?1 AND depth = ?2 AND region_code = ?3" + more + " UNION ALL " +
           select +
           " WHERE year = ?1 AND depth = ?2 + 1 AND region_code >= ?4 AND region_code < ?5" + more;
  }

  Result<std::vector<FundSumRow>> SumsByRegion(RegionCode region, int year) override {
    auto s = db_.Prepare(
        RegionAndChildren("SELECT region_code, level, kind, funds_fen, allocated_fen FROM "
                          "fund_sums",
                          "") +
        " ORDER BY 1, 2, 3");
    if (!s.ok()) return s.error();
    s->Bind(1, int64_t{year}).Bind(2, Depth(region)).Bind(3, region.value());
    s->Bind(4, region.subtree_lo()).Bind(5, region.subtree_hi());
    std::vector<FundSumRow> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) {
      out.push_back({st.Int(0), static_cast<int>(st.Int(1)), st.Text(2), st.Int(3), st.Int(4)});
    }));
    return out;
  }

  Result<std::vector<std::pair<int64_t, int64_t>>> DisbursedByRegion(
      RegionCode region, int year, const std::string& as_of) override {
    auto s = db_.Prepare(RegionAndChildren("SELECT region_code, sum(disbursed_fen) FROM fund_daily",
                                           " AND date <= ?6 GROUP BY region_code"));
    if (!s.ok()) return s.error();
    s->Bind(1, int64_t{year}).Bind(2, Depth(region)).Bind(3, region.value());
    s->Bind(4, region.subtree_lo()).Bind(5, region.subtree_hi()).Bind(6, as_of);
    std::vector<std::pair<int64_t, int64_t>> out;
    FUPIN_RETURN_IF_ERROR(
        s->ForEachRow([&](Statement& st) { out.emplace_back(st.Int(0), st.Int(1)); }));
    return out;
  }

  Result<std::vector<FundLine>> FundLines(RegionCode region, int year, const std::string& as_of,
                                          int64_t limit) override {
    auto s = db_.Prepare(
        "SELECT " + std::string(kFundColumns) +
        ", (SELECT coalesce(sum(a.amount_fen), 0) FROM fund_allocations a WHERE a.fund_id = "
        "funds.id), (SELECT coalesce(sum(d.amount_fen), 0) FROM fund_allocations a JOIN "
        "fund_disbursements d ON d.allocation_id = a.id WHERE a.fund_id = funds.id AND d.date "
        "<= ?4) FROM funds WHERE year = ?1 AND region_code >= ?2 AND region_code < ?3 "
        "ORDER BY region_code, id LIMIT ?5");
    if (!s.ok()) return s.error();
    s->Bind(1, int64_t{year}).Bind(2, region.subtree_lo()).Bind(3, region.subtree_hi());
    s->Bind(4, as_of).Bind(5, limit);
    std::vector<FundLine> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) {
      out.push_back({ReadFund(st), st.Int(9), st.Int(10)});
    }));
    return out;
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
