#include "service/register/household_service.h"

#include <unordered_set>

#include "common/id_number.h"
#include "domain/household_rules.h"
#include "service/accounts/audit_service.h"
#include "service/clock.h"
#include "service/register/aggregates.h"
#include "service/register/history.h"

namespace fupin {
namespace {

Error NotFound(const std::string& code) {
  return Error::NotFound("户编号不存在：" + code, "no such household: " + code);
}

void Add(std::vector<CellIssue>& issues, std::string code, std::string column, std::string value,
         std::string zh, std::string en) {
  issues.push_back(
      {std::move(code), std::move(column), std::move(value), std::move(zh), std::move(en)});
}

// A household code, or an ID number, that is taken by a household outside the caller's
// region: the attempt is audited ("household.conflict", the code the caller sent) and the
// answer says only that the value cannot be used, not where it is registered.
Status AuditConflict(Store& store, const Caller& caller, const std::string& code,
                     const std::string& what) {
  return AppendAudit(store, caller, caller.user.region, "household.conflict", code,
                     what + " outside the region");
}

Error CodeCannotBeUsed() {
  return Error::Conflict("此户编号不能使用", "this household code cannot be used");
}

Error CodeTaken(const std::string& code) {
  return Error::Conflict("户编号已存在：" + code, "the household code is taken: " + code);
}

bool HasErrors(const std::vector<CellIssue>& issues) {
  for (const auto& i : issues) {
    if (i.code[0] == 'E') return true;
  }
  return false;
}

Error FirstError(const std::vector<CellIssue>& issues) {
  for (const auto& i : issues) {
    if (i.code[0] == 'E') return Error{i.code, i.zh, i.en};
  }
  return Error{"E_INTERNAL", "内部错误", "internal error"};
}

// The checks a whole household passes before it is written: the rules of the record,
// the region tree, the caller's scope and the national uniqueness of ID numbers.
Status Validate(Store& store, const Caller& caller, const Household& h,
                std::vector<CellIssue>& issues) {
  std::vector<RuleIssue> rule_issues;
  for (size_t i = 0; i < h.members.size(); ++i) {
    CheckMemberRow(h.members[i], static_cast<int>(i), rule_issues);
  }
  CheckHouseholdMembers(h, rule_issues);
  for (auto& r : rule_issues) {
    std::string column =
        r.member >= 0 ? "members[" + std::to_string(r.member) + "]." + r.column : r.column;
    Add(issues, r.code, column, r.value, r.zh, r.en);
  }
  auto region = store.GetRegion(h.village_code);
  if (!region.ok()) return region.error();
  if (!region->has_value() || h.village_code.level() != RegionLevel::kVillage) {
    Add(issues, "E_REGION", "行政区划代码", h.village_code.ToString(),
        "区划代码不在区划库中或不是村级：" + h.village_code.ToString(),
        "not a village of the region tree: " + h.village_code.ToString());
  } else if (!caller.InScope(h.village_code)) {
    // Writing outside one's own region looks the same as writing to a region that does
    // not exist: the API does not reveal what it will not show.
    Add(issues, "E_REGION", "行政区划代码", h.village_code.ToString(),
        "区划代码不在区划库中或不是村级：" + h.village_code.ToString(),
        "not a village of the region tree: " + h.village_code.ToString());
  }
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < h.members.size(); ++i) {
    const Member& m = h.members[i];
    const std::string column = "members[" + std::to_string(i) + "].证件号码";
    if (!seen.insert(std::to_string(m.id_type) + ":" + m.id_number).second) {
      Add(issues, "E_ID_DUPLICATE", column, m.id_number, "同一证件号码在本户中出现两次",
          "the same ID number appears twice in this household");
      continue;
    }
    auto owner = store.FindPerson(m.id_type, m.id_number);
    if (!owner.ok()) return owner.error();
    if (!owner->has_value() || **owner == h.household_code) continue;
    auto other = store.FindHousehold(**owner);
    if (!other.ok()) return other.error();
    if (other->has_value() && caller.InScope((*other)->household.village_code)) {
      Add(issues, "E_ID_DUPLICATE", column, m.id_number, "该证件号码已登记在另一户中",
          "this ID number is already registered in another household");
    } else {
      // Outside the caller's region: say nothing of where, or that it exists.
      FUPIN_RETURN_IF_ERROR(AuditConflict(store, caller, h.household_code, "ID number"));
      Add(issues, "E_ID_DUPLICATE", column, m.id_number, "此证件号码不能使用，请联系县级管理员",
          "this ID number cannot be used: ask the county administrator");
    }
  }
  return Status::Ok();
}

// Writes the record with history, aggregates and the audit record, in one transaction.
// For an update (`expected_version` set) the stored version is read inside that
// transaction — BEGIN IMMEDIATE holds the write lock — so of two concurrent updates of one
// version exactly one wins and the other gets E_VERSION_CONFLICT.
Result<StoredHousehold> Write(Store& store, const Caller& caller, const Household& h,
                              std::optional<int64_t> expected_version) {
  const std::string now = NowIso8601();
  FUPIN_RETURN_IF_ERROR(store.Begin());
  auto fail = [&](const Error& e) {
    store.Rollback();
    return e;
  };
  std::optional<StoredHousehold> old;
  if (expected_version) {
    auto current = store.FindHousehold(h.household_code);
    if (!current.ok()) return fail(current.error());
    if (!current->has_value()) return fail(NotFound(h.household_code));
    if ((*current)->version != *expected_version) {
      const std::string v = std::to_string((*current)->version);
      return fail(Error{"E_VERSION_CONFLICT",
                        "该户已被他人修改（当前版本 " + v + "），请刷新后重试",
                        "the household was changed by someone else (now version " + v +
                            "): reload and try again"});
    }
    old = std::move(*current);
  } else {
    auto current = store.FindHousehold(h.household_code);
    if (!current.ok()) return fail(current.error());
    if (current->has_value()) {
      if (caller.InScope((*current)->household.village_code)) {
        return fail(CodeTaken(h.household_code));
      }
      store.Rollback();
      FUPIN_RETURN_IF_ERROR(AuditConflict(store, caller, h.household_code, "household code"));
      return CodeCannotBeUsed();
    }
  }
  const int64_t version = old ? old->version + 1 : 1;
  AggregateAccumulator aggregates;
  std::vector<HistoryEntry> history;
  if (old) {
    if (Status s = store.DeleteHousehold(old->household.village_code.county(),
                                         old->household.household_code);
        !s.ok()) {
      return fail(s.error());
    }
    aggregates.Add(old->household, -1);
    DiffHouseholds(old->household, h, history);
  } else {
    history.push_back({h.household_code, h.village_code.county(), "", "", "", "created", "", ""});
  }
  if (Status s = store.InsertHousehold(h, version, ""); !s.ok()) return fail(s.error());
  aggregates.Add(h, +1);
  for (auto& e : history) {
    e.at = now;
    e.actor = caller.user.username;
    e.source = "api";
  }
  if (Status s = store.AppendHistory(history); !s.ok()) return fail(s.error());
  if (Status s = store.ApplyAggregateDeltas(aggregates.Deltas()); !s.ok()) return fail(s.error());
  if (Status s =
          AppendAudit(store, caller, h.village_code, old ? "household.update" : "household.create",
                      h.household_code, "version " + std::to_string(version));
      !s.ok()) {
    return fail(s.error());
  }
  FUPIN_RETURN_IF_ERROR(store.Commit());
  return StoredHousehold{h, version};
}

}  // namespace

