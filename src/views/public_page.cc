#include "views/public_page.h"

#include <set>

#include "common/money.h"
#include "views/print_views.h"

namespace fupin {
namespace {

// Mobile first (one column, tables that scroll sideways), readable on paper (A4, the form
// and the links left out).
constexpr const char* kStyle = R"css(
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       sans-serif; color: #111; background: #fff; margin: 0 auto; max-width: 60rem;
       padding: 0.75rem; font-size: 1rem; line-height: 1.6; }
header { border-bottom: 3px solid #b22; margin-bottom: 0.75rem; }
h1 { font-size: 1.35rem; margin: 0.25rem 0; color: #b22; }
h2 { font-size: 1.1rem; margin: 1.25rem 0 0.4rem; border-left: 4px solid #b22;
     padding-left: 0.5rem; }
p.meta, p.note { color: #444; margin: 0.25rem 0; font-size: 0.9rem; }
.scroll { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: 0.92rem; }
th, td { border: 1px solid #999; padding: 0.3rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #f3e6e6; white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; }
p.empty { color: #555; }
nav a, a.button { margin-right: 1rem; }
form { border: 1px solid #b22; padding: 0.75rem; margin-top: 0.5rem; background: #fffaf8; }
label { display: block; margin: 0.4rem 0 0.1rem; font-weight: bold; }
input, select, textarea { width: 100%; font: inherit; padding: 0.35rem; border: 1px solid #888; }
textarea { min-height: 6rem; }
button { margin-top: 0.6rem; font: inherit; padding: 0.45rem 1.4rem; background: #b22;
         color: #fff; border: 0; }
.box { border: 2px solid #b22; padding: 0.6rem 0.8rem; margin: 0.75rem 0; }
.qr { text-align: center; margin: 1rem 0; }
.qr svg { width: 45mm; height: 45mm; }
footer { margin-top: 1.5rem; border-top: 1px solid #ccc; font-size: 0.85rem; color: #444; }
@media print {
  @page { size: A4 portrait; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .noprint, form, nav { display: none; }
  th { background: #eee; }
}
)css";

std::string E(std::string_view text) { return HtmlEscape(text); }

std::string Page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<meta name=\"robots\" content=\"noindex\"><title>" +
         E(title) + "</title><style>" + kStyle + "</style></head><body>" + body +
         "</body></html>\n";
}

std::string Place(const PublicVillagePage& p) {
  return p.county_name + p.township_name + p.village_name;
}

std::string Header(const PublicVillagePage& p, const std::string& what) {
  return "<header><h1>" + E(Place(p)) + E(what) + "</h1><p class=\"meta\">村代码 " +
         E(p.village_code) + "　·　" + E(p.today) + "</p></header>";
}

std::string Cell(std::string_view text, bool num = false) {
  return (num ? "<td class=\"num\">" : "<td>") + E(text) + "</td>";
}

std::string Yuan(const std::optional<int64_t>& fen) {
  return fen ? Money::FromFen(*fen).ToString() : "—";
}

std::string Dash(const std::string& text) { return text.empty() ? "—" : text; }

std::string Size(int64_t size) { return size > 0 ? std::to_string(size) + " 人" : "—"; }

std::string Table(std::initializer_list<const char*> heads, const std::string& rows) {
  std::string out = "<div class=\"scroll\"><table><thead><tr>";
  for (const char* h : heads) out += std::string("<th>") + h + "</th>";
  return out + "</tr></thead><tbody>" + rows + "</tbody></table></div>";
}

std::string NoticeRows(const std::vector<PublicNoticeItem>& items) {
  std::string rows;
  for (const PublicNoticeItem& i : items) {
    rows += "<tr>" + Cell(i.name) + Cell(Dash(i.group)) + Cell(Size(i.size), true) +
            Cell(i.category) + Cell(i.decision) + Cell(i.start) + Cell(i.closes_on) +
            Cell(i.notice) + "</tr>";
  }
  return rows;
}

std::string Notices(const PublicVillagePage& p) {
  std::string b = "<h2>公示（正在公示的农户）</h2>";
  if (p.notices.empty()) return b + "<p class=\"empty\">目前没有正在公示的农户。</p>";
  b += "<p class=\"note\">经村民代表会议民主评议，下列事项现予公示。公示期间对公示内容有异议的，"
       "请在公示截止日前通过本页下方的表格、村委会、乡镇人民政府或监督举报电话 12317 反映，"
       "并注明“异议编号”。</p>";
  return b + Table({"户主姓名", "村民小组", "家庭人口", "事项", "拟办结果", "公示开始", "公示截止",
                    "异议编号"},
                   NoticeRows(p.notices));
}

std::string Decisions(const std::vector<PublicNoticeItem>& items, const char* empty) {
  if (items.empty()) return std::string("<p class=\"empty\">") + empty + "</p>";
  std::string rows;
  for (const PublicNoticeItem& i : items) {
    rows += "<tr>" + Cell(i.name) + Cell(Dash(i.group)) + Cell(Size(i.size), true) +
            Cell(i.category) + Cell(i.decision) + Cell(i.start) + "</tr>";
  }
  return Table({"户主姓名", "村民小组", "家庭人口", "事项", "审定结果", "审定日期"}, rows);
}

std::string Subsidies(const std::vector<PublicNoticeItem>& items, const char* empty) {
  if (items.empty()) return std::string("<p class=\"empty\">") + empty + "</p>";
  std::string rows;
  for (const PublicNoticeItem& i : items) {
    rows += "<tr>" + Cell(i.name) + Cell(Dash(i.group)) + Cell(Size(i.size), true) +
            Cell(Dash(i.category)) + Cell(Yuan(i.amount_fen), true) + Cell(i.start) + "</tr>";
  }
  return Table({"户主姓名", "村民小组", "家庭人口", "资金名称", "金额（元）", "日期"}, rows);
}

std::string Projects(const std::vector<PublicNoticeItem>& items, const char* empty) {
  if (items.empty()) return std::string("<p class=\"empty\">") + empty + "</p>";
  std::string rows;
  for (const PublicNoticeItem& i : items) {
    rows += "<tr>" + Cell(i.name) + Cell(i.category) + Cell(i.decision) +
            Cell(Yuan(i.amount_fen), true) + Cell(i.start) + Cell(Dash(i.closes_on)) + "</tr>";
  }
  return Table({"项目名称", "类别", "阶段 / 决定", "预算（元）", "公示开始", "公示截止"}, rows);
}

// 资金安排: what the funds ledger gave to the village's projects; an objection names the project.
std::string Allocations(const std::vector<PublicNoticeItem>& items, const char* empty) {
  if (items.empty()) return std::string("<p class=\"empty\">") + empty + "</p>";
  std::string rows;
  for (const PublicNoticeItem& i : items) {
    rows += "<tr>" + Cell(i.name) + Cell(Dash(i.category)) + Cell(Dash(i.source)) +
            Cell(Yuan(i.amount_fen), true) + Cell(i.start) + Cell(i.notice) + "</tr>";
  }
  return Table({"项目名称", "资金名称", "资金来源", "金额（元）", "安排日期", "异议编号"}, rows);
}

std::string InForce(const PublicVillagePage& p) {
  std::string b = Notices(p);
  b += "<h2>公告（近 " + std::to_string(kDecisionDays) + " 天县级审定结果）</h2>";
  b += Decisions(p.decisions, "近期没有县级审定结果。");
  b += "<h2>直补到户资金公示</h2>";
  b += Subsidies(p.subsidies, "近期没有直补到户资金。");
  b += "<h2>扶贫项目公示</h2>";
  b += Projects(p.projects, "目前没有公示中的项目。");
  b += "<h2>项目资金安排</h2>";
  b += Allocations(p.allocations, "近期没有安排到本村项目的资金。");
  return b;
}

std::string Form(const PublicVillagePage& p) {
  std::string b =
      "<h2 id=\"objection\">提出异议</h2><form method=\"post\" action=\"" +
      E(PublicPagePath(p.village_code)) +
      "/objections\" accept-charset=\"utf-8\">"
      "<label for=\"notice\">对哪项公示有异议</label><select id=\"notice\" name=\"notice\">"
      "<option value=\"\">其他（不针对某项公示）</option>";
  std::set<std::string, std::less<>> offered;
  for (const auto* list : {&p.notices, &p.projects, &p.allocations}) {
    for (const PublicNoticeItem& i : *list) {
      if (i.notice.empty() || !offered.insert(i.notice).second) continue;
      b += "<option value=\"" + E(i.notice) + "\">" +
           E(i.notice + " " + i.name + " " + i.decision) + "</option>";
    }
  }
  b += "</select>"
       "<label for=\"name\">您的姓名</label><input id=\"name\" name=\"name\" maxlength=\"50\" "
       "required autocomplete=\"name\">"
       "<label for=\"phone\">联系电话</label><input id=\"phone\" name=\"phone\" type=\"tel\" "
       "maxlength=\"20\" required autocomplete=\"tel\">"
       "<label for=\"text\">异议内容</label><textarea id=\"text\" name=\"text\" maxlength=\"600\" "
       "required></textarea>"
       "<p class=\"note\">您的电话只用于答复，不会公开。异议作为 12317 投诉登记，"
       "15 日内答复；针对正在公示农户的异议，该户将退回重新核实。</p>"
       "<button type=\"submit\">提交异议</button></form>";
  return b;
}

std::string Footer() {
  return "<footer><p>本页只公示姓名、村民小组、家庭人口、事项、结果、金额和日期，"
         "不公开身份证号码、联系电话、银行账户和健康状况等个人信息。</p>"
         "<p>全国扶贫监督举报电话：<b>12317</b></p></footer>";
}

std::string Nav(const std::string& code) {
  const std::string path = E(PublicPagePath(code));
  return "<nav class=\"noprint\"><a href=\"" + path + "\">公示栏</a><a href=\"" + path +
         "/archive\">往期公示</a><a href=\"" + path + "/print\">打印（含二维码）</a></nav>";
}

}  // namespace

std::string PublicPagePath(std::string_view village_code) {
  return "/public/villages/" + std::string(village_code);
}

std::string PublicPageHtml(const PublicVillagePage& p) {
  std::string b = Header(p, "公示栏") + Nav(p.village_code) + InForce(p) + Form(p) + Footer();
  return Page(Place(p) + "公示栏", b);
}

std::string PublicArchiveHtml(const PublicVillagePage& p, const ArchivePage& a) {
  std::string b = Header(p, "往期公示") + Nav(p.village_code);
  b += "<p class=\"meta\">共 " + std::to_string(a.total) + " 条，第 " + std::to_string(a.page) +
       " / " + std::to_string(a.pages) + " 页</p>";
  if (a.items.empty()) {
    b += "<p class=\"empty\">暂无往期公示。</p>";
  } else {
    std::string rows;
    for (const PublicNoticeItem& i : a.items) {
      const char* section = i.section == "notice"       ? "公示"
                            : i.section == "decision"   ? "公告"
                            : i.section == "subsidy"    ? "直补到户"
                            : i.section == "allocation" ? "资金安排"
                                                        : "项目";
      rows += "<tr>" + Cell(section) + Cell(i.name) + Cell(Dash(i.group)) +
              Cell(Size(i.size), true) + Cell(Dash(i.category)) + Cell(i.decision) +
              Cell(i.amount_fen ? Yuan(i.amount_fen) : "—", true) + Cell(i.start) +
              Cell(Dash(i.closes_on)) + "</tr>";
    }
    b += Table({"类别", "名称 / 户主", "村民小组", "家庭人口", "事项 / 资金", "结果", "金额（元）",
                "开始 / 日期", "截止"},
               rows);
  }
  const std::string path = E(PublicPagePath(p.village_code)) + "/archive?page=";
  b += "<nav>";
  if (a.page > 1) b += "<a href=\"" + path + std::to_string(a.page - 1) + "\">上一页</a>";
  if (a.page < a.pages) b += "<a href=\"" + path + std::to_string(a.page + 1) + "\">下一页</a>";
  b += "</nav>" + Footer();
  return Page(Place(p) + "往期公示", b);
}

std::string PublicPrintHtml(const PublicVillagePage& p, const std::string& page_url) {
  std::string b = Header(p, "公示栏") + InForce(p);
  b += "<div class=\"box\"><p>扫描二维码查看本村最新公示、往期公示，并可在线提出异议：</p>"
       "<div class=\"qr\">";
  auto svg = QrSvg(page_url);
  if (svg.ok()) b += *svg;
  b += "<p>" + E(page_url) +
       "</p></div>"
       "<p>公示期间如有异议，请向" +
       E(p.village_name) + "村民委员会、" + E(p.township_name) +
       "人民政府反映，或拨打监督举报电话 12317。</p></div>";
  b += "<p class=\"meta\">" + E(p.village_name) + "村民委员会　" + E(p.today) + "</p>" + Footer();
  return Page(Place(p) + "公示栏（打印）", b);
}

std::string PublicObjectionFiledHtml(const std::string& village_code,
                                     const PublicObjectionResult& r) {
  std::string b = "<header><h1>异议已受理</h1></header><div class=\"box\">";
  b += "<p>您的异议已登记为 12317 投诉，投诉编号 <b id=\"complaint\">" +
       std::to_string(r.complaint.row.id) + "</b>，答复期限 <b id=\"due\">" +
       E(r.complaint.row.due_on) + "</b>。</p>";
  if (r.case_id) {
    b += "<p>所指农户（异议编号 case:" + std::to_string(*r.case_id) +
         "）已退回村里重新核实，核实后将重新公示。</p>";
  }
  b += "<p>我们将通过您留下的电话答复。请记下投诉编号以便查询。</p></div>";
  b += "<p><a href=\"" + E(PublicPagePath(village_code)) + "\">返回公示栏</a></p>" + Footer();
  return Page("异议已受理", b);
}

std::string PublicObjectionRefusedHtml(const std::string& village_code, const Error& error) {
  std::string b = "<header><h1>异议未能提交</h1></header><div class=\"box\"><p id=\"error\">" +
                  E(error.zh) + "</p><p class=\"meta\">" + E(error.code) + "</p></div>";
  b += "<p><a href=\"" + E(PublicPagePath(village_code)) + "#objection\">返回修改</a></p>";
  return Page("异议未能提交", b);
}

std::string PublicNotFoundHtml(std::string_view code) {
  std::string b = "<header><h1>没有这个村</h1></header><p>村代码 " + E(code.substr(0, 32)) +
                  " 不存在，请核对公示栏上的地址或二维码。</p>" + Footer();
  return Page("没有这个村", b);
}

}  // namespace fupin
