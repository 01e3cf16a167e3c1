// Private to cluster/: what cluster_init.cc and cluster_status.cc share — the URL's parts
// (libpq's own parser), quoting, and the catalog's DDL.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
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

// Opens `url`, E_DATABASE naming the node (without its password) on failure.
Result<std::unique_ptr<pg::Connection>> OpenNode(const std::string& url, std::string_view what_zh,
                                                 std::string_view what_en);

// RecountCounty's queries ($1 the county), for the tests of their plans.
std::vector<std::string> RecountQueries();

}  // namespace fupin::cluster::internal