Result<HouseholdPage> SearchHouseholds(Store& store, const Caller& caller, HouseholdQuery query,
                                       SearchViewCache* views) {
  if (query.region == RegionCode::Nation()) query.region = caller.user.region;
  if (!caller.InScope(query.region)) {
    return Error::NotFound("区划不存在：" + query.region.ToString(),
                           "no such region: " + query.region.ToString());
  }
  // A helper (帮扶责任人) sees the households assigned to it, no others.
  if (caller.user.role == Role::kHelper) query.assigned_to = caller.user.username;
  if (views) {
    auto page = views->Search(store, query);
    if (!page.ok()) return page.error();
    if (*page) return std::move(**page);
  }
  return store.SearchHouseholds(query);
}

Result<HouseholdView> GetHousehold(Store& store, const Caller& caller, const std::string& code) {
  auto found = store.FindHousehold(code);
  if (!found.ok()) return found.error();
  if (!found->has_value() || !caller.InScope((*found)->household.village_code)) {
    return NotFound(code);
  }
  if (caller.user.role == Role::kHelper) {
    auto assigned = store.compare().IsAssigned(caller.user.username, code);
    if (!assigned.ok()) return assigned.error();
    if (!*assigned) return NotFound(code);
  }
  HouseholdView view{std::move(**found), {}};
  auto history = store.History(code);
  if (!history.ok()) return history.error();
  view.history = std::move(*history);
  if (!RoleSeesMaskedData(caller.user.role)) {
    FUPIN_RETURN_IF_ERROR(
        AppendAudit(store, caller, view.stored.household.village_code, "person.read", code,
                    std::to_string(view.stored.household.members.size()) + " members unmasked"));
  }
  return view;
}

