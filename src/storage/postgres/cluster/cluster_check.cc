// CheckAggregates (cluster.h): each county's region aggregates recounted from its shard rows
// under the county's lock, compared with the coordinator's, and set right on request.
#include <set>

#include "common/region_code.h"
#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/cluster/cluster_sql.h"
#include "storage/postgres/pg_db.h"

namespace fupin::cluster {
namespace {

// The counties to check: those with households (a GROUP BY shipped to every partition) and
// those whose aggregates say they have some.
Result<std::set<int64_t>> Counties(pg::Connection& db) {
  std::set<int64_t> out;
  auto households = db.Query("SELECT county_code FROM households GROUP BY county_code");
  if (!households.ok()) return households.error();
  for (int r = 0; r < households->size(); ++r) out.insert(households->Int(r, 0));
  auto stored = db.Query(
      "SELECT DISTINCT region_code FROM region_aggregates WHERE value <> 0 AND "
      "region_code % 1000000 = 0 AND region_code % 100000000 <> 0");
  if (!stored.ok()) return stored.error();
  for (int r = 0; r < stored->size(); ++r) {
    const RegionCode code = RegionCode::FromInt(stored->Int(r, 0));
    if (code.level() == RegionLevel::kCounty) out.insert(code.value());
  }
  return out;
}

// Sets the county's stored aggregates to `recounted`, and moves every region above it by
// the county's own difference.
Status Fix(pg::Connection& db, int64_t county, const Aggregates& stored,
           const Aggregates& recounted) {
  // Every region above the county moves by the county's difference.
  std::set<std::pair<int64_t, std::string>> keys;
  for (const auto& [key, value] : stored) keys.insert(key);
  for (const auto& [key, value] : recounted) keys.insert(key);
  auto value_of = [](const Aggregates& from, const std::pair<int64_t, std::string>& key) {
    auto it = from.find(key);
    return it == from.end() ? int64_t{0} : it->second;
  };
  constexpr std::string_view kSet =
      "INSERT INTO region_aggregates(region_code, metric, value) VALUES ($1, $2, $3) "
      "ON CONFLICT (region_code, metric) DO UPDATE SET value = region_aggregates.value + $3";
  for (const auto& key : keys) {
    const int64_t delta = value_of(recounted, key) - value_of(stored, key);
    if (delta == 0) continue;
    std::vector<int64_t> regions{key.first};
    if (key.first == county) {
      for (RegionCode up = RegionCode::FromInt(county); up.level() != RegionLevel::kNation;) {
        up = up.parent();
        regions.push_back(up.value());
      }
    }
    for (int64_t region : regions) {
      auto done = db.Run(kSet, pg::Params().Int(region).Text(key.second).Int(delta));
      if (!done.ok()) return done.error();
    }
  }
  return Status::Ok();
}

}  // namespace

namespace internal {

Result<CountyCheck> CheckCountyLocked(pg::Connection& db, int64_t county, bool fix,
                                      bool new_generation) {
  auto recounted = RecountCounty(db, county);
  if (!recounted.ok()) return recounted.error();
  auto stored = StoredAggregates(db, county);
  if (!stored.ok()) return stored.error();
  CountyCheck check;
  check.county = county;
  std::set<std::pair<int64_t, std::string>> keys;
  for (const auto& [key, value] : *stored) keys.insert(key);
  for (const auto& [key, value] : *recounted) keys.insert(key);
  for (const auto& key : keys) {
    const auto s = stored->find(key), r = recounted->find(key);
    const int64_t stored_value = s == stored->end() ? 0 : s->second;
    const int64_t recounted_value = r == recounted->end() ? 0 : r->second;
    if (stored_value != recounted_value) {
      check.differences.push_back({key.first, key.second, stored_value, recounted_value});
    }
  }
  if (fix && !check.differences.empty()) {
    FUPIN_RETURN_IF_ERROR(Fix(db, county, *stored, *recounted));
    check.fixed = true;
    new_generation = true;
  }
  if (new_generation) {
    FUPIN_RETURN_IF_ERROR(
        db.Exec("UPDATE meta SET value = replace(gen_random_uuid()::text, '-', '') "
                "WHERE key = 'register_generation'"));
  }
  return check;
}

}  // namespace internal

Result<std::vector<CountyCheck>> CheckAggregates(const std::string& coordinator_url,
                                                 int64_t only_county, bool fix) {
  auto db = internal::OpenCoordinator(coordinator_url);
  if (!db.ok()) return db.error();
  std::set<int64_t> counties{only_county};
  if (only_county == 0) {
    auto all = Counties(**db);
    if (!all.ok()) return all.error();
    counties = std::move(all).value();
  }
  std::vector<CountyCheck> out;
  for (int64_t county : counties) {
    // The county's lock first (the PgStore's key, pg_store.cc), then its rows: no writer of
    // the county between the recount and the fix, and no shard reached before the lock.
    FUPIN_RETURN_IF_ERROR((*db)->Begin());
    auto fail = [&](const Error& e) {
      (void)(*db)->Rollback();
      return e;
    };
    auto locked = (*db)->Run("SELECT pg_advisory_xact_lock($1::bigint)", pg::Params().Int(-county));
    if (!locked.ok()) return fail(locked.error());
    auto check = internal::CheckCountyLocked(**db, county, fix, /*new_generation=*/false);
    if (!check.ok()) return fail(check.error());
    FUPIN_RETURN_IF_ERROR((*db)->Commit());
    out.push_back(std::move(check).value());
  }
  return out;
}

}  // namespace fupin::cluster
