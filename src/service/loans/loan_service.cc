#include "service/loans/loan_service.h"

#include <algorithm>

#include "common/id_number.h"
#include "common/money.h"
#include "common/text.h"
#include "domain/codes.h"
#include "domain/money/loan_interest.h"
#include "domain/money/loan_rules.h"
#include "service/accounts/audit_service.h"
#include "service/clock.h"
#include "service/procedures/care_scope.h"
#include "service/transaction.h"

namespace fupin {
namespace {

constexpr const char* kPurposes[] = {"种植",     "养殖",     "加工",
                                     "商贸流通", "乡村旅游", "其他生产经营"};
constexpr int kMeasureFinance = 3;  // codes.md measure_category 03 金融帮扶（小额信贷）

Error NoSuchLoan(int64_t id) {
  return Error::NotFound("贷款不存在：" + std::to_string(id),
                         "no such loan: " + std::to_string(id));
}

Error NoSuchRegion(RegionCode region) {
  return Error::NotFound("区划不存在：" + region.ToString(),
                         "no such region: " + region.ToString());
}

Error StateError(const std::string& zh, const std::string& en) { return Error{"E_STATE", zh, en}; }

std::string Yuan(int64_t fen) { return Money::FromFen(fen).ToString(); }

// A date of the ledger (`zh`/`en` name it): YYYY-MM-DD, not after today; `fallback` when
// the text is empty.
Result<Date> LedgerDate(const std::string& raw, const char* zh, const char* en,
                        std::optional<Date> fallback = std::nullopt) {
  const std::string text(TrimSpaces(raw));
  if (text.empty() && fallback) return *fallback;
  auto date = Date::Parse(text);
  const bool future = date.ok() && *date > Date::Today();
  if (date.ok() && !future) return *date;
  const std::string shown = text.substr(0, 40);
  return Error{
      "E_DATE", std::string(zh) + (future ? "不能晚于今天：" : "应为日期 YYYY-MM-DD：") + shown,
      std::string(en) + (future ? " is after today: " : " must be a date (YYYY-MM-DD): ") + shown};
}

// Yuan with at most 2 decimals, ≥ 0 (> 0 when `positive`), in fen.
Result<int64_t> Amount(const std::string& text, const char* zh, const char* en, bool positive) {
  auto amount = Money::Parse(text.empty() && !positive ? "0" : text);
  if (!amount.ok() || amount->fen() < 0 || (positive && amount->fen() == 0)) {
    return Error{
        "E_NUMBER",
        std::string(zh) + "应为" + (positive ? "大于 0" : "不小于 0") + "的元数，最多两位小数",
        std::string(en) + " must be yuan, " + (positive ? "more than 0" : "0 or more") +
            ", with at most 2 decimals"};
  }
  return amount->fen();
}

// A required one-line text of at most kMaxLoanText characters.
Result<std::string> LoanText(const std::string& raw, const char* zh, const char* en) {
  std::string text(TrimSpaces(raw));
  if (text.empty())
    return Error{"E_REQUIRED", std::string("请填写") + zh, std::string(en) + " is required"};
  size_t characters = 0;
  for (char c : text) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (!IsValidUtf8(text) || characters > kMaxLoanText) {
    return Error{"E_FORMAT", std::string(zh) + "应为不超过 200 个字符的文本",
                 std::string(en) + " must be text of at most 200 characters"};
  }
  FUPIN_RETURN_IF_ERROR(CheckNoControls(text, zh, en, LineBreaks::kRefused));
  return text;
}

// The loan with its history, read for the caller (E_NOT_FOUND outside the read scope).
Result<LoanView> ReadLoan(Store& store, const Caller& caller, int64_t id, bool history = true) {
  auto row = store.loans().GetLoan(id);
  if (!row.ok()) return row.error();
  if (!row->has_value() || !RoleMay(caller.user.role, Permission::kRead) ||
      !caller.InScope(RegionCode::FromInt((*row)->region_code))) {
    return NoSuchLoan(id);
  }
  if (caller.user.role == Role::kHelper) {
    auto household = HouseholdInReadScope(store, caller, (*row)->household_code);
    if (!household.ok()) return NoSuchLoan(id);
  }
  LoanView v;
  v.loan = std::move(**row);
  auto repayments = store.loans().Repayments(id);
  if (!repayments.ok()) return repayments.error();
  for (const RepaymentRow& r : *repayments) {
    v.principal_repaid_fen += r.principal_fen;
    v.interest_repaid_fen += r.interest_fen;
  }
  v.outstanding_fen = v.loan.state == "renewed" ? 0 : v.loan.amount_fen - v.principal_repaid_fen;
  v.state = v.loan.state;
  const Date today = Date::Today();
  const Date due = *Date::Parse(v.loan.due_date);
  if (v.loan.state == "active" && today > due && v.outstanding_fen > 0) {
    v.state = "overdue";
    v.days_overdue = today.days() - due.days();
  }
  if (history) v.repayments = std::move(*repayments);
  auto compensation = store.loans().Compensation(id);
  if (!compensation.ok()) return compensation.error();
  v.compensation = std::move(*compensation);
  auto renewal = store.loans().RenewalOf(id);
  if (!renewal.ok()) return renewal.error();
  v.renewed_by = *renewal;
  return v;
}

// A loan the caller may write: in scope, with the permission.
Result<LoanView> WritableLoan(Store& store, const Caller& caller, int64_t id, Permission p,
                              const char* zh, const char* en) {
  if (!RoleMay(caller.user.role, p)) return Error{"E_FORBIDDEN", zh, en};
  return ReadLoan(store, caller, id);
}

Status MustBeActive(const LoanView& v) {
  if (v.loan.state == "active") return Status::Ok();
  return StateError(
      "贷款 " + std::to_string(v.loan.id) + " 已结清或已结束（" + v.loan.state + "）",
      "loan " + std::to_string(v.loan.id) + " is no longer active (" + v.loan.state + ")");
}

// The conditions of spec/funds.md (domain/money/loan_rules.h) on a loan to `borrower` of
// `household`: the borrower's birth date from the register, else from the ID number.
std::vector<FailedCondition> Conditions(const Policy& rules, const Household& household,
                                        const Member* borrower, const std::string& borrower_id,
                                        const LoanTerms& t) {
  LoanBorrower who;
  who.member = borrower != nullptr;
  if (borrower != nullptr) {
    who.birth_date = borrower->birth_date;
    if (!who.birth_date) {
      auto id = ParseIdNumber(borrower_id, Date::Today());
      if (id.ok()) who.birth_date = id->birth_date;
    }
  }
  const LoanHousehold status{household.household_code, household.kind, household.poverty_status,
                             household.monitor_status, household.monitor_type};
  return LoanConditions(rules, status, who, t);
}

const Member* FindBorrower(const Household& household, const std::string& raw) {
  std::string id(TrimSpaces(raw));
  std::transform(id.begin(), id.end(), id.begin(), [](char c) { return c == 'x' ? 'X' : c; });
  if (id.empty()) return nullptr;
  for (const Member& m : household.members) {
    if (m.id_number == id) return &m;
  }
  return nullptr;
}

// The loan closed on a day: repaid, renewed or compensated (interest stops accruing).
LoanRow Closed(const LoanRow& loan, const char* state, const std::string& on) {
  LoanRow out = loan;
  out.state = state;
  out.closed_on = on;
  return out;
}

// Writes a new loan and its 金融帮扶 measure; the audit record is the caller's.
Status InsertLoanWithMeasure(Store& store, const Caller& caller, LoanRow& row, const char* kind) {
  FUPIN_RETURN_IF_ERROR(store.loans().InsertLoan(row));
  MeasureRow measure;
  measure.county_code = row.county_code;
  measure.household_code = row.household_code;
  measure.category = kMeasureFinance;
  measure.date = row.start_date;
  measure.amount_fen = row.amount_fen;
  measure.description = std::string(kind) + " loan:" + std::to_string(row.id) + " " + row.bank +
                        " " + std::to_string(row.term_months) + "个月";
  measure.recorded_by = caller.user.username;
  measure.recorded_at = row.created_at;
  FUPIN_RETURN_IF_ERROR(store.care().InsertMeasure(measure));
  row.measure_id = measure.id;
  return store.loans().UpdateLoan(row);
}

}  // namespace

std::optional<int> ParseLoanPurpose(const std::string& raw) {
  std::string text(TrimSpaces(raw));
  for (int i = 0; i < 6; ++i) {
    const std::string code = "0" + std::to_string(i + 1);
    if (text == code || text == std::to_string(i + 1) || text == kPurposes[i] ||
        text == code + " " + kPurposes[i]) {
      return i + 1;
    }
  }
  return std::nullopt;
}

const char* LoanPurposeLabel(int purpose) {
  return purpose >= 1 && purpose <= 6 ? kPurposes[purpose - 1] : "";
}

std::optional<int64_t> ParseAnnualRate(const std::string& raw) {
  const std::string text(TrimSpaces(raw));
  const size_t dot = text.find('.');
  const std::string whole = text.substr(0, dot);
  const std::string decimals = dot == std::string::npos ? "" : text.substr(dot + 1);
  auto digits = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole != "0" || decimals.empty() || decimals.size() > 6 || !digits(decimals))
    return std::nullopt;
  return std::stoll(decimals + std::string(6 - decimals.size(), '0'));
}

