// `fupin compare`, `fupin check quality`, `fupin findings list|confirm|dismiss`,
// `fupin lists` and `fupin user assign|unassign` (spec/compare.md).
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <utility>

#include "cli/commands.h"
#include "common/date.h"
#include "common/handoff.h"
#include "exchange/policy_file.h"
#include "service/crosscheck/compare_service.h"
#include "service/crosscheck/department_list.h"
#include "service/scratch.h"
#include "views/finding_table.h"
#include "views/json_views.h"

namespace fupin {
namespace {

// Human output lists this many findings; --json has them all.
constexpr size_t kFindingsShown = 200;

template <typename Findings>
void PrintFindings(const Globals& g, const Findings& findings, size_t limit) {
  size_t shown = 0;
  for (const auto& f : findings) {
    if (shown++ == limit) {
      std::cout << Say(g, "……另有 ", "… and ") << findings.size() - limit
                << Say(g, " 条（--json 或 fupin findings list 查看全部）",
                       " more (see --json or fupin findings list)")
                << "\n";
      break;
    }
    std::cout << f.id << "\t" << f.rule << "\t" << f.household_code << "\t" << f.id_number << "\t"
              << EscapeControls(f.name) << "\t" << EscapeControls(f.detail);
    if (f.status != "open") std::cout << "\t" << f.status;
    if (!f.reason.empty()) std::cout << "（" << EscapeControls(f.reason) << "）";
    std::cout << "\n";
  }
}

int PrintReport(const Globals& g, const CompareReport& r) {
  if (g.json) {
    // Written as it is formatted: millions of findings are never one string. The pieces are
    // written on a second thread while the next ones are formatted (the same bytes).
    BackgroundWriter out(
        [](std::string_view piece) { std::cout.write(piece.data(), piece.size()); });
    WriteCompareReport(r, g.lang, false, [&](std::string_view piece) { out.Write(piece); });
    out.Finish();
    std::cout << "\n";
  } else {
    PrintIssues(g, r.errors, std::cerr);
    if (r.kind == "quality") {
      std::cout << Say(g, "质量检查：", "quality check: ") << r.rows
                << Say(g, " 户；新发现 ", " households; new findings ") << r.findings.size()
                << Say(g, " 条，已在册 ", ", already on file ") << r.known << "\n";
    } else {
      std::cout << Say(g, "名单 ", "list ") << r.list.id << " (" << r.kind << ", " << r.list.as_of
                << "): " << r.rows << Say(g, " 行，匹配 ", " rows, matched ") << r.matched
                << Say(g, " 人，错误 ", ", errors ") << r.errors.size()
                << Say(g, " 行；新发现 ", "; new findings ") << r.findings.size()
                << Say(g, " 条，已在册 ", ", already on file ") << r.known << "\n";
      if (r.previous) {
        std::cout << Say(g, "与上一份名单 ", "against the previous list ") << r.previous->list_id
                  << " (" << r.previous->as_of << Say(g, ")：新增 ", "): added ")
                  << r.previous->added << Say(g, " 人，减少 ", ", removed ") << r.previous->removed
                  << "\n";
      }
    }
    PrintFindings(g, r.findings, kFindingsShown);
  }
  return r.errors.empty() ? 0 : 2;
}

// Keeps a printed report until the process ends, reachable: freeing millions of findings
// (a dozen strings each) takes about a second at exit and gives nothing back to anyone.
// A later call frees the report kept before it.
void KeepUntilExit(CompareReport&& report) {
  static auto* const kept = new CompareReport();
  *kept = std::move(report);
}

Error CannotWrite(const std::string& path) {
  return Error::Io("无法写入 " + path, "cannot write " + path);
}

// Whether `path` can become a file: its folder exists and may be written, and it is not a
// folder itself (checked before a comparison, so that none is stored for nothing).
Status CheckWritable(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(folder, ec) || ::access(folder.c_str(), W_OK | X_OK) != 0 ||
      fs::is_directory(target, ec)) {
    return CannotWrite(path);
  }
  return Status::Ok();
}

// Writes the report's findings to `out` (.csv or .xlsx) through the scratch folder.
Status WriteFindingsFile(const Store& store, const CompareReport& r, const std::string& out) {
  const bool csv = out.ends_with(".csv") || out.ends_with(".CSV");
  auto entry = NewScratchFile(store.file_path(), "findings-", csv ? ".csv" : ".xlsx");
  if (!entry.ok()) return entry.error();
  {
    auto writer = FindingTableWriter::Create(entry->path(), out);
    if (!writer.ok()) return writer.error();
    for (const auto& f : r.findings) FUPIN_RETURN_IF_ERROR((*writer)->Write(f));
    FUPIN_RETURN_IF_ERROR((*writer)->Close());
  }
  return entry->MoveTo(out);  // copied when `out` is on another file system
}

}  // namespace

