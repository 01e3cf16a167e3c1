#include "service/policy/assess_view.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "domain/criteria.h"
#include "service/mapped_file.h"

namespace fupin {
namespace {

constexpr char kMagic[8] = {'F', 'U', 'P', 'I', 'N', 'A', 'S', 'V'};
constexpr uint32_t kVersion = 1;

struct FileHeader {
  char magic[8];
  uint32_t version;
  uint16_t household_size, member_size;
  uint64_t households, members, codes_bytes, names_bytes;
  char stamp[80];  // NUL-terminated
};
static_assert(sizeof(FileHeader) == 128);

class ViewData final : public AssessView {
 public:
  std::span<const AssessHousehold> households() const override { return households_; }
  std::span<const AssessMember> members() const override { return members_; }
  std::string_view Code(const AssessHousehold& h) const override {
    return std::string_view(codes_ + h.code, h.code_length);
  }
  std::string_view Name(const AssessMember& m) const override {
    return std::string_view(names_ + m.name, m.name_length);
  }

  // Owned (built) data.
  std::vector<AssessHousehold> own_households;
  std::vector<AssessMember> own_members;
  std::string own_codes, own_names;
  void PointAtOwned() {
    households_ = own_households;
    members_ = own_members;
    codes_ = own_codes.data();
    names_ = own_names.data();
  }

  // Mapped data.
  std::unique_ptr<MappedFile> map;
  bool PointAtMap(const std::string& stamp) {
    FileHeader h;
    std::memcpy(&h, map->data(), sizeof h);
    if (std::memcmp(h.magic, kMagic, 8) != 0 || h.version != kVersion ||
        h.household_size != sizeof(AssessHousehold) || h.member_size != sizeof(AssessMember) ||
        stamp != std::string_view(h.stamp, strnlen(h.stamp, sizeof h.stamp))) {
      return false;
    }
    const size_t need = sizeof(FileHeader) + h.households * sizeof(AssessHousehold) +
                        h.members * sizeof(AssessMember) + h.codes_bytes + h.names_bytes;
    if (need != map->size()) return false;
    const char* p = map->data() + sizeof(FileHeader);
    households_ = {reinterpret_cast<const AssessHousehold*>(p), h.households};
    p += h.households * sizeof(AssessHousehold);
    members_ = {reinterpret_cast<const AssessMember*>(p), h.members};
    p += h.members * sizeof(AssessMember);
    codes_ = p;
    names_ = p + h.codes_bytes;
    stamp_ = stamp;
    return true;
  }

  // Writes the view to a scratch entry (removed whatever happens) and renames it to
  // PATH-assess for the database file `db`.
  Status Save(const std::string& db) const {
    const std::string path = AssessViewPath(db);
    if (stamp_.size() >= sizeof(FileHeader::stamp)) {
      return Error::Io("无法写入 " + path, "cannot write " + path);
    }
    FileHeader h{};
    std::memcpy(h.magic, kMagic, 8);
    h.version = kVersion;
    h.household_size = sizeof(AssessHousehold);
    h.member_size = sizeof(AssessMember);
    h.households = own_households.size();
    h.members = own_members.size();
    h.codes_bytes = own_codes.size();
    h.names_bytes = own_names.size();
    std::snprintf(h.stamp, sizeof h.stamp, "%s", stamp_.c_str());
    return WriteSectionsFile(
        db, path, "assess-",
        {{&h, sizeof h},
         {own_households.data(), own_households.size() * sizeof(AssessHousehold)},
         {own_members.data(), own_members.size() * sizeof(AssessMember)},
         {own_codes.data(), own_codes.size()},
         {own_names.data(), own_names.size()}});
  }

  void set_built(std::string stamp) {
    stamp_ = std::move(stamp);
    rebuilt_ = true;
  }

