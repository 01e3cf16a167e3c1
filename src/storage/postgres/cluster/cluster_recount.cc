// RecountCounty (cluster.h): a county's region aggregates from its households, computed on
// the shard that holds the county (one GROUP BY county_code, village_code per query: with the
// partition key in it, PostgreSQL ships the whole aggregate, pushed down), then rolled up to the
// township and the county here. The rules are those of service/register/aggregates.h
// (AggregateAccumulator::Add), in SQL: a 建档立卡户 (kind 1) of status 已剔除 (9) counts nowhere;
// the others count as households, their member_count as persons; registered/ordinary by kind;
// status:, cause: and poor_persons (status 0 or 3) for registered ones; monitored,
// monitored_persons (监测状态 1) and eliminated (2); monitor_type: 1 … 3.
#include <array>

#include "common/region_code.h"
#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/cluster/cluster_sql.h"
#include "storage/postgres/pg_db.h"

namespace fupin::cluster {
namespace {

// Written so that postgres_fdw ships it (it does not ship coalesce in PostgreSQL 15).
constexpr std::string_view kCounted =
    "county_code = $1 AND (kind <> 1 OR poverty_status IS NULL OR poverty_status <> 9)";

// One row per village: the plain counters, in this order.
constexpr std::array<const char*, 8> kCounters{"households",        "persons",      "registered",
                                               "ordinary",          "poor_persons", "monitored",
                                               "monitored_persons", "eliminated"};

std::string CountersSql() {
  return "SELECT village_code, count(*), sum(member_count)::bigint, "
         "count(*) FILTER (WHERE kind = 1), count(*) FILTER (WHERE kind <> 1), "
         "coalesce(sum(member_count) FILTER (WHERE kind = 1 AND poverty_status IN (0, 3)), "
         "0)::bigint, "
         "count(*) FILTER (WHERE monitor_status = 1), "
         "coalesce(sum(member_count) FILTER (WHERE monitor_status = 1), 0)::bigint, "
         "count(*) FILTER (WHERE monitor_status = 2) "
         "FROM households WHERE " +
         std::string(kCounted) + " GROUP BY county_code, village_code";
}

// One row per village and code of `column` (status:, cause:, monitor_type:).
std::string ByCodeSql(const std::string& column, const std::string& condition) {
  return "SELECT village_code, " + column + ", count(*) FROM households WHERE " +
         std::string(kCounted) + " AND " + condition + " GROUP BY county_code, village_code, " +
         column;
}

// Adds `value` to `metric` of `village` and of every region above it up to the county.
void AddUp(Aggregates& out, int64_t village, const std::string& metric, int64_t value) {
  if (value == 0) return;
  RegionCode region = RegionCode::FromInt(village);
  while (true) {
    out[{region.value(), metric}] += value;
    if (region.level() == RegionLevel::kCounty || region.level() == RegionLevel::kNation) break;
    region = region.parent();
  }
}

const std::pair<const char*, std::string>* ByCode() {
  static const std::pair<const char*, std::string> by_code[] = {
      {"status:", ByCodeSql("poverty_status", "kind = 1 AND poverty_status BETWEEN 0 AND 9")},
      {"cause:", ByCodeSql("main_cause", "kind = 1 AND main_cause BETWEEN 0 AND 99")},
      {"monitor_type:", ByCodeSql("monitor_type", "monitor_type BETWEEN 1 AND 3")}};
  return by_code;
}

}  // namespace

std::vector<std::string> internal::RecountQueries() {
  return {CountersSql(), ByCode()[0].second, ByCode()[1].second, ByCode()[2].second};
}

Result<Aggregates> RecountCounty(const std::string& coordinator_url, int64_t county) {
  auto db = internal::OpenNode(coordinator_url, "协调节点", "the coordinator");
  if (!db.ok()) return db.error();
  return RecountCounty(**db, county);
}

Result<Aggregates> StoredAggregates(const std::string& coordinator_url, int64_t county) {
  auto db = internal::OpenNode(coordinator_url, "协调节点", "the coordinator");
  if (!db.ok()) return db.error();
  return StoredAggregates(**db, county);
}

Result<Aggregates> RecountCounty(pg::Connection& db, int64_t county) {
  const pg::Params params = pg::Params().Int(county);
  Aggregates out;
  auto counters = db.Query(CountersSql(), params);
  if (!counters.ok()) return counters.error();
  for (int r = 0; r < counters->size(); ++r) {
    for (size_t i = 0; i < kCounters.size(); ++i) {
      AddUp(out, counters->Int(r, 0), kCounters[i], counters->Int(r, 1 + static_cast<int>(i)));
    }
  }
  for (int q = 0; q < 3; ++q) {
    const auto& [prefix, sql] = ByCode()[q];
    auto rows = db.Query(sql, params);
    if (!rows.ok()) return rows.error();
    for (int r = 0; r < rows->size(); ++r) {
      AddUp(out, rows->Int(r, 0), prefix + std::to_string(rows->Int(r, 1)), rows->Int(r, 2));
    }
  }
  std::erase_if(out, [](const auto& entry) { return entry.second == 0; });
  return out;
}

Result<Aggregates> StoredAggregates(pg::Connection& db, int64_t county) {
  auto rows = db.Query(
      "SELECT region_code, metric, value FROM region_aggregates WHERE region_code >= $1 AND "
      "region_code < $1 + 1000000 AND value <> 0",
      pg::Params().Int(county));
  if (!rows.ok()) return rows.error();
  Aggregates out;
  for (int r = 0; r < rows->size(); ++r) out[{rows->Int(r, 0), rows->Text(r, 1)}] = rows->Int(r, 2);
  return out;
}

}  // namespace fupin::cluster
