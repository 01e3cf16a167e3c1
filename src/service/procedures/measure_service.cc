#include "service/procedures/measure_service.h"

#include "common/date.h"
#include "common/money.h"
#include "common/text.h"
#include "domain/codes.h"
#include "service/accounts/audit_service.h"
#include "service/clock.h"
#include "service/procedures/attachment_service.h"
#include "service/procedures/care_scope.h"
#include "service/transaction.h"

namespace fupin {
namespace {

Error MayNotRecord() {
  return Error{"E_FORBIDDEN", "您的角色无权记录帮扶措施或走访",
               "your role may not record measures or visits"};
}

// A date of a measure or visit: a real day, not after today (China Standard Time).
Result<std::string> PastDate(const std::string& text) {
  auto date = Date::Parse(text);
  if (!date.ok()) {
    return Error{"E_DATE", "日期格式错误，应为 YYYY-MM-DD：" + text.substr(0, 40),
                 "not a date (YYYY-MM-DD): " + text.substr(0, 40)};
  }
  if (*date > Date::Today()) {
    return Error{"E_DATE", "日期不能晚于今天：" + date->ToString(),
                 "the date is in the future: " + date->ToString()};
  }
  return date->ToString();
}

size_t CharacterCount(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

Status CheckCareText(const std::string& text, const char* field_zh, const char* field_en) {
  if (!IsValidUtf8(text)) {
    return Error{"E_FORMAT", std::string(field_zh) + "不是有效的 UTF-8 文本",
                 std::string(field_en) + " is not valid UTF-8 text"};
  }
  FUPIN_RETURN_IF_ERROR(CheckNoControls(text, field_zh, field_en, LineBreaks::kAllowed));
  if (CharacterCount(text) > kMaxCareText) {
    const std::string n = std::to_string(kMaxCareText);
    return Error{"E_FORMAT", std::string(field_zh) + "过长（最多 " + n + " 个字符）",
                 std::string(field_en) + " is too long (" + n + " characters at most)"};
  }
  return Status::Ok();
}

Result<MeasureRow> AddMeasure(Store& store, const Caller& caller, const std::string& household_code,
                              const MeasureInput& input) {
  if (!RoleMay(caller.user.role, Permission::kRecordAssistance)) return MayNotRecord();
  auto household = HouseholdInReadScope(store, caller, household_code);
  if (!household.ok()) return household.error();
  const RegionCode village = household->household.village_code;

  MeasureRow row;
  const auto category = ParseCode(CodeList::kMeasureCategory, input.category);
  if (!category) {
    return Error{"E_CODE", "帮扶措施类别不在代码表中：" + input.category.substr(0, 40),
                 "not a measure category of the code list: " + input.category.substr(0, 40)};
  }
  row.category = *category;
  auto date = PastDate(input.date);
  if (!date.ok()) return date.error();
  row.date = *date;
  if (!TrimSpaces(input.amount).empty()) {
    auto amount = Money::Parse(input.amount);
    if (!amount.ok() || amount->fen() < 0) {
      return Error{"E_NUMBER", "金额应为不小于 0 的元数，最多两位小数",
                   "the amount must be yuan, 0 or more, with at most 2 decimals"};
    }
    row.amount_fen = amount->fen();
  }
  row.description = std::string(TrimSpaces(input.description));
  FUPIN_RETURN_IF_ERROR(CheckCareText(row.description, "措施说明", "the description"));
  row.county_code = village.county().value();
  row.household_code = household_code;
  row.recorded_by = caller.user.username;
  row.recorded_at = NowIso8601();
  FUPIN_RETURN_IF_ERROR(InTransaction(store, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(store.care().InsertMeasure(row));
    return AppendAudit(store, caller, village, "measure.add", household_code,
                       "measure:" + std::to_string(row.id) + " category " +
                           std::string(CodeText(CodeList::kMeasureCategory, row.category)));
  }));
  return row;
}

Result<VisitView> AddVisit(Store& store, const Caller& caller, const std::string& household_code,
                           const VisitInput& input) {
  if (!RoleMay(caller.user.role, Permission::kRecordAssistance)) return MayNotRecord();
  auto household = HouseholdInReadScope(store, caller, household_code);
  if (!household.ok()) return household.error();
  const RegionCode village = household->household.village_code;

  VisitView view;
  VisitRow& row = view.visit;
  auto date = PastDate(input.date);
  if (!date.ok()) return date.error();
  row.date = *date;
  if (input.helper_id && *input.helper_id <= 0) {
    return Error{"E_NUMBER", "helper_id 应为正整数", "helper_id must be a positive whole number"};
  }
  row.helper_id = input.helper_id;
  row.findings = std::string(TrimSpaces(input.findings));
  if (row.findings.empty()) {
    return Error{"E_REQUIRED", "请填写走访情况", "the findings of the visit are required"};
  }
  FUPIN_RETURN_IF_ERROR(CheckCareText(row.findings, "走访情况", "the findings"));
  row.county_code = village.county().value();
  row.household_code = household_code;
  row.visitor = caller.user.username;
  row.recorded_at = NowIso8601();
  FUPIN_RETURN_IF_ERROR(InTransaction(store, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(store.care().InsertVisit(row));
    const std::string owner = "visit:" + std::to_string(row.id);
    FUPIN_RETURN_IF_ERROR(ClaimAttachments(store, caller, input.attachments, owner,
                                           village.county(), household_code));
    auto attachments = store.care().AttachmentsOf(owner);
    if (!attachments.ok()) return attachments.error();
    view.attachments = std::move(*attachments);
    return AppendAudit(store, caller, village, "visit.add", household_code,
                       owner + ", " + std::to_string(view.attachments.size()) + " attachments");
  }));
  return view;
}

Result<std::vector<MeasureRow>> ListMeasures(Store& store, const Caller& caller,
                                             const std::string& household_code) {
  auto household = HouseholdInReadScope(store, caller, household_code);
  if (!household.ok()) return household.error();
  return store.care().Measures(household->household.village_code.county().value(), household_code);
}

Result<std::vector<VisitView>> ListVisits(Store& store, const Caller& caller,
                                          const std::string& household_code) {
  auto household = HouseholdInReadScope(store, caller, household_code);
  if (!household.ok()) return household.error();
  auto visits =
      store.care().Visits(household->household.village_code.county().value(), household_code);
  if (!visits.ok()) return visits.error();
  std::vector<VisitView> out;
  out.reserve(visits->size());
  for (auto& v : *visits) {
    auto attachments = store.care().AttachmentsOf("visit:" + std::to_string(v.id));
    if (!attachments.ok()) return attachments.error();
    out.push_back({std::move(v), std::move(*attachments)});
  }
  return out;
}

Result<StaleMonitoredPage> MonitoredWithoutRecentMeasure(Store& store, const Caller& caller,
                                                         RegionCode region, int days,
                                                         int64_t offset, int64_t limit) {
  if (!RoleMay(caller.user.role, Permission::kRead) || !caller.InScope(region)) {
    return Error::NotFound("区划不存在：" + region.ToString(),
                           "no such region: " + region.ToString());
  }
  if (days < 1) return Error{"E_NUMBER", "天数应为正整数", "days must be a positive number"};
  const Date since = Date::FromDays(Date::Today().days() - (days - 1));
  const std::string helper = caller.user.role == Role::kHelper ? caller.user.username : "";
  return store.care().MonitoredWithoutMeasureSince(region, since.ToString(), helper, offset, limit);
}

}  // namespace fupin
