// The new findings of one run (a comparison or a quality check) in a compact form (issue
// 13): their strings in a few large buffers (an arena), a small fixed-size record per
// finding. A bulk list raises millions of findings; as FindingRows (a dozen std::strings
// each) they were 1.5 GB of fresh memory, here they are their text and 56 bytes each.
// The list rows of a comparison's findings need not be in the arena: a finding added with
// AddSourced keeps where its row is in the list, and the batch's FindingRowSource writes
// the row when it is read (AppendRow).
// Every finding of a batch is open and undecided, of one list (0 for a quality check) and
// one created_at. Iterating a batch gives each finding as a FindingRow, filled in one
// buffer of the iterator (valid until the iterator moves on).
// Threading: a batch is one thread's, or handed over whole; once complete, any number of
// threads may read it (FindingBlocks reads it on its builders).
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/compare_store.h"

namespace fupin {

// Where the list rows of a batch's findings come from when they are not in its arena
// (FindingBatch::AddSourced): a comparison's list, whose rows are written (as JSON) only
// when a finding's row is read — when it is stored, most of the time on the thread that
// builds the blocks. Implementations keep what they read alive; read from any thread.
class FindingRowSource {
 public:
  virtual ~FindingRowSource() = default;
  // Appends the row at [offset, offset + length) of the source's text to `out`.
  virtual void AppendRow(uint32_t offset, uint32_t length, std::string& out) const = 0;
  // Hints that that row is wanted soon.
  virtual void Prefetch(uint32_t offset) const = 0;
};

class FindingBatch {
 public:
  FindingBatch() = default;
  FindingBatch(FindingBatch&&) noexcept = default;
  FindingBatch& operator=(FindingBatch&&) noexcept = default;

  // The findings of `rows` (new ones: open, undecided), in their order, ids kept.
  static FindingBatch FromRows(const std::deque<FindingRow>& rows);
  // The findings as rows, in their order.
  std::deque<FindingRow> ToRows() const;

  // Appends a finding (id 0). A finding of a person has its ID number as the subject: then
  // `subject` is "" as in FindingRow.
  void Add(std::string_view rule, std::string_view subject, int64_t village_code,
           std::string_view household_code, std::string_view id_number, std::string_view name,
           std::string_view detail, std::string_view row);
  // The same with the list row written by the batch's row source (set_row_source) from
  // [row_offset, row_offset + row_length) of its text whenever it is read.
  void AddSourced(std::string_view rule, std::string_view subject, int64_t village_code,
                  std::string_view household_code, std::string_view id_number,
                  std::string_view name, std::string_view detail, uint32_t row_offset,
                  uint32_t row_length);
  // The source of the rows of AddSourced; one per batch (Append keeps it).
  void set_row_source(std::shared_ptr<const FindingRowSource> source) {
    row_source_ = std::move(source);
  }
  // Appends the findings of `other`, in order (its buffers move, nothing is copied); both
  // have the same row source, or one has none.
  void Append(FindingBatch&& other);

  // Room for `n` findings' records (address space only until they are written).
  void Reserve(size_t n) { records_.reserve(n); }
  size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }

  int64_t list_id() const { return list_id_; }
  void set_list_id(int64_t id) { list_id_ = id; }
  const std::string& created_at() const { return created_at_; }
  void set_created_at(std::string at) { created_at_ = std::move(at); }

  // The fields of finding `i`.
  std::string_view rule(size_t i) const { return rules_[records_[i].rule]; }
  size_t rule_index(size_t i) const { return records_[i].rule; }
  const std::vector<std::string>& rules() const { return rules_; }
  std::string_view subject(size_t i) const { return Part(i, 0); }
  std::string_view household_code(size_t i) const { return Part(i, 1); }
  std::string_view id_number(size_t i) const { return Part(i, 2); }
  std::string_view name(size_t i) const { return Part(i, 3); }
  std::string_view detail(size_t i) const { return Part(i, 4); }
  // The list row of finding `i` (the JSON of its columns; may be empty), appended to `out`.
  void AppendRow(size_t i, std::string& out) const {
    const Record& r = records_[i];
    if (r.row_offset == kInArena) {
      out.append(Part(i, 5));
    } else {
      row_source_->AppendRow(r.row_offset, r.length[5], out);
    }
  }
  int64_t village_code(size_t i) const { return records_[i].village_code; }
  int64_t id(size_t i) const { return records_[i].id; }
  void set_id(size_t i, int64_t id) { records_[i].id = id; }

