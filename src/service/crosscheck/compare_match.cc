#include "service/crosscheck/compare_match.h"

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <thread>

#include "common/id_number.h"
#include "domain/codes.h"
#include "domain/criteria.h"

namespace fupin {
namespace {

std::string Yuan(int64_t fen) { return Money::FromFen(fen).ToString(); }

// The list rows of a comparison's findings, written (as the JSON object of their columns,
// extra columns included: they are kept and shown) only when a finding's row is read:
// mostly while its block is built on the storing thread, not during the match.
class ListRowJson final : public FindingRowSource {
 public:
  explicit ListRowJson(const DepartmentList& list)
      : storage_(list.storage), text_(list.text), separator_(list.separator) {
    // Each column's key as JSON, with its colon ("" for a column not shown).
    for (const std::string& name : list.header) {
      std::string& key = keys_.emplace_back();
      if (name.empty()) continue;
      AppendJsonString(key, name);
      key.push_back(':');
    }
  }

  void AppendRow(uint32_t offset, uint32_t length, std::string& out) const override {
    std::string_view record = text_.substr(offset, length);
    out.push_back('{');
    bool first = true;
    for (const std::string& key : keys_) {
      const size_t sep = record.find(separator_);
      const std::string_view cell = TrimSpaces(record.substr(0, sep));
      record = sep == std::string_view::npos ? std::string_view() : record.substr(sep + 1);
      if (key.empty()) continue;
      if (!first) out.push_back(',');
      first = false;
      out.append(key);
      AppendJsonString(out, cell);
    }
    out.push_back('}');
  }
  void Prefetch(uint32_t offset) const override { __builtin_prefetch(text_.data() + offset); }

 private:
  std::shared_ptr<const void> storage_;  // keeps text_ alive
  std::string_view text_;
  char separator_;
  std::vector<std::string> keys_;  // per column of the header
};

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

  FindingBatch& batch() { return batch_; }
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
    // At most a finding or two per list row: reserved, so the records never move.
    batch_.Reserve(rows.size() - j);
    int64_t matched = 0;
    // The entries on the list are fetched ahead (they are in the register's order, not the
    // index's: every one a cache miss): where the household code of the entry 2 × kAhead
    // on is and its name and list row, then the code of the one kAhead on. Each lookahead
    // has its own cursor in the list.
    constexpr size_t kAhead = 8;
    size_t j_far = j, j_near = j;
    auto on_list = [&](size_t p, size_t& cursor) {
      if (p >= entries.size()) return false;
      while (cursor < rows.size() && rows[cursor].key < entries[p].key) ++cursor;
      return cursor < rows.size() && rows[cursor].key == entries[p].key;
    };
    for (size_t p = 0; p < entries.size(); ++p) {
      if (on_list(p + 2 * kAhead, j_far)) {
        index_.PrefetchWhere(entries[p + 2 * kAhead]);
        __builtin_prefetch(list_.text.data() + rows[j_far].offset);
      }
      if (on_list(p + kAhead, j_near)) index_.PrefetchText(entries[p + kAhead]);
      const IndexEntry& e = entries[p];
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

  // Adds the finding of `rule` for `e` (the list row `row`, when on the list) unless one
  // is on file (then counts it).
  void Raise(const char* rule, const IndexEntry& e, const ListRow* row, std::string_view detail) {
    char text[18];
    const std::string_view id = UnpackIdNumber(e.key, text);
    if (sink_.IsKnown(rule, id)) {
      ++known_;
      return;
    }
    if (row) {
      batch_.AddSourced(rule, std::string_view(), e.village_code, index_.HouseholdCode(e), id,
                        index_.Name(e), detail, row->offset, row->length);
    } else {
      batch_.Add(rule, std::string_view(), e.village_code, index_.HouseholdCode(e), id,
                 index_.Name(e), detail, std::string_view());
    }
  }

  // `parts` one after the other, in one buffer reused for every finding.
  std::string_view Detail(std::initializer_list<std::string_view> parts) {
    detail_.clear();
    for (std::string_view p : parts) detail_.append(p);
    return detail_;
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
      Raise("name_mismatch", e, &row,
            Detail({"名单姓名 ", listed_name, "，登记姓名 ", index_.Name(e)}));
    }
    switch (list_.kind->kind) {
      case ListKind::kDeaths:
        if (row.value <= request_.as_of.days()) {
          Raise("deceased_member", e, &row,
                Detail({"死亡日期 ", Date::FromDays(static_cast<int32_t>(row.value)).ToString()}));
        }
        break;
      case ListKind::kPublicEmployees:
        Raise("public_employee", e, &row, Detail({"单位 ", Column(row, 0)}));
        break;
      case ListKind::kVehicles: {
        const Policy& policy = PolicyAt(e.village_code);
        if (VehicleOverLimit(Money::FromFen(row.value), policy)) {
          const Money limit = policy.compare.vehicle_price;
          Raise("vehicle", e, &row,
                "号牌 " + std::string(Column(row, 0)) + "，购置价格 " + Yuan(row.value) +
                    " 元（超过 " + limit.ToString() + " 元）");
        }
        break;
      }
      case ListKind::kBusinesses:
        Raise("business", e, &row, Detail({"企业名称 ", Column(row, 0)}));
        break;
      case ListKind::kHousing:
        Raise("commercial_housing", e, &row, Detail({"房屋坐落 ", Column(row, 0)}));
        break;
      case ListKind::kDibao: {
        const bool dibao = row.value == 0;
        if (dibao ? !e.Has(IndexEntry::kDibao) : !e.Has(IndexEntry::kTekun)) {
          Raise("dibao_not_recorded", e, &row,
                dibao ? "名单类别 低保，登记为未享受低保" : "名单类别 特困，登记为未享受特困供养");
        }
        break;
      }
      case ListKind::kStudents:
        if (row.value == 1 && OfSchoolAge(e)) {
          const std::string_view stage = Column(row, 0);
          Raise("dropout", e, &row,
                "在校状态 辍学" + (stage.empty() ? std::string() : "，学段 " + std::string(stage)));
        }
        break;
      case ListKind::kMedicalInsurance: {
        const Money limit =
            MedicalAlertLimit(PolicyAt(e.village_code), e.Has(IndexEntry::kRegistered));
        if (row.has_value && row.value > limit.fen()) {
          Raise("medical_alert", e, &row,
                "年度自付金额 " + Yuan(row.value) + " 元（超过 " + limit.ToString() + " 元" +
                    (e.Has(IndexEntry::kRegistered) ? "，建档立卡户成员）" : "）"));
        }
        break;
      }
      case ListKind::kDisability:
        if (!e.Has(IndexEntry::kDisabled)) {
          std::string what;
          if (!Column(row, 0).empty()) what += "残疾类别 " + std::string(Column(row, 0));
          if (!Column(row, 1).empty()) {
            what +=
                (what.empty() ? "" : "，") + std::string("残疾等级 ") + std::string(Column(row, 1));
          }
          Raise("disability_not_recorded", e, &row,
                (what.empty() ? std::string("持证残疾人") : what) + "；登记健康状况无残疾");
        }
        break;
    }
  }

