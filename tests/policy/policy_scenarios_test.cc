// Runs the policy scenarios of tests/policy/*.scenario (format: tests/policy/README.md):
// a household or a region in, a decision out, one GoogleTest test per scenario, named
// after its file and line. Households go through the real import template parser, so a
// scenario reads exactly like an import file; policy layers go through the real policy
// loader. A malformed file or scenario fails with its file and line; nothing is skipped.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "common/id_number.h"
#include "common/money.h"
#include "common/region_code.h"
#include "domain/codes.h"
#include "domain/criteria.h"
#include "domain/household.h"
#include "domain/household_rules.h"
#include "domain/policy.h"
#include "exchange/policy_file.h"
#include "exchange/template.h"

#ifndef FUPIN_POLICY_SCENARIOS
#error "FUPIN_POLICY_SCENARIOS must name the folder of the *.scenario files"
#endif

namespace fupin {
namespace {

// ---------------------------------------------------------------------------------------
// Reading scenario files.

// The keywords a scenario line may start with (README.md).
constexpr std::string_view kKeywords[] = {
    "年度",           "政策",         "户",          "人",       "措施",
    "评估日期",       "村",           "县",          "期望退出", "期望监测",
    "期望风险消除",   "期望出列",     "期望摘帽",    "期望错误", "期望警告",
    "期望人均纯收入", "期望扶贫标准", "期望监测标准"};

struct ScenarioLine {
  int number = 0;
  std::string keyword;
  std::string value;  // after the colon, trimmed
};

struct Scenario {
  std::string name;  // test name: file stem and line, "exit_L12"
  std::string path;  // for failure locations
  std::string file;  // file name
  int line = 0;      // the "##" line (or where a malformed file went wrong)
  std::string title;
  std::vector<ScenarioLine> lines;
  std::string policy;  // the 政策 block, padded with blank lines so TOML lines are file lines
  int policy_line = 0;
  std::string error;  // a malformed file or scenario: the test fails with it
  int error_line = 0;
};

void PrintTo(const Scenario& s, std::ostream* os) {
  *os << s.file << ":" << s.line << " " << s.title;
}

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
      s.remove_prefix(1);
    } else if (s.starts_with(kIdeographicSpace)) {
      s.remove_prefix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
      s.remove_suffix(1);
    } else if (s.ends_with(kIdeographicSpace)) {
      s.remove_suffix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  return s;
}

// Splits "关键字: 值" at the first ':' or '：'.
bool SplitKeyword(std::string_view line, std::string& keyword, std::string& value) {
  size_t ascii = line.find(':');
  size_t wide = line.find("\xEF\xBC\x9A");  // ：
  size_t at = std::min(ascii, wide);
  if (at == std::string_view::npos) return false;
  size_t width = at == ascii ? 1 : 3;
  keyword = std::string(Trim(line.substr(0, at)));
  value = std::string(Trim(line.substr(at + width)));
  return true;
}

std::string TestNamePart(std::string_view stem) {
  std::string out;
  for (char c : stem) {
    out += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  }
  return out.empty() ? "file" : out;
}

Scenario FileError(const std::filesystem::path& path, int line, std::string message) {
  Scenario s;
  s.path = path.string();
  s.file = path.filename().string();
  s.name = TestNamePart(path.stem().string()) + "_L" + std::to_string(line) + "_malformed";
  s.line = line;
  s.title = "格式错误 / malformed file";
  s.error = std::move(message);
  s.error_line = line;
  return s;
}

std::vector<Scenario> LoadFile(const std::filesystem::path& path) {
  std::vector<Scenario> out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return {FileError(path, 1, "cannot read " + path.string())};
  const std::string stem = TestNamePart(path.stem().string());
  std::string text;
  int number = 0;
  bool in_policy = false;
  while (std::getline(in, text)) {
    ++number;
    if (number == 1 && text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (in_policy) {
      if (Trim(text).empty() || text[0] == ' ' || text[0] == '\t') {
        out.back().policy += text + "\n";
        continue;
      }
      in_policy = false;
    }
    std::string_view line = Trim(text);
    if (line.empty()) continue;
    if (line.starts_with("##")) {
      Scenario s;
      s.path = path.string();
      s.file = path.filename().string();
      s.line = number;
      s.name = stem + "_L" + std::to_string(number);
      s.title = std::string(Trim(line.substr(2)));
      if (s.title.empty()) {
        s.error = "a scenario needs a title after ## (中文 / English)";
        s.error_line = number;
      }
      out.push_back(std::move(s));
      continue;
    }
    if (line.starts_with("#")) continue;  // a comment
    if (out.empty()) {
      return {FileError(path, number,
                        "text before the first scenario (a scenario starts with “## 标题”): " +
                            std::string(line))};
    }
    Scenario& s = out.back();
    auto note = [&](std::string message) {
      if (s.error.empty()) {
        s.error = std::move(message);
        s.error_line = number;
      }
    };
    ScenarioLine entry;
    entry.number = number;
    if (!SplitKeyword(line, entry.keyword, entry.value)) {
      note("expected “关键字: 值”, got: " + std::string(line));
      continue;
    }
    if (std::find(std::begin(kKeywords), std::end(kKeywords), entry.keyword) ==
        std::end(kKeywords)) {
      note("unknown keyword “" + entry.keyword + "” (README.md lists them)");
      continue;
    }
    if (entry.keyword == "政策") {
      if (s.policy_line != 0) {
        note("政策 given twice in one scenario");
      } else if (!entry.value.empty()) {
        note("政策: takes its TOML on the following indented lines, not on its own line");
      }
      s.policy_line = number;
      s.policy = std::string(number, '\n');  // TOML line numbers are file line numbers
      in_policy = true;
    }
    s.lines.push_back(std::move(entry));
  }
  if (out.empty())
    return {FileError(path, 1, "no scenarios in the file (a scenario starts with “## 标题”)")};
  return out;
}

std::vector<Scenario> LoadScenarios() {
  namespace fs = std::filesystem;
  // The environment variable of the same name runs another folder (a county's own cases).
  const char* override_dir = std::getenv("FUPIN_POLICY_SCENARIOS");
  const fs::path dir = override_dir && *override_dir ? override_dir : FUPIN_POLICY_SCENARIOS;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".scenario") {
      files.push_back(entry.path());
    }
  }
  if (ec || files.empty()) {
    return {FileError(dir / "none.scenario", 1,
                      "no *.scenario files in " + dir.string() +
                          (ec ? " (" + ec.message() + ")" : std::string()))};
  }
  std::sort(files.begin(), files.end());
  std::vector<Scenario> all;
  for (const auto& file : files) {
    for (auto& s : LoadFile(file)) all.push_back(std::move(s));
  }
  return all;
}

