#include "service/funds/fund_service.h"

#include <cinttypes>
#include <cstdio>

#include "common/money.h"
#include "common/text.h"
#include "service/accounts/audit_service.h"
#include "service/clock.h"
#include "service/procedures/care_scope.h"
#include "service/transaction.h"

namespace fupin {
namespace {

constexpr const char* kLevelLabels[] = {"中央", "省", "市", "县"};
constexpr const char* kLevelKeys[] = {"central", "province", "city", "county"};

Error Forbidden(const char* zh, const char* en) { return Error{"E_FORBIDDEN", zh, en}; }

Error NoSuchRegion(RegionCode region) {
  return Error::NotFound("区划不存在：" + region.ToString(),
                         "no such region: " + region.ToString());
}

Error NoSuchFund(int64_t id) {
  return Error::NotFound("资金不存在：" + std::to_string(id),
                         "no such fund: " + std::to_string(id));
}

Error NoSuchAllocation(int64_t id) {
  return Error::NotFound("资金分配记录不存在：" + std::to_string(id),
                         "no such allocation: " + std::to_string(id));
}

// A region the caller may read and that is in the tree (the nation always is).
Status RegionInScope(Store& store, const Caller& caller, RegionCode region) {
  if (!RoleMay(caller.user.role, Permission::kRead) || !caller.InScope(region)) {
    return NoSuchRegion(region);
  }
  if (region == RegionCode::Nation()) return Status::Ok();
  auto row = store.GetRegion(region);
  if (!row.ok()) return row.error();
  if (!row->has_value()) return NoSuchRegion(region);
  return Status::Ok();
}

// A positive amount of yuan with at most 2 decimals, in fen.
Result<int64_t> PositiveAmount(const std::string& text) {
  auto amount = Money::Parse(text);
  if (!amount.ok() || amount->fen() <= 0) {
    return Error{"E_NUMBER", "金额应为大于 0 的元数，最多两位小数",
                 "the amount must be yuan, more than 0, with at most 2 decimals"};
  }
  return amount->fen();
}

size_t CharacterCount(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// A required one-line text: trimmed, not empty, UTF-8 without controls, ≤ kMaxFundText.
Result<std::string> RequiredText(const std::string& raw, const char* zh, const char* en) {
  std::string text(TrimSpaces(raw));
  if (text.empty()) {
    return Error{"E_REQUIRED", std::string("请填写") + zh, std::string(en) + " is required"};
  }
  if (!IsValidUtf8(text)) {
    return Error{"E_FORMAT", std::string(zh) + "不是有效的 UTF-8 文本",
                 std::string(en) + " is not valid UTF-8 text"};
  }
  FUPIN_RETURN_IF_ERROR(CheckNoControls(text, zh, en, LineBreaks::kRefused));
  if (CharacterCount(text) > kMaxFundText) {
    const std::string n = std::to_string(kMaxFundText);
    return Error{"E_FORMAT", std::string(zh) + "过长（最多 " + n + " 个字符）",
                 std::string(en) + " is too long (" + n + " characters at most)"};
  }
  return text;
}

std::string Yuan(int64_t fen) { return Money::FromFen(fen).ToString(); }

// Whether the caller sees a fund of `region`: it lies in the caller's scope, or it was
// received by a region that holds the caller's (a county fund, for a township office).
bool SeesFund(const Caller& caller, RegionCode region) {
  return caller.InScope(region) || region.Contains(caller.user.region);
}

// E_OVER_FUND when `amount` exceeds what fund `f` has left (in the open transaction).
Status CheckFundLeft(Store& store, const FundRow& f, int64_t amount) {
  auto allocated = store.funds().AllocatedFromFund(f.id);
  if (!allocated.ok()) return allocated.error();
  const int64_t left = f.amount_fen - *allocated;
  if (amount > left) {
    return Error{"E_OVER_FUND",
                 "分配金额 " + Yuan(amount) + " 元超过资金 " + std::to_string(f.id) +
                     " 的剩余额度 " + Yuan(left) + " 元",
                 "the allocation of " + Yuan(amount) + " yuan exceeds what fund " +
                     std::to_string(f.id) + " has left: " + Yuan(left) + " yuan"};
  }
  return Status::Ok();
}

// Project library: an allocation to a project of the library (扶贫项目库) in the caller's
// scope, once the county approved it into the library; the fund's region holds the project.
Result<AllocationRow> AllocateToProject(Store& store, const Caller& caller,
                                        const AllocationInput& input) {
  const int64_t project_id = *input.project_id;
  auto found = store.projects().GetProject(project_id);
  if (!found.ok()) return found.error();
  if (!found->has_value() || !caller.InScope(RegionCode::FromInt((*found)->region_code))) {
    return Error::NotFound("项目不存在：" + std::to_string(project_id),
                           "no such project: " + std::to_string(project_id));
  }
  const ProjectRow& project = **found;
  if (project.approved_on.empty() || project.state == "rejected") {
    return Error{
        "E_STATE", "项目尚未经县级审批入库，不能分配资金：" + std::to_string(project_id),
        "the project has not been approved into the library: " + std::to_string(project_id)};
  }
  const RegionCode place = RegionCode::FromInt(project.region_code);
  auto fund = store.funds().GetFund(input.fund_id);
  if (!fund.ok()) return fund.error();
  if (!fund->has_value() || !SeesFund(caller, RegionCode::FromInt((*fund)->region_code))) {
    return NoSuchFund(input.fund_id);
  }
  const FundRow& f = **fund;
  if (!RegionCode::FromInt(f.region_code).Contains(place)) {
    return Error{
        "E_REGION",
        "项目不在资金 " + std::to_string(f.id) + " 的下达区划内：" + std::to_string(project_id),
        "the project lies outside the region of fund " + std::to_string(f.id) + ": " +
            std::to_string(project_id)};
  }
  auto amount = PositiveAmount(input.amount);
  if (!amount.ok()) return amount.error();
  AllocationRow row;
  row.fund_id = f.id;
  row.project_id = project_id;
  row.region_code = place.value();
  row.amount_fen = *amount;
  row.created_by = caller.user.username;
  row.created_at = NowIso8601();
  FUPIN_RETURN_IF_ERROR(InTransaction(store, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(CheckFundLeft(store, f, row.amount_fen));
    FUPIN_RETURN_IF_ERROR(store.funds().InsertAllocation(row));
    return AppendAudit(store, caller, place, "fund.allocate",
                       "project:" + std::to_string(project_id),
                       "allocation:" + std::to_string(row.id) + " fund:" + std::to_string(f.id) +
                           " " + Yuan(row.amount_fen));
  }));
  return row;
}

}  // namespace

std::optional<int> ParseFundLevel(const std::string& raw) {
  const std::string text(TrimSpaces(raw));
  for (int i = 0; i < 4; ++i) {
    if (text == std::to_string(i + 1) || text == kLevelLabels[i] || text == kLevelKeys[i] ||
        (i > 0 && text == std::string(kLevelLabels[i]) + "级")) {
      return i + 1;
    }
  }
  return std::nullopt;
}

const char* FundLevelLabel(int level) {
  return level >= 1 && level <= 4 ? kLevelLabels[level - 1] : "";
}
const char* FundLevelKey(int level) {
  return level >= 1 && level <= 4 ? kLevelKeys[level - 1] : "";
}

std::string FourDecimals(int64_t numerator, int64_t denominator) {
  if (denominator <= 0) return "0.0000";
  const __int128 scaled = static_cast<__int128>(numerator) * 10000 / denominator;
  const int64_t v = static_cast<int64_t>(scaled);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRId64 ".%04" PRId64, v / 10000, v % 10000);
  return buf;
}

