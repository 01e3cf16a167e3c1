// The PostgreSQL implementation of Store: one connection for the register (and its
// sub-stores), one of its own for the accounts (schema `accounts`, pg_accounts.h). Behaves
// as the SQLite store (same results, order, errors and all-or-nothing); how it stays so with
// several servers writing at once is said in pg_store_impl.h.
#pragma once

#include <memory>
#include <string>

#include "storage/store.h"

namespace fupin {

// Opens the PostgreSQL database of `url` (postgresql://… or postgres://…). kCreate: the
// database must exist (Migrate creates the schema); kExisting: E_NO_SCHEMA when the schema
// is missing or older (the message says to run `fupin init`). E_DATABASE when the server
// cannot be reached, or the database's collation is not C (the register's order is the
// byte order of its codes, as SQLite's).
Result<std::unique_ptr<Store>> OpenPgStore(const std::string& url, Store::OpenMode mode,
                                           const StoreOptions& options = {});

// `url` without its password (for messages).
std::string RedactedUrl(const std::string& url);

}  // namespace fupin
