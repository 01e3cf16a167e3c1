// Regions (the code tree and rural populations), county assessments and the region
// aggregates, as sqlite/sqlite_regions.cc.
#include <algorithm>
#include <cassert>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/postgres/pg_store_impl.h"

namespace fupin::pg {
namespace {

// One statement per batch of regions (issue 15: a statement per region was 665,271 round
// trips for the national tree), the rows as five arrays in the text form of PostgreSQL.
const std::string kUpsertRegionSql =
    "INSERT INTO regions(code, name, level, parent, rural_population) "
    "SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[]) "
    "ON CONFLICT (code) DO UPDATE SET name = excluded.name, "
    "rural_population = COALESCE(excluded.rural_population, regions.rural_population)";
constexpr size_t kRegionBatch = 20000;

// `text` as an element of an array literal: quoted, its quotes and backslashes escaped.
void AppendArrayText(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

// One row per code, in the order of their first appearance, as the rows one by one would
// leave them: the last name, and the last population given (a row without one keeps it).
std::vector<RegionRow> MergeByCode(std::vector<RegionRow>::const_iterator begin,
                                   std::vector<RegionRow>::const_iterator end) {
  std::vector<RegionRow> out;
  std::map<int64_t, size_t> at;
  for (auto it = begin; it != end; ++it) {
    auto [pos, fresh] = at.emplace(it->code.value(), out.size());
    if (fresh) {
      out.push_back(*it);
      continue;
    }
    RegionRow& kept = out[pos->second];
    kept.name = it->name;
    if (it->rural_population) kept.rural_population = it->rural_population;
  }
  return out;
}

const std::string kSetPopulationSql = "UPDATE regions SET rural_population = $1 WHERE code = $2";
const std::string kGetRegionSql =
    "SELECT code, name, rural_population FROM regions WHERE code = $1";
const std::string kCountRegionsSql = "SELECT count(*) FROM regions";
const std::string kVillagesSql =
    "SELECT code FROM regions WHERE code >= $1 AND code < $2 AND level = 5 ORDER BY code";
const std::string kChildrenSql =
    "SELECT code, name, rural_population FROM regions WHERE parent = $1 AND code != 0 "
    "ORDER BY code";
const std::string kRegionsUnderSql =
    "SELECT code, name, rural_population FROM regions WHERE code >= $1 AND code < $2 "
    "ORDER BY code";
const std::string kPutAssessmentSql =
    "INSERT INTO county_assessments(county_code, year, wrong_exit_rate, missed_rate, "
    "satisfaction) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (county_code, year) DO UPDATE SET "
    "wrong_exit_rate = excluded.wrong_exit_rate, missed_rate = excluded.missed_rate, "
    "satisfaction = excluded.satisfaction";
const std::string kGetAssessmentSql =
    "SELECT wrong_exit_rate, missed_rate, satisfaction FROM county_assessments "
    "WHERE county_code = $1 AND year = $2";
const std::string kAggregateUnderSql =
    "SELECT region_code, value FROM region_aggregates WHERE region_code >= $1 AND "
    "region_code < $2 AND metric = $3";
// Adds a delta under the row's lock: two writers' deltas both count (see pg_store_impl.h).
const std::string kApplyDeltaSql =
    "INSERT INTO region_aggregates(region_code, metric, value) VALUES ($1, $2, $3) "
    "ON CONFLICT (region_code, metric) DO UPDATE SET value = region_aggregates.value + "
    "excluded.value";
const std::string kAggregatesSql =
    "SELECT metric, value FROM region_aggregates WHERE region_code = $1";

}  // namespace

Status PgStore::UpsertRegions(const std::vector<RegionRow>& rows) {
  assert(in_transaction_);
  regions_changed_ = true;
  auto* s = Cached(upsert_region_, kUpsertRegionSql);
  if (!s) return last_error_;
  for (size_t from = 0; from < rows.size(); from += kRegionBatch) {
    const auto begin = rows.begin() + static_cast<std::ptrdiff_t>(from);
    const auto end =
        rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), from + kRegionBatch));
    // ON CONFLICT may not touch a row twice in one statement: a code given twice is merged.
    const std::vector<RegionRow> batch = MergeByCode(begin, end);
    std::string codes = "{", names = "{", levels = "{", parents = "{", populations = "{";
    for (size_t i = 0; i < batch.size(); ++i) {
      const RegionRow& r = batch[i];
      const char* sep = i ? "," : "";
      codes += sep + std::to_string(r.code.value());
      names += sep;
      AppendArrayText(names, r.name);
      levels += sep + std::to_string(static_cast<int>(r.code.level()));
      parents += sep + std::to_string(r.code.parent().value());
      populations += sep + (r.rural_population ? std::to_string(*r.rural_population) : "NULL");
    }
    for (std::string* a : {&codes, &names, &levels, &parents, &populations}) *a += '}';
    Params p;
    p.Text(codes).Text(names).Text(levels).Text(parents).Text(populations);
    auto done = s->Run(p);
    if (!done.ok()) return done.error();
  }
  return Status::Ok();
}

Status PgStore::SetRuralPopulation(RegionCode code, int64_t population) {
  regions_changed_ = true;
  auto* s = Cached(set_population_, kSetPopulationSql);
  if (!s) return last_error_;
  auto changed = s->Run(Params().Int(population).Int(code.value()));
  if (!changed.ok()) return changed.error();
  if (*changed == 0) {
    return Error{"E_REGION", "区划代码不存在：" + code.ToString(),
                 "unknown region code: " + code.ToString()};
  }
  return Status::Ok();
}

