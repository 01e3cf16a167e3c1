// The household read scope shared by measures, visits, attachments and the timeline:
// the household lies in the caller's region and, for a helper (帮扶责任人), is one of the
// households it is assigned to. Internal to service/.
#pragma once

#include <string>

#include "common/error.h"
#include "service/accounts/auth_service.h"
#include "storage/store.h"

namespace fupin {

// E_NOT_FOUND "no such household" for a household that does not exist or lies outside
// the caller's read scope (the same answer for both). Members are loaded.
Result<StoredHousehold> HouseholdInReadScope(Store& store, const Caller& caller,
                                             const std::string& household_code);

// The error of a household that does not exist (or is not to be shown).
Error NoSuchHousehold(const std::string& household_code);

}  // namespace fupin
