// Writing an import into a register sharded by county (storage/county_writers.h; DESIGN.md
// Storage, rule 6): after the same checks as on one server, county by county, each county in
// a transaction of its own on its shard, the counties of different shards at once, under
// one batch id; and finishing or rolling back a batch that stopped half-way.
#include <sodium.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "service/clock.h"
#include "service/imports/import_importer.h"

namespace fupin {
namespace import_detail {
namespace {

// Rows of person_index handed to the store at a time.
constexpr size_t kPersonChunk = 100000;

std::string Hex(const unsigned char* bytes, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

// Adds what to do now to an error that stopped a batch half-way.
Error Unfinished(Error e, const std::string& batch) {
  if (e.code == "E_INTERRUPTED") {  // its usual words say that nothing changed
    e.zh = "操作被中断";
    e.en = "interrupted";
  }
  e.zh += "（批次 " + batch +
          " 未完成：已写入的县保持写入；运行 fupin cluster check 查看，再用同样的文件 --finish "
          "完成，或 --rollback 回退未写入的县）";
  e.en += " (batch " + batch +
          " is unfinished: the counties written stay written; run `fupin cluster check` to see "
          "it, then --finish with the same files, or --rollback the counties not written)";
  return e;
}

Error ChangedElsewhere(std::string_view code) {
  const std::string c(code);
  return Error{"E_BUSY", "户 " + c + " 在核对之后被另一处修改，请稍后再试",
               "household " + c + " was changed elsewhere after the checks: try again"};
}

bool HasIdOf(const std::vector<Member>& members, const Member& m) {
  for (const Member& x : members) {
    if (x.id_type == m.id_type && x.id_number == m.id_number) return true;
  }
  return false;
}

// Whether two records of a household hold the same ID numbers (in any order).
bool SamePersons(const Household& a, const Household& b) {
  if (a.members.size() != b.members.size()) return false;
  for (const Member& m : a.members) {
    if (!HasIdOf(b.members, m)) return false;
  }
  return true;
}

}  // namespace

// One county's part of the batch, written on its own thread's shard.
struct CountyPart {
  int64_t county = 0;
  int shard = 0;
  std::vector<uint32_t> entries;  // new or changed
  int64_t created = 0, updated = 0, unchanged = 0, members = 0;
};

Status Importer::WriteCounty(CountyWriters& writers, CountyPart& part) {
  auto write = writers.BeginCounty(batch_, part.county);
  if (!write.ok()) return write.error();
  CountyWrite& w = **write;
  // Each household as the checks found it. One registered or removed since (another office
  // wrote the county between the checks and its lock) is E_BUSY, and the county is left to
  // --finish; one whose version moved is read again below, under the lock.
  std::vector<std::string> codes;
  codes.reserve(part.entries.size());
  for (uint32_t i : part.entries) codes.emplace_back(index_.Code(i));
  auto versions = w.Versions(codes);
  if (!versions.ok()) return versions.error();
  std::unordered_set<uint32_t> moved;
  for (uint32_t i : part.entries) {
    auto it = versions->find(std::string(index_.Code(i)));
    const bool stored = stored_[i] == kChanged;
    if ((it != versions->end()) != stored) return ChangedElsewhere(index_.Code(i));
    if (stored && it->second != stored_versions_[stored_at_[i]]) moved.insert(i);
  }
  Store& store = w.store();
  std::vector<HistoryEntry> history;
  auto flush = [&](bool all) {
    if (history.empty() || (!all && history.size() < 4096)) return Status::Ok();
    return FlushHistory(store, history);
  };
  Household h;
  StoredHousehold old;
  int64_t n = 0;
  for (uint32_t i : part.entries) {
    if ((++n & 0x3FF) == 0 && Interrupted()) return Error::Interrupted();
    Unpack(i, h);
    if (stored_[i] == kChanged) {
      UnpackStored(i, old);
      if (moved.count(i)) {
        // Changed since the checks, as on one server it is read again; its ID numbers must
        // be those the batch reserved for (else E_BUSY).
        auto now = store.FindHousehold(h.household_code);
        if (!now.ok()) return now.error();
        if (!now->has_value() || !SamePersons((*now)->household, old.household)) {
          return ChangedElsewhere(h.household_code);
        }
        old = std::move(**now);
        KeepRegisteredGroup(old.household, h);
        if (SameAsStored(old.household, h)) {
          ++part.unchanged;
          continue;
        }
      }
      KeepRegisteredGroup(old.household, h);
      FUPIN_RETURN_IF_ERROR(store.UpdateHousehold(old, h, old.version + 1, batch_));
      DiffHouseholds(old.household, h, history);
      ++part.updated;
    } else {
      FUPIN_RETURN_IF_ERROR(store.InsertHousehold(h, 1, batch_));
      history.push_back({h.household_code, h.village_code.county(), "", "", "", "created", "", ""});
      ++part.created;
    }
    part.members += static_cast<int64_t>(h.members.size());
    FUPIN_RETURN_IF_ERROR(flush(false));
  }
  FUPIN_RETURN_IF_ERROR(flush(true));
  if (Interrupted()) return Error::Interrupted();
  return w.Commit();
}

// The ID numbers that leave the batch's changed households, then those that enter its
// households, reserved in person_index before any county is written.
Status Importer::ReservePersons(CountyWriters& writers, const std::vector<CountyPart>& parts) {
  Household h;
  StoredHousehold old;
  std::vector<PersonEntry> rows;
  for (const CountyPart& part : parts) {
    for (uint32_t i : part.entries) {
      if (stored_[i] != kChanged) continue;
      UnpackStored(i, old);
      Unpack(i, h);
      for (const Member& m : old.household.members) {
        if (HasIdOf(h.members, m)) continue;
        rows.push_back({m.id_type, m.id_number, part.county, h.household_code});
      }
    }
  }
  FUPIN_RETURN_IF_ERROR(writers.RemovePersons(rows));
  rows.clear();
  for (const CountyPart& part : parts) {
    for (uint32_t i : part.entries) {
      if (Interrupted()) return Error::Interrupted();
      Unpack(i, h);
      if (stored_[i] == kChanged) UnpackStored(i, old);
      for (const Member& m : h.members) {
        if (stored_[i] == kChanged && HasIdOf(old.household.members, m)) continue;
        rows.push_back({m.id_type, m.id_number, part.county, h.household_code});
      }
      if (rows.size() >= kPersonChunk) {
        FUPIN_RETURN_IF_ERROR(writers.AddPersons(rows));
        rows.clear();
      }
    }
  }
  return writers.AddPersons(rows);
}

Status Importer::WriteByCounty() {
  CountyWriters& writers = *store_.county_writers();
  if (stored_.size() != entries_.size()) ForgetStored();  // the register was empty
  now_ = NowIso8601();
  const bool resuming = !options_.batch_id.empty();
  batch_ = resuming ? options_.batch_id : NewBatchId();

  // The counties of the households to write, each on its shard.
  std::map<int64_t, CountyPart> by_county;
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    if (!entries_[i].valid) continue;
    if (stored_[i] == kUnchanged) {
      ++report_.households_unchanged;
      continue;
    }
    const int64_t county = RegionCode::FromInt(entries_[i].village).county().value();
    by_county[county].entries.push_back(i);
  }
  ClusterBatch batch{batch_, now_, options_.actor, Sources(), "", "open", {}};
  for (auto& [county, part] : by_county) {
    part.county = county;
    auto shard = writers.ShardOf(county);
    if (!shard.ok()) return shard.error();
    part.shard = *shard;
    batch.counties.push_back({county, part.shard, CountyState::kPending});
  }
  if (resuming) {
    // Finishing: the counties written and not recounted are recounted; those never written
    // have their reservations undone, then are written as a new batch would be. The files'
    // checks found the written counties unchanged, so they are not in by_county.
    auto found = writers.FindBatch(batch_);
    if (!found.ok()) return found.error();
    if (!found->has_value() || (*found)->state != "open") {
      return Error::NotFound("没有未完成的导入批次 " + batch_,
                             "there is no unfinished import batch " + batch_);
    }
    std::vector<int64_t> pending;
    for (const BatchCounty& c : (*found)->counties) {
      if (c.state == CountyState::kWritten) {
        FUPIN_RETURN_IF_ERROR(writers.FinishWrittenCounty(batch_, c.county));
      } else if (c.state == CountyState::kPending) {
        pending.push_back(c.county);
      }
    }
    FUPIN_RETURN_IF_ERROR(writers.ResyncPersons(pending));
    for (const BatchCounty& c : (*found)->counties) {
      if (c.state != CountyState::kPending) by_county.erase(c.county);
    }
  } else {
    auto sha = FilesSha256(options_.files);
    if (!sha.ok()) return sha.error();
    batch.sha256 = *sha;
    FUPIN_RETURN_IF_ERROR(writers.OpenBatch(batch));
  }
  std::vector<CountyPart> parts;
  for (auto& [county, part] : by_county) parts.push_back(std::move(part));

