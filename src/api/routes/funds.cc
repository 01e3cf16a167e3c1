// The funds ledger (扶贫资金, spec/funds.md): funds, their allocations to households
// (直补到户) and the disbursements, and the spending progress of a region and year. Money
// in and out is a string of yuan with two decimals; refusals by the limits are 422.
#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/funds/fund_report.h"
#include "service/funds/fund_service.h"
#include "views/fund_json.h"
#include "views/fund_report_json.h"

namespace fupin {
namespace {

// A member that holds text: a string, or a number taken as its text (amounts); "" when
// absent or null. E_FORMAT for another type.
Result<std::string> TextMember(const Json& body, const char* key, bool numbers = false) {
  if (!body.contains(key) || body[key].is_null()) return std::string();
  const Json& v = body[key];
  if (v.is_string()) return v.get<std::string>();
  if (numbers && v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (numbers && v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (numbers && v.is_number_float()) return v.dump();
  return Error{"E_FORMAT", std::string(key) + " 应为字符串",
               std::string(key) + " must be a string"};
}

// A positive whole number member (an id, a year given as a number or as digits); nullopt
// when absent or null. E_NUMBER otherwise.
Result<std::optional<int64_t>> IdMember(const Json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return std::optional<int64_t>();
  const Json& v = body[key];
  const Error bad{"E_NUMBER", std::string(key) + " 应为正整数",
                  std::string(key) + " must be a positive whole number"};
  int64_t n = 0;
  if (v.is_number_integer()) {
    n = v.get<int64_t>();
  } else if (v.is_string()) {
    const std::string text = v.get<std::string>();
    if (text.empty() || text.size() > 15 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
      return bad;
    }
    n = std::stoll(text);
  } else {
    return bad;
  }
  if (n <= 0) return bad;
  return std::optional<int64_t>(n);
}

Result<std::optional<int64_t>> IdQuery(const Query& q, const char* name) {
  if (!q.Has(name)) return std::optional<int64_t>();
  auto v = IntParam(q, name, 0, 1, 999999999);
  if (!v.ok()) return v.error();
  return std::optional<int64_t>(*v);
}

Reply AddFundRoute(RouteContext& ctx, const HttpRequest& req) {
  auto body = ParseBody(req.body, {"level", "kind", "year", "region", "amount", "name"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  FundInput input;
  for (auto [key, field, numbers] :
       {std::tuple{"level", &input.level, true}, std::tuple{"kind", &input.kind, false},
        std::tuple{"amount", &input.amount, true}, std::tuple{"name", &input.name, false}}) {
    auto text = TextMember(*body, key, numbers);
    if (!text.ok()) return Failure(text.error(), req.lang);
    *field = std::move(*text);
  }
  auto year = IdMember(*body, "year");
  if (!year.ok() || !*year || **year > 9999) {
    return Failure(Error{"E_YEAR", "年度应为四位数字", "the year must be four digits"}, req.lang);
  }
  input.year = static_cast<int>(**year);
  auto region_text = TextMember(*body, "region", true);
  if (!region_text.ok()) return Failure(region_text.error(), req.lang);
  auto region = RegionParam(*region_text, req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  input.region = *region;
  auto fund = AddFund(ctx.store, req.caller, input);
  if (!fund.ok()) return Failure(fund.error(), req.lang);
  return Data(FundJson(FundView{*fund, 0, 0}), 201);
}

// ?region= (default the caller's), year=.
Reply ListFundsRoute(RouteContext& ctx, const HttpRequest& req) {
  auto region = RegionParam(req.query.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  auto year = OptionalYearParam(req.query);
  if (!year.ok()) return Failure(year.error(), req.lang);
  auto funds = ListFunds(ctx.store, req.caller, *region, *year);
  if (!funds.ok()) return Failure(funds.error(), req.lang);
  Json items = Json::array();
  for (const FundView& f : *funds) items.push_back(FundJson(f));
  return Data(items);
}

// ?as_of=YYYY-MM-DD: nullopt (today) when absent; E_DATE when malformed.
Result<std::optional<Date>> AsOfParam(const Query& query) {
  if (!query.Has("as_of")) return std::optional<Date>();
  const std::string text(query.Get("as_of").substr(0, 40));
  auto date = Date::Parse(text);
  if (!date.ok()) {
    return Error{"E_DATE", "as_of 应为日期 YYYY-MM-DD：" + text,
                 "as_of must be a date (YYYY-MM-DD): " + text};
  }
  return std::optional<Date>(*date);
}

// ?region=, year=, as_of=YYYY-MM-DD (default today).
Reply ProgressRoute(RouteContext& ctx, const HttpRequest& req) {
  auto region = RegionParam(req.query.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  auto year = YearParam(req.query);
  if (!year.ok()) return Failure(year.error(), req.lang);
  auto as_of = AsOfParam(req.query);
  if (!as_of.ok()) return Failure(as_of.error(), req.lang);
  auto progress = Progress(ctx.store, ctx.policy, req.caller, *region, *year, *as_of);
  if (!progress.ok()) return Failure(progress.error(), req.lang);
  return Data(FundProgressJson(*progress));
}

// Funds reports. ?region= (default the caller's), year=, as_of=, format=json (default) or
// xlsx: the table by child region (fund_report.h), audited "fund.report".
Reply ReportRoute(RouteContext& ctx, const HttpRequest& req) {
  auto region = RegionParam(req.query.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  auto year = YearParam(req.query);
  if (!year.ok()) return Failure(year.error(), req.lang);
  auto as_of = AsOfParam(req.query);
  if (!as_of.ok()) return Failure(as_of.error(), req.lang);
  const std::string format =
      req.query.Has("format") ? std::string(req.query.Get("format")) : "json";
  if (format != "json" && format != "xlsx") {
    return Failure(Error::Usage("format 只能是 json 或 xlsx", "format must be json or xlsx"),
                   req.lang);
  }
  auto report = FundReportFor(ctx.store, ctx.policy, req.caller, *region, *year, *as_of, format);
  if (!report.ok()) return Failure(report.error(), req.lang);
  if (format == "json") return Data(FundReportJson(*report));
  auto bytes = WorkbookBytes(ctx.database_path, [&](XlsxWriter& book) {
    return WriteFundReport(ctx.store, *report, book);
  });
  if (!bytes.ok()) return Failure(bytes.error(), req.lang);
  return Workbook(std::move(*bytes), "funds-report.xlsx");
}

// ?region=, year=, as_of=: the slow-spending alerts (the report's rows below the rule).
Reply AlertsRoute(RouteContext& ctx, const HttpRequest& req) {
  auto region = RegionParam(req.query.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  auto year = YearParam(req.query);
  if (!year.ok()) return Failure(year.error(), req.lang);
  auto as_of = AsOfParam(req.query);
  if (!as_of.ok()) return Failure(as_of.error(), req.lang);
  auto alerts = SlowSpending(ctx.store, ctx.policy, req.caller, *region, *year, *as_of);
  if (!alerts.ok()) return Failure(alerts.error(), req.lang);
  Json items = Json::array();
  for (const FundReportRow& row : *alerts) items.push_back(FundReportRowJson(row, {}));
  return Data(items);
}

Reply AllocateRoute(RouteContext& ctx, const HttpRequest& req) {
  auto body = ParseBody(req.body, {"fund_id", "project_id", "household_code", "amount"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  AllocationInput input;
  auto fund = IdMember(*body, "fund_id");
  if (!fund.ok()) return Failure(fund.error(), req.lang);
  if (!*fund) {
    return Failure(Error{"E_REQUIRED", "请给出 fund_id", "fund_id is required"}, req.lang);
  }
  input.fund_id = **fund;
  auto project = IdMember(*body, "project_id");
  if (!project.ok()) return Failure(project.error(), req.lang);
  input.project_id = *project;
  auto household = TextMember(*body, "household_code");
  if (!household.ok()) return Failure(household.error(), req.lang);
  input.household_code = household->substr(0, 64);
  auto amount = TextMember(*body, "amount", true);
  if (!amount.ok()) return Failure(amount.error(), req.lang);
  input.amount = std::move(*amount);
  auto allocation = Allocate(ctx.store, req.caller, input);
  if (!allocation.ok()) return Failure(allocation.error(), req.lang);
  return Data(AllocationJson(*allocation), 201);
}

// ?region= (default the caller's), fund_id=.
Reply ListAllocationsRoute(RouteContext& ctx, const HttpRequest& req) {
  auto region = RegionParam(req.query.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  auto fund = IdQuery(req.query, "fund_id");
  if (!fund.ok()) return Failure(fund.error(), req.lang);
  auto allocations = ListAllocations(ctx.store, req.caller, *region, *fund);
  if (!allocations.ok()) return Failure(allocations.error(), req.lang);
  Json items = Json::array();
  for (const AllocationRow& a : *allocations) items.push_back(AllocationJson(a));
  return Data(items);
}

Reply DisburseRoute(RouteContext& ctx, const HttpRequest& req) {
  auto body = ParseBody(req.body, {"allocation_id", "amount", "date", "voucher"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  DisbursementInput input;
  auto allocation = IdMember(*body, "allocation_id");
  if (!allocation.ok()) return Failure(allocation.error(), req.lang);
  if (!*allocation) {
    return Failure(Error{"E_REQUIRED", "请给出 allocation_id", "allocation_id is required"},
                   req.lang);
  }
  input.allocation_id = **allocation;
  for (auto [key, field, numbers] :
       {std::tuple{"amount", &input.amount, true}, std::tuple{"date", &input.date, false},
        std::tuple{"voucher", &input.voucher, true}}) {
    auto text = TextMember(*body, key, numbers);
    if (!text.ok()) return Failure(text.error(), req.lang);
    *field = std::move(*text);
  }
  auto disbursement = Disburse(ctx.store, req.caller, input);
  if (!disbursement.ok()) return Failure(disbursement.error(), req.lang);
  return Data(DisbursementJson(*disbursement), 201);
}

// ?region= (default the caller's), allocation_id=.
Reply ListDisbursementsRoute(RouteContext& ctx, const HttpRequest& req) {
  auto region = RegionParam(req.query.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  auto allocation = IdQuery(req.query, "allocation_id");
  if (!allocation.ok()) return Failure(allocation.error(), req.lang);
  auto paid = ListDisbursements(ctx.store, req.caller, *region, *allocation);
  if (!paid.ok()) return Failure(paid.error(), req.lang);
  Json items = Json::array();
  for (const DisbursementRow& d : *paid) items.push_back(DisbursementJson(d));
  return Data(items);
}

}  // namespace

void AddFundRoutes(Routes& routes) {
  routes.push_back({"POST", "/api/v1/funds", true, Work::kWrite, AddFundRoute, nullptr});
  routes.push_back({"GET", "/api/v1/funds", true, Work::kRead, ListFundsRoute, nullptr});
  routes.push_back({"GET", "/api/v1/funds/progress", true, Work::kRead, ProgressRoute, nullptr});
  routes.push_back({"POST", "/api/v1/allocations", true, Work::kWrite, AllocateRoute, nullptr});
  routes.push_back(
      {"GET", "/api/v1/allocations", true, Work::kRead, ListAllocationsRoute, nullptr});
  routes.push_back({"POST", "/api/v1/disbursements", true, Work::kWrite, DisburseRoute, nullptr});
  routes.push_back(
      {"GET", "/api/v1/disbursements", true, Work::kRead, ListDisbursementsRoute, nullptr});
  // Funds reports.
  routes.push_back({"GET", "/api/v1/funds/report", true, Work::kRead, ReportRoute, nullptr});
  routes.push_back({"GET", "/api/v1/funds/alerts", true, Work::kRead, AlertsRoute, nullptr});
}

}  // namespace fupin