// ---------------------------------------------------------------------------------------
// Values inside lines.

// Splits on ',' and '，' (the separator of 列名=值 pairs).
std::vector<std::string> SplitCommas(std::string_view text) {
  std::vector<std::string> parts;
  std::string current;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == ',') {
      parts.emplace_back(Trim(current));
      current.clear();
      i += 1;
    } else if (text.substr(i, 3) == "\xEF\xBC\x8C") {  // ，
      parts.emplace_back(Trim(current));
      current.clear();
      i += 3;
    } else {
      current += text[i++];
    }
  }
  parts.emplace_back(Trim(current));
  return parts;
}

// Splits a list on ',' '，' ';' '；' '、' '|' and spaces; empty items are dropped.
std::vector<std::string> SplitList(std::string_view text) {
  std::string normalized;
  for (size_t i = 0; i < text.size();) {
    std::string_view rest = text.substr(i);
    if (rest.starts_with("\xEF\xBC\x8C") || rest.starts_with("\xEF\xBC\x9B") ||
        rest.starts_with("\xE3\x80\x81") || rest.starts_with("\xE3\x80\x80")) {
      normalized += ' ';
      i += 3;
    } else if (text[i] == ',' || text[i] == ';' || text[i] == '|' || text[i] == '\t') {
      normalized += ' ';
      i += 1;
    } else {
      normalized += text[i++];
    }
  }
  std::vector<std::string> items;
  std::istringstream words(normalized);
  for (std::string word; words >> word;) items.push_back(word);
  return items;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

// "列名=值, 列名=值": values may not hold a comma (write 1234.50, not 1,234.50).
bool ParsePairs(std::string_view text, Pairs& pairs, std::string& error) {
  if (Trim(text).empty()) return true;
  for (const auto& part : SplitCommas(text)) {
    size_t eq = part.find('=');
    if (eq == std::string::npos) {
      error = "expected 列名=值, got “" + part + "” (values hold no commas: 1234.50, not 1,234.50)";
      return false;
    }
    std::string key(Trim(std::string_view(part).substr(0, eq)));
    std::string value(Trim(std::string_view(part).substr(eq + 1)));
    for (const auto& [k, v] : pairs) {
      if (k == key) {
        error = "“" + key + "” given twice";
        return false;
      }
    }
    pairs.emplace_back(std::move(key), std::move(value));
  }
  return true;
}

const std::string* Find(const Pairs& pairs, std::string_view key) {
  for (const auto& [k, v] : pairs) {
    if (k == key) return &v;
  }
  return nullptr;
}

// An expectation: "不达标 income, housing", "纳入 类型=1 规则=a,b 风险=09".
struct Verdict {
  std::string word;
  std::vector<std::string> items;  // words before or between the 键=值 attributes
  std::map<std::string, std::string> attrs;
  std::string rest;  // the text after the first word, as written
};

bool ParseVerdict(std::string_view text, Verdict& v, std::string& error) {
  text = Trim(text);
  size_t space = text.find_first_of(" \t");
  v.word = std::string(text.substr(0, space));
  if (space != std::string_view::npos) v.rest = std::string(Trim(text.substr(space)));
  // Glue "a, b" and "k = v" so that every token is an item list or one attribute.
  std::string glued;
  std::string_view rest = v.rest;
  for (size_t i = 0; i < rest.size();) {
    if (rest.substr(i).starts_with("\xEF\xBC\x8C")) {
      glued += ',';
      i += 3;
    } else {
      glued += rest[i++];
    }
  }
  std::string tight;
  for (size_t i = 0; i < glued.size(); ++i) {
    char c = glued[i];
    if (c == ' ' || c == '\t') {
      char before = tight.empty() ? ',' : tight.back();
      size_t next = glued.find_first_not_of(" \t", i);
      char after = next == std::string::npos ? ',' : glued[next];
      if (before == ',' || before == '=' || after == ',' || after == '=') continue;
    }
    tight += c;
  }
  std::istringstream tokens(tight);
  for (std::string token; tokens >> token;) {
    size_t eq = token.find('=');
    if (eq == std::string::npos) {
      for (auto& item : SplitList(token)) v.items.push_back(item);
      continue;
    }
    std::string key = token.substr(0, eq);
    if (v.attrs.count(key)) {
      error = "“" + key + "” given twice";
      return false;
    }
    v.attrs[key] = token.substr(eq + 1);
  }
  return true;
}

// Parses "0.02" exactly: at most 6 decimals, between 0 and 1.
std::optional<Ratio> ParseRatio(std::string_view text) {
  text = Trim(text);
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || whole.size() > 1 || !digits(whole) || !digits(fraction) ||
      fraction.size() > 6 || (dot != std::string_view::npos && fraction.empty())) {
    return std::nullopt;
  }
  int64_t micros = (whole[0] - '0') * int64_t{1000000};
  int64_t scale = 100000;
  for (char c : fraction) {
    micros += (c - '0') * scale;
    scale /= 10;
  }
  if (micros > 1000000) return std::nullopt;
  return Ratio{micros};
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  text = Trim(text);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Result keys as the code names them, with the Chinese words a policy officer may write.
using Aliases = std::vector<std::pair<std::string_view, std::string_view>>;  // key, 中文
const Aliases kCriteria = {{"income", "收入"},      {"food", "不愁吃"},
                           {"clothing", "不愁穿"},  {"education", "义务教育"},
                           {"medical", "基本医疗"}, {"housing", "住房安全"},
                           {"water", "饮水安全"}};
const Aliases kRules = {{"income_below_line", "收入低于监测线"}, {"rigid_expense", "刚性支出"}};
const Aliases kUnmet = {
    {"income", "收入"},      {"rigid_expense", "刚性支出"}, {"education", "义务教育"},
    {"medical", "基本医疗"}, {"housing", "住房安全"},       {"water", "饮水安全"},
    {"months", "监测时长"},  {"measures", "帮扶措施"},      {"no_labour", "无劳动能力"}};
const Aliases kCountyFailures = {{"incidence", "发生率"},
                                 {"wrong_exit_rate", "错退率"},
                                 {"missed_rate", "漏评率"},
                                 {"satisfaction", "认可度"}};

std::optional<std::string> Canonical(const Aliases& aliases, std::string_view word) {
  for (const auto& [key, zh] : aliases) {
    if (word == key || word == zh) return std::string(key);
  }
  return std::nullopt;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string CodesText(CodeList list, CodeSet set) {
  std::string out;
  for (int code : set.Codes()) {
    if (!out.empty()) out += ',';
    out += CodeText(list, code);
  }
  return out.empty() ? "无" : out;
}

// ---------------------------------------------------------------------------------------
// Running one scenario.

// Import values are checked against this day (dates in the future are refused).
const Date kToday = *Date::FromYmd(2025, 12, 31);
constexpr std::string_view kDefaultVillage = "620422102201";  // a village of 会宁县, Gansu

class ScenarioRunner {
 public:
  explicit ScenarioRunner(const Scenario& s) : s_(s) {}

  void Run() {
    if (!s_.error.empty()) return Fail(s_.error_line, s_.error);
    if (!Index()) return;
    if (!BuildPolicy()) return;
    const bool household_expected = Has("期望退出") || Has("期望监测") || Has("期望风险消除") ||
                                    Has("期望人均纯收入") || Has("期望扶贫标准") ||
                                    Has("期望监测标准");
    if (household_expected) {
      if (!ReadYear() || !BuildHousehold()) return;
      CheckPerCapita();
      CheckLine("期望扶贫标准", /*poverty=*/true);
      CheckLine("期望监测标准", /*poverty=*/false);
      CheckExit();
      CheckMonitoring();
      CheckElimination();
    } else {
      if (!households_.empty() || !members_.empty()) {
        const auto* line = households_.empty() ? members_.front() : households_.front();
        return Fail(line->number, line->keyword + ": given, but no expectation about a household");
      }
      for (const char* unused : {"措施", "评估日期", "年度"}) {
        if (Has(unused)) {
          return Fail(Line(unused),
                      std::string(unused) + ": given, but no expectation about a household");
        }
      }
    }
    if (Has("村") != Has("期望出列")) {
      return Fail(Has("村") ? Line("村") : Line("期望出列"), "村: and 期望出列: go together");
    }
    if (Has("县") != Has("期望摘帽")) {
      return Fail(Has("县") ? Line("县") : Line("期望摘帽"), "县: and 期望摘帽: go together");
    }
    if (Has("村")) CheckVillage();
    if (Has("县")) CheckCounty();
    CheckWarnings();
  }

 private:
  // Failures point at the scenario file and line, so an editor jumps straight there.
  void Fail(int line, const std::string& message) {
    ADD_FAILURE_AT(s_.path.c_str(), line) << "「" << s_.title << "」\n" << message;
  }

  bool Has(std::string_view keyword) const { return single_.count(std::string(keyword)) > 0; }
  int Line(std::string_view keyword) const {
    auto it = single_.find(std::string(keyword));
    return it == single_.end() ? s_.line : it->second->number;
  }
  const std::string& Value(std::string_view keyword) const {
    return single_.at(std::string(keyword))->value;
  }

  bool Index() {
    for (const auto& line : s_.lines) {
      if (line.keyword == "户") {
        households_.push_back(&line);
      } else if (line.keyword == "人") {
        members_.push_back(&line);
      } else if (!single_.emplace(line.keyword, &line).second) {
        Fail(line.number, line.keyword + ": given twice in one scenario");
        return false;
      }
    }
    bool any = false;
    for (const auto& [keyword, line] : single_) any |= keyword.starts_with("期望");
    if (!any) {
      Fail(s_.line, "a scenario needs at least one 期望…: line");
      return false;
    }
    if (Has("期望错误") && (!households_.empty() || !members_.empty())) {
      Fail(s_.line, "期望错误: is about the policy alone: no 户: or 人: lines");
      return false;
    }
    if (Has("期望错误") && single_.size() > 2) {
      for (const auto& [keyword, line] : single_) {
        if (keyword != "期望错误" && keyword != "政策") {
          Fail(line->number, "期望错误: is about the policy alone; write " + keyword +
                                 ": in another scenario (or 期望退出: 错误 E_… for a year)");
          return false;
        }
      }
    }
    return true;
  }

  // ---- policy

  bool BuildPolicy() {
    auto national = ParsePolicyText(NationalPolicyText(), "policy/national.toml");
    if (!national.ok()) {
      Fail(s_.line, "the built-in policy does not parse: " + national.error().en);
      return false;
    }
    std::vector<PolicyValue> layers{*national};
    Result<PolicySet> set = Error{"E_POLICY", "", ""};
    auto layer =
        s_.policy_line ? ParsePolicyText(s_.policy, s_.file) : Result<PolicyValue>(PolicyValue());
    if (!layer.ok()) {
      set = layer.error();
    } else {
      if (s_.policy_line) layers.push_back(*layer);
      set = PolicySet::Build(layers);
    }
    if (Has("期望错误")) {
      Verdict v;
      v.word = Value("期望错误");
      size_t space = v.word.find_first_of(" \t");
      std::string fragment;
      if (space != std::string::npos) {
        fragment = std::string(Trim(std::string_view(v.word).substr(space)));
        v.word.resize(space);
      }
      if (set.ok()) {
        Fail(Line("期望错误"), "expected " + v.word + ", but the policy was accepted");
      } else {
        CheckError(Line("期望错误"), v.word, fragment, set.error());
      }
      return false;  // nothing else to check
    }
    if (!set.ok()) {
      Fail(s_.policy_line ? s_.policy_line : s_.line,
           "the policy was refused: " + set.error().code + " " + set.error().zh + "\n" +
               set.error().en);
      return false;
    }
    set_.emplace(std::move(set).value());
    return true;
  }

  void CheckError(int line, const std::string& code, const std::string& fragment,
                  const Error& actual) {
    if (actual.code != code ||
        (!fragment.empty() && actual.zh.find(fragment) == std::string::npos &&
         actual.en.find(fragment) == std::string::npos)) {
      Fail(line, "expected: 错误 " + code + (fragment.empty() ? "" : " “" + fragment + "”") +
                     "\nactual:   错误 " + actual.code + " " + actual.zh + "\n          " +
                     actual.en);
    }
  }

  // The line in force for the household's village; records W_POLICY_YEAR.
  Result<YearlyAmount> LineInForce(bool poverty) {
    const Policy& policy = set_->For(household_.village_code);
    auto line = poverty ? policy.PovertyLine(year_) : policy.MonitoringLine(year_);
    if (line.ok() && line->earlier) warnings_.insert("W_POLICY_YEAR");
    return line;
  }

  void CheckWarnings() {
    std::set<std::string> expected;
    if (Has("期望警告")) {
      for (const auto& item : SplitList(Value("期望警告"))) {
        if (item != "无") expected.insert(item);
      }
    }
    if (expected != warnings_) {
      auto text = [](const std::set<std::string>& set) {
        return set.empty() ? std::string("无")
                           : Join(std::vector<std::string>(set.begin(), set.end()));
      };
      Fail(Line("期望警告"),
           "expected warnings: " + text(expected) + "\nactual warnings:   " + text(warnings_) +
               (Has("期望警告") ? ""
                                : "\n(a line from an earlier year needs 期望警告: W_POLICY_YEAR)"));
    }
  }

  // ---- the household

  bool ReadYear() {
    if (!Has("年度")) {
      Fail(s_.line, "年度: is required for a household scenario");
      return false;
    }
    auto year = ParseInteger(Value("年度"));
    if (!year || *year < 1978 || *year > 2100) {
      Fail(Line("年度"), "年度: expected a year, got “" + Value("年度") + "”");
      return false;
    }
    year_ = static_cast<int>(*year);
    return true;
  }

  // Maps written column names to the template's Chinese names (unknown names stay as
  // written, so the template parser reports them).
  bool Canonicalize(TemplateTable table, const ScenarioLine& line, const Pairs& written,
                    Pairs& out) {
    auto columns = TemplateColumns(table);
    for (const auto& [key, value] : written) {
      std::string name = key;
      for (const auto& c : columns) {
        std::string lower = key;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char ch) { return std::tolower(ch); });
        if (key == c.zh || lower == c.key) name = std::string(c.zh);
      }
      if (Find(out, name)) {
        Fail(line.number, "column “" + name + "” given twice");
        return false;
      }
      out.emplace_back(name, value);
    }
    return true;
  }

  // The header and record of one template row: the written cells over the defaults.
  static void Assemble(TemplateTable table, const Pairs& cells, const Pairs& defaults,
                       Record& header, Record& record) {
    for (const auto& c : TemplateColumns(table)) {
      const std::string* value = Find(cells, c.zh);
      if (!value) value = Find(defaults, c.zh);
      if (!value) continue;
      header.cells.emplace_back(c.zh);
      record.cells.push_back(*value);
    }
    for (const auto& [key, value] : cells) {
      bool known = false;
      for (const auto& c : TemplateColumns(table)) known |= key == c.zh;
      if (!known) {
        header.cells.push_back(key);
        record.cells.push_back(value);
      }
    }
  }

  bool Report(int line, const std::string& what, const std::vector<CellIssue>& issues) {
    std::string message;
    for (const auto& issue : issues) {
      if (issue.code.empty() || issue.code[0] != 'E') continue;
      message += "\n  " + issue.code + " " + issue.column +
                 (issue.value.empty() ? "" : "=“" + issue.value + "”") + ": " + issue.zh;
    }
    if (message.empty()) return true;
    Fail(line, what + " is refused by the import template:" + message);
    return false;
  }

  bool BuildHousehold() {
    const int household_line = households_.empty() ? s_.line : households_.front()->number;
    Pairs written;
    for (const auto* line : households_) {
      Pairs pairs;
      std::string error;
      if (!ParsePairs(line->value, pairs, error)) {
        Fail(line->number, "户: " + error);
        return false;
      }
      if (!Canonicalize(TemplateTable::kHouseholds, *line, pairs, written)) return false;
    }
    const std::string code = "S" + std::to_string(s_.line);
    Pairs defaults = {{"户编号", code},        {"行政区划代码", std::string(kDefaultVillage)},
                      {"工资性收入", "0"},     {"生产经营性收入", "0"},
                      {"生产经营性支出", "0"}, {"财产性收入", "0"},
                      {"转移性收入", "0"},     {"不愁吃", "是"},
                      {"不愁穿", "是"},        {"住房安全等级", "A"},
                      {"饮水安全", "是"}};
    const std::string* kind = Find(written, "户类型");
    if (!kind || ParseCode(CodeList::kHouseholdKind, *kind) != code::kOrdinary) {
      defaults.insert(defaults.end(),
                      {{"贫困状态", "未脱贫"}, {"识别年度", "2016"}, {"主要致贫原因", "缺资金"}});
      const std::string* status = Find(written, "贫困状态");
      if (status && ParseCode(CodeList::kPovertyStatus, *status) == code::kExited) {
        const std::string* registered = Find(written, "识别年度");
        auto year = registered ? ParseInteger(*registered) : std::nullopt;
        defaults.emplace_back("脱贫年度",
                              std::to_string(std::max<int64_t>(2020, year.value_or(0))));
      }
    }
    const std::string* type = Find(written, "监测对象类型");
    if (type && ParseCode(CodeList::kMonitorType, *type).value_or(0) != code::kNotMonitored) {
      defaults.emplace_back("风险类型", "其他");
    }
    Record header, record;
    header.line = 1;
    record.line = 2;
    Assemble(TemplateTable::kHouseholds, written, defaults, header, record);
    std::vector<CellIssue> issues;
    HeaderMap map = HeaderMap::Build(TemplateTable::kHouseholds, header, issues);
    if (!Report(household_line, "户", issues)) return false;
    ParseHouseholdRow(map, record, kToday, household_, issues);
    if (!Report(household_line, "户", issues)) return false;

    const std::string village(Trim(Find(written, "行政区划代码")
                                       ? std::string_view(*Find(written, "行政区划代码"))
                                       : kDefaultVillage));
    std::vector<const ScenarioLine*> member_lines = members_;
    ScenarioLine default_member{household_line, "人", ""};
    if (member_lines.empty()) member_lines.push_back(&default_member);
    for (size_t i = 0; i < member_lines.size(); ++i) {
      const ScenarioLine& line = *member_lines[i];
      Pairs pairs, cells;
      std::string error;
      if (!ParsePairs(line.value, pairs, error)) {
        Fail(line.number, "人: " + error);
        return false;
      }
      if (!Canonicalize(TemplateTable::kMembers, line, pairs, cells)) return false;
      Pairs defaults = {{"户编号", code},
                        {"姓名", "成员" + std::to_string(i + 1)},
                        {"与户主关系", i == 0 ? "户主" : "其他"},
                        {"在校生状况", "非在校生"},
                        {"健康状况", "健康"},
                        {"劳动能力", "普通劳动力"},
                        {"参加城乡居民基本医疗保险", "是"}};
      if (!Find(cells, "证件号码")) {
        defaults.emplace_back("证件号码", MakeIdNumber(village, cells, static_cast<int>(i)));
      }
      Record member_header, member_record;
      member_header.line = 1;
      member_record.line = static_cast<size_t>(i) + 2;
      Assemble(TemplateTable::kMembers, cells, defaults, member_header, member_record);
      HeaderMap member_map = HeaderMap::Build(TemplateTable::kMembers, member_header, issues);
      if (!Report(line.number, "人", issues)) return false;
      Member member;
      std::string member_code;
      ParseMemberRow(member_map, member_record, kToday, member, member_code, issues);
      if (!Report(line.number, "人", issues)) return false;
      household_.members.push_back(std::move(member));
    }
    std::vector<RuleIssue> rule_issues;
    CheckHouseholdMembers(household_, rule_issues);
    for (const auto& issue : rule_issues) {
      if (issue.code[0] != 'E') continue;
      const int line = issue.member >= 0 && static_cast<size_t>(issue.member) < members_.size()
                           ? members_[issue.member]->number
                           : household_line;
      Fail(line, "the household is refused by the import rules: " + issue.code + " " +
                     issue.column + ": " + issue.zh);
      return false;
    }
    return true;
  }

  // A valid 居民身份证 number: the village's county, the birth date and the sex written
  // (1980-01-01 and 男 by default), a sequence number unique in the household.
  static std::string MakeIdNumber(const std::string& village, const Pairs& cells, int index) {
    std::string county = "620422";
    if (village.size() == 12 &&
        std::all_of(village.begin(), village.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      county = village.substr(0, 6);
    }
    Date birth = *Date::FromYmd(1980, 1, 1);
    if (const std::string* text = Find(cells, "出生日期")) {
      if (auto parsed = Date::Parse(*text); parsed.ok()) birth = *parsed;
    }
    int sex = 1;
    if (const std::string* text = Find(cells, "性别")) {
      sex = ParseCode(CodeList::kSex, *text).value_or(1);
    }
    const int sequence = index * 2 + (sex == 2 ? 2 : 1);  // odd = 男, even = 女
    auto digits = [](int value, size_t width) {
      std::string text = std::to_string(value);
      return std::string(width > text.size() ? width - text.size() : 0, '0') + text;
    };
    const std::string first17 = county + digits(birth.year(), 4) + digits(birth.month(), 2) +
                                digits(birth.day(), 2) + digits(sequence % 1000, 3);
    return first17 + IdCheckCharacter(first17);
  }

  // ---- household expectations

  void CheckPerCapita() {
    if (!Has("期望人均纯收入")) return;
    auto expected = Money::Parse(Value("期望人均纯收入"));
    if (!expected.ok()) {
      return Fail(Line("期望人均纯收入"), "期望人均纯收入: expected an amount in yuan, got “" +
                                              Value("期望人均纯收入") + "”");
    }
    const Money actual = household_.PerCapitaIncome();
    if (actual != *expected) {
      Fail(Line("期望人均纯收入"), "expected per-capita net income " + expected->ToString() +
                                       ", actual " + actual.ToString() + " (household net " +
                                       household_.NetIncome().ToString() + " ÷ " +
                                       std::to_string(household_.members.size()) + ")");
    }
  }

  // 期望扶贫标准: 6000 [来自=2020]
  void CheckLine(std::string_view keyword, bool poverty) {
    if (!Has(keyword)) return;
    const int at = Line(keyword);
    Verdict v;
    std::string error;
    if (!ParseVerdict(Value(keyword), v, error)) return Fail(at, error);
    auto amount = Money::Parse(v.word);
    std::optional<int64_t> from;
    if (v.attrs.count("来自")) from = ParseInteger(v.attrs["来自"]);
    if (!amount.ok() || !v.items.empty() || v.attrs.size() > (v.attrs.count("来自") ? 1u : 0u) ||
        (v.attrs.count("来自") && !from)) {
      return Fail(at, std::string(keyword) + ": expected “金额” or “金额 来自=年份”");
    }
    auto line = LineInForce(poverty);
    if (!line.ok())
      return Fail(at, "no line in force: " + line.error().code + " " + line.error().en);
    if (line->amount != *amount || (from && line->year != *from)) {
      Fail(at, "expected line " + amount->ToString() +
                   (from ? " from " + std::to_string(*from) : std::string()) + ", actual " +
                   line->amount.ToString() + " from " + std::to_string(line->year));
    }
  }

  // 期望退出: 达标 | 不达标 income, … | 不适用 | 错误 E_… [片段]
  void CheckExit() {
    if (!Has("期望退出")) return;
    const int at = Line("期望退出");
    Verdict v;
    std::string error;
    if (!ParseVerdict(Value("期望退出"), v, error)) return Fail(at, error);
    std::vector<std::string> expected;
    if (v.word == "不达标") {
      for (const auto& item : v.items) {
        auto key = Canonical(kCriteria, item);
        if (!key)
          return Fail(at, "unknown criterion “" + item +
                              "” (income, food, clothing, education, medical, housing, water)");
        expected.push_back(*key);
      }
      if (expected.empty())
        return Fail(at, "不达标 needs the failing criteria: 不达标 income, housing");
    } else if (v.word != "达标" && v.word != "不适用" && v.word != "错误") {
      return Fail(at,
                  "期望退出: expected 达标, 不达标 …, 不适用 or 错误 E_…, got “" + v.word + "”");
    }
    if (v.word != "不达标" && v.word != "错误" && (!v.items.empty() || !v.attrs.empty())) {
      return Fail(at, "期望退出: " + v.word + " takes nothing after it");
    }
    auto line = LineInForce(/*poverty=*/true);
    if (v.word == "错误") return ExpectError(at, v, line);
    if (!line.ok()) return Unexpected(at, line.error());
    std::string actual, reasons;
    std::vector<std::string> failed;
    if (!IsExitCandidate(household_)) {
      actual = "不适用";
    } else {
      ExitDecision d =
          AssessExit(household_, set_->For(household_.village_code), year_, line->amount);
      for (const auto& f : d.failed) {
        failed.emplace_back(CriterionKey(f.criterion));
        reasons += "\n  " + std::string(CriterionKey(f.criterion)) + ": " + f.zh;
      }
      actual = d.meets ? "达标" : "不达标";
    }
    if (actual != v.word || failed != expected) {
      Fail(at, "expected: " + v.word + (expected.empty() ? "" : " " + Join(expected)) +
                   "\nactual:   " + actual + (failed.empty() ? "" : " " + Join(failed)) + reasons +
                   "\n(per-capita net income " + household_.PerCapitaIncome().ToString() +
                   ", poverty line " + line->amount.ToString() + " of " +
                   std::to_string(line->year) + ")");
    }
  }

  // 期望监测: 不纳入 | 纳入 类型=1 规则=income_below_line,rigid_expense [风险=09,10] | 错误 E_…
  void CheckMonitoring() {
    if (!Has("期望监测")) return;
    const int at = Line("期望监测");
    Verdict v;
    std::string error;
    if (!ParseVerdict(Value("期望监测"), v, error)) return Fail(at, error);
    auto line = LineInForce(/*poverty=*/false);
    if (v.word == "错误") return ExpectError(at, v, line);
    std::optional<int> type;
    std::vector<std::string> rules;
    CodeSet risks;
    if (v.word == "纳入") {
      for (const auto& [key, value] : v.attrs) {
        if (key != "类型" && key != "规则" && key != "风险") {
          return Fail(at, "纳入 takes 类型=, 规则= and 风险=, not “" + key + "=”");
        }
      }
      if (!v.items.empty()) return Fail(at, "纳入: unexpected “" + Join(v.items) + "”");
      if (!v.attrs.count("类型") || !v.attrs.count("规则")) {
        return Fail(at, "纳入 needs 类型= and 规则=: 纳入 类型=1 规则=income_below_line");
      }
      type = ParseCode(CodeList::kMonitorType, v.attrs["类型"]);
      if (!type || *type == 0)
        return Fail(at, "类型: expected 1, 2 or 3, got “" + v.attrs["类型"] + "”");
      for (const auto& item : SplitList(v.attrs["规则"])) {
        auto key = Canonical(kRules, item);
        if (!key) return Fail(at, "unknown rule “" + item + "” (income_below_line, rigid_expense)");
        rules.push_back(*key);
      }
      if (v.attrs.count("风险")) {
        for (const auto& item : SplitList(v.attrs["风险"])) {
          if (item == "无") continue;
          auto code = ParseCode(CodeList::kRiskType, item);
          if (!code) return Fail(at, "unknown risk type “" + item + "” (codes.md 风险类型)");
          risks.Add(*code);
        }
      }
    } else if (v.word != "不纳入") {
      return Fail(at, "期望监测: expected 纳入 …, 不纳入 or 错误 E_…, got “" + v.word + "”");
    } else if (!v.items.empty() || !v.attrs.empty()) {
      return Fail(at, "期望监测: 不纳入 takes nothing after it");
    }
    if (!line.ok()) return Unexpected(at, line.error());
    MonitorDecision d =
        AssessMonitoring(household_, set_->For(household_.village_code), year_, line->amount);
    auto describe = [](bool candidate, int t, const std::vector<std::string>& r, CodeSet k) {
      if (!candidate) return std::string("不纳入");
      return "纳入 类型=" + std::to_string(t) + " 规则=" + Join(r) +
             " 风险=" + CodesText(CodeList::kRiskType, k);
    };
    const bool candidate = v.word == "纳入";
    if (d.candidate != candidate ||
        (candidate && (d.type != *type || d.rules != rules || d.risk_types != risks))) {
      Fail(at, "expected: " + describe(candidate, type.value_or(0), rules, risks) +
                   "\nactual:   " + describe(d.candidate, d.type, d.rules, d.risk_types) +
                   "\n(per-capita net income " + d.per_capita_income.ToString() +
                   ", monitoring line " + line->amount.ToString() + " of " +
                   std::to_string(line->year) + ", household net " +
                   household_.NetIncome().ToString() + ", rigid expenses " +
                   household_.RigidExpenses().ToString() + ")");
    }
  }

  // 期望风险消除: 可以 [方式=帮扶消除] | 不可以 income, months, … | 错误 E_…
  void CheckElimination() {
    if (!Has("期望风险消除")) {
      if (Has("措施") || Has("评估日期")) {
        Fail(Has("措施") ? Line("措施") : Line("评估日期"),
             "措施: and 评估日期: belong to 期望风险消除:");
      }
      return;
    }
    const int at = Line("期望风险消除");
    Verdict v;
    std::string error;
    if (!ParseVerdict(Value("期望风险消除"), v, error)) return Fail(at, error);
    std::vector<int> measures;
    if (Has("措施")) {
      for (const auto& item : SplitList(Value("措施"))) {
        auto code = ParseCode(CodeList::kMeasureCategory, item);
        if (!code) return Fail(Line("措施"), "unknown measure “" + item + "” (codes.md 帮扶措施)");
        measures.push_back(*code);
      }
    }
    Date as_of = YearEnd(year_);
    if (Has("评估日期")) {
      auto date = Date::Parse(Value("评估日期"));
      if (!date.ok()) return Fail(Line("评估日期"), "评估日期: not a date: " + Value("评估日期"));
      as_of = *date;
    }
    auto line = LineInForce(/*poverty=*/false);
    if (v.word == "错误") return ExpectError(at, v, line);
    std::set<std::string> expected;
    std::optional<int> method;
    if (v.word == "可以") {
      for (const auto& [key, value] : v.attrs) {
        if (key != "方式") return Fail(at, "可以 takes 方式=, not “" + key + "=”");
      }
      if (!v.items.empty()) return Fail(at, "可以: unexpected “" + Join(v.items) + "”");
      if (v.attrs.count("方式")) {
        method = ParseCode(CodeList::kElimination, v.attrs["方式"]);
        if (!method)
          return Fail(at, "方式: expected 帮扶消除 or 自然消除, got “" + v.attrs["方式"] + "”");
      }
    } else if (v.word == "不可以") {
      if (!v.attrs.empty()) return Fail(at, "不可以 takes the unmet conditions only");
      for (const auto& item : v.items) {
        auto key = Canonical(kUnmet, item);
        if (!key) {
          return Fail(at, "unknown condition “" + item +
                              "” (income, rigid_expense, education, medical, housing, water, "
                              "months, measures, no_labour)");
        }
        expected.insert(*key);
      }
      if (expected.empty())
        return Fail(at, "不可以 needs the unmet conditions: 不可以 income, months");
    } else {
      return Fail(at, "期望风险消除: expected 可以 …, 不可以 … or 错误 E_…, got “" + v.word + "”");
    }
    if (!line.ok()) return Unexpected(at, line.error());
    EliminationDecision d = AssessElimination(household_, set_->For(household_.village_code), year_,
                                              line->amount, as_of, measures);
    std::set<std::string> unmet(d.unmet.begin(), d.unmet.end());
    const bool eligible = v.word == "可以";
    auto describe = [](bool ok, const std::set<std::string>& u, int m) {
      if (ok) return "可以 方式=" + std::string(CodeLabel(CodeList::kElimination, m));
      return "不可以 " + Join(std::vector<std::string>(u.begin(), u.end()));
    };
    if (d.eligible != eligible || (!eligible && unmet != expected) ||
        (eligible && method && d.method != *method)) {
      Fail(at, "expected: " + describe(eligible, expected, method.value_or(d.method)) +
                   "\nactual:   " + describe(d.eligible, unmet, d.method) +
                   "\n(per-capita net income " + household_.PerCapitaIncome().ToString() +
                   ", monitoring line " + line->amount.ToString() + ", monitored since " +
                   (household_.monitor_since ? household_.monitor_since->ToString() : "—") +
                   ", as of " + as_of.ToString() + ")");
    }
  }

  void ExpectError(int at, const Verdict& v, const Result<YearlyAmount>& line) {
    if (v.items.empty()) return Fail(at, "错误 needs the error code: 错误 E_POLICY_YEAR");
    const std::string& code = v.items.front();
    std::string fragment(Trim(std::string_view(v.rest).substr(code.size())));
    if (line.ok()) {
      return Fail(at, "expected " + code + ", but the line " + line->amount.ToString() + " of " +
                          std::to_string(line->year) + " is in force");
    }
    CheckError(at, code, fragment, line.error());
  }

  void Unexpected(int at, const Error& error) {
    Fail(at, "unexpected error " + error.code + ": " + error.zh + "\n" + error.en);
  }

  // ---- regions

  struct Region {
    RegionCode code;
    int64_t poor = 0;
    std::optional<int64_t> population;
    std::optional<CountyAssessment> assessment;
  };

  bool ReadRegion(std::string_view keyword, bool county, Region& region) {
    const int at = Line(keyword);
    Pairs pairs;
    std::string error;
    if (!ParsePairs(Value(keyword), pairs, error)) {
      Fail(at, std::string(keyword) + ": " + error);
      return false;
    }
    std::set<std::string> allowed = {"区划", "贫困人口", "农业户籍人口"};
    if (county) allowed.insert({"错退率", "漏评率", "认可度"});
    for (const auto& [key, value] : pairs) {
      if (!allowed.count(key)) {
        Fail(at, std::string(keyword) + ": unknown field “" + key + "”");
        return false;
      }
    }
    const std::string* code = Find(pairs, "区划");
    auto parsed = code ? RegionCode::Parse(*code) : Result<RegionCode>(Error{"E_REGION", "", ""});
    if (!parsed.ok()) {
      Fail(at, std::string(keyword) + ": 区划= needs a region code");
      return false;
    }
    region.code = *parsed;
    const std::string* poor = Find(pairs, "贫困人口");
    auto poor_count = poor ? ParseInteger(*poor) : std::nullopt;
    if (!poor_count || *poor_count < 0) {
      Fail(at, std::string(keyword) + ": 贫困人口= needs a count");
      return false;
    }
    region.poor = *poor_count;
    const std::string* population = Find(pairs, "农业户籍人口");
    if (!population) {
      Fail(at, std::string(keyword) + ": 农业户籍人口= needs a count or 未知");
      return false;
    }
    if (*population != "未知") {
      region.population = ParseInteger(*population);
      if (!region.population) {
        Fail(at, std::string(keyword) + ": 农业户籍人口= needs a count or 未知");
        return false;
      }
    }
    if (county) {
      const std::string* rates[] = {Find(pairs, "错退率"), Find(pairs, "漏评率"),
                                    Find(pairs, "认可度")};
      const int given = (rates[0] != nullptr) + (rates[1] != nullptr) + (rates[2] != nullptr);
      if (given != 0 && given != 3) {
        Fail(at, "县: the third-party assessment is 错退率, 漏评率 and 认可度 together");
        return false;
      }
      if (given == 3) {
        auto a = ParseRatio(*rates[0]), b = ParseRatio(*rates[1]), c = ParseRatio(*rates[2]);
        if (!a || !b || !c) {
          Fail(at, "县: rates are decimals from 0 to 1 with at most 6 places (0.02)");
          return false;
        }
        region.assessment = CountyAssessment{*a, *b, *c};
      }
    }
    return true;
  }

  // The shared part of 期望出列 and 期望摘帽: the word and 发生率=.
  bool ReadRegionVerdict(std::string_view keyword, Verdict& v) {
    std::string error;
    if (!ParseVerdict(Value(keyword), v, error)) {
      Fail(Line(keyword), error);
      return false;
    }
    if (v.word != "达标" && v.word != "不达标" && v.word != "无法评估") {
      Fail(Line(keyword),
           std::string(keyword) + ": expected 达标, 不达标 or 无法评估, got “" + v.word + "”");
      return false;
    }
    for (const auto& [key, value] : v.attrs) {
      if (key != "发生率") {
        Fail(Line(keyword), std::string(keyword) + ": takes 发生率=, not “" + key + "=”");
        return false;
      }
    }
    if (v.word == "无法评估" && (!v.attrs.empty() || !v.items.empty())) {
      Fail(Line(keyword), "无法评估 takes nothing after it");
      return false;
    }
    return true;
  }

  // "达标 发生率=0.0290", "不达标 wrong_exit_rate 发生率=0.0100", "无法评估".
  static std::string Describe(const std::optional<bool>& meets,
                              const std::optional<std::string>& incidence,
                              const std::vector<std::string>& failed = {}) {
    if (!meets) return "无法评估";
    std::string out = *meets ? "达标" : "不达标";
    if (!failed.empty()) out += " " + Join(failed);
    return out + " 发生率=" + incidence.value_or("—");
  }

  // 期望出列: 达标 [发生率=0.0290] | 不达标 [发生率=…] | 无法评估
  void CheckVillage() {
    Region region;
    Verdict v;
    if (!ReadRegion("村", false, region) || !ReadRegionVerdict("期望出列", v)) return;
    if (!v.items.empty())
      return Fail(Line("期望出列"), "期望出列: unexpected “" + Join(v.items) + "”");
    IncidenceDecision d =
        AssessVillage(region.code, region.poor, region.population, set_->For(region.code));
    const std::string actual = d.meets ? (*d.meets ? "达标" : "不达标") : "无法评估";
    if (actual != v.word || (v.attrs.count("发生率") && d.incidence != v.attrs["发生率"])) {
      Fail(Line("期望出列"),
           "expected: " + Value("期望出列") + "\nactual:   " + Describe(d.meets, d.incidence));
    }
  }

  // 期望摘帽: 达标 [发生率=…] | 不达标 incidence, wrong_exit_rate, … [发生率=…] | 无法评估
  void CheckCounty() {
    Region region;
    Verdict v;
    if (!ReadRegion("县", true, region) || !ReadRegionVerdict("期望摘帽", v)) return;
    std::set<std::string> expected;
    for (const auto& item : v.items) {
      auto key = Canonical(kCountyFailures, item);
      if (!key) {
        return Fail(Line("期望摘帽"), "unknown failure “" + item +
                                          "” (incidence, wrong_exit_rate, missed_rate, "
                                          "satisfaction)");
      }
      expected.insert(*key);
    }
    if (v.word == "不达标" && expected.empty()) {
      return Fail(Line("期望摘帽"), "不达标 needs what fails: 不达标 wrong_exit_rate");
    }
    if (v.word == "达标" && !expected.empty()) {
      return Fail(Line("期望摘帽"), "达标 takes no failures");
    }
    CountyDecision d = AssessCounty(region.code, region.poor, region.population, region.assessment,
                                    set_->For(region.code));
    std::set<std::string> failed(d.failed.begin(), d.failed.end());
    const std::string actual = d.meets ? (*d.meets ? "达标" : "不达标") : "无法评估";
    if (actual != v.word || failed != expected ||
        (v.attrs.count("发生率") && d.incidence.incidence != v.attrs["发生率"])) {
      Fail(Line("期望摘帽"), "expected: " + Value("期望摘帽") + "\nactual:   " +
                                 Describe(d.meets, d.incidence.incidence, d.failed));
    }
  }

  const Scenario& s_;
  std::map<std::string, const ScenarioLine*> single_;
  std::vector<const ScenarioLine*> households_, members_;
  std::optional<PolicySet> set_;
  int year_ = 0;
  Household household_;
  std::set<std::string> warnings_;
};

class PolicyScenarioTest : public testing::TestWithParam<Scenario> {};

TEST_P(PolicyScenarioTest, DecidesAsWritten) {
  const Scenario& s = GetParam();
  testing::ScopedTrace trace(s.path.c_str(), s.line, s.title);
  ScenarioRunner(s).Run();
}

INSTANTIATE_TEST_SUITE_P(Scenarios, PolicyScenarioTest, testing::ValuesIn(LoadScenarios()),
                         [](const testing::TestParamInfo<Scenario>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace fupin
