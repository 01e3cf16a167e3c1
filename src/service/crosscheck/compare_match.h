// The matching half of the cross-check (compare_service.h): the findings of one run as
// they are collected (FindingSink, also used by the quality checks) and the merge of the
// register index with a department list that raises them (MatchAll). Internal to
// service/crosscheck.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "domain/policy.h"
#include "service/crosscheck/compare_service.h"
#include "service/crosscheck/department_list.h"
#include "service/crosscheck/register_index.h"
#include "storage/finding_batch.h"
#include "storage/store.h"

namespace fupin {

// Collects the findings of one run: skips those already on file, fills the common fields.
class FindingSink {
 public:
  FindingSink(Store& store, int64_t created_list) : store_(store), list_id_(created_list) {}

  // `rules` must outlive the sink (its names key the sets).
  Status LoadKnown(const std::vector<std::string>& rules) {
    for (const auto& rule : rules) {
      auto& set = known_[std::string_view(rule)];
      FUPIN_RETURN_IF_ERROR(store_.compare().ForEachSubject(
          rule, [&](std::string_view subject) { set.insert(std::string(subject)); }));
      any_known_ = any_known_ || !set.empty();
    }
    return Status::Ok();
  }

  // Adds a finding unless one of the same rule and subject is on file (then counts it).
  // The caller fills it in: id_number for a person (the subject stored is then the ID
  // number), subject for anything else.
  FindingRow* Add(const char* rule, std::string_view subject) {
    return AddTo(rows_, known_count_, rule, subject);
  }
  // The same into `rows` and `known` (a part of a comparison matched on another thread:
  // the known findings are only read).
  FindingRow* AddTo(std::deque<FindingRow>& rows, int64_t& known, const char* rule,
                    std::string_view subject) const {
    // Within one run a rule meets each subject once, so only earlier findings can clash.
    if (any_known_) {
      if (auto it = known_.find(rule);
          it != known_.end() && it->second.contains(std::string(subject))) {
        ++known;
        return nullptr;
      }
    }
    FindingRow& f = rows.emplace_back();
    f.rule = rule;
    f.list_id = list_id_;
    return &f;
  }
  // Whether a finding of `rule` and `subject` is on file (read only: any thread).
  bool IsKnown(const char* rule, std::string_view subject) const {
    if (!any_known_) return false;
    auto it = known_.find(rule);
    return it != known_.end() && it->second.contains(std::string(subject));
  }
  // Appends the compact findings of a part (a comparison's), in order.
  void Append(FindingBatch&& batch, int64_t known) {
    batch_.Append(std::move(batch));
    known_count_ += known;
  }
  // Appends the findings of a part, in order.
  void Append(std::deque<FindingRow>&& rows, int64_t known) {
    if (rows_.empty()) {
      rows_ = std::move(rows);
    } else {
      // Taken from the front, so that the blocks of `rows` are freed as these grow.
      for (; !rows.empty(); rows.pop_front()) rows_.push_back(std::move(rows.front()));
    }
    known_count_ += known;
  }

  std::deque<FindingRow>& rows() { return rows_; }
  // A comparison's findings (MatchAll); a quality check's are rows().
  FindingBatch& batch() { return batch_; }
  int64_t known() const { return known_count_; }
  void set_list_id(int64_t id) {
    list_id_ = id;
    for (auto& f : rows()) f.list_id = id;
    batch_.set_list_id(id);
  }

 private:
  Store& store_;
  int64_t list_id_;
  std::unordered_map<std::string_view, std::unordered_set<std::string>> known_;  // by rule
  std::deque<FindingRow> rows_;  // a deque: a list can raise millions, never moved
  FindingBatch batch_;
  int64_t known_count_ = 0;
  bool any_known_ = false;
};

// The rules a kind can raise, in a fixed order (name_mismatch first for every kind).
std::vector<std::string> RulesOf(ListKind kind);

// Applies the kind's rules to the merge of the register index and the list, into
// `sink.batch()` (on two threads for a large register, the halves' findings appended in order, so
// that the result is that of one pass); returns the number of matched persons.
int64_t MatchAll(const PolicySet& policy, const RegisterIndex& index, const DepartmentList& list,
                 const CompareRequest& request, FindingSink& sink);

}  // namespace fupin
