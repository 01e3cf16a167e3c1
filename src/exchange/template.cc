#include "exchange/template.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <deque>
#include <optional>
#include <utility>

#include "common/id_number.h"
#include "common/money.h"
#include "common/region_code.h"
#include "common/text.h"
#include "domain/household_rules.h"

namespace fupin {
namespace {

// Column indexes, in template order.
enum HouseholdColumn {
  kHouseholdCode,
  kVillageCode,
  kVillageGroup,
  kHouseholdKind,
  kPovertyStatus,
  kRegisteredYear,
  kExitYear,
  kAttribute,
  kMainCause,
  kOtherCauses,
  kSize,
  kWageIncome,
  kBusinessIncome,
  kBusinessCost,
  kPropertyIncome,
  kTransferIncome,
  kMedicalOutOfPocket,
  kEducationCost,
  kDisasterLoss,
  kFoodSecure,
  kClothingSecure,
  kHousingGrade,
  kRenovation,
  kRelocation,
  kWaterSafe,
  kMonitorType,
  kMonitorStatus,
  kMonitorSince,
  kRiskTypes,
  kPhone,
  kHouseholdColumnCount
};
enum MemberColumn {
  kMemberHouseholdCode,
  kName,
  kIdType,
  kIdNumber,
  kRelation,
  kSex,
  kBirthDate,
  kEthnicity,
  kEducation,
  kSchoolStatus,
  kHealth,
  kDisabilityGrade,
  kLabor,
  kMonthsWorked,
  kResidentMedical,
  kEmployeeMedical,
  kPension,
  kDibao,
  kTekun,
  kMemberColumnCount
};

constexpr TemplateColumn kHouseholdColumns[] = {
    {"户编号", "household_code", true},
    {"行政区划代码", "village_code", true},
    {"村民小组", "village_group", false},
    {"户类型", "household_kind", false, ColumnKind::kCode, CodeList::kHouseholdKind},
    {"贫困状态", "poverty_status", false, ColumnKind::kCode, CodeList::kPovertyStatus},
    {"识别年度", "registered_year", false},
    {"脱贫年度", "exit_year", false},
    {"户属性", "attribute", false, ColumnKind::kCode, CodeList::kAttribute},
    {"主要致贫原因", "main_cause", false, ColumnKind::kCode, CodeList::kCause},
    {"其他致贫原因", "other_causes", false, ColumnKind::kCodes, CodeList::kCause},
    {"家庭人口数", "size", false, ColumnKind::kWhole},
    {"工资性收入", "wage_income", true, ColumnKind::kMoney},
    {"生产经营性收入", "business_income", true, ColumnKind::kMoney},
    {"生产经营性支出", "business_cost", true, ColumnKind::kMoney},
    {"财产性收入", "property_income", true, ColumnKind::kMoney},
    {"转移性收入", "transfer_income", true, ColumnKind::kMoney},
    {"合规自付医疗支出", "medical_out_of_pocket", false, ColumnKind::kMoney},
    {"教育支出", "education_cost", false, ColumnKind::kMoney},
    {"灾害损失", "disaster_loss", false, ColumnKind::kMoney},
    {"不愁吃", "food_secure", true, ColumnKind::kYesNo},
    {"不愁穿", "clothing_secure", true, ColumnKind::kYesNo},
    {"住房安全等级", "housing_grade", true, ColumnKind::kCode, CodeList::kHousingGrade},
    {"危房改造", "renovation", false, ColumnKind::kCode, CodeList::kRenovation},
    {"易地搬迁", "relocation", false, ColumnKind::kCode, CodeList::kRelocation},
    {"饮水安全", "water_safe", true, ColumnKind::kYesNo},
    {"监测对象类型", "monitor_type", false, ColumnKind::kCode, CodeList::kMonitorType},
    {"监测状态", "monitor_status", false, ColumnKind::kCode, CodeList::kMonitorStatus},
    {"纳入监测日期", "monitor_since", false, ColumnKind::kDate},
    {"风险类型", "risk_types", false, ColumnKind::kCodes, CodeList::kRiskType},
    {"联系电话", "phone", false},
};
static_assert(std::size(kHouseholdColumns) == kHouseholdColumnCount);

constexpr TemplateColumn kMemberColumns[] = {
    {"户编号", "household_code", true},
    {"姓名", "name", true},
    {"证件类型", "id_type", false, ColumnKind::kCode, CodeList::kIdType},
    {"证件号码", "id_number", true},
    {"与户主关系", "relation", true, ColumnKind::kCode, CodeList::kRelation},
    {"性别", "sex", false, ColumnKind::kCode, CodeList::kSex},
    {"出生日期", "birth_date", false, ColumnKind::kDate},
    {"民族", "ethnicity", false},
    {"文化程度", "education", false, ColumnKind::kCode, CodeList::kEducation},
    {"在校生状况", "school_status", true, ColumnKind::kCode, CodeList::kSchoolStatus},
    {"健康状况", "health", true, ColumnKind::kCodes, CodeList::kHealth},
    {"残疾等级", "disability_grade", false, ColumnKind::kCode, CodeList::kDisabilityGrade},
    {"劳动能力", "labor", true, ColumnKind::kCode, CodeList::kLabor},
    {"务工月数", "months_worked", false, ColumnKind::kWhole},
    {"参加城乡居民基本医疗保险", "resident_medical_insurance", true, ColumnKind::kYesNo},
    {"参加职工基本医疗保险", "employee_medical_insurance", false, ColumnKind::kYesNo},
    {"参加城乡居民基本养老保险", "pension_insurance", false, ColumnKind::kYesNo},
    {"享受低保", "dibao", false, ColumnKind::kYesNo},
    {"特困供养", "tekun", false, ColumnKind::kYesNo},
};
static_assert(std::size(kMemberColumns) == kMemberColumnCount);

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Reads the cells of one row, appending issues; `ok` turns false on the first error.
class RowReader {
 public:
  RowReader(const HeaderMap& map, const Record& record, std::span<const TemplateColumn> columns,
            std::vector<CellIssue>& issues)
      : map_(map), record_(record), columns_(columns), issues_(issues) {}

