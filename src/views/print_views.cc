#include "views/print_views.h"

#include "domain/codes.h"

namespace fupin {
namespace {

// A4 portrait, 15 mm margins, CJK serif from the machine's fonts; tables with rules.
constexpr const char* kStyle = R"css(
@page { size: A4 portrait; margin: 15mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif; color: #000;
       font-size: 11pt; line-height: 1.5; margin: 0 auto; max-width: 180mm; padding: 8mm 0; }
h1 { font-size: 18pt; text-align: center; letter-spacing: 0.2em; margin: 0 0 4mm; }
h2 { font-size: 12.5pt; margin: 5mm 0 2mm; border-bottom: 1px solid #000; }
p.meta { text-align: center; margin: 0 0 4mm; }
table { width: 100%; border-collapse: collapse; margin: 0 0 2mm; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #000; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: bold; }
td.num { text-align: right; }
.hotline { border: 2px solid #000; padding: 2mm 4mm; margin: 5mm 0 0; font-size: 12pt; }
.sign { margin-top: 8mm; text-align: right; }
@media screen { body { padding: 10mm; } }
@media print { .noprint { display: none; } }
)css";

std::string Page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" +
         HtmlEscape(title) + "</title><style>" + kStyle + "</style></head><body>" + body +
         "</body></html>\n";
}

std::string Cell(std::string_view text, const char* cls = nullptr) {
  std::string out = cls ? std::string("<td class=\"") + cls + "\">" : std::string("<td>");
  return out + HtmlEscape(text) + "</td>";
}

// "—" for an empty value (a household without 村民小组).
std::string Dash(const std::string& text) { return text.empty() ? "—" : text; }

std::string Row(std::initializer_list<std::string> cells) {
  std::string out = "<tr>";
  for (const std::string& c : cells) out += c;
  return out + "</tr>";
}

std::string Head(std::initializer_list<const char*> names) {
  std::string out = "<tr>";
  for (const char* n : names) out += std::string("<th>") + n + "</th>";
  return out + "</tr>";
}

std::string Label(CodeList list, int code) {
  const std::string_view label = CodeLabel(list, code);
  return label.empty() ? "" : std::string(label);
}

std::string TeamRole(const std::string& role) {
  if (role == "first_secretary") return "第一书记";
  if (role == "leader") return "工作队队长";
  return "工作队队员";
}

const char* Hotline() {
  return "<div class=\"hotline\">如对帮扶政策、帮扶措施有疑问或意见，请拨打全国扶贫监督举报电话 "
         "<b>12317</b>，或向村委会、乡镇人民政府反映。</div>";
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string PolicyCardHtml(const PolicyCard& card) {
  const Household& h = card.household;
  const std::string head_name = h.Head() ? h.Head()->name : "";
  std::string b = "<h1>扶贫政策明白卡</h1><p class=\"meta\">" + HtmlEscape(card.county_name) + " " +
                  HtmlEscape(card.township_name) + " " + HtmlEscape(card.village_name) +
                  (h.village_group.empty() ? "" : " " + HtmlEscape(h.village_group)) + "　户编号 " +
                  HtmlEscape(h.household_code) + "</p>";
  b += "<h2>家庭基本情况</h2><table>";
  b += Row({"<th>户主</th>", Cell(head_name), "<th>家庭人口</th>",
            Cell(std::to_string(h.members.size()) + " 人")});
  std::string status = Label(CodeList::kHouseholdKind, h.kind);
  if (h.poverty_status != kNone) status += "，" + Label(CodeList::kPovertyStatus, h.poverty_status);
  if (h.monitor_status > 0) status += "，" + Label(CodeList::kMonitorStatus, h.monitor_status);
  b += Row({"<th>户类型及状态</th>", Cell(status), "<th>人均纯收入</th>",
            Cell(h.PerCapitaIncome().ToString() + " 元", "num")});
  b += Row({"<th>联系电话</th>", Cell(h.phone.empty() ? "—" : h.phone), "<th>识别 / 脱贫年度</th>",
            Cell((h.registered_year ? std::to_string(h.registered_year) : std::string("—")) +
                 " / " + (h.exit_year ? std::to_string(h.exit_year) : std::string("—")))});
  b += "</table><h2>家庭成员</h2><table>" + Head({"姓名", "与户主关系", "证件号码（部分隐藏）"});
  for (const Member& m : h.members) {
    b += Row({Cell(m.name), Cell(Label(CodeList::kRelation, m.relation)), Cell(m.id_number)});
  }
  b += "</table><h2>帮扶责任人</h2><table>" + Head({"姓名", "工作单位", "联系电话"});
  if (card.helpers.empty()) b += "<tr><td colspan=\"3\">暂未确定</td></tr>";
  for (const HelperRow& p : card.helpers) {
    b += Row({Cell(p.name), Cell(p.work_unit), Cell(p.phone)});
  }
  if (!card.team.empty()) {
    b += "</table><h2>驻村工作队</h2><table>" + Head({"职务", "姓名", "工作单位", "联系电话"});
    for (const WorkTeamMemberRow& t : card.team) {
      b += Row({Cell(TeamRole(t.role)), Cell(t.name), Cell(t.work_unit), Cell(t.phone)});
    }
  }
  b += "</table><h2>享受的政策</h2><table>" + Head({"政策", "情况"});
  if (card.policies.empty()) b += "<tr><td colspan=\"2\">—</td></tr>";
  for (const auto& [name, detail] : card.policies) b += Row({Cell(name), Cell(detail)});
  b += "</table><h2>帮扶措施</h2><table>" + Head({"日期", "类别", "金额（元）", "内容"});
  if (card.measures.empty()) b += "<tr><td colspan=\"4\">—</td></tr>";
  for (const MeasureRow& m : card.measures) {
    const std::string amount = m.amount_fen ? Money::FromFen(*m.amount_fen).ToString() : "—";
    b += Row({Cell(m.date), Cell(Label(CodeList::kMeasureCategory, m.category)),
              Cell(amount, "num"), Cell(m.description)});
  }
  b += "</table>";
  b += Hotline();
  b += "<p class=\"sign\">户主签字：____________　　打印日期：" + HtmlEscape(card.printed_on) +
       "</p>";
  return Page("扶贫政策明白卡 " + h.household_code, b);
}

std::string NoticeHtml(const NoticeSheet& s) {
  const std::string kind(ProcedureKindLabel(s.kind));
  const std::string place = s.county_name + s.township_name + s.village_name;
  std::string b = "<h1>" + HtmlEscape(place) + HtmlEscape(kind) + "公示公告</h1>";
  b += "<p class=\"meta\">" + std::to_string(s.year) + " 年</p>";
  b += "<h2>公示（" + HtmlEscape(kind) + "）</h2>";
  if (s.running.empty()) {
    b += "<p>目前没有正在公示的农户。</p>";
  } else {
    b += "<p>经村民代表会议民主评议，下列农户" + HtmlEscape(s.running.front().decision) +
         "，现予公示。公示期间如有异议，请向村委会或乡镇人民政府反映，也可拨打监督举报电话 "
         "12317。</p>";
    b += "<table>" +
         Head({"序号", "户主姓名", "村民小组", "家庭人口", "事项", "公示开始", "公示截止"});
    int n = 0;
    for (const NoticeLine& l : s.running) {
      b += Row({Cell(std::to_string(++n), "num"), Cell(l.head_name), Cell(Dash(l.village_group)),
                Cell(std::to_string(l.size) + " 人", "num"), Cell(l.decision), Cell(l.start),
                Cell(l.closes_on)});
    }
    b += "</table>";
  }
  b += "<h2>公告（县级审定结果）</h2>";
  if (s.decided.empty()) {
    b += "<p>本年度尚无县级审定结果。</p>";
  } else {
    b += "<table>" + Head({"序号", "户主姓名", "村民小组", "家庭人口", "审定结果", "审定日期"});
    int n = 0;
    for (const NoticeLine& l : s.decided) {
      b += Row({Cell(std::to_string(++n), "num"), Cell(l.head_name), Cell(Dash(l.village_group)),
                Cell(std::to_string(l.size) + " 人", "num"), Cell(l.decision), Cell(l.start)});
    }
    b += "</table>";
  }
  b += "<p>监督举报电话：12317　　异议受理：" + HtmlEscape(s.village_name) + "村民委员会、" +
       HtmlEscape(s.township_name) + "人民政府</p>";
  b += "<p class=\"sign\">" + HtmlEscape(s.village_name) + "村民委员会<br>" +
       HtmlEscape(s.printed_on) + "</p>";
  return Page(place + kind + "公示公告", b);
}

}  // namespace fupin
