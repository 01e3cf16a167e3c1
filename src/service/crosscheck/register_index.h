// The register index: every matchable person of the register (a member with a 居民身份证
// number in a household that is not 已剔除), sorted by packed ID number, with what the
// cross-check rules read. Comparing a department list is then a merge of two sorted
// arrays instead of millions of lookups.
//
// Built from the Store and kept beside the database file (PATH-ids), stamped with the
// register's generation (Store::RegisterStamp, a random value written with every change):
// a later comparison maps the file and uses it as long as the stamp is the register's; any
// committed change of households makes it stale, and so does a copy of the database
// restored over it, and the next comparison rebuilds it. The file is written in the
// scratch folder (service/scratch.h) and renamed into place, so a killed run leaves
// nothing behind that the next comparison does not remove.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/error.h"
#include "storage/store.h"

namespace fupin {

struct IndexEntry {
  enum Flag : uint8_t {
    kResidentInsurance = 1,
    kEmployeeInsurance = 2,
    kDibao = 4,
    kTekun = 8,
    kDisabled = 16,
    kRegistered = 32,  // the household is a 建档立卡户
  };
  uint64_t key = 0;  // PackIdNumber
  int64_t village_code = 0;
  uint32_t household = 0;  // index of the household code
  uint32_t name = 0;       // offset of the name in the names pool
  uint8_t name_length = 0;
  uint8_t flags = 0;
  int8_t school_status = -1;
  uint8_t reserved[5] = {};

  bool Has(Flag f) const { return (flags & f) != 0; }
};
static_assert(sizeof(IndexEntry) == 32);

class RegisterIndex {
 public:
  // The current index of `store`'s register: mapped from PATH-ids when its stamp is the
  // register's, else built (and saved there when the database is a writable file).
  static Result<std::shared_ptr<const RegisterIndex>> Open(Store& store);
  // Built from the store, never saved (tests; databases that are not files).
  static Result<std::shared_ptr<const RegisterIndex>> Build(Store& store);

  virtual ~RegisterIndex() = default;
  virtual std::span<const IndexEntry> entries() const = 0;
  virtual std::string_view Name(const IndexEntry& e) const = 0;
  virtual std::string_view HouseholdCode(const IndexEntry& e) const = 0;
  // Hints that e's household code and name are wanted soon: first where the code is (and
  // the name), a little later the code itself (reading where it is).
  virtual void PrefetchWhere(const IndexEntry& e) const = 0;
  virtual void PrefetchText(const IndexEntry& e) const = 0;
  // Whether this Open built the index (false: mapped from the file).
  bool rebuilt() const { return rebuilt_; }

 protected:
  bool rebuilt_ = false;
};

// PATH-ids for the database file PATH.
std::string RegisterIndexPath(const std::string& database_path);

}  // namespace fupin
