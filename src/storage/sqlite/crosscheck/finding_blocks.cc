#include "storage/sqlite/crosscheck/finding_blocks.h"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <exception>
#include <set>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "common/handoff.h"
#include "common/id_number.h"

namespace fupin {

std::atomic<size_t> FindingBlocks::overlap_from_{FindingBlocks::kOverlapFindings};

namespace {

using sqlite::Statement;

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}

bool GetString(std::string_view& in, std::string_view& s) {
  uint64_t n = 0;
  if (!GetVarint(in, n) || n > in.size()) return false;
  s = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

Error Corrupt() {
  return Error::Database("核查发现数据块已损坏", "a block of findings is damaged");
}

// The rules of a block and their counts, from its `counts` ("rule\tn" lines).
std::vector<std::pair<std::string_view, int64_t>> ParseCounts(std::string_view text) {
  std::vector<std::pair<std::string_view, int64_t>> out;
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) continue;
    int64_t n = 0;
    const std::string_view digits = line.substr(tab + 1);
    std::from_chars(digits.data(), digits.data() + digits.size(), n);
    out.emplace_back(line.substr(0, tab), n);
  }
  return out;
}

// Calls fn(index, id, rule code) for each finding of a block's `ids`; false when damaged.
template <class Fn>
bool ForEachEntry(std::string_view ids, int64_t first_id, Fn&& fn) {
  int64_t id = first_id;
  for (uint32_t i = 0; !ids.empty(); ++i) {
    uint64_t delta = 0;
    if (!GetVarint(ids, delta) || ids.empty()) return false;
    id += static_cast<int64_t>(delta);
    const auto rule = static_cast<uint8_t>(ids.front());
    ids.remove_prefix(1);
    fn(i, id, rule);
  }
  return true;
}

// The strings of one finding in a block's `data`, in this order.
struct Parts {
  std::string_view household_code, id_number, name, detail, row;
};

bool NextParts(std::string_view& data, Parts& p) {
  return GetString(data, p.household_code) && GetString(data, p.id_number) &&
         GetString(data, p.name) && GetString(data, p.detail) && GetString(data, p.row);
}

// Whether two sorted arrays share a value.
bool Intersect(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  const auto& small = a.size() < b.size() ? a : b;
  const auto& large = a.size() < b.size() ? b : a;
  if (small.size() * 16 < large.size()) {
    for (uint64_t k : small) {
      if (std::binary_search(large.begin(), large.end(), k)) return true;
    }
    return false;
  }
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) return true;
    if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

std::string_view Subject(const FindingRow& r) {
  return r.subject.empty() ? std::string_view(r.id_number) : std::string_view(r.subject);
}

}  // namespace

bool FindingBlocks::Eligible(const std::deque<FindingRow>& rows) {
  if (rows.empty()) return false;
  const FindingRow& first = rows.front();
  if (first.list_id == 0) return false;
  std::set<std::string_view> rules;
  const std::string* previous_rule = nullptr;  // checked already
  for (const FindingRow& r : rows) {
    if (r.list_id != first.list_id || r.created_at != first.created_at || r.status != "open" ||
        !r.reason.empty() || !r.decided_by.empty() || !r.decided_at.empty() ||
        Subject(r) != r.id_number) {
      return false;
    }
    if (!previous_rule || r.rule != *previous_rule) {
      if (r.rule.empty() || r.rule.find_first_of("\t\n") != r.rule.npos) return false;
      if (rules.insert(r.rule).second && rules.size() > 255) return false;
      previous_rule = &r.rule;
    }
    const auto key = PackIdNumber(r.id_number);
    if (!key) return false;
    char text[18];
    if (UnpackIdNumber(*key, text) != r.id_number) return false;
  }
  return true;
}

Result<bool> FindingBlocks::Any() {
  auto s = db_.Prepare("SELECT EXISTS (SELECT 1 FROM finding_blocks)");
  if (!s.ok()) return s.error();
  auto row = s->Step();
  if (!row.ok()) return row.error();
  return *row && s->Int(0) != 0;
}