  bool ok() const { return ok_; }
  CellKind Kind(int column) const { return map_.Kind(record_, column); }

  // The cell's text without surrounding spaces, and without the quote that CSV exports
  // put before a cell that would read as a formula ('=…, '+…, '-…, '@…).
  std::string_view Text(int column) const {
    std::string_view text = TrimSpaces(map_.Cell(record_, column));
    if (text.size() >= 2 && text[0] == '\'' && StartsLikeFormula(text.substr(1))) {
      text = TrimSpaces(text.substr(1));
    }
    return text;
  }

  // Refuses (E_FORMAT) every cell that holds a control character, a DEL or a bidi
  // control; line breaks and tabs are accepted only in the columns of `multiline`. Such
  // a cell is then treated as absent, so that it is reported once. The values of the
  // `hidden` columns (personal data) are not repeated in the issue.
  void CheckControls(std::initializer_list<int> multiline, std::initializer_list<int> hidden) {
    for (size_t c = 0; c < columns_.size(); ++c) {
      const int column = static_cast<int>(c);
      if (!map_.has_column(column)) continue;
      const std::string_view text = Text(column);
      const bool lines = std::find(multiline.begin(), multiline.end(), column) != multiline.end();
      auto found = FindForbiddenControl(text, lines ? LineBreaks::kAllowed : LineBreaks::kRefused);
      if (!found) continue;
      const std::string name(columns_[c].zh);
      const std::string at = std::to_string(Utf8Length(text.substr(0, found->offset)) + 1);
      const std::string what = CodePointName(found->code_point);
      const bool hide = std::find(hidden.begin(), hidden.end(), column) != hidden.end();
      Fail(column, "E_FORMAT", hide ? std::string_view() : text,
           "“" + name + "”的第 " + at + " 个字符是不允许的控制字符 " + what,
           std::string(columns_[c].key) + ": character " + at + " is a control character (" + what +
               "), which is not allowed");
      refused_ |= uint64_t{1} << c;
    }
  }

  // Refuses (E_FORMAT) every cell that holds a spreadsheet error value ("#N/A", "#DIV/0!":
  // a formula that failed), naming the cell; such a cell is then treated as absent.
  void CheckErrorValues() {
    if (record_.kinds.empty()) return;  // CSV: text only
    for (size_t c = 0; c < columns_.size(); ++c) {
      const int column = static_cast<int>(c);
      if (map_.Kind(record_, column) != CellKind::kError) continue;
      const std::string cell = map_.CellReference(record_, column);
      const std::string value(Text(column));
      Fail(column, "E_FORMAT", value,
           "单元格 " + cell + "（“" + std::string(columns_[c].zh) + "”）是错误值 " + value +
               "，请改正公式或填写数值",
           "cell " + cell + " (" + std::string(columns_[c].key) + ") holds the error value " +
               value + "; correct the formula or type the value");
      refused_ |= uint64_t{1} << c;
    }
  }

