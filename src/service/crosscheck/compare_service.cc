#include "service/crosscheck/compare_service.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "common/id_number.h"
#include "domain/codes.h"
#include "domain/criteria.h"
#include "domain/household_rules.h"
#include "service/accounts/audit_service.h"
#include "service/clock.h"
#include "service/crosscheck/compare_match.h"
#include "service/crosscheck/department_list.h"
#include "service/crosscheck/register_index.h"
#include "service/scratch.h"

namespace fupin {
namespace {

Error Forbidden() {
  return Error{"E_FORBIDDEN", "您的角色无权进行此操作", "your role may not do this"};
}

Error NoSuchRegion(RegionCode region) {
  return Error::NotFound("区划不存在：" + region.ToString(),
                         "no such region: " + region.ToString());
}

// The helper (帮扶责任人) whose assigned households bound what `caller` sees of the
// findings; "" for every other role (the region scope alone bounds them).
std::string HelperName(const Caller& caller) {
  return caller.user.role == Role::kHelper ? caller.user.username : std::string();
}

// Whether `caller` may see finding `f`: inside its region and, for a helper, of a household
// assigned to it.
Result<bool> SeesFinding(Store& store, const Caller& caller, const FindingRow& f) {
  if (!caller.InScope(RegionCode::FromInt(f.village_code))) return false;
  if (caller.user.role != Role::kHelper) return true;
  return store.compare().IsAssigned(caller.user.username, f.household_code);
}

// Keeps of a report's findings those `caller` may see (a helper: its households' only).
Status KeepVisibleFindings(Store& store, const Caller& caller, FindingBatch& findings) {
  if (caller.user.role != Role::kHelper) return Status::Ok();
  auto assigned = store.compare().AssignedHouseholds(caller.user.username);
  if (!assigned.ok()) return assigned.error();
  const std::unordered_set<std::string_view> mine(assigned->begin(), assigned->end());
  findings.EraseIf([&](size_t i) { return !mine.contains(findings.household_code(i)); });
  return Status::Ok();
}

ListChange Diff(const DepartmentListRow& previous, const std::vector<uint64_t>& before,
                const ListRows& now) {
  ListChange change;
  change.list_id = previous.id;
  change.as_of = previous.as_of;
  size_t i = 0, j = 0;
  while (i < before.size() || j < now.size()) {
    if (j == now.size() || (i < before.size() && before[i] < now[j].key)) {
      ++change.removed;
      ++i;
    } else if (i == before.size() || now[j].key < before[i]) {
      ++change.added;
      ++j;
    } else {
      ++i;
      ++j;
    }
  }
  return change;
}

Status StoreFindings(Store& store, std::deque<FindingRow>& findings) {
  const std::string now = NowIso8601();
  for (auto& f : findings) f.created_at = now;
  return store.compare().InsertFindings(findings);
}

Status StoreFindings(Store& store, FindingBatch& findings) {
  findings.set_created_at(NowIso8601());
  return store.compare().InsertBatch(findings);
}

}  // namespace

Result<CompareReport> CompareList(Store& store, const PolicySet& policy, const Caller& caller,
                                  const CompareRequest& request) {
  if (!RoleMay(caller.user.role, Permission::kCompare)) return Forbidden();
  const ListKindInfo* kind = FindListKind(request.kind);
  if (!kind) {
    std::string kinds;
    for (const auto& k : ListKinds()) kinds += (kinds.empty() ? "" : ", ") + std::string(k.key);
    return Error::Usage("未知的名单类型：" + request.kind + "（可用：" + kinds + "）",
                        "unknown list kind: " + request.kind + " (one of " + kinds + ")");
  }
  if (request.as_of > request.today) {
    return Error{"E_DATE", "比对基准日期不能晚于今天：" + request.as_of.ToString(),
                 "the as-of date lies in the future: " + request.as_of.ToString()};
  }
  if (!caller.InScope(request.region)) return NoSuchRegion(request.region);
  if (request.region.value() != 0) {
    auto region = store.GetRegion(request.region);
    if (!region.ok()) return region.error();
    if (!region->has_value()) return NoSuchRegion(request.region);
  }

  // The leftovers of killed runs (service/scratch.h); a failed sweep only leaves them.
  (void)CleanStale(store.file_path());

  const auto started = std::chrono::steady_clock::now();
  auto progress = [&](const char* zh) {
    if (!request.progress) return;
    char stamp[32];
    std::snprintf(
        stamp, sizeof stamp, "[%7.2f s] ",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    request.progress(stamp + std::string(zh));
  };
  progress("读取名单");
  ListReadOptions options;
  options.file_name = request.file_name;
  options.encoding = request.encoding;
  options.today = request.today;
  auto read = ReadDepartmentList(request.path, *kind, options);
  if (!read.ok()) return read.error();
  DepartmentList& list = *read;

  progress("打开登记库身份证号索引");
  auto index = RegisterIndex::Open(store);
  if (!index.ok()) return index.error();

  progress("比对");
  CompareReport report;
  report.kind = kind->key;
  report.rows = list.rows_read;
  report.index_rebuilt = (*index)->rebuilt();
  FindingSink sink(store, 0);
  const auto rules = RulesOf(kind->kind);
  FUPIN_RETURN_IF_ERROR(sink.LoadKnown(rules));
  report.matched = MatchAll(policy, **index, list, request, sink);
  report.known = sink.known();
  progress("比对完成，整理核查发现");

  DepartmentListRow& row = report.list;
  row.kind = kind->key;
  row.as_of = request.as_of.ToString();
  row.region_code = request.region.value();
  row.uploaded_by = caller.user.username;
  row.uploaded_at = NowIso8601();
  row.file_name = list.file_name;
  row.checksum = list.checksum;
  row.rows = list.rows_read;
  row.matched = report.matched;
  row.errors = static_cast<int64_t>(list.errors.size());
  row.findings = static_cast<int64_t>(sink.batch().size());
  row.known = report.known;

  std::vector<uint64_t> keys;
  keys.reserve(list.rows.size());
  for (const auto& r : list.rows) keys.push_back(r.key);

  progress("写入名单和核查发现");
  FUPIN_RETURN_IF_ERROR(store.BeginAddingFindings(static_cast<int64_t>(sink.batch().size())));
  auto fail = [&](const Error& e) -> Error {
    store.Rollback();
    return e;
  };
  if (Status s = store.compare().InsertList(row, keys); !s.ok()) return fail(s.error());
  progress("与上一份名单对照");
  auto previous = store.compare().PreviousList(row.kind, request.region, row.id);
  if (!previous.ok()) return fail(previous.error());
  if (previous->has_value())
    report.previous = Diff((*previous)->first, (*previous)->second, list.rows);
  sink.set_list_id(row.id);
  progress("写入核查发现");
  if (Status s = StoreFindings(store, sink.batch()); !s.ok()) return fail(s.error());
  // A finding stored by another comparison since this one looked is known, not new.
  {
    auto& batch = sink.batch();
    const size_t dropped = batch.EraseIf([&](size_t i) { return batch.id(i) == 0; });
    report.known += static_cast<int64_t>(dropped);
    row.findings = static_cast<int64_t>(batch.size());
    row.known = report.known;
    if (dropped != 0) {
      if (Status s = store.compare().UpdateListCounts(row); !s.ok()) return fail(s.error());
    }
  }
  if (Status s = AppendAudit(store, caller, RegionCode::FromInt(row.region_code), "compare.load",
                             "list:" + std::to_string(row.id),
                             std::string(kind->key) + " rows=" + std::to_string(row.rows) +
                                 " matched=" + std::to_string(row.matched) +
                                 " findings=" + std::to_string(row.findings));
      !s.ok()) {
    return fail(s.error());
  }
  if (!request.out_file.empty()) {
    if (Status s = AppendAudit(store, caller, RegionCode::FromInt(row.region_code),
                               "export.findings", "list:" + std::to_string(row.id),
                               std::to_string(row.findings) + " findings to " + request.out_file);
        !s.ok()) {
      return fail(s.error());
    }
  }
  progress("提交");
  FUPIN_RETURN_IF_ERROR(store.Commit());
  progress("完成");

  report.findings = std::move(sink.batch());
  report.errors = std::move(list.errors);
  FUPIN_RETURN_IF_ERROR(KeepVisibleFindings(store, caller, report.findings));
  return report;
}

Result<CompareReport> CheckQuality(Store& store, const Caller& caller, RegionCode region) {
  if (!RoleMay(caller.user.role, Permission::kDecideFindings)) return Forbidden();
  if (!caller.InScope(region)) return NoSuchRegion(region);
  if (region.value() != 0) {
    auto found = store.GetRegion(region);
    if (!found.ok()) return found.error();
    if (!found->has_value()) return NoSuchRegion(region);
  }
  CompareReport report;
  report.kind = "quality";
  FindingSink sink(store, 0);
  const std::vector<std::string> rules = {"cause_mismatch", "income_outlier", "no_helper",
                                          "duplicate_person"};
  FUPIN_RETURN_IF_ERROR(sink.LoadKnown(rules));
  std::unordered_set<std::string> assigned;
  FUPIN_RETURN_IF_ERROR(store.compare().ForEachAssignedHousehold(
      [&](std::string_view code) { assigned.insert(std::string(code)); }));

  // (village, name, birth date) → the persons with them, for duplicate_person.
  struct Person {
    std::string household_code, id_number, name;
    int64_t village = 0;
  };
  std::map<std::tuple<int64_t, std::string, int32_t>, std::vector<Person>> people;
  auto household_finding = [&](const Household& h, const char* rule, std::string detail) {
    if (FindingRow* f = sink.Add(rule, h.household_code)) {
      f->subject = h.household_code;
      f->village_code = h.village_code.value();
      f->household_code = h.household_code;
      if (const Member* head = h.Head()) f->name = head->name;
      f->detail = std::move(detail);
    }
  };
  Status scan = store.ForEachHousehold(region, [&](const Household& h) -> Status {
    ++report.rows;
    std::vector<RuleIssue> issues;
    CheckHouseholdMembers(h, issues);
    for (const auto& issue : issues) {
      if (issue.code == "W_CAUSE_MISMATCH") household_finding(h, "cause_mismatch", issue.zh);
      if (issue.code == "W_INCOME_OUTLIER") household_finding(h, "income_outlier", issue.zh);
    }
    const bool registered = h.kind == code::kRegistered && h.poverty_status != code::kRemoved;
    const bool monitored = h.monitor_status == code::kMonitoring;
    if ((registered || monitored) && !assigned.contains(h.household_code)) {
      household_finding(h, "no_helper",
                        registered ? "建档立卡户没有帮扶责任人" : "监测对象户没有帮扶责任人");
    }
    for (const auto& m : h.members) {
      if (!m.birth_date) continue;
      people[{h.village_code.value(), m.name, m.birth_date->days()}].push_back(
          {h.household_code, m.id_number, m.name, h.village_code.value()});
    }
    return Status::Ok();
  });
  if (!scan.ok()) return scan.error();
  for (const auto& [key, persons] : people) {
    if (persons.size() < 2) continue;
    for (const auto& p : persons) {
      std::string others;
      for (const auto& q : persons) {
        if (q.household_code != p.household_code &&
            others.find(q.household_code) == std::string::npos) {
          others += (others.empty() ? "" : "、") + q.household_code;
        }
      }
      if (others.empty()) continue;  // twice in one household is the import's E_ID_DUPLICATE
      if (FindingRow* f = sink.Add("duplicate_person", p.id_number)) {
        f->village_code = p.village;
        f->household_code = p.household_code;
        f->id_number = p.id_number;
        f->name = p.name;
        f->detail = "与本村户 " + others + " 的成员同名且出生日期相同（" +
                    Date::FromDays(std::get<2>(key)).ToString() + "）";
      }
    }
  }
  report.known = sink.known();
  FUPIN_RETURN_IF_ERROR(store.BeginAddingFindings(static_cast<int64_t>(sink.rows().size())));
  if (Status s = StoreFindings(store, sink.rows()); !s.ok()) {
    store.Rollback();
    return s.error();
  }
  report.known += static_cast<int64_t>(
      std::erase_if(sink.rows(), [](const FindingRow& f) { return f.id == 0; }));
  if (Status s = AppendAudit(store, caller, region, "check.quality", region.ToString(),
                             "findings=" + std::to_string(sink.rows().size()));
      !s.ok()) {
    store.Rollback();
    return s.error();
  }
  FUPIN_RETURN_IF_ERROR(store.Commit());
  report.findings = FindingBatch::FromRows(sink.rows());
  FUPIN_RETURN_IF_ERROR(KeepVisibleFindings(store, caller, report.findings));
  return report;
}

Result<FindingPage> SearchFindings(Store& store, const Caller& caller, FindingQuery query) {
  if (!RoleMay(caller.user.role, Permission::kRead)) return Forbidden();
  if (query.region.value() == 0) query.region = caller.user.region;
  if (!caller.InScope(query.region)) return NoSuchRegion(query.region);
  query.assigned_to = HelperName(caller);
  auto page = store.compare().SearchFindings(query);
  if (!page.ok()) return page.error();
  // ID numbers shown whole are an unmasked read: one audit record for the request.
  if (!RoleSeesMaskedData(caller.user.role)) {
    const auto unmasked = std::count_if(page->items.begin(), page->items.end(),
                                        [](const FindingRow& f) { return !f.id_number.empty(); });
    if (unmasked > 0) {
      FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, query.region, "findings.read",
                                        query.region.ToString(),
                                        std::to_string(unmasked) + " findings unmasked"));
    }
  }
  return page;
}