Result<LoanView> GrantLoan(Store& store, const PolicySet& policy, const Caller& caller,
                           const LoanInput& input, std::vector<FailedCondition>* failed) {
  if (!RoleMay(caller.user.role, Permission::kAllocateFunds)) {
    return Error{"E_FORBIDDEN", "您的角色无权登记扶贫小额信贷", "your role may not record loans"};
  }
  const std::string household_code(TrimSpaces(input.household_code));
  auto household = HouseholdInReadScope(store, caller, household_code);
  if (!household.ok()) return household.error();
  const Household& h = household->household;
  LoanTerms t;
  auto amount = Amount(input.amount, "贷款金额", "the amount", true);
  if (!amount.ok()) return amount.error();
  t.amount_fen = *amount;
  if (input.term_months < 1 || input.term_months > 1200) {
    return Error{"E_NUMBER", "贷款期限应为正整数（月）",
                 "the term must be a whole number of months"};
  }
  t.term_months = input.term_months;
  auto start = LedgerDate(input.start_date, "放款日期", "the start date");
  if (!start.ok()) return start.error();
  t.start = t.contract_start = *start;
  auto rate = ParseAnnualRate(input.annual_rate);
  if (!rate) {
    return Error{"E_NUMBER", "年利率应为小数，如 0.0435",
                 "the annual rate must be a decimal such as 0.0435"};
  }
  t.rate_micros = *rate;
  auto bank = LoanText(input.bank, "贷款银行", "the bank");
  if (!bank.ok()) return bank.error();
  t.purpose = ParseLoanPurpose(input.purpose);
  t.purpose_text = input.purpose;
  const Member* borrower = FindBorrower(h, input.borrower_id_number);
  auto conditions =
      Conditions(policy.For(h.village_code), h, borrower, input.borrower_id_number, t);
  if (!conditions.empty()) {
    if (failed != nullptr) *failed = conditions;
    return ConditionsError(conditions);
  }
  LoanRow row;
  row.county_code = h.village_code.county().value();
  row.household_code = household_code;
  row.region_code = h.village_code.value();
  row.borrower_id_number = borrower->id_number;
  row.borrower_name = borrower->name;
  row.amount_fen = t.amount_fen;
  row.term_months = t.term_months;
  row.start_date = row.contract_start = t.start.ToString();
  row.due_date = row.original_due_date = AddMonths(t.start, t.term_months).ToString();
  row.bank = std::move(*bank);
  row.annual_rate_micros = t.rate_micros;
  row.purpose = *t.purpose;
  row.state = "active";
  row.created_by = caller.user.username;
  row.created_at = NowIso8601();
  FUPIN_RETURN_IF_ERROR(InTransaction(store, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(InsertLoanWithMeasure(store, caller, row, "扶贫小额信贷"));
    return AppendAudit(store, caller, h.village_code, "loan.add", household_code,
                       "loan:" + std::to_string(row.id) + " " + Yuan(row.amount_fen) + " " +
                           std::to_string(row.term_months) + "m " + row.start_date);
  }));
  return ReadLoan(store, caller, row.id);
}