  // Refuses (E_FORMAT) a free-text value that begins as a spreadsheet formula does.
  bool RefuseFormula(int column, std::string_view text) {
    if (!StartsLikeFormula(text)) return false;
    const std::string name(columns_[column].zh);
    Fail(column, "E_FORMAT", text, "“" + name + "”不能以 = + - @ 开头：" + std::string(text),
         std::string(columns_[column].key) + " cannot begin with = + - @: " + std::string(text));
    return true;
  }

  // Values and messages are shown escaped (EscapeControls): never a raw control character.
  void Fail(int column, std::string code, std::string_view value, std::string zh, std::string en) {
    issues_.push_back({std::move(code), std::string(column >= 0 ? columns_[column].zh : ""),
                       EscapeControls(value), EscapeControls(zh), EscapeControls(en)});
    ok_ = false;
  }
  void Warn(int column, std::string code, std::string_view value, std::string zh, std::string en) {
    issues_.push_back({std::move(code), std::string(columns_[column].zh), EscapeControls(value),
                       EscapeControls(zh), EscapeControls(en)});
  }

  // Returns false (after E_REQUIRED when `required`) when the cell is empty.
  bool Present(int column, bool required) {
    std::string_view text;
    return Take(column, required, text);
  }
  // The same, giving the cell's trimmed text.
  bool Take(int column, bool required, std::string_view& text) {
    text = Text(column);
    if (refused_ & (uint64_t{1} << column)) return false;  // already reported
    if (!text.empty()) return true;
    if (required) {
      std::string name(columns_[column].zh);
      Fail(column, "E_REQUIRED", "", "“" + name + "”不能为空", name + " is required");
    }
    return false;
  }

  void Code(int column, CodeList list, bool required, int& out) {
    std::string_view text;
    if (!Take(column, required, text)) return;
    if (auto code = ParseCode(list, text)) {
      out = *code;
    } else {
      std::string name(columns_[column].zh);
      Fail(column, "E_CODE", text, "“" + name + "”的值“" + std::string(text) + "”不在代码表中",
           std::string(columns_[column].key) + ": '" + std::string(text) +
               "' is not in the code list");
    }
  }

  void Codes(int column, CodeList list, bool required, CodeSet& out) {
    std::string_view text;
    if (!Take(column, required, text)) return;
    std::string bad;
    if (auto set = ParseCodeSet(list, text, &bad)) {
      out = *set;
    } else {
      std::string name(columns_[column].zh);
      Fail(column, "E_CODE", text, "“" + name + "”的值“" + bad + "”不在代码表中",
           std::string(columns_[column].key) + ": '" + bad + "' is not in the code list");
    }
  }

  void YesNo(int column, bool required, bool& out) {
    std::string_view text;
    if (!Take(column, required, text)) return;
    if (auto v = ParseYesNo(text)) {
      out = *v;
    } else {
      std::string name(columns_[column].zh);
      Fail(column, "E_CODE", text,
           "“" + name + "”应填“是”或“否”，而不是“" + std::string(text) + "”",
           std::string(columns_[column].key) + ": expected yes or no, got '" + std::string(text) +
               "'");
    }
  }

  void Amount(int column, bool required, Money& out) {
    std::string_view text;
    if (!Take(column, required, text)) return;
    auto money = Money::Parse(text);
    if (money.ok() && money->fen() >= 0) {
      out = *money;
      return;
    }
    std::string name(columns_[column].zh);
    if (!money.ok()) {
      Fail(column, "E_NUMBER", text, "“" + name + "”：" + money.error().zh,
           std::string(columns_[column].key) + ": " + money.error().en);
    } else {
      Fail(column, "E_NUMBER", text, "“" + name + "”不能为负数",
           std::string(columns_[column].key) + " cannot be negative");
    }
  }

  // An integer in [lo, hi]; out of range is `range_code` (E_NUMBER or E_YEAR).
  void Integer(int column, bool required, int lo, int hi, const char* range_code, int& out) {
    std::string_view text;
    if (!Take(column, required, text)) return;
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    const bool number = ec == std::errc() && end == text.data() + text.size();
    if (number && value >= lo && value <= hi) {
      out = value;
      return;
    }
    std::string name(columns_[column].zh);
    if (!number) {
      Fail(column, "E_NUMBER", text, "“" + name + "”应为整数：" + std::string(text),
           std::string(columns_[column].key) + ": not a whole number: " + std::string(text));
    } else {
      Fail(column, range_code, text,
           "“" + name + "”应在 " + std::to_string(lo) + " 至 " + std::to_string(hi) + " 之间",
           std::string(columns_[column].key) + " must be between " + std::to_string(lo) + " and " +
               std::to_string(hi));
    }
  }

