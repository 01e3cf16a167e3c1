// `fupin cases list|show` (spec/procedures.md "CLI"): the cases for scripts and audits.
// Cases are moved through the API, where every actor has an account.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "exchange/policy_file.h"
#include "service/procedures/case_service.h"
#include "views/care_json.h"
#include "views/case_json.h"

namespace fupin {

CaseCommands::CaseCommands(CLI::App& app, Globals& g) : g_(g) {
  auto* cases = app.add_subcommand("cases", "办件 / cases (spec/procedures.md)");
  list_ = cases->add_subcommand("list", "列出办件 / list cases");
  list_->add_option("--kind", kind_, "identify | exit | return | remove | monitor | eliminate");
  list_->add_option("--state", state_, "open | done | rejected");
  list_->add_option("--region", region_, "region code (default: national)");
  list_->add_flag("--overdue", overdue_, "只列逾期的纳入监测办件 / overdue monitor cases only");
  list_->add_flag("--json", g.json);
  show_ = cases->add_subcommand("show", "显示一件办件及其各步骤 / one case with its steps");
  show_->add_option("ID", id_, "case id")->required();
  show_->add_flag("--json", g.json);
}

std::optional<int> CaseCommands::Run() const {
  if (*list_) return List();
  if (*show_) return Show();
  return std::nullopt;
}

int CaseCommands::List() const {
  CaseQuery query;
  auto region = ParseRegionOption(region_);
  if (!region.ok()) return Fail(g_, region.error());
  query.region = *region;
  if (!kind_.empty()) {
    query.kind = ParseProcedureKind(kind_);
    if (!query.kind) {
      return Fail(g_,
                  Error::Usage("--kind 应为 identify、exit、return、remove、monitor 或 eliminate",
                               "--kind must be identify, exit, return, remove, monitor or "
                               "eliminate"));
    }
  }
  if (!state_.empty()) {
    if (state_ == "open") {
      query.state = CaseState::kOpen;
    } else if (state_ == "done") {
      query.state = CaseState::kDone;
    } else if (state_ == "rejected") {
      query.state = CaseState::kRejected;
    } else {
      return Fail(g_, Error::Usage("--state 应为 open、done 或 rejected",
                                   "--state must be open, done or rejected"));
    }
  }
  if (overdue_) query.overdue_on = Date::Today();
  query.limit = 0;
  auto policy = LoadPolicy(g_.policy);
  if (!policy.ok()) return Fail(g_, policy.error());
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto list = ListCases(**store, *policy, CliCaller(), query, false);
  if (!list.ok()) return Fail(g_, list.error());
  if (g_.json) {
    std::cout << CaseListJson(*list).dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "共 ", "") << list->total << Say(g_, " 件办件", " cases") << "\n";
  std::cout << Say(g_, "编号\t类型\t户编号\t年度\t状态\t当前步骤\t发起人\t发起时间",
                   "id\tkind\thousehold\tyear\tstate\tstep\topened by\topened at")
            << "\n";
  for (const CaseView& view : list->items) {
    const StoredCase& c = view.stored;
    const bool open = c.value.state == CaseState::kOpen;
    std::cout << c.id << "\t" << ProcedureKindKey(c.value.kind) << "\t" << c.household_code << "\t"
              << c.value.year << "\t" << CaseStateKey(c.value.state) << "\t"
              << (open ? StepKey(c.value.current_step()) : "-") << "\t" << c.value.opened_by << "\t"
              << c.opened_at << (view.overdue ? Say(g_, "\t逾期", "\toverdue") : "") << "\n";
  }
  return 0;
}

int CaseCommands::Show() const {
  auto policy = LoadPolicy(g_.policy);
  if (!policy.ok()) return Fail(g_, policy.error());
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  auto view = GetCase(**store, *policy, CliCaller(), id_);
  if (!view.ok()) return Fail(g_, view.error());
  auto attachments = CaseAttachments(**store, view->stored);
  if (!attachments.ok()) return Fail(g_, attachments.error());
  std::vector<Json> by_step;
  for (const auto& rows : *attachments) {
    Json list = Json::array();
    for (const AttachmentRow& row : rows) list.push_back(AttachmentJson(row));
    by_step.push_back(std::move(list));
  }
  const Json doc = CaseJson(*view, &by_step);
  if (g_.json) {
    std::cout << doc.dump() << "\n";
    return 0;
  }
  const StoredCase& c = view->stored;
  std::cout << Say(g_, "办件 ", "case ") << c.id << "  " << ProcedureKindLabel(c.value.kind) << " ("
            << ProcedureKindKey(c.value.kind) << ")  " << c.household_code << "  "
            << c.village_code.ToString() << "  " << c.value.year << "\n";
  std::cout << Say(g_, "状态：", "state: ") << CaseStateKey(c.value.state);
  if (c.value.state == CaseState::kOpen) {
    std::cout << Say(g_, "，当前步骤：", ", step: ")
              << StepLabel(c.value.kind, c.value.current_step()) << " ("
              << StepKey(c.value.current_step()) << ")";
    if (c.value.notice) {
      std::cout << Say(g_, "，公示 ", ", notice ") << c.value.notice->start.ToString() << " → "
                << c.value.notice->closes_on.ToString();
    }
  }
  if (view->overdue) std::cout << Say(g_, "，已逾期", ", overdue");
  std::cout << "\n";
  for (size_t i = 0; i < c.value.steps.size(); ++i) {
    const StepRecord& r = c.value.steps[i];
    const StepMeta meta = i < c.meta.size() ? c.meta[i] : StepMeta{};
    std::cout << "  " << meta.at << "  " << StepLabel(c.value.kind, r.step) << " "
              << ActionKindKey(r.action) << "  " << r.actor << " (" << meta.role << ")";
    if (r.to) std::cout << " → " << StepKey(*r.to);
    if (!r.comment.empty()) std::cout << "  " << EscapeControls(r.comment);
    for (const AttachmentRow& a : (*attachments)[i]) {
      std::cout << "  [" << EscapeControls(a.file_name) << " " << a.media_type << " " << a.size
                << " sha256:" << a.sha256 << "]";
    }
    std::cout << "\n";
  }
  return 0;
}

}  // namespace fupin