Result<int64_t> FindingBlocks::LastId() {
  auto s =
      db_.Prepare("SELECT first_id + count - 1 FROM finding_id_map ORDER BY first_id DESC LIMIT 1");
  if (!s.ok()) return s.error();
  auto row = s->Step();
  if (!row.ok()) return row.error();
  return *row ? s->Int(0) : int64_t{0};
}

Result<std::vector<std::vector<uint64_t>>> FindingBlocks::Keys(const std::string& rule) {
  auto s = db_.Prepare("SELECT keys FROM finding_keys WHERE rule = ? ORDER BY id");
  if (!s.ok()) return s.error();
  s->Bind(1, rule);
  std::vector<std::vector<uint64_t>> out;
  FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) {
    const std::string_view blob = st.BlobView(0);
    auto& keys = out.emplace_back(blob.size() / sizeof(uint64_t));
    if (!keys.empty()) std::memcpy(keys.data(), blob.data(), keys.size() * sizeof(uint64_t));
  }));
  return out;
}

Status FindingBlocks::ForEachSubject(const std::string& rule,
                                     const std::function<void(std::string_view)>& fn) {
  auto keys = Keys(rule);
  if (!keys.ok()) return keys.error();
  char text[18];
  for (const auto& batch : *keys) {
    for (uint64_t key : batch) fn(UnpackIdNumber(key, text));
  }
  return Status::Ok();
}

namespace {

// The findings Write stores, read through one interface: of rows or of a FindingBatch.
struct RowsView {
  std::deque<FindingRow>& rows;
  std::vector<FindingRow*> at;
  explicit RowsView(std::deque<FindingRow>& r) : rows(r) {
    at.reserve(r.size());
    for (auto& f : r) at.push_back(&f);
  }
  size_t size() const { return at.size(); }
  std::string_view rule(size_t i) const { return at[i]->rule; }
  int64_t village_code(size_t i) const { return at[i]->village_code; }
  std::string_view household_code(size_t i) const { return at[i]->household_code; }
  std::string_view id_number(size_t i) const { return at[i]->id_number; }
  std::string_view name(size_t i) const { return at[i]->name; }
  std::string_view detail(size_t i) const { return at[i]->detail; }
  // The list row, as it is stored (`scratch` unused).
  std::string_view row(size_t i, std::string&) const { return at[i]->row; }
  size_t row_size_hint(size_t i) const { return at[i]->row.size(); }
  int64_t list_id() const { return rows.front().list_id; }
  const std::string& created_at() const { return rows.front().created_at; }
  void set_id(size_t i, int64_t id) { at[i]->id = id; }
  static constexpr bool kGather = false;
  void PrefetchRecord(size_t) const {}
  void PrefetchText(size_t) const {}
};

struct BatchView {
  FindingBatch& batch;
  size_t size() const { return batch.size(); }
  std::string_view rule(size_t i) const { return batch.rule(i); }
  int64_t village_code(size_t i) const { return batch.village_code(i); }
  std::string_view household_code(size_t i) const { return batch.household_code(i); }
  std::string_view id_number(size_t i) const { return batch.id_number(i); }
  std::string_view name(size_t i) const { return batch.name(i); }
  std::string_view detail(size_t i) const { return batch.detail(i); }
  // The list row, written into `scratch` (from the batch's arena or its row source).
  std::string_view row(size_t i, std::string& scratch) const {
    scratch.clear();
    batch.AppendRow(i, scratch);
    return scratch;
  }
  size_t row_size_hint(size_t i) const { return batch.row_size_hint(i); }
  int64_t list_id() const { return batch.list_id(); }
  const std::string& created_at() const { return batch.created_at(); }
  void set_id(size_t i, int64_t id) { batch.set_id(i, id); }
  static constexpr bool kGather = true;
  void PrefetchRecord(size_t i) const { batch.PrefetchRecord(i); }
  void PrefetchText(size_t i) const { batch.PrefetchText(i); }
};

}  // namespace