  void DateValue(int column, bool required, Date today, std::optional<Date>& out) {
    std::string_view text;
    if (!Take(column, required, text)) return;
    auto date = Date::Parse(text);
    if (date.ok() && !(*date > today)) {
      out = *date;
      return;
    }
    std::string name(columns_[column].zh);
    if (!date.ok()) {
      Fail(column, "E_DATE", text, "“" + name + "”不是有效日期：" + std::string(text),
           std::string(columns_[column].key) + ": not a valid date: " + std::string(text));
    } else {
      Fail(column, "E_DATE", text, "“" + name + "”不能晚于今天：" + std::string(text),
           std::string(columns_[column].key) + " lies in the future: " + std::string(text));
    }
  }

  void CheckWidth() {
    if (record_.cells.size() > map_.cell_count()) {
      // Trailing empty cells (a spreadsheet's stray commas) are harmless.
      for (size_t i = map_.cell_count(); i < record_.cells.size(); ++i) {
        if (!TrimSpaces(record_.cells[i]).empty()) {
          Fail(-1, "E_FORMAT", "",
               "该行有 " + std::to_string(record_.cells.size()) + " 列，多于表头的 " +
                   std::to_string(map_.cell_count()) + " 列",
               "the row has " + std::to_string(record_.cells.size()) +
                   " cells, more than the header's " + std::to_string(map_.cell_count()));
          return;
        }
      }
    }
  }

  void ApplyRuleIssues(const std::vector<RuleIssue>& rule_issues) {
    for (const auto& r : rule_issues) {
      issues_.push_back(
          {r.code, r.column, EscapeControls(r.value), EscapeControls(r.zh), EscapeControls(r.en)});
      if (r.code[0] == 'E') ok_ = false;
    }
  }

 private:
  const HeaderMap& map_;
  const Record& record_;
  std::span<const TemplateColumn> columns_;
  std::vector<CellIssue>& issues_;
  bool ok_ = true;
  uint64_t refused_ = 0;  // bit i: column i was refused by CheckControls
};

bool ValidHouseholdCode(std::string_view code) {
  if (code.empty() || code.size() > 32) return false;
  for (char c : code) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
  }
  return true;
}

std::string YesNo(bool v) { return std::string(YesNoLabel(v)); }
std::string Label(CodeList list, int code) {
  return code == kNone ? std::string() : std::string(CodeLabel(list, code));
}

}  // namespace

std::span<const TemplateColumn> TemplateColumns(TemplateTable table) {
  if (table == TemplateTable::kHouseholds) return kHouseholdColumns;
  return kMemberColumns;
}

namespace {

// The index of the column named `name` (Chinese, or the English key in any case), or -1.
int FindColumn(std::span<const TemplateColumn> columns, std::string_view name) {
  for (size_t c = 0; c < columns.size(); ++c) {
    if (name == columns[c].zh || EqualsIgnoreCase(name, columns[c].key)) {
      return static_cast<int>(c);
    }
  }
  return -1;
}

class TitleSkippingReader : public TableReader {
 public:
  TitleSkippingReader(std::unique_ptr<TableReader> reader, TemplateTable table)
      : reader_(std::move(reader)), table_(table) {}

  Result<bool> Next(Record& record) override {
    if (!searched_) Search();
    if (!ahead_.empty()) {
      std::swap(record, ahead_.front());
      ahead_.pop_front();
      return true;
    }
    if (error_) return *error_;
    if (ended_) return false;
    return reader_->Next(record);
  }
  const std::string& name() const override { return reader_->name(); }
  Encoding encoding() const override { return reader_->encoding(); }

 private:
  void Search() {
    searched_ = true;
    for (size_t i = 0; i < kHeaderSearchRows; ++i) {
      Record record;
      Result<bool> next = reader_->Next(record);
      if (!next.ok()) {
        error_ = next.error();
        break;
      }
      if (!*next) {
        ended_ = true;
        break;
      }
      const bool header = NamesTemplateColumn(table_, record);
      ahead_.push_back(std::move(record));
      if (header) {
        ahead_.erase(ahead_.begin(), ahead_.end() - 1);  // the title above it
        return;
      }
    }
  }