Result<std::vector<FindingCount>> CountFindings(Store& store, const Caller& caller,
                                                RegionCode region) {
  if (!RoleMay(caller.user.role, Permission::kRead)) return Forbidden();
  if (region.value() == 0) region = caller.user.region;
  if (!caller.InScope(region)) return NoSuchRegion(region);
  return store.compare().CountFindings(region, HelperName(caller));
}

Result<FindingRow> DecideFinding(Store& store, const Caller& caller, int64_t id, bool confirm,
                                 const std::string& reason) {
  auto found = store.compare().GetFinding(id);
  if (!found.ok()) return found.error();
  const std::string reason_text(TrimSpaces(reason));
  auto visible = found->has_value() ? SeesFinding(store, caller, **found) : Result<bool>(false);
  if (!visible.ok()) return visible.error();
  if (!*visible) {
    return Error::NotFound("没有这条核查发现：" + std::to_string(id),
                           "no such finding: " + std::to_string(id));
  }
  if (!RoleMay(caller.user.role, Permission::kDecideFindings)) return Forbidden();
  FindingRow row = std::move(**found);
  if (row.status != "open") {
    return Error{"E_CONFLICT", "这条核查发现已处理（" + row.status + "）",
                 "the finding has been decided already (" + row.status + ")"};
  }
  if (reason_text.size() > 2000) {
    return Error{"E_FORMAT", "理由过长（最多 2000 字节）",
                 "the reason is too long (2000 bytes at most)"};
  }
  if (!confirm && reason_text.empty()) {
    return Error{"E_REQUIRED", "排除核查发现需要填写理由", "a dismissal needs a reason"};
  }
  row.status = confirm ? "confirmed" : "dismissed";
  row.reason = reason_text;
  row.decided_by = caller.user.username;
  row.decided_at = NowIso8601();
  FUPIN_RETURN_IF_ERROR(store.Begin());
  Status s = store.compare().DecideFinding(row);
  if (s.ok()) {
    s = AppendAudit(store, caller, RegionCode::FromInt(row.village_code),
                    confirm ? "finding.confirm" : "finding.dismiss",
                    "finding:" + std::to_string(id), row.rule);
  }
  if (!s.ok()) {
    store.Rollback();
    return s.error();
  }
  FUPIN_RETURN_IF_ERROR(store.Commit());
  return row;
}

