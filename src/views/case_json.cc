#include "views/case_json.h"

#include <nlohmann/json.hpp>

namespace fupin {
namespace {

Json ParamsJson(const StoredCase& c) {
  const CaseParams& p = c.params;
  Json out = Json::object();
  if (p.cause != kNone) out["cause"] = std::string(CodeText(CodeList::kCause, p.cause));
  if (!p.reason.empty()) out["reason"] = p.reason;
  if (p.finding != 0) out["finding"] = p.finding;
  if (c.value.kind == ProcedureKind::kMonitor) {
    out["type"] = p.monitor_type;
    Json risks = Json::array();
    for (int code : p.risk_types.Codes()) {
      risks.push_back(std::string(CodeText(CodeList::kRiskType, code)));
    }
    out["risk_types"] = risks;
    out["source"] = p.source;
    if (c.value.clue_date) out["clue_date"] = c.value.clue_date->ToString();
    if (c.due_on) out["due_on"] = c.due_on->ToString();
  }
  if (!p.labor_override.empty()) out["labor_override"] = p.labor_override;
  if (p.method != kNone) out["method"] = p.method;
  return out;
}

}  // namespace

Json CaseJson(const CaseView& view, const std::vector<Json>* attachments) {
  const StoredCase& c = view.stored;
  const Case& v = c.value;
  const bool open = v.state == CaseState::kOpen;
  Json steps = Json::array();
  for (size_t i = 0; i < v.steps.size(); ++i) {
    const StepRecord& r = v.steps[i];
    const StepMeta meta = i < c.meta.size() ? c.meta[i] : StepMeta{};
    Json step{{"step", StepKey(r.step)},
              {"action", ActionKindKey(r.action)},
              {"by", r.actor},
              {"role", meta.role},
              {"at", meta.at},
              {"comment", r.comment},
              {"attachments", attachments != nullptr && i < attachments->size() ? (*attachments)[i]
                                                                                : Json::array()}};
    if (r.to) step["to"] = StepKey(*r.to);
    steps.push_back(std::move(step));
  }
  Json notice = nullptr;
  if (open && v.notice) {
    notice =
        Json{{"start", v.notice->start.ToString()}, {"closes_on", v.notice->closes_on.ToString()}};
  }
  return Json{{"id", c.id},
              {"kind", ProcedureKindKey(v.kind)},
              {"kind_label", ProcedureKindLabel(v.kind)},
              {"household_code", c.household_code},
              {"village_code", c.village_code.ToString()},
              {"year", v.year},
              {"state", CaseStateKey(v.state)},
              {"step", open ? Json(StepKey(v.current_step())) : Json(nullptr)},
              {"step_label", open ? Json(StepLabel(v.kind, v.current_step())) : Json(nullptr)},
              {"level", open ? Json(LevelKey(Steps(v.kind)[v.step_index].level)) : Json(nullptr)},
              {"params", ParamsJson(c)},
              {"opened_by", v.opened_by},
              {"opened_at", c.opened_at},
              {"closed_at", c.closed_at.empty() ? Json(nullptr) : Json(c.closed_at)},
              {"notice", notice},
              {"overdue", view.overdue},
              {"steps", steps}};
}

Json CaseListJson(const CaseList& list) {
  Json items = Json::array();
  for (const CaseView& c : list.items) {
    Json item = CaseJson(c);
    item.erase("steps");
    items.push_back(std::move(item));
  }
  return Json{{"total", list.total}, {"items", items}};
}

Json RefusalDetails(const CaseRefusal& refusal, Lang lang) {
  if (!refusal.conditions.empty()) {
    Json out = Json::array();
    for (const FailedCondition& f : refusal.conditions) {
      out.push_back({{"criterion", f.criterion}, {"message", lang == Lang::kEn ? f.en : f.zh}});
    }
    return out;
  }
  // Every error's details is an array: [{"closes_on": …}], [{"case": …}].
  if (refusal.closes_on) {
    return Json::array({Json{{"closes_on", refusal.closes_on->ToString()}}});
  }
  if (refusal.open_case) return Json::array({Json{{"case", *refusal.open_case}}});
  return Json::array();
}

}  // namespace fupin