Result<LoanView> GetLoan(Store& store, const Caller& caller, int64_t id) {
  return ReadLoan(store, caller, id);
}

Result<LoanListPage> ListLoans(Store& store, const Caller& caller, const LoanListQuery& query) {
  if (!RoleMay(caller.user.role, Permission::kRead) || !caller.InScope(query.region)) {
    return NoSuchRegion(query.region);
  }
  if (query.region != RegionCode::Nation()) {  // a region of the tree, as one outside the scope
    auto region = store.GetRegion(query.region);
    if (!region.ok()) return region.error();
    if (!region->has_value()) return NoSuchRegion(query.region);
  }
  LoanQuery q;
  q.region = query.region;
  q.offset = query.offset;
  q.limit = query.limit;
  const std::string today = Date::Today().ToString();
  const std::string state = query.overdue ? "overdue" : query.state;
  if (state == "overdue") {
    q.states = {"active"};
    q.due_before = today;
  } else if (state == "active") {
    q.states = {"active"};
    q.due_from = today;
  } else if (state == "repaid" || state == "renewed" || state == "compensated") {
    q.states = {state};
  } else if (!state.empty()) {
    return Error{"E_CODE", "未知的贷款状态：" + state.substr(0, 40),
                 "unknown loan state (active, overdue, repaid, renewed, compensated): " +
                     state.substr(0, 40)};
  }
  auto page = store.loans().Loans(q);
  if (!page.ok()) return page.error();
  LoanListPage out;
  out.total = page->total;
  for (const LoanRow& row : page->rows) {
    if (caller.user.role == Role::kHelper &&
        !HouseholdInReadScope(store, caller, row.household_code).ok()) {
      --out.total;  // a helper lists the loans of its own households only
      continue;
    }
    auto view = ReadLoan(store, caller, row.id, false);
    if (!view.ok()) return view.error();
    out.items.push_back(std::move(*view));
  }
  return out;
}

