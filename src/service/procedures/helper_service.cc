#include "service/procedures/helper_service.h"

#include <map>
#include <set>
#include <utility>

#include "common/id_number.h"
#include "exchange/table.h"
#include "service/accounts/audit_service.h"
#include "service/clock.h"
#include "service/transaction.h"

namespace fupin {
namespace {

constexpr size_t kMaxNameChars = 64;
constexpr size_t kMaxUnitChars = 128;

size_t CharCount(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string Trim(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  return std::string(text.substr(b, e - b));
}

Error NoSuchHelper(int64_t id) {
  return Error::NotFound("没有这个帮扶责任人：" + std::to_string(id),
                         "no such helper: " + std::to_string(id));
}
Error NoSuchHousehold(const std::string& code) {
  return Error::NotFound("户编号不存在：" + code, "no such household: " + code);
}
Error NoSuchVillage(RegionCode code) {
  return Error::NotFound("村不存在：" + code.ToString(), "no such village: " + code.ToString());
}
Error MayNotManage() {
  return Error{"E_FORBIDDEN", "您的角色无权管理帮扶责任人和驻村工作队",
               "your role may not manage helpers and work teams"};
}
Error Required(const std::string& zh, const std::string& en) {
  return Error{"E_REQUIRED", "缺少" + zh, en + " is required"};
}

// A name or work unit: trimmed, at most `max` characters, without control characters.
Result<std::string> Text(std::string_view value, size_t max, const char* zh, const char* en) {
  std::string t = Trim(value);
  bool control = false;
  for (char c : t) control = control || (static_cast<unsigned char>(c) < 0x20);
  if (CharCount(t) > max || control) {
    return Error{"E_FORMAT", std::string(zh) + "过长或含有控制字符",
                 std::string(en) + " is too long or holds control characters"};
  }
  return t;
}

// A date of a fact: YYYY-MM-DD, not after today.
Result<Date> PastDate(std::string_view text, const char* zh, const char* en) {
  auto d = Date::Parse(text);
  if (!d.ok()) {
    return Error{"E_DATE", std::string(zh) + "不是日期（YYYY-MM-DD）：" + std::string(text),
                 std::string(en) + " is not a date (YYYY-MM-DD): " + std::string(text)};
  }
  if (*d > Date::Today()) {
    return Error{"E_DATE", std::string(zh) + "不能晚于今天", std::string(en) + " is after today"};
  }
  return *d;
}

HelperRow Shown(HelperRow h, bool masked) {
  if (masked) h.phone = MaskPhone(h.phone);
  return h;
}

// Whether `caller` may see helper `h` (the header's rule).
Result<bool> Sees(Store& store, const Caller& caller, const HelperRow& h) {
  if (caller.user.role == Role::kHelper) {
    if (!h.username.empty() && h.username == caller.user.username) return true;
    return store.helpers().SharesHousehold(caller.user.username, h.id);
  }
  if (caller.InScope(RegionCode::FromInt(h.region_code))) return true;
  return store.helpers().HelperServesIn(h.id, caller.user.region);
}

Result<HelperRow> VisibleHelper(Store& store, const Caller& caller, int64_t id) {
  auto h = store.helpers().GetHelper(id);
  if (!h.ok()) return h.error();
  if (!h->has_value()) return NoSuchHelper(id);
  auto sees = Sees(store, caller, **h);
  if (!sees.ok()) return sees.error();
  if (!*sees) return NoSuchHelper(id);
  return std::move(**h);
}

// A helper the caller may change: seen, and managed inside the caller's region.
Result<HelperRow> ManagedHelper(Store& store, const Caller& caller, int64_t id) {
  auto h = VisibleHelper(store, caller, id);
  if (!h.ok()) return h.error();
  if (!caller.InScope(RegionCode::FromInt(h->region_code))) {
    return Error{"E_FORBIDDEN", "此帮扶责任人由其他区划管理", "another region manages this helper"};
  }
  return h;
}

// A household the caller may read (the helper role: only its own).
Result<StoredHousehold> ReadableHousehold(Store& store, const Caller& caller,
                                          const std::string& code) {
  auto found = store.FindHousehold(code);
  if (!found.ok()) return found.error();
  if (!found->has_value() || !caller.InScope((*found)->household.village_code)) {
    return NoSuchHousehold(code);
  }
  if (caller.user.role == Role::kHelper) {
    auto assigned = store.compare().IsAssigned(caller.user.username, code);
    if (!assigned.ok()) return assigned.error();
    if (!*assigned) return NoSuchHousehold(code);
  }
  return std::move(**found);
}

// A village of the tree in the caller's scope.
Status KnownVillage(Store& store, const Caller& caller, RegionCode village) {
  if (village.level() != RegionLevel::kVillage || !caller.InScope(village)) {
    return NoSuchVillage(village);
  }
  auto row = store.GetRegion(village);
  if (!row.ok()) return row.error();
  if (!row->has_value()) return NoSuchVillage(village);
  return Status::Ok();
}

// A managing region: the nation for a caller of the nation, else a region of the tree
// inside the caller's scope (E_REGION, the same for outside and unknown).
Status ManagingRegion(Store& store, const Caller& caller, RegionCode region) {
  Error bad{"E_REGION", "区划代码不在区划库中或不在您的区划内：" + region.ToString(),
            "not a region of the tree within your region: " + region.ToString()};
  if (!caller.InScope(region)) return bad;
  if (region == RegionCode::Nation()) return Status::Ok();
  auto row = store.GetRegion(region);
  if (!row.ok()) return row.error();
  if (!row->has_value()) return bad;
  return Status::Ok();
}

// A `helper` account in the caller's scope that no other helper than `self` is linked to.
Status LinkableAccount(Store& store, const Caller& caller, const std::string& username,
                       int64_t self) {
  auto user = store.accounts().GetUser(username);
  if (!user.ok()) return user.error();
  if (!user->has_value() || (*user)->role != "helper" ||
      !caller.InScope(RegionCode::FromInt((*user)->region_code))) {
    return Error::NotFound("没有这个帮扶责任人账户：" + username,
                           "no such helper account: " + username);
  }
  auto other = store.helpers().FindHelperByUsername(username);
  if (!other.ok()) return other.error();
  if (other->has_value() && (*other)->id != self) {
    return Error::Conflict("此账户已关联另一位帮扶责任人：" + username,
                           "this account is linked to another helper: " + username);
  }
  return Status::Ok();
}

// Audits a read that showed phones unmasked.
Status AuditRead(Store& store, const Caller& caller, RegionCode region, const std::string& target,
                 size_t count) {
  if (RoleSeesMaskedData(caller.user.role) || count == 0) return Status::Ok();
  return AppendAudit(store, caller, region, "helper.read", target,
                     std::to_string(count) + " phones unmasked");
}

}  // namespace

Status MayManageHelpers(const Caller& caller) {
  if (!RoleMay(caller.user.role, Permission::kManageHelpers)) return MayNotManage();
  return Status::Ok();
}

Result<std::string> NormalizePhone(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9' || digits.size() > 16) {
      digits.clear();
      digits.push_back('x');
      break;
    }
    digits.push_back(c);
  }
  if (digits.size() == 11 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9') {
    return digits;
  }
  if (digits.size() >= 10 && digits[0] == '0' && digits[1] != '0') {
    const size_t area = (digits[1] == '1' || digits[1] == '2') ? 3 : 4;
    const size_t number = digits.size() - area;
    if (number >= 7 && number <= 8 && digits[area] != '0' && digits[area] != '1') {
      return digits.substr(0, area) + "-" + digits.substr(area);
    }
  }
  return Error{"E_PHONE", "联系电话应为手机号码（11 位）或固定电话（区号-号码）",
               "a phone is a mobile number (11 digits) or a landline (area code-number)"};
}