bool FindingBlocks::Eligible(const FindingBatch& batch) {
  if (batch.empty() || batch.list_id() == 0 || batch.rules().size() > 255) return false;
  for (const auto& rule : batch.rules()) {
    if (rule.empty() || rule.find_first_of("\t\n") != rule.npos) return false;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    const std::string_view id_number = batch.id_number(i), subject = batch.subject(i);
    if (!subject.empty() && subject != id_number) return false;
    const auto key = PackIdNumber(id_number);
    if (!key) return false;
    char text[18];
    if (UnpackIdNumber(*key, text) != id_number) return false;
  }
  return true;
}

Result<bool> FindingBlocks::Write(std::deque<FindingRow>& rows, int64_t first_id) {
  RowsView view(rows);
  return WriteView(view, first_id);
}

Result<bool> FindingBlocks::Write(FindingBatch& batch, int64_t first_id) {
  BatchView view{batch};
  return WriteView(view, first_id);
}

template <class View>
Result<bool> FindingBlocks::WriteView(View& rows, int64_t first_id) {
  // One pass over the rows in their order: the rule of each (an index into `rules`, by
  // first appearance), the subjects per rule, and the block of each (a slot per village,
  // with its counts and sizes). Then the subjects are checked: a clash within the batch or
  // with a stored finding sends the batch back before anything is written. Then a second
  // pass in the same order appends each finding to its village's block: read in village
  // order, the rows would be millions of cache and TLB misses.
  struct Slot {
    int64_t village = 0, first_id = 0, last_id = 0, n = 0;
    size_t ids_size = 0, data_size = 0;
    std::vector<int64_t> rule_counts;
    std::string ids, data;
  };
  const size_t n = rows.size();
  std::vector<uint8_t> rule_of(n);
  std::vector<std::string> rules;
  std::vector<std::vector<uint64_t>> keys;
  std::vector<Slot> slots;
  std::vector<uint32_t> slot_of(n);
  {
    std::unordered_map<int64_t, uint32_t> by_village;
    size_t i = 0, rule = 0;
    uint32_t current = 0;
    auto string_size = [](std::string_view text) {
      return text.size() + (text.size() < 0x80 ? 1 : text.size() < 0x4000 ? 2 : 5);
    };
    auto size_hint = [](size_t size) {  // a list row's exact size, or about it
      return size + (size < 0x80 ? 1 : size < 0x4000 ? 2 : 5);
    };
    for (; i < n; ++i) {
      const std::string_view r_rule = rows.rule(i);
      const int64_t village = rows.village_code(i);
      if (rules.empty() || r_rule != rules[rule]) {
        rule = std::find(rules.begin(), rules.end(), r_rule) - rules.begin();
        if (rule == rules.size()) {
          rules.emplace_back(r_rule);
          keys.emplace_back();
        }
      }
      const int64_t id = first_id + static_cast<int64_t>(i);
      rule_of[i] = static_cast<uint8_t>(rule);
      keys[rule].push_back(*PackIdNumber(rows.id_number(i)));
      if (slots.empty() || slots[current].village != village) {
        auto [it, added] = by_village.try_emplace(village, slots.size());
        if (added) {
          Slot& slot = slots.emplace_back();
          slot.village = village;
          slot.first_id = id;
        }
        current = it->second;
      }
      Slot& slot = slots[current];
      slot_of[i] = current;
      slot.ids_size += 11;  // a varint of at most 10 bytes, the rule
      slot.last_id = id;
      ++slot.n;
      if (slot.rule_counts.size() <= rule) slot.rule_counts.resize(rule + 1);
      ++slot.rule_counts[rule];
      slot.data_size += string_size(rows.household_code(i)) + string_size(rows.id_number(i)) +
                        string_size(rows.name(i)) + string_size(rows.detail(i)) +
                        size_hint(rows.row_size_hint(i));
    }
  }
  for (Slot& slot : slots) slot.rule_counts.resize(rules.size());
  for (size_t k = 0; k < rules.size(); ++k) {
    auto& batch = keys[k];
    std::sort(batch.begin(), batch.end());
    if (std::adjacent_find(batch.begin(), batch.end()) != batch.end()) return false;
    auto stored = Keys(rules[k]);
    if (!stored.ok()) return stored.error();
    for (const auto& other : *stored) {
      if (Intersect(other, batch)) return false;
    }
    auto s = db_.Prepare("SELECT subject FROM findings WHERE rule = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, rules[k]);
    bool clash = false;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) {
      const auto key = PackIdNumber(st.TextView(0));
      if (key && std::binary_search(batch.begin(), batch.end(), *key)) clash = true;
    }));
    if (clash) return false;
  }

  std::vector<std::vector<uint8_t>> codes(slots.size());  // per slot: rule → its code there
  for (size_t k = 0; k < slots.size(); ++k) {
    codes[k].resize(rules.size());
    for (size_t rule = 0, c = 0; rule < rules.size(); ++rule) {
      if (slots[k].rule_counts[rule]) codes[k][rule] = static_cast<uint8_t>(c++);
    }
  }
  std::vector<int64_t> previous(slots.size());
  for (size_t k = 0; k < slots.size(); ++k) previous[k] = slots[k].first_id;
  // `scratch`: a buffer of the calling thread's, for a row written from its source.
  auto append = [&](uint32_t k, size_t i, std::string& ids, std::string& data,
                    std::string& scratch) {
    const int64_t id = first_id + static_cast<int64_t>(i);
    PutVarint(ids, static_cast<uint64_t>(id - previous[k]));
    ids.push_back(static_cast<char>(codes[k][rule_of[i]]));
    previous[k] = id;
    PutString(data, rows.household_code(i));
    PutString(data, rows.id_number(i));
    PutString(data, rows.name(i));
    PutString(data, rows.detail(i));
    PutString(data, rows.row(i, scratch));
  };
  // Rows: each block staged whole in one pass in the rows' order (read in village order,
  // FindingRows would be millions of cache and TLB misses). A compact batch: each block
  // built in one reused buffer as it is written, its findings gathered from the arena
  // (a record and one run of text each, prefetched): no second copy of the batch.
  std::vector<uint32_t> members;  // gathering: the findings of slot k at [start[k], start[k+1])
  std::vector<size_t> start;
  if constexpr (View::kGather) {
    start.assign(slots.size() + 1, 0);
    for (size_t k = 0; k < slots.size(); ++k) start[k + 1] = start[k] + slots[k].n;
    members.resize(n);
    std::vector<size_t> at(start.begin(), start.end() - 1);
    for (size_t i = 0; i < n; ++i) members[at[slot_of[i]]++] = static_cast<uint32_t>(i);
  } else {
    for (Slot& slot : slots) {
      slot.ids.reserve(slot.ids_size);
      slot.data.reserve(slot.data_size);
    }
    std::string scratch;
    for (size_t i = 0; i < n; ++i) {
      Slot& slot = slots[slot_of[i]];
      append(slot_of[i], i, slot.ids, slot.data, scratch);
    }
  }

  // The blocks in village order.
  std::vector<uint32_t> order(slots.size());
  for (uint32_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return slots[a].village < slots[b].village; });
  auto insert = db_.Prepare(
      "INSERT INTO finding_blocks(list_id, county_code, village_code, first_id, last_id, n, "
      "created_at, counts, ids, data) VALUES (?,?,?,?,?,?,?,?,?,?)");
  if (!insert.ok()) return insert.error();
  std::vector<int64_t> block_id(slots.size());
  std::string counts;
  // Inserts the block of slot k (its ids and data built).
  auto insert_block = [&](uint32_t k, const std::string& ids, const std::string& data) -> Status {
    Slot& slot = slots[k];
    counts.clear();
    for (size_t rule = 0; rule < rules.size(); ++rule) {
      if (!slot.rule_counts[rule]) continue;
      counts.append(rules[rule]).append("\t").append(std::to_string(slot.rule_counts[rule]));
      counts.append("\n");
    }
    insert->Bind(1, rows.list_id());
    insert->Bind(2, RegionCode::FromInt(slot.village).county().value()).Bind(3, slot.village);
    insert->Bind(4, slot.first_id).Bind(5, slot.last_id).Bind(6, slot.n);
    insert->BindStatic(7, rows.created_at()).BindStatic(8, counts);
    insert->BindBlobStatic(9, ids).BindBlobStatic(10, data);
    FUPIN_RETURN_IF_ERROR(insert->Run());
    block_id[k] = sqlite3_last_insert_rowid(db_.handle());
    std::string().swap(slot.ids);
    std::string().swap(slot.data);
    return Status::Ok();
  };
  if constexpr (View::kGather) {
    // Gathers the findings of slot k from the arena in id order (record and text
    // prefetched ahead) into `ids` and `data`, reused.
    auto build = [&](uint32_t k, std::string& ids, std::string& data, std::string& scratch) {
      ids.clear();
      data.clear();
      ids.reserve(slots[k].ids_size);
      data.reserve(slots[k].data_size);
      constexpr size_t kAhead = 8;
      for (size_t m = start[k]; m < start[k + 1]; ++m) {
        if (m + 2 * kAhead < start[k + 1]) rows.PrefetchRecord(members[m + 2 * kAhead]);
        if (m + kAhead < start[k + 1]) rows.PrefetchText(members[m + kAhead]);
        append(k, members[m], ids, data, scratch);
      }
    };
    if (n >= overlap_from_.load() && order.size() > 1 && std::thread::hardware_concurrency() > 1) {
      FUPIN_RETURN_IF_ERROR(BuildAlongside(
          order.size(),
          [&](size_t p, std::string& ids, std::string& data, std::string& scratch) {
            build(order[p], ids, data, scratch);
          },
          [&](size_t p, const std::string& ids, const std::string& data) {
            return insert_block(order[p], ids, data);
          }));
    } else {
      std::string ids, data, scratch;  // every block's, reused
      for (uint32_t k : order) {
        build(k, ids, data, scratch);
        FUPIN_RETURN_IF_ERROR(insert_block(k, ids, data));
      }
    }
  } else {
    for (uint32_t k : order) FUPIN_RETURN_IF_ERROR(insert_block(k, slots[k].ids, slots[k].data));
  }
  std::vector<int64_t> block_of(n);
  for (size_t i = 0; i < n; ++i) block_of[i] = block_id[slot_of[i]];

  auto map = db_.Prepare(
      "INSERT INTO finding_id_map(first_id, count, base_block, blocks) VALUES (?,?,?,?)");
  if (!map.ok()) return map.error();
  std::vector<uint32_t> offsets;
  for (size_t at = 0; at < n; at += kIdMapChunk) {
    const size_t count = std::min<size_t>(kIdMapChunk, n - at);
    const int64_t base = *std::min_element(block_of.begin() + at, block_of.begin() + at + count);
    offsets.resize(count);
    for (size_t k = 0; k < count; ++k) offsets[k] = static_cast<uint32_t>(block_of[at + k] - base);
    map->Bind(1, first_id + static_cast<int64_t>(at)).Bind(2, static_cast<int64_t>(count));
    map->Bind(3, base).BindBlobStatic(
        4,
        std::string_view(reinterpret_cast<const char*>(offsets.data()), count * sizeof(uint32_t)));
    FUPIN_RETURN_IF_ERROR(map->Run());
  }

  auto key_row = db_.Prepare("INSERT INTO finding_keys(rule, first_id, keys) VALUES (?,?,?)");
  if (!key_row.ok()) return key_row.error();
  for (size_t k = 0; k < rules.size(); ++k) {
    const auto& batch = keys[k];
    key_row->Bind(1, rules[k]).Bind(2, first_id);
    key_row->BindBlobStatic(3, std::string_view(reinterpret_cast<const char*>(batch.data()),
                                                batch.size() * sizeof(uint64_t)));
    FUPIN_RETURN_IF_ERROR(key_row->Run());
  }
  for (size_t i = 0; i < n; ++i) rows.set_id(i, first_id + static_cast<int64_t>(i));
  return true;
}

