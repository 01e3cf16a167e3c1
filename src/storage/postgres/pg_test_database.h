// The tests' databases on the binary's test server (pg_test_server.h): one template
// database per binary, made fresh, migrated (pg_schema.h) and seeded once, then copied
// file by file for each test — much faster than migrating every test's database. Shared
// by the fixtures of the funds/, crosscheck/ and procedures/ stores' tests.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/error.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_test_server.h"

namespace fupin::pg::testing {

// The URL of database `name` on the test server.
inline std::string DatabaseUrl(const std::string& name) {
  return TestUrl().substr(0, TestUrl().rfind('/') + 1) + name;
}

// The URL of a new database `name`, a copy of the template database `template_name`. The
// first call for a template (per binary) makes it: a fresh database, migrated, `seed` run
// on it when given, its connection closed (a template must have none). An error of the
// template's making is returned by every call that names it.
inline Result<std::string> CopyOfTemplate(const std::string& template_name, const std::string& name,
                                          const std::function<Status(Connection&)>& seed = {}) {
  static std::map<std::string, Status> templates;
  auto made = templates.find(template_name);
  if (made == templates.end()) {
    Status status = [&]() -> Status {
      auto db = Connection::Open(FreshDatabase(template_name));
      if (!db.ok()) return db.error();
      auto migrated = Migrate(**db);
      if (!migrated.ok()) return migrated.error();
      return seed ? seed(**db) : Status::Ok();
    }();
    made = templates.emplace(template_name, std::move(status)).first;
  }
  if (!made->second.ok()) return made->second.error();
  auto server = Connection::Open(TestUrl());
  if (!server.ok()) return server.error();
  FUPIN_RETURN_IF_ERROR((*server)->Exec("CREATE DATABASE " + name + " TEMPLATE " + template_name +
                                        " STRATEGY FILE_COPY"));
  return DatabaseUrl(name);
}

}  // namespace fupin::pg::testing