Result<HelperRow> AddHelper(Store& store, const Caller& caller, HelperInput input) {
  FUPIN_RETURN_IF_ERROR(MayManageHelpers(caller));
  HelperRow row;
  auto name = Text(input.name, kMaxNameChars, "姓名", "the name");
  if (!name.ok()) return name.error();
  if (name->empty()) return Required("帮扶责任人姓名", "the helper's name");
  auto unit = Text(input.work_unit, kMaxUnitChars, "工作单位", "the work unit");
  if (!unit.ok()) return unit.error();
  if (Trim(input.phone).empty()) return Required("联系电话", "the phone");
  auto phone = NormalizePhone(input.phone);
  if (!phone.ok()) return phone.error();
  FUPIN_RETURN_IF_ERROR(ManagingRegion(store, caller, input.region));
  row.region_code = input.region.value();
  row.name = std::move(*name);
  row.work_unit = std::move(*unit);
  row.phone = std::move(*phone);
  row.username = input.username;
  row.created_at = NowIso8601();
  row.created_by = caller.user.username;
  return InTransaction(store, [&]() -> Result<HelperRow> {
    if (!row.username.empty())
      FUPIN_RETURN_IF_ERROR(LinkableAccount(store, caller, row.username, 0));
    FUPIN_RETURN_IF_ERROR(store.helpers().InsertHelper(row));
    FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, RegionCode::FromInt(row.region_code),
                                      "helper.add", std::to_string(row.id),
                                      row.username.empty() ? "" : "account " + row.username));
    return row;
  });
}

