#include "service/crosscheck/compare_service.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "common/id_number.h"
#include "domain/codes.h"
#include "domain/criteria.h"
#include "domain/household_rules.h"
#include "service/accounts/audit_service.h"
#include "service/clock.h"
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

std::string Yuan(int64_t fen) { return Money::FromFen(fen).ToString(); }

// The row's columns as a JSON object, extra columns included (they are kept and shown).
std::string RowJson(const DepartmentList& list, const ListRow& row) {
  std::string_view record = list.text.substr(row.offset, row.length);
  std::string out = "{";
  out.reserve(row.length + 16 * list.header.size());
  for (size_t i = 0; i < list.header.size(); ++i) {
    const size_t sep = record.find(list.separator);
    const std::string_view cell = TrimSpaces(record.substr(0, sep));
    record = sep == std::string_view::npos ? std::string_view() : record.substr(sep + 1);
    if (list.header[i].empty()) continue;
    if (out.size() > 1) out.push_back(',');
    AppendJsonString(out, list.header[i]);
    out.push_back(':');
    AppendJsonString(out, cell);
  }
  out.push_back('}');
  return out;
}

// The rules a kind can raise, in a fixed order (name_mismatch first for every kind).
std::vector<std::string> RulesOf(ListKind kind) {
  std::vector<std::string> rules = {"name_mismatch"};
  switch (kind) {
    case ListKind::kDeaths:
      rules.push_back("deceased_member");
      break;
    case ListKind::kPublicEmployees:
      rules.push_back("public_employee");
      break;
    case ListKind::kVehicles:
      rules.push_back("vehicle");
      break;
    case ListKind::kBusinesses:
      rules.push_back("business");
      break;
    case ListKind::kHousing:
      rules.push_back("commercial_housing");
      break;
    case ListKind::kDibao:
      rules.insert(rules.end(), {"dibao_not_recorded", "dibao_recorded_not_on_roll"});
      break;
    case ListKind::kStudents:
      rules.insert(rules.end(), {"dropout", "school_roll_missing"});
      break;
    case ListKind::kMedicalInsurance:
      rules.insert(rules.end(), {"not_insured", "medical_alert"});
      break;
    case ListKind::kDisability:
      rules.push_back("disability_not_recorded");
      break;
  }
  return rules;
}

// The birth date inside a packed (validated) ID number.
Date BirthDateOf(uint64_t key) {
  char text[18];
  const std::string_view id = UnpackIdNumber(key, text);
  auto digits = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (id[i] - '0');
    return v;
  };
  auto date = Date::FromYmd(digits(6, 4), digits(10, 2), digits(12, 2));
  return date.ok() ? *date : Date();
}

// Collects the findings of one run: skips those already on file, fills the common fields.
class FindingSink {
 public:
  FindingSink(Store& store, int64_t created_list) : store_(store), list_id_(created_list) {}

  // `rules` must outlive the sink (its names key the sets).
  Status LoadKnown(const std::vector<std::string>& rules) {
    for (const auto& rule : rules) {
      auto& set = known_[std::string_view(rule)];
      FUPIN_RETURN_IF_ERROR(store_.compare().ForEachSubject(
          rule, [&](std::string_view subject) { set.insert(std::string(subject)); }));
      any_known_ = any_known_ || !set.empty();
    }
    return Status::Ok();
  }

  // Adds a finding unless one of the same rule and subject is on file (then counts it).
  // The caller fills it in: id_number for a person (the subject stored is then the ID
  // number), subject for anything else.
  FindingRow* Add(const char* rule, std::string_view subject) {
    return AddTo(rows_, known_count_, rule, subject);
  }
  // The same into `rows` and `known` (a part of a comparison matched on another thread:
  // the known findings are only read).
  FindingRow* AddTo(std::deque<FindingRow>& rows, int64_t& known, const char* rule,
                    std::string_view subject) const {
    // Within one run a rule meets each subject once, so only earlier findings can clash.
    if (any_known_) {
      if (auto it = known_.find(rule);
          it != known_.end() && it->second.contains(std::string(subject))) {
        ++known;
        return nullptr;
      }
    }
    FindingRow& f = rows.emplace_back();
    f.rule = rule;
    f.list_id = list_id_;
    return &f;
  }
  // Appends the findings of a part, in order.
  void Append(std::deque<FindingRow>&& rows, int64_t known) {
    if (rows_.empty()) {
      rows_ = std::move(rows);
    } else {
      for (auto& f : rows) rows_.push_back(std::move(f));
    }
    known_count_ += known;
  }

