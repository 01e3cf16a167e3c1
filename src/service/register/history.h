// What changed between two records of one household, as history rows: each changed
// field (by its template key, values as the export writes them), each added or removed
// member and each changed member field (keyed by ID number).
#pragma once

#include <vector>

#include "domain/household.h"
#include "storage/store.h"

namespace fupin {

// Appends the differences from `before` to `after` to `out` (household_code and county
// set; time, actor and source left for the caller).
void DiffHouseholds(const Household& before, const Household& after,
                    std::vector<HistoryEntry>& out);

}  // namespace fupin
