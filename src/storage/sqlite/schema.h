// The numbered schema migrations of the SQLite store. Migration i (1-based) takes the
// database from user_version i-1 to i. Never edit a published migration: add one.
#pragma once

#include <span>
#include <string_view>

namespace fupin::sqlite {

// The register file's migrations.
std::span<const std::string_view> Migrations();
// The accounts file's (`<db path>-accounts`), numbered the same way in its own user_version.
std::span<const std::string_view> AccountsMigrations();

}  // namespace fupin::sqlite