  std::deque<FindingRow>& rows() { return rows_; }
  int64_t known() const { return known_count_; }
  void set_list_id(int64_t id) {
    list_id_ = id;
    for (auto& f : rows()) f.list_id = id;
  }

 private:
  Store& store_;
  int64_t list_id_;
  std::unordered_map<std::string_view, std::unordered_set<std::string>> known_;  // by rule
  std::deque<FindingRow> rows_;  // a deque: a list can raise millions, never moved
  int64_t known_count_ = 0;
  bool any_known_ = false;
};

// Applies a kind's rules to the merge of the register index and the list: of the index
// entries [begin, end), into its own findings (FindingSink::AddTo), so that two parts can
// run on two threads. `policy_lock` guards the PolicySet, whose lookups fill a cache.
class Matcher {
 public:
  Matcher(const PolicySet& policy, const RegisterIndex& index, const DepartmentList& list,
          const CompareRequest& request, const FindingSink& sink, size_t begin, size_t end,
          std::mutex& policy_lock)
      : policy_(policy),
        index_(index),
        list_(list),
        request_(request),
        sink_(sink),
        begin_(begin),
        end_(end),
        policy_lock_(policy_lock) {}

  std::deque<FindingRow>& rows() { return rows_; }
  int64_t known() const { return known_; }

  int64_t Run() {
    const auto entries = index_.entries().subspan(begin_, end_ - begin_);
    const auto& rows = list_.rows;
    const int64_t lo = request_.region.subtree_lo(), hi = request_.region.subtree_hi();
    // The first list row at or after the part's first entry.
    size_t j = entries.empty()
                   ? rows.size()
                   : static_cast<size_t>(std::lower_bound(rows.begin(), rows.end(), entries[0].key,
                                                          [](const ListRow& r, uint64_t key) {
                                                            return r.key < key;
                                                          }) -
                                         rows.begin());
    int64_t matched = 0;
    for (const IndexEntry& e : entries) {
      while (j < rows.size() && rows[j].key < e.key) ++j;
      if (e.village_code < lo || e.village_code >= hi) continue;
      if (j < rows.size() && rows[j].key == e.key) {
        ++matched;
        OnList(e, rows[j]);
      } else {
        Absent(e);
      }
    }
    return matched;
  }

 private:
  const Policy& PolicyAt(int64_t village) {
    auto [it, inserted] = policies_.try_emplace(village, nullptr);
    if (inserted) {
      std::lock_guard<std::mutex> lock(policy_lock_);
      it->second = &policy_.For(RegionCode::FromInt(village));
    }
    return *it->second;
  }

  FindingRow* Raise(const char* rule, const IndexEntry& e, const ListRow* row) {
    char text[18];
    const std::string_view id = UnpackIdNumber(e.key, text);
    FindingRow* f = sink_.AddTo(rows_, known_, rule, id);
    if (!f) return nullptr;
    f->village_code = e.village_code;
    f->household_code = std::string(index_.HouseholdCode(e));
    f->id_number = std::string(id);
    f->name = std::string(index_.Name(e));
    if (row) f->row = RowJson(list_, *row);
    return f;
  }

  std::string_view Column(const ListRow& row, size_t kind_column) const {
    return list_.Cell(row, list_.kind_columns[kind_column]);
  }

  bool OfSchoolAge(const IndexEntry& e) {
    return IsOfSchoolAge(BirthDateOf(e.key), request_.as_of.year(), PolicyAt(e.village_code));
  }

