// The assessment view: the few fields the exit and monitoring rules read, for every
// household of the register (in the store's order: county, then 户编号) and its members,
// as flat arrays. An assessment over 10M members is then a scan of arrays rather than of
// B-trees.
//
// Kept like the register index (service/crosscheck/register_index.h): beside the
// database file (PATH-assess), stamped with Store::RegisterStamp; Open maps the file when
// its stamp is the register's, else builds the view from the store and saves it (in the
// scratch folder, then renamed). Any committed change of households or members changes
// the stamp, so a stale view is never used: it is rebuilt by the next assessment (or at
// the end of `fupin import`, which calls Open).
//
// Threading: a view is read-only once made and may be shared by threads; Open may be
// called from any thread with its own Store.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/error.h"
#include "domain/household.h"
#include "storage/store.h"

namespace fupin {

struct AssessHousehold {
  enum Flag : uint8_t {
    kFoodSecure = 1,
    kClothingSecure = 2,
    kWaterSafe = 4,
    kExitCandidate = 8,    // IsExitCandidate (HouseholdPool::kExitCandidates)
    kMonitoringPool = 16,  // IsMonitoringPool (HouseholdPool::kMonitoringPool)
  };
  int64_t village_code = 0;
  int64_t net_income = 0;      // fen: Household::NetIncome
  int64_t rigid_expenses = 0;  // fen: Household::RigidExpenses
  uint32_t first_member = 0;   // index of its first member in members()
  uint32_t members = 0;        // how many
  uint32_t code = 0;           // offset of the 户编号 in the codes pool
  uint8_t code_length = 0;
  int8_t kind = 0, poverty_status = 0, monitor_status = 0;
  int8_t housing_grade = 0, renovation = 0, relocation = 0;
  uint8_t flags = 0;
  uint8_t reserved[4] = {};  // no padding: the file holds no stray bytes

  bool Has(Flag f) const { return (flags & f) != 0; }
};
static_assert(sizeof(AssessHousehold) == 48);

struct AssessMember {
  enum Flag : uint8_t { kResidentInsurance = 1, kEmployeeInsurance = 2, kBirthDate = 4 };
  int32_t birth_date = 0;  // days (Date::days), when kBirthDate
  uint32_t name = 0;       // offset of the name in the names pool
  uint16_t name_length = 0;
  int8_t school_status = 0;
  uint8_t flags = 0;
};
static_assert(sizeof(AssessMember) == 12);

class AssessView {
 public:
  // The current view of `store`'s register: mapped from PATH-assess when its stamp is the
  // register's, else built (and saved there when the database is a writable file).
  // Errors only when the store cannot be read.
  static Result<std::shared_ptr<const AssessView>> Open(Store& store);
  // Built from the store, never saved (tests; databases that are not files).
  static Result<std::shared_ptr<const AssessView>> Build(Store& store);
  // Open keeps the last view it returned, for the next Open at the same stamp (a server);
  // this drops it (tests).
  static void ForgetCached();
  // A register (a database file) of at least this many households is read in two halves
  // at once, the second on a connection of its own; 200,000 unless set (tests lower it).
  static void SetSplitThreshold(int64_t households);

  virtual ~AssessView() = default;
  virtual std::span<const AssessHousehold> households() const = 0;
  virtual std::span<const AssessMember> members() const = 0;
  virtual std::string_view Code(const AssessHousehold& h) const = 0;
  virtual std::string_view Name(const AssessMember& m) const = 0;
  // The register stamp the view was made at.
  const std::string& stamp() const { return stamp_; }
  // Whether this Open built the view (false: mapped from the file).
  bool rebuilt() const { return rebuilt_; }

  // The households of `pool` under `region`, in the store's order (as Store::ScanHouseholds).
  void Scan(RegionCode region, HouseholdPool pool,
            const std::function<void(const AssessHousehold&)>& fn) const;
  // Sets in `out` every field the rules of domain/criteria.h read (the household's codes,
  // 两不愁 and water, housing, income figures as NetIncome and RigidExpenses give them, and
  // with `with_members` its members' names, birth dates, school status and insurance); the
  // other fields are left as they are (`out` is reused from household to household).
  void Fill(const AssessHousehold& h, bool with_members, Household& out) const;

 protected:
  std::string stamp_;
  bool rebuilt_ = false;
};

// PATH-assess for the database file PATH.
std::string AssessViewPath(const std::string& database_path);

}  // namespace fupin