Result<HelperRow> UpdateHelper(Store& store, const Caller& caller, int64_t id,
                               const HelperPatch& patch) {
  FUPIN_RETURN_IF_ERROR(MayManageHelpers(caller));
  return InTransaction(store, [&]() -> Result<HelperRow> {
    auto row = ManagedHelper(store, caller, id);
    if (!row.ok()) return row.error();
    std::vector<std::string> changed;
    if (patch.name) {
      auto name = Text(*patch.name, kMaxNameChars, "姓名", "the name");
      if (!name.ok()) return name.error();
      if (name->empty()) return Required("帮扶责任人姓名", "the helper's name");
      row->name = std::move(*name);
      changed.push_back("name");
    }
    if (patch.work_unit) {
      auto unit = Text(*patch.work_unit, kMaxUnitChars, "工作单位", "the work unit");
      if (!unit.ok()) return unit.error();
      row->work_unit = std::move(*unit);
      changed.push_back("work_unit");
    }
    if (patch.phone) {
      if (Trim(*patch.phone).empty()) return Required("联系电话", "the phone");
      auto phone = NormalizePhone(*patch.phone);
      if (!phone.ok()) return phone.error();
      row->phone = std::move(*phone);
      changed.push_back("phone");
    }
    if (patch.region) {
      FUPIN_RETURN_IF_ERROR(ManagingRegion(store, caller, *patch.region));
      row->region_code = patch.region->value();
      changed.push_back("region");
    }
    if (patch.username) {
      if (!patch.username->empty()) {
        FUPIN_RETURN_IF_ERROR(LinkableAccount(store, caller, *patch.username, id));
      }
      row->username = *patch.username;
      changed.push_back("username");
    }
    FUPIN_RETURN_IF_ERROR(store.helpers().UpdateHelper(*row));
    std::string detail;
    for (const auto& c : changed) detail += (detail.empty() ? "" : ",") + c;
    FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, RegionCode::FromInt(row->region_code),
                                      "helper.update", std::to_string(id), detail));
    return row;
  });
}

Result<HelperRow> GetHelper(Store& store, const Caller& caller, int64_t id) {
  auto h = VisibleHelper(store, caller, id);
  if (!h.ok()) return h.error();
  FUPIN_RETURN_IF_ERROR(AuditRead(store, caller, RegionCode::FromInt(h->region_code),
                                  "helper:" + std::to_string(id), h->phone.empty() ? 0 : 1));
  return Shown(std::move(*h), RoleSeesMaskedData(caller.user.role));
}

Result<HelperPage> ListHelpers(Store& store, const Caller& caller, HelperQuery query) {
  if (!caller.InScope(query.region)) {
    return Error::NotFound("区划不存在：" + query.region.ToString(),
                           "no such region: " + query.region.ToString());
  }
  query.seen_by_helper.clear();
  if (caller.user.role == Role::kHelper) query.seen_by_helper = caller.user.username;
  auto page = store.helpers().SearchHelpers(query);
  if (!page.ok()) return page.error();
  const bool masked = RoleSeesMaskedData(caller.user.role);
  for (auto& h : page->items) h = Shown(std::move(h), masked);
  FUPIN_RETURN_IF_ERROR(AuditRead(store, caller, query.region, "helpers:" + query.region.ToString(),
                                  page->items.size()));
  return page;
}