Result<FundRow> AddFund(Store& store, const Caller& caller, const FundInput& input) {
  if (!RoleMay(caller.user.role, Permission::kRecordFunds)) {
    return Forbidden("您的角色无权登记扶贫资金", "your role may not record funds");
  }
  FUPIN_RETURN_IF_ERROR(RegionInScope(store, caller, input.region));
  FundRow row;
  const auto level = ParseFundLevel(input.level);
  if (!level) {
    return Error{
        "E_CODE", "资金级次应为 中央、省、市 或 县：" + input.level.substr(0, 40),
        "the level must be central, province, city or county: " + input.level.substr(0, 40)};
  }
  row.level = *level;
  auto kind = RequiredText(input.kind, "资金类别", "the kind");
  if (!kind.ok()) return kind.error();
  row.kind = std::move(*kind);
  if (input.year < 2000 || input.year > 2100) {
    return Error{"E_YEAR", "年度应在 2000 至 2100 之间", "the year must be 2000 to 2100"};
  }
  row.year = input.year;
  auto amount = PositiveAmount(input.amount);
  if (!amount.ok()) return amount.error();
  row.amount_fen = *amount;
  auto name = RequiredText(input.name, "资金名称", "the name");
  if (!name.ok()) return name.error();
  row.name = std::move(*name);
  row.region_code = input.region.value();
  row.created_by = caller.user.username;
  row.created_at = NowIso8601();
  FUPIN_RETURN_IF_ERROR(InTransaction(store, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(store.funds().InsertFund(row));
    return AppendAudit(store, caller, input.region, "fund.add", "fund:" + std::to_string(row.id),
                       std::string(FundLevelKey(row.level)) + " " + std::to_string(row.year) + " " +
                           Yuan(row.amount_fen));
  }));
  return row;
}

