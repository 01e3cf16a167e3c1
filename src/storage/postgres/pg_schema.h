// The schema of the PostgreSQL store: the register's tables and the accounts' (users,
// sessions, the audit log — a separate file in SQLite, the schema `accounts` here), written
// for PostgreSQL with the same table, column and index names as the SQLite schema after its
// last migration (sqlite/schema.cc). Numbered migrations of their own: migrations 1 and 2
// are the whole schema as SQLite's 19 migrations leave it — the register, then the money
// and the public side (pg_schema_money.h) — since a PostgreSQL register has no older layout
// to convert; migration 3 refuses a TRUNCATE of the funds ledger (pg_schema_money.h),
// which SQLite has no statement for. A later SQLite migration gets its PostgreSQL
// counterpart appended here (pg_schema_test compares the tables, columns and indexes of both).
#pragma once

#include <span>
#include <string_view>

#include "common/error.h"

namespace fupin::pg {

class Connection;

// The register's migrations and the accounts' (schema `accounts`).
std::span<const std::string_view> Migrations();
std::span<const std::string_view> AccountsMigrations();

// Applies the migrations not yet applied, each in its own transaction, and records the
// version reached in fupin_schema (one row per part: 'register', 'accounts'), as SQLite's
// user_version. Concurrent callers are serialised by an advisory lock. The register's
// version reached.
Result<int> Migrate(Connection& db);
// The version recorded for `part` ('register' or 'accounts'); 0 on an empty database.
Result<int> SchemaVersion(Connection& db, std::string_view part);

}  // namespace fupin::pg
