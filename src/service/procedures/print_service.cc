#include "service/procedures/print_service.h"

#include <algorithm>

#include "common/id_number.h"
#include "service/accounts/audit_service.h"
#include "service/procedures/care_scope.h"
#include "service/procedures/helper_service.h"

namespace fupin {
namespace {

std::string RegionName(Store& store, RegionCode code) {
  auto row = store.GetRegion(code);
  if (!row.ok() || !row->has_value()) return code.ToString();
  return (*row)->name;
}

}  // namespace

// The decision a line of the notice announces, in the words of a notice.
std::string NoticeDecision(ProcedureKind kind, bool decided) {
  switch (kind) {
    case ProcedureKind::kIdentify:
      return decided ? "识别为建档立卡贫困户" : "拟识别为建档立卡贫困户";
    case ProcedureKind::kExit:
      return decided ? "脱贫退出" : "拟脱贫退出";
    case ProcedureKind::kReturn:
      return decided ? "认定返贫" : "拟认定返贫";
    case ProcedureKind::kRemove:
      return decided ? "剔除" : "拟剔除";
    case ProcedureKind::kMonitor:
      return decided ? "纳入防返贫监测" : "拟纳入防返贫监测";
    case ProcedureKind::kEliminate:
      return decided ? "风险消除" : "拟风险消除";
  }
  return "";
}

Result<PolicyCard> PolicyCardOf(Store& store, const Caller& caller,
                                const std::string& household_code) {
  auto stored = HouseholdInReadScope(store, caller, household_code);
  if (!stored.ok()) return stored.error();
  PolicyCard card;
  card.household = std::move(stored->household);
  Household& h = card.household;
  for (Member& m : h.members) m.id_number = MaskIdNumber(m.id_number);
  if (!h.phone.empty()) h.phone = MaskPhone(h.phone);
  card.village_name = RegionName(store, h.village_code);
  card.township_name = RegionName(store, h.village_code.AncestorAt(RegionLevel::kTownship));
  card.county_name = RegionName(store, h.village_code.county());
  auto helpers = CurrentHelpers(store, household_code);
  if (!helpers.ok()) return helpers.error();
  card.helpers = std::move(*helpers);
  auto team = store.helpers().TeamMembers(h.village_code.value());
  if (!team.ok()) return team.error();
  for (WorkTeamMemberRow& t : *team) {
    if (t.ended_on.empty()) card.team.push_back(std::move(t));
  }
  auto measures = store.care().Measures(h.village_code.county().value(), household_code);
  if (!measures.ok()) return measures.error();
  card.measures = std::move(*measures);
  auto count = [&](auto pred) { return std::count_if(h.members.begin(), h.members.end(), pred); };
  auto add = [&](const char* name, int64_t n) {
    if (n > 0) card.policies.emplace_back(name, std::to_string(n) + " 人");
  };
  add("农村最低生活保障（低保）", count([](const Member& m) { return m.dibao; }));
  add("特困人员救助供养", count([](const Member& m) { return m.tekun; }));
  add("城乡居民基本医疗保险", count([](const Member& m) { return m.resident_medical_insurance; }));
  add("城乡居民基本养老保险", count([](const Member& m) { return m.pension_insurance; }));
  if (h.renovation > 0) card.policies.emplace_back("农村危房改造", "已享受");
  if (h.relocation > 0) card.policies.emplace_back("易地扶贫搬迁", "已享受");
  card.printed_on = Date::Today().ToString();
  FUPIN_RETURN_IF_ERROR(
      AppendAudit(store, caller, h.village_code, "print.policy_card", household_code, ""));
  return card;
}

Result<NoticeSheet> NoticeOf(Store& store, const PolicySet& policy, const Caller& caller,
                             RegionCode village, ProcedureKind kind, int year) {
  auto region = store.GetRegion(village);
  if (!region.ok()) return region.error();
  if (village.level() != RegionLevel::kVillage || !region->has_value() ||
      !caller.InScope(village)) {
    return Error::NotFound("村不存在：" + village.ToString(),
                           "no such village: " + village.ToString());
  }
  NoticeSheet sheet;
  sheet.village_code = village.ToString();
  sheet.village_name = (*region)->name;
  sheet.township_name = RegionName(store, village.AncestorAt(RegionLevel::kTownship));
  sheet.county_name = RegionName(store, village.county());
  sheet.kind = kind;
  sheet.year = year;
  sheet.printed_on = Date::Today().ToString();
  // Every case of the kind in the village: a village's cases are few.
  CaseQuery query;
  query.region = village;
  query.kind = kind;
  query.limit = 0;
  Caller reader = caller;
  if (reader.user.role == Role::kHelper) reader.user.role = Role::kViewer;  // notices are public
  auto cases = ListCases(store, policy, reader, query, false);
  if (!cases.ok()) return cases.error();
  for (const CaseView& view : cases->items) {
    const StoredCase& c = view.stored;
    const bool running =
        c.value.state == CaseState::kOpen && c.value.notice && IsNoticeStep(c.value.current_step());
    const bool decided = c.value.state == CaseState::kDone && c.closed_at.size() >= 4 &&
                         c.closed_at.substr(0, 4) == std::to_string(year);
    if (!running && !decided) continue;
    auto found = store.FindHousehold(c.household_code);
    if (!found.ok()) return found.error();
    if (!found->has_value()) continue;
    const Household& h = (*found)->household;
    NoticeLine line;
    line.case_id = c.id;
    if (const Member* head = h.Head()) line.head_name = head->name;
    line.village_group = h.village_group;
    line.size = static_cast<int64_t>(h.members.size());
    line.decision = NoticeDecision(kind, decided);
    if (running) {
      line.start = c.value.notice->start.ToString();
      line.closes_on = c.value.notice->closes_on.ToString();
      sheet.running.push_back(std::move(line));
    } else {
      line.start = c.value.steps.empty() ? "" : c.value.steps.back().date.ToString();
      sheet.decided.push_back(std::move(line));
    }
  }
  return sheet;
}

}  // namespace fupin
