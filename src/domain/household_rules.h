// The register's own rules for a household record (spec/import-template.md): conditional
// required values, years, combinations that cannot be true, one head, the declared size,
// and the warnings that never block an import. Applied by the import, the API's create
// and update, and anything else that writes a household.
#pragma once

#include <string>
#include <vector>

#include "domain/household.h"

namespace fupin {

// A problem found in a household. `member` is the index of the member row it concerns,
// or -1 for the household row; `column` is the template's Chinese column name.
struct RuleIssue {
  std::string code;  // E_… or W_…
  int member = -1;
  std::string column;
  std::string value;
  std::string zh, en;
};

// Applies the template's defaults that depend on other fields (监测状态 defaults to 监测中
// for a monitored household, else 无), then checks the household row: E_REQUIRED for the
// values its kind or status requires, E_YEAR for 识别年度/脱贫年度, E_DATE for a
// monitoring date in the future, E_CONSISTENCY for impossible combinations. A household
// whose 监测状态 was left empty has monitor_status == kNone on entry.
void CheckHouseholdRow(Household& household, Date today, std::vector<RuleIssue>& issues);

// Checks one member row: E_CONSISTENCY for 健康 combined with another health value,
// 残疾 without 残疾等级 or a grade without 残疾.
void CheckMemberRow(const Member& member, int index, std::vector<RuleIssue>& issues);

// Checks the household with all its members: E_HOUSEHOLD (no members), E_HEAD (no 户主
// or more than one; reported on the extra heads' rows, or on the household row when there
// is none), E_SIZE (家庭人口数 given and different), and the warnings W_CAUSE_MISMATCH
// and W_INCOME_OUTLIER.
void CheckHouseholdMembers(const Household& household, std::vector<RuleIssue>& issues);

}  // namespace fupin
