// For the fixtures that run one test suite on both back ends (storage/sqlite/
// store_test_fixture.h, service/service_test_fixture.h): with FUPIN_TEST_DB=postgres in the
// environment, each test gets a fresh migrated PostgreSQL database on the binary's test
// server (pg_test_server.h), copied from a template migrated once per binary.
#pragma once

#include <string>

namespace fupin::pg::testing {

// Whether the tests run on PostgreSQL (FUPIN_TEST_DB=postgres, or =cluster: then the
// databases below are cluster databases, cluster/pg_test_cluster.h, named by their
// coordinator's URL).
bool UsePostgres();
// The URL of a new database holding the migrated schema and nothing else (CREATE DATABASE
// … TEMPLATE of a database migrated by the first call).
std::string FreshMigratedDatabase();
// Drops the database of `url` (made by FreshMigratedDatabase; its connections closed).
void DropDatabase(const std::string& url);

}  // namespace fupin::pg::testing
