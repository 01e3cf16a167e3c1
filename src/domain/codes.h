// The code lists of spec/codes.md (代码表): each coded field accepts the code or the
// Chinese label; exports write the label; JSON writes the code.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fupin {

enum class CodeList {
  kHouseholdKind,    // 户类型
  kPovertyStatus,    // 贫困状态
  kAttribute,        // 户属性
  kCause,            // 致贫原因
  kHousingGrade,     // 住房安全等级 A–D (codes 1–4)
  kRenovation,       // 危房改造
  kRelocation,       // 易地搬迁
  kMonitorType,      // 监测对象类型
  kMonitorStatus,    // 监测状态
  kElimination,      // 风险消除方式
  kRiskType,         // 风险类型
  kMeasureCategory,  // 帮扶措施
  kIdType,           // 证件类型
  kRelation,         // 与户主关系
  kSex,              // 性别
  kEducation,        // 文化程度
  kSchoolStatus,     // 在校生状况
  kHealth,           // 健康状况
  kDisabilityGrade,  // 残疾等级
  kLabor,            // 劳动能力
};

struct CodeEntry {
  int code;                // numeric value (housing grades: A=1 … D=4)
  std::string_view text;   // the code as listed: "01", "1", "A"
  std::string_view label;  // Chinese label: "因病"
};

// Every entry of a list, in the order of codes.md.
std::span<const CodeEntry> CodeEntries(CodeList list);

// Accepts the code or the label (surrounding spaces ignored; numeric codes compare as
// numbers so "1" = "01"; letters ignore case). nullopt when not in the list.
std::optional<int> ParseCode(CodeList list, std::string_view text);

// The label / listed code text of a valid code; "" for a code not in the list.
std::string_view CodeLabel(CodeList list, int code);
std::string_view CodeText(CodeList list, int code);

// A set of codes of one list (multi-valued fields). Codes 0–62 map to their own bit and
// 99 (其他) to bit 63.
class CodeSet {
 public:
  constexpr CodeSet() = default;
  static constexpr CodeSet FromBits(uint64_t bits) {
    CodeSet s;
    s.bits_ = bits;
    return s;
  }
  void Add(int code) { bits_ |= Bit(code); }
  bool Has(int code) const { return (bits_ & Bit(code)) != 0; }
  bool empty() const { return bits_ == 0; }
  uint64_t bits() const { return bits_; }
  // Codes in ascending order (99 last).
  std::vector<int> Codes() const;
  friend bool operator==(CodeSet a, CodeSet b) = default;

 private:
  static constexpr uint64_t Bit(int code) { return uint64_t{1} << (code == 99 ? 63 : code); }
  uint64_t bits_ = 0;
};

// Parses a multi-valued field: values separated by ';', '；', '、' or '|'. Empty text is
// the empty set. On a value not in the list returns nullopt and sets *bad to that value.
std::optional<CodeSet> ParseCodeSet(CodeList list, std::string_view text, std::string* bad);

// Joins the labels with '；' (exports) or the listed code texts with ';' (storage).
std::string CodeSetLabels(CodeList list, CodeSet set);
std::string CodeSetTexts(CodeList list, CodeSet set);

// Yes/no: 是/否, Y/N, 1/0, true/false, yes/no (case-insensitive, spaces ignored).
std::optional<bool> ParseYesNo(std::string_view text);
inline std::string_view YesNoLabel(bool value) { return value ? "是" : "否"; }

// Named codes used by rules.
namespace code {
inline constexpr int kRegistered = 1, kOrdinary = 2;                          // 户类型
inline constexpr int kPoor = 0, kExited = 1, kReturned = 3, kRemoved = 9;     // 贫困状态
inline constexpr int kNotMonitored = 0;                                       // 监测对象类型
inline constexpr int kMonitorNone = 0, kMonitoring = 1, kRiskEliminated = 2;  // 监测状态
inline constexpr int kHead = 1;  // 与户主关系 户主
inline constexpr int kHealthy = 1, kChronic = 2, kSerious = 3, kDisabled = 4;  // 健康状况
inline constexpr int kCauseIllness = 1, kCauseDisability = 2, kCauseSchooling = 3;
inline constexpr int kResidentId = 1;        // 证件类型
inline constexpr int kRenovationDone = 2;    // 危房改造 已竣工
inline constexpr int kRelocatedMovedIn = 2;  // 易地搬迁 已搬迁入住
}  // namespace code

}  // namespace fupin
