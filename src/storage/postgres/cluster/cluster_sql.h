// Private to cluster/: what cluster_init.cc and cluster_status.cc share — the URL's parts
// (libpq's own parser), quoting, and the catalog's DDL.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/pg_db.h"

namespace fupin::cluster::internal {

// The parts of a libpq URL or keyword string that a postgres_fdw server and user mapping
// need; empty when not given. E_USAGE when libpq cannot parse it.
struct UrlParts {
  std::string host, hostaddr, port, dbname, user, password, sslmode;
};
Result<UrlParts> ParseUrl(const std::string& url);

// `url` with connect_timeout=`seconds` added (unless it names one already).
std::string WithConnectTimeout(const std::string& url, int seconds);

// A SQL string literal and a quoted identifier.
std::string Literal(std::string_view text);
std::string Ident(std::string_view name);

// "households_p07": the partition of `table` with `remainder`, named with at least two
// digits (three from 101 partitions on).
std::string PartitionName(const std::string& table, int remainder, int partitions);

// The partition key of a sharded table ("county_code", or "id_type, id_number").
std::string PartitionKey(const std::string& table);

// Opens the coordinator of `url`: E_DATABASE when it cannot be reached, E_USAGE when the
// database is no cluster's coordinator (no schema `cluster`).
Result<std::unique_ptr<pg::Connection>> OpenCoordinator(const std::string& url);

// Opens `url`, E_DATABASE naming the node (without its password) on failure.
Result<std::unique_ptr<pg::Connection>> OpenNode(const std::string& url, std::string_view what_zh,
                                                 std::string_view what_en);

}  // namespace fupin::cluster::internal

namespace fupin::cluster {
// RecountCounty and StoredAggregates (cluster.h) on an open connection to the coordinator,
// in its transaction if one is open.
Result<std::map<std::pair<int64_t, std::string>, int64_t>> RecountCounty(pg::Connection& db,
                                                                         int64_t county);
Result<std::map<std::pair<int64_t, std::string>, int64_t>> StoredAggregates(pg::Connection& db,
                                                                            int64_t county);
}  // namespace fupin::cluster

namespace fupin::cluster::internal {

// `cluster check` of one county on `db`, in its transaction, the county's lock held:
// recounted, compared, set right with `fix` (a new register generation then, or always
// with `new_generation`).
Result<CountyCheck> CheckCountyLocked(pg::Connection& db, int64_t county, bool fix,
                                      bool new_generation);

// The columns COPY carries of `table` (schema public) on `db`, in order.
Result<std::string> CopyColumns(pg::Connection& db, const std::string& table);
// Pipes the rows of `table` (schema public) on `from` into the same table on `to`, in their open
// transactions, by binary COPY: the rows stored, E_DATABASE when they are not the rows sent.
Result<int64_t> Pipe(pg::Connection& from, pg::Connection& to, const std::string& table,
                     const std::string& columns);

// RecountCounty's queries ($1 the county), for the tests of their plans.
std::vector<std::string> RecountQueries();

}  // namespace fupin::cluster::internal
