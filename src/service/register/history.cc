#include "service/register/history.h"

#include <ctime>
#include <unordered_map>

#include "common/clock.h"
#include "exchange/template.h"
#include "service/clock.h"

namespace fupin {

std::string NowIso8601() { return FormatUtc(NowSeconds()); }

void DiffHouseholds(const Household& before, const Household& after,
                    std::vector<HistoryEntry>& out) {
  const RegionCode county = after.village_code.county();
  auto add = [&](std::string field, std::string old_value, std::string new_value) {
    out.push_back({after.household_code, county, "", "", "", std::move(field), std::move(old_value),
                   std::move(new_value)});
  };
  auto household_columns = TemplateColumns(TemplateTable::kHouseholds);
  std::vector<std::string> a, b;
  HouseholdCells(before, a);
  HouseholdCells(after, b);
  for (size_t i = 0; i < household_columns.size(); ++i) {
    if (a[i] != b[i]) add(std::string(household_columns[i].key), a[i], b[i]);
  }

  auto member_columns = TemplateColumns(TemplateTable::kMembers);
  auto key = [](const Member& m) { return std::to_string(m.id_type) + ":" + m.id_number; };
  std::unordered_map<std::string, const Member*> old_members;
  for (const auto& m : before.members) old_members[key(m)] = &m;
  for (const auto& m : after.members) {
    auto it = old_members.find(key(m));
    if (it == old_members.end()) {
      add("member_added", "", m.id_number + " " + m.name);
      continue;
    }
    MemberCells(before.household_code, *it->second, a);
    MemberCells(after.household_code, m, b);
    for (size_t i = 1; i < member_columns.size(); ++i) {
      if (a[i] != b[i]) {
        add("member." + std::string(member_columns[i].key) + "[" + m.id_number + "]", a[i], b[i]);
      }
    }
    old_members.erase(it);
  }
  for (const auto& m : before.members) {
    if (old_members.count(key(m))) add("member_removed", m.id_number + " " + m.name, "");
  }
}

}  // namespace fupin
