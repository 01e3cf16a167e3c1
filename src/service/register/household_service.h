// The register one household at a time, for the API: search, read, create and update,
// each scoped to the caller's region, validated exactly as the import validates, written
// in one transaction with its history, aggregates and audit record.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "exchange/template.h"
#include "service/accounts/auth_service.h"
#include "service/register/search_view_cache.h"
#include "storage/store.h"

namespace fupin {

// A household and its recent history as the API shows it.
struct HouseholdView {
  StoredHousehold stored;
  std::vector<HistoryEntry> history;
};

// Households matching `query` within the caller's scope (a query region outside the scope
// yields E_NOT_FOUND, as if it did not exist). Members are not loaded. With `views`, the
// answer comes from its columnar view when that is current (the same answer).
Result<HouseholdPage> SearchHouseholds(Store& store, const Caller& caller, HouseholdQuery query,
                                       SearchViewCache* views = nullptr);

// Every household of `query` (its paging ignored) with its members, as an export shows them
// to the caller: E_FORBIDDEN unless the role may export; the scope of SearchHouseholds; for
// the roles that see masked data, ID numbers masked, a phone as "***" and numbers inside
// names and 民族 masked. Leaves the audit record "export.households" (the query's region,
// the count, "masked" when masked).
Result<std::vector<Household>> HouseholdsForExport(Store& store, const Caller& caller,
                                                   HouseholdQuery query);

// One household with its members and history; E_NOT_FOUND when it does not exist or lies
// outside the caller's scope. An unmasked read (a role that sees personal data) is audited.
Result<HouseholdView> GetHousehold(Store& store, const Caller& caller, const std::string& code);

// Both need a role that may write households (E_FORBIDDEN first, before anything is looked
// up). Creates a household (E_CONFLICT when the 户编号 exists) or replaces one whose stored
// version is `expected_version` (E_VERSION_CONFLICT otherwise; E_NOT_FOUND outside scope).
// Problems of the record are appended to `issues` with the import's codes and the call
// fails with the first one's code; nothing is written then.
// Nothing outside the caller's region is revealed: a 户编号 taken there is E_CONFLICT
// "this household code cannot be used" (not "taken"), an ID number registered there is
// E_ID_DUPLICATE "this ID number cannot be used" (not "registered in another household"),
// and an update of a household there is E_NOT_FOUND. Each
// such attempt leaves an audit record "household.conflict" whose target is the 户编号 sent.
Result<StoredHousehold> CreateHousehold(Store& store, const Caller& caller, Household household,
                                        std::vector<CellIssue>& issues);
Result<StoredHousehold> UpdateHousehold(Store& store, const Caller& caller, Household household,
                                        int64_t expected_version, std::vector<CellIssue>& issues);

}  // namespace fupin