// (Its reads and checks run in the write transaction: see Repay below.)
static Result<LoanView> RepayLocked(Store& store, const Caller& caller, int64_t id,
                                    const RepaymentInput& input) {
  auto v = WritableLoan(store, caller, id, Permission::kAllocateFunds, "您的角色无权登记还款",
                        "your role may not record repayments");
  if (!v.ok()) return v.error();
  FUPIN_RETURN_IF_ERROR(MustBeActive(*v));
  auto date = LedgerDate(input.date, "还款日期", "the date of repayment");
  if (!date.ok()) return date.error();
  if (date->ToString() < v->loan.start_date) {
    return Error{"E_DATE", "还款日期早于放款日期 " + v->loan.start_date,
                 "the repayment is dated before the loan's start " + v->loan.start_date};
  }
  auto principal = Amount(input.principal, "本金", "the principal", false);
  if (!principal.ok()) return principal.error();
  auto interest = Amount(input.interest, "利息", "the interest", false);
  if (!interest.ok()) return interest.error();
  if (*principal == 0 && *interest == 0) {
    return Error{"E_NUMBER", "本金和利息不能都为 0",
                 "the principal and the interest cannot both be 0"};
  }
  if (*principal > v->outstanding_fen) {
    return Error{
        "E_NUMBER",
        "还款本金 " + Yuan(*principal) + " 元超过未还本金 " + Yuan(v->outstanding_fen) + " 元",
        "the principal of " + Yuan(*principal) + " yuan is more than the " +
            Yuan(v->outstanding_fen) + " yuan outstanding"};
  }
  RepaymentRow r{0,           id, date->ToString(), *principal, *interest, caller.user.username,
                 NowIso8601()};
  const LoanRow loan =
      *principal == v->outstanding_fen ? Closed(v->loan, "repaid", r.date) : v->loan;
  FUPIN_RETURN_IF_ERROR(InTransaction(store, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(store.loans().InsertRepayment(r));
    if (loan.state != v->loan.state) FUPIN_RETURN_IF_ERROR(store.loans().UpdateLoan(loan));
    return AppendAudit(store, caller, RegionCode::FromInt(loan.region_code), "loan.repay",
                       loan.household_code,
                       "loan:" + std::to_string(id) + " " + r.date + " principal " +
                           Yuan(r.principal_fen) + " interest " + Yuan(r.interest_fen));
  }));
  return ReadLoan(store, caller, id);
}