Result<std::optional<int64_t>> FindingBlocks::BlockOf(int64_t id) {
  auto s = db_.Prepare(
      "SELECT first_id, count, base_block, blocks FROM finding_id_map WHERE first_id <= ? "
      "ORDER BY first_id DESC LIMIT 1");
  if (!s.ok()) return s.error();
  s->Bind(1, id);
  auto row = s->Step();
  if (!row.ok()) return row.error();
  std::optional<int64_t> out;
  if (!*row || id >= s->Int(0) + s->Int(1)) return out;
  const std::string_view blob = s->BlobView(3);
  const auto at = static_cast<size_t>(id - s->Int(0)) * sizeof(uint32_t);
  if (at + sizeof(uint32_t) > blob.size()) return Corrupt();
  uint32_t offset = 0;
  std::memcpy(&offset, blob.data() + at, sizeof offset);
  out = s->Int(2) + offset;
  return out;
}

Result<std::map<int64_t, FindingBlocks::Decision>> FindingBlocks::Decisions(int64_t lo,
                                                                            int64_t hi) {
  auto s = db_.Prepare(
      "SELECT d.id, d.status, d.reason, d.decided_by, d.decided_at FROM finding_decisions d "
      "JOIN finding_blocks b ON b.id = d.block_id WHERE b.village_code >= ? AND "
      "b.village_code < ?");
  if (!s.ok()) return s.error();
  s->Bind(1, lo).Bind(2, hi);
  std::map<int64_t, Decision> out;
  FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) {
    out[st.Int(0)] = Decision{st.Text(1), st.Text(2), st.Text(3), st.Text(4)};
  }));
  return out;
}

