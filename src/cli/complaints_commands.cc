// `fupin complaints add|list|show|answer|confirm|stats|escalate` (docs/complaints.md): the
// 12317 complaint ledger for scripts. The CLI acts as the admin of the nation (actor "cli"):
// it is no complaint's handler, so it shows the complainant's name and phone masked.
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/routes/routes.h"
#include "cli/commands.h"
#include "common/text.h"
#include "exchange/policy_file.h"
#include "service/accounts/audit_service.h"
#include "service/complaints/complaint_service.h"

namespace fupin {

ComplaintCommands::ComplaintCommands(CLI::App& app, Globals& g) : g_(g) {
  auto* group = app.add_subcommand("complaints", "12317 投诉举报 / 12317 complaints");
  add_ = group->add_subcommand("add", "登记投诉 / file a complaint");
  add_->add_option("--channel", channel_, "phone | web | notice | hotline")->required();
  add_->add_option("--region", region_, "responsible region: village, township or county code")
      ->required();
  add_->add_option("--subject", subject_, "subject (事项)")->required();
  add_->add_option("--text", text_, "what the complainant says")->required();
  add_->add_option("--name", name_, "the complainant's name")->required();
  add_->add_option("--phone", phone_, "the complainant's phone")->required();
  add_->add_option("--household", household_, "户编号 of the household concerned");
  add_->add_option("--received", received_, "YYYY-MM-DD (default today)");
  add_->add_flag("--open-case", open_case_, "hotline: open a monitor case for the household");
  add_->add_option("--monitor-type", monitor_type_, "1–3 (with --open-case)");
  add_->add_flag("--json", g.json);
  list_ = group->add_subcommand("list", "列出投诉 / list complaints");
  list_->add_option("--region", region_, "region code (default: national)");
  list_->add_option("--state", state_, "open | answered | confirmed");
  list_->add_flag("--overdue", overdue_, "只列逾期未答复的 / open and overdue only");
  list_->add_flag("--json", g.json);
  show_ = group->add_subcommand("show", "显示一件投诉 / one complaint");
  show_->add_option("ID", id_, "complaint id")->required();
  show_->add_flag("--json", g.json);
  answer_ = group->add_subcommand("answer", "答复投诉 / answer a complaint");
  answer_->add_option("ID", id_, "complaint id")->required();
  answer_->add_option("--answer", answer_text_, "the answer")->required();
  answer_->add_option("--evidence", evidence_, "what shows it was done");
  answer_->add_flag("--json", g.json);
  confirm_ = group->add_subcommand("confirm", "记录投诉人确认 / the complainant's confirmation");
  confirm_->add_option("ID", id_, "complaint id")->required();
  auto* satisfied = confirm_->add_flag("--satisfied", satisfied_, "the complainant is satisfied");
  auto* unsatisfied =
      confirm_->add_flag("--unsatisfied", unsatisfied_, "the complainant is not satisfied");
  satisfied->excludes(unsatisfied);
  confirm_->add_flag("--json", g.json);
  stats_ = group->add_subcommand("stats", "投诉统计 / statistics by region, subject, timeliness");
  stats_->add_option("--region", region_, "region code (default: national)");
  stats_->add_flag("--json", g.json);
  escalate_ = group->add_subcommand("escalate", "逾期投诉上交上级 / escalate the overdue ones now");
  escalate_->add_flag("--json", g.json);
}

std::optional<int> ComplaintCommands::Run() const {
  if (*add_) return Add();
  if (*list_) return List();
  if (*show_) return Show();
  if (*answer_) return Answer();
  if (*confirm_) return Confirm();
  if (*stats_) return Stats();
  if (*escalate_) return Escalate();
  return std::nullopt;
}

namespace {

void PrintComplaint(const Globals& g, const ComplaintView& v) {
  const ComplaintRow& c = v.row;
  std::cout << c.id << "\t" << c.channel << "\t" << RegionCode::FromInt(c.region_code).ToString()
            << "\t" << RegionCode::FromInt(c.level_code).ToString() << "\t"
            << EscapeControls(c.subject) << "\t" << c.received_on << "\t" << c.due_on << "\t"
            << c.state << (v.overdue ? Say(g, "\t逾期", "\toverdue") : "") << "\n";
}

}  // namespace

int ComplaintCommands::Add() const {
  FileComplaintRequest r;
  r.channel = channel_;
  r.region = region_;
  r.subject = subject_;
  r.text = text_;
  r.name = name_;
  r.phone = phone_;
  r.household_code = household_;
  r.open_case = open_case_;
  if (monitor_type_ != 0) r.monitor_type = monitor_type_;
  if (!received_.empty()) {
    auto date = Date::Parse(received_);
    if (!date.ok()) return Fail(g_, date.error());
    if (*date > Date::Today()) {
      return Fail(g_,
                  Error{"E_DATE", "--received 不能晚于今天", "--received cannot be after today"});
    }
    r.received_on = *date;
  }
  auto policy = LoadPolicy(g_.policy);
  if (!policy.ok()) return Fail(g_, policy.error());
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  if (Status key = CheckAuditKey(**store); !key.ok()) return Fail(g_, key.error());
  auto view = FileComplaint(**store, *policy, CliCaller(), r);
  if (!view.ok()) return Fail(g_, view.error());
  if (g_.json) {
    std::cout << ComplaintSummaryJson(*view).dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "已登记投诉 ", "filed complaint ") << view->row.id
            << Say(g_, "，答复期限 ", ", due on ") << view->row.due_on << "\n";
  return 0;
}

int ComplaintCommands::List() const {
  ComplaintListQuery q;
  q.region = region_;
  q.state = state_;
  q.overdue = overdue_;
  q.limit = 0;
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  if (Status key = CheckAuditKey(**store); !key.ok()) return Fail(g_, key.error());
  auto list = ListComplaints(**store, CliCaller(), q);
  if (!list.ok()) return Fail(g_, list.error());
  if (g_.json) {
    Json items = Json::array();
    for (const auto& v : list->items) items.push_back(ComplaintJson(v));
    std::cout << Json{{"total", list->total}, {"items", items}}.dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "共 ", "") << list->total << Say(g_, " 件投诉", " complaints") << "\n";
  std::cout << Say(g_, "编号\t渠道\t责任区划\t当前办理\t事项\t受理日期\t答复期限\t状态",
                   "id\tchannel\tregion\thandled by\tsubject\treceived\tdue\tstate")
            << "\n";
  for (const auto& v : list->items) PrintComplaint(g_, v);
  return 0;
}

int ComplaintCommands::Show() const {
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  if (Status key = CheckAuditKey(**store); !key.ok()) return Fail(g_, key.error());
  auto view = GetComplaint(**store, CliCaller(), id_);
  if (!view.ok()) return Fail(g_, view.error());
  if (g_.json) {
    std::cout << ComplaintJson(*view).dump() << "\n";
    return 0;
  }
  const ComplaintRow& c = view->row;
  PrintComplaint(g_, *view);
  std::cout << Say(g_, "投诉人：", "complainant: ") << EscapeControls(c.name) << " " << c.phone
            << "\n";
  std::cout << EscapeControls(c.text) << "\n";
  if (!c.answer.empty()) {
    std::cout << Say(g_, "答复：", "answer: ") << EscapeControls(c.answer) << " (" << c.answered_by
              << " " << c.answered_at << ")\n";
  }
  if (c.satisfied) {
    std::cout << Say(g_, "投诉人确认：", "confirmed: ")
              << (*c.satisfied ? Say(g_, "满意", "satisfied") : Say(g_, "不满意", "unsatisfied"))
              << "\n";
  }
  return 0;
}

int ComplaintCommands::Answer() const {
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  if (Status key = CheckAuditKey(**store); !key.ok()) return Fail(g_, key.error());
  auto view = AnswerComplaint(**store, CliCaller(), id_, answer_text_, evidence_);
  if (!view.ok()) return Fail(g_, view.error());
  if (g_.json) {
    std::cout << ComplaintJson(*view).dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "已答复投诉 ", "answered complaint ") << id_ << "\n";
  return 0;
}

int ComplaintCommands::Confirm() const {
  if (!satisfied_ && !unsatisfied_) {
    return Fail(g_, Error::Usage("须给出 --satisfied 或 --unsatisfied",
                                 "give --satisfied or --unsatisfied"));
  }
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  if (Status key = CheckAuditKey(**store); !key.ok()) return Fail(g_, key.error());
  auto view = ConfirmComplaint(**store, CliCaller(), id_, satisfied_);
  if (!view.ok()) return Fail(g_, view.error());
  if (g_.json) {
    std::cout << ComplaintJson(*view).dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "已记录投诉人确认 ", "confirmation recorded for complaint ") << id_ << "\n";
  return 0;
}

int ComplaintCommands::Stats() const {
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  if (Status key = CheckAuditKey(**store); !key.ok()) return Fail(g_, key.error());
  auto stats = ComplaintStatistics(**store, CliCaller(), region_);
  if (!stats.ok()) return Fail(g_, stats.error());
  if (g_.json) {
    std::cout << ComplaintStatsJson(*stats).dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "区划\t总数\t按期答复\t逾期答复\t未到期\t逾期未答复\t上交",
                   "region\ttotal\ton time\tlate\topen\topen overdue\tescalated")
            << "\n";
  auto line = [](const std::string& label, const ComplaintCounts& n) {
    std::cout << label << "\t" << n.total << "\t" << n.answered_on_time << "\t" << n.answered_late
              << "\t" << n.open << "\t" << n.open_overdue << "\t" << n.escalated << "\n";
  };
  line(stats->region.ToString(), stats->all);
  for (const auto& [code, n] : stats->by_region) line(RegionCode::FromInt(code).ToString(), n);
  for (const auto& [subject, n] : stats->by_subject) line(EscapeControls(subject), n);
  return 0;
}

int ComplaintCommands::Escalate() const {
  auto store = OpenStore(g_, Store::OpenMode::kExisting);
  if (!store.ok()) return Fail(g_, store.error(), 2);
  if (Status key = CheckAuditKey(**store); !key.ok()) return Fail(g_, key.error());
  auto n = EscalateOverdue(**store, CliCaller());
  if (!n.ok()) return Fail(g_, n.error());
  if (g_.json) {
    std::cout << Json{{"escalated", *n}}.dump() << "\n";
    return 0;
  }
  std::cout << Say(g_, "已上交上级 ", "escalated ") << *n
            << Say(g_, " 件逾期投诉", " overdue complaints") << "\n";
  return 0;
}

}  // namespace fupin