// (Its reads and checks run in the write transaction: see Renew below.)
static Result<LoanView> RenewLocked(Store& store, const PolicySet& policy, const Caller& caller,
                                    int64_t id, const RenewalInput& input,
                                    std::vector<FailedCondition>* failed) {
  auto v = WritableLoan(store, caller, id, Permission::kAllocateFunds, "您的角色无权办理续贷",
                        "your role may not renew loans");
  if (!v.ok()) return v.error();
  FUPIN_RETURN_IF_ERROR(MustBeActive(*v));
  auto date = LedgerDate(input.date, "续贷日期", "the date of renewal", Date::Today());
  if (!date.ok()) return date.error();
  const LoanRow& old = v->loan;
  if (date->ToString() < old.start_date || date->ToString() > old.due_date) {
    return StateError("续贷应在放款日至到期日 " + old.due_date + " 之间办理",
                      "a 续贷 is made between the loan's start and its due date " + old.due_date);
  }
  auto household = HouseholdInReadScope(store, caller, old.household_code);
  if (!household.ok()) return household.error();
  const Household& h = household->household;
  LoanTerms t;
  t.amount_fen = v->outstanding_fen;
  t.term_months = input.term_months.value_or(old.term_months);
  if (t.term_months < 1 || t.term_months > 1200) {
    return Error{"E_NUMBER", "贷款期限应为正整数（月）",
                 "the term must be a whole number of months"};
  }
  t.start = *date;
  t.contract_start = *Date::Parse(old.contract_start);
  t.rate_micros = old.annual_rate_micros;
  t.purpose = old.purpose;
  const Member* borrower = FindBorrower(h, old.borrower_id_number);
  auto conditions = Conditions(policy.For(h.village_code), h, borrower, old.borrower_id_number, t);
  if (!conditions.empty()) {
    if (failed != nullptr) *failed = conditions;
    return ConditionsError(conditions);
  }
  LoanRow row = old;
  row.id = 0;
  row.amount_fen = t.amount_fen;
  row.term_months = t.term_months;
  row.start_date = t.start.ToString();
  row.due_date = row.original_due_date = AddMonths(t.start, t.term_months).ToString();
  row.state = "active";
  row.closed_on.clear();
  row.renewal_of = old.id;
  row.extended_months = 0;
  row.extended_on.clear();
  row.extension_reason.clear();
  row.created_by = caller.user.username;
  row.created_at = NowIso8601();
  const LoanRow closed = Closed(old, "renewed", row.start_date);
  FUPIN_RETURN_IF_ERROR(InTransaction(store, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(store.loans().UpdateLoan(closed));
    FUPIN_RETURN_IF_ERROR(InsertLoanWithMeasure(store, caller, row, "扶贫小额信贷续贷"));
    return AppendAudit(store, caller, h.village_code, "loan.renew", old.household_code,
                       "loan:" + std::to_string(old.id) + " -> loan:" + std::to_string(row.id) +
                           " " + Yuan(row.amount_fen) + " " + row.start_date);
  }));
  return ReadLoan(store, caller, row.id);
}

