// Command groups declared outside cli.cc. Each group declares its subcommands on the app
// before parsing and, after parsing, runs the one that was chosen.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "service/imports/import_service.h"

namespace fupin {

// `fupin user add|list|disable|passwd` and `fupin audit verify|list` (admin_commands.cc).
class AdminCommands {
 public:
  // Declares the subcommands on `app`; `g` receives --json and must outlive this object.
  AdminCommands(CLI::App& app, Globals& g);
  // The exit code of the chosen command, or nullopt when none of these was chosen.
  std::optional<int> Run() const;

 private:
  int UserAdd() const;
  int UserList() const;
  int UserDisable() const;
  int UserPasswd() const;
  int AuditVerify() const;
  int AuditList() const;

  Globals& g_;
  CLI::App *user_add_, *user_list_, *user_disable_, *user_passwd_, *audit_verify_, *audit_list_;
  std::string name_, role_, region_;
  std::string expect_head_, action_prefix_;
  int64_t limit_ = 50;
  bool password_stdin_ = false;
};

// `fupin compare`, `check quality`, `findings …`, `lists` and `user assign|unassign`
// (compare_commands.cc). Construct after AdminCommands (it adds to `user`).
class CompareCommands {
 public:
  CompareCommands(CLI::App& app, Globals& g);
  std::optional<int> Run() const;

 private:
  int Compare() const;
  int Quality() const;
  int FindingsList() const;
  int Decide(bool confirm) const;
  int Lists() const;
  int Assign(bool assign) const;

  Globals& g_;
  CLI::App *compare_, *quality_, *findings_list_, *findings_confirm_, *findings_dismiss_, *lists_;
  CLI::App *assign_ = nullptr, *unassign_ = nullptr;
  std::string kind_, file_, as_of_, region_, encoding_ = "auto", rule_, status_, reason_;
  std::string username_, out_;
  std::vector<std::string> households_;
  std::vector<int64_t> ids_;
  int64_t list_id_ = 0;
};

// `fupin cases list|show` (case_commands.cc).
class CaseCommands {
 public:
  CaseCommands(CLI::App& app, Globals& g);
  std::optional<int> Run() const;

 private:
  int List() const;
  int Show() const;

  Globals& g_;
  CLI::App *list_ = nullptr, *show_ = nullptr;
  std::string kind_, state_, region_;
  bool overdue_ = false;
  int64_t id_ = 0;
};

// `fupin helpers list|add|assign|unassign|import|export` (helper_commands.cc): helpers
// (帮扶责任人) as people and the annual re-assignment.
class HelperCommands {
 public:
  HelperCommands(CLI::App& app, Globals& g);
  std::optional<int> Run() const;

 private:
  int List() const;
  int Add() const;
  int Assign(bool assign) const;
  int Import() const;
  int Export() const;

  Globals& g_;
  CLI::App *list_, *add_, *assign_, *unassign_, *import_, *export_;
  std::string region_, name_, unit_, phone_, account_, id_, since_, file_;
  std::vector<std::string> households_;
  bool dry_run_ = false;
};

// `fupin funds add|allocate|disburse|list|progress` (funds_commands.cc): the funds ledger
// (扶贫资金, spec/funds.md), written as "cli".
class FundCommands {
 public:
  FundCommands(CLI::App& app, Globals& g);
  std::optional<int> Run() const;

 private:
  int Add() const;
  int Allocate() const;
  int Disburse() const;
  int List() const;
  int Progress() const;
  int Report() const;    // funds reports
  int Generate() const;  // funds reports: a synthetic ledger for the benchmarks

  Globals& g_;
  CLI::App *add_, *allocate_, *disburse_, *list_, *progress_;
  CLI::App *report_ = nullptr, *generate_ = nullptr;  // funds reports
  std::string out_;                                   // funds reports: --out FILE.xlsx
  int64_t lines_ = 0;                                 // funds generate --lines
  uint64_t seed_ = 1;                                 // funds generate --seed
  std::string level_, kind_, region_, amount_, name_, household_, date_, voucher_, as_of_;
  int year_ = 0;
  int64_t fund_ = 0, project_ = 0, allocation_ = 0;
  bool allocations_ = false, disbursements_ = false;
};

// `fupin complaints add|list|show|answer|confirm|stats|escalate` (complaints_commands.cc):
// the 12317 complaint ledger.
class ComplaintCommands {
 public:
  ComplaintCommands(CLI::App& app, Globals& g);
  std::optional<int> Run() const;

 private:
  int Add() const;
  int List() const;
  int Show() const;
  int Answer() const;
  int Confirm() const;
  int Stats() const;
  int Escalate() const;

