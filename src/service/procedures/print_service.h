// What the print views show (issue 11 "Print views"): the household's policy card (明白卡)
// and the notice of a batch of cases (公示 / 公告) of one village and kind. The HTML is
// views/print_views; this gathers the data within the caller's scope and masks it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "domain/policy.h"
#include "service/accounts/auth_service.h"
#include "service/procedures/case_service.h"
#include "storage/store.h"

namespace fupin {

// The household's own card: not public, so it may show masked ID numbers.
struct PolicyCard {
  Household household;  // members' ID numbers masked (411525********1234), phone masked
  std::string village_name, township_name, county_name;
  std::vector<HelperRow> helpers;       // current helpers, phones whole (to be called)
  std::vector<WorkTeamMemberRow> team;  // the village's current work team, phones whole
  std::vector<MeasureRow> measures;     // newest first
  // The policies it enjoys: (policy, who or what), e.g. ("低保", "2 人"), from members'
  // 低保, 特困, insurance and the household's 危房改造, 易地搬迁.
  std::vector<std::pair<std::string, std::string>> policies;
  std::string printed_on;  // YYYY-MM-DD
};

// E_NOT_FOUND outside the caller's read scope (a helper: its own households). Audited
// ("print.policy_card").
Result<PolicyCard> PolicyCardOf(Store& store, const Caller& caller,
                                const std::string& household_code);

// One household on a notice: what a notice may show (spec/procedures.md "What a notice
// shows") — the head's name, the village group, the household size, the kind and its
// decision — never ID numbers, phones, health, disability or risk types.
struct NoticeLine {
  int64_t case_id = 0;
  std::string head_name;
  std::string village_group;  // 村民小组; "" when none
  int64_t size = 0;
  std::string decision;          // "拟退出" while the notice runs; "已退出" once decided
  std::string start, closes_on;  // the notice's dates; the decision's date for a 公告
};

// The decision a line of a notice announces, in the words of a notice: "拟脱贫退出" while the
// notice runs, "脱贫退出" once decided (also the village's public page, service/disclosure).
std::string NoticeDecision(ProcedureKind kind, bool decided);

struct NoticeSheet {
  std::string village_code, village_name, township_name, county_name;
  ProcedureKind kind = ProcedureKind::kExit;
  int year = 0;
  std::vector<NoticeLine> running;  // 公示: open cases whose notice runs now
  std::vector<NoticeLine> decided;  // 公告: cases of the year the county decided
  std::string printed_on;
};

// The notice of `kind` in `village` (E_NOT_FOUND outside the caller's region or for a
// code that is not a village in the tree).
Result<NoticeSheet> NoticeOf(Store& store, const PolicySet& policy, const Caller& caller,
                             RegionCode village, ProcedureKind kind, int year);

}  // namespace fupin