  std::unique_ptr<TableReader> reader_;
  TemplateTable table_;
  bool searched_ = false;
  std::deque<Record> ahead_;  // records read while searching, not yet returned
  std::optional<Error> error_;
  bool ended_ = false;
};

}  // namespace

int FindTemplateColumn(TemplateTable table, std::string_view name) {
  return FindColumn(TemplateColumns(table), name);
}

bool NamesTemplateColumn(TemplateTable table, const Record& record) {
  const auto columns = TemplateColumns(table);
  for (const auto& cell : record.cells) {
    if (FindColumn(columns, TrimSpaces(cell)) >= 0) return true;
  }
  return false;
}

std::unique_ptr<TableReader> SkipTitleRows(std::unique_ptr<TableReader> reader,
                                           TemplateTable table) {
  return std::make_unique<TitleSkippingReader>(std::move(reader), table);
}

HeaderMap HeaderMap::Build(TemplateTable table, const Record& header,
                           std::vector<CellIssue>& issues) {
  auto columns = TemplateColumns(table);
  HeaderMap map;
  map.column_of_cell_.assign(header.cells.size(), -1);
  map.cell_of_column_.assign(columns.size(), -1);
  for (size_t i = 0; i < header.cells.size(); ++i) {
    std::string_view name = TrimSpaces(header.cells[i]);
    if (name.empty() && i + 1 == header.cells.size()) break;  // a trailing comma
    const int found = FindColumn(columns, name);
    if (found < 0) {
      const std::string shown = EscapeControls(name);
      issues.push_back({"E_HEADER", shown, shown, "未知的列名“" + shown + "”",
                        "unknown column '" + shown + "'"});
      continue;
    }
    if (map.cell_of_column_[found] >= 0) {
      issues.push_back({"E_HEADER", std::string(name), std::string(name),
                        "列“" + std::string(columns[found].zh) + "”重复出现",
                        "column '" + std::string(columns[found].key) + "' appears twice"});
      continue;
    }
    map.cell_of_column_[found] = static_cast<int>(i);
    map.column_of_cell_[i] = found;
  }
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].required && map.cell_of_column_[c] < 0) {
      issues.push_back({"E_HEADER", std::string(columns[c].zh), "",
                        "缺少必填列“" + std::string(columns[c].zh) + "”",
                        "required column '" + std::string(columns[c].key) + "' (" +
                            std::string(columns[c].zh) + ") is missing"});
    }
  }
  return map;
}

std::string_view HeaderMap::Cell(const Record& record, int column) const {
  int cell = cell_of_column_[column];
  if (cell < 0 || static_cast<size_t>(cell) >= record.cells.size()) return {};
  return record.cells[cell];
}

CellKind HeaderMap::Kind(const Record& record, int column) const {
  const int cell = cell_of_column_[column];
  return cell < 0 ? CellKind::kText : record.kind(static_cast<size_t>(cell));
}