  Progress("预留证件号码");
  if (Status s = ReservePersons(writers, parts); !s.ok()) {
    // Nothing is written yet: what was reserved is undone and the batch closed. (Another
    // batch left unfinished may hold these ID numbers: `cluster check` lists it.)
    std::vector<int64_t> counties;
    for (const CountyPart& part : parts) counties.push_back(part.county);
    if (writers.ResyncPersons(counties).ok() && writers.CloseBatch(batch_, "rolled_back").ok()) {
      Error e = s.error();
      e.zh += "（未写入任何户；若有未完成的导入批次，运行 fupin cluster check 查看）";
      e.en +=
          " (nothing was written; if an import batch is unfinished, `fupin cluster check` "
          "lists it)";
      return e;
    }
    return Unfinished(s.error(), batch_);
  }

  // One thread per shard, its counties one after another; the first failure stops every
  // thread after its current county.
  Progress("按县写入 " + std::to_string(parts.size()) + " 个县");
  std::map<int, std::vector<CountyPart*>> by_shard;
  for (CountyPart& part : parts) by_shard[part.shard].push_back(&part);
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::optional<Error> first_error;
  std::vector<std::thread> threads;
  for (auto& [shard, list] : by_shard) {
    threads.emplace_back([&, list = list] {
      for (CountyPart* part : list) {
        if (failed.load()) return;
        Status s = WriteCounty(writers, *part);
        std::lock_guard lock(mu);
        if (!s.ok()) {
          failed = true;
          if (!first_error) first_error = s.error();
          return;
        }
        Progress("县 " + std::to_string(part->county) + " 已写入（分片 " +
                 std::to_string(part->shard) + "）");
      }
    });
  }
  for (auto& t : threads) t.join();
  if (first_error) return Unfinished(*first_error, batch_);
  for (const CountyPart& part : parts) {
    report_.households_created += part.created;
    report_.households_updated += part.updated;
    report_.households_unchanged += part.unchanged;
    report_.members += part.members;
  }