  // The size of finding `i`'s list row when in the arena; about it (the record's size in
  // the source, twice) when written from the row source.
  size_t row_size_hint(size_t i) const {
    const Record& r = records_[i];
    return r.row_offset == kInArena ? r.length[5] : 2 * size_t{r.length[5]};
  }

  // Hints that finding `i`'s record, or its text (its record read), is wanted soon.
  void PrefetchRecord(size_t i) const { __builtin_prefetch(&records_[i]); }
  void PrefetchText(size_t i) const {
    const Record& r = records_[i];
    const char* text = chunks_[r.chunk].data.get() + r.offset;
    __builtin_prefetch(text);
    __builtin_prefetch(text + 64);
    __builtin_prefetch(text + 128);
    if (r.row_offset != kInArena) row_source_->Prefetch(r.row_offset);
  }

  // Finding `i` as a FindingRow, into `out` (its strings' memory reused).
  void Fill(size_t i, FindingRow& out) const;
  // Removes the findings `drop(i)` picks, keeping the others' order; returns how many.
  size_t EraseIf(const std::function<bool(size_t)>& drop);

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = FindingRow;
    using difference_type = std::ptrdiff_t;
    using pointer = const FindingRow*;
    using reference = const FindingRow&;

    const_iterator() = default;
    const_iterator(const FindingBatch* batch, size_t i) : batch_(batch), i_(i) {}
    const_iterator(const const_iterator& o) : batch_(o.batch_), i_(o.i_) {}
    const_iterator& operator=(const const_iterator& o) {
      batch_ = o.batch_;
      i_ = o.i_;
      filled_ = false;
      return *this;
    }
    const FindingRow& operator*() const {
      if (!filled_) {
        batch_->Fill(i_, row_);
        filled_ = true;
      }
      return row_;
    }
    const FindingRow* operator->() const { return &**this; }
    const_iterator& operator++() {
      ++i_;
      filled_ = false;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }
    size_t index() const { return i_; }

   private:
    const FindingBatch* batch_ = nullptr;
    size_t i_ = 0;
    mutable FindingRow row_;
    mutable bool filled_ = false;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, records_.size()}; }

 private:
  static constexpr size_t kParts = 6;  // subject, household, ID number, name, detail, row
  static constexpr size_t kChunkBytes = size_t{16} << 20;
  static constexpr uint32_t kInArena = UINT32_MAX;  // Record::row_offset of a row in the arena

  struct Record {
    int64_t village_code = 0;
    int64_t id = 0;
    uint32_t chunk = 0, offset = 0;  // the parts, one after the other
    uint32_t length[kParts] = {};    // the row's: in the arena, or in the row source
    uint32_t row_offset = kInArena;
    uint16_t rule = 0;
  };
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t size = 0, capacity = 0;
  };

  std::string_view Part(size_t i, size_t part) const {
    const Record& r = records_[i];
    size_t at = r.offset;
    for (size_t k = 0; k < part; ++k) at += r.length[k];
    return {chunks_[r.chunk].data.get() + at, r.length[part]};
  }
  uint16_t RuleIndex(std::string_view rule);
  // Add's work: the parts in the arena (the row's when `row_offset` is kInArena).
  void AddRecord(std::string_view rule, const std::string_view (&parts)[kParts],
                 int64_t village_code, uint32_t row_offset);

  std::vector<Record> records_;
  std::vector<Chunk> chunks_;
  std::vector<std::string> rules_;
  std::shared_ptr<const FindingRowSource> row_source_;
  int64_t list_id_ = 0;
  std::string created_at_;
};

}  // namespace fupin
