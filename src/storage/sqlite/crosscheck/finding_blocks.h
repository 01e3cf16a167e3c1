// The findings of a bulk list stored as compact blocks, one per village (issue 13): the
// part of the SQLite CompareStore (sqlite_compare.cc) that writes and reads them. A block
// batch is one InsertFindings call of many open person findings of one list; it gets its
// ids as rows would (the next ids, in the batch's order), so every reader gives exactly
// what it gave when they were rows. Tables: migration kMigrationFindingBlocks (schema.cc).
//
//   finding_blocks    one row per village of a batch: its findings in id order, `ids`
//                     (per finding the id's difference to the one before, as a varint,
//                     and the rule's index in `counts`), `data` (per finding household
//                     code, ID number, name, detail, list row: length-prefixed strings),
//                     `counts` (one line "rule\tn" per rule of the block).
//   finding_keys      per batch and rule, the subjects as sorted packed ID numbers: the
//                     uniqueness of (rule, subject) is checked against them.
//   finding_id_map    per run of up to kIdMapChunk consecutive ids of a batch, the block of
//                     each id (uint32 offsets from base_block): GetFinding without a scan.
//   finding_decisions the decision of a block finding, by id; it overrides the block's
//                     "open" wherever the finding is read.
//
// The rows of `findings` and the findings of blocks never share an id or a subject.
// Threading: as its Store's connection (a large Write builds its blocks on a second thread
// of its own, joined before it returns).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/compare_store.h"
#include "storage/finding_batch.h"
#include "storage/sqlite/sqlite_db.h"

namespace fupin {

class FindingBlocks {
 public:
  explicit FindingBlocks(sqlite::Database& db) : db_(db) {}

  // A block finding that a query matched: its id, its block and its place there.
  struct Hit {
    int64_t id = 0;
    int64_t block = 0;
    uint32_t index = 0;
  };

  // Whether `rows` can be a block batch: one list (not a quality check), every finding
  // open and undecided, of one created_at, its subject the ID number (or empty, then the
  // ID number), which packs and unpacks to itself; at most 255 rules.
  static bool Eligible(const std::deque<FindingRow>& rows);
  // The same for a batch (storage/finding_batch.h).
  static bool Eligible(const FindingBatch& batch);

  // Whether any block is stored.
  Result<bool> Any();
  // The largest id of a block finding; 0 when there is none.
  Result<int64_t> LastId();

  // Stores eligible `rows` as blocks with ids from `first_id` on, in their order, and sets
  // each id. False, with nothing written and the ids untouched, when two of them or one of
  // them and a stored finding (a row or a block finding) have the same rule and subject.
  // On an error part of the batch may be written: the caller rolls the transaction back.
  Result<bool> Write(std::deque<FindingRow>& rows, int64_t first_id);
  // The same from a batch: no FindingRow per finding.
  Result<bool> Write(FindingBatch& batch, int64_t first_id);

  // The stored subjects of `rule` as sorted packed ID numbers, one array per batch.
  Result<std::vector<std::vector<uint64_t>>> Keys(const std::string& rule);
  Status ForEachSubject(const std::string& rule, const std::function<void(std::string_view)>& fn);

  // The block findings `query` matches (its offset and limit aside): the `sorted` of
  // smallest id first, ordered by id, then the others in no particular order.
  Result<std::vector<Hit>> Find(const FindingQuery& query, size_t sorted);
  // The findings of `hits`, in their order, decisions applied.
  Result<std::vector<FindingRow>> Read(const std::vector<Hit>& hits);
  Result<std::optional<FindingRow>> Get(int64_t id);
  // Records the decision of block finding `row.id`; false when it is not one.
  Result<bool> Decide(const FindingRow& row);
  // Adds the counts of the block findings within `region` (of households `assigned_to`
  // is assigned to, when not empty) to `counts`, keyed by rule and village.
  Status Count(RegionCode region, const std::string& assigned_to,
               std::map<std::pair<std::string, int64_t>, FindingCount>& counts);

  static constexpr int64_t kIdMapChunk = 4096;

  // A batch of at least this many findings (from its compact form) has its blocks built on
  // a second thread while this one inserts them; a smaller one, one block after the other.
  // The blocks written are the same either way.
  static constexpr size_t kOverlapFindings = 65536;
  // Changes that bound for every FindingBlocks (tests: 0 overlaps all, SIZE_MAX none).
  static void SetOverlapFrom(size_t findings) { overlap_from_ = findings; }

 private:
  struct Decision {
    std::string status, reason, decided_by, decided_at;
  };
  // The block of block finding `id`, when it is one.
  Result<std::optional<int64_t>> BlockOf(int64_t id);
  // Write, of rows or of a batch seen through one interface (finding_blocks.cc).
  template <class View>
  Result<bool> WriteView(View& rows, int64_t first_id);
  // The decisions of the blocks within [lo, hi), by id.
  Result<std::map<int64_t, Decision>> Decisions(int64_t lo, int64_t hi);
  // (county, household) of the households `username` is assigned to.
  Result<std::vector<std::pair<int64_t, std::string>>> Assigned(const std::string& username);
  // Calls fn(hit, rule, village, status) for every block finding `query` matches (its
  // offset and limit aside), in no particular order.
  using ScanFn = std::function<void(const Hit&, std::string_view, int64_t, std::string_view)>;
  Status Scan(const FindingQuery& query, const ScanFn& fn);
  // The findings of block `block` that `want` (place in the block, id) picks, in the
  // block's order, decisions applied.
  using WantFn = std::function<bool(uint32_t, int64_t)>;
  Result<std::vector<FindingRow>> Decode(int64_t block, const WantFn& want);

  sqlite::Database& db_;
  static std::atomic<size_t> overlap_from_;
};

}  // namespace fupin
