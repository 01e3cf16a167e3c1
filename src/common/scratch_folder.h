// Where fupin's temporary files go: the scratch folder `<database path>-tmp/`, beside the
// database and so on its file system, mode 0700, this user's own. service/scratch.h makes
// and sweeps its entries; storage puts SQLite's own temporary files (the sorter's runs of a
// big index build) there too, so that no temporary file of fupin's lies elsewhere.
#pragma once

#include <string>

#include "common/error.h"

namespace fupin {

// Whether `database_path` names a file (not "", ":memory:" or a "file:" URI): only then
// are the scratch folder and the derived files (the register index, the assessment view)
// kept beside it.
bool IsDatabaseFile(const std::string& database_path);

// `<database_path>-tmp`. For a database that is not a file ("", ":memory:", "file:…"), a
// folder of this user in the system's temporary folder (`fupin-<uid>-tmp`).
std::string ScratchFolder(const std::string& database_path);

// The scratch folder of `database_path`, created when missing; refused (E_IO) unless it is
// a real folder of this user (never a symlink: the name beside the database could have
// been planted). Mode 0700.
Result<std::string> EnsureScratchFolder(const std::string& database_path);

}  // namespace fupin