static Error MayNotWrite() {
  return Error{"E_FORBIDDEN", "您的角色无权修改户的数据", "your role may not write households"};
}

Result<StoredHousehold> CreateHousehold(Store& store, const Caller& caller, Household h,
                                        std::vector<CellIssue>& issues) {
  if (!RoleMay(caller.user.role, Permission::kWriteHousehold)) return MayNotWrite();
  auto existing = store.FindHousehold(h.household_code);
  if (!existing.ok()) return existing.error();
  if (existing->has_value()) {
    // Inside the scope the caller may know the household exists; outside it, only that
    // the code cannot be used (the same E_CONFLICT, no code or region named).
    if (caller.InScope((*existing)->household.village_code)) return CodeTaken(h.household_code);
    FUPIN_RETURN_IF_ERROR(AuditConflict(store, caller, h.household_code, "household code"));
    return CodeCannotBeUsed();
  }
  FUPIN_RETURN_IF_ERROR(Validate(store, caller, h, issues));
  if (HasErrors(issues)) return FirstError(issues);
  return Write(store, caller, h, std::nullopt);
}

Result<StoredHousehold> UpdateHousehold(Store& store, const Caller& caller, Household h,
                                        int64_t expected_version, std::vector<CellIssue>& issues) {
  if (!RoleMay(caller.user.role, Permission::kWriteHousehold)) return MayNotWrite();
  auto existing = store.FindHousehold(h.household_code);
  if (!existing.ok()) return existing.error();
  if (!existing->has_value()) return NotFound(h.household_code);
  if (!caller.InScope((*existing)->household.village_code)) {
    // Answered as if it did not exist, and audited.
    FUPIN_RETURN_IF_ERROR(AuditConflict(store, caller, h.household_code, "household code"));
    return NotFound(h.household_code);
  }
  FUPIN_RETURN_IF_ERROR(Validate(store, caller, h, issues));
  if (HasErrors(issues)) return FirstError(issues);
  return Write(store, caller, h, expected_version);
}

Result<std::vector<Household>> HouseholdsForExport(Store& store, const Caller& caller,
                                                   HouseholdQuery query) {
  if (!RoleMay(caller.user.role, Permission::kExport)) {
    return Error{"E_FORBIDDEN", "您的角色无权导出", "your role may not export"};
  }
  const bool masked = RoleSeesMaskedData(caller.user.role);
  query.offset = 0;
  query.limit = 1000000;
  auto page = SearchHouseholds(store, caller, query);
  if (!page.ok()) return page.error();
  std::vector<Household> out;
  out.reserve(page->items.size());
  for (auto& item : page->items) {
    Household& h = item.household;
    FUPIN_RETURN_IF_ERROR(store.LoadMembers(h));
    if (masked) {
      if (!h.phone.empty()) h.phone = "***";
      h.village_group = MaskPersonalNumbers(h.village_group);  // free text, as names
      for (Member& m : h.members) {
        m.id_number = MaskIdNumber(m.id_number);
        m.name = MaskPersonalNumbers(m.name);
        m.ethnicity = MaskPersonalNumbers(m.ethnicity);
      }
    }
    out.push_back(std::move(h));
  }
  FUPIN_RETURN_IF_ERROR(
      AppendAudit(store, caller, query.region, "export.households", query.region.ToString(),
                  std::to_string(out.size()) + " households" + (masked ? " masked" : "")));
  return out;
}

}  // namespace fupin
