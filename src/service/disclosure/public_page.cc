#include "service/disclosure/public_page.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "common/clock.h"
#include "common/id_number.h"
#include "domain/procedures/procedure.h"
#include "service/accounts/audit_service.h"
#include "service/funds/fund_service.h"
#include "service/procedures/case_service.h"
#include "service/procedures/helper_service.h"
#include "service/procedures/print_service.h"
#include "service/projects/project_service.h"
#include "service/transaction.h"

namespace fupin {
namespace {

constexpr size_t kMaxName = 100;   // bytes
constexpr size_t kMaxPhone = 32;   // bytes
constexpr size_t kMaxText = 2000;  // bytes

Error NoSuchVillage(RegionCode code) {
  return Error::NotFound("村不存在：" + code.ToString(), "no such village: " + code.ToString());
}

Error Invalid(const std::string& zh, const std::string& en) {
  return Error{"E_VALIDATION", zh, en};
}

std::string RegionName(Store& store, RegionCode code) {
  auto row = store.GetRegion(code);
  if (!row.ok() || !row->has_value()) return "";
  return (*row)->name;
}

// The local date of an ISO 8601 instant ("" when it is not one).
std::string LocalDay(const std::string& instant) {
  auto seconds = ParseInstant(instant);
  return seconds.ok() ? LocalDateOf(*seconds).ToString() : "";
}

bool Recent(const std::string& day, Date today) {
  auto d = Date::Parse(day);
  return d.ok() && today.days() - d->days() <= kDecisionDays;
}

// The head's name, the village group and the household's size: all a notice says of a
// household.
struct HouseholdLine {
  std::string head;
  int64_t size = 0;
  std::string group;  // 村民小组; "" when none
};

class Households {
 public:
  explicit Households(Store& store) : store_(store) {}
  Result<std::optional<HouseholdLine>> Of(const std::string& code) {
    if (auto it = seen_.find(code); it != seen_.end()) return it->second;
    auto found = store_.FindHousehold(code);
    if (!found.ok()) return found.error();
    std::optional<HouseholdLine> line;
    if (found->has_value()) {
      const Household& h = (*found)->household;
      line = HouseholdLine{h.Head() ? h.Head()->name : "", static_cast<int64_t>(h.members.size()),
                           h.village_group};
    }
    seen_.emplace(code, line);
    return line;
  }

