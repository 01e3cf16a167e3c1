#include "service/crosscheck/register_index.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "common/id_number.h"
#include "service/mapped_file.h"

namespace fupin {
namespace {

constexpr char kMagic[8] = {'F', 'U', 'P', 'I', 'N', 'I', 'D', 'X'};
constexpr uint32_t kVersion = 1;

struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t entry_size;
  uint64_t entries, households, names_bytes, codes_bytes;
  char stamp[80];  // NUL-terminated
};
static_assert(sizeof(FileHeader) == 128);

class IndexData final : public RegisterIndex {
 public:
  std::span<const IndexEntry> entries() const override { return entries_; }
  std::string_view Name(const IndexEntry& e) const override {
    return std::string_view(names_ + e.name, e.name_length);
  }
  std::string_view HouseholdCode(const IndexEntry& e) const override {
    return std::string_view(codes_ + code_offsets_[e.household],
                            code_offsets_[e.household + 1] - code_offsets_[e.household]);
  }
  void PrefetchWhere(const IndexEntry& e) const override {
    __builtin_prefetch(code_offsets_ + e.household);
    __builtin_prefetch(names_ + e.name);
  }
  void PrefetchText(const IndexEntry& e) const override {
    __builtin_prefetch(codes_ + code_offsets_[e.household]);
  }

  // Owned (built) data.
  std::vector<IndexEntry> own_entries;
  std::vector<uint64_t> own_offsets;
  std::string own_names, own_codes;
  void PointAtOwned() {
    entries_ = own_entries;
    code_offsets_ = own_offsets.data();
    names_ = own_names.data();
    codes_ = own_codes.data();
  }

  // Mapped data.
  std::unique_ptr<MappedFile> map;
  bool PointAtMap(const std::string& stamp) {
    FileHeader h;
    std::memcpy(&h, map->data(), sizeof h);
    if (std::memcmp(h.magic, kMagic, 8) != 0 || h.version != kVersion ||
        h.entry_size != sizeof(IndexEntry) || stamp != std::string_view(h.stamp)) {
      return false;
    }
    const size_t need = sizeof(FileHeader) + h.entries * sizeof(IndexEntry) +
                        (h.households + 1) * sizeof(uint64_t) + h.names_bytes + h.codes_bytes;
    if (need != map->size()) return false;
    const char* p = map->data() + sizeof(FileHeader);
    entries_ = std::span<const IndexEntry>(reinterpret_cast<const IndexEntry*>(p), h.entries);
    p += h.entries * sizeof(IndexEntry);
    code_offsets_ = reinterpret_cast<const uint64_t*>(p);
    p += (h.households + 1) * sizeof(uint64_t);
    names_ = p;
    codes_ = p + h.names_bytes;
    return true;
  }

  // Writes the index to a scratch entry (service/scratch.h: removed whatever happens, even
  // after a kill -9) and renames it to PATH-ids for the database file `db`.
  Status Save(const std::string& db, const std::string& stamp) const {
    FileHeader h{};
    std::memcpy(h.magic, kMagic, 8);
    h.version = kVersion;
    h.entry_size = sizeof(IndexEntry);
    h.entries = own_entries.size();
    h.households = own_offsets.size() - 1;
    h.names_bytes = own_names.size();
    h.codes_bytes = own_codes.size();
    std::snprintf(h.stamp, sizeof h.stamp, "%s", stamp.c_str());
    return WriteSectionsFile(db, RegisterIndexPath(db), "ids-",
                             {{&h, sizeof h},
                              {own_entries.data(), own_entries.size() * sizeof(IndexEntry)},
                              {own_offsets.data(), own_offsets.size() * sizeof(uint64_t)},
                              {own_names.data(), own_names.size()},
                              {own_codes.data(), own_codes.size()}});
  }

  void set_rebuilt() { rebuilt_ = true; }

 private:
  std::span<const IndexEntry> entries_;
  const uint64_t* code_offsets_ = nullptr;
  const char* names_ = "";
  const char* codes_ = "";
};

Result<std::unique_ptr<IndexData>> BuildData(Store& store) {
  auto data = std::make_unique<IndexData>();
  data->own_offsets.push_back(0);
  std::string last_code;
  Status scan = store.ScanPersons([&](const PersonRow& p) {
    auto key = PackIdNumber(p.id_number);
    if (!key) return;  // stored numbers are normalised; anything else cannot match
    if (data->own_offsets.size() == 1 || p.household_code != last_code) {
      last_code.assign(p.household_code);
      data->own_codes.append(p.household_code);
      data->own_offsets.push_back(data->own_codes.size());
    }
    IndexEntry e;
    e.key = *key;
    e.village_code = p.village_code;
    e.household = static_cast<uint32_t>(data->own_offsets.size() - 2);
    const std::string_view name = p.name.substr(0, 255);
    e.name = static_cast<uint32_t>(data->own_names.size());
    e.name_length = static_cast<uint8_t>(name.size());
    data->own_names.append(name);
    uint8_t flags = 0;
    if (p.resident_medical_insurance) flags |= IndexEntry::kResidentInsurance;
    if (p.employee_medical_insurance) flags |= IndexEntry::kEmployeeInsurance;
    if (p.dibao) flags |= IndexEntry::kDibao;
    if (p.tekun) flags |= IndexEntry::kTekun;
    if (p.health.Has(code::kDisabled)) flags |= IndexEntry::kDisabled;
    if (p.kind == code::kRegistered) flags |= IndexEntry::kRegistered;
    e.flags = flags;
    e.school_status = static_cast<int8_t>(p.school_status);
    data->own_entries.push_back(e);
  });
  if (!scan.ok()) return scan.error();
  std::sort(data->own_entries.begin(), data->own_entries.end(),
            [](const IndexEntry& a, const IndexEntry& b) { return a.key < b.key; });
  data->PointAtOwned();
  data->set_rebuilt();
  return data;
}

std::unique_ptr<IndexData> MapFile(const std::string& path, const std::string& stamp) {
  auto data = std::make_unique<IndexData>();
  data->map = MappedFile::Open(path, sizeof(FileHeader));
  if (!data->map || !data->PointAtMap(stamp)) return nullptr;
  return data;
}

}  // namespace

std::string RegisterIndexPath(const std::string& database_path) { return database_path + "-ids"; }

Result<std::shared_ptr<const RegisterIndex>> RegisterIndex::Build(Store& store) {
  auto data = BuildData(store);
  if (!data.ok()) return data.error();
  return std::shared_ptr<const RegisterIndex>(std::move(data).value());
}

Result<std::shared_ptr<const RegisterIndex>> RegisterIndex::Open(Store& store) {
  auto stamp = store.RegisterStamp();
  if (!stamp.ok()) return stamp.error();
  const std::string db = store.file_path();
  const bool file = IsDatabaseFile(db);
  if (file) {
    if (auto mapped = MapFile(RegisterIndexPath(db), *stamp)) {
      return std::shared_ptr<const RegisterIndex>(std::move(mapped));
    }
  }
  auto data = BuildData(store);
  if (!data.ok()) return data.error();
  // A failed save costs the next comparison a rebuild, nothing else.
  if (file) (void)(*data)->Save(db, *stamp);
  return std::shared_ptr<const RegisterIndex>(std::move(data).value());
}

}  // namespace fupin
