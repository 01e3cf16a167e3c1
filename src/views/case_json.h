// A case (办件) in JSON, as spec/procedures.md "HTTP" shows it: shared by the API and
// `fupin cases show --json` / `cases list --json`.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "service/procedures/case_service.h"

namespace fupin {

using Json = nlohmann::ordered_json;

// The case with its steps (an empty list when they were not loaded). `attachments` gives
// each step's attachments as JSON arrays (by step position), when known.
Json CaseJson(const CaseView& view, const std::vector<Json>* attachments = nullptr);
// {"total", "items"} of a list (without steps).
Json CaseListJson(const CaseList& list);
// The `details` of a refused move, always an array: E_CONDITIONS the failing conditions
// [{criterion, message}], E_NOTICE_OPEN [{"closes_on"}], E_CASE_OPEN [{"case"}].
Json RefusalDetails(const CaseRefusal& refusal, Lang lang);

}  // namespace fupin