  Globals& g_;
  CLI::App *add_ = nullptr, *list_ = nullptr, *show_ = nullptr, *answer_ = nullptr;
  CLI::App *confirm_ = nullptr, *stats_ = nullptr, *escalate_ = nullptr;
  std::string channel_, region_, subject_, text_, name_, phone_, household_, received_;
  std::string state_, answer_text_, evidence_;
  bool open_case_ = false, overdue_ = false, satisfied_ = false, unsatisfied_ = false;
  int monitor_type_ = 0;
  int64_t id_ = 0;
};

// Project library: `fupin projects add|list|show|advance|accept|objection|return|reject|
// progress|asset` (projects_commands.cc), written as "cli" or as the account of `--as`.
class ProjectCommands {
 public:
  ProjectCommands(CLI::App& app, Globals& g);
  std::optional<int> Run() const;

 private:
  int Add() const;
  int List() const;
  int Show() const;
  int Report() const;
  int Stats() const;  // projects by stage and category
  int Move(const CLI::App* command) const;

  Globals& g_;
  CLI::App *add_ = nullptr, *list_ = nullptr, *show_ = nullptr, *advance_ = nullptr;
  CLI::App *accept_ = nullptr, *objection_ = nullptr, *return_ = nullptr, *reject_ = nullptr;
  CLI::App *progress_ = nullptr, *asset_ = nullptr, *report_ = nullptr, *stats_ = nullptr;
  std::string file_, as_, region_, stage_, category_, comment_, result_, date_, text_, to_;
  std::string kind_, name_, value_, owner_, keeper_;
  int year_ = 0, percent_ = 0;
  int64_t id_ = 0;
};

// 扶贫小额信贷 microcredit: `fupin loans add|list|show|repay|renew|extend|subsidy|overdue|
// compensate` (loans_commands.cc), written as "cli"; refusals exit 2.
class LoanCommands {
 public:
  LoanCommands(CLI::App& app, Globals& g);
  std::optional<int> Run() const;

 private:
  int Add() const;
  int List(bool overdue_only) const;
  int Show() const;
  int Repay() const;
  int Renew() const;
  int Extend() const;
  int Subsidy() const;
  int Compensate() const;

  Globals& g_;
  CLI::App *add_ = nullptr, *list_ = nullptr, *show_ = nullptr, *repay_ = nullptr;
  CLI::App *renew_ = nullptr, *extend_ = nullptr, *subsidy_ = nullptr, *overdue_ = nullptr;
  CLI::App* compensate_ = nullptr;
  std::string household_, borrower_, amount_, start_, bank_, rate_, purpose_, region_, state_;
  std::string date_, principal_ = "0", interest_ = "0", reason_;
  int term_ = 0, months_ = 0, year_ = 0;
  int64_t id_ = 0, page_ = 1, size_ = 50;
  bool overdue_flag_ = false;
};

// `fupin cluster init|status|check` (cluster_commands.cc; issue 15, the sharded PostgreSQL
// cluster of storage/postgres/cluster/cluster.h; --db is the coordinator).
class ClusterCommands {
 public:
  ClusterCommands(CLI::App& app, Globals& g);
  std::optional<int> Run() const;

 private:
  int Init() const;
  int Status() const;
  int Check() const;
  int AddNode() const;

  // The open import batches (printed), then --finish or --rollback of one (cluster_commands.cc).
  int CheckBatches(Store& store, std::vector<ClusterBatch>& open) const;

  Globals& g_;
  CLI::App *init_ = nullptr, *status_ = nullptr, *check_ = nullptr;
  std::vector<std::string> nodes_;
  int partitions_ = 64;
  std::string county_;
  bool fix_ = false;
  std::vector<std::string> finish_files_;
  std::string rollback_batch_;
  CLI::App* add_node_ = nullptr;
  std::string node_;
};

// `fupin import` (cli.cc), also run by `fupin cluster check --finish`.
int CmdImport(const Globals& g, ImportOptions options, const std::string& encoding);

// `fupin assess exit|monitor|regions` and `fupin regions assessment` (assess_commands.cc).
struct AssessArgs {
  int year = 0;
  std::string region;
  std::string level;  // village | county (assess regions)
  std::string xlsx;   // a workbook to write the list to, when given
};
int CmdAssessExit(const Globals& g, const AssessArgs& a);
int CmdAssessMonitor(const Globals& g, const AssessArgs& a);
int CmdAssessRegions(const Globals& g, const AssessArgs& a);
// Enters a county's third-party assessment (贫困县退出专项评估) for a year.
int CmdRegionsAssessment(const Globals& g, const std::string& code_text, int year,
                         const std::string& wrong_exit, const std::string& missed,
                         const std::string& satisfaction);

}  // namespace fupin