Result<AllocationRow> Allocate(Store& store, const Caller& caller, const AllocationInput& input) {
  if (!RoleMay(caller.user.role, Permission::kAllocateFunds)) {
    return Forbidden("您的角色无权分配扶贫资金", "your role may not allocate funds");
  }
  const std::string household_code(TrimSpaces(input.household_code));
  if (household_code.empty() == !input.project_id.has_value()) {
    return Error::Usage("请给出 household_code 或 project_id 之一（不可同时给出）",
                        "give one of household_code and project_id (not both)");
  }
  if (input.project_id) return AllocateToProject(store, caller, input);
  auto household = HouseholdInReadScope(store, caller, household_code);
  if (!household.ok()) return household.error();
  const RegionCode village = household->household.village_code;
  auto fund = store.funds().GetFund(input.fund_id);
  if (!fund.ok()) return fund.error();
  if (!fund->has_value() || !SeesFund(caller, RegionCode::FromInt((*fund)->region_code))) {
    return NoSuchFund(input.fund_id);
  }
  const FundRow& f = **fund;
  if (!RegionCode::FromInt(f.region_code).Contains(village)) {
    return Error{"E_REGION",
                 "该户不在资金 " + std::to_string(f.id) + " 的下达区划内：" + household_code,
                 "the household lies outside the region of fund " + std::to_string(f.id) + ": " +
                     household_code};
  }
  auto amount = PositiveAmount(input.amount);
  if (!amount.ok()) return amount.error();
  AllocationRow row;
  row.fund_id = f.id;
  row.county_code = village.county().value();
  row.household_code = household_code;
  row.region_code = village.value();
  row.amount_fen = *amount;
  row.created_by = caller.user.username;
  row.created_at = NowIso8601();
  FUPIN_RETURN_IF_ERROR(InTransaction(store, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(CheckFundLeft(store, f, row.amount_fen));
    FUPIN_RETURN_IF_ERROR(store.funds().InsertAllocation(row));
    return AppendAudit(store, caller, village, "fund.allocate", household_code,
                       "allocation:" + std::to_string(row.id) + " fund:" + std::to_string(f.id) +
                           " " + Yuan(row.amount_fen));
  }));
  return row;
}

Result<DisbursementRow> Disburse(Store& store, const Caller& caller,
                                 const DisbursementInput& input) {
  if (!RoleMay(caller.user.role, Permission::kAllocateFunds)) {
    return Forbidden("您的角色无权支付扶贫资金", "your role may not disburse funds");
  }
  auto allocation = store.funds().GetAllocation(input.allocation_id);
  if (!allocation.ok()) return allocation.error();
  if (!allocation->has_value() ||
      !caller.InScope(RegionCode::FromInt((*allocation)->region_code))) {
    return NoSuchAllocation(input.allocation_id);
  }
  const AllocationRow& a = **allocation;
  DisbursementRow row;
  auto amount = PositiveAmount(input.amount);
  if (!amount.ok()) return amount.error();
  row.amount_fen = *amount;
  auto date = Date::Parse(TrimSpaces(input.date));
  if (!date.ok()) {
    return Error{"E_DATE", "日期格式错误，应为 YYYY-MM-DD：" + input.date.substr(0, 40),
                 "not a date (YYYY-MM-DD): " + input.date.substr(0, 40)};
  }
  if (*date > Date::Today()) {
    return Error{"E_DATE", "支付日期不能晚于今天：" + date->ToString(),
                 "the date of payment is in the future: " + date->ToString()};
  }
  row.date = date->ToString();
  auto voucher = RequiredText(input.voucher, "凭证号", "the voucher number");
  if (!voucher.ok()) return voucher.error();
  row.voucher = std::move(*voucher);
  row.allocation_id = a.id;
  row.created_by = caller.user.username;
  row.created_at = NowIso8601();
  FUPIN_RETURN_IF_ERROR(InTransaction(store, [&]() -> Status {
    auto disbursed = store.funds().DisbursedFromAllocation(a.id);
    if (!disbursed.ok()) return disbursed.error();
    const int64_t left = a.amount_fen - *disbursed;
    if (row.amount_fen > left) {
      return Error{"E_OVER_ALLOCATION",
                   "支付金额 " + Yuan(row.amount_fen) + " 元超过分配 " + std::to_string(a.id) +
                       " 的未付余额 " + Yuan(left) + " 元",
                   "the payment of " + Yuan(row.amount_fen) + " yuan exceeds what allocation " +
                       std::to_string(a.id) + " has left: " + Yuan(left) + " yuan"};
    }
    FUPIN_RETURN_IF_ERROR(store.funds().InsertDisbursement(row));
    return AppendAudit(
        store, caller, RegionCode::FromInt(a.region_code), "fund.disburse",
        "allocation:" + std::to_string(a.id),
        "disbursement:" + std::to_string(row.id) + " " + Yuan(row.amount_fen) + " " + row.date);
  }));
  return row;
}

