// 扶贫小额信贷 microcredit (spec/funds.md "HTTP fixed points"): grant, list, read, repay,
// renew (续贷), extend (展期), compensate from the risk fund, and the interest subsidy of a
// year. Money in and out is a string of yuan with two decimals; a refused loan is 422 with
// every failing criterion in `details`. The borrower's ID number is masked for the roles that
// see masked data.
#include <charconv>

#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/loans/loan_service.h"
#include "views/loan_json.h"

namespace fupin {
namespace {

Result<int64_t> LoanId(const HttpRequest& req) { return PathId(req, "贷款", "loan"); }

// A member holding text: a string, or (for amounts and rates) a number taken as its text;
// "" when absent or null. E_FORMAT for another type.
Result<std::string> Member(const Json& body, const char* key, bool numbers = false) {
  if (!body.contains(key) || body[key].is_null()) return std::string();
  const Json& v = body[key];
  if (v.is_string()) return v.get<std::string>().substr(0, 1000);
  if (numbers && (v.is_number_integer() || v.is_number_unsigned() || v.is_number_float())) {
    return v.dump();
  }
  return Error{"E_FORMAT", std::string(key) + " 应为字符串",
               std::string(key) + " must be a string"};
}

// A whole-number member (months); `fallback` when absent. E_NUMBER otherwise.
Result<int> Months(const Json& body, const char* key, int fallback) {
  if (!body.contains(key) || body[key].is_null()) return fallback;
  const Json& v = body[key];
  if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 1200) {
    return Error{"E_NUMBER", std::string(key) + " 应为正整数（月）",
                 std::string(key) + " must be a whole number of months"};
  }
  return static_cast<int>(v.get<int64_t>());
}

bool Masked(const HttpRequest& req) { return RoleSeesMaskedData(req.caller.user.role); }

Reply Refusal(const Error& error, const std::vector<FailedCondition>& failed, Lang lang) {
  Json details = Json::array();
  for (const FailedCondition& f : failed) {
    details.push_back({{"criterion", f.criterion}, {"message", lang == Lang::kEn ? f.en : f.zh}});
  }
  return Failure(error, lang, details);
}

Reply Create(RouteContext& ctx, const HttpRequest& req) {
  auto body = ParseBody(req.body, {"household_code", "borrower_id_number", "amount", "term_months",
                                   "start_date", "bank", "annual_rate", "purpose"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  LoanInput in;
  for (auto [key, field, numbers] :
       {std::tuple{"household_code", &in.household_code, false},
        std::tuple{"borrower_id_number", &in.borrower_id_number, false},
        std::tuple{"amount", &in.amount, true}, std::tuple{"start_date", &in.start_date, false},
        std::tuple{"bank", &in.bank, false}, std::tuple{"annual_rate", &in.annual_rate, true},
        std::tuple{"purpose", &in.purpose, false}}) {
    auto text = Member(*body, key, numbers);
    if (!text.ok()) return Failure(text.error(), req.lang);
    *field = std::move(*text);
  }
  auto months = Months(*body, "term_months", 0);
  if (!months.ok()) return Failure(months.error(), req.lang);
  in.term_months = *months;
  std::vector<FailedCondition> failed;
  auto loan = GrantLoan(ctx.store, ctx.policy, req.caller, in, &failed);
  if (!loan.ok()) return Refusal(loan.error(), failed, req.lang);
  return Data(LoanJson(*loan, Masked(req)), 201);
}

// ?region= (default the caller's), state=, overdue=true, page=, size=.
Reply List(RouteContext& ctx, const HttpRequest& req) {
  const Query& q = req.query;
  auto region = RegionParam(q.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  LoanListQuery query;
  query.region = *region;
  query.state = std::string(q.Get("state").substr(0, 16));
  auto overdue = BoolParam(q, "overdue");
  if (!overdue.ok()) return Failure(overdue.error(), req.lang);
  query.overdue = *overdue;
  auto paging = PageParam(q);
  if (!paging.ok()) return Failure(paging.error(), req.lang);
  query.limit = paging->size;
  query.offset = paging->offset;
  auto list = ListLoans(ctx.store, req.caller, query);
  if (!list.ok()) return Failure(list.error(), req.lang);
  Json items = Json::array();
  for (const LoanView& v : list->items) items.push_back(LoanJson(v, Masked(req), false));
  return Data(Json{{"total", list->total}, {"items", items}});
}

Reply Show(RouteContext& ctx, const HttpRequest& req) {
  auto id = LoanId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto loan = GetLoan(ctx.store, req.caller, *id);
  if (!loan.ok()) return Failure(loan.error(), req.lang);
  return Data(LoanJson(*loan, Masked(req)));
}

// {"date", "principal", "interest"}.
Reply RepayRoute(RouteContext& ctx, const HttpRequest& req) {
  auto id = LoanId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(req.body, {"date", "principal", "interest"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  RepaymentInput in;
  for (auto [key, field, numbers] :
       {std::tuple{"date", &in.date, false}, std::tuple{"principal", &in.principal, true},
        std::tuple{"interest", &in.interest, true}}) {
    auto text = Member(*body, key, numbers);
    if (!text.ok()) return Failure(text.error(), req.lang);
    *field = std::move(*text);
  }
  auto loan = Repay(ctx.store, req.caller, *id, in);
  if (!loan.ok()) return Failure(loan.error(), req.lang);
  return Data(LoanJson(*loan, Masked(req)), 201);
}

// {"date"?, "term_months"?}: the new loan.
Reply RenewRoute(RouteContext& ctx, const HttpRequest& req) {
  auto id = LoanId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(req.body, {"date", "term_months"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  RenewalInput in;
  auto date = Member(*body, "date");
  if (!date.ok()) return Failure(date.error(), req.lang);
  in.date = *date;
  auto months = Months(*body, "term_months", 0);
  if (!months.ok()) return Failure(months.error(), req.lang);
  if (*months > 0) in.term_months = *months;
  std::vector<FailedCondition> failed;
  auto loan = Renew(ctx.store, ctx.policy, req.caller, *id, in, &failed);
  if (!loan.ok()) return Refusal(loan.error(), failed, req.lang);
  return Data(LoanJson(*loan, Masked(req)), 201);
}

// {"months", "reason", "date"?}.
Reply ExtendRoute(RouteContext& ctx, const HttpRequest& req) {
  auto id = LoanId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(req.body, {"months", "reason", "date"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  ExtensionInput in;
  auto months = Months(*body, "months", 0);
  if (!months.ok()) return Failure(months.error(), req.lang);
  in.months = *months;
  for (auto [key, field] : {std::pair{"reason", &in.reason}, std::pair{"date", &in.date}}) {
    auto text = Member(*body, key);
    if (!text.ok()) return Failure(text.error(), req.lang);
    *field = std::move(*text);
  }
  std::vector<FailedCondition> failed;
  auto loan = Extend(ctx.store, req.caller, *id, in, &failed);
  if (!loan.ok()) return Refusal(loan.error(), failed, req.lang);
  return Data(LoanJson(*loan, Masked(req)));
}

Reply CompensateRoute(RouteContext& ctx, const HttpRequest& req) {
  auto id = LoanId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  if (!BlankBody(req.body)) {
    auto body = ParseBody(req.body, {});
    if (!body.ok()) return Failure(body.error(), req.lang);
  }
  auto loan = Compensate(ctx.store, ctx.policy, req.caller, *id);
  if (!loan.ok()) return Failure(loan.error(), req.lang);
  return Data(LoanJson(*loan, Masked(req)), 201);
}

// ?year=Y.
Reply SubsidyRoute(RouteContext& ctx, const HttpRequest& req) {
  auto id = LoanId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto year = YearParam(req.query);
  if (!year.ok()) return Failure(year.error(), req.lang);
  auto subsidy = SubsidyOf(ctx.store, ctx.policy, req.caller, *id, *year);
  if (!subsidy.ok()) return Failure(subsidy.error(), req.lang);
  return Data(LoanSubsidyJson(*subsidy));
}

}  // namespace

void AddLoanRoutes(Routes& routes) {
  routes.push_back({"POST", "/api/v1/loans", true, Work::kWrite, Create, nullptr});
  routes.push_back({"GET", "/api/v1/loans", true, Work::kRead, List, nullptr});
  routes.push_back({"GET", "/api/v1/loans/:id", true, Work::kRead, Show, nullptr});
  routes.push_back(
      {"POST", "/api/v1/loans/:id/repayments", true, Work::kWrite, RepayRoute, nullptr});
  routes.push_back({"POST", "/api/v1/loans/:id/renewal", true, Work::kWrite, RenewRoute, nullptr});
  routes.push_back(
      {"POST", "/api/v1/loans/:id/extension", true, Work::kWrite, ExtendRoute, nullptr});
  routes.push_back(
      {"POST", "/api/v1/loans/:id/compensation", true, Work::kWrite, CompensateRoute, nullptr});
  routes.push_back({"GET", "/api/v1/loans/:id/subsidy", true, Work::kRead, SubsidyRoute, nullptr});
}

}  // namespace fupin
