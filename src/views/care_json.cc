#include "views/care_json.h"

#include "common/id_number.h"
#include "common/money.h"
#include "domain/codes.h"
#include "views/case_json.h"
#include "views/json_views.h"

namespace fupin {
namespace {

std::string Shown(const std::string& text, bool masked) {
  return masked ? MaskPersonalNumbers(text) : text;
}

Json DateOrNull(const std::string& date) { return date.empty() ? Json(nullptr) : Json(date); }

}  // namespace

Json MeasureJson(const MeasureRow& m, bool masked) {
  return Json{
      {"id", m.id},
      {"household_code", m.household_code},
      {"category", std::string(CodeText(CodeList::kMeasureCategory, m.category))},
      {"category_label", std::string(CodeLabel(CodeList::kMeasureCategory, m.category))},
      {"date", m.date},
      {"amount", m.amount_fen ? Json(Money::FromFen(*m.amount_fen).ToString()) : Json(nullptr)},
      {"description", Shown(m.description, masked)},
      {"recorded_by", m.recorded_by},
      {"recorded_at", m.recorded_at}};
}

Json AttachmentJson(const AttachmentRow& a) {
  return Json{{"id", a.id},
              {"file_name", a.file_name},
              {"media_type", a.media_type},
              {"size", a.size},
              {"sha256", a.sha256}};
}

Json VisitJson(const VisitView& view, bool masked) {
  const VisitRow& v = view.visit;
  Json attachments = Json::array();
  for (const auto& a : view.attachments) attachments.push_back(AttachmentJson(a));
  return Json{{"id", v.id},
              {"household_code", v.household_code},
              {"date", v.date},
              {"helper_id", v.helper_id ? Json(*v.helper_id) : Json(nullptr)},
              {"visitor", v.visitor},
              {"findings", Shown(v.findings, masked)},
              {"recorded_at", v.recorded_at},
              {"attachments", attachments}};
}

Json TimelineJson(const std::vector<TimelineItem>& items, bool masked) {
  Json out = Json::array();
  for (const auto& item : items) {
    Json j{{"type", ""}, {"date", item.date}, {"at", item.recorded_at}};
    if (const auto* h = std::get_if<HistoryGroup>(&item.event)) {
      j["type"] = "history";
      j["actor"] = h->actor;
      Json changes = Json::array();
      const Json history = HistoryJson(h->changes, masked);
      for (const auto& c : history) {
        if (j.find("source") == j.end()) j["source"] = c["source"];
        changes.push_back(Json{{"field", c["field"]}, {"old", c["old"]}, {"new", c["new"]}});
      }
      j["changes"] = changes;
    } else if (const auto* m = std::get_if<MeasureRow>(&item.event)) {
      j["type"] = "measure";
      const Json fields = MeasureJson(*m, masked);  // kept alive through the loop
      for (const auto& [key, value] : fields.items()) {
        if (!j.contains(key)) j[key] = value;
      }
    } else if (const auto* v = std::get_if<VisitView>(&item.event)) {
      j["type"] = "visit";
      const Json fields = VisitJson(*v, masked);
      for (const auto& [key, value] : fields.items()) {
        if (!j.contains(key)) j[key] = value;
      }
    } else if (const auto* c = std::get_if<StoredCase>(&item.event)) {
      j["type"] = "case";
      Json fields = CaseJson(CaseView{*c, false});
      fields.erase("steps");
      j["case"] = std::move(fields);
    }
    out.push_back(std::move(j));
  }
  return out;
}

Json StaleMonitoredJson(const StaleMonitoredPage& page) {
  Json items = Json::array();
  for (const auto& h : page.items) {
    items.push_back(Json{{"household_code", h.household_code},
                         {"village_code", RegionCode::FromInt(h.village_code).ToString()},
                         {"monitor_since", DateOrNull(h.monitor_since)},
                         {"latest_measure_date", DateOrNull(h.latest_measure_date)}});
  }
  return Json{{"total", page.total}, {"items", items}};
}

}  // namespace fupin