 private:
  Store& store_;
  std::unordered_map<std::string, std::optional<HouseholdLine>> seen_;
};

bool NewestFirst(const PublicNoticeItem& a, const PublicNoticeItem& b) {
  if (a.start != b.start) return a.start > b.start;
  return a.notice > b.notice;
}

// The case lines: the running notice, the decision, and every notice that ended.
Status AddCases(Store& store, RegionCode village, Date today, PublicVillagePage& page) {
  CaseQuery query;
  query.region = village;
  query.limit = 0;
  auto cases = store.cases().SearchCases(query);
  if (!cases.ok()) return cases.error();
  Households households(store);
  for (const StoredCase& listed : cases->items) {
    auto loaded = store.cases().GetCase(listed.id);  // with its steps
    if (!loaded.ok()) return loaded.error();
    if (!loaded->has_value()) continue;
    const StoredCase& c = **loaded;
    auto household = households.Of(c.household_code);
    if (!household.ok()) return household.error();
    if (!household->has_value()) continue;
    PublicNoticeItem base;
    base.notice = "case:" + std::to_string(c.id);
    base.name = (*household)->head;
    base.group = (*household)->group;
    base.size = (*household)->size;
    base.category = std::string(ProcedureKindLabel(c.value.kind));
    // Notices that ended: advanced past, or interrupted by an objection.
    const std::vector<StepRecord>& steps = c.value.steps;
    for (size_t i = 0; i < steps.size(); ++i) {
      if (!IsNoticeStep(steps[i].step) ||
          (steps[i].action != ActionKind::kAdvance && steps[i].action != ActionKind::kObjection)) {
        continue;
      }
      PublicNoticeItem ended = base;
      ended.section = "notice";
      ended.decision = NoticeDecision(c.value.kind, false);
      if (steps[i].action == ActionKind::kObjection) ended.decision += "（有异议，重新核实）";
      ended.start = (i > 0 ? steps[i - 1].date : c.value.opened_on).ToString();
      ended.closes_on = steps[i].date.ToString();
      ended.in_force = false;
      page.archive.push_back(std::move(ended));
    }
    if (c.value.state == CaseState::kOpen && c.value.notice &&
        IsNoticeStep(c.value.current_step())) {
      PublicNoticeItem running = base;
      running.section = "notice";
      running.decision = NoticeDecision(c.value.kind, false);
      running.start = c.value.notice->start.ToString();
      running.closes_on = c.value.notice->closes_on.ToString();
      page.notices.push_back(std::move(running));
    } else if (c.value.state == CaseState::kDone) {
      PublicNoticeItem decided = base;
      decided.section = "decision";
      decided.notice.clear();  // a decision is announced, not objected to here
      decided.decision = NoticeDecision(c.value.kind, true);
      decided.start = LocalDay(c.closed_at);
      decided.in_force = Recent(decided.start, today);
      (decided.in_force ? page.decisions : page.archive).push_back(std::move(decided));
    }
  }
  return Status::Ok();
}

// A fund's name and where it comes from (its level and kind: "省级 · 财政衔接资金").
struct FundLabel {
  std::string name, source;
};

// 中央 / 省级 / 市级 / 县级, and the kind when it does not already say the level.
std::string FundSource(int level, const std::string& kind) {
  const std::string word = FundLevelLabel(level);
  if (kind.starts_with(word)) return kind;
  const std::string shown = level == 1 ? word : word + "级";
  return kind.empty() ? shown : shown + " · " + kind;
}

// The allocations of the funds ledger to the village: to its households (直补到户, the
// subsidies) and to its projects (资金安排, the allocations). Both stay on the page for
// kDecisionDays from their date, then go to the archive.
Status AddAllocations(Store& store, RegionCode village, Date today, PublicVillagePage& page) {
  auto allocations = store.funds().Allocations(village, std::nullopt);
  if (!allocations.ok()) return allocations.error();
  Households households(store);
  std::unordered_map<int64_t, FundLabel> funds;
  std::unordered_map<int64_t, std::string> projects;
  for (const AllocationRow& a : *allocations) {
    auto fund = funds.find(a.fund_id);
    if (fund == funds.end()) {
      auto row = store.funds().GetFund(a.fund_id);
      if (!row.ok()) return row.error();
      FundLabel label;
      if (row->has_value()) {
        label.name = (*row)->name;
        label.source = FundSource((*row)->level, (*row)->kind);
      }
      fund = funds.emplace(a.fund_id, std::move(label)).first;
    }
    PublicNoticeItem item;
    item.category = fund->second.name;
    item.amount_fen = a.amount_fen;
    item.start = LocalDay(a.created_at);
    item.in_force = Recent(item.start, today);
    if (a.project_id) {
      auto project = projects.find(*a.project_id);
      if (project == projects.end()) {
        auto row = store.projects().GetProject(*a.project_id);
        if (!row.ok()) return row.error();
        project = projects.emplace(*a.project_id, row->has_value() ? (*row)->name : "").first;
      }
      if (project->second.empty()) continue;
      item.section = "allocation";
      item.notice = "project:" + std::to_string(*a.project_id);  // an objection names the project
      item.name = project->second;
      item.source = fund->second.source;
      item.decision = "项目资金安排";
      (item.in_force ? page.allocations : page.archive).push_back(std::move(item));
      continue;
    }
    if (a.household_code.empty()) continue;
    auto household = households.Of(a.household_code);
    if (!household.ok()) return household.error();
    if (!household->has_value()) continue;
    item.section = "subsidy";
    item.name = (*household)->head;
    item.group = (*household)->group;
    item.size = (*household)->size;
    item.decision = "直补到户";
    (item.in_force ? page.subsidies : page.archive).push_back(std::move(item));
  }
  return Status::Ok();
}

}  // namespace

PublicNoticeItem ProjectNoticeItem(int64_t project_id, std::string name, std::string category,
                                   std::string stage, int64_t budget_fen, std::string start,
                                   std::string closes_on, bool in_force) {
  PublicNoticeItem item;
  item.section = "project";
  item.notice = "project:" + std::to_string(project_id);
  item.name = std::move(name);
  item.category = std::move(category);
  item.decision = std::move(stage);
  item.amount_fen = budget_fen;
  item.start = std::move(start);
  item.closes_on = std::move(closes_on);
  item.in_force = in_force;
  return item;
}

Result<PublicVillagePage> PublicPageOf(Store& store, const PolicySet& policy, RegionCode village) {
  if (village.level() != RegionLevel::kVillage) return NoSuchVillage(village);
  auto region = store.GetRegion(village);
  if (!region.ok()) return region.error();
  if (!region->has_value()) return NoSuchVillage(village);
  const Date today = Date::Today();
  PublicVillagePage page;
  page.village_code = village.ToString();
  page.village_name = (*region)->name;
  page.township_name = RegionName(store, village.AncestorAt(RegionLevel::kTownship));
  page.county_name = RegionName(store, village.county());
  page.today = today.ToString();
  FUPIN_RETURN_IF_ERROR(AddCases(store, village, today, page));
  FUPIN_RETURN_IF_ERROR(AddAllocations(store, village, today, page));
  // Projects (项目公示): the project library's notices of the village, one line each. A
  // notice in force, or the county's approval into the library (公告) of the last 30 days,
  // is on the page; the others are in the archive.
  auto projects = ProjectNoticesOf(store, policy, village, today);
  if (!projects.ok()) return projects.error();
  for (const ProjectNotice& n : *projects) {
    const auto approved = Date::Parse(n.approved_on);
    const bool announced = n.decision == "approved" && approved.ok() &&
                           today.days() - approved->days() <= kDecisionDays;
    const bool on_page = n.in_force || announced;
    std::string shown = n.in_force ? n.stage_label : n.decision_label;
    (on_page ? page.projects : page.archive)
        .push_back(ProjectNoticeItem(n.id, n.name, n.category_label, std::move(shown), n.budget_fen,
                                     n.start ? n.start->ToString() : n.approved_on,
                                     n.closes_on ? n.closes_on->ToString() : "", on_page));
  }
  for (auto* list : {&page.notices, &page.decisions, &page.subsidies, &page.allocations,
                     &page.projects, &page.archive}) {
    std::stable_sort(list->begin(), list->end(), NewestFirst);
  }
  return page;
}

ArchivePage ArchivePageOf(const PublicVillagePage& page, int number, int size) {
  ArchivePage out;
  out.total = static_cast<int64_t>(page.archive.size());
  size = std::max(1, size);
  out.pages = std::max<int>(1, static_cast<int>((out.total + size - 1) / size));
  out.page = std::clamp(number, 1, out.pages);
  const auto first = static_cast<size_t>(out.page - 1) * size;
  for (size_t i = first; i < page.archive.size() && i < first + size; ++i) {
    out.items.push_back(page.archive[i]);
  }
  return out;
}

Result<PublicObjectionResult> FilePublicObjection(Store& store, const PolicySet& policy,
                                                  RegionCode village, const PublicObjection& o,
                                                  const std::string& remote) {
  if (village.level() != RegionLevel::kVillage) return NoSuchVillage(village);
  auto region = store.GetRegion(village);
  if (!region.ok()) return region.error();
  if (!region->has_value()) return NoSuchVillage(village);
  if (o.name.empty()) return Invalid("请填写您的姓名", "name is required");
  if (o.phone.empty()) return Invalid("请填写联系电话", "phone is required");
  if (o.text.empty()) return Invalid("请填写异议内容", "text is required");
  if (o.name.size() > kMaxName) return Invalid("姓名过长", "name is too long");
  if (o.phone.size() > kMaxPhone) return Invalid("联系电话过长", "phone is too long");
  if (o.text.size() > kMaxText) {
    return Invalid("异议内容过长（最多 2000 字节）", "text is too long (at most 2000 bytes)");
  }
  auto phone = NormalizePhone(o.phone);
  if (!phone.ok()) return phone.error();
  std::optional<int64_t> named;  // a case
  if (!o.notice.empty()) {
    std::string_view id = o.notice;
    const bool project = id.starts_with("project:");  // a complaint only, naming the project
    if (id.starts_with("case:")) id.remove_prefix(5);
    if (project) id.remove_prefix(8);
    if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != id.npos) {
      return Invalid(
          "所指公示不正确：" + o.notice.substr(0, 40),
          "notice must name a case (case:ID) or a project (project:ID): " + o.notice.substr(0, 40));
    }
    if (!project) named = std::stoll(std::string(id));
  }
  // The public actor: the village's office, named "public" in the audit trail.
  const Caller actor{User{"public", Role::kVillageOperator, village, false}, remote};
  return InTransaction(store, [&]() -> Result<PublicObjectionResult> {
    // The case, when it is in its notice period in this village.
    std::optional<StoredCase> target;
    if (named) {
      auto c = store.cases().GetCase(*named);
      if (!c.ok()) return c.error();
      if (c->has_value() && (*c)->village_code == village &&
          (*c)->value.state == CaseState::kOpen && (*c)->value.notice &&
          IsNoticeStep((*c)->value.current_step())) {
        target = std::move(**c);
      }
    }
    FileComplaintRequest request;
    request.channel = "notice";
    request.region = village.ToString();
    request.subject =
        target ? "公示异议：" + std::string(ProcedureKindLabel(target->value.kind)) : "公示异议";
    request.text = o.notice.empty() ? o.text : "【" + o.notice.substr(0, 40) + "】" + o.text;
    request.name = o.name;
    request.phone = *phone;
    if (target) request.household_code = target->household_code;
    auto filed = FileComplaint(store, policy, actor, request);
    if (!filed.ok()) return filed.error();
    PublicObjectionResult result;
    result.complaint = std::move(*filed);
    if (target) {
      auto objected = ObjectToCase(
          store, policy, actor, target->id,
          "公示栏异议（投诉 " + std::to_string(result.complaint.row.id) + " 号）：" + o.text);
      if (!objected.ok()) return objected.error();
      result.case_id = target->id;
    }
    // The phone is personal data: masked here, never logged.
    FUPIN_RETURN_IF_ERROR(AppendAudit(
        store, actor, village, "public.objection",
        "complaint:" + std::to_string(result.complaint.row.id),
        "notice=" +
            (result.case_id ? "case:" + std::to_string(*result.case_id) : std::string("-")) +
            " phone=" + MaskPhone(*phone)));
    return result;
  });
}

