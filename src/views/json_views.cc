#include "views/json_views.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string_view>

#include "common/id_number.h"
#include "exchange/template.h"

namespace fupin {
namespace {

Json Warnings(bool earlier) {
  Json w = Json::array();
  if (earlier) w.push_back("W_POLICY_YEAR");
  return w;
}

Json YearlyJson(const Result<YearlyAmount>& line) {
  if (!line.ok()) return nullptr;
  return Json{{"amount", line->amount.ToString()}, {"year", line->year}};
}

Json OptionalInt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

// A coded value as JSON: the listed code text when it has leading zeros or letters
// ("01", "A"), else the number; null when empty.
Json CodeJson(CodeList list, int code) {
  if (code == kNone) return nullptr;
  std::string_view text = CodeText(list, code);
  if (text.size() > 1 && text[0] == '0') return std::string(text);
  if (!text.empty() && (text[0] < '0' || text[0] > '9')) return std::string(text);
  return code;
}

Json CodeSetJson(CodeList list, CodeSet set) {
  Json out = Json::array();
  for (int code : set.Codes()) out.push_back(CodeJson(list, code));
  return out;
}

// Free text shown to a role that does not see personal data: ID- and mobile-shaped
// numbers inside it are masked (MaskPersonalNumbers).
std::string Shown(const std::string& text, bool masked) {
  return masked ? MaskPersonalNumbers(text) : text;
}

}  // namespace

Json SummaryJson(const RegionSummary& s) {
  Json by_status = Json::object(), by_cause = Json::object(), by_type = Json::object();
  for (const auto& [label, n] : s.by_status) by_status[label] = n;
  for (const auto& [label, n] : s.by_main_cause) by_cause[label] = n;
  for (const auto& [label, n] : s.by_monitor_type) by_type[label] = n;
  return Json{{"region_code", s.region.ToString()},
              {"region_name", s.name},
              {"households", s.households},
              {"persons", s.persons},
              {"by_status", by_status},
              {"by_main_cause", by_cause},
              {"monitored_households", s.monitored_households},
              {"registered_households", s.registered_households},
              {"ordinary_households", s.ordinary_households},
              {"poor_persons", s.poor_persons},
              {"by_monitor_type", by_type}};
}

Json IssueJson(const ImportIssue& i, Lang lang) {
  return Json{{"file", i.file},   {"line", i.line}, {"column", i.column},
              {"value", i.value}, {"code", i.code}, {"message", lang == Lang::kEn ? i.en : i.zh}};
}

Json ImportReportJson(const ImportReport& r, Lang lang, bool dry_run) {
  Json errors = Json::array(), warnings = Json::array();
  for (const auto& e : r.errors) errors.push_back(IssueJson(e, lang));
  for (const auto& w : r.warnings) warnings.push_back(IssueJson(w, lang));
  Json out{{"households_created", r.households_created},
           {"households_updated", r.households_updated},
           {"households_unchanged", r.households_unchanged},
           {"members", r.members},
           {"rejected_households", r.rejected_households},
           {"errors", errors},
           {"warnings", warnings}};
  if (r.errors_not_listed) out["errors_not_listed"] = r.errors_not_listed;
  out["dry_run"] = dry_run;
  out["batch_id"] = r.batch_id;
  return out;
}

Json ExitResultsJson(const std::vector<ExitResult>& results) {
  Json out = Json::array();
  for (const auto& r : results) {
    Json failed = Json::array();
    for (const auto& f : r.failed) failed.push_back(std::string(CriterionKey(f.criterion)));
    Json item{{"household_code", r.household_code},
              {"village_code", r.village.ToString()},
              {"per_capita_income", r.per_capita_income.ToString()},
              {"meets", r.meets},
              {"failed", failed}};
    if (r.earlier_year_line) item["warnings"] = Warnings(true);
    out.push_back(std::move(item));
  }
  return out;
}

namespace {

// Appends `text` as a JSON string, as Json::dump() writes it: plain printable ASCII as it
// is, anything else through the library.
void AppendString(std::string& out, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  if (plain) {
    out += '"';
    out += text;
    out += '"';
  } else {
    out += Json(std::string(text)).dump();
  }
}

// Writes into `out`, handing it to `flush` (which empties it) whenever it grows past
// `chunk` bytes, and at the end.
template <typename Flush>
void ExitResultsChunks(const std::vector<ExitResult>& results, std::string& out, size_t chunk,
                       Flush flush) {
  out += '[';
  for (size_t i = 0; i < results.size(); ++i) {
    if (out.size() > chunk) flush(out);
    const ExitResult& r = results[i];
    if (i) out += ',';
    out += "{\"household_code\":";
    AppendString(out, r.household_code);
    out += ",\"village_code\":";
    AppendString(out, r.village.ToString());
    out += ",\"per_capita_income\":";
    AppendString(out, r.per_capita_income.ToString());
    out += r.meets ? ",\"meets\":true,\"failed\":[" : ",\"meets\":false,\"failed\":[";
    for (size_t j = 0; j < r.failed.size(); ++j) {
      if (j) out += ',';
      AppendString(out, CriterionKey(r.failed[j].criterion));
    }
    out += ']';
    if (r.earlier_year_line) out += ",\"warnings\":[\"W_POLICY_YEAR\"]";
    out += '}';
  }
  out += ']';
  flush(out);
}

template <typename Flush>
void MonitorResultsChunks(const std::vector<MonitorResult>& results, std::string& out, size_t chunk,
                          Flush flush) {
  out += '[';
  for (size_t i = 0; i < results.size(); ++i) {
    if (out.size() > chunk) flush(out);
    const MonitorResult& r = results[i];
    if (i) out += ',';
    out += "{\"household_code\":";
    AppendString(out, r.household_code);
    out += ",\"type\":";
    out += std::to_string(r.decision.type);
    out += ",\"rules\":[";
    for (size_t j = 0; j < r.decision.rules.size(); ++j) {
      if (j) out += ',';
      AppendString(out, r.decision.rules[j]);
    }
    out += "],\"risk_types\":[";
    bool first = true;
    for (int code : r.decision.risk_types.Codes()) {
      if (!first) out += ',';
      first = false;
      AppendString(out, CodeText(CodeList::kRiskType, code));
    }
    out += "],\"per_capita_income\":";
    AppendString(out, r.decision.per_capita_income.ToString());
    out += ",\"village_code\":";
    AppendString(out, r.village.ToString());
    if (r.earlier_year_line) out += ",\"warnings\":[\"W_POLICY_YEAR\"]";
    out += '}';
  }
  out += ']';
  flush(out);
}

constexpr size_t kChunk = 1 << 20;

void Write(std::ostream& stream, std::string& out) {
  stream.write(out.data(), static_cast<std::streamsize>(out.size()));
  out.clear();
}

}  // namespace

std::string ExitResultsText(const std::vector<ExitResult>& results) {
  std::string out;
  out.reserve(results.size() * 128 + 2);
  ExitResultsChunks(results, out, SIZE_MAX, [](std::string&) {});
  return out;
}

std::string MonitorResultsText(const std::vector<MonitorResult>& results) {
  std::string out;
  out.reserve(results.size() * 160 + 2);
  MonitorResultsChunks(results, out, SIZE_MAX, [](std::string&) {});
  return out;
}

void WriteExitResultsJson(const std::vector<ExitResult>& results, std::ostream& stream) {
  std::string out;
  out.reserve(kChunk + 4096);
  ExitResultsChunks(results, out, kChunk, [&](std::string& text) { Write(stream, text); });
}

void WriteMonitorResultsJson(const std::vector<MonitorResult>& results, std::ostream& stream) {
  std::string out;
  out.reserve(kChunk + 4096);
  MonitorResultsChunks(results, out, kChunk, [&](std::string& text) { Write(stream, text); });
}

Json MonitorResultsJson(const std::vector<MonitorResult>& results) {
  Json out = Json::array();
  for (const auto& r : results) {
    Json risks = Json::array();
    for (int code : r.decision.risk_types.Codes()) {
      risks.push_back(std::string(CodeText(CodeList::kRiskType, code)));
    }
    Json item{{"household_code", r.household_code},
              {"type", r.decision.type},
              {"rules", r.decision.rules},
              {"risk_types", risks},
              {"per_capita_income", r.decision.per_capita_income.ToString()},
              {"village_code", r.village.ToString()}};
    if (r.earlier_year_line) item["warnings"] = Warnings(true);
    out.push_back(std::move(item));
  }
  return out;
}

Json RegionResultsJson(const std::vector<RegionResult>& results, bool county) {
  Json out = Json::array();
  for (const auto& r : results) {
    const auto& d = r.decision;
    Json item{{"region_code", r.code.ToString()},
              {"poor_persons", d.incidence.poor_persons},
              {"rural_population", OptionalInt(d.incidence.rural_population)},
              {"incidence", d.incidence.incidence ? Json(*d.incidence.incidence) : Json(nullptr)},
              {"meets", d.meets ? Json(*d.meets) : Json(nullptr)},
              {"max_incidence", d.incidence.max_incidence.ToString()},
              {"name", r.name},
              {"failed", d.failed}};
    if (county) {
      item["assessment"] = d.assessment
                               ? Json{{"wrong_exit_rate", d.assessment->wrong_exit_rate.ToString()},
                                      {"missed_rate", d.assessment->missed_rate.ToString()},
                                      {"satisfaction", d.assessment->satisfaction.ToString()}}
                               : Json(nullptr);
    }
    out.push_back(std::move(item));
  }
  return out;
}

// 扶贫小额信贷 microcredit: the [microcredit] keys in force for `year`.
static Json MicrocreditPolicyJson(const Policy& p, int year) {
  const auto& mc = p.microcredit;
  auto share = p.SubsidyShare(year);
  auto end_of_year = Date::FromYmd(year, 12, 31);
  Json cap = nullptr;
  if (end_of_year.ok()) {
    auto it = mc.rate_cap.upper_bound(*end_of_year);
    if (it != mc.rate_cap.begin()) {
      --it;
      cap = {{"since", it->first.ToString()},
             {"short", it->second.short_term.ToString()},
             {"long", it->second.long_term.ToString()}};
    }
  }
  return {
      {"max_amount", mc.max_amount.ToString()},
      {"max_term_months", mc.max_term_months},
      {"borrower_age", {mc.borrower_age_min, mc.borrower_age_max}},
      {"eligible_monitor_types", mc.eligible_monitor_types},
      {"overdue_compensation_days", mc.overdue_compensation_days},
      {"risk_fund_share", mc.risk_fund_share.ToString()},
      {"compensation_base", mc.compensation_with_interest ? "principal_and_interest" : "principal"},
      {"subsidy_share", share.ok() ? Json(share->ToString()) : Json(nullptr)},
      {"rate_cap", cap}};
}

Json PolicyJson(const Policy& p, RegionCode region, int year) {
  auto poverty = p.PovertyLine(year);
  auto monitoring = p.MonitoringLine(year);
  Json grades = Json::array();
  for (int g : p.exit.safe_housing_grades) {
    grades.push_back(std::string(CodeLabel(CodeList::kHousingGrade, g)));
  }
  return Json{{"region_code", region.ToString()},
              {"year", year},
              {"west", p.IsWest(region)},
              {"poverty_line", YearlyJson(poverty)},
              {"monitoring_line", YearlyJson(monitoring)},
              {"exit",
               {{"school_age", {p.exit.school_age_min, p.exit.school_age_max}},
                {"safe_housing_grades", grades},
                {"notice_days", p.exit.notice_days}}},
              {"village_exit",
               {{"max_incidence", p.village_exit.max_incidence.ToString()},
                {"max_incidence_west", p.village_exit.max_incidence_west.ToString()}}},
              {"county_exit",
               {{"max_incidence", p.county_exit.max_incidence.ToString()},
                {"max_incidence_west", p.county_exit.max_incidence_west.ToString()},
                {"max_wrong_exit_rate", p.county_exit.max_wrong_exit_rate.ToString()},
                {"max_missed_rate", p.county_exit.max_missed_rate.ToString()},
                {"min_satisfaction", p.county_exit.min_satisfaction.ToString()}}},
              {"monitoring",
               {{"rigid_expense_ratio", p.monitoring.rigid_expense_ratio.ToString()},
                {"medical_alert_registered", p.monitoring.medical_alert_registered.ToString()},
                {"medical_alert_other", p.monitoring.medical_alert_other.ToString()},
                {"min_months_before_elimination", p.monitoring.min_months_before_elimination},
                {"notice_days", p.monitoring.notice_days}}},
              {"procedures",
               {{"identify_until", p.procedures.identify_until},
                {"return_until", p.procedures.return_until},
                {"identify_notice_days", p.procedures.identify_notice_days},
                {"remove_notice_days", p.procedures.remove_notice_days},
                {"monitor_max_days", p.procedures.monitor_max_days},
                {"monitor_working_days", p.procedures.monitor_working_days},
                {"require_evidence", p.procedures.require_evidence}}},
              {"compare", {{"vehicle_price", p.compare.vehicle_price.ToString()}}},
              {"funds", {{"min_spending_ratio", p.funds.min_spending_ratio.ToString()}}},
              // 12317 complaints
              {"complaints",
               {{"answer_days", p.complaints.answer_days},
                {"answer_working_days", p.complaints.answer_working_days}}},
              // Project library (扶贫项目库)
              {"projects", {{"notice_days", p.projects.notice_days}}},
              // 扶贫小额信贷 microcredit: the share of `year` and the cap in force at its end
              {"microcredit", MicrocreditPolicyJson(p, year)},
              {"warnings", Warnings((poverty.ok() && poverty->earlier) ||
                                    (monitoring.ok() && monitoring->earlier))}};
}

Json HouseholdJson(const Household& h, int64_t version, int64_t member_count, bool masked) {
  Json out{{"household_code", h.household_code},
           {"village_code", h.village_code.ToString()},
           {"village_group",  // 村民小组; null when none
            h.village_group.empty() ? Json(nullptr) : Json(Shown(h.village_group, masked))},
           {"household_kind", h.kind},
           {"poverty_status", CodeJson(CodeList::kPovertyStatus, h.poverty_status)},
           {"registered_year", h.registered_year ? Json(h.registered_year) : Json(nullptr)},
           {"exit_year", h.exit_year ? Json(h.exit_year) : Json(nullptr)},
           {"attribute", h.attribute},
           {"main_cause", CodeJson(CodeList::kCause, h.main_cause)},
           {"other_causes", CodeSetJson(CodeList::kCause, h.other_causes)},
           {"size", member_count},
           {"wage_income", h.wage_income.ToString()},
           {"business_income", h.business_income.ToString()},
           {"business_cost", h.business_cost.ToString()},
           {"property_income", h.property_income.ToString()},
           {"transfer_income", h.transfer_income.ToString()},
           {"medical_out_of_pocket", h.medical_out_of_pocket.ToString()},
           {"education_cost", h.education_cost.ToString()},
           {"disaster_loss", h.disaster_loss.ToString()},
           {"food_secure", h.food_secure},
           {"clothing_secure", h.clothing_secure},
           {"housing_grade", CodeJson(CodeList::kHousingGrade, h.housing_grade)},
           {"renovation", h.renovation},
           {"relocation", h.relocation},
           {"water_safe", h.water_safe},
           {"monitor_type", h.monitor_type},
           {"monitor_status", h.monitor_status},
           {"monitor_since", h.monitor_since ? Json(h.monitor_since->ToString()) : Json(nullptr)},
           {"risk_types", CodeSetJson(CodeList::kRiskType, h.risk_types)},
           {"phone", h.phone.empty() ? Json(nullptr) : Json(masked ? MaskPhone(h.phone) : h.phone)},
           {"net_income", h.NetIncome().ToString()},
           {"per_capita_income",
            IncomeFigures{h.NetIncome(), h.RigidExpenses(), member_count}.PerCapita().ToString()},
           {"version", version}};
  if (!h.members.empty()) {
    Json members = Json::array();
    for (const auto& m : h.members) {
      members.push_back(Json{
          {"name", Shown(m.name, masked)},
          {"id_type", m.id_type},
          {"id_number", masked ? MaskIdNumber(m.id_number) : m.id_number},
          {"relation", CodeJson(CodeList::kRelation, m.relation)},
          {"sex", CodeJson(CodeList::kSex, m.sex)},
          {"birth_date", m.birth_date ? Json(m.birth_date->ToString()) : Json(nullptr)},
          {"ethnicity", m.ethnicity.empty() ? Json(nullptr) : Json(Shown(m.ethnicity, masked))},
          {"education", CodeJson(CodeList::kEducation, m.education)},
          {"school_status", CodeJson(CodeList::kSchoolStatus, m.school_status)},
          {"health", CodeSetJson(CodeList::kHealth, m.health)},
          {"disability_grade", CodeJson(CodeList::kDisabilityGrade, m.disability_grade)},
          {"labor", CodeJson(CodeList::kLabor, m.labor)},
          {"months_worked", m.months_worked == kNone ? Json(nullptr) : Json(m.months_worked)},
          {"resident_medical_insurance", m.resident_medical_insurance},
          {"employee_medical_insurance", m.employee_medical_insurance},
          {"pension_insurance", m.pension_insurance},
          {"dibao", m.dibao},
          {"tekun", m.tekun}});
    }
    out["members"] = std::move(members);
  }
  return out;
}

Json HistoryJson(const std::vector<HistoryEntry>& history, bool masked) {
  Json out = Json::array();
  for (const auto& e : history) {
    std::string old_value = e.old_value, new_value = e.new_value;
    // Member keys and values carry ID numbers: masked for roles that do not see them.
    std::string field = e.field;
    if (masked) {
      old_value = MaskPersonalNumbers(old_value);
      new_value = MaskPersonalNumbers(new_value);
      field = MaskPersonalNumbers(field);
      if (e.field == "phone") {
        old_value = MaskPhone(old_value);
        new_value = MaskPhone(new_value);
      }
    }
    out.push_back(Json{{"at", e.at},
                       {"actor", e.actor},
                       {"source", Shown(e.source, masked)},
                       {"field", field},
                       {"old", old_value},
                       {"new", new_value}});
  }
  return out;
}

Json FindingJson(const FindingRow& f, bool masked) {
  Json out{{"id", f.id},
           {"rule", f.rule},
           {"household_code", f.household_code},
           {"id_number", masked ? MaskIdNumber(f.id_number) : f.id_number},
           {"name", Shown(f.name, masked)},
           {"village_code", RegionCode::FromInt(f.village_code).ToString()},
           {"detail", Shown(f.detail, masked)}};
  if (!f.row.empty()) {
    Json row = Json::parse(f.row, nullptr, false);
    if (masked && row.is_object()) {
      // The list's own columns and any extra one: whatever looks like an ID number or a
      // mobile number is masked, whatever the department called the column.
      // Numbers inside longer text (备注=身份证620422…) are masked as well.
      for (auto it = row.begin(); it != row.end(); ++it) {
        if (!it.value().is_string()) continue;
        const std::string v = it.value().get<std::string>();
        const bool digits = !v.empty() && v.find_first_not_of("0123456789Xx") == std::string::npos;
        if (digits && (v.size() == 15 || v.size() == 18)) {
          it.value() = MaskIdNumber(v);
        } else if (digits && v.size() == 11 && v[0] == '1') {
          it.value() = MaskPhone(v);
        } else {
          it.value() = MaskPersonalNumbers(v);
        }
      }
    }
    out["row"] = row.is_discarded() ? Json(nullptr) : row;
  } else {
    out["row"] = nullptr;
  }
  out["list_id"] = f.list_id ? Json(f.list_id) : Json(nullptr);
  out["status"] = f.status;
  out["reason"] = Shown(f.reason, masked);
  out["decided_by"] = f.decided_by;
  out["decided_at"] = f.decided_at;
  out["created_at"] = f.created_at;
  return out;
}

Json DepartmentListJson(const DepartmentListRow& l) {
  return Json{{"id", l.id},
              {"kind", l.kind},
              {"as_of", l.as_of},
              {"region_code", RegionCode::FromInt(l.region_code).ToString()},
              {"uploaded_by", l.uploaded_by},
              {"uploaded_at", l.uploaded_at},
              {"file_name", l.file_name},
              {"checksum", l.checksum},
              {"rows", l.rows},
              {"matched", l.matched},
              {"errors", l.errors},
              {"findings", l.findings},
              {"known", l.known}};
}

namespace {

// The report without its findings (an empty array in their place).
Json CompareReportHead(const CompareReport& r, Lang lang, bool masked) {
  Json errors = Json::array();
  for (const auto& e : r.errors) {
    if (!masked) {
      errors.push_back(IssueJson(e, lang));
      continue;
    }
    ImportIssue shown = e;
    shown.value = MaskPersonalNumbers(e.value);
    shown.zh = MaskPersonalNumbers(e.zh);
    shown.en = MaskPersonalNumbers(e.en);
    errors.push_back(IssueJson(shown, lang));
  }
  Json out{{"kind", r.kind}, {"rows", r.rows}, {"matched", r.matched}, {"errors", errors}};
  if (r.errors_not_listed) out["errors_not_listed"] = r.errors_not_listed;
  out["known"] = r.known;
  out["findings"] = Json::array();
  if (r.kind != "quality") {
    out["list_id"] = r.list.id;
    out["as_of"] = r.list.as_of;
    out["region_code"] = RegionCode::FromInt(r.list.region_code).ToString();
    out["checksum"] = r.list.checksum;
    out["previous"] = r.previous ? Json{{"list_id", r.previous->list_id},
                                        {"as_of", r.previous->as_of},
                                        {"added", r.previous->added},
                                        {"removed", r.previous->removed}}
                                 : Json(nullptr);
  }
  return out;
}

}  // namespace

Json CompareReportJson(const CompareReport& r, Lang lang, bool masked) {
  return Json::parse(CompareReportText(r, lang, masked));
}

std::string CompareReportText(const CompareReport& r, Lang lang, bool masked) {
  std::string out;
  out.reserve(r.findings.size() * 200 + 512);
  WriteCompareReport(r, lang, masked, [&](std::string_view piece) { out.append(piece); });
  return out;
}

namespace {

// std::to_string(v), appended without a string of its own.
void AppendInteger(std::string& out, int64_t v) {
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, v).ptr;
  out.append(text, end);
}

// RegionCode::ToString() (12 digits, zeros first), appended without a string of its own.
void AppendRegionCode(std::string& out, int64_t code) {
  if (code < 0 || code > 999'999'999'999) {
    out += RegionCode::FromInt(code).ToString();
    return;
  }
  char text[12];
  auto v = static_cast<uint64_t>(code);
  for (int i = 11; i >= 0; --i) {
    text[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(text, sizeof text);
}

}  // namespace

void WriteCompareReport(const CompareReport& r, Lang lang, bool masked,
                        const std::function<void(std::string_view)>& write) {
  const std::string head = CompareReportHead(r, lang, masked).dump();
  constexpr std::string_view kSlot = "\"findings\":[]";
  const size_t at = head.find(kSlot) + kSlot.size() - 1;  // just before the ']'
  // compare.md's keys first, then the ones fupin adds. Written by hand, in place: a list
  // can raise millions of findings, and a JSON tree of them would cost more than the
  // comparison.
  std::string out;
  out.reserve(kReportPieceBytes + 4096);
  out.append(head, 0, at);
  // Read in place from the compact findings: no FindingRow is made.
  const FindingBatch& f = r.findings;
  for (size_t i = 0; i < f.size(); ++i) {
    if (i) out.push_back(',');
    out += "{\"rule\":";
    AppendJsonString(out, f.rule(i));
    out += ",\"household_code\":";
    AppendJsonString(out, f.household_code(i));
    out += ",\"id_number\":";
    if (masked) {
      AppendJsonString(out, MaskIdNumber(f.id_number(i)));
    } else {
      AppendJsonString(out, f.id_number(i));
    }
    out += ",\"detail\":";
    if (masked) {
      AppendJsonString(out, MaskPersonalNumbers(f.detail(i)));
    } else {
      AppendJsonString(out, f.detail(i));
    }
    out += ",\"id\":";
    AppendInteger(out, f.id(i));
    out += ",\"name\":";
    if (masked) {
      AppendJsonString(out, MaskPersonalNumbers(f.name(i)));
    } else {
      AppendJsonString(out, f.name(i));
    }
    out += ",\"village_code\":\"";
    AppendRegionCode(out, f.village_code(i));
    out += "\"}";
    if (out.size() >= kReportPieceBytes) {
      write(out);
      out.clear();
    }
  }
  out.append(head, at, std::string::npos);
  write(out);
}

Json FindingCountsJson(const std::vector<FindingCount>& counts) {
  Json out = Json::array();
  for (const auto& c : counts) {
    out.push_back(Json{{"rule", c.rule},
                       {"village_code", RegionCode::FromInt(c.village_code).ToString()},
                       {"open", c.open},
                       {"confirmed", c.confirmed},
                       {"dismissed", c.dismissed}});
  }
  return out;
}

}  // namespace fupin