// (Its reads and checks run in the write transaction: see Extend below.)
static Result<LoanView> ExtendLocked(Store& store, const Caller& caller, int64_t id,
                                     const ExtensionInput& input,
                                     std::vector<FailedCondition>* failed) {
  auto v = WritableLoan(store, caller, id, Permission::kAllocateFunds, "您的角色无权办理展期",
                        "your role may not extend loans");
  if (!v.ok()) return v.error();
  FUPIN_RETURN_IF_ERROR(MustBeActive(*v));
  LoanRow loan = v->loan;
  if (loan.extended_months > 0) {
    return StateError("贷款 " + std::to_string(id) + " 已展期一次，不能再次展期",
                      "loan " + std::to_string(id) + " has been extended once already");
  }
  auto date = LedgerDate(input.date, "展期日期", "the date of extension", Date::Today());
  if (!date.ok()) return date.error();
  if (date->ToString() > loan.due_date || date->ToString() < loan.start_date) {
    return StateError(
        "展期应在贷款到期日 " + loan.due_date + " 之前申请（《贷款通则》第十二条）",
        "an extension is applied for by the due date " + loan.due_date + " (《贷款通则》 art. 12)");
  }
  auto reason = LoanText(input.reason, "展期原因", "the reason");
  if (!reason.ok()) return reason.error();
  const int limit = std::min(kMaxExtensionMonths,
                             loan.term_months <= 12 ? loan.term_months : loan.term_months / 2);
  if (input.months < 1 || input.months > limit) {
    const std::string n = std::to_string(input.months), max = std::to_string(limit);
    std::vector<FailedCondition> too_long{
        {"extension_months", "展期 " + n + " 个月不在 1 至 " + max + " 个月之间",
         "an extension of " + n + " months is outside 1 to " + max + " months"}};
    if (failed != nullptr) *failed = too_long;
    return ConditionsError(too_long);
  }
  loan.extended_months = input.months;
  loan.extended_on = date->ToString();
  loan.extension_reason = std::move(*reason);
  loan.due_date = AddMonths(*Date::Parse(loan.original_due_date), input.months).ToString();
  FUPIN_RETURN_IF_ERROR(InTransaction(store, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(store.loans().UpdateLoan(loan));
    return AppendAudit(store, caller, RegionCode::FromInt(loan.region_code), "loan.extend",
                       loan.household_code,
                       "loan:" + std::to_string(id) + " +" + std::to_string(input.months) +
                           "m due " + loan.due_date);
  }));
  return ReadLoan(store, caller, id);
}

Result<LoanSubsidy> SubsidyOf(Store& store, const PolicySet& policy, const Caller& caller,
                              int64_t id, int year) {
  auto v = ReadLoan(store, caller, id);
  if (!v.ok()) return v.error();
  if (year < 2000 || year > 2100) {
    return Error{"E_YEAR", "年度应在 2000 至 2100 之间", "the year must be 2000 to 2100"};
  }
  const LoanRow& loan = v->loan;
  const Policy& rules = policy.For(RegionCode::FromInt(loan.region_code));
  const Date contract_start = *Date::Parse(loan.contract_start);
  LoanSubsidy s;
  s.loan_id = id;
  s.year = year;
  s.contract_year = contract_start.year();
  auto share = rules.SubsidyShare(s.contract_year);
  if (!share.ok()) return share.error();
  s.share = *share;
  // The cap of the original contract's start, for the original term (a 续贷 keeps them).
  s.rate_micros = loan.annual_rate_micros;
  if (auto cap = rules.RateCapOn(contract_start, loan.term_months); cap.ok()) {
    s.rate_micros = std::min(s.rate_micros, cap->micros);
  }
  Date end = *Date::Parse(loan.due_date);
  if (!loan.closed_on.empty()) end = std::min(end, *Date::Parse(loan.closed_on));
  std::vector<PrincipalRepaid> repaid;
  for (const RepaymentRow& r : v->repayments)
    repaid.push_back({*Date::Parse(r.date), r.principal_fen});
  s.interest_fen = InterestOfYear(loan.amount_fen, *Date::Parse(loan.start_date), end, repaid,
                                  s.rate_micros, year);
  s.subsidy_fen = ShareOf(s.interest_fen, s.share);
  return s;
}

Result<LoanListPage> OverdueLoans(Store& store, const Caller& caller, RegionCode region,
                                  int64_t offset, int64_t limit) {
  LoanListQuery q;
  q.region = region;
  q.overdue = true;
  q.offset = offset;
  q.limit = limit;
  return ListLoans(store, caller, q);
}

