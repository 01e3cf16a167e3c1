#include "service/imports/import_service.h"

#include "service/imports/import_importer.h"

namespace fupin {
namespace import_detail {

Result<ImportReport> Importer::Run() {
  if (!OpenSources()) return report_;
  Progress("读取户表 " + households_src_.file);
  // Both headers are read first; the members' issues are reported after the households',
  // as when the tables are read one after the other.
  households_header_ = ReadHeader(households_src_, TemplateTable::kHouseholds);
  members_header_ = ReadHeader(members_src_, TemplateTable::kMembers);
  if (!households_header_.usable()) {
    AddHeaderIssues(households_src_, households_header_);
    // Every header problem is reported at once; rows are not read then.
    if (members_header_.present)
      AddCellIssues(members_src_.file, members_header_.line, members_header_.issues);
    return report_;
  }
  file_gives_groups_ = households_header_.map.has_column(
      FindTemplateColumn(TemplateTable::kHouseholds, "village_group"));
  reader_ = std::thread([this] { ReadRows(); });
  auto households_ok = ReadHouseholds();
  if (!households_ok.ok()) return households_ok.error();
  if (!*households_ok) {
    if (members_header_.present)
      AddCellIssues(members_src_.file, members_header_.line, members_header_.issues);
    return report_;
  }
  Progress("读取人表 " + members_src_.file);
  if (members_header_.usable()) StartEarlyWrite();
  auto members_ok = ReadMembers();
  if (!members_ok.ok()) return members_ok.error();
  reader_.join();
  if (!*members_ok) return report_;
  Progress("核对户与成员、区划和已有登记");
  FUPIN_RETURN_IF_ERROR(CheckHouseholds());
  FUPIN_RETURN_IF_ERROR(CheckRegions());
  FUPIN_RETURN_IF_ERROR(CheckRegister());
  for (uint32_t i = 0; i < entries_.size(); ++i)
    report_.rejected_households += entries_[i].valid ? 0 : 1;
  if (HasErrors() && !options_.skip_invalid) {
    if (writing_) StopEarlyWrite();
    report_.rejected_households = 0;
    return report_;
  }
  if (Interrupted()) return Error::Interrupted();
  Progress("写入数据库");
  if (store_.county_writers() && !options_.dry_run) {
    FUPIN_RETURN_IF_ERROR(WriteByCounty());
  } else {
    FUPIN_RETURN_IF_ERROR(Write());
  }
  if (options_.skip_invalid) FUPIN_RETURN_IF_ERROR(WriteRejects());
  Progress(report_.written ? "完成" : "完成（未写入）");
  return report_;
}

}  // namespace import_detail

Result<ImportReport> RunImport(Store& store, const ImportOptions& options) {
  import_detail::Importer importer(store, options);
  return importer.Run();
}

}  // namespace fupin
