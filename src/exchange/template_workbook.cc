#include "exchange/template_workbook.h"

#include <string_view>

namespace fupin {
namespace {

// The notes of one column: the "required" and "notes" columns of spec/import-template.md
// in Chinese, and an example value (from the demo data in tests/data/import/base where it
// has one).
struct ColumnNote {
  TemplateTable table;
  std::string_view key;
  std::string_view required;  // "是", "否" or the condition
  std::string_view example;
  std::string_view note;
};

constexpr TemplateTable kH = TemplateTable::kHouseholds;
constexpr TemplateTable kM = TemplateTable::kMembers;

constexpr ColumnNote kNotes[] = {
    {kH, "household_code", "是", "H2210120500001", "唯一；1–32 位字母、数字或“-”"},
    {kH, "village_code", "是", "620422101205", "区划库中村级区划的 12 位代码"},
    {kH, "village_group", "否", "3组",
     "文本，1–30 个字；显示在公示公告中；户表没有这一列时，已登记户的村民小组不变"},
    {kH, "household_kind", "否", "建档立卡户", "默认 建档立卡户"},
    {kH, "poverty_status", "建档立卡户必填", "未脱贫", "未脱贫 / 已脱贫 / 返贫 / 已剔除"},
    {kH, "registered_year", "建档立卡户必填", "2016", "2013 至今年"},
    {kH, "exit_year", "已脱贫时必填", "2019", "不早于识别年度"},
    {kH, "attribute", "否", "低保户", "默认 一般户"},
    {kH, "main_cause", "建档立卡户必填", "因灾", "一个代码"},
    {kH, "other_causes", "否", "缺技术；缺资金", "可填多个"},
    {kH, "size", "否", "4", "填写时须等于人表中该户的成员行数"},
    {kH, "wage_income", "是", "3881.62", "元/年，不小于 0"},
    {kH, "business_income", "是", "5981.02", "不小于 0"},
    {kH, "business_cost", "是", "1862.64", "不小于 0"},
    {kH, "property_income", "是", "0.00", "不小于 0"},
    {kH, "transfer_income", "是", "0.00", "不小于 0"},
    {kH, "medical_out_of_pocket", "否", "500.00", "近 12 个月，默认 0"},
    {kH, "education_cost", "否", "2000.00", "默认 0"},
    {kH, "disaster_loss", "否", "0.00", "默认 0"},
    {kH, "food_secure", "是", "是", "是 / 否"},
    {kH, "clothing_secure", "是", "是", "是 / 否"},
    {kH, "housing_grade", "是", "A", "A / B / C / D"},
    {kH, "renovation", "否", "无", "默认 无"},
    {kH, "relocation", "否", "否", "默认 否"},
    {kH, "water_safe", "是", "是", "是 / 否"},
    {kH, "monitor_type", "否", "非监测对象", "默认 非监测对象"},
    {kH, "monitor_status", "否", "监测中", "监测中 / 风险已消除；监测对象默认 监测中，否则为 无"},
    {kH, "monitor_since", "监测对象必填", "2024-03-01", "日期"},
    {kH, "risk_types", "监测对象必填", "因病；因学", "可填多个"},
    {kH, "phone", "否", "", "个人信息：在屏幕上和公告中遮盖"},
    {kM, "household_code", "是", "H2210220100000", "须与本次导入户表中的一行相同"},
    {kM, "name", "是", "张三", "1–50 个字"},
    {kM, "id_type", "否", "居民身份证", "默认 居民身份证"},
    {kM, "id_number", "是", "620422196004057550",
     "居民身份证：18 位，GB 11643 校验位，出生日期有效；15 位号码升级为 18 位并给出警告；"
     "小写 x 按 X 存储。请保持该列为文本格式，否则电子表格会丢失后几位"},
    {kM, "relation", "是", "户主", "每户恰有一名户主"},
    {kM, "sex", "否", "男", "不填时由身份证号码得出；填写时须与之一致"},
    {kM, "birth_date", "否", "1960-04-05", "不填时由身份证号码得出；填写时须与之一致"},
    {kM, "ethnicity", "否", "汉族", "文本"},
    {kM, "education", "否", "小学", ""},
    {kM, "school_status", "是", "非在校生", ""},
    {kM, "health", "是", "健康", "可填多个"},
    {kM, "disability_grade", "残疾时必填", "", ""},
    {kM, "labor", "是", "技能劳动力", ""},
    {kM, "months_worked", "否", "10", "0–12"},
    {kM, "resident_medical_insurance", "是", "是", "是 / 否"},
    {kM, "employee_medical_insurance", "否", "否", "默认 否"},
    {kM, "pension_insurance", "否", "否", "默认 否"},
    {kM, "dibao", "否", "否", "默认 否"},
    {kM, "tekun", "否", "否", "默认 否"},
};

const ColumnNote* FindNote(TemplateTable table, std::string_view key) {
  for (const auto& note : kNotes) {
    if (note.table == table && note.key == key) return &note;
  }
  return nullptr;
}

std::vector<std::string> Labels(const TemplateColumn& column) {
  std::vector<std::string> labels;
  if (column.kind == ColumnKind::kYesNo) {
    labels = {std::string(YesNoLabel(true)), std::string(YesNoLabel(false))};
  } else if (column.kind == ColumnKind::kCode || column.kind == ColumnKind::kCodes) {
    for (const auto& entry : CodeEntries(column.list)) labels.emplace_back(entry.label);
  }
  return labels;
}

std::string_view FormatText(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kText:
      return "文本";
    case ColumnKind::kCode:
      return "代码表中的一个值（下拉选择）";
    case ColumnKind::kCodes:
      return "代码表中的一个或多个值，用“；”分隔";
    case ColumnKind::kYesNo:
      return "是 / 否（下拉选择）";
    case ColumnKind::kMoney:
      return "数字，单位元，最多两位小数";
    case ColumnKind::kWhole:
      return "整数";
    case ColumnKind::kDate:
      return "日期 YYYY-MM-DD";
  }
  return "";
}

Status WriteNotes(XlsxWriter& book) {
  SheetLayout layout;
  layout.columns.resize(8);
  auto sheet = book.AddSheet("说明", layout);
  if (!sheet.ok()) return sheet.error();
  for (const auto& row : TemplateNotes()) FUPIN_RETURN_IF_ERROR((*sheet)->WriteRow(row));
  return Status::Ok();
}

}  // namespace