Result<std::vector<std::pair<int64_t, std::string>>> FindingBlocks::Assigned(
    const std::string& username) {
  auto s =
      db_.Prepare("SELECT county_code, household_code FROM helper_assignments WHERE username = ?");
  if (!s.ok()) return s.error();
  s->Bind(1, username);
  std::vector<std::pair<int64_t, std::string>> out;
  FUPIN_RETURN_IF_ERROR(
      s->ForEachRow([&](Statement& st) { out.emplace_back(st.Int(0), st.Text(1)); }));
  std::sort(out.begin(), out.end());
  return out;
}

Status FindingBlocks::Scan(const FindingQuery& q, const ScanFn& fn) {
  const int64_t lo = q.region.subtree_lo(), hi = q.region.subtree_hi();
  auto decisions = Decisions(lo, hi);
  if (!decisions.ok()) return decisions.error();
  std::vector<std::pair<int64_t, std::string>> assigned;
  if (!q.assigned_to.empty()) {
    auto found = Assigned(q.assigned_to);
    if (!found.ok()) return found.error();
    assigned = std::move(found).value();
    if (assigned.empty()) return Status::Ok();
  }
  auto s = db_.Prepare(std::string("SELECT id, county_code, village_code, first_id, counts, ids") +
                       (assigned.empty() ? "" : ", data") +
                       " FROM finding_blocks WHERE village_code >= ?1 AND village_code < ?2 AND "
                       "(?3 = 0 OR list_id = ?3)");
  if (!s.ok()) return s.error();
  s->Bind(1, lo).Bind(2, hi).Bind(3, q.list_id);
  bool damaged = false;
  FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) {
    const int64_t block = st.Int(0), county = st.Int(1), village = st.Int(2);
    if (!assigned.empty()) {
      auto it = std::lower_bound(assigned.begin(), assigned.end(),
                                 std::pair<int64_t, std::string>(county, std::string()));
      if (it == assigned.end() || it->first != county) return;
    }
    const auto rules = ParseCounts(st.TextView(4));
    int want = -1;
    if (!q.rule.empty()) {
      for (size_t i = 0; i < rules.size(); ++i) {
        if (rules[i].first == q.rule) want = static_cast<int>(i);
      }
      if (want < 0) return;
    }
    std::string_view data = assigned.empty() ? std::string_view() : st.BlobView(6);
    Parts parts;
    const bool whole =
        ForEachEntry(st.BlobView(5), st.Int(3), [&](uint32_t i, int64_t id, uint8_t rule) {
          if (!assigned.empty()) {
            if (!NextParts(data, parts)) {
              damaged = true;
              return;
            }
            if (!std::binary_search(
                    assigned.begin(), assigned.end(),
                    std::pair<int64_t, std::string>(county, std::string(parts.household_code)))) {
              return;
            }
          }
          if (rule >= rules.size()) {
            damaged = true;
            return;
          }
          if (want >= 0 && rule != want) return;
          auto d = decisions->find(id);
          const std::string_view status =
              d == decisions->end() ? std::string_view("open") : std::string_view(d->second.status);
          if (!q.status.empty() && status != q.status) return;
          fn(Hit{id, block, i}, rules[rule].first, village, status);
        });
    if (!whole) damaged = true;
  }));
  if (damaged) return Corrupt();
  return Status::Ok();
}

