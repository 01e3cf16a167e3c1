#include "domain/policy.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace fupin {
namespace {

using Kind = PolicyValue::Kind;

Error PolicyError(const PolicyValue& where, const std::string& key, const std::string& zh,
                  const std::string& en) {
  std::string place = where.file + (where.line ? ":" + std::to_string(where.line) : "");
  return Error{"E_POLICY", place + " " + key + "：" + zh, place + " " + key + ": " + en};
}

// What a key holds.
enum class Type {
  kMoney,
  kRatio,
  kCount,
  kYear,
  kBool,
  kAgeRange,
  kGrades,
  kProvinces,
  kYearTable,
  kSection,
  // 扶贫小额信贷 microcredit
  kBorrowerAges,  // [min, max] full years, 0–120
  kCodeList,      // an array of whole numbers 1–99 (monitoring types)
  kBaseWord,      // "principal" or "principal_and_interest"
  kYearRatios,    // year = ratio
  kRateCapTable,  // "YYYY-MM-DD" = { short = ratio, long = ratio }, dates ascending
};

struct KeySpec {
  const char* name;
  Type type;
  std::vector<KeySpec> children;  // for kSection
};

const std::vector<KeySpec>& Schema() {
  static const std::vector<KeySpec> schema = {
      {"west_provinces", Type::kProvinces, {}},
      {"poverty_line", Type::kYearTable, {}},
      {"monitoring_line", Type::kYearTable, {}},
      {"exit",
       Type::kSection,
       {{"school_age", Type::kAgeRange, {}},
        {"safe_housing_grades", Type::kGrades, {}},
        {"notice_days", Type::kCount, {}}}},
      {"village_exit",
       Type::kSection,
       {{"max_incidence", Type::kRatio, {}}, {"max_incidence_west", Type::kRatio, {}}}},
      {"county_exit",
       Type::kSection,
       {{"max_incidence", Type::kRatio, {}},
        {"max_incidence_west", Type::kRatio, {}},
        {"max_wrong_exit_rate", Type::kRatio, {}},
        {"max_missed_rate", Type::kRatio, {}},
        {"min_satisfaction", Type::kRatio, {}}}},
      {"monitoring",
       Type::kSection,
       {{"rigid_expense_ratio", Type::kRatio, {}},
        {"medical_alert_registered", Type::kMoney, {}},
        {"medical_alert_other", Type::kMoney, {}},
        {"min_months_before_elimination", Type::kCount, {}},
        {"notice_days", Type::kCount, {}}}},
      {"procedures",
       Type::kSection,
       {{"identify_until", Type::kYear, {}},
        {"return_until", Type::kYear, {}},
        {"identify_notice_days", Type::kCount, {}},
        {"remove_notice_days", Type::kCount, {}},
        {"monitor_max_days", Type::kCount, {}},
        {"monitor_working_days", Type::kBool, {}},
        {"require_evidence", Type::kBool, {}}}},
      {"compare", Type::kSection, {{"vehicle_price", Type::kMoney, {}}}},
      {"funds", Type::kSection, {{"min_spending_ratio", Type::kRatio, {}}}},
      // 12317 complaints
      {"complaints",
       Type::kSection,
       {{"answer_days", Type::kCount, {}}, {"answer_working_days", Type::kBool, {}}}},
      // Project library (扶贫项目库)
      {"projects", Type::kSection, {{"notice_days", Type::kCount, {}}}},
      // 扶贫小额信贷 microcredit
      {"microcredit",
       Type::kSection,
       {{"max_amount", Type::kMoney, {}},
        {"max_term_months", Type::kCount, {}},
        {"borrower_age", Type::kBorrowerAges, {}},
        {"eligible_monitor_types", Type::kCodeList, {}},
        {"overdue_compensation_days", Type::kCount, {}},
        {"risk_fund_share", Type::kRatio, {}},
        {"compensation_base", Type::kBaseWord, {}},
        {"subsidy_share", Type::kYearRatios, {}},
        {"rate_cap", Type::kRateCapTable, {}}}},
  };
  return schema;
}

bool IsNumber(const PolicyValue& v) { return v.kind == Kind::kInteger || v.kind == Kind::kFloat; }
double AsDouble(const PolicyValue& v) {
  return v.kind == Kind::kInteger ? static_cast<double>(v.integer) : v.number;
}

Result<Money> ToMoney(const PolicyValue& v, const std::string& key) {
  if (!IsNumber(v)) return PolicyError(v, key, "应为金额（元）", "must be an amount in yuan");
  if (v.kind == Kind::kInteger) {
    if (v.integer < 0) return PolicyError(v, key, "金额不能为负数", "an amount cannot be negative");
    if (v.integer > 1'000'000'000)
      return PolicyError(v, key, "金额过大", "the amount is too large");
    return Money::FromYuan(v.integer);
  }
  if (!(v.number >= 0))
    return PolicyError(v, key, "金额不能为负数", "an amount cannot be negative");
  const double fen = v.number * 100;
  if (fen > 1e11 || std::fabs(fen - std::round(fen)) > 1e-6) {
    return PolicyError(v, key, "金额最多两位小数", "an amount has at most 2 decimals");
  }
  return Money::FromFen(std::llround(fen));
}

Result<Ratio> ToRatio(const PolicyValue& v, const std::string& key) {
  if (!IsNumber(v))
    return PolicyError(v, key, "应为 0 到 1 之间的比例", "must be a ratio from 0 to 1");
  const double d = AsDouble(v);
  if (!(d >= 0 && d <= 1)) {
    return PolicyError(v, key, "比例应在 0 到 1 之间", "a ratio must be between 0 and 1");
  }
  const double micros = d * 1e6;
  if (std::fabs(micros - std::round(micros)) > 1e-6) {
    return PolicyError(v, key, "比例最多六位小数", "a ratio has at most 6 decimals");
  }
  return Ratio{std::llround(micros)};
}

Result<int> ToCount(const PolicyValue& v, const std::string& key, int max) {
  if (v.kind != Kind::kInteger || v.integer < 0 || v.integer > max) {
    return PolicyError(v, key, "应为 0 到 " + std::to_string(max) + " 之间的整数",
                       "must be a whole number from 0 to " + std::to_string(max));
  }
  return static_cast<int>(v.integer);
}

Result<int> ToYear(const PolicyValue& where, const std::string& key, const std::string& text) {
  int year = 0;
  bool digits = text.size() == 4 && std::all_of(text.begin(), text.end(), ::isdigit);
  if (digits) year = std::stoi(text);
  if (!digits || year < 1978 || year > 2100) {
    return PolicyError(where, key + "." + text, "年份应为四位数字", "a year must be 4 digits");
  }
  return year;
}

// 扶贫小额信贷 microcredit: the keys of [microcredit] that are not plain amounts or counts.
Status ValidateMicrocredit(const PolicyValue& value, Type type, const std::string& path) {
  switch (type) {
    case Type::kBorrowerAges: {
      if (value.kind != Kind::kArray || value.items.size() != 2) {
        return PolicyError(value, path, "应为 [最小年龄, 最大年龄]", "must be [min_age, max_age]");
      }
      auto lo = ToCount(value.items[0], path, 120);
      if (!lo.ok()) return lo.error();
      auto hi = ToCount(value.items[1], path, 120);
      if (!hi.ok()) return hi.error();
      if (*lo > *hi) {
        return PolicyError(value, path, "最小年龄大于最大年龄", "min_age is above max_age");
      }
      return Status::Ok();
    }
    case Type::kCodeList:
      if (value.kind != Kind::kArray) {
        return PolicyError(value, path, "应为代码（整数）的数组", "must be an array of codes");
      }
      for (const auto& item : value.items) {
        if (item.kind != Kind::kInteger || item.integer < 1 || item.integer > 99) {
          return PolicyError(item, path, "代码应为 1 到 99 的整数",
                             "codes are whole numbers from 1 to 99");
        }
      }
      return Status::Ok();
    case Type::kBaseWord:
      if (value.kind != Kind::kString ||
          (value.text != "principal" && value.text != "principal_and_interest")) {
        return PolicyError(value, path, "应为 \"principal\" 或 \"principal_and_interest\"",
                           "must be \"principal\" or \"principal_and_interest\"");
      }
      return Status::Ok();
    case Type::kYearRatios:
      if (value.kind != Kind::kTable) {
        return PolicyError(value, path, "应为“年份 = 比例”的表", "must be a table of year = ratio");
      }
      for (const auto& [year, share] : value.table) {
        FUPIN_RETURN_IF_ERROR(ToYear(share, path, year).status());
        FUPIN_RETURN_IF_ERROR(ToRatio(share, path + "." + year).status());
      }
      return Status::Ok();
    case Type::kRateCapTable: {
      if (value.kind != Kind::kTable) {
        return PolicyError(value, path, "应为“日期 = { short, long }”的表",
                           "must be a table of date = { short, long }");
      }
      const PolicyValue* previous = nullptr;  // the entries in date order (the map's)
      for (const auto& [text, entry] : value.table) {
        const std::string key = path + ".\"" + text + "\"";
        auto date = Date::Parse(text);
        if (text.size() != 10 || !date.ok() || date->ToString() != text) {
          return PolicyError(entry, key, "日期应为 YYYY-MM-DD", "a date must be YYYY-MM-DD");
        }
        if (entry.kind != Kind::kTable || entry.table.size() != 2 ||
            !entry.table.contains("short") || !entry.table.contains("long")) {
          return PolicyError(entry, key, "应为 { short = 年利率, long = 年利率 }",
                             "must be { short = rate, long = rate }");
        }
        FUPIN_RETURN_IF_ERROR(ToRatio(entry.table.at("short"), key + ".short").status());
        FUPIN_RETURN_IF_ERROR(ToRatio(entry.table.at("long"), key + ".long").status());
        // Written in the file in ascending order of date.
        if (previous != nullptr && previous->file == entry.file && entry.line < previous->line) {
          return PolicyError(entry, key, "日期应按先后顺序排列",
                             "the dates must be in ascending order");
        }
        previous = &entry;
      }
      return Status::Ok();
    }
    default:
      return Status::Ok();
  }
}

// Checks a table against the schema (`allow_override` only at the top of a file).
Status Validate(const PolicyValue& table, const std::vector<KeySpec>& schema,
                const std::string& prefix, bool top) {
  for (const auto& [key, value] : table.table) {
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    if (top && key == "override") {
      if (value.kind != Kind::kTable) {
        return PolicyError(value, path, "应为表", "must be a table");
      }
      for (const auto& [code, sub] : value.table) {
        auto region = RegionCode::Parse(code);
        if (!region.ok() || region->ShortString() != code) {
          return PolicyError(sub, path + "." + code, "覆盖的前缀不是行政区划代码",
                             "an override prefix must be a region code (2, 4, 6, 9 or 12 digits)");
        }
        if (sub.kind != Kind::kTable)
          return PolicyError(sub, path + "." + code, "应为表", "must be a table");
        FUPIN_RETURN_IF_ERROR(Validate(sub, schema, path + "." + code, false));
      }
      continue;
    }
    auto spec =
        std::find_if(schema.begin(), schema.end(), [&](const KeySpec& s) { return key == s.name; });
    if (spec == schema.end()) {
      return PolicyError(value, path, "未知的键", "unknown key");
    }
    switch (spec->type) {
      case Type::kSection:
        if (value.kind != Kind::kTable)
          return PolicyError(value, path, "应为表", "must be a table");
        FUPIN_RETURN_IF_ERROR(Validate(value, spec->children, path, false));
        break;
      case Type::kMoney:
        FUPIN_RETURN_IF_ERROR(ToMoney(value, path).status());
        break;
      case Type::kRatio:
        FUPIN_RETURN_IF_ERROR(ToRatio(value, path).status());
        break;
      case Type::kCount:
        FUPIN_RETURN_IF_ERROR(ToCount(value, path, 1000).status());
        break;
      case Type::kYear:
        if (value.kind != Kind::kInteger || value.integer < 1978 || value.integer > 2100) {
          return PolicyError(value, path, "应为年份（1978–2100）", "must be a year (1978–2100)");
        }
        break;
      case Type::kBool:
        if (value.kind != Kind::kBoolean) {
          return PolicyError(value, path, "应为 true 或 false", "must be true or false");
        }
        break;
      case Type::kAgeRange:
        if (value.kind != Kind::kArray || value.items.size() != 2) {
          return PolicyError(value, path, "应为 [最小年龄, 最大年龄]",
                             "must be [min_age, max_age]");
        }
        {
          auto lo = ToCount(value.items[0], path, 30);
          if (!lo.ok()) return lo.error();
          auto hi = ToCount(value.items[1], path, 30);
          if (!hi.ok()) return hi.error();
          if (*lo > *hi) {
            return PolicyError(value, path, "最小年龄大于最大年龄", "min_age is above max_age");
          }
        }
        break;
      case Type::kGrades:
        if (value.kind != Kind::kArray) {
          return PolicyError(value, path, "应为住房安全等级的数组", "must be an array of grades");
        }
        for (const auto& item : value.items) {
          if (item.kind != Kind::kString || item.text.size() != 1 || item.text[0] < 'A' ||
              item.text[0] > 'D') {
            return PolicyError(item, path, "等级应为 A、B、C 或 D", "grades are A, B, C or D");
          }
        }
        break;
      case Type::kProvinces:
        if (value.kind != Kind::kArray) {
          return PolicyError(value, path, "应为省级代码的数组",
                             "must be an array of province codes");
        }
        for (const auto& item : value.items) {
          auto code = RegionCode::Parse(item.kind == Kind::kString ? item.text : "");
          if (item.kind != Kind::kString || item.text.size() != 2 || !code.ok()) {
            return PolicyError(item, path, "应为两位省级代码", "must be 2-digit province codes");
          }
        }
        break;
      case Type::kYearTable:
        if (value.kind != Kind::kTable) {
          return PolicyError(value, path, "应为“年份 = 金额”的表",
                             "must be a table of year = amount");
        }
        for (const auto& [year, amount] : value.table) {
          FUPIN_RETURN_IF_ERROR(ToYear(amount, path, year).status());
          auto money = ToMoney(amount, path + "." + year);
          if (!money.ok()) return money.error();
          if (money->fen() == 0) {
            return PolicyError(amount, path + "." + year, "标准必须大于零",
                               "a line must be above zero");
          }
        }
        break;
      // 扶贫小额信贷 microcredit
      case Type::kBorrowerAges:
      case Type::kCodeList:
      case Type::kBaseWord:
      case Type::kYearRatios:
      case Type::kRateCapTable:
        FUPIN_RETURN_IF_ERROR(ValidateMicrocredit(value, spec->type, path));
        break;
    }
  }
  return Status::Ok();
}

// Merges `layer` into `into`, key by key at every level.
void Merge(PolicyValue& into, const PolicyValue& layer) {
  for (const auto& [key, value] : layer.table) {
    auto it = into.table.find(key);
    if (it != into.table.end() && it->second.kind == Kind::kTable && value.kind == Kind::kTable) {
      Merge(it->second, value);
      it->second.file = value.file;
      it->second.line = value.line;
    } else {
      into.table[key] = value;
    }
  }
}

Status Complete(const PolicyValue& table, const std::vector<KeySpec>& schema,
                const std::string& prefix) {
  for (const auto& spec : schema) {
    const std::string path = prefix.empty() ? spec.name : prefix + "." + spec.name;
    auto it = table.table.find(spec.name);
    if (it == table.table.end()) {
      return PolicyError(table, path, "缺少此键", "missing key");
    }
    if (spec.type == Type::kSection)
      FUPIN_RETURN_IF_ERROR(Complete(it->second, spec.children, path));
  }
  return Status::Ok();
}

// Converts a complete, validated table to a Policy (cannot fail after Validate).
std::unique_ptr<Policy> ToPolicy(const PolicyValue& t) {
  auto p = std::make_unique<Policy>();
  auto at = [&](const char* section, const char* key) -> const PolicyValue& {
    return t.table.at(section).table.at(key);
  };
  for (const auto& item : t.table.at("west_provinces").items)
    p->west_provinces.push_back(item.text);
  for (auto [name, target, source] :
       {std::tuple{"poverty_line", &p->poverty_line, &p->poverty_line_source},
        std::tuple{"monitoring_line", &p->monitoring_line, &p->monitoring_line_source}}) {
    const PolicyValue& table = t.table.at(name);
    *source = table.file;
    for (const auto& [year, amount] : table.table) {
      (*target)[std::stoi(year)] = *ToMoney(amount, name);
    }
  }
  const auto& ages = at("exit", "school_age").items;
  p->exit.school_age_min = static_cast<int>(ages[0].integer);
  p->exit.school_age_max = static_cast<int>(ages[1].integer);
  for (const auto& g : at("exit", "safe_housing_grades").items) {
    p->exit.safe_housing_grades.push_back(g.text[0] - 'A' + 1);
  }
  p->exit.notice_days = static_cast<int>(at("exit", "notice_days").integer);
  p->village_exit.max_incidence = *ToRatio(at("village_exit", "max_incidence"), "");
  p->village_exit.max_incidence_west = *ToRatio(at("village_exit", "max_incidence_west"), "");
  p->county_exit.max_incidence = *ToRatio(at("county_exit", "max_incidence"), "");
  p->county_exit.max_incidence_west = *ToRatio(at("county_exit", "max_incidence_west"), "");
  p->county_exit.max_wrong_exit_rate = *ToRatio(at("county_exit", "max_wrong_exit_rate"), "");
  p->county_exit.max_missed_rate = *ToRatio(at("county_exit", "max_missed_rate"), "");
  p->county_exit.min_satisfaction = *ToRatio(at("county_exit", "min_satisfaction"), "");
  p->monitoring.rigid_expense_ratio = *ToRatio(at("monitoring", "rigid_expense_ratio"), "");
  p->monitoring.medical_alert_registered =
      *ToMoney(at("monitoring", "medical_alert_registered"), "");
  p->monitoring.medical_alert_other = *ToMoney(at("monitoring", "medical_alert_other"), "");
  p->monitoring.min_months_before_elimination =
      static_cast<int>(at("monitoring", "min_months_before_elimination").integer);
  p->monitoring.notice_days = static_cast<int>(at("monitoring", "notice_days").integer);
  p->procedures.identify_until = static_cast<int>(at("procedures", "identify_until").integer);
  p->procedures.return_until = static_cast<int>(at("procedures", "return_until").integer);
  p->procedures.identify_notice_days =
      static_cast<int>(at("procedures", "identify_notice_days").integer);
  p->procedures.remove_notice_days =
      static_cast<int>(at("procedures", "remove_notice_days").integer);
  p->procedures.monitor_max_days = static_cast<int>(at("procedures", "monitor_max_days").integer);
  p->procedures.monitor_working_days = at("procedures", "monitor_working_days").integer != 0;
  p->procedures.require_evidence = at("procedures", "require_evidence").integer != 0;
  p->compare.vehicle_price = *ToMoney(at("compare", "vehicle_price"), "");
  p->funds.min_spending_ratio = *ToRatio(at("funds", "min_spending_ratio"), "");
  // 12317 complaints
  p->complaints.answer_days = static_cast<int>(at("complaints", "answer_days").integer);
  p->complaints.answer_working_days = at("complaints", "answer_working_days").integer != 0;
  // Project library (扶贫项目库)
  p->projects.notice_days = static_cast<int>(at("projects", "notice_days").integer);
  // 扶贫小额信贷 microcredit
  auto& mc = p->microcredit;
  mc.max_amount = *ToMoney(at("microcredit", "max_amount"), "");
  mc.max_term_months = static_cast<int>(at("microcredit", "max_term_months").integer);
  const auto& borrower_ages = at("microcredit", "borrower_age").items;
  mc.borrower_age_min = static_cast<int>(borrower_ages[0].integer);
  mc.borrower_age_max = static_cast<int>(borrower_ages[1].integer);
  for (const auto& item : at("microcredit", "eligible_monitor_types").items) {
    mc.eligible_monitor_types.push_back(static_cast<int>(item.integer));
  }
  mc.overdue_compensation_days =
      static_cast<int>(at("microcredit", "overdue_compensation_days").integer);
  mc.risk_fund_share = *ToRatio(at("microcredit", "risk_fund_share"), "");
  mc.compensation_with_interest =
      at("microcredit", "compensation_base").text == "principal_and_interest";
  for (const auto& [year, share] : at("microcredit", "subsidy_share").table) {
    mc.subsidy_share[std::stoi(year)] = *ToRatio(share, "");
  }
  for (const auto& [date, entry] : at("microcredit", "rate_cap").table) {
    mc.rate_cap[*Date::Parse(date)] = {*ToRatio(entry.table.at("short"), ""),
                                       *ToRatio(entry.table.at("long"), "")};
  }
  return p;
}

Result<YearlyAmount> YearRule(const std::map<int, Money>& table, int year, const char* key,
                              const std::string& source) {
  auto it = table.upper_bound(year);
  if (it == table.begin()) {
    return Error{"E_POLICY_YEAR",
                 source + " 的 [" + key + "] 中没有 " + std::to_string(year) +
                     " 年或更早年份的标准，无法评估",
                 "no " + std::string(key) + " for " + std::to_string(year) +
                     " or any earlier year in " + source + ": nothing can be assessed"};
  }
  --it;
  return YearlyAmount{it->second, it->first, it->first != year};
}

}  // namespace

std::string Ratio::ToString() const {
  std::string digits = std::to_string(micros % 1000000);
  digits = std::string(6 - digits.size(), '0') + digits;
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return std::to_string(micros / 1000000) + (digits.empty() ? "" : "." + digits);
}

bool Policy::IsWest(RegionCode region) const {
  const std::string province = region.ToString().substr(0, 2);
  return std::find(west_provinces.begin(), west_provinces.end(), province) != west_provinces.end();
}

Result<YearlyAmount> Policy::PovertyLine(int year) const {
  return YearRule(poverty_line, year, "poverty_line", poverty_line_source);
}

Result<YearlyAmount> Policy::MonitoringLine(int year) const {
  return YearRule(monitoring_line, year, "monitoring_line", monitoring_line_source);
}

// 扶贫小额信贷 microcredit
Result<Ratio> Policy::SubsidyShare(int year) const {
  auto it = microcredit.subsidy_share.upper_bound(year);
  if (it == microcredit.subsidy_share.begin()) {
    return Error{
        "E_POLICY_YEAR",
        "[microcredit.subsidy_share] 中没有 " + std::to_string(year) + " 年或更早年份的贴息比例",
        "no microcredit.subsidy_share for " + std::to_string(year) + " or any earlier year"};
  }
  return std::prev(it)->second;
}

Result<Ratio> Policy::RateCapOn(Date date, int term_months) const {
  auto it = microcredit.rate_cap.upper_bound(date);
  if (it == microcredit.rate_cap.begin()) {
    return Error{"E_POLICY_YEAR",
                 "[microcredit.rate_cap] 中没有 " + date.ToString() + " 或更早发布的利率上限",
                 "no microcredit.rate_cap published on or before " + date.ToString()};
  }
  const RateCap& cap = std::prev(it)->second;
  return term_months <= 12 ? cap.short_term : cap.long_term;
}

Result<PolicySet> PolicySet::Build(const std::vector<PolicyValue>& layers) {
  if (layers.empty()) return Error{"E_POLICY", "没有政策文件", "no policy file"};
  for (const auto& layer : layers) FUPIN_RETURN_IF_ERROR(Validate(layer, Schema(), "", true));
  PolicySet set;
  set.merged_ = std::make_shared<PolicyValue>(layers[0]);
  for (size_t i = 1; i < layers.size(); ++i) Merge(*set.merged_, layers[i]);
  set.base_ = std::make_shared<PolicyValue>(*set.merged_);
  set.base_->table.erase("override");
  FUPIN_RETURN_IF_ERROR(Complete(*set.base_, Schema(), ""));
  if (auto it = set.merged_->table.find("override"); it != set.merged_->table.end()) {
    for (const auto& [prefix, table] : it->second.table) set.overrides_.emplace_back(prefix, table);
    std::stable_sort(set.overrides_.begin(), set.overrides_.end(),
                     [](const auto& a, const auto& b) { return a.first.size() < b.first.size(); });
  }
  // The national policy itself must convert: resolve it once now.
  set.For(RegionCode::Nation());
  return set;
}

const Policy& PolicySet::For(RegionCode region) const {
  if (auto it = by_region_.find(region.value()); it != by_region_.end()) return *it->second;
  const std::string code = region == RegionCode::Nation() ? "" : region.ToString();
  std::string key;
  std::vector<const PolicyValue*> matching;
  for (const auto& [prefix, table] : overrides_) {
    if (code.starts_with(prefix)) {
      key += prefix + "/";
      matching.push_back(&table);
    }
  }
  auto found = by_prefixes_.find(key);
  if (found == by_prefixes_.end()) {
    PolicyValue effective = *base_;
    for (const auto* table : matching) Merge(effective, *table);
    found = by_prefixes_.emplace(key, ToPolicy(effective)).first;
  }
  by_region_[region.value()] = found->second.get();
  return *found->second;
}

}  // namespace fupin
