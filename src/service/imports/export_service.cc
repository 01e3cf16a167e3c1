#include "service/imports/export_service.h"

#include <filesystem>

#include "exchange/table.h"
#include "exchange/template.h"
#include "exchange/template_workbook.h"

namespace fupin {

Result<ExportReport> ExportRegister(Store& store, RegionCode region, const std::string& out) {
  if (region != RegionCode::Nation()) {
    auto row = store.GetRegion(region);
    if (!row.ok()) return row.error();
    if (!row->has_value()) {
      return Error{"E_REGION", "区划代码不在区划库中：" + region.ToString(),
                   "region code not in the tree: " + region.ToString()};
    }
  }
  // The 村民小组 column only when a household has a group: the export of a register without
  // groups is byte for byte what it was before the column existed.
  auto with_group = store.AnyVillageGroup(region);
  if (!with_group.ok()) return with_group.error();
  ExportReport report;
  std::unique_ptr<XlsxWriter> book;
  std::unique_ptr<CsvWriter> household_csv, member_csv;
  TableWriter* households = nullptr;
  TableWriter* members = nullptr;
  const bool xlsx = out.size() > 5 && (out.ends_with(".xlsx") || out.ends_with(".XLSX"));
  if (xlsx) {
    auto created = XlsxWriter::Create(out);
    if (!created.ok()) return created.error();
    book = std::move(created).value();
    auto sheets = AddRegisterSheets(*book, *with_group);  // with their header rows
    if (!sheets.ok()) return sheets.error();
    households = sheets->households;
    members = sheets->members;
    report.households_path = report.members_path = out;
  } else {
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    if (ec) {
      return Error::Io("无法创建目录 " + out + "：" + ec.message(),
                       "cannot create the folder " + out + ": " + ec.message());
    }
    report.households_path = (std::filesystem::path(out) / "households.csv").string();
    report.members_path = (std::filesystem::path(out) / "members.csv").string();
    auto h = CsvWriter::Create(report.households_path, Encoding::kUtf8, true);
    if (!h.ok()) return h.error();
    auto m = CsvWriter::Create(report.members_path, Encoding::kUtf8, true);
    if (!m.ok()) return m.error();
    household_csv = std::move(h).value();
    member_csv = std::move(m).value();
    households = household_csv.get();
    members = member_csv.get();
    FUPIN_RETURN_IF_ERROR(
        households->WriteRow(TemplateHeader(TemplateTable::kHouseholds, *with_group)));
    FUPIN_RETURN_IF_ERROR(members->WriteRow(TemplateHeader(TemplateTable::kMembers)));
  }
  std::vector<std::string> cells;
  FUPIN_RETURN_IF_ERROR(store.ForEachHousehold(region, [&](const Household& h) -> Status {
    HouseholdCells(h, cells, *with_group);
    FUPIN_RETURN_IF_ERROR(households->WriteRow(cells));
    for (const auto& m : h.members) {
      MemberCells(h.household_code, m, cells);
      FUPIN_RETURN_IF_ERROR(members->WriteRow(cells));
    }
    ++report.households;
    report.members += static_cast<int64_t>(h.members.size());
    return Status::Ok();
  }));
  if (book) {
    FUPIN_RETURN_IF_ERROR(book->Close());
    return report;
  }
  FUPIN_RETURN_IF_ERROR(household_csv->Close());
  FUPIN_RETURN_IF_ERROR(member_csv->Close());
  return report;
}

}  // namespace fupin