Result<std::vector<FindingBlocks::Hit>> FindingBlocks::Find(const FindingQuery& q, size_t sorted) {
  std::vector<Hit> hits;
  FUPIN_RETURN_IF_ERROR(Scan(q, [&](const Hit& hit, std::string_view, int64_t, std::string_view) {
    hits.push_back(hit);
  }));
  auto by_id = [](const Hit& a, const Hit& b) { return a.id < b.id; };
  if (sorted < hits.size()) {
    std::nth_element(hits.begin(), hits.begin() + sorted, hits.end(), by_id);
    std::sort(hits.begin(), hits.begin() + sorted, by_id);
  } else {
    std::sort(hits.begin(), hits.end(), by_id);
  }
  return hits;
}

Result<std::vector<FindingRow>> FindingBlocks::Decode(int64_t block, const WantFn& want) {
  auto s = db_.Prepare(
      "SELECT list_id, village_code, first_id, created_at, counts, ids, data FROM "
      "finding_blocks WHERE id = ?");
  if (!s.ok()) return s.error();
  s->Bind(1, block);
  auto row = s->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Corrupt();
  const auto rules = ParseCounts(s->TextView(4));
  std::string_view data = s->BlobView(6);
  std::vector<FindingRow> out;
  bool damaged = false;
  const bool whole =
      ForEachEntry(s->BlobView(5), s->Int(2), [&](uint32_t index, int64_t id, uint8_t rule) {
        Parts p;
        if (damaged || rule >= rules.size() || !NextParts(data, p)) {
          damaged = true;
          return;
        }
        if (want && !want(index, id)) return;
        FindingRow& f = out.emplace_back();
        f.id = id;
        f.rule = std::string(rules[rule].first);
        f.subject = std::string(p.id_number);
        f.list_id = s->Int(0);
        f.village_code = s->Int(1);
        f.household_code = std::string(p.household_code);
        f.id_number = std::string(p.id_number);
        f.name = std::string(p.name);
        f.detail = std::string(p.detail);
        f.row = std::string(p.row);
        f.created_at = s->Text(3);
      });
  if (!whole || damaged) return Corrupt();
  auto d = db_.Prepare(
      "SELECT id, status, reason, decided_by, decided_at FROM finding_decisions WHERE "
      "block_id = ?");
  if (!d.ok()) return d.error();
  d->Bind(1, block);
  FUPIN_RETURN_IF_ERROR(d->ForEachRow([&](Statement& st) {
    auto it = std::lower_bound(out.begin(), out.end(), st.Int(0),
                               [](const FindingRow& f, int64_t id) { return f.id < id; });
    if (it == out.end() || it->id != st.Int(0)) return;
    it->status = st.Text(1);
    it->reason = st.Text(2);
    it->decided_by = st.Text(3);
    it->decided_at = st.Text(4);
  }));
  return out;
}

