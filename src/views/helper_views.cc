#include "views/helper_views.h"

#include "views/json_views.h"

namespace fupin {

Json HelperJson(const HelperRow& h) {
  return Json{{"id", h.id},
              {"region_code", RegionCode::FromInt(h.region_code).ToString()},
              {"name", h.name},
              {"work_unit", h.work_unit},
              {"phone", h.phone},
              {"username", h.username.empty() ? Json(nullptr) : Json(h.username)},
              {"created_at", h.created_at},
              {"created_by", h.created_by}};
}

Json HelperAssignmentJson(const HelperAssignmentRow& a) {
  return Json{{"helper", HelperJson(a.helper)},
              {"household_code", a.household_code},
              {"village_code", a.village_code ? Json(RegionCode::FromInt(a.village_code).ToString())
                                              : Json(nullptr)},
              {"since", a.since},
              {"until", a.until.empty() ? Json(nullptr) : Json(a.until)},
              {"current", a.until.empty()}};
}

Json HelperAssignmentsJson(const std::vector<HelperAssignmentRow>& assignments) {
  Json out = Json::array();
  for (const auto& a : assignments) out.push_back(HelperAssignmentJson(a));
  return out;
}

Json WorkTeamMemberJson(const WorkTeamMemberRow& m) {
  return Json{{"id", m.id},
              {"village_code", RegionCode::FromInt(m.village_code).ToString()},
              {"role", m.role},
              {"name", m.name},
              {"work_unit", m.work_unit},
              {"phone", m.phone},
              {"started_on", m.started_on},
              {"ended_on", m.ended_on.empty() ? Json(nullptr) : Json(m.ended_on)},
              {"current", m.ended_on.empty()}};
}

Json HelperImportJson(const HelperImportReport& r, Lang lang, bool dry_run) {
  Json errors = Json::array();
  for (const auto& e : r.errors) errors.push_back(IssueJson(e, lang));
  return Json{{"dry_run", dry_run},
              {"written", r.written},
              {"rows", r.rows},
              {"households", r.households},
              {"helpers_created", r.helpers_created},
              {"assignments_begun", r.assignments_begun},
              {"assignments_ended", r.assignments_ended},
              {"errors", errors}};
}

}  // namespace fupin