  void Absent(const IndexEntry& e) {
    switch (list_.kind->kind) {
      case ListKind::kDibao:
        if (e.Has(IndexEntry::kDibao) || e.Has(IndexEntry::kTekun)) {
          Raise("dibao_recorded_not_on_roll", e, nullptr,
                e.Has(IndexEntry::kDibao) ? "登记为享受低保，低保名单中没有"
                                          : "登记为享受特困供养，名单中没有");
        }
        break;
      case ListKind::kStudents:
        if (IsInSchool(e.school_status) && OfSchoolAge(e)) {
          Raise("school_roll_missing", e, nullptr,
                "登记在校生状况 " +
                    std::string(CodeLabel(CodeList::kSchoolStatus, e.school_status)) +
                    "，学籍名单中没有");
        }
        break;
      case ListKind::kMedicalInsurance:
        if (e.Has(IndexEntry::kResidentInsurance) || e.Has(IndexEntry::kEmployeeInsurance)) {
          Raise("not_insured", e, nullptr, "登记为已参保，医保名单中没有");
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
  FindingBatch batch_;
  std::string detail_;  // Detail's
  int64_t known_ = 0;
};

// Below this many index entries a comparison is matched on one thread.
constexpr size_t kParallelEntries = 200'000;

}  // namespace

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

int64_t MatchAll(const PolicySet& policy, const RegisterIndex& index, const DepartmentList& list,
                 const CompareRequest& request, FindingSink& sink) {
  const size_t n = index.entries().size();
  std::mutex policy_lock;
  sink.batch().set_row_source(std::make_shared<ListRowJson>(list));
  if (n < kParallelEntries || std::thread::hardware_concurrency() < 2) {
    Matcher one(policy, index, list, request, sink, 0, n, policy_lock);
    const int64_t matched = one.Run();
    sink.Append(std::move(one.batch()), one.known());
    return matched;
  }
  Matcher first(policy, index, list, request, sink, 0, n / 2, policy_lock);
  Matcher second(policy, index, list, request, sink, n / 2, n, policy_lock);
  int64_t second_matched = 0;
  std::thread other([&] { second_matched = second.Run(); });
  const int64_t matched = first.Run();
  other.join();
  sink.Append(std::move(first.batch()), first.known());
  sink.Append(std::move(second.batch()), second.known());
  return matched + second_matched;
}

}  // namespace fupin