Result<std::vector<DepartmentListRow>> ListDepartmentLists(Store& store, const Caller& caller,
                                                           const std::string& kind) {
  if (!RoleMay(caller.user.role, Permission::kRead)) return Forbidden();
  if (!kind.empty() && !FindListKind(kind)) {
    return Error::Usage("未知的名单类型：" + kind, "unknown list kind: " + kind);
  }
  // Lists of regions inside the caller's, and lists covering it (the whole register, its
  // county …): their findings in the caller's region are the caller's.
  auto lists = store.compare().Lists(kind, RegionCode::Nation());
  if (!lists.ok()) return lists.error();
  std::vector<DepartmentListRow> out;
  for (auto& l : *lists) {
    const RegionCode region = RegionCode::FromInt(l.region_code);
    if (caller.InScope(region) || region.Contains(caller.user.region)) out.push_back(std::move(l));
  }
  return out;
}

Status AssignHelper(Store& store, const Caller& caller, const std::string& username,
                    const std::vector<std::string>& household_codes, bool assign) {
  if (!RoleMay(caller.user.role, Permission::kAssignHelpers)) return Forbidden();
  auto user = store.accounts().GetUser(username);
  if (!user.ok()) return user.error();
  const RegionCode user_region =
      user->has_value() ? RegionCode::FromInt((*user)->region_code) : RegionCode::Nation();
  if (!user->has_value() || (*user)->role != "helper" || !caller.InScope(user_region)) {
    return Error::NotFound("没有这个帮扶责任人账户：" + username,
                           "no such helper account: " + username);
  }
  FUPIN_RETURN_IF_ERROR(store.Begin());
  auto fail = [&](const Error& e) -> Status {
    store.Rollback();
    return e;
  };
  const std::string now = NowIso8601();
  // The account's helper (storage/helper_store.h), managed by the account's region.
  if (assign) {
    auto helper = store.helpers().EnsureAccountHelper(username, user_region.value(), now);
    if (!helper.ok()) return fail(helper.error());
  }
  for (const auto& code : household_codes) {
    auto household = store.FindHousehold(code);
    if (!household.ok()) return fail(household.error());
    if (!household->has_value() || !caller.InScope((*household)->household.village_code) ||
        !user_region.Contains((*household)->household.village_code)) {
      return fail(Error::NotFound("户编号不存在或不在帮扶责任人的区划内：" + code,
                                  "no such household within the helper's region: " + code));
    }
    Status s = assign ? store.compare().Assign(username, code, now)
                      : store.compare().Unassign(username, code, now);
    if (s.ok()) {
      s = AppendAudit(store, caller, (*household)->household.village_code,
                      assign ? "helper.assign" : "helper.unassign", code, username);
    }
    if (!s.ok()) return fail(s.error());
  }
  return store.Commit();
}

Result<std::vector<FindingRow>> FindingsForExport(Store& store, const Caller& caller,
                                                  FindingQuery query) {
  if (!RoleMay(caller.user.role, Permission::kExport)) return Forbidden();
  const bool masked = RoleSeesMaskedData(caller.user.role);
  query.offset = 0;
  query.limit = 0;
  auto page = SearchFindings(store, caller, query);
  if (!page.ok()) return page.error();
  if (masked) {
    for (FindingRow& f : page->items) {
      f.id_number = MaskIdNumber(f.id_number);
      f.name = MaskPersonalNumbers(f.name);
      f.detail = MaskPersonalNumbers(f.detail);
      f.reason = MaskPersonalNumbers(f.reason);
    }
  }
  FUPIN_RETURN_IF_ERROR(
      AppendAudit(store, caller, query.region, "export.findings", query.region.ToString(),
                  std::to_string(page->items.size()) + " findings" + (masked ? " masked" : "")));
  return std::move(page->items);
}

}  // namespace fupin
