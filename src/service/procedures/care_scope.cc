#include "service/procedures/care_scope.h"

namespace fupin {

Error NoSuchHousehold(const std::string& household_code) {
  // A 户编号 is at most a few dozen characters; a longer text is not echoed whole.
  const std::string shown = household_code.substr(0, 40);
  return Error::NotFound("户编号不存在：" + shown, "no such household: " + shown);
}

Result<StoredHousehold> HouseholdInReadScope(Store& store, const Caller& caller,
                                             const std::string& household_code) {
  if (!RoleMay(caller.user.role, Permission::kRead)) return NoSuchHousehold(household_code);
  auto found = store.FindHousehold(household_code);
  if (!found.ok()) return found.error();
  if (!found->has_value() || !caller.InScope((*found)->household.village_code)) {
    return NoSuchHousehold(household_code);
  }
  if (caller.user.role == Role::kHelper) {
    auto assigned = store.compare().IsAssigned(caller.user.username, household_code);
    if (!assigned.ok()) return assigned.error();
    if (!*assigned) return NoSuchHousehold(household_code);
  }
  return std::move(**found);
}

}  // namespace fupin