 private:
  std::span<const AssessHousehold> households_;
  std::span<const AssessMember> members_;
  const char* codes_ = "";
  const char* names_ = "";
};

template <typename T>
bool Fits(int64_t v) {
  return v >= std::numeric_limits<T>::min() && v <= std::numeric_limits<T>::max();
}

Error TooLarge() {
  return Error{"E_INTERNAL", "登记数据超出评估视图的容量",
               "the register does not fit the assessment view"};
}

// Appends household `h` and its members to `data`'s owned arrays.
Status Append(ViewData& data, const Household& h) {
  AssessHousehold e;
  e.village_code = h.village_code.value();
  e.net_income = h.NetIncome().fen();
  e.rigid_expenses = h.RigidExpenses().fen();
  e.first_member = static_cast<uint32_t>(data.own_members.size());
  e.members = static_cast<uint32_t>(h.members.size());
  e.code = static_cast<uint32_t>(data.own_codes.size());
  e.code_length = static_cast<uint8_t>(h.household_code.size());
  for (int v :
       {h.kind, h.poverty_status, h.monitor_status, h.housing_grade, h.renovation, h.relocation}) {
    if (!Fits<int8_t>(v)) return TooLarge();
  }
  if (h.household_code.size() > std::numeric_limits<uint8_t>::max() ||
      data.own_codes.size() + h.household_code.size() > std::numeric_limits<uint32_t>::max() ||
      data.own_members.size() + h.members.size() > std::numeric_limits<uint32_t>::max()) {
    return TooLarge();
  }
  e.kind = static_cast<int8_t>(h.kind);
  e.poverty_status = static_cast<int8_t>(h.poverty_status);
  e.monitor_status = static_cast<int8_t>(h.monitor_status);
  e.housing_grade = static_cast<int8_t>(h.housing_grade);
  e.renovation = static_cast<int8_t>(h.renovation);
  e.relocation = static_cast<int8_t>(h.relocation);
  uint8_t flags = 0;
  if (h.food_secure) flags |= AssessHousehold::kFoodSecure;
  if (h.clothing_secure) flags |= AssessHousehold::kClothingSecure;
  if (h.water_safe) flags |= AssessHousehold::kWaterSafe;
  if (IsExitCandidate(h)) flags |= AssessHousehold::kExitCandidate;
  if (IsMonitoringPool(h)) flags |= AssessHousehold::kMonitoringPool;
  e.flags = flags;
  data.own_codes.append(h.household_code);
  data.own_households.push_back(e);
  for (const Member& m : h.members) {
    if (m.name.size() > std::numeric_limits<uint16_t>::max() ||
        data.own_names.size() + m.name.size() > std::numeric_limits<uint32_t>::max() ||
        !Fits<int8_t>(m.school_status)) {
      return TooLarge();
    }
    AssessMember x;
    if (m.birth_date) {
      x.birth_date = m.birth_date->days();
      x.flags |= AssessMember::kBirthDate;
    }
    if (m.resident_medical_insurance) x.flags |= AssessMember::kResidentInsurance;
    if (m.employee_medical_insurance) x.flags |= AssessMember::kEmployeeInsurance;
    x.school_status = static_cast<int8_t>(m.school_status);
    x.name = static_cast<uint32_t>(data.own_names.size());
    x.name_length = static_cast<uint16_t>(m.name.size());
    data.own_names.append(m.name);
    data.own_members.push_back(x);
  }
  return Status::Ok();
}

// Appends `part` (the households after those of `data`) to `data`.
Status Join(ViewData& data, const ViewData& part) {
  const size_t members = data.own_members.size(), codes = data.own_codes.size(),
               names = data.own_names.size();
  if (members + part.own_members.size() > std::numeric_limits<uint32_t>::max() ||
      codes + part.own_codes.size() > std::numeric_limits<uint32_t>::max() ||
      names + part.own_names.size() > std::numeric_limits<uint32_t>::max()) {
    return TooLarge();
  }
  data.own_households.reserve(data.own_households.size() + part.own_households.size());
  for (AssessHousehold e : part.own_households) {
    e.first_member += static_cast<uint32_t>(members);
    e.code += static_cast<uint32_t>(codes);
    data.own_households.push_back(e);
  }
  data.own_members.reserve(members + part.own_members.size());
  for (AssessMember x : part.own_members) {
    x.name += static_cast<uint32_t>(names);
    data.own_members.push_back(x);
  }
  data.own_codes.append(part.own_codes);
  data.own_names.append(part.own_names);
  return Status::Ok();
}

// A register of this many households or more is read in two halves at once.
std::atomic<int64_t> split_at{200000};

Result<std::unique_ptr<ViewData>> BuildData(Store& store) {
  auto stamp = store.RegisterStamp();
  if (!stamp.ok()) return stamp.error();
  auto data = std::make_unique<ViewData>();
  auto into = [](ViewData& d) { return [&d](const Household& h) { return Append(d, h); }; };
  std::optional<HouseholdKey> middle;
  const std::string db = store.file_path();
  if (IsDatabaseFile(db) && !store.in_transaction()) {
    auto m = store.MiddleHousehold(split_at.load());
    if (!m.ok()) return m.error();
    middle = std::move(*m);
  }
  Status scan = Status::Ok();
  if (!middle) {
    scan = store.ScanForAssessment(into(*data));
  } else {
    // The second half on a connection of its own, on the other core. Each half is one
    // read transaction; a commit between their starts leaves halves of two moments, each
    // household whole, under the stamp read before both: the next Open finds it stale.
    // Should the second connection fail (the database locked by a bulk load), this one
    // reads that half afterwards.
    ViewData second;
    Status second_scan = Status::Ok();
    std::thread reader([&] {
      auto other = Store::Open(db, Store::OpenMode::kExisting, store.options());
      second_scan = other.ok() ? (*other)->ScanForAssessment(middle, std::nullopt, into(second))
                               : Status(other.error());
    });
    scan = store.ScanForAssessment(std::nullopt, middle, into(*data));
    reader.join();
    if (scan.ok() && !second_scan.ok()) {
      second.own_households.clear();
      second.own_members.clear();
      second.own_codes.clear();
      second.own_names.clear();
      second_scan = store.ScanForAssessment(middle, std::nullopt, into(second));
    }
    if (scan.ok()) scan = second_scan;
    if (scan.ok()) scan = Join(*data, second);
  }
  if (!scan.ok()) return scan.error();
  data->PointAtOwned();
  data->set_built(*stamp);
  return data;
}

std::unique_ptr<ViewData> MapFile(const std::string& path, const std::string& stamp) {
  auto data = std::make_unique<ViewData>();
  data->map = MappedFile::Open(path, sizeof(FileHeader));
  if (!data->map || !data->PointAtMap(stamp)) return nullptr;
  return data;
}

// The last view this process opened (a server answers many assessments with one view).
struct Cache {
  std::mutex mutex;
  std::string path;
  std::shared_ptr<const AssessView> view;
};
Cache& TheCache() {
  static Cache cache;
  return cache;
}

}  // namespace

std::string AssessViewPath(const std::string& database_path) { return database_path + "-assess"; }

void AssessView::SetSplitThreshold(int64_t households) { split_at.store(households); }

void AssessView::ForgetCached() {
  Cache& cache = TheCache();
  std::lock_guard lock(cache.mutex);
  cache.view.reset();
  cache.path.clear();
}

Result<std::shared_ptr<const AssessView>> AssessView::Build(Store& store) {
  auto data = BuildData(store);
  if (!data.ok()) return data.error();
  return std::shared_ptr<const AssessView>(std::move(data).value());
}

Result<std::shared_ptr<const AssessView>> AssessView::Open(Store& store) {
  auto stamp = store.RegisterStamp();
  if (!stamp.ok()) return stamp.error();
  const std::string db = store.file_path();
  const bool file = IsDatabaseFile(db);
  if (!file) return Build(store);
  Cache& cache = TheCache();
  {
    std::lock_guard lock(cache.mutex);
    if (cache.view && cache.path == db && cache.view->stamp() == *stamp) return cache.view;
  }
  std::shared_ptr<const AssessView> view;
  if (auto mapped = MapFile(AssessViewPath(db), *stamp)) {
    view = std::move(mapped);
  } else {
    auto data = BuildData(store);
    if (!data.ok()) return data.error();
    // Built at the stamp read before the scan: a commit in between leaves a view that the
    // next Open finds stale (its stamp is not the register's), never a wrong one.
    if ((*data)->stamp() == *stamp) {
      (void)(*data)->Save(db);  // a failed save costs the next assessment a rebuild
    }
    view = std::move(data).value();
  }
  std::lock_guard lock(cache.mutex);
  cache.path = db;
  cache.view = view;
  return view;
}

void AssessView::Scan(RegionCode region, HouseholdPool pool,
                      const std::function<void(const AssessHousehold&)>& fn) const {
  const auto all = households();
  const int64_t lo = region.subtree_lo(), hi = region.subtree_hi();
  // Households are ordered by county: those of the region's counties are one run.
  const int64_t county_lo = region.counties_lo(), county_hi = region.counties_hi();
  auto county_of = [](const AssessHousehold& h) {
    return RegionCode::FromInt(h.village_code).county().value();
  };
  auto first = std::partition_point(
      all.begin(), all.end(), [&](const AssessHousehold& h) { return county_of(h) < county_lo; });
  auto last = std::partition_point(
      first, all.end(), [&](const AssessHousehold& h) { return county_of(h) < county_hi; });
  const uint8_t want = pool == HouseholdPool::kExitCandidates   ? AssessHousehold::kExitCandidate
                       : pool == HouseholdPool::kMonitoringPool ? AssessHousehold::kMonitoringPool
                                                                : 0;
  for (auto it = first; it != last; ++it) {
    if (want && !(it->flags & want)) continue;
    if (it->village_code < lo || it->village_code >= hi) continue;
    fn(*it);
  }
}

void AssessView::Fill(const AssessHousehold& e, bool with_members, Household& h) const {
  h.household_code.assign(Code(e));
  h.village_code = RegionCode::FromInt(e.village_code);
  h.kind = e.kind;
  h.poverty_status = e.poverty_status;
  h.monitor_status = e.monitor_status;
  h.housing_grade = e.housing_grade;
  h.renovation = e.renovation;
  h.relocation = e.relocation;
  h.food_secure = e.Has(AssessHousehold::kFoodSecure);
  h.clothing_secure = e.Has(AssessHousehold::kClothingSecure);
  h.water_safe = e.Has(AssessHousehold::kWaterSafe);
  // NetIncome and RigidExpenses are sums: the view keeps the sums.
  h.wage_income = Money::FromFen(e.net_income);
  h.business_income = h.business_cost = h.property_income = h.transfer_income = Money();
  h.medical_out_of_pocket = Money::FromFen(e.rigid_expenses);
  h.education_cost = h.disaster_loss = Money();
  if (!with_members) {
    h.members.clear();
    return;
  }
  h.members.resize(e.members);
  const auto all = members();
  for (uint32_t i = 0; i < e.members; ++i) {
    const AssessMember& x = all[e.first_member + i];
    Member& m = h.members[i];
    m.name.assign(Name(x));
    if (x.flags & AssessMember::kBirthDate) {
      m.birth_date = Date::FromDays(x.birth_date);
    } else {
      m.birth_date.reset();
    }
    m.school_status = x.school_status;
    m.resident_medical_insurance = (x.flags & AssessMember::kResidentInsurance) != 0;
    m.employee_medical_insurance = (x.flags & AssessMember::kEmployeeInsurance) != 0;
  }
}

}  // namespace fupin
