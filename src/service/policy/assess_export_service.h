// The assessments as lists to hand on (GET /exports/assessments/{exit,monitor,regions}.xlsx):
// the same results as the assessment routes, as the rows of one sheet, for a role that may
// export, inside its scope, audited. The rows carry household and region codes, incomes and
// criteria — no ID number, phone or name — so nothing needs masking.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "domain/policy.h"
#include "exchange/table.h"
#include "service/accounts/auth_service.h"
#include "storage/store.h"

namespace fupin {

enum class AssessList { kExit, kMonitor, kVillages, kCounties };

struct AssessSheet {
  std::string name;                            // the sheet's name
  std::vector<std::vector<std::string>> rows;  // header first
  std::vector<CellFormat> formats;             // of the first columns (text beyond them)
};

// E_FORBIDDEN without the export permission (checked first); 404 for a region outside the
// caller's scope; a helper's exit and monitoring lists hold only its own households. Appends
// `export.assess_exit` / `export.assess_monitor` / `export.assess_regions` with the year,
// the level and the number of rows.
Result<AssessSheet> AssessmentForExport(Store& store, const PolicySet& policy, const Caller& caller,
                                        AssessList list, int year, RegionCode region);

}  // namespace fupin
