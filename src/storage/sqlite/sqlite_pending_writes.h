// Private to the SQLite store: how SqliteStore holds back the rows of a transaction. The
// keys it wrote are remembered as fingerprints, and person_index rows wait to be written in
// key order.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/id_number.h"
#include "domain/codes.h"
#include "storage/sqlite/sqlite_db.h"

namespace fupin::sqlite {

// Asks for huge pages under a large table whose lookups land anywhere in it: with 4 KiB
// pages nearly every lookup would miss the TLB as well as the caches. Call it before the
// memory is first written.
inline void AdviseHugePages(void* data, size_t bytes) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const auto start = reinterpret_cast<uintptr_t>(data);
  const uintptr_t begin = (start + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (start + bytes) & ~(kHuge - 1);
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

// A set of 64-bit fingerprints (open addressing, linear probing). Contains() may say yes
// for a key that was never added, when two keys share a fingerprint; never no for one
// that was.
class FingerprintSet {
 public:
  // Starts loading the slot where `fingerprint` would be: the set is too large for the
  // caches, and a few lookups started together wait for memory once, not each in turn.
  void Prefetch(uint64_t fingerprint) const {
    if (size_) __builtin_prefetch(&slots_[Home(NonZero(fingerprint))]);
  }
  bool Contains(uint64_t fingerprint) const {
    if (!size_) return false;
    fingerprint = NonZero(fingerprint);
    for (size_t i = Home(fingerprint);; i = (i + 1) & (capacity_ - 1)) {
      if (slots_[i] == fingerprint) return true;
      if (slots_[i] == 0) return false;
    }
  }
  void Insert(uint64_t fingerprint) {
    if ((size_ + 1) * 10 > capacity_ * 7) Grow();
    fingerprint = NonZero(fingerprint);
    for (size_t i = Home(fingerprint);; i = (i + 1) & (capacity_ - 1)) {
      if (slots_[i] == fingerprint) return;
      if (slots_[i] == 0) {
        slots_[i] = fingerprint;
        ++size_;
        return;
      }
    }
  }
  void Clear() {
    slots_.reset();
    size_ = capacity_ = 0;
  }

 private:
  static uint64_t NonZero(uint64_t f) { return f ? f : 1; }
  size_t Home(uint64_t f) const {
    // Fibonacci hashing spreads keys that differ in a few low digits.
    return static_cast<size_t>((f * 0x9E3779B97F4A7C15ULL) >> 32) & (capacity_ - 1);
  }
  void Grow() {
    std::unique_ptr<uint64_t[]> old = std::move(slots_);
    const size_t old_capacity = capacity_;
    capacity_ = old_capacity ? old_capacity * 2 : 1024;
    slots_ = std::make_unique_for_overwrite<uint64_t[]>(capacity_);
    AdviseHugePages(slots_.get(), capacity_ * sizeof(uint64_t));
    std::fill_n(slots_.get(), capacity_, 0);
    size_ = 0;
    for (size_t i = 0; i < old_capacity; ++i) {
      if (old[i]) Insert(old[i]);
    }
  }
  std::unique_ptr<uint64_t[]> slots_;  // 0 = empty
  size_t capacity_ = 0;
  size_t size_ = 0;
};

inline uint64_t HashText(int64_t salt, std::string_view text) {
  return std::hash<std::string_view>()(text) ^
         (static_cast<uint64_t>(salt) * 0x9E3779B97F4A7C15ULL);
}

// The person_index rows of a transaction, held back until something reads person_index
// or the transaction commits, then written in key order: ID numbers come in no order at
// all, and a B-tree takes sorted keys several times faster than random ones.
class PendingPersons {
 public:
  bool empty() const { return packed_.empty() && text_.empty(); }

  // The rows of one household's members follow its AddOwner.
  void AddOwner(int64_t county, std::string_view code) {
    owners_.push_back({county, codes_.size(), static_cast<uint32_t>(code.size())});
    codes_.append(code);
  }
  // `packed` is PackIdNumber(number) for a 居民身份证 number, when it packs.
  void Add(int id_type, std::string_view number, std::optional<uint64_t> packed) {
    const auto owner = static_cast<uint32_t>(owners_.size() - 1);
    if (packed) {
      packed_.push_back(
          {static_cast<uint32_t>(*packed >> 32), static_cast<uint32_t>(*packed), owner});
    } else {
      text_.push_back({id_type, std::string(number), owner});
    }
  }

  // Writes every row through `out` (id_type, id_number, county_code, household_code) in
  // key order, and empties the set.
  Status Flush(Database& db, sqlite::BatchInsert& out) {
    std::sort(packed_.begin(), packed_.end(),
              [](const Packed& a, const Packed& b) { return a.key() < b.key(); });
    std::sort(text_.begin(), text_.end(), [](const TextKey& a, const TextKey& b) {
      return a.id_type != b.id_type ? a.id_type < b.id_type : a.number < b.number;
    });
    char digits[18];
    Status status;
    for (const auto& p : packed_) {
      const Owner& h = owners_[p.owner];
      out.Int(code::kResidentId).Text(UnpackIdNumber(p.key(), digits)).Int(h.county);
      out.Text(std::string_view(codes_).substr(h.code_begin, h.code_size));
      status = out.EndRow(db);
      if (!status.ok()) break;
    }
    for (const auto& t : text_) {
      if (!status.ok()) break;
      const Owner& h = owners_[t.owner];
      out.Int(t.id_type).Text(t.number).Int(h.county);
      out.Text(std::string_view(codes_).substr(h.code_begin, h.code_size));
      status = out.EndRow(db);
    }
    if (status.ok()) status = out.Flush(db);
    Clear();
    return status;
  }

  void Clear() {
    std::vector<Packed>().swap(packed_);
    std::vector<TextKey>().swap(text_);
    std::vector<Owner>().swap(owners_);
    std::string().swap(codes_);
  }

 private:
  struct Owner {  // the household of some rows
    int64_t county;
    size_t code_begin;
    uint32_t code_size;
  };
  // 12 bytes: the key in two halves, so that no padding is needed.
  struct Packed {
    uint32_t key_high, key_low, owner;
    uint64_t key() const { return static_cast<uint64_t>(key_high) << 32 | key_low; }
  };
  struct TextKey {
    int id_type;
    std::string number;
    uint32_t owner;
  };
  std::vector<Packed> packed_;
  std::vector<TextKey> text_;
  std::vector<Owner> owners_;
  std::string codes_;
};

}  // namespace fupin::sqlite