SheetLayout TemplateLayout(TemplateTable table, bool with_group) {
  SheetLayout layout;
  for (const auto& column : TemplateColumns(table)) {
    if (!with_group && column.key == "village_group") continue;
    SheetColumn out;
    switch (column.kind) {
      case ColumnKind::kMoney:
        out.format = CellFormat::kMoney;
        break;
      case ColumnKind::kWhole:
        out.format = CellFormat::kWhole;
        break;
      case ColumnKind::kDate:
        out.format = CellFormat::kDate;
        break;
      default:
        out.format = CellFormat::kText;
        break;
    }
    out.choices = Labels(column);
    if (column.kind == ColumnKind::kCodes) {
      out.strict = false;
      out.prompt = "可选一个值，或填多个值并用“；”分隔";
    }
    layout.columns.push_back(std::move(out));
  }
  return layout;
}

Result<RegisterSheets> AddRegisterSheets(XlsxWriter& book, bool with_group) {
  auto households = book.AddSheet("户表", TemplateLayout(TemplateTable::kHouseholds, with_group));
  if (!households.ok()) return households.error();
  auto members = book.AddSheet("人表", TemplateLayout(TemplateTable::kMembers));
  if (!members.ok()) return members.error();
  FUPIN_RETURN_IF_ERROR(
      (*households)->WriteRow(TemplateHeader(TemplateTable::kHouseholds, with_group)));
  FUPIN_RETURN_IF_ERROR((*members)->WriteRow(TemplateHeader(TemplateTable::kMembers)));
  return RegisterSheets{*households, *members};
}

std::vector<std::vector<std::string>> TemplateNotes() {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"表", "列名", "英文列名", "是否必填", "格式", "允许的值", "示例", "说明"});
  for (TemplateTable table : {TemplateTable::kHouseholds, TemplateTable::kMembers}) {
    const std::string table_name = table == TemplateTable::kHouseholds ? "户表" : "人表";
    for (const auto& column : TemplateColumns(table)) {
      const ColumnNote* note = FindNote(table, column.key);
      std::string allowed;
      for (const auto& label : Labels(column)) allowed += (allowed.empty() ? "" : "、") + label;
      rows.push_back({table_name, std::string(column.zh), std::string(column.key),
                      note ? std::string(note->required) : (column.required ? "是" : "否"),
                      std::string(FormatText(column.kind)), allowed,
                      note ? std::string(note->example) : "", note ? std::string(note->note) : ""});
    }
  }
  return rows;
}

Status WriteTemplateWorkbook(const std::string& path) {
  auto book = XlsxWriter::Create(path);
  if (!book.ok()) return book.error();
  auto sheets = AddRegisterSheets(**book);
  if (!sheets.ok()) return sheets.error();
  FUPIN_RETURN_IF_ERROR(WriteNotes(**book));
  return (*book)->Close();
}

}  // namespace fupin
