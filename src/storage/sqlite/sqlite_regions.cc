// Regions (the code tree and rural populations), county assessments and the region
// aggregates.
#include <sqlite3.h>

#include <cassert>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/sqlite/sqlite_store_impl.h"

namespace fupin::sqlite {

Status SqliteStore::UpsertRegions(const std::vector<RegionRow>& rows) {
  assert(in_transaction_);
  auto* s = Cached(upsert_region_,
                   "INSERT INTO regions(code, name, level, parent, rural_population) "
                   "VALUES (?,?,?,?,?) ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
                   "rural_population = COALESCE(excluded.rural_population, rural_population)");
  if (!s) return last_error_;
  for (const auto& r : rows) {
    s->Bind(1, r.code.value()).Bind(2, r.name).Bind(3, static_cast<int>(r.code.level()));
    s->Bind(4, r.code.parent().value());
    if (r.rural_population) {
      s->Bind(5, *r.rural_population);
    } else {
      s->BindNull(5);
    }
    FUPIN_RETURN_IF_ERROR(s->Run());
  }
  return Status::Ok();
}

Status SqliteStore::SetRuralPopulation(RegionCode code, int64_t population) {
  auto* s = Cached(set_population_, "UPDATE regions SET rural_population = ? WHERE code = ?");
  if (!s) return last_error_;
  s->Bind(1, population).Bind(2, code.value());
  FUPIN_RETURN_IF_ERROR(s->Run());
  if (sqlite3_changes(db_.handle()) == 0) {
    return Error{"E_REGION", "区划代码不存在：" + code.ToString(),
                 "unknown region code: " + code.ToString()};
  }
  return Status::Ok();
}

Result<std::optional<RegionRow>> SqliteStore::GetRegion(RegionCode code) {
  auto* s = Cached(get_region_, "SELECT code, name, rural_population FROM regions WHERE code = ?");
  if (!s) return last_error_;
  s->Bind(1, code.value());
  auto row = s->Step();
  if (!row.ok()) return row.error();
  std::optional<RegionRow> out;
  if (*row) out = ReadRegion(*s);
  s->Reset();
  return out;
}

Result<std::vector<RegionCode>> SqliteStore::Villages(RegionCode region) {
  auto stmt = db_.Prepare(
      "SELECT code FROM regions WHERE code >= ? AND code < ? AND level = 5 "
      "ORDER BY code");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi());
  std::vector<RegionCode> out;
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(RegionCode::FromInt(stmt->Int(0)));
  }
  return out;
}

Result<std::vector<RegionRow>> SqliteStore::Children(RegionCode region) {
  auto stmt = db_.Prepare(
      "SELECT code, name, rural_population FROM regions WHERE parent = ? AND code != 0 "
      "ORDER BY code");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, region.value());
  std::vector<RegionRow> out;
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(ReadRegion(*stmt));
  }
  return out;
}

Result<std::vector<RegionRow>> SqliteStore::RegionsUnder(RegionCode region) {
  auto stmt = db_.Prepare(
      "SELECT code, name, rural_population FROM regions WHERE code >= ? AND code < ? "
      "ORDER BY code");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi());
  std::vector<RegionRow> out;
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(ReadRegion(*stmt));
  }
  return out;
}

RegionRow SqliteStore::ReadRegion(const Statement& s) {
  RegionRow r{RegionCode::FromInt(s.Int(0)), s.Text(1), std::nullopt};
  if (!s.IsNull(2)) r.rural_population = s.Int(2);
  return r;
}

Status SqliteStore::PutCountyAssessment(RegionCode county, int year, const CountyAssessment& a) {
  assert(in_transaction_);
  auto stmt = db_.Prepare(
      "INSERT INTO county_assessments(county_code, year, wrong_exit_rate, missed_rate, "
      "satisfaction) VALUES (?,?,?,?,?) ON CONFLICT(county_code, year) DO UPDATE SET "
      "wrong_exit_rate = excluded.wrong_exit_rate, missed_rate = excluded.missed_rate, "
      "satisfaction = excluded.satisfaction");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, county.value()).Bind(2, year).Bind(3, a.wrong_exit_rate.micros);
  stmt->Bind(4, a.missed_rate.micros).Bind(5, a.satisfaction.micros);
  return stmt->Run();
}

Result<std::optional<CountyAssessment>> SqliteStore::GetCountyAssessment(RegionCode county,
                                                                         int year) {
  auto stmt = db_.Prepare(
      "SELECT wrong_exit_rate, missed_rate, satisfaction FROM county_assessments "
      "WHERE county_code = ? AND year = ?");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, county.value()).Bind(2, year);
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  std::optional<CountyAssessment> out;
  if (*row) out = CountyAssessment{Ratio{stmt->Int(0)}, Ratio{stmt->Int(1)}, Ratio{stmt->Int(2)}};
  return out;
}

Result<std::map<int64_t, int64_t>> SqliteStore::AggregateUnder(RegionCode region,
                                                               const std::string& metric) {
  auto stmt = db_.Prepare(
      "SELECT region_code, value FROM region_aggregates WHERE region_code >= ? AND "
      "region_code < ? AND metric = ?");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi()).Bind(3, metric);
  std::map<int64_t, int64_t> out;
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out[stmt->Int(0)] = stmt->Int(1);
  }
  return out;
}

Status SqliteStore::ApplyAggregateDeltas(const AggregateDeltas& deltas) {
  assert(in_transaction_);
  auto* s = Cached(apply_delta_, sqlite::kApplyDeltaSql);
  if (!s) return last_error_;
  for (const auto& [key, delta] : deltas) {
    if (delta == 0) continue;
    s->Bind(1, key.first).Bind(2, key.second).Bind(3, delta);
    FUPIN_RETURN_IF_ERROR(s->Run());
    register_changed_ = true;  // RegisterStamp covers the aggregates (cached summaries)
  }
  return Status::Ok();
}

Result<std::map<std::string, int64_t>> SqliteStore::Aggregates(RegionCode region) {
  auto* s =
      Cached(aggregates_, "SELECT metric, value FROM region_aggregates WHERE region_code = ?");
  if (!s) return last_error_;
  s->Bind(1, region.value());
  std::map<std::string, int64_t> out;
  while (true) {
    auto row = s->Step();
    if (!row.ok()) {
      s->Reset();
      return row.error();
    }
    if (!*row) break;
    out[s->Text(0)] = s->Int(1);
  }
  s->Reset();
  return out;
}

}  // namespace fupin::sqlite