Result<std::vector<FindingRow>> FindingBlocks::Read(const std::vector<Hit>& hits) {
  // Per block, its hits by place there: only those are made into FindingRows.
  std::map<int64_t, std::vector<std::pair<uint32_t, size_t>>> by_block;
  for (size_t i = 0; i < hits.size(); ++i) by_block[hits[i].block].emplace_back(hits[i].index, i);
  std::vector<FindingRow> out(hits.size());
  for (auto& [block, wanted] : by_block) {
    std::sort(wanted.begin(), wanted.end());
    size_t next = 0;
    auto rows = Decode(block, [&](uint32_t index, int64_t) {
      if (next < wanted.size() && wanted[next].first == index) {
        ++next;
        return true;
      }
      return false;
    });
    if (!rows.ok()) return rows.error();
    if (rows->size() != wanted.size()) return Corrupt();
    for (size_t k = 0; k < wanted.size(); ++k) out[wanted[k].second] = std::move((*rows)[k]);
  }
  return out;
}

Result<std::optional<FindingRow>> FindingBlocks::Get(int64_t id) {
  std::optional<FindingRow> out;
  auto block = BlockOf(id);
  if (!block.ok()) return block.error();
  if (!block->has_value()) return out;
  auto rows = Decode(**block, [&](uint32_t, int64_t entry) { return entry == id; });
  if (!rows.ok()) return rows.error();
  auto it = std::lower_bound(rows->begin(), rows->end(), id,
                             [](const FindingRow& f, int64_t v) { return f.id < v; });
  if (it != rows->end() && it->id == id) out = std::move(*it);
  return out;
}