Status AssignHelperToHouseholds(Store& store, const Caller& caller, int64_t helper_id,
                                const std::vector<std::string>& household_codes,
                                std::optional<Date> since) {
  FUPIN_RETURN_IF_ERROR(MayManageHelpers(caller));
  const std::string from = (since ? *since : Date::Today()).ToString();
  if (since && *since > Date::Today()) {
    return Error{"E_DATE", "开始日期不能晚于今天", "the start date is after today"};
  }
  auto done = InTransaction(store, [&]() -> Result<bool> {
    auto helper = ManagedHelper(store, caller, helper_id);
    if (!helper.ok()) return helper.error();
    for (const auto& code : household_codes) {
      auto household = ReadableHousehold(store, caller, code);
      if (!household.ok()) return household.error();
      auto begun = store.helpers().BeginAssignment(
          helper_id, household->household.village_code.county().value(), code, from);
      if (!begun.ok()) return begun.error();
      if (*begun) {
        FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, household->household.village_code,
                                          "helper.assign", code,
                                          "helper " + std::to_string(helper_id) + " from " + from));
      }
    }
    return true;
  });
  if (!done.ok()) return done.error();
  return Status::Ok();
}

Status UnassignHelperFromHouseholds(Store& store, const Caller& caller, int64_t helper_id,
                                    const std::vector<std::string>& household_codes) {
  FUPIN_RETURN_IF_ERROR(MayManageHelpers(caller));
  const std::string today = Date::Today().ToString();
  auto done = InTransaction(store, [&]() -> Result<bool> {
    auto helper = ManagedHelper(store, caller, helper_id);
    if (!helper.ok()) return helper.error();
    for (const auto& code : household_codes) {
      auto household = ReadableHousehold(store, caller, code);
      if (!household.ok()) return household.error();
      auto ended = store.helpers().EndAssignment(helper_id, code, today);
      if (!ended.ok()) return ended.error();
      if (*ended) {
        FUPIN_RETURN_IF_ERROR(
            AppendAudit(store, caller, household->household.village_code, "helper.unassign", code,
                        "helper " + std::to_string(helper_id) + " until " + today));
      }
    }
    return true;
  });
  if (!done.ok()) return done.error();
  return Status::Ok();
}

Result<std::vector<HelperAssignmentRow>> HouseholdHelpers(Store& store, const Caller& caller,
                                                          const std::string& household_code) {
  auto household = ReadableHousehold(store, caller, household_code);
  if (!household.ok()) return household.error();
  auto rows = store.helpers().HouseholdAssignments(household_code);
  if (!rows.ok()) return rows.error();
  const bool masked = RoleSeesMaskedData(caller.user.role);
  for (auto& r : *rows) r.helper = Shown(std::move(r.helper), masked);
  FUPIN_RETURN_IF_ERROR(
      AuditRead(store, caller, household->household.village_code, household_code, rows->size()));
  return rows;
}

