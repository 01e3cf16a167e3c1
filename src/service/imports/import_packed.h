// Private to the import (import_*.cc): the packed, in-memory form of the rows an import
// holds until it has checked them all, and the indexes over them.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/date.h"
#include "common/id_number.h"
#include "domain/household.h"

namespace fupin::import_detail {

inline constexpr uint32_t kNoEntry = std::numeric_limits<uint32_t>::max();

// ---- Compact storage ------------------------------------------------------------------
//
// An import holds every row until it has checked them all (and, with skip_invalid, until
// it has written the rejects). As Household and Member structs, 10 million members would
// take over 3 GB; packed as below they take about a third of that. The structs are
// rebuilt one household at a time when a check or a write needs them.

// Text kept for the whole import in 1 MiB blocks, so that millions of short strings cost
// no allocation each. A reference is the text's offset; its length is stored before it.
class TextArena {
 public:
  using Ref = uint64_t;
  static constexpr Ref kEmpty = std::numeric_limits<Ref>::max();

  Ref Add(std::string_view text) {
    if (text.empty()) return kEmpty;
    const size_t need = text.size() + 10;  // the length takes at most 10 bytes
    if (used_ + need > kBlock) {
      // A text longer than a block gets a block of its own, and the next text a new one.
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(std::max(kBlock, need)));
      used_ = 0;
    }
    char* const start = blocks_.back().get() + used_;
    const Ref ref = (blocks_.size() - 1) * kBlock + used_;
    char* p = start;
    size_t n = text.size();
    do {
      *p++ = static_cast<char>((n & 0x7F) | (n > 0x7F ? 0x80 : 0));
      n >>= 7;
    } while (n);
    std::memcpy(p, text.data(), text.size());
    used_ = need > kBlock ? kBlock : used_ + (p - start) + text.size();
    return ref;
  }

  std::string_view Get(Ref ref) const {
    if (ref == kEmpty) return {};
    const char* p = blocks_[ref / kBlock].get() + ref % kBlock;
    size_t n = 0;
    for (int shift = 0;; shift += 7) {
      const auto byte = static_cast<unsigned char>(*p++);
      n |= static_cast<size_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) break;
    }
    return std::string_view(p, n);
  }

 private:
  static constexpr size_t kBlock = size_t{1} << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = kBlock;  // in the last block
};

// A vector that grows by blocks: never reallocated, so never held twice while it grows.
template <typename T>
class BlockVector {
 public:
  size_t size() const { return size_; }
  T& operator[](size_t i) { return blocks_[i >> kShift][i & kMask]; }
  const T& operator[](size_t i) const { return blocks_[i >> kShift][i & kMask]; }
  T& push_back(const T& value) {
    if ((size_ >> kShift) == blocks_.size()) {
      blocks_.push_back(std::make_unique_for_overwrite<T[]>(size_t{1} << kShift));
    }
    T& slot = (*this)[size_++];
    slot = value;
    return slot;
  }

 private:
  static constexpr int kShift = 16;
  static constexpr size_t kMask = (size_t{1} << kShift) - 1;
  std::vector<std::unique_ptr<T[]>> blocks_;
  size_t size_ = 0;
};

// Coded values (codes.h: 0–62 and 99), years, sizes and months fit in a byte or two.
inline int8_t Narrow8(int value) {
  assert(value >= std::numeric_limits<int8_t>::min() &&
         value <= std::numeric_limits<int8_t>::max());
  return static_cast<int8_t>(value);
}
inline int16_t Narrow16(int value) {
  assert(value >= std::numeric_limits<int16_t>::min() &&
         value <= std::numeric_limits<int16_t>::max());
  return static_cast<int16_t>(value);
}

inline constexpr int32_t kNoDate = std::numeric_limits<int32_t>::min();
inline int32_t PackDate(const std::optional<Date>& date) { return date ? date->days() : kNoDate; }
inline std::optional<Date> UnpackDate(int32_t days) {
  if (days == kNoDate) return std::nullopt;
  return Date::FromDays(days);
}

// A tripwire: a field added to Household or Member must be added to the packed forms.
static_assert(sizeof(Household) == 280 && sizeof(Member) == 160,
              "Household or Member changed: update PackedHousehold/PackedMember and their "
              "Pack/Unpack functions in import_packed.cc");

// One 人表 row: a Member and where it came from.
struct PackedMember {
  enum Flag : uint8_t {
    kIdPacked = 1,  // `id` is a packed 居民身份证 number, else a TextArena ref
    kResidentMedical = 2,
    kEmployeeMedical = 4,
    kPension = 8,
    kDibao = 16,
    kTekun = 32,
    // The register holds this ID number in this same household (Importer::CheckRegister).
    kRegisteredHere = 64,
  };
  uint64_t id;
  TextArena::Ref name;
  uint64_t health;  // CodeSet bits
  uint64_t line;
  uint32_t next;       // the household's next member, or kNoEntry
  uint32_t ethnicity;  // index into Importer::ethnicities_
  int32_t birth_date;
  int8_t id_type, relation, sex, education, school_status, disability_grade, labor, months_worked;
  uint8_t flags;
};

// One 户表 row (its 户编号 is in the HouseholdIndex under the same entry number) and the
// import's state for it.
struct PackedHousehold {
  int64_t village;
  int64_t money[8];  // wage … disaster_loss, in fen
  uint64_t other_causes, risk_types;
  uint64_t line;
  TextArena::Ref phone;
  TextArena::Ref village_group;
  uint32_t first_member, last_member, member_count;
  int32_t monitor_since;
  int16_t registered_year, exit_year;
  int8_t kind, poverty_status, attribute, main_cause, size, housing_grade, renovation, relocation,
      monitor_type, monitor_status;
  bool food_secure, clothing_secure, water_safe;
  bool valid;       // no error so far
  bool seen_twice;  // its 户编号 is on more than one 户表 row
  bool checked;     // CheckHouseholdMembers ran while the rows were read (see Importer)
  bool written;     // in the open transaction
};

