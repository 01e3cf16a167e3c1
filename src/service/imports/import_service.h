// The registry import (spec/import-template.md): two CSV files or one XLSX workbook in,
// every problem reported at once, and either everything written in one transaction or —
// with skip_invalid — every household without an error.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/region_code.h"
#include "common/text.h"
#include "storage/store.h"

namespace fupin {

struct ImportReport;

struct ImportOptions {
  std::vector<std::string> files;  // HOUSEHOLDS.csv MEMBERS.csv, or BOOK.xlsx
  Encoding encoding = Encoding::kAuto;
  bool dry_run = false;       // validate (against the register too), write nothing
  bool skip_invalid = false;  // write the households without errors
  std::string rejects_dir;    // with skip_invalid: where the rejected rows go
  std::string actor = "cli";
  // The region the caller may write (the API passes the user's): a household in a village
  // outside it is E_REGION, as if the village did not exist, and a 户编号 registered outside
  // it cannot be replaced (E_HOUSEHOLD).
  RegionCode scope = RegionCode::Nation();
  // Set from a signal handler to stop the import; the transaction is rolled back.
  const std::atomic<bool>* interrupted = nullptr;
  // Progress lines for people (stderr), may be empty.
  std::function<void(const std::string&)> progress;
  // Called in the import's transaction just before its commit, with the batch id and the
  // report (its counts final), when the import writes: an audit record appended there
  // (AccountStore::AppendAudit stages it) commits with the import, and a failure rolls the
  // import back. May be empty.
  std::function<Status(const std::string& batch_id, const ImportReport& report)> before_commit;
  // Into a cluster (Store::county_writers): the open batch that this import of the same
  // files finishes (`fupin cluster check --finish`). Empty: a new batch.
  std::string batch_id;
};

// One problem, placed in its file (the workbook and sheet for XLSX: "book.xlsx[户表]").
struct ImportIssue {
  std::string file;
  size_t line = 0;  // 0 when the problem is about the whole file
  std::string column, value, code, zh, en;
};

struct ImportReport {
  int64_t households_created = 0;  // written (or, with dry_run, that would be)
  int64_t households_updated = 0;  // registered before and changed: rewritten, version + 1
  // Registered before with every field and member the same (members are matched by ID
  // number, so an order of members alone is no change): left alone — not rewritten, no
  // history, no new version.
  int64_t households_unchanged = 0;
  int64_t members = 0;  // of the households written (created or updated)
  int64_t rejected_households = 0;
  std::vector<ImportIssue> errors;
  std::vector<ImportIssue> warnings;
  size_t errors_not_listed = 0;  // beyond the listing limit (the count is still exact)
  std::string batch_id;          // empty when nothing was written
  bool written = false;
  // The 户编号 of the households refused because their code, or a member's ID number, is
  // registered outside options.scope (their messages say only "cannot be used"): the
  // caller audits them ("household.conflict"), as the household service does.
  std::vector<std::string> scope_conflicts;
};

// Runs an import. Problems with the input (missing or unreadable files, encodings,
// headers, rows) are in the report's errors, and then nothing is written unless
// skip_invalid. The Result is an Error only when the import could not run to its end
// for another reason: E_DATABASE, E_IO writing the rejects, E_INTERRUPTED (rolled back).
//
// Into a cluster's coordinator (Store::county_writers), the checks are the same and the
// writing goes county by county (storage/county_writers.h): an error after the first county
// was written says that the batch is unfinished and how to finish it.
Result<ImportReport> RunImport(Store& store, const ImportOptions& options);

// The SHA-256 (hex) of the files' bytes, one after the other: what identifies a cluster
// batch's files.
Result<std::string> FilesSha256(const std::vector<std::string>& files);

// A cluster's open import batches, each county's state read from its shard (none on one
// server).
Result<std::vector<ClusterBatch>> OpenImportBatches(Store& store);

// Rolls back open batch `batch_id` of a cluster: its counties written stay (each is whole),
// recounted if they were not; the ID numbers reserved for those not written are released.
// E_NOT_FOUND when no such batch is open, E_USAGE when the store is no coordinator.
Result<ClusterBatch> RollBackImportBatch(Store& store, const std::string& batch_id);

}  // namespace fupin