Result<std::vector<HelperAssignmentRow>> HelperHouseholds(Store& store, const Caller& caller,
                                                          int64_t helper_id) {
  auto helper = VisibleHelper(store, caller, helper_id);
  if (!helper.ok()) return helper.error();
  auto rows = store.helpers().HelperAssignments(helper_id);
  if (!rows.ok()) return rows.error();
  std::vector<HelperAssignmentRow> out;
  const bool masked = RoleSeesMaskedData(caller.user.role);
  for (auto& r : *rows) {
    // Only the households the caller may read.
    if (r.village_code == 0 || !caller.InScope(RegionCode::FromInt(r.village_code))) continue;
    if (caller.user.role == Role::kHelper) {
      auto assigned = store.compare().IsAssigned(caller.user.username, r.household_code);
      if (!assigned.ok()) return assigned.error();
      if (!*assigned) continue;
    }
    r.helper = Shown(std::move(r.helper), masked);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<HelperRow>> CurrentHelpers(Store& store, const std::string& household_code) {
  auto rows = store.helpers().HouseholdAssignments(household_code);
  if (!rows.ok()) return rows.error();
  std::vector<HelperRow> out;
  for (auto& r : *rows) {
    if (r.until.empty()) out.push_back(std::move(r.helper));
  }
  return out;
}

Result<WorkTeamMemberRow> AddTeamMember(Store& store, const Caller& caller, RegionCode village,
                                        const TeamMemberInput& input) {
  FUPIN_RETURN_IF_ERROR(MayManageHelpers(caller));
  FUPIN_RETURN_IF_ERROR(KnownVillage(store, caller, village));
  WorkTeamMemberRow row;
  row.village_code = village.value();
  if (input.role.empty()) return Required("职务（role）", "the role");
  if (input.role != "first_secretary" && input.role != "leader" && input.role != "member") {
    return Error{"E_CODE", "职务应为 first_secretary（第一书记）、leader（队长）或 member（队员）",
                 "role is first_secretary, leader or member"};
  }
  row.role = input.role;
  auto name = Text(input.name, kMaxNameChars, "姓名", "the name");
  if (!name.ok()) return name.error();
  if (name->empty()) return Required("姓名", "the name");
  row.name = std::move(*name);
  auto unit = Text(input.work_unit, kMaxUnitChars, "工作单位", "the work unit");
  if (!unit.ok()) return unit.error();
  row.work_unit = std::move(*unit);
  if (!Trim(input.phone).empty()) {
    auto phone = NormalizePhone(input.phone);
    if (!phone.ok()) return phone.error();
    row.phone = std::move(*phone);
  }
  if (input.started_on.empty()) return Required("到任日期（started_on）", "started_on");
  auto started = PastDate(input.started_on, "到任日期", "started_on");
  if (!started.ok()) return started.error();
  row.started_on = started->ToString();
  return InTransaction(store, [&]() -> Result<WorkTeamMemberRow> {
    FUPIN_RETURN_IF_ERROR(store.helpers().InsertTeamMember(row));
    FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, village, "team.add", std::to_string(row.id),
                                      row.role + " from " + row.started_on));
    return row;
  });
}

Result<WorkTeamMemberRow> EndTeamMember(Store& store, const Caller& caller, RegionCode village,
                                        int64_t id, const std::string& ended_on) {
  FUPIN_RETURN_IF_ERROR(MayManageHelpers(caller));
  FUPIN_RETURN_IF_ERROR(KnownVillage(store, caller, village));
  Date end = Date::Today();
  if (!ended_on.empty()) {
    auto d = PastDate(ended_on, "离任日期", "ended_on");
    if (!d.ok()) return d.error();
    end = *d;
  }
  return InTransaction(store, [&]() -> Result<WorkTeamMemberRow> {
    auto row = store.helpers().GetTeamMember(id);
    if (!row.ok()) return row.error();
    if (!row->has_value() || (*row)->village_code != village.value()) {
      return Error::NotFound("驻村工作队中没有这位成员：" + std::to_string(id),
                             "no such work team member: " + std::to_string(id));
    }
    WorkTeamMemberRow member = std::move(**row);
    if (!member.ended_on.empty()) {
      return Error::Conflict("这位成员已于 " + member.ended_on + " 离任",
                             "this member left on " + member.ended_on);
    }
    if (end.ToString() < member.started_on) {
      return Error{"E_DATE", "离任日期早于到任日期", "ended_on is before started_on"};
    }
    member.ended_on = end.ToString();
    FUPIN_RETURN_IF_ERROR(store.helpers().EndTeamMember(id, member.ended_on));
    FUPIN_RETURN_IF_ERROR(
        AppendAudit(store, caller, village, "team.end", std::to_string(id), member.ended_on));
    return member;
  });
}

Result<std::vector<WorkTeamMemberRow>> WorkTeam(Store& store, const Caller& caller,
                                                RegionCode village) {
  FUPIN_RETURN_IF_ERROR(KnownVillage(store, caller, village));
  auto rows = store.helpers().TeamMembers(village.value());
  if (!rows.ok()) return rows.error();
  const bool masked = RoleSeesMaskedData(caller.user.role);
  size_t phones = 0;
  for (auto& r : *rows) {
    phones += !r.phone.empty();
    if (masked) r.phone = MaskPhone(r.phone);
  }
  FUPIN_RETURN_IF_ERROR(AuditRead(store, caller, village, "team:" + village.ToString(), phones));
  return rows;
}

}  // namespace fupin