PackedHousehold PackHousehold(const Household& h, TextArena& text);

// Fills `h` but for its members (left untouched).
void UnpackHousehold(const PackedHousehold& p, std::string_view code, const TextArena& text,
                     Household& h);

void UnpackMember(const PackedMember& p, const TextArena& text,
                  const std::vector<std::string>& ethnicities, Member& m);

// 户编号 → entry number, built while the 户表 is read and only read afterwards (by both
// threads). Open addressing over the entries; the codes live in one string.
class HouseholdIndex {
 public:
  // The entry of `code`: a new code becomes entry size(), and `inserted` says so.
  std::pair<uint32_t, bool> Insert(std::string_view code) {
    if ((size() + 1) * 10 > slots_.size() * 7) Grow();
    const uint64_t hash = Hash(code);
    size_t i = Home(hash);
    for (; slots_[i]; i = (i + 1) & (slots_.size() - 1)) {
      const uint32_t entry = Entry(slots_[i]);
      if ((slots_[i] >> 32) == (hash >> 32) && Code(entry) == code) return {entry, false};
    }
    const auto entry = static_cast<uint32_t>(size());
    slots_[i] = Slot(hash, entry);
    codes_.append(code);
    starts_.push_back(codes_.size());
    return {entry, true};
  }

  uint32_t Find(std::string_view code) const {
    if (slots_.empty()) return kNoEntry;
    const uint64_t hash = Hash(code);
    for (size_t i = Home(hash); slots_[i]; i = (i + 1) & (slots_.size() - 1)) {
      const uint32_t entry = Entry(slots_[i]);
      if ((slots_[i] >> 32) == (hash >> 32) && Code(entry) == code) return entry;
    }
    return kNoEntry;
  }

  std::string_view Code(uint32_t entry) const {
    return std::string_view(codes_).substr(starts_[entry], starts_[entry + 1] - starts_[entry]);
  }
  size_t size() const { return starts_.size() - 1; }

 private:
  static uint64_t Hash(std::string_view code) { return std::hash<std::string_view>()(code); }
  static uint64_t Slot(uint64_t hash, uint32_t entry) {
    return (hash & 0xFFFFFFFF00000000ULL) | (static_cast<uint64_t>(entry) + 1);
  }
  static uint32_t Entry(uint64_t slot) { return static_cast<uint32_t>(slot) - 1; }
  size_t Home(uint64_t hash) const { return hash & (slots_.size() - 1); }
  void Grow() {
    slots_.assign(slots_.empty() ? 1024 : slots_.size() * 2, 0);
    for (uint32_t entry = 0; entry < size(); ++entry) {
      const uint64_t hash = Hash(Code(entry));
      size_t i = Home(hash);
      while (slots_[i]) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = Slot(hash, entry);
    }
  }

  std::string codes_;
  std::vector<uint64_t> starts_{0};  // entry i is codes_[starts_[i], starts_[i + 1])
  std::vector<uint64_t> slots_;      // hash's high half, entry + 1; 0 = empty
};

// The line where each person (ID type and number) was first seen, to find a person twice
// in one import. 居民身份证 numbers, nearly all of them, go to a table of 12-byte slots.
class PersonLines {
 public:
  // The line where the person was seen before, or 0 when this is the first time (then
  // `line` is kept as theirs).
  size_t FirstSeen(int id_type, const std::string& number, size_t line) {
    std::optional<uint64_t> key;
    if (id_type == code::kResidentId) key = PackIdNumber(number);
    if (!key) {
      auto [it, inserted] = others_.try_emplace(std::to_string(id_type) + ':' + number, line);
      return inserted ? 0 : it->second;
    }
    if ((size_ + 1) * 10 > slots_.size() * 7) Grow();
    size_t i = Home(*key);
    for (; slots_[i].line; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].key() == *key) {
        return slots_[i].line == kLongLine ? long_lines_.at(*key) : slots_[i].line;
      }
    }
    Put(i, *key, line);
    ++size_;
    return 0;
  }

 private:
  static constexpr uint32_t kLongLine = std::numeric_limits<uint32_t>::max();
  struct Slot {
    uint32_t key_high, key_low, line;  // line 0 = empty (data starts on line 2)
    uint64_t key() const { return static_cast<uint64_t>(key_high) << 32 | key_low; }
  };
  size_t Home(uint64_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> 32) & (slots_.size() - 1);
  }
  void Put(size_t i, uint64_t key, size_t line) {
    if (line >= kLongLine) long_lines_[key] = line;
    slots_[i] = {static_cast<uint32_t>(key >> 32), static_cast<uint32_t>(key),
                 static_cast<uint32_t>(std::min<size_t>(line, kLongLine))};
  }
  void Grow() {
    std::vector<Slot> old(slots_.empty() ? 1024 : slots_.size() * 2, Slot{0, 0, 0});
    old.swap(slots_);
    for (const Slot& s : old) {
      if (!s.line) continue;
      size_t i = Home(s.key());
      while (slots_[i].line) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
  std::unordered_map<uint64_t, size_t> long_lines_;  // lines past 2^32 - 2
  std::unordered_map<std::string, size_t> others_;   // other ID types, odd numbers
};

}  // namespace fupin::import_detail