// (Its reads and checks run in the write transaction: see Compensate below.)
static Result<LoanView> CompensateLocked(Store& store, const PolicySet& policy,
                                         const Caller& caller, int64_t id) {
  auto v = WritableLoan(store, caller, id, Permission::kRecordFunds,
                        "您的角色无权办理风险补偿金代偿", "your role may not compensate loans");
  if (!v.ok()) return v.error();
  FUPIN_RETURN_IF_ERROR(MustBeActive(*v));
  const LoanRow& loan = v->loan;
  const auto& mc = policy.For(RegionCode::FromInt(loan.region_code)).microcredit;
  if (v->state != "overdue") {
    return StateError("贷款 " + std::to_string(id) + " 未逾期，不能代偿",
                      "loan " + std::to_string(id) + " is not overdue: nothing to compensate");
  }
  if (v->days_overdue < mc.overdue_compensation_days) {
    const std::string n = std::to_string(v->days_overdue),
                      min = std::to_string(mc.overdue_compensation_days);
    return Error{
        "E_OVERDUE_DAYS",
        "贷款 " + std::to_string(id) + " 逾期 " + n + " 天，满 " + min + " 天方可由风险补偿金代偿",
        "loan " + std::to_string(id) + " is " + n +
            " days overdue; the risk fund compensates from " + min + " days"};
  }
  CompensationRow c;
  c.loan_id = id;
  c.date = Date::Today().ToString();
  c.days_overdue = v->days_overdue;
  c.base_fen = v->outstanding_fen;
  if (mc.compensation_with_interest) {
    std::vector<PrincipalRepaid> repaid;
    for (const RepaymentRow& r : v->repayments)
      repaid.push_back({*Date::Parse(r.date), r.principal_fen});
    const int64_t due =
        InterestOfLoan(loan.amount_fen, *Date::Parse(loan.start_date), *Date::Parse(loan.due_date),
                       repaid, loan.annual_rate_micros);
    c.base_fen += std::max<int64_t>(0, due - v->interest_repaid_fen);
  }
  c.fund_fen = ShareOf(c.base_fen, mc.risk_fund_share);
  c.bank_fen = c.base_fen - c.fund_fen;
  c.created_by = caller.user.username;
  c.created_at = NowIso8601();
  const LoanRow closed = Closed(loan, "compensated", c.date);
  FUPIN_RETURN_IF_ERROR(InTransaction(store, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(store.loans().InsertCompensation(c));
    FUPIN_RETURN_IF_ERROR(store.loans().UpdateLoan(closed));
    return AppendAudit(store, caller, RegionCode::FromInt(loan.region_code), "loan.compensate",
                       loan.household_code,
                       "loan:" + std::to_string(id) + " " + std::to_string(c.days_overdue) +
                           "d base " + Yuan(c.base_fen) + " fund " + Yuan(c.fund_fen) + " bank " +
                           Yuan(c.bank_fen));
  }));
  return ReadLoan(store, caller, id);
}

// The writers read the loan, check it and write in one transaction, so that two clerks
// repaying (renewing, extending, compensating) one loan at once cannot both pass the check
// on what the other has not yet written: on SQLite the transaction is the one writer (BEGIN
// IMMEDIATE), on PostgreSQL the loan's row is locked FOR UPDATE when read in a transaction.
Result<LoanView> Repay(Store& store, const Caller& caller, int64_t id,
                       const RepaymentInput& input) {
  return InTransaction(store, [&] { return RepayLocked(store, caller, id, input); });
}

Result<LoanView> Renew(Store& store, const PolicySet& policy, const Caller& caller, int64_t id,
                       const RenewalInput& input, std::vector<FailedCondition>* failed) {
  return InTransaction(store,
                       [&] { return RenewLocked(store, policy, caller, id, input, failed); });
}

Result<LoanView> Extend(Store& store, const Caller& caller, int64_t id, const ExtensionInput& input,
                        std::vector<FailedCondition>* failed) {
  return InTransaction(store, [&] { return ExtendLocked(store, caller, id, input, failed); });
}

Result<LoanView> Compensate(Store& store, const PolicySet& policy, const Caller& caller,
                            int64_t id) {
  return InTransaction(store, [&] { return CompensateLocked(store, policy, caller, id); });
}

}  // namespace fupin