CompareCommands::CompareCommands(CLI::App& app, Globals& g) : g_(g) {
  std::string kinds;
  for (const auto& k : ListKinds()) kinds += (kinds.empty() ? "" : " | ") + std::string(k.key);
  compare_ = app.add_subcommand("compare", "部门数据比对核查 / compare a department list");
  compare_->add_option("kind", kind_, kinds)->required();
  compare_->add_option("file", file_, "CSV or XLSX")->required();
  compare_->add_option("--as-of", as_of_, "名单的截止日期 YYYY-MM-DD / the list's date")
      ->required();
  compare_->add_option("--region", region_, "名单覆盖的区划（默认全部）/ region the list covers");
  compare_->add_option("--encoding", encoding_, "auto | utf-8 | gb18030");
  compare_->add_option("--out", out_,
                       "核查发现另写入 FILE.csv 或 FILE.xlsx / the findings also to FILE");
  compare_->add_flag("--json", g.json);

  auto* check = app.add_subcommand("check", "数据质量检查 / data-quality checks");
  check->require_subcommand(1);
  quality_ = check->add_subcommand("quality", "登记数据自身的一致性 / the registry's own rules");
  quality_->add_option("--region", region_, "region code (default: all)");
  quality_->add_flag("--json", g.json);

  auto* findings = app.add_subcommand("findings", "核查发现 / findings");
  findings->require_subcommand(1);
  findings_list_ = findings->add_subcommand("list", "列出核查发现 / list findings");
  findings_list_->add_option("--rule", rule_, "rule key");
  findings_list_->add_option("--status", status_, "open | confirmed | dismissed");
  findings_list_->add_option("--region", region_, "region code (default: all)");
  findings_list_->add_option("--list", list_id_, "from this list");
  findings_list_->add_flag("--json", g.json);
  findings_confirm_ = findings->add_subcommand("confirm", "确认 / confirm findings");
  findings_confirm_->add_option("ids", ids_, "finding ids")->required();
  findings_confirm_->add_option("--reason", reason_, "说明 / a note");
  findings_dismiss_ = findings->add_subcommand("dismiss", "排除（须填理由）/ dismiss findings");
  findings_dismiss_->add_option("ids", ids_, "finding ids")->required();
  findings_dismiss_->add_option("--reason", reason_, "理由 / the reason")->required();

  lists_ = app.add_subcommand("lists", "已加载的部门名单 / the department lists loaded");
  lists_->add_option("--kind", kind_, kinds);
  lists_->add_flag("--json", g.json);

  if (CLI::App* user = app.get_subcommand("user")) {
    assign_ = user->add_subcommand("assign", "指定帮扶责任人 / assign a helper to households");
    unassign_ = user->add_subcommand("unassign", "取消帮扶关系 / end a helper's assignment");
    for (auto* sub : {assign_, unassign_}) {
      sub->add_option("name", username_, "helper's user name")->required();
      sub->add_option("households", households_, "户编号")->required();
    }
  }
}

std::optional<int> CompareCommands::Run() const {
  if (*compare_) return Compare();
  if (*quality_) return Quality();
  if (*findings_list_) return FindingsList();
  if (*findings_confirm_) return Decide(true);
  if (*findings_dismiss_) return Decide(false);
  if (*lists_) return Lists();
  if (assign_ && *assign_) return Assign(true);
  if (unassign_ && *unassign_) return Assign(false);
  return std::nullopt;
}