RegionRow PgStore::ReadRegion(const Rows& rows, int r) {
  RegionRow out{RegionCode::FromInt(rows.Int(r, 0)), rows.Text(r, 1), std::nullopt};
  if (!rows.IsNull(r, 2)) out.rural_population = rows.Int(r, 2);
  return out;
}

Result<std::optional<RegionRow>> PgStore::GetRegion(RegionCode code) {
  auto* s = Cached(get_region_, kGetRegionSql);
  if (!s) return last_error_;
  auto rows = s->Query(Params().Int(code.value()));
  if (!rows.ok()) return rows.error();
  std::optional<RegionRow> out;
  if (rows->size()) out = ReadRegion(*rows, 0);
  return out;
}

Result<int64_t> PgStore::CountRegions() { return ScalarInt(kCountRegionsSql); }

Result<std::vector<RegionCode>> PgStore::Villages(RegionCode region) {
  auto rows = db_->Query(kVillagesSql, Params().Int(region.subtree_lo()).Int(region.subtree_hi()));
  if (!rows.ok()) return rows.error();
  std::vector<RegionCode> out;
  for (int r = 0; r < rows->size(); ++r) out.push_back(RegionCode::FromInt(rows->Int(r, 0)));
  return out;
}

Result<std::vector<RegionRow>> PgStore::Children(RegionCode region) {
  auto rows = db_->Query(kChildrenSql, Params().Int(region.value()));
  if (!rows.ok()) return rows.error();
  std::vector<RegionRow> out;
  for (int r = 0; r < rows->size(); ++r) out.push_back(ReadRegion(*rows, r));
  return out;
}

Result<std::vector<RegionRow>> PgStore::RegionsUnder(RegionCode region) {
  auto rows =
      db_->Query(kRegionsUnderSql, Params().Int(region.subtree_lo()).Int(region.subtree_hi()));
  if (!rows.ok()) return rows.error();
  std::vector<RegionRow> out;
  for (int r = 0; r < rows->size(); ++r) out.push_back(ReadRegion(*rows, r));
  return out;
}

Status PgStore::PutCountyAssessment(RegionCode county, int year, const CountyAssessment& a) {
  assert(in_transaction_);
  auto done = db_->Run(kPutAssessmentSql, Params()
                                              .Int(county.value())
                                              .Int(year)
                                              .Int(a.wrong_exit_rate.micros)
                                              .Int(a.missed_rate.micros)
                                              .Int(a.satisfaction.micros));
  if (!done.ok()) return done.error();
  return Status::Ok();
}

Result<std::optional<CountyAssessment>> PgStore::GetCountyAssessment(RegionCode county, int year) {
  auto rows = db_->Query(kGetAssessmentSql, Params().Int(county.value()).Int(year));
  if (!rows.ok()) return rows.error();
  std::optional<CountyAssessment> out;
  if (rows->size()) {
    out = CountyAssessment{Ratio{rows->Int(0, 0)}, Ratio{rows->Int(0, 1)}, Ratio{rows->Int(0, 2)}};
  }
  return out;
}

Result<std::map<int64_t, int64_t>> PgStore::AggregateUnder(RegionCode region,
                                                           const std::string& metric) {
  FUPIN_RETURN_IF_ERROR(FlushAggregates());
  auto rows = db_->Query(kAggregateUnderSql,
                         Params().Int(region.subtree_lo()).Int(region.subtree_hi()).Text(metric));
  if (!rows.ok()) return rows.error();
  std::map<int64_t, int64_t> out;
  for (int r = 0; r < rows->size(); ++r) out[rows->Int(r, 0)] = rows->Int(r, 1);
  return out;
}

Status PgStore::ApplyAggregateDeltas(const AggregateDeltas& deltas) {
  if (shard_writer_) return Status::Ok();  // recounted on the coordinator
  assert(in_transaction_);
  for (const auto& [key, delta] : deltas) {
    if (delta == 0) continue;
    pending_deltas_[key] += delta;
    register_changed_ = true;  // RegisterStamp covers the aggregates (cached summaries)
  }
  return Status::Ok();
}

Status PgStore::FlushAggregates() {
  if (pending_deltas_.empty()) return Status::Ok();
  auto* s = Cached(apply_delta_, kApplyDeltaSql);
  if (!s) return last_error_;
  // In key order (the map's): every writer locks the rows it shares with another in the
  // same order, so two commits wait for one another but never deadlock.
  // A key whose deltas summed to 0 is still written (SQLite's row then holds 0 too).
  for (const auto& [key, delta] : pending_deltas_) {
    auto done = s->Run(Params().Int(key.first).Text(key.second).Int(delta));
    if (!done.ok()) return done.error();
  }
  pending_deltas_.clear();
  return Status::Ok();
}

Result<std::map<std::string, int64_t>> PgStore::Aggregates(RegionCode region) {
  FUPIN_RETURN_IF_ERROR(FlushAggregates());
  auto* s = Cached(aggregates_, kAggregatesSql);
  if (!s) return last_error_;
  auto rows = s->Query(Params().Int(region.value()));
  if (!rows.ok()) return rows.error();
  std::map<std::string, int64_t> out;
  for (int r = 0; r < rows->size(); ++r) out[rows->Text(r, 0)] = rows->Int(r, 1);
  return out;
}

}  // namespace fupin::pg