  // The batch on the coordinator, with the caller's audit record.
  FUPIN_RETURN_IF_ERROR(store_.Begin());
  writing_ = true;
  Status s = store_.InsertImportBatch(BatchRow());
  if (s.ok() && options_.before_commit) s = options_.before_commit(batch_, report_);
  writing_ = false;
  if (s.ok()) s = store_.Commit();
  if (!s.ok()) {
    store_.Rollback();
    return Unfinished(s.error(), batch_);
  }
  FUPIN_RETURN_IF_ERROR(writers.CloseBatch(batch_, "finished"));
  report_.batch_id = batch_;
  report_.written = true;
  return Status::Ok();
}

}  // namespace import_detail

Result<std::string> FilesSha256(const std::vector<std::string>& files) {
  if (sodium_init() < 0) return Error::Io("无法初始化加密库", "cannot initialise libsodium");
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<unsigned char> buffer(1 << 20);
  for (const std::string& file : files) {
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) return Error::Io("无法读取文件 " + file, "cannot read the file " + file);
    size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0) {
      crypto_hash_sha256_update(&state, buffer.data(), n);
    }
    const bool failed = std::ferror(f);
    std::fclose(f);
    if (failed) return Error::Io("无法读取文件 " + file, "cannot read the file " + file);
    // The file's end is part of what is hashed: two files are not one.
    const unsigned char separator = 0;
    crypto_hash_sha256_update(&state, &separator, 1);
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  return import_detail::Hex(digest, sizeof digest);
}

Result<std::vector<ClusterBatch>> OpenImportBatches(Store& store) {
  CountyWriters* writers = store.county_writers();
  if (!writers) return std::vector<ClusterBatch>{};
  return writers->OpenBatches();
}

Result<ClusterBatch> RollBackImportBatch(Store& store, const std::string& batch_id) {
  CountyWriters* writers = store.county_writers();
  if (!writers) {
    return Error::Usage("此数据库不是集群的协调节点",
                        "this database is not a cluster's coordinator");
  }
  auto found = writers->FindBatch(batch_id);
  if (!found.ok()) return found.error();
  if (!found->has_value() || (*found)->state != "open") {
    return Error::NotFound("没有未完成的导入批次 " + batch_id,
                           "there is no unfinished import batch " + batch_id);
  }
  std::vector<int64_t> pending;
  for (const BatchCounty& c : (*found)->counties) {
    if (c.state == CountyState::kWritten) {
      FUPIN_RETURN_IF_ERROR(writers->FinishWrittenCounty(batch_id, c.county));
    } else if (c.state == CountyState::kPending) {
      pending.push_back(c.county);
    }
  }
  FUPIN_RETURN_IF_ERROR(writers->ResyncPersons(pending));
  FUPIN_RETURN_IF_ERROR(writers->CloseBatch(batch_id, "rolled_back"));
  auto after = writers->FindBatch(batch_id);
  if (!after.ok()) return after.error();
  return **after;
}

}  // namespace fupin