  void OnList(const IndexEntry& e, const ListRow& row) {
    const std::string_view listed_name = list_.Cell(row, list_.name_column);
    if (listed_name != index_.Name(e)) {
      if (auto* f = Raise("name_mismatch", e, &row)) {
        f->detail = "名单姓名 " + std::string(listed_name) + "，登记姓名 " + f->name;
      }
    }
    switch (list_.kind->kind) {
      case ListKind::kDeaths:
        if (row.value <= request_.as_of.days()) {
          if (auto* f = Raise("deceased_member", e, &row)) {
            f->detail = "死亡日期 " + Date::FromDays(static_cast<int32_t>(row.value)).ToString();
          }
        }
        break;
      case ListKind::kPublicEmployees:
        if (auto* f = Raise("public_employee", e, &row)) {
          f->detail = "单位 " + std::string(Column(row, 0));
        }
        break;
      case ListKind::kVehicles: {
        const Policy& policy = PolicyAt(e.village_code);
        if (VehicleOverLimit(Money::FromFen(row.value), policy)) {
          const Money limit = policy.compare.vehicle_price;
          if (auto* f = Raise("vehicle", e, &row)) {
            f->detail = "号牌 " + std::string(Column(row, 0)) + "，购置价格 " + Yuan(row.value) +
                        " 元（超过 " + limit.ToString() + " 元）";
          }
        }
        break;
      }
      case ListKind::kBusinesses:
        if (auto* f = Raise("business", e, &row)) {
          f->detail = "企业名称 " + std::string(Column(row, 0));
        }
        break;
      case ListKind::kHousing:
        if (auto* f = Raise("commercial_housing", e, &row)) {
          f->detail = "房屋坐落 " + std::string(Column(row, 0));
        }
        break;
      case ListKind::kDibao: {
        const bool dibao = row.value == 0;
        if (dibao ? !e.Has(IndexEntry::kDibao) : !e.Has(IndexEntry::kTekun)) {
          if (auto* f = Raise("dibao_not_recorded", e, &row)) {
            f->detail =
                dibao ? "名单类别 低保，登记为未享受低保" : "名单类别 特困，登记为未享受特困供养";
          }
        }
        break;
      }
      case ListKind::kStudents:
        if (row.value == 1 && OfSchoolAge(e)) {
          if (auto* f = Raise("dropout", e, &row)) {
            const std::string_view stage = Column(row, 0);
            f->detail =
                "在校状态 辍学" + (stage.empty() ? std::string() : "，学段 " + std::string(stage));
          }
        }
        break;
      case ListKind::kMedicalInsurance: {
        const Money limit =
            MedicalAlertLimit(PolicyAt(e.village_code), e.Has(IndexEntry::kRegistered));
        if (row.has_value && row.value > limit.fen()) {
          if (auto* f = Raise("medical_alert", e, &row)) {
            f->detail = "年度自付金额 " + Yuan(row.value) + " 元（超过 " + limit.ToString() +
                        " 元" + (e.Has(IndexEntry::kRegistered) ? "，建档立卡户成员）" : "）");
          }
        }
        break;
      }
      case ListKind::kDisability:
        if (!e.Has(IndexEntry::kDisabled)) {
          if (auto* f = Raise("disability_not_recorded", e, &row)) {
            std::string what;
            if (!Column(row, 0).empty()) what += "残疾类别 " + std::string(Column(row, 0));
            if (!Column(row, 1).empty()) {
              what += (what.empty() ? "" : "，") + std::string("残疾等级 ") +
                      std::string(Column(row, 1));
            }
            f->detail = (what.empty() ? std::string("持证残疾人") : what) + "；登记健康状况无残疾";
          }
        }
        break;
    }
  }