Result<bool> FindingBlocks::Decide(const FindingRow& r) {
  auto block = BlockOf(r.id);
  if (!block.ok()) return block.error();
  if (!block->has_value()) return false;
  auto s = db_.Prepare(
      "INSERT OR REPLACE INTO finding_decisions(id, block_id, rule, status, reason, "
      "decided_by, decided_at) VALUES (?,?,?,?,?,?,?)");
  if (!s.ok()) return s.error();
  s->Bind(1, r.id).Bind(2, **block).Bind(3, r.rule).Bind(4, r.status).Bind(5, r.reason);
  s->Bind(6, r.decided_by).Bind(7, r.decided_at);
  FUPIN_RETURN_IF_ERROR(s->Run());
  return true;
}

Status FindingBlocks::Count(RegionCode region, const std::string& assigned_to,
                            std::map<std::pair<std::string, int64_t>, FindingCount>& counts) {
  auto at = [&](std::string_view rule, int64_t village) -> FindingCount& {
    auto [it, inserted] = counts.try_emplace({std::string(rule), village});
    if (inserted) {
      it->second.rule = std::string(rule);
      it->second.village_code = village;
    }
    return it->second;
  };
  auto add = [&](FindingCount& c, std::string_view status, int64_t n) {
    if (status == "open") c.open += n;
    if (status == "confirmed") c.confirmed += n;
    if (status == "dismissed") c.dismissed += n;
  };
  if (!assigned_to.empty()) {
    FindingQuery q;
    q.region = region;
    q.assigned_to = assigned_to;
    return Scan(q, [&](const Hit&, std::string_view rule, int64_t village,
                       std::string_view status) { add(at(rule, village), status, 1); });
  }
  // Every block finding is open but those decided.
  const int64_t lo = region.subtree_lo(), hi = region.subtree_hi();
  auto s = db_.Prepare(
      "SELECT village_code, counts FROM finding_blocks WHERE village_code >= ? AND "
      "village_code < ?");
  if (!s.ok()) return s.error();
  s->Bind(1, lo).Bind(2, hi);
  FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) {
    for (const auto& [rule, n] : ParseCounts(st.TextView(1))) at(rule, st.Int(0)).open += n;
  }));
  auto d = db_.Prepare(
      "SELECT b.village_code, d.rule, d.status, count(*) FROM finding_decisions d JOIN "
      "finding_blocks b ON b.id = d.block_id WHERE b.village_code >= ? AND b.village_code < ? "
      "GROUP BY 1, 2, 3");
  if (!d.ok()) return d.error();
  d->Bind(1, lo).Bind(2, hi);
  return d->ForEachRow([&](Statement& st) {
    FindingCount& c = at(st.TextView(1), st.Int(0));
    c.open -= st.Int(3);
    add(c, st.TextView(2), st.Int(3));
  });
}

}  // namespace fupin
