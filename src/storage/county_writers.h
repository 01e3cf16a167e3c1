// The write path of a register sharded by county (issue 15; ../shared/DESIGN.md, Storage,
// rule 6): no commit spans two counties. An import into a cluster's coordinator validates
// everything first, as on one server, then
//  1. opens a batch in the coordinator's catalog (its id, the files' SHA-256, the counties),
//  2. reserves the ID numbers of the batch in person_index (removals first, then additions,
//     committed in chunks: a retryable step, undone county by county by ResyncPersons),
//  3. writes each county in a transaction of its own, straight on the shard that holds it
//     (counties of different shards at once), with a done marker in the same transaction,
//  4. recounts the county's region aggregates on the coordinator under the county's lock,
//  5. records the batch (import_batches) and closes it.
// An import that stops half-way leaves an open batch: `fupin cluster check` lists it, with
// its counties written and not, and finishes it (the same files again) or rolls it back.
// Implemented for PostgreSQL clusters in storage/postgres/cluster/cluster_batches.cc; the
// import (service/imports) sees only this interface.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace fupin {

class Store;

// One person_index row: an ID number registered to a household of a county.
struct PersonEntry {
  int id_type = 0;
  std::string id_number;
  int64_t county = 0;
  std::string household_code;
};

// A county of a batch, as the catalog and the shard know it.
enum class CountyState {
  kPending,  // not written (or its transaction was lost)
  kWritten,  // committed on its shard, aggregates not yet recounted on the coordinator
  kDone,     // written and recounted
};

struct BatchCounty {
  int64_t county = 0;
  int shard = 0;
  CountyState state = CountyState::kPending;
};

struct ClusterBatch {
  std::string id, started_at, actor, sources, sha256;
  std::string state;  // "open", "finished", "rolled_back"
  std::vector<BatchCounty> counties;
};

// A county being written: the shard's Store in an open transaction (Begin called), the
// county's lock held on the coordinator until Commit or destruction (which rolls back).
class CountyWrite {
 public:
  virtual ~CountyWrite() = default;
  // The shard's store: InsertHousehold, UpdateHousehold and AppendHistory of this county's
  // households only. It leaves person_index, the aggregates and import_batches alone (the
  // batch does those on the coordinator).
  virtual Store& store() = 0;
  // The version of each of `codes` registered in the county now (absent: not registered).
  virtual Result<std::map<std::string, int64_t>> Versions(
      const std::vector<std::string>& codes) = 0;
  // Commits the county: the done marker and the rows on the shard, then the county's
  // aggregates recounted on the coordinator and the county marked done in the catalog.
  virtual Status Commit() = 0;
};

class CountyWriters {
 public:
  virtual ~CountyWriters() = default;
  // The shard (0 …) that holds `county`'s rows.
  virtual Result<int> ShardOf(int64_t county) = 0;
  // Opens batch `batch` (its counties, all pending) in the catalog. E_CONFLICT when the
  // batch exists.
  virtual Status OpenBatch(const ClusterBatch& batch) = 0;
  // The batch of that id, with each county's state read from the catalog and from its
  // shard; nullopt when there is none.
  virtual Result<std::optional<ClusterBatch>> FindBatch(const std::string& id) = 0;
  // The open batches (oldest first).
  virtual Result<std::vector<ClusterBatch>> OpenBatches() = 0;
  // Step 2: the rows leaving person_index, then those entering it (each chunk committed).
  // E_CONFLICT when an ID number is registered to another household meanwhile.
  virtual Status RemovePersons(const std::vector<PersonEntry>& rows) = 0;
  virtual Status AddPersons(const std::vector<PersonEntry>& rows) = 0;
  // Steps 3 and 4 for one county of an open batch.
  virtual Result<std::unique_ptr<CountyWrite>> BeginCounty(const std::string& batch,
                                                           int64_t county) = 0;
  // Makes the person_index rows of `counties` those of their members again (the
  // reservations of counties never written are undone), under the counties' locks.
  virtual Status ResyncPersons(const std::vector<int64_t>& counties) = 0;
  // Recounts a county written on its shard but not recounted, and marks it done.
  virtual Status FinishWrittenCounty(const std::string& batch, int64_t county) = 0;
  // Sets the batch's state ("finished" or "rolled_back").
  virtual Status CloseBatch(const std::string& batch, const std::string& state) = 0;
};

}  // namespace fupin
