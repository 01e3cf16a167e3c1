#include "storage/finding_batch.h"

#include <algorithm>
#include <cstring>

namespace fupin {

FindingBatch FindingBatch::FromRows(const std::deque<FindingRow>& rows) {
  FindingBatch batch;
  if (!rows.empty()) {
    batch.list_id_ = rows.front().list_id;
    batch.created_at_ = rows.front().created_at;
  }
  for (const FindingRow& f : rows) {
    batch.Add(f.rule, f.subject, f.village_code, f.household_code, f.id_number, f.name, f.detail,
              f.row);
    batch.records_.back().id = f.id;
  }
  return batch;
}

std::deque<FindingRow> FindingBatch::ToRows() const {
  std::deque<FindingRow> rows;
  for (size_t i = 0; i < size(); ++i) Fill(i, rows.emplace_back());
  return rows;
}

uint16_t FindingBatch::RuleIndex(std::string_view rule) {
  // A run raises a handful of rules, mostly one after the other.
  for (size_t k = rules_.size(); k-- > 0;) {
    if (rules_[k] == rule) return static_cast<uint16_t>(k);
  }
  rules_.emplace_back(rule);
  return static_cast<uint16_t>(rules_.size() - 1);
}

void FindingBatch::Add(std::string_view rule, std::string_view subject, int64_t village_code,
                       std::string_view household_code, std::string_view id_number,
                       std::string_view name, std::string_view detail, std::string_view row) {
  const std::string_view parts[kParts] = {subject, household_code, id_number, name, detail, row};
  AddRecord(rule, parts, village_code, kInArena);
}

void FindingBatch::AddSourced(std::string_view rule, std::string_view subject, int64_t village_code,
                              std::string_view household_code, std::string_view id_number,
                              std::string_view name, std::string_view detail, uint32_t row_offset,
                              uint32_t row_length) {
  const std::string_view parts[kParts] = {subject, household_code, id_number, name, detail, {}};
  AddRecord(rule, parts, village_code, row_offset);
  records_.back().length[5] = row_length;
}

void FindingBatch::AddRecord(std::string_view rule, const std::string_view (&parts)[kParts],
                             int64_t village_code, uint32_t row_offset) {
  size_t total = 0;
  for (const auto& p : parts) total += p.size();
  if (chunks_.empty() || chunks_.back().capacity - chunks_.back().size < total) {
    // A new buffer (its memory not initialised: only what is written is touched).
    Chunk& c = chunks_.emplace_back();
    c.capacity = std::max(kChunkBytes, total);
    c.data.reset(new char[c.capacity]);
  }
  Chunk& c = chunks_.back();
  Record& r = records_.emplace_back();
  r.village_code = village_code;
  r.chunk = static_cast<uint32_t>(chunks_.size() - 1);
  r.offset = static_cast<uint32_t>(c.size);
  r.rule = RuleIndex(rule);
  r.row_offset = row_offset;
  for (size_t k = 0; k < kParts; ++k) {
    if (!parts[k].empty()) std::memcpy(c.data.get() + c.size, parts[k].data(), parts[k].size());
    c.size += parts[k].size();
    r.length[k] = static_cast<uint32_t>(parts[k].size());
  }
}

void FindingBatch::Append(FindingBatch&& other) {
  if (records_.empty() && rules_.empty()) {
    const int64_t list = list_id_;
    std::string at = std::move(created_at_);
    auto source = std::move(row_source_);
    *this = std::move(other);
    if (list) list_id_ = list;
    if (!at.empty()) created_at_ = std::move(at);
    if (!row_source_) row_source_ = std::move(source);
    return;
  }
  if (!row_source_) row_source_ = other.row_source_;
  const auto first_chunk = static_cast<uint32_t>(chunks_.size());
  for (auto& c : other.chunks_) chunks_.push_back(std::move(c));
  std::vector<uint16_t> rule_of(other.rules_.size());
  for (size_t k = 0; k < other.rules_.size(); ++k) rule_of[k] = RuleIndex(other.rules_[k]);
  records_.reserve(records_.size() + other.records_.size());
  for (Record r : other.records_) {
    r.chunk += first_chunk;
    r.rule = rule_of[r.rule];
    records_.push_back(r);
  }
  other = FindingBatch();
}

void FindingBatch::Fill(size_t i, FindingRow& out) const {
  out.id = records_[i].id;
  out.rule.assign(rule(i));
  out.subject.assign(subject(i));
  out.list_id = list_id_;
  out.village_code = records_[i].village_code;
  out.household_code.assign(household_code(i));
  out.id_number.assign(id_number(i));
  out.name.assign(name(i));
  out.detail.assign(detail(i));
  out.row.clear();
  AppendRow(i, out.row);
  out.status.assign("open");
  out.reason.clear();
  out.decided_by.clear();
  out.decided_at.clear();
  out.created_at.assign(created_at_);
}

size_t FindingBatch::EraseIf(const std::function<bool(size_t)>& drop) {
  size_t kept = 0;
  for (size_t i = 0; i < records_.size(); ++i) {
    if (drop(i)) continue;
    if (kept != i) records_[kept] = records_[i];
    ++kept;
  }
  const size_t dropped = records_.size() - kept;
  records_.resize(kept);
  return dropped;
}

}  // namespace fupin

namespace fupin {

Status CompareStore::InsertBatch(FindingBatch& batch) {
  std::deque<FindingRow> rows = batch.ToRows();
  FUPIN_RETURN_IF_ERROR(InsertFindings(rows));
  for (size_t i = 0; i < rows.size(); ++i) batch.set_id(i, rows[i].id);
  return Status::Ok();
}

}  // namespace fupin