Result<std::string> PublicPageCache::Get(Store& store, const std::string& key,
                                         const std::function<Result<std::string>()>& build) {
  auto head = store.accounts().LastAudit();
  if (!head.ok()) return head.error();
  const int64_t audit_head = head->has_value() ? (*head)->seq : 0;
  const int32_t day = Date::Today().days();
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.audit_head == audit_head && it->second.day == day &&
        now - it->second.built < max_age_) {
      return it->second.text;
    }
  }
  auto text = build();
  if (!text.ok()) return text.error();
  std::lock_guard lock(mutex_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[key] = Entry{audit_head, day, now, *text};
  return text;
}

std::chrono::seconds RateLimiter::Take(std::string_view address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = events_.find(address);
  if (it == events_.end()) {
    if (events_.size() >= max_addresses_) {
      // The address whose newest event is oldest goes first.
      auto quietest = std::min_element(events_.begin(), events_.end(), [](auto& a, auto& b) {
        if (a.second.empty() || b.second.empty()) return a.second.empty() && !b.second.empty();
        return a.second.back() < b.second.back();
      });
      events_.erase(quietest);
    }
    it = events_.emplace(std::string(address), std::deque<Clock::time_point>{}).first;
  }
  auto& times = it->second;
  while (!times.empty() && now - times.front() >= window_) times.pop_front();
  if (static_cast<int>(times.size()) >= limit_) {
    const auto wait = window_ - (now - times.front());
    return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(wait));
  }
  times.push_back(now);
  return std::chrono::seconds(0);
}

}  // namespace fupin
