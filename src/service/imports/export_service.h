// Export of the register in the import template, so that export → import into an empty
// database reproduces the register exactly.
#pragma once

#include <string>

#include "common/error.h"
#include "common/region_code.h"
#include "storage/store.h"

namespace fupin {

struct ExportReport {
  int64_t households = 0;
  int64_t members = 0;
  std::string households_path, members_path;  // the same workbook twice for XLSX
};

// Writes the households under `region` (the nation for code 0): to `out`.xlsx as one
// workbook with sheets 户表 and 人表 (typed cells, frozen header, filter, drop-down lists:
// exchange/template_workbook.h), otherwise into the folder `out` (created if needed)
// as households.csv and members.csv in UTF-8 with a BOM. E_REGION when the region is not
// in the tree; E_IO when the files cannot be written.
Result<ExportReport> ExportRegister(Store& store, RegionCode region, const std::string& out);

}  // namespace fupin