  void Absent(const IndexEntry& e) {
    switch (list_.kind->kind) {
      case ListKind::kDibao:
        if (e.Has(IndexEntry::kDibao) || e.Has(IndexEntry::kTekun)) {
          if (auto* f = Raise("dibao_recorded_not_on_roll", e, nullptr)) {
            f->detail = e.Has(IndexEntry::kDibao) ? "登记为享受低保，低保名单中没有"
                                                  : "登记为享受特困供养，名单中没有";
          }
        }
        break;
      case ListKind::kStudents:
        if (IsInSchool(e.school_status) && OfSchoolAge(e)) {
          if (auto* f = Raise("school_roll_missing", e, nullptr)) {
            f->detail = "登记在校生状况 " +
                        std::string(CodeLabel(CodeList::kSchoolStatus, e.school_status)) +
                        "，学籍名单中没有";
          }
        }
        break;
      case ListKind::kMedicalInsurance:
        if (e.Has(IndexEntry::kResidentInsurance) || e.Has(IndexEntry::kEmployeeInsurance)) {
          if (auto* f = Raise("not_insured", e, nullptr)) {
            f->detail = "登记为已参保，医保名单中没有";
          }
        }
        break;
      default:
        break;
    }
  }

  const PolicySet& policy_;
  const RegisterIndex& index_;
  const DepartmentList& list_;
  const CompareRequest& request_;
  const FindingSink& sink_;
  const size_t begin_, end_;
  std::mutex& policy_lock_;
  std::unordered_map<int64_t, const Policy*> policies_;
  std::deque<FindingRow> rows_;
  int64_t known_ = 0;
};

// Below this many index entries a comparison is matched on one thread.
constexpr size_t kParallelEntries = 200'000;

// Matches the list against the whole index, on two threads for a large register (the
// halves' findings appended in order, so the result is that of one pass); returns the
// number of matched persons.
int64_t MatchAll(const PolicySet& policy, const RegisterIndex& index, const DepartmentList& list,
                 const CompareRequest& request, FindingSink& sink) {
  const size_t n = index.entries().size();
  std::mutex policy_lock;
  if (n < kParallelEntries || std::thread::hardware_concurrency() < 2) {
    Matcher one(policy, index, list, request, sink, 0, n, policy_lock);
    const int64_t matched = one.Run();
    sink.Append(std::move(one.rows()), one.known());
    return matched;
  }
  Matcher first(policy, index, list, request, sink, 0, n / 2, policy_lock);
  Matcher second(policy, index, list, request, sink, n / 2, n, policy_lock);
  int64_t second_matched = 0;
  std::thread other([&] { second_matched = second.Run(); });
  const int64_t matched = first.Run();
  other.join();
  sink.Append(std::move(first.rows()), first.known());
  sink.Append(std::move(second.rows()), second.known());
  return matched + second_matched;
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
Status KeepVisibleFindings(Store& store, const Caller& caller, std::deque<FindingRow>& findings) {
  if (caller.user.role != Role::kHelper) return Status::Ok();
  auto assigned = store.compare().AssignedHouseholds(caller.user.username);
  if (!assigned.ok()) return assigned.error();
  const std::unordered_set<std::string> mine(assigned->begin(), assigned->end());
  std::erase_if(findings, [&](const FindingRow& f) { return !mine.contains(f.household_code); });
  return Status::Ok();
}

ListChange Diff(const DepartmentListRow& previous, const std::vector<uint64_t>& before,
                const std::vector<ListRow>& now) {
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
  row.findings = static_cast<int64_t>(sink.rows().size());
  row.known = report.known;

  std::vector<uint64_t> keys;
  keys.reserve(list.rows.size());
  for (const auto& r : list.rows) keys.push_back(r.key);

  progress("写入名单和核查发现");
  FUPIN_RETURN_IF_ERROR(store.Begin());
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
  if (Status s = StoreFindings(store, sink.rows()); !s.ok()) return fail(s.error());
  // A finding stored by another comparison since this one looked is known, not new.
  {
    auto& rows = sink.rows();
    const auto before = rows.size();
    std::erase_if(rows, [](const FindingRow& f) { return f.id == 0; });
    report.known += static_cast<int64_t>(before - rows.size());
    row.findings = static_cast<int64_t>(rows.size());
    row.known = report.known;
    if (before != rows.size()) {
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

  report.findings = std::move(sink.rows());
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
  FUPIN_RETURN_IF_ERROR(store.Begin());
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
  report.findings = std::move(sink.rows());
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
