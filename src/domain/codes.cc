#include "domain/codes.h"

#include <array>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

#include "common/text.h"

namespace fupin {
namespace {

constexpr CodeEntry kHouseholdKind[] = {{1, "1", "建档立卡户"}, {2, "2", "普通农户"}};
constexpr CodeEntry kPovertyStatus[] = {
    {0, "0", "未脱贫"}, {1, "1", "已脱贫"}, {3, "3", "返贫"}, {9, "9", "已剔除"}};
constexpr CodeEntry kAttribute[] = {{1, "1", "一般户"}, {2, "2", "低保户"}, {3, "3", "特困供养户"}};
constexpr CodeEntry kCause[] = {{1, "01", "因病"},
                                {2, "02", "因残"},
                                {3, "03", "因学"},
                                {4, "04", "因灾"},
                                {5, "05", "缺土地"},
                                {6, "06", "缺水"},
                                {7, "07", "缺技术"},
                                {8, "08", "缺劳动力"},
                                {9, "09", "缺资金"},
                                {10, "10", "交通条件落后"},
                                {11, "11", "自身发展动力不足"},
                                {12, "12", "因婚"},
                                {99, "99", "其他"}};
constexpr CodeEntry kHousingGrade[] = {{1, "A", "A"}, {2, "B", "B"}, {3, "C", "C"}, {4, "D", "D"}};
constexpr CodeEntry kRenovation[] = {{0, "0", "无"}, {1, "1", "改造中"}, {2, "2", "已竣工"}};
constexpr CodeEntry kRelocation[] = {
    {0, "0", "否"}, {1, "1", "已搬迁未入住"}, {2, "2", "已搬迁入住"}};
constexpr CodeEntry kMonitorType[] = {{0, "0", "非监测对象"},
                                      {1, "1", "脱贫不稳定户"},
                                      {2, "2", "边缘易致贫户"},
                                      {3, "3", "突发严重困难户"}};
constexpr CodeEntry kMonitorStatus[] = {{0, "0", "无"}, {1, "1", "监测中"}, {2, "2", "风险已消除"}};
constexpr CodeEntry kElimination[] = {{1, "1", "帮扶消除"}, {2, "2", "自然消除"}};
constexpr CodeEntry kRiskType[] = {
    {1, "01", "因病"},           {2, "02", "因学"},       {3, "03", "因残"},
    {4, "04", "因自然灾害"},     {5, "05", "因意外事故"}, {6, "06", "因产业项目失败"},
    {7, "07", "因务工就业不稳"}, {8, "08", "缺劳动力"},   {9, "09", "住房安全问题"},
    {10, "10", "饮水安全问题"},  {99, "99", "其他"}};
constexpr CodeEntry kMeasureCategory[] = {
    {1, "01", "产业帮扶"},          {2, "02", "就业帮扶"},  {3, "03", "金融帮扶（小额信贷）"},
    {4, "04", "公益岗位帮扶"},      {5, "05", "健康帮扶"},  {6, "06", "义务教育保障"},
    {7, "07", "其他教育帮扶"},      {8, "08", "综合保障"},  {9, "09", "住房安全保障"},
    {10, "10", "饮水安全保障"},     {11, "11", "社会帮扶"}, {12, "12", "易地搬迁"},
    {13, "13", "生产生活条件改善"}, {99, "99", "其他"}};
constexpr CodeEntry kIdType[] = {
    {1, "1", "居民身份证"}, {2, "2", "户口簿"}, {3, "3", "出生医学证明"}, {9, "9", "其他"}};
constexpr CodeEntry kRelation[] = {
    {1, "01", "户主"},     {2, "02", "配偶"},      {3, "03", "之子"},        {4, "04", "之女"},
    {5, "05", "之儿媳"},   {6, "06", "之女婿"},    {7, "07", "之孙子"},      {8, "08", "之孙女"},
    {9, "09", "之外孙子"}, {10, "10", "之外孙女"}, {11, "11", "之父"},       {12, "12", "之母"},
    {13, "13", "之岳父"},  {14, "14", "之岳母"},   {15, "15", "之公公"},     {16, "16", "之婆婆"},
    {17, "17", "之祖父"},  {18, "18", "之祖母"},   {19, "19", "之兄弟姐妹"}, {99, "99", "其他"}};
constexpr CodeEntry kSex[] = {{1, "1", "男"}, {2, "2", "女"}};
constexpr CodeEntry kEducation[] = {
    {0, "0", "学龄前"}, {1, "1", "文盲或半文盲"}, {2, "2", "小学"},      {3, "3", "初中"},
    {4, "4", "高中"},   {5, "5", "大专"},         {6, "6", "本科及以上"}};
constexpr CodeEntry kSchoolStatus[] = {
    {0, "00", "非在校生"},  {1, "01", "学龄前儿童"},     {2, "02", "学前教育"},
    {3, "03", "小学"},      {4, "04", "七至九年级"},     {5, "05", "普通高中"},
    {6, "06", "中职"},      {7, "07", "高职高专"},       {8, "08", "本科及以上"},
    {10, "10", "送教上门"}, {11, "11", "因病（残）休学"}};
constexpr CodeEntry kHealth[] = {
    {1, "1", "健康"}, {2, "2", "长期慢性病"}, {3, "3", "患有大病"}, {4, "4", "残疾"}};
constexpr CodeEntry kDisabilityGrade[] = {
    {1, "1", "一级"}, {2, "2", "二级"}, {3, "3", "三级"}, {4, "4", "四级"}};
constexpr CodeEntry kLabor[] = {{1, "1", "普通劳动力"},
                                {2, "2", "技能劳动力"},
                                {3, "3", "弱劳动力或半劳动力"},
                                {4, "4", "丧失劳动力"},
                                {5, "5", "无劳动力"}};

}  // namespace

std::span<const CodeEntry> CodeEntries(CodeList list) {
  switch (list) {
    case CodeList::kHouseholdKind:
      return kHouseholdKind;
    case CodeList::kPovertyStatus:
      return kPovertyStatus;
    case CodeList::kAttribute:
      return kAttribute;
    case CodeList::kCause:
      return kCause;
    case CodeList::kHousingGrade:
      return kHousingGrade;
    case CodeList::kRenovation:
      return kRenovation;
    case CodeList::kRelocation:
      return kRelocation;
    case CodeList::kMonitorType:
      return kMonitorType;
    case CodeList::kMonitorStatus:
      return kMonitorStatus;
    case CodeList::kElimination:
      return kElimination;
    case CodeList::kRiskType:
      return kRiskType;
    case CodeList::kMeasureCategory:
      return kMeasureCategory;
    case CodeList::kIdType:
      return kIdType;
    case CodeList::kRelation:
      return kRelation;
    case CodeList::kSex:
      return kSex;
    case CodeList::kEducation:
      return kEducation;
    case CodeList::kSchoolStatus:
      return kSchoolStatus;
    case CodeList::kHealth:
      return kHealth;
    case CodeList::kDisabilityGrade:
      return kDisabilityGrade;
    case CodeList::kLabor:
      return kLabor;
  }
  return {};
}

namespace {

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A list's labels, and its codes that are not numbers (lower-case), in a small hash table
// built once: ParseCode runs for most cells of an import.
class LabelTable {
 public:
  explicit LabelTable(std::span<const CodeEntry> entries) {
    for (size_t i = 0; i < entries.size(); ++i) {
      Add(entries[i].label, static_cast<int>(i), false);
      if (!AllDigits(entries[i].text) && entries[i].text.size() <= kMaxLower) {
        auto& lower = lower_texts_.emplace_back(entries[i].text);
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    // The lower-case codes are added once lower_texts_ stops growing (views into it).
    size_t k = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (!AllDigits(entries[i].text) && entries[i].text.size() <= kMaxLower) {
        Add(lower_texts_[k++], static_cast<int>(i), true);
      }
    }
  }

  // The first entry whose label is `text`, or whose code is `text` ignoring case; -1.
  int Find(std::string_view text) const {
    int found = Probe(text, false);
    if (text.size() <= kMaxLower) {
      char lower[kMaxLower];
      for (size_t i = 0; i < text.size(); ++i) {
        lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
      }
      const int by_code = Probe(std::string_view(lower, text.size()), true);
      if (by_code >= 0 && (found < 0 || by_code < found)) found = by_code;
    }
    return found;
  }

 private:
  static constexpr size_t kSlots = 128;  // a list has at most a few dozen keys
  static constexpr size_t kMaxLower = 8;
  struct Slot {
    std::string_view key;
    int entry = -1;
    bool lower = false;
  };
  static size_t Hash(std::string_view text, bool lower) {
    uint64_t h = lower ? 0x84222325u : 14695981039346656037ULL;
    for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return static_cast<size_t>(h ^ (h >> 29));
  }
  void Add(std::string_view key, int entry, bool lower) {
    for (size_t i = Hash(key, lower) % kSlots;; i = (i + 1) % kSlots) {
      Slot& s = slots_[i];
      if (s.entry < 0) {
        s = {key, entry, lower};
        return;
      }
      if (s.lower == lower && s.key == key) return;  // an earlier entry has it
    }
  }
  int Probe(std::string_view key, bool lower) const {
    for (size_t i = Hash(key, lower) % kSlots;; i = (i + 1) % kSlots) {
      const Slot& s = slots_[i];
      if (s.entry < 0) return -1;
      if (s.lower == lower && s.key == key) return s.entry;
    }
  }
  std::array<Slot, kSlots> slots_{};
  std::vector<std::string> lower_texts_;
};

const LabelTable& LabelsOf(CodeList list) {
  static const auto tables = [] {
    std::vector<LabelTable> t;
    for (int i = 0; i <= static_cast<int>(CodeList::kLabor); ++i) {
      t.emplace_back(CodeEntries(static_cast<CodeList>(i)));
    }
    return t;
  }();
  return tables[static_cast<size_t>(list)];
}

}  // namespace

std::optional<int> ParseCode(CodeList list, std::string_view text) {
  text = TrimSpaces(text);
  if (text.empty()) return std::nullopt;
  auto entries = CodeEntries(list);
  if (AllDigits(text)) {
    if (text.size() > 4) return std::nullopt;
    int value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    for (const auto& e : entries) {
      if (e.text[0] >= '0' && e.text[0] <= '9' && e.code == value) return e.code;
    }
    return std::nullopt;
  }
  // The first entry whose label is the text or whose code is the text ignoring case.
  const int entry = LabelsOf(list).Find(text);
  if (entry < 0) return std::nullopt;
  return entries[entry].code;
}

std::string_view CodeLabel(CodeList list, int code) {
  for (const auto& e : CodeEntries(list)) {
    if (e.code == code) return e.label;
  }
  return {};
}

std::string_view CodeText(CodeList list, int code) {
  for (const auto& e : CodeEntries(list)) {
    if (e.code == code) return e.text;
  }
  return {};
}

std::vector<int> CodeSet::Codes() const {
  std::vector<int> codes;
  for (int bit = 0; bit < 64; ++bit) {
    if (bits_ & (uint64_t{1} << bit)) codes.push_back(bit == 63 ? 99 : bit);
  }
  return codes;
}

std::optional<CodeSet> ParseCodeSet(CodeList list, std::string_view text, std::string* bad) {
  CodeSet set;
  // Separators: ';' '|' and the full-width '；' (EF BC 9B) and '、' (E3 80 81).
  size_t start = 0;
  auto take = [&](size_t end) -> bool {
    std::string_view part = TrimSpaces(text.substr(start, end - start));
    if (!part.empty()) {
      auto code = ParseCode(list, part);
      if (!code) {
        if (bad) *bad = std::string(part);
        return false;
      }
      set.Add(*code);
    }
    return true;
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t sep_len = 0;
    if (text[i] == ';' || text[i] == '|') {
      sep_len = 1;
    } else if (text.substr(i, 3) == "\xEF\xBC\x9B" || text.substr(i, 3) == "\xE3\x80\x81") {
      sep_len = 3;
    }
    if (sep_len) {
      if (!take(i)) return std::nullopt;
      i += sep_len;
      start = i;
    } else {
      ++i;
    }
  }
  if (!take(text.size())) return std::nullopt;
  return set;
}

std::string CodeSetLabels(CodeList list, CodeSet set) {
  std::string out;
  for (int code : set.Codes()) {
    if (!out.empty()) out += "；";
    out += CodeLabel(list, code);
  }
  return out;
}

std::string CodeSetTexts(CodeList list, CodeSet set) {
  std::string out;
  for (int code : set.Codes()) {
    if (!out.empty()) out += ';';
    out += CodeText(list, code);
  }
  return out;
}

std::optional<bool> ParseYesNo(std::string_view text) {
  text = TrimSpaces(text);
  if (text == "是") return true;  // the common cases first
  if (text == "否") return false;
  static constexpr std::array<std::string_view, 5> kYes = {"是", "y", "1", "true", "yes"};
  static constexpr std::array<std::string_view, 5> kNo = {"否", "n", "0", "false", "no"};
  for (auto y : kYes) {
    if (EqualsIgnoreCase(text, y)) return true;
  }
  for (auto n : kNo) {
    if (EqualsIgnoreCase(text, n)) return false;
  }
  return std::nullopt;
}

}  // namespace fupin
