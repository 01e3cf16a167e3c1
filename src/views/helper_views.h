// The JSON shapes of helpers (帮扶责任人), their assignments and the village work teams,
// shared by `fupin helpers … --json` and the API's /helpers, /households/{code}/helpers and
// /regions/{code}/work-team. Phones are shown as the service returned them (masked for the
// roles that see masked data).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "service/procedures/helper_service.h"

namespace fupin {

using Json = nlohmann::ordered_json;

// {"id", "region_code", "name", "work_unit", "phone", "username" (null when none),
// "created_at", "created_by"}.
Json HelperJson(const HelperRow& helper);
// {"helper": {…}, "household_code", "village_code", "since", "until" (null while current),
// "current"}.
Json HelperAssignmentJson(const HelperAssignmentRow& assignment);
Json HelperAssignmentsJson(const std::vector<HelperAssignmentRow>& assignments);
// {"id", "village_code", "role", "name", "work_unit", "phone", "started_on", "ended_on"
// (null while serving), "current"}.
Json WorkTeamMemberJson(const WorkTeamMemberRow& member);
// `helpers import --json`: {"dry_run", "written", "rows", "households", "helpers_created",
// "assignments_begun", "assignments_ended", "errors": [issue…]}.
Json HelperImportJson(const HelperImportReport& report, Lang lang, bool dry_run);

}  // namespace fupin