std::string HeaderMap::CellReference(const Record& record, int column) const {
  std::string letters;
  for (size_t n = static_cast<size_t>(std::max(cell_of_column_[column], 0)) + 1; n > 0;
       n = (n - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return letters + std::to_string(record.line);
}

bool ParseHouseholdRow(const HeaderMap& map, const Record& record, Date today, Household& h,
                       std::vector<CellIssue>& issues) {
  h = Household();
  RowReader r(map, record, kHouseholdColumns, issues);
  r.CheckWidth();
  r.CheckControls({}, {kPhone});
  r.CheckErrorValues();
  if (r.Present(kHouseholdCode, true)) {
    auto code = r.Text(kHouseholdCode);
    if (ValidHouseholdCode(code)) {
      h.household_code = std::string(code);
    } else {
      r.Fail(kHouseholdCode, "E_FORMAT", code,
             "户编号应为 1–32 位字母、数字或“-”：" + std::string(code),
             "household_code must be 1–32 of A-Z a-z 0-9 -: " + std::string(code));
    }
  }
  if (r.Present(kVillageCode, true)) {
    auto text = r.Text(kVillageCode);
    auto region = RegionCode::Parse(text);
    if (text.size() != 12 || !region.ok() || region->level() != RegionLevel::kVillage) {
      r.Fail(kVillageCode, "E_REGION", text, "行政区划代码应为村级 12 位代码：" + std::string(text),
             "village_code must be the 12-digit code of a village: " + std::string(text));
    } else {
      h.village_code = *region;
    }
  }
  if (r.Present(kVillageGroup, false)) {
    auto group = r.Text(kVillageGroup);
    if (Utf8Length(group) > kMaxVillageGroupLength) {
      r.Fail(
          kVillageGroup, "E_FORMAT", group,
          "村民小组超过 " + std::to_string(kMaxVillageGroupLength) + " 个字",
          "village_group is longer than " + std::to_string(kMaxVillageGroupLength) + " characters");
    } else if (!r.RefuseFormula(kVillageGroup, group)) {
      h.village_group.assign(group);
    }
  }
  r.Code(kHouseholdKind, CodeList::kHouseholdKind, false, h.kind);
  r.Code(kPovertyStatus, CodeList::kPovertyStatus, false, h.poverty_status);
  const int year = today.year();
  r.Integer(kRegisteredYear, false, 2013, year, "E_YEAR", h.registered_year);
  r.Integer(kExitYear, false, 2013, year, "E_YEAR", h.exit_year);
  r.Code(kAttribute, CodeList::kAttribute, false, h.attribute);
  r.Code(kMainCause, CodeList::kCause, false, h.main_cause);
  r.Codes(kOtherCauses, CodeList::kCause, false, h.other_causes);
  r.Integer(kSize, false, 1, 99, "E_NUMBER", h.size);
  r.Amount(kWageIncome, true, h.wage_income);
  r.Amount(kBusinessIncome, true, h.business_income);
  r.Amount(kBusinessCost, true, h.business_cost);
  r.Amount(kPropertyIncome, true, h.property_income);
  r.Amount(kTransferIncome, true, h.transfer_income);
  r.Amount(kMedicalOutOfPocket, false, h.medical_out_of_pocket);
  r.Amount(kEducationCost, false, h.education_cost);
  r.Amount(kDisasterLoss, false, h.disaster_loss);
  r.YesNo(kFoodSecure, true, h.food_secure);
  r.YesNo(kClothingSecure, true, h.clothing_secure);
  r.Code(kHousingGrade, CodeList::kHousingGrade, true, h.housing_grade);
  r.Code(kRenovation, CodeList::kRenovation, false, h.renovation);
  r.Code(kRelocation, CodeList::kRelocation, false, h.relocation);
  r.YesNo(kWaterSafe, true, h.water_safe);
  r.Code(kMonitorType, CodeList::kMonitorType, false, h.monitor_type);
  h.monitor_status = kNone;  // its default depends on the type: CheckHouseholdRow sets it
  r.Code(kMonitorStatus, CodeList::kMonitorStatus, false, h.monitor_status);
  r.DateValue(kMonitorSince, false, today, h.monitor_since);
  r.Codes(kRiskTypes, CodeList::kRiskType, false, h.risk_types);
  if (r.Present(kPhone, false)) {
    auto phone = r.Text(kPhone);
    bool valid = phone.size() <= 20;
    for (char c : phone)
      valid &= (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == ' ');
    if (valid && r.Kind(kPhone) == CellKind::kNumber && phone.size() != 11) {
      // A mobile number (11 digits) survives a number cell; a landline loses its leading 0.
      r.Fail(kPhone, "E_FORMAT", "", "联系电话列须设置为文本格式，数字格式会丢失开头的 0",
             "the phone column must be formatted as text: a number loses its leading 0");
    } else if (valid) {
      h.phone = std::string(phone);
    } else {
      // The value is personal data: it is not repeated in the message.
      r.Fail(kPhone, "E_FORMAT", "", "联系电话只能包含数字、“-”和“+”，最多 20 位",
             "phone may hold only digits, '-' and '+', at most 20");
    }
  }
  if (r.ok()) {
    std::vector<RuleIssue> rule_issues;
    CheckHouseholdRow(h, today, rule_issues);
    r.ApplyRuleIssues(rule_issues);
  }
  return r.ok();
}

bool ParseMemberRow(const HeaderMap& map, const Record& record, Date today, Member& m,
                    std::string& household_code, std::vector<CellIssue>& issues) {
  m = Member();
  household_code.clear();
  RowReader r(map, record, kMemberColumns, issues);
  r.CheckWidth();
  // 民族 is free text that a spreadsheet may hold on two lines; a name never is.
  r.CheckControls({kEthnicity}, {});
  r.CheckErrorValues();
  if (r.Present(kMemberHouseholdCode, true)) {
    auto code = r.Text(kMemberHouseholdCode);
    if (ValidHouseholdCode(code)) {
      household_code.assign(code);
    } else {
      r.Fail(kMemberHouseholdCode, "E_FORMAT", code,
             "户编号应为 1–32 位字母、数字或“-”：" + std::string(code),
             "household_code must be 1–32 of A-Z a-z 0-9 -: " + std::string(code));
    }
  }
  if (r.Present(kName, true)) {
    auto name = r.Text(kName);
    if (Utf8Length(name) > 50) {
      r.Fail(kName, "E_FORMAT", name, "姓名超过 50 个字", "name is longer than 50 characters");
    } else if (!r.RefuseFormula(kName, name)) {
      m.name.assign(name);
    }
  }
  r.Code(kIdType, CodeList::kIdType, false, m.id_type);
  r.Code(kSex, CodeList::kSex, false, m.sex);
  r.DateValue(kBirthDate, false, today, m.birth_date);
  if (r.Present(kIdNumber, true)) {
    auto text = r.Text(kIdNumber);
    if (r.Kind(kIdNumber) == CellKind::kNumber) {
      // Excel shows 4.11525E+17 and has kept 15 of the 18 digits: nothing to check.
      r.Fail(kIdNumber, "E_ID_FORMAT", text, "证件号码列须设置为文本格式，数字格式会丢失末位",
             "the ID number column must be formatted as text: a number loses its last digits");
    } else if (m.id_type == code::kResidentId) {
      auto id = ParseIdNumber(text, today);
      if (!id.ok()) {
        // The number is personal data: messages name the problem, not the number.
        r.Fail(kIdNumber, id.error().code, text, id.error().zh, id.error().en);
      } else {
        m.id_number = id->number;
        if (id->upgraded) {
          r.Warn(kIdNumber, "W_ID_UPGRADED", text, "15 位身份证号已升级为 18 位：" + id->number,
                 "15-digit ID number upgraded to 18: " + id->number);
        }
        if (m.sex != kNone && m.sex != id->sex) {
          r.Fail(kSex, "E_SEX_MISMATCH", r.Text(kSex), "性别与身份证号码不符",
                 "sex disagrees with the ID number");
        }
        if (m.birth_date && *m.birth_date != id->birth_date) {
          r.Fail(kBirthDate, "E_SEX_MISMATCH", r.Text(kBirthDate), "出生日期与身份证号码不符",
                 "birth date disagrees with the ID number");
        }
        m.sex = id->sex;
        m.birth_date = id->birth_date;
      }
    } else {
      bool valid = text.size() <= 32;
      for (char c : text) valid &= (std::isalnum(static_cast<unsigned char>(c)) || c == '-');
      if (valid) {
        m.id_number = std::string(text);
      } else {
        r.Fail(kIdNumber, "E_ID_FORMAT", text, "证件号码只能包含字母、数字和“-”，最多 32 位",
               "ID number may hold only letters, digits and '-', at most 32");
      }
    }
  }
  r.Code(kRelation, CodeList::kRelation, true, m.relation);
  if (r.Present(kEthnicity, false) && !r.RefuseFormula(kEthnicity, r.Text(kEthnicity))) {
    m.ethnicity = std::string(r.Text(kEthnicity));
  }
  r.Code(kEducation, CodeList::kEducation, false, m.education);
  r.Code(kSchoolStatus, CodeList::kSchoolStatus, true, m.school_status);
  r.Codes(kHealth, CodeList::kHealth, true, m.health);
  r.Code(kDisabilityGrade, CodeList::kDisabilityGrade, false, m.disability_grade);
  r.Code(kLabor, CodeList::kLabor, true, m.labor);
  r.Integer(kMonthsWorked, false, 0, 12, "E_NUMBER", m.months_worked);
  r.YesNo(kResidentMedical, true, m.resident_medical_insurance);
  r.YesNo(kEmployeeMedical, false, m.employee_medical_insurance);
  r.YesNo(kPension, false, m.pension_insurance);
  r.YesNo(kDibao, false, m.dibao);
  r.YesNo(kTekun, false, m.tekun);
  if (r.ok()) {
    std::vector<RuleIssue> rule_issues;
    CheckMemberRow(m, 0, rule_issues);
    r.ApplyRuleIssues(rule_issues);
  }
  return r.ok();
}

std::vector<std::string> TemplateHeader(TemplateTable table, bool with_group) {
  std::vector<std::string> header;
  for (const auto& c : TemplateColumns(table)) header.emplace_back(c.zh);
  if (table == TemplateTable::kHouseholds && !with_group)
    header.erase(header.begin() + kVillageGroup);
  return header;
}

bool AnyVillageGroup(std::span<const Household> households) {
  return std::any_of(households.begin(), households.end(),
                     [](const Household& h) { return !h.village_group.empty(); });
}

void HouseholdCells(const Household& h, std::vector<std::string>& c, bool with_group) {
  c.resize(kHouseholdColumnCount);
  c[kHouseholdCode] = h.household_code;
  c[kVillageCode] = h.village_code.ToString();
  c[kVillageGroup] = h.village_group;
  c[kHouseholdKind] = Label(CodeList::kHouseholdKind, h.kind);
  c[kPovertyStatus] = Label(CodeList::kPovertyStatus, h.poverty_status);
  c[kRegisteredYear] = h.registered_year ? std::to_string(h.registered_year) : "";
  c[kExitYear] = h.exit_year ? std::to_string(h.exit_year) : "";
  c[kAttribute] = Label(CodeList::kAttribute, h.attribute);
  c[kMainCause] = Label(CodeList::kCause, h.main_cause);
  c[kOtherCauses] = CodeSetLabels(CodeList::kCause, h.other_causes);
  c[kSize] = std::to_string(h.members.size());
  c[kWageIncome] = h.wage_income.ToString();
  c[kBusinessIncome] = h.business_income.ToString();
  c[kBusinessCost] = h.business_cost.ToString();
  c[kPropertyIncome] = h.property_income.ToString();
  c[kTransferIncome] = h.transfer_income.ToString();
  c[kMedicalOutOfPocket] = h.medical_out_of_pocket.ToString();
  c[kEducationCost] = h.education_cost.ToString();
  c[kDisasterLoss] = h.disaster_loss.ToString();
  c[kFoodSecure] = YesNo(h.food_secure);
  c[kClothingSecure] = YesNo(h.clothing_secure);
  c[kHousingGrade] = Label(CodeList::kHousingGrade, h.housing_grade);
  c[kRenovation] = Label(CodeList::kRenovation, h.renovation);
  c[kRelocation] = Label(CodeList::kRelocation, h.relocation);
  c[kWaterSafe] = YesNo(h.water_safe);
  c[kMonitorType] = Label(CodeList::kMonitorType, h.monitor_type);
  c[kMonitorStatus] = Label(CodeList::kMonitorStatus, h.monitor_status);
  c[kMonitorSince] = h.monitor_since ? h.monitor_since->ToString() : "";
  c[kRiskTypes] = CodeSetLabels(CodeList::kRiskType, h.risk_types);
  c[kPhone] = h.phone;
  if (!with_group) c.erase(c.begin() + kVillageGroup);
}

void MemberCells(const std::string& household_code, const Member& m, std::vector<std::string>& c) {
  c.resize(kMemberColumnCount);
  c[kMemberHouseholdCode] = household_code;
  c[kName] = m.name;
  c[kIdType] = Label(CodeList::kIdType, m.id_type);
  c[kIdNumber] = m.id_number;
  c[kRelation] = Label(CodeList::kRelation, m.relation);
  c[kSex] = Label(CodeList::kSex, m.sex);
  c[kBirthDate] = m.birth_date ? m.birth_date->ToString() : "";
  c[kEthnicity] = m.ethnicity;
  c[kEducation] = Label(CodeList::kEducation, m.education);
  c[kSchoolStatus] = Label(CodeList::kSchoolStatus, m.school_status);
  c[kHealth] = CodeSetLabels(CodeList::kHealth, m.health);
  c[kDisabilityGrade] = Label(CodeList::kDisabilityGrade, m.disability_grade);
  c[kLabor] = Label(CodeList::kLabor, m.labor);
  c[kMonthsWorked] = m.months_worked == kNone ? "" : std::to_string(m.months_worked);
  c[kResidentMedical] = YesNo(m.resident_medical_insurance);
  c[kEmployeeMedical] = YesNo(m.employee_medical_insurance);
  c[kPension] = YesNo(m.pension_insurance);
  c[kDibao] = YesNo(m.dibao);
  c[kTekun] = YesNo(m.tekun);
}

bool IsBlankRecord(const Record& record) {
  for (const auto& cell : record.cells) {
    if (!TrimSpaces(cell).empty()) return false;
  }
  return true;
}

}  // namespace fupin