int CompareCommands::Compare() const {
  CompareRequest request;
  request.kind = kind_;
  request.path = file_;
  request.today = Date::Today();
  auto as_of = Date::Parse(as_of_);
  if (!as_of.ok()) {
    return Fail(g_, Error{"E_DATE", "--as-of 不是有效日期：" + as_of_,
                          "--as-of is not a valid date: " + as_of_});
  }
  request.as_of = *as_of;
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  request.region = *region;
  auto encoding = ParseEncoding(encoding_);
  if (!encoding) {
    return Fail(g_, Error::Usage("--encoding 只能是 auto、utf-8 或 gb18030",
                                 "--encoding must be auto, utf-8 or gb18030"));
  }
  request.encoding = *encoding;
  if (!out_.empty()) {
    if (!IsFindingTablePath(out_)) {
      return Fail(g_, Error::Usage("--out 应为 .csv 或 .xlsx 文件：" + out_,
                                   "--out must be a .csv or an .xlsx file: " + out_));
    }
    if (Status s = CheckWritable(out_); !s.ok()) return Fail(g_, s.error());
    request.out_file = out_;
  }
  request.progress = [](const std::string& line) { std::cerr << line << "\n"; };
  auto policy = LoadPolicy(g_.policy);
  if (!policy.ok()) return Fail(g_, policy.error());
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto report = CompareList(**store, *policy, CliCaller(), request);
  if (!report.ok()) return Fail(g_, report.error());
  if (report->index_rebuilt && !g_.json) {
    std::cerr << Say(g_, "（已重建登记库身份证号索引）", "(the register's ID index was rebuilt)")
              << "\n";
  }
  if (!out_.empty()) {
    if (Status s = WriteFindingsFile(**store, *report, out_); !s.ok()) return Fail(g_, s.error());
    if (!g_.json) {
      std::cerr << Say(g_, "已写出 ", "wrote ") << report->findings.size()
                << Say(g_, " 条核查发现到 ", " findings to ") << out_ << "\n";
    }
  }
  const int rc = PrintReport(g_, *report);
  KeepUntilExit(std::move(*report));
  return rc;
}

int CompareCommands::Quality() const {
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto report = CheckQuality(**store, CliCaller(), *region);
  if (!report.ok()) return Fail(g_, report.error());
  return PrintReport(g_, *report);
}

int CompareCommands::FindingsList() const {
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  if (!status_.empty() && status_ != "open" && status_ != "confirmed" && status_ != "dismissed") {
    return Fail(g_, Error::Usage("--status 只能是 open、confirmed 或 dismissed",
                                 "--status must be open, confirmed or dismissed"));
  }
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  FindingQuery query;
  query.region = *region;
  query.rule = rule_;
  query.status = status_;
  query.list_id = list_id_;
  query.limit = 0;
  auto page = SearchFindings(**store, CliCaller(), query);
  if (!page.ok()) return Fail(g_, page.error());
  if (g_.json) {
    Json items = Json::array();
    for (const auto& f : page->items) items.push_back(FindingJson(f, false));
    std::cout << Json{{"total", page->total}, {"items", items}}.dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "共 ", "") << page->total << Say(g_, " 条核查发现", " findings") << "\n";
  PrintFindings(g_, page->items, page->items.size());
  return 0;
}

int CompareCommands::Decide(bool confirm) const {
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  for (int64_t id : ids_) {
    auto row = DecideFinding(**store, CliCaller(), id, confirm, reason_);
    if (!row.ok()) return Fail(g_, row.error());
    std::cerr << (confirm ? Say(g_, "已确认 ", "confirmed ") : Say(g_, "已排除 ", "dismissed "))
              << id << " (" << row->rule << ", " << row->household_code << ")\n";
  }
  return 0;
}

int CompareCommands::Lists() const {
  if (!kind_.empty() && !FindListKind(kind_)) {
    return Fail(g_, Error::Usage("未知的名单类型：" + kind_, "unknown list kind: " + kind_));
  }
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto lists = ListDepartmentLists(**store, CliCaller(), kind_);
  if (!lists.ok()) return Fail(g_, lists.error());
  if (g_.json) {
    Json out = Json::array();
    for (const auto& l : *lists) out.push_back(DepartmentListJson(l));
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::cout
      << Say(g_, "编号\t类型\t截止日期\t区划\t上传者\t时间\t文件\t行数\t匹配\t错误\t新发现\t已在册",
             "id\tkind\tas of\tregion\tby\tat\tfile\trows\tmatched\terrors\tnew\tknown")
      << "\n";
  for (const auto& l : *lists) {
    std::cout << l.id << "\t" << l.kind << "\t" << l.as_of << "\t"
              << RegionCode::FromInt(l.region_code).ToString() << "\t" << l.uploaded_by << "\t"
              << l.uploaded_at << "\t" << l.file_name << "\t" << l.rows << "\t" << l.matched << "\t"
              << l.errors << "\t" << l.findings << "\t" << l.known << "\n";
  }
  return 0;
}

int CompareCommands::Assign(bool assign) const {
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  Status s = AssignHelper(**store, CliCaller(), username_, households_, assign);
  if (!s.ok()) return Fail(g_, s.error());
  std::cerr << (assign ? Say(g_, "已指定帮扶责任人 ", "assigned ")
                       : Say(g_, "已取消帮扶关系 ", "unassigned "))
            << username_ << ": " << households_.size() << Say(g_, " 户", " households") << "\n";
  return 0;
}

}  // namespace fupin
