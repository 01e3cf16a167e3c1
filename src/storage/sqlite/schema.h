// The numbered schema migrations of the SQLite store. Migration i (1-based) takes the
// database from user_version i-1 to i. Never edit a published migration: add one.
#pragma once

#include <span>
#include <string_view>

namespace fupin::sqlite {

std::span<const std::string_view> Migrations();

}  // namespace fupin::sqlite