Result<std::vector<FundView>> ListFunds(Store& store, const Caller& caller, RegionCode region,
                                        std::optional<int> year) {
  FUPIN_RETURN_IF_ERROR(RegionInScope(store, caller, region));
  auto funds = store.funds().Funds(region, year);
  if (!funds.ok()) return funds.error();
  std::vector<FundView> out;
  out.reserve(funds->size());
  for (FundRow& f : *funds) {
    auto allocated = store.funds().AllocatedFromFund(f.id);
    if (!allocated.ok()) return allocated.error();
    auto disbursed = store.funds().DisbursedFromFund(f.id);
    if (!disbursed.ok()) return disbursed.error();
    out.push_back({std::move(f), *allocated, *disbursed});
  }
  return out;
}

Result<std::vector<AllocationRow>> ListAllocations(Store& store, const Caller& caller,
                                                   RegionCode region,
                                                   std::optional<int64_t> fund_id) {
  FUPIN_RETURN_IF_ERROR(RegionInScope(store, caller, region));
  return store.funds().Allocations(region, fund_id);
}

Result<std::vector<DisbursementRow>> ListDisbursements(Store& store, const Caller& caller,
                                                       RegionCode region,
                                                       std::optional<int64_t> allocation_id) {
  FUPIN_RETURN_IF_ERROR(RegionInScope(store, caller, region));
  return store.funds().Disbursements(region, allocation_id);
}

Result<FundProgress> Progress(Store& store, const PolicySet& policy, const Caller& caller,
                              RegionCode region, int year, std::optional<Date> as_of) {
  FUPIN_RETURN_IF_ERROR(RegionInScope(store, caller, region));
  if (year < 2000 || year > 2100) {
    return Error{"E_YEAR", "年度应在 2000 至 2100 之间", "the year must be 2000 to 2100"};
  }
  FundProgress p;
  p.region = region;
  p.year = year;
  p.as_of = (as_of ? *as_of : Date::Today()).ToString();
  auto totals = store.funds().Totals(region, year, p.as_of);
  if (!totals.ok()) return totals.error();
  p.funds_fen = totals->funds_fen;
  p.allocated_fen = totals->allocated_fen;
  p.disbursed_fen = totals->disbursed_fen;
  p.ratio = FourDecimals(p.disbursed_fen, p.funds_fen);
  p.allocation_ratio = FourDecimals(p.allocated_fen, p.funds_fen);
  const Ratio& min = policy.For(region).funds.min_spending_ratio;
  p.min_spending_ratio = min.ToString();
  // disbursed ÷ funds ≥ micros ÷ 1,000,000, in integers.
  p.meets = p.funds_fen > 0 && static_cast<__int128>(p.disbursed_fen) * 1000000 >=
                                   static_cast<__int128>(min.micros) * p.funds_fen;
  return p;
}

// Funds reports (fund_report.h).
Status FundRegionInScope(Store& store, const Caller& caller, RegionCode region) {
  return RegionInScope(store, caller, region);
}

}  // namespace fupin
