#include "service/register/import_service.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "common/id_number.h"
#include "domain/household_rules.h"
#include "exchange/table.h"
#include "exchange/template.h"
#include "service/clock.h"
#include "service/register/aggregates.h"
#include "service/register/history.h"

namespace fupin {
namespace {

constexpr size_t kMaxListedErrors = 100000;
constexpr uint32_t kNoEntry = std::numeric_limits<uint32_t>::max();

// ---- Compact storage ------------------------------------------------------------------
//
// An import holds every row until it has checked them all (and, with skip_invalid, until
// it has written the rejects). As Household and Member structs, 10 million members would
// take over 3 GB; packed as below they take about a third of that. The structs are
// rebuilt one household at a time when a check or a write needs them.

// Text kept for the whole import in 1 MiB blocks, so that millions of short strings cost
// no allocation each. A reference is the text's offset; its length is stored before it.
class TextArena {
 public:
  using Ref = uint64_t;
  static constexpr Ref kEmpty = std::numeric_limits<Ref>::max();

  Ref Add(std::string_view text) {
    if (text.empty()) return kEmpty;
    const size_t need = text.size() + 10;  // the length takes at most 10 bytes
    if (used_ + need > kBlock) {
      // A text longer than a block gets a block of its own, and the next text a new one.
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(std::max(kBlock, need)));
      used_ = 0;
    }
    char* const start = blocks_.back().get() + used_;
    const Ref ref = (blocks_.size() - 1) * kBlock + used_;
    char* p = start;
    size_t n = text.size();
    do {
      *p++ = static_cast<char>((n & 0x7F) | (n > 0x7F ? 0x80 : 0));
      n >>= 7;
    } while (n);
    std::memcpy(p, text.data(), text.size());
    used_ = need > kBlock ? kBlock : used_ + (p - start) + text.size();
    return ref;
  }

  std::string_view Get(Ref ref) const {
    if (ref == kEmpty) return {};
    const char* p = blocks_[ref / kBlock].get() + ref % kBlock;
    size_t n = 0;
    for (int shift = 0;; shift += 7) {
      const auto byte = static_cast<unsigned char>(*p++);
      n |= static_cast<size_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) break;
    }
    return std::string_view(p, n);
  }

 private:
  static constexpr size_t kBlock = size_t{1} << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = kBlock;  // in the last block
};

// A vector that grows by blocks: never reallocated, so never held twice while it grows.
template <typename T>
class BlockVector {
 public:
  size_t size() const { return size_; }
  T& operator[](size_t i) { return blocks_[i >> kShift][i & kMask]; }
  const T& operator[](size_t i) const { return blocks_[i >> kShift][i & kMask]; }
  T& push_back(const T& value) {
    if ((size_ >> kShift) == blocks_.size()) {
      blocks_.push_back(std::make_unique_for_overwrite<T[]>(size_t{1} << kShift));
    }
    T& slot = (*this)[size_++];
    slot = value;
    return slot;
  }

 private:
  static constexpr int kShift = 16;
  static constexpr size_t kMask = (size_t{1} << kShift) - 1;
  std::vector<std::unique_ptr<T[]>> blocks_;
  size_t size_ = 0;
};

// Coded values (codes.h: 0–62 and 99), years, sizes and months fit in a byte or two.
int8_t Narrow8(int value) {
  assert(value >= std::numeric_limits<int8_t>::min() &&
         value <= std::numeric_limits<int8_t>::max());
  return static_cast<int8_t>(value);
}
int16_t Narrow16(int value) {
  assert(value >= std::numeric_limits<int16_t>::min() &&
         value <= std::numeric_limits<int16_t>::max());
  return static_cast<int16_t>(value);
}

constexpr int32_t kNoDate = std::numeric_limits<int32_t>::min();
int32_t PackDate(const std::optional<Date>& date) { return date ? date->days() : kNoDate; }
std::optional<Date> UnpackDate(int32_t days) {
  if (days == kNoDate) return std::nullopt;
  return Date::FromDays(days);
}

// A tripwire: a field added to Household or Member must be added to the packed forms.
static_assert(sizeof(Household) == 248 && sizeof(Member) == 160,
              "Household or Member changed: update PackedHousehold/PackedMember and their "
              "Pack/Unpack functions in import_service.cc");

// One 人表 row: a Member and where it came from.
struct PackedMember {
  enum Flag : uint8_t {
    kIdPacked = 1,  // `id` is a packed 居民身份证 number, else a TextArena ref
    kResidentMedical = 2,
    kEmployeeMedical = 4,
    kPension = 8,
    kDibao = 16,
    kTekun = 32,
    // The register holds this ID number in this same household (Importer::CheckRegister).
    kRegisteredHere = 64,
  };
  uint64_t id;
  TextArena::Ref name;
  uint64_t health;  // CodeSet bits
  uint64_t line;
  uint32_t next;       // the household's next member, or kNoEntry
  uint32_t ethnicity;  // index into Importer::ethnicities_
  int32_t birth_date;
  int8_t id_type, relation, sex, education, school_status, disability_grade, labor, months_worked;
  uint8_t flags;
};

// One 户表 row (its 户编号 is in the HouseholdIndex under the same entry number) and the
// import's state for it.
struct PackedHousehold {
  int64_t village;
  int64_t money[8];  // wage … disaster_loss, in fen
  uint64_t other_causes, risk_types;
  uint64_t line;
  TextArena::Ref phone;
  uint32_t first_member, last_member, member_count;
  int32_t monitor_since;
  int16_t registered_year, exit_year;
  int8_t kind, poverty_status, attribute, main_cause, size, housing_grade, renovation, relocation,
      monitor_type, monitor_status;
  bool food_secure, clothing_secure, water_safe;
  bool valid;       // no error so far
  bool seen_twice;  // its 户编号 is on more than one 户表 row
  bool checked;     // CheckHouseholdMembers ran while the rows were read (see Importer)
  bool written;     // in the open transaction
};

PackedHousehold PackHousehold(const Household& h, TextArena& text) {
  PackedHousehold p;
  p.village = h.village_code.value();
  const Money money[8] = {h.wage_income,     h.business_income, h.business_cost,
                          h.property_income, h.transfer_income, h.medical_out_of_pocket,
                          h.education_cost,  h.disaster_loss};
  for (int i = 0; i < 8; ++i) p.money[i] = money[i].fen();
  p.other_causes = h.other_causes.bits();
  p.risk_types = h.risk_types.bits();
  p.line = 0;
  p.phone = text.Add(h.phone);
  p.first_member = p.last_member = kNoEntry;
  p.member_count = 0;
  p.monitor_since = PackDate(h.monitor_since);
  p.registered_year = Narrow16(h.registered_year);
  p.exit_year = Narrow16(h.exit_year);
  p.kind = Narrow8(h.kind);
  p.poverty_status = Narrow8(h.poverty_status);
  p.attribute = Narrow8(h.attribute);
  p.main_cause = Narrow8(h.main_cause);
  p.size = Narrow8(h.size);
  p.housing_grade = Narrow8(h.housing_grade);
  p.renovation = Narrow8(h.renovation);
  p.relocation = Narrow8(h.relocation);
  p.monitor_type = Narrow8(h.monitor_type);
  p.monitor_status = Narrow8(h.monitor_status);
  p.food_secure = h.food_secure;
  p.clothing_secure = h.clothing_secure;
  p.water_safe = h.water_safe;
  p.valid = true;
  p.seen_twice = p.checked = p.written = false;
  return p;
}

// Fills `h` but for its members (left untouched).
void UnpackHousehold(const PackedHousehold& p, std::string_view code, const TextArena& text,
                     Household& h) {
  h.household_code.assign(code);
  h.village_code = RegionCode::FromInt(p.village);
  h.kind = p.kind;
  h.poverty_status = p.poverty_status;
  h.registered_year = p.registered_year;
  h.exit_year = p.exit_year;
  h.attribute = p.attribute;
  h.main_cause = p.main_cause;
  h.other_causes = CodeSet::FromBits(p.other_causes);
  h.size = p.size;
  Money* money[8] = {&h.wage_income,     &h.business_income, &h.business_cost,
                     &h.property_income, &h.transfer_income, &h.medical_out_of_pocket,
                     &h.education_cost,  &h.disaster_loss};
  for (int i = 0; i < 8; ++i) *money[i] = Money::FromFen(p.money[i]);
  h.food_secure = p.food_secure;
  h.clothing_secure = p.clothing_secure;
  h.housing_grade = p.housing_grade;
  h.renovation = p.renovation;
  h.relocation = p.relocation;
  h.water_safe = p.water_safe;
  h.monitor_type = p.monitor_type;
  h.monitor_status = p.monitor_status;
  h.monitor_since = UnpackDate(p.monitor_since);
  h.risk_types = CodeSet::FromBits(p.risk_types);
  h.phone.assign(text.Get(p.phone));
}

void UnpackMember(const PackedMember& p, const TextArena& text,
                  const std::vector<std::string>& ethnicities, Member& m) {
  m.name.assign(text.Get(p.name));
  m.id_type = p.id_type;
  if (p.flags & PackedMember::kIdPacked) {
    UnpackIdNumber(p.id, m.id_number);
  } else {
    m.id_number.assign(text.Get(p.id));
  }
  m.relation = p.relation;
  m.sex = p.sex;
  m.birth_date = UnpackDate(p.birth_date);
  m.ethnicity.assign(ethnicities[p.ethnicity]);
  m.education = p.education;
  m.school_status = p.school_status;
  m.health = CodeSet::FromBits(p.health);
  m.disability_grade = p.disability_grade;
  m.labor = p.labor;
  m.months_worked = p.months_worked;
  m.resident_medical_insurance = p.flags & PackedMember::kResidentMedical;
  m.employee_medical_insurance = p.flags & PackedMember::kEmployeeMedical;
  m.pension_insurance = p.flags & PackedMember::kPension;
  m.dibao = p.flags & PackedMember::kDibao;
  m.tekun = p.flags & PackedMember::kTekun;
}

// 户编号 → entry number, built while the 户表 is read and only read afterwards (by both
// threads). Open addressing over the entries; the codes live in one string.
class HouseholdIndex {
 public:
  // The entry of `code`: a new code becomes entry size(), and `inserted` says so.
  std::pair<uint32_t, bool> Insert(std::string_view code) {
    if ((size() + 1) * 10 > slots_.size() * 7) Grow();
    const uint64_t hash = Hash(code);
    size_t i = Home(hash);
    for (; slots_[i]; i = (i + 1) & (slots_.size() - 1)) {
      const uint32_t entry = Entry(slots_[i]);
      if ((slots_[i] >> 32) == (hash >> 32) && Code(entry) == code) return {entry, false};
    }
    const auto entry = static_cast<uint32_t>(size());
    slots_[i] = Slot(hash, entry);
    codes_.append(code);
    starts_.push_back(codes_.size());
    return {entry, true};
  }

  uint32_t Find(std::string_view code) const {
    if (slots_.empty()) return kNoEntry;
    const uint64_t hash = Hash(code);
    for (size_t i = Home(hash); slots_[i]; i = (i + 1) & (slots_.size() - 1)) {
      const uint32_t entry = Entry(slots_[i]);
      if ((slots_[i] >> 32) == (hash >> 32) && Code(entry) == code) return entry;
    }
    return kNoEntry;
  }

  std::string_view Code(uint32_t entry) const {
    return std::string_view(codes_).substr(starts_[entry], starts_[entry + 1] - starts_[entry]);
  }
  size_t size() const { return starts_.size() - 1; }

 private:
  static uint64_t Hash(std::string_view code) { return std::hash<std::string_view>()(code); }
  static uint64_t Slot(uint64_t hash, uint32_t entry) {
    return (hash & 0xFFFFFFFF00000000ULL) | (static_cast<uint64_t>(entry) + 1);
  }
  static uint32_t Entry(uint64_t slot) { return static_cast<uint32_t>(slot) - 1; }
  size_t Home(uint64_t hash) const { return hash & (slots_.size() - 1); }
  void Grow() {
    slots_.assign(slots_.empty() ? 1024 : slots_.size() * 2, 0);
    for (uint32_t entry = 0; entry < size(); ++entry) {
      const uint64_t hash = Hash(Code(entry));
      size_t i = Home(hash);
      while (slots_[i]) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = Slot(hash, entry);
    }
  }

  std::string codes_;
  std::vector<uint64_t> starts_{0};  // entry i is codes_[starts_[i], starts_[i + 1])
  std::vector<uint64_t> slots_;      // hash's high half, entry + 1; 0 = empty
};

// The line where each person (ID type and number) was first seen, to find a person twice
// in one import. 居民身份证 numbers, nearly all of them, go to a table of 12-byte slots.
class PersonLines {
 public:
  // The line where the person was seen before, or 0 when this is the first time (then
  // `line` is kept as theirs).
  size_t FirstSeen(int id_type, const std::string& number, size_t line) {
    std::optional<uint64_t> key;
    if (id_type == code::kResidentId) key = PackIdNumber(number);
    if (!key) {
      auto [it, inserted] = others_.try_emplace(std::to_string(id_type) + ':' + number, line);
      return inserted ? 0 : it->second;
    }
    if ((size_ + 1) * 10 > slots_.size() * 7) Grow();
    size_t i = Home(*key);
    for (; slots_[i].line; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].key() == *key) {
        return slots_[i].line == kLongLine ? long_lines_.at(*key) : slots_[i].line;
      }
    }
    Put(i, *key, line);
    ++size_;
    return 0;
  }

 private:
  static constexpr uint32_t kLongLine = std::numeric_limits<uint32_t>::max();
  struct Slot {
    uint32_t key_high, key_low, line;  // line 0 = empty (data starts on line 2)
    uint64_t key() const { return static_cast<uint64_t>(key_high) << 32 | key_low; }
  };
  size_t Home(uint64_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> 32) & (slots_.size() - 1);
  }
  void Put(size_t i, uint64_t key, size_t line) {
    if (line >= kLongLine) long_lines_[key] = line;
    slots_[i] = {static_cast<uint32_t>(key >> 32), static_cast<uint32_t>(key),
                 static_cast<uint32_t>(std::min<size_t>(line, kLongLine))};
  }
  void Grow() {
    std::vector<Slot> old(slots_.empty() ? 1024 : slots_.size() * 2, Slot{0, 0, 0});
    old.swap(slots_);
    for (const Slot& s : old) {
      if (!s.line) continue;
      size_t i = Home(s.key());
      while (slots_[i].line) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
  std::unordered_map<uint64_t, size_t> long_lines_;  // lines past 2^32 - 2
  std::unordered_map<std::string, size_t> others_;   // other ID types, odd numbers
};

// ---- Reading on a second thread -----------------------------------------------------
//
// Decoding the CSV and parsing the rows is about half the work of an import. A reading
// thread does it and hands the rows over in batches, in order, through a RowPipe per
// table. For the 户表 it only splits the records (the importer's thread, which has
// nothing to write yet, parses them); for the 人表 it also parses the rows, gives each
// its household's entry and finds persons seen twice, while the importer's thread
// writes. The importer's thread keeps everything else: the issues, the packed rows and
// the store.

struct MemberRow {
  size_t line = 0;
  bool ok = false;
  Member member;
  std::string household_code;
  std::vector<CellIssue> issues;
  uint32_t entry = kNoEntry;  // kNoEntry when the 户编号 is empty or not in the 户表
  size_t first_line = 0;      // the line where the same person was seen before, or 0
};

// Batches of rows from the reading thread to the importer, in order; a few batches are
// in flight and are reused.
template <typename Row>
class RowPipe {
 public:
  static constexpr size_t kBatchRows = 1024;
  struct Batch {
    std::vector<Row> rows = std::vector<Row>(kBatchRows);
    size_t size = 0;
    bool end = false;            // the last batch of the table
    std::optional<Error> error;  // with `end`: reading failed
  };

  // A pipe that is not `started` holds the reader back until Start().
  explicit RowPipe(bool started = true) : started_(started) {
    for (auto& b : batches_) free_.push_back(&b);
  }

  // Reader: an empty batch to fill, or nullptr when the pipe was closed.
  Batch* Take() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return closed_ || (started_ && !free_.empty()); });
    if (closed_) return nullptr;
    Batch* b = free_.front();
    free_.pop_front();
    b->size = 0;
    b->end = false;
    b->error.reset();
    return b;
  }
  void Send(Batch* b) {
    std::lock_guard lock(mu_);
    full_.push_back(b);
    cv_.notify_all();
  }
  // Importer: the next batch (blocks until there is one), then Return it when done.
  Batch* Receive() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !full_.empty(); });
    Batch* b = full_.front();
    full_.pop_front();
    return b;
  }
  void Return(Batch* b) {
    std::lock_guard lock(mu_);
    free_.push_back(b);
    cv_.notify_all();
  }
  void Start() {
    std::lock_guard lock(mu_);
    started_ = true;
    cv_.notify_all();
  }
  // Stops the reader at its next Take.
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }

 private:
  Batch batches_[4];
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch*> free_, full_;
  bool started_;
  bool closed_ = false;
};

// A source table: its reader and the name used in messages.
struct Source {
  std::unique_ptr<TableReader> reader;
  std::string file;  // as shown in issues
};

// How a table's header row went.
struct HeaderResult {
  std::optional<Error> error;  // reading it failed
  bool present = false;        // there was a header row
  size_t line = 0;
  std::vector<CellIssue> issues;
  HeaderMap map;
  bool usable() const { return !error && present && issues.empty(); }
};

// ---- The import ---------------------------------------------------------------------
//
// The households are read first, then the members; the checks that need a whole
// household or the register come after. With skip_invalid, dry_run or a non-empty
// register, everything is written after the checks (Write). Otherwise — the bulk load of
// an empty register, all-or-nothing — each household is written as soon as its member
// rows are complete, while the reading thread goes on with the next rows (WriteEarly):
// on the first error, or when a household's member rows turn out not to be together in
// the 人表, that transaction is rolled back and the import goes on the ordinary way, so
// the outcome and the report are the same either way.
class Importer {
 public:
  Importer(Store& store, const ImportOptions& options)
      : store_(store), options_(options), today_(Date::Today()) {}
  ~Importer() {
    household_rows_.Close();
    member_rows_.Close();
    if (reader_.joinable()) reader_.join();
    if (writing_) store_.Rollback();
  }

  Result<ImportReport> Run();

 private:
  void AddIssue(const std::string& file, size_t line, std::string column, std::string value,
                std::string code, std::string zh, std::string en) {
    ImportIssue issue{
        file,          line,         std::move(column), std::move(value), std::move(code),
        std::move(zh), std::move(en)};
    if (issue.code[0] == 'W') {
      if (report_.warnings.size() < kMaxListedErrors) report_.warnings.push_back(std::move(issue));
      return;
    }
    error_lines_[file].emplace(line, issue.zh);
    if (report_.errors.size() < kMaxListedErrors) {
      report_.errors.push_back(std::move(issue));
    } else {
      ++report_.errors_not_listed;
    }
  }
  void AddCellIssues(const std::string& file, size_t line, std::vector<CellIssue>& issues) {
    for (auto& i : issues) {
      AddIssue(file, line, std::move(i.column), std::move(i.value), std::move(i.code),
               std::move(i.zh), std::move(i.en));
    }
    issues.clear();
  }
  void AddRuleIssue(const PackedHousehold& e, RuleIssue& r) {
    const bool on_member = r.member >= 0;
    const std::string& file = on_member ? members_src_.file : households_src_.file;
    const size_t line = on_member ? MemberLine(e, r.member) : e.line;
    AddIssue(file, line, std::move(r.column), std::move(r.value), std::move(r.code),
             std::move(r.zh), std::move(r.en));
  }
  bool HasErrors() const { return !report_.errors.empty() || report_.errors_not_listed > 0; }
  bool Interrupted() const {
    return options_.interrupted && options_.interrupted->load(std::memory_order_relaxed);
  }
  void Progress(const std::string& text) {
    if (!options_.progress) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "[%7.2f s] ", seconds);
    options_.progress(stamp + text);
  }

  // Opens the two tables; file-level problems become issues (returns false).
  bool OpenSources();
  static HeaderResult ReadHeader(Source& src, TemplateTable table);
  void AddHeaderIssues(const Source& src, HeaderResult& header);

  // On the reading thread: reads the rows of both tables into the pipes.
  void ReadRows();
  bool ReadHouseholdRows();
  void ReadMemberRows();

  // On the importer's thread: takes the rows; false when the table is unusable.
  Result<bool> ReadHouseholds();
  Result<bool> ReadMembers();
  void AddMember(PackedHousehold& e, const Member& m, size_t line);
  Status CheckHouseholds();
  Status CheckRegions();
  Status CheckRegister();
  Status Write();
  Status WriteRejects();

  // The writing, shared by Write and WriteEarly.
  Status BeginWrite();
  Status WriteHousehold(const Household& h, int64_t version);
  Status AppendHistory(bool all);
  Status FinishWrite();
  // Writing while the members are read (see the class comment).
  void StartEarlyWrite();
  void WriteEarly(uint32_t entry, const Member& member);
  void CloseEarlyHousehold();
  bool CheckAndWriteEarly(uint32_t entry);
  void StopEarlyWrite();

  // Rebuilds entry `entry` as a Household with its members.
  void Unpack(uint32_t entry, Household& h) const;
  size_t MemberLine(const PackedHousehold& e, int member) const;
  // Whether the village is in the region tree (looked up once per village).
  Result<bool> KnownVillage(int64_t village);
  // Whether `file` says nothing about `stored` that the register does not already hold.
  static bool SameAsStored(const Household& stored, const Household& file);

  Store& store_;
  const ImportOptions& options_;
  const Date today_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  ImportReport report_;
  Source households_src_, members_src_;
  bool is_xlsx_ = false;
  std::unique_ptr<XlsxBook> book_;
  HeaderResult households_header_, members_header_;

  // The rows, packed (see PackedHousehold); entries_[i] is index_ entry i.
  HouseholdIndex index_;  // read by the reading thread once the 户表 is indexed
  BlockVector<PackedHousehold> entries_;
  BlockVector<PackedMember> members_;
  TextArena text_;
  std::vector<std::string> ethnicities_{""};
  std::unordered_map<std::string, uint32_t> ethnicity_ids_{{"", 0}};
  std::unordered_map<int64_t, bool> known_villages_;
  // Error messages by file and line, for the rejects' 错误 column.
  std::unordered_map<std::string, std::unordered_multimap<size_t, std::string>> error_lines_;
  // Member rows with no household (line, 户编号).
  std::vector<std::pair<size_t, std::string>> orphan_member_lines_;

  // The reading thread and what it hands over.
  std::thread reader_;
  RowPipe<Record> household_rows_;
  // Started once the 户表 is indexed: the reading thread then reads index_.
  RowPipe<MemberRow> member_rows_{/*started=*/false};
  PersonLines persons_;  // the reading thread's

  // What the register holds of each entry, looked up by CheckRegister (before the
  // transaction) while the register stamp is `stored_stamp_`.
  enum StoredState : uint8_t { kNotStored, kUnchanged, kChanged };
  std::vector<StoredState> stored_;
  std::string stored_stamp_;  // empty: not looked up
  // The registered record of each changed entry, packed as the entries are (members in
  // members_, text in text_), so that Write need not look it up again: stored_at_[entry]
  // is its index in stored_households_ and stored_versions_, or kNoEntry.
  BlockVector<PackedHousehold> stored_households_;
  std::vector<int64_t> stored_versions_;
  std::vector<uint32_t> stored_at_;
  void ForgetStored() {
    stored_.assign(entries_.size(), kNotStored);
    stored_households_ = {};
    stored_versions_.clear();
    stored_at_.assign(entries_.size(), kNoEntry);
  }
  void KeepStored(uint32_t entry, const StoredHousehold& stored);
  void UnpackStored(uint32_t entry, StoredHousehold& stored) const;

  // The open transaction.
  bool writing_ = false;
  std::string batch_, now_;
  AggregateAccumulator aggregates_;
  std::vector<HistoryEntry> history_;
  // Writing early: the household whose member rows are coming in, and the issues that
  // CheckHouseholdMembers gave for the households already written, by entry.
  bool early_ = false;
  uint32_t open_entry_ = kNoEntry;
  Household open_;
  // The open household's members, copied into Members kept from one household to the
  // next: their strings need no new allocation, and none is freed on this thread that
  // the reading thread allocated.
  std::vector<Member> open_members_;
  size_t open_size_ = 0;
  std::vector<std::pair<uint32_t, RuleIssue>> early_issues_;
};

std::string BatchId() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  static const char* kHex = "0123456789abcdef";
  std::string id;
  uint64_t a = gen(), b = gen();
  for (int i = 0; i < 16; ++i) id += kHex[(a >> (i * 4)) & 15];
  for (int i = 0; i < 16; ++i) id += kHex[(b >> (i * 4)) & 15];
  return id;
}

bool EndsWithXlsx(const std::string& path) {
  if (path.size() < 5) return false;
  std::string tail = path.substr(path.size() - 5);
  std::transform(tail.begin(), tail.end(), tail.begin(), ::tolower);
  return tail == ".xlsx";
}

bool Importer::OpenSources() {
  const auto& files = options_.files;
  for (const auto& f : files) {
    std::error_code ec;
    if (!std::filesystem::exists(f, ec)) {
      AddIssue(f, 0, "", "", "E_IO", "文件不存在：" + f, "no such file: " + f);
    } else if (std::filesystem::is_directory(f, ec)) {
      AddIssue(f, 0, "", "", "E_IO", "这是一个目录，不是文件：" + f,
               "a directory, not a file: " + f);
    } else if (std::filesystem::file_size(f, ec) == 0) {
      AddIssue(f, 0, "", "", "E_EMPTY", "文件是空的：" + f, "the file is empty: " + f);
    }
  }
  if (HasErrors()) return false;
  if (files.size() == 1 && EndsWithXlsx(files[0])) {
    is_xlsx_ = true;
    auto book = XlsxBook::Open(files[0]);
    if (!book.ok()) {
      AddIssue(files[0], 0, "", "", book.error().code, book.error().zh, book.error().en);
      return false;
    }
    book_ = std::move(book).value();
    auto names = book_->SheetNames();
    auto pick = [&](const char* zh, const char* en, Source& src) {
      for (const auto& n : names) {
        if (n == zh || n == en) {
          auto sheet = book_->Sheet(n);
          if (!sheet.ok()) {
            AddIssue(files[0], 0, "", "", sheet.error().code, sheet.error().zh, sheet.error().en);
            return;
          }
          src.reader = std::move(sheet).value();
          src.file = files[0] + "[" + n + "]";
          return;
        }
      }
      AddIssue(files[0], 0, "", zh, "E_SHEET",
               std::string("工作簿中没有名为“") + zh + "”（或 " + en + "）的工作表",
               std::string("the workbook has no sheet named ") + zh + " (or " + en + ")");
    };
    pick("户表", "households", households_src_);
    pick("人表", "members", members_src_);
    return !HasErrors();
  }
  if (files.size() != 2) {
    AddIssue(files.empty() ? "" : files[0], 0, "", "", "E_USAGE",
             "请给出户表和人表两个 CSV 文件，或一个含“户表”“人表”两个工作表的 XLSX 文件",
             "give two CSV files (households, members) or one XLSX workbook with both sheets");
    return false;
  }
  Source* targets[2] = {&households_src_, &members_src_};
  for (int i = 0; i < 2; ++i) {
    auto reader = OpenCsv(files[i], options_.encoding);
    if (!reader.ok()) {
      AddIssue(files[i], reader.error().line, "", "", reader.error().code, reader.error().zh,
               reader.error().en);
      continue;
    }
    targets[i]->reader = std::move(reader).value();
    targets[i]->file = files[i];
  }
  return !HasErrors();
}

HeaderResult Importer::ReadHeader(Source& src, TemplateTable table) {
  HeaderResult header;
  Record record;
  src.reader = SkipTitleRows(std::move(src.reader), table);  // a title above the header
  auto first = src.reader->Next(record);
  if (!first.ok()) {
    header.error = first.error();
    return header;
  }
  header.present = *first;
  if (!header.present) return header;
  header.line = record.line;
  header.map = HeaderMap::Build(table, record, header.issues);
  return header;
}

// The issues of a header as ReadHouseholds and ReadMembers report them.
void Importer::AddHeaderIssues(const Source& src, HeaderResult& header) {
  if (header.error) {
    AddIssue(src.file, header.error->line, "", "", header.error->code, header.error->zh,
             header.error->en);
  } else if (!header.present) {
    AddIssue(src.file, 0, "", "", "E_EMPTY", "没有表头：" + src.file, "no header row: " + src.file);
  } else {
    AddCellIssues(src.file, header.line, header.issues);
  }
}

void Importer::ReadRows() {
  if (ReadHouseholdRows() && members_header_.usable()) ReadMemberRows();
}

// Returns whether the members are to be read: the 户表 was read to its end and had rows.
bool Importer::ReadHouseholdRows() {
  TableReader& reader = *households_src_.reader;
  size_t rows = 0;
  while (true) {
    auto* batch = household_rows_.Take();
    if (!batch) return false;
    while (batch->size < batch->rows.size()) {
      Record& record = batch->rows[batch->size];
      auto next = reader.Next(record);
      if (!next.ok()) {
        batch->error = next.error();
        batch->end = true;
        break;
      }
      if (!*next) {
        batch->end = true;
        break;
      }
      if (IsBlankRecord(record)) continue;
      ++rows;
      ++batch->size;
    }
    const bool end = batch->end, failed = batch->error.has_value();
    household_rows_.Send(batch);
    if (end) return !failed && rows > 0;
  }
}

void Importer::ReadMemberRows() {
  TableReader& reader = *members_src_.reader;
  Record record;
  while (true) {
    auto* batch = member_rows_.Take();
    if (!batch) return;
    while (batch->size < batch->rows.size()) {
      auto next = reader.Next(record);
      if (!next.ok()) {
        batch->error = next.error();
        batch->end = true;
        break;
      }
      if (!*next) {
        batch->end = true;
        break;
      }
      if (IsBlankRecord(record)) continue;
      MemberRow& row = batch->rows[batch->size++];
      row.line = record.line;
      row.ok = ParseMemberRow(members_header_.map, record, today_, row.member, row.household_code,
                              row.issues);
      row.entry = row.household_code.empty() ? kNoEntry : index_.Find(row.household_code);
      row.first_line = 0;
      if (row.entry != kNoEntry && row.ok && !row.member.id_number.empty()) {
        row.first_line = persons_.FirstSeen(row.member.id_type, row.member.id_number, row.line);
      }
    }
    const bool end = batch->end;
    member_rows_.Send(batch);
    if (end) return;
  }
}

Result<bool> Importer::ReadHouseholds() {
  const Source& src = households_src_;
  size_t rows = 0;
  Household h;
  std::vector<CellIssue> issues;
  for (bool end = false; !end;) {
    auto* batch = household_rows_.Receive();
    for (size_t i = 0; i < batch->size; ++i) {
      const Record& record = batch->rows[i];
      ++rows;
      if ((rows & 0xFFF) == 0 && Interrupted()) {
        household_rows_.Return(batch);
        return Error::Interrupted();
      }
      const bool ok = ParseHouseholdRow(households_header_.map, record, today_, h, issues);
      AddCellIssues(src.file, record.line, issues);
      if (h.household_code.empty()) continue;  // no usable 户编号: nothing to attach to
      auto [entry, inserted] = index_.Insert(h.household_code);
      if (!inserted) {
        PackedHousehold& first = entries_[entry];
        AddIssue(src.file, record.line, "户编号", h.household_code, "E_HOUSEHOLD",
                 "户编号 " + h.household_code + " 在户表中重复（第 " + std::to_string(first.line) +
                     " 行已有）",
                 "household code " + h.household_code +
                     " appears twice in the households table "
                     "(first on line " +
                     std::to_string(first.line) + ")");
        first.valid = false;
        first.seen_twice = true;
        error_lines_[src.file].emplace(first.line, "户编号重复");
        continue;
      }
      PackedHousehold& e = entries_.push_back(PackHousehold(h, text_));
      e.line = record.line;
      e.valid = ok;
    }
    end = batch->end;
    std::optional<Error> error = std::move(batch->error);
    household_rows_.Return(batch);
    if (error) {
      // An encoding error or an unclosed quote ends the reading: the file is unusable.
      AddIssue(src.file, error->line, "", "", error->code, error->zh, error->en);
      return false;
    }
  }
  if (rows == 0) {
    AddIssue(src.file, 0, "", "", "E_EMPTY", "只有表头，没有数据行：" + src.file,
             "the file has a header but no rows: " + src.file);
    return false;
  }
  member_rows_.Start();
  return true;
}

void Importer::AddMember(PackedHousehold& e, const Member& m, size_t line) {
  PackedMember p;
  if (auto key = PackIdNumber(m.id_number)) {
    p.id = *key;
    p.flags = PackedMember::kIdPacked;
  } else {
    p.id = text_.Add(m.id_number);
    p.flags = 0;
  }
  p.name = text_.Add(m.name);
  p.health = m.health.bits();
  p.line = line;
  p.next = kNoEntry;
  auto [it, inserted] =
      ethnicity_ids_.try_emplace(m.ethnicity, static_cast<uint32_t>(ethnicities_.size()));
  if (inserted) ethnicities_.push_back(m.ethnicity);
  p.ethnicity = it->second;
  p.birth_date = PackDate(m.birth_date);
  p.id_type = Narrow8(m.id_type);
  p.relation = Narrow8(m.relation);
  p.sex = Narrow8(m.sex);
  p.education = Narrow8(m.education);
  p.school_status = Narrow8(m.school_status);
  p.disability_grade = Narrow8(m.disability_grade);
  p.labor = Narrow8(m.labor);
  p.months_worked = Narrow8(m.months_worked);
  if (m.resident_medical_insurance) p.flags |= PackedMember::kResidentMedical;
  if (m.employee_medical_insurance) p.flags |= PackedMember::kEmployeeMedical;
  if (m.pension_insurance) p.flags |= PackedMember::kPension;
  if (m.dibao) p.flags |= PackedMember::kDibao;
  if (m.tekun) p.flags |= PackedMember::kTekun;
  const auto index = static_cast<uint32_t>(members_.size());
  members_.push_back(p);
  if (e.last_member == kNoEntry) {
    e.first_member = index;
  } else {
    members_[e.last_member].next = index;
  }
  e.last_member = index;
  ++e.member_count;
}

Result<bool> Importer::ReadMembers() {
  const Source& src = members_src_;
  if (!members_header_.usable()) {
    AddHeaderIssues(src, members_header_);
    return false;
  }
  size_t rows = 0;
  for (bool end = false; !end;) {
    auto* batch = member_rows_.Receive();
    for (size_t i = 0; i < batch->size; ++i) {
      MemberRow& row = batch->rows[i];
      ++rows;
      if ((rows & 0xFFF) == 0 && Interrupted()) {
        member_rows_.Return(batch);
        return Error::Interrupted();
      }
      AddCellIssues(src.file, row.line, row.issues);
      const std::string& code = row.household_code;
      if (code.empty()) {
        orphan_member_lines_.emplace_back(row.line, "");
        continue;
      }
      if (row.entry == kNoEntry) {
        AddIssue(src.file, row.line, "户编号", code, "E_HOUSEHOLD",
                 "户编号 " + code + " 不在本次导入的户表中",
                 "household code " + code + " is not in the households table of this import");
        orphan_member_lines_.emplace_back(row.line, code);
        continue;
      }
      PackedHousehold& e = entries_[row.entry];
      if (!row.ok) e.valid = false;
      if (row.first_line) {
        AddIssue(
            src.file, row.line, "证件号码", row.member.id_number, "E_ID_DUPLICATE",
            "同一证件号码在本次导入中出现两次（第 " + std::to_string(row.first_line) + " 行已有）",
            "the same ID number appears twice in this import (first on line " +
                std::to_string(row.first_line) + ")");
        e.valid = false;
      }
      AddMember(e, row.member, row.line);
      if (early_) WriteEarly(row.entry, row.member);
    }
    end = batch->end;
    std::optional<Error> error = std::move(batch->error);
    member_rows_.Return(batch);
    if (error) {
      if (early_) StopEarlyWrite();
      AddIssue(src.file, error->line, "", "", error->code, error->zh, error->en);
      return false;
    }
  }
  if (early_) CloseEarlyHousehold();
  if (rows == 0) {
    AddIssue(src.file, 0, "", "", "E_EMPTY", "只有表头，没有数据行：" + src.file,
             "the file has a header but no rows: " + src.file);
    return false;
  }
  return true;
}

void Importer::Unpack(uint32_t entry, Household& h) const {
  const PackedHousehold& e = entries_[entry];
  UnpackHousehold(e, index_.Code(entry), text_, h);
  h.members.resize(e.member_count);
  uint32_t m = e.first_member;
  for (auto& member : h.members) {
    UnpackMember(members_[m], text_, ethnicities_, member);
    m = members_[m].next;
  }
}

void Importer::KeepStored(uint32_t entry, const StoredHousehold& stored) {
  PackedHousehold p = PackHousehold(stored.household, text_);
  for (const Member& m : stored.household.members) AddMember(p, m, 0);
  stored_at_[entry] = static_cast<uint32_t>(stored_households_.size());
  stored_households_.push_back(p);
  stored_versions_.push_back(stored.version);
}

void Importer::UnpackStored(uint32_t entry, StoredHousehold& stored) const {
  const uint32_t at = stored_at_[entry];
  const PackedHousehold& e = stored_households_[at];
  UnpackHousehold(e, index_.Code(entry), text_, stored.household);
  stored.household.members.resize(e.member_count);
  uint32_t m = e.first_member;
  for (auto& member : stored.household.members) {
    UnpackMember(members_[m], text_, ethnicities_, member);
    m = members_[m].next;
  }
  stored.version = stored_versions_[at];
}

size_t Importer::MemberLine(const PackedHousehold& e, int member) const {
  uint32_t m = e.first_member;
  for (int i = 0; i < member; ++i) m = members_[m].next;
  return members_[m].line;
}

Result<bool> Importer::KnownVillage(int64_t village) {
  auto [it, inserted] = known_villages_.try_emplace(village, false);
  if (inserted) {
    auto region = store_.GetRegion(RegionCode::FromInt(village));
    if (!region.ok()) {
      known_villages_.erase(it);
      return region.error();
    }
    it->second = region->has_value();
  }
  return it->second;
}

Status Importer::CheckHouseholds() {
  // The households checked while they were written early keep the issues found then.
  std::stable_sort(early_issues_.begin(), early_issues_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  auto early = early_issues_.begin();
  std::vector<RuleIssue> issues;
  Household h;
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    PackedHousehold& e = entries_[i];
    issues.clear();
    if (e.checked) {
      for (; early != early_issues_.end() && early->first == i; ++early) {
        issues.push_back(std::move(early->second));
      }
    } else {
      Unpack(i, h);
      CheckHouseholdMembers(h, issues);
    }
    for (auto& r : issues) {
      if (r.code[0] == 'E') e.valid = false;
      AddRuleIssue(e, r);
    }
  }
  early_issues_.clear();
  return Status::Ok();
}

Status Importer::CheckRegions() {
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    PackedHousehold& e = entries_[i];
    const RegionCode village = RegionCode::FromInt(e.village);
    if (village.value() == 0) continue;  // already reported as a bad value
    auto known = KnownVillage(village.value());
    if (!known.ok()) return known.error();
    if (!*known || !options_.scope.Contains(village)) {
      e.valid = false;
      AddIssue(households_src_.file, e.line, "行政区划代码", village.ToString(), "E_REGION",
               "区划代码 " + village.ToString() + " 不在区划库中（请先运行 fupin regions load）",
               "region code " + village.ToString() +
                   " is not in the region tree (run `fupin regions load`)");
    }
  }
  return Status::Ok();
}

bool Importer::SameAsStored(const Household& stored, const Household& file) {
  if (stored.members.size() != file.members.size()) return false;
  // Every field but the members, then each member with the stored one of its ID number
  // (an order of members alone is no change, as DiffHouseholds records none). 家庭人口数
  // is not compared: when given it equals the member rows (E_SIZE otherwise), and an export
  // writes the member count where none was given, so "not given" and the count are the same
  // household (as in the history, which records no change between them).
  const auto same_fields = [](const Household& x, const Household& y) {
    return x.household_code == y.household_code && x.village_code == y.village_code &&
           x.kind == y.kind && x.poverty_status == y.poverty_status &&
           x.registered_year == y.registered_year && x.exit_year == y.exit_year &&
           x.attribute == y.attribute && x.main_cause == y.main_cause &&
           x.other_causes == y.other_causes && x.wage_income == y.wage_income &&
           x.business_income == y.business_income && x.business_cost == y.business_cost &&
           x.property_income == y.property_income && x.transfer_income == y.transfer_income &&
           x.medical_out_of_pocket == y.medical_out_of_pocket &&
           x.education_cost == y.education_cost && x.disaster_loss == y.disaster_loss &&
           x.food_secure == y.food_secure && x.clothing_secure == y.clothing_secure &&
           x.housing_grade == y.housing_grade && x.renovation == y.renovation &&
           x.relocation == y.relocation && x.water_safe == y.water_safe &&
           x.monitor_type == y.monitor_type && x.monitor_status == y.monitor_status &&
           x.monitor_since == y.monitor_since && x.risk_types == y.risk_types && x.phone == y.phone;
  };
  if (!same_fields(stored, file)) return false;
  for (size_t i = 0; i < file.members.size(); ++i) {
    const Member& m = file.members[i];
    const Member* match = &stored.members[i];
    if (match->id_type != m.id_type || match->id_number != m.id_number) {
      match = nullptr;
      for (const Member& s : stored.members) {
        if (s.id_type == m.id_type && s.id_number == m.id_number) match = &s;
      }
    }
    if (!match || !(*match == m)) return false;
  }
  return true;
}

// Whether `after` changes what procedures decide: 户类型, 贫困状态, the years, 监测.
static bool ChangesStatus(const Household& before, const Household& after) {
  return before.kind != after.kind || before.poverty_status != after.poverty_status ||
         before.registered_year != after.registered_year || before.exit_year != after.exit_year ||
         before.monitor_status != after.monitor_status || before.monitor_type != after.monitor_type;
}

Status Importer::CheckRegister() {
  // While writing early, the register was empty when the transaction began.
  if (writing_) return Status::Ok();
  auto has = store_.HasPersons();
  if (!has.ok()) return has.error();
  if (!*has) return Status::Ok();
  auto stamp = store_.RegisterStamp();
  if (!stamp.ok()) return stamp.error();
  // Each household of the files is looked up once, by its key: a household whose every
  // field and member is the same as registered is left alone (Write), and its members
  // need no look-up in the person index (they are registered in it, to this household).
  // A changed household's record is kept for Write.
  ForgetStored();
  Household h;
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    PackedHousehold& e = entries_[i];
    if (!e.valid) continue;
    if ((i & 0x3FF) == 0 && Interrupted()) return Error::Interrupted();
    const std::string code(index_.Code(i));
    auto old = store_.FindHousehold(code);
    if (!old.ok()) return old.error();
    if (!old->has_value()) continue;
    if (!options_.scope.Contains((*old)->household.village_code)) {
      // A 户编号 registered outside the caller's region is not theirs to replace; nothing
      // is said of the household outside the region, not even that it exists.
      e.valid = false;
      AddIssue(households_src_.file, e.line, "户编号", code, "E_HOUSEHOLD", "此户编号不能使用",
               "this household code cannot be used");
      report_.scope_conflicts.push_back(code);
      continue;
    }
    Unpack(i, h);
    const Household& registered = (*old)->household;
    stored_[i] = SameAsStored(registered, h) ? kUnchanged : kChanged;
    if (stored_[i] == kUnchanged) continue;
    if (ChangesStatus(registered, h)) {
      // A status moves through its case while one is open (spec/procedures.md).
      auto open = store_.cases().OpenCaseOf(code);
      if (!open.ok()) return open.error();
      if (open->has_value()) {
        e.valid = false;
        stored_[i] = kNotStored;
        const std::string id = std::to_string(**open);
        AddIssue(households_src_.file, e.line, "贫困状态", code, "E_CASE_OPEN",
                 "该户有未办结的办件 " + id + "，导入不能改变其状态",
                 "the household has an open case (" + id + "): an import cannot change its status");
        continue;
      }
    }
    KeepStored(i, **old);
    // The members registered in this same household need no look-up in the person index.
    for (uint32_t m = e.first_member, k = 0; m != kNoEntry; m = members_[m].next, ++k) {
      const Member& member = h.members[k];
      for (const Member& r : registered.members) {
        if (r.id_type == member.id_type && r.id_number == member.id_number) {
          members_[m].flags |= PackedMember::kRegisteredHere;
        }
      }
    }
  }
  stored_stamp_ = *stamp;
  std::string id_number;
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    PackedHousehold& e = entries_[i];
    if (!e.valid || stored_[i] == kUnchanged) continue;
    if ((i & 0x3FF) == 0 && Interrupted()) return Error::Interrupted();
    for (uint32_t m = e.first_member; m != kNoEntry; m = members_[m].next) {
      const PackedMember& p = members_[m];
      if (p.flags & PackedMember::kRegisteredHere) continue;
      if (p.flags & PackedMember::kIdPacked) {
        UnpackIdNumber(p.id, id_number);
      } else {
        id_number.assign(text_.Get(p.id));
      }
      auto owner = store_.FindPerson(p.id_type, id_number);
      if (!owner.ok()) return owner.error();
      if (!owner->has_value()) continue;
      const uint32_t other = index_.Find(**owner);
      // A person may move between households that this import replaces.
      if (other != kNoEntry && entries_[other].valid) continue;
      e.valid = false;
      bool visible = options_.scope == RegionCode::Nation();
      if (!visible) {
        auto other_household = store_.FindHousehold(**owner);
        if (!other_household.ok()) return other_household.error();
        visible = other_household->has_value() &&
                  options_.scope.Contains((*other_household)->household.village_code);
      }
      if (visible) {
        AddIssue(members_src_.file, p.line, "证件号码", id_number, "E_ID_DUPLICATE",
                 "该证件号码已登记在户 " + **owner + " 中",
                 "this ID number is already registered in household " + **owner);
      } else {
        AddIssue(members_src_.file, p.line, "证件号码", id_number, "E_ID_DUPLICATE",
                 "此证件号码不能使用，请联系县级管理员",
                 "this ID number cannot be used: ask the county administrator");
        report_.scope_conflicts.emplace_back(index_.Code(i));
      }
    }
  }
  return Status::Ok();
}

Status Importer::BeginWrite() {
  now_ = NowIso8601();
  batch_ = BatchId();
  FUPIN_RETURN_IF_ERROR(store_.Begin());
  writing_ = true;
  return Status::Ok();
}

Status Importer::WriteHousehold(const Household& h, int64_t version) {
  FUPIN_RETURN_IF_ERROR(store_.InsertHousehold(h, version, batch_));
  aggregates_.Add(h, +1);
  report_.members += static_cast<int64_t>(h.members.size());
  if (version == 1) {
    ++report_.households_created;
    history_.push_back({h.household_code, h.village_code.county(), "", "", "", "created", "", ""});
  }
  return AppendHistory(false);
}

// Hands the history rows to the store a few thousand at a time (or all with `all`).
Status Importer::AppendHistory(bool all) {
  if (history_.empty() || (!all && history_.size() < 4096)) return Status::Ok();
  const std::string source = "import:" + batch_;
  for (auto& h : history_) {
    h.at = now_;
    h.actor = options_.actor;
    h.source = source;
  }
  Status s = store_.AppendHistory(history_);
  history_.clear();
  return s;
}

// Writes the history, the aggregates and the batch, then commits (or, for a dry run,
// rolls back).
Status Importer::FinishWrite() {
  Progress("写入历史和汇总");
  FUPIN_RETURN_IF_ERROR(AppendHistory(true));
  FUPIN_RETURN_IF_ERROR(store_.ApplyAggregateDeltas(aggregates_.Deltas()));
  std::string sources;
  for (const auto& f : options_.files) sources += (sources.empty() ? "" : " ") + f;
  ImportBatchRow row{batch_,
                     now_,
                     NowIso8601(),
                     options_.actor,
                     sources,
                     report_.households_created,
                     report_.households_updated,
                     report_.members,
                     report_.rejected_households,
                     report_.households_unchanged};
  FUPIN_RETURN_IF_ERROR(store_.InsertImportBatch(row));
  if (Interrupted()) return Error::Interrupted();
  if (options_.dry_run) {
    store_.Rollback();
    writing_ = false;
    return Status::Ok();
  }
  Progress("提交");
  writing_ = false;  // Commit rolls back when it fails
  FUPIN_RETURN_IF_ERROR(store_.Commit());
  report_.batch_id = batch_;
  report_.written = true;
  return Status::Ok();
}

Status Importer::Write() {
  auto fail = [&](Status s) {
    store_.Rollback();
    writing_ = false;
    return s;
  };
  Household h;
  int64_t written = 0;
  if (writing_) {
    // Written early: only what was not written then remains (normally nothing).
    for (uint32_t i = 0; i < entries_.size(); ++i) {
      if (!entries_[i].valid || entries_[i].written) continue;
      if ((++written & 0x3FF) == 0 && Interrupted()) return fail(Error::Interrupted());
      Unpack(i, h);
      if (Status s = WriteHousehold(h, 1); !s.ok()) return fail(s);
    }
    Status s = FinishWrite();
    return s.ok() ? s : fail(s);
  }

  auto has_persons = store_.HasPersons();
  if (!has_persons.ok()) return has_persons.error();
  const bool empty_register = !*has_persons;
  FUPIN_RETURN_IF_ERROR(BeginWrite());
  if (empty_register) {
    ForgetStored();
  } else {
    // What CheckRegister found holds if nothing was committed since; else each household
    // is looked up again, now inside the transaction.
    bool looked_up = !stored_stamp_.empty();
    if (looked_up) {
      auto stamp = store_.RegisterStamp();
      if (!stamp.ok()) return fail(stamp.error());
      looked_up = *stamp == stored_stamp_;
    }
    if (!looked_up) {
      ForgetStored();
      for (uint32_t i = 0; i < entries_.size(); ++i) {
        if (!entries_[i].valid) continue;
        if ((++written & 0x3FF) == 0 && Interrupted()) return fail(Error::Interrupted());
        auto old = store_.FindHousehold(std::string(index_.Code(i)));
        if (!old.ok()) return fail(old.error());
        if (!old->has_value()) continue;
        Unpack(i, h);
        stored_[i] = SameAsStored((*old)->household, h) ? kUnchanged : kChanged;
        if (stored_[i] == kChanged) KeepStored(i, **old);
      }
    }
  }
  // A changed household is updated in place (Store::UpdateHousehold). The ID numbers that
  // leave changed households are removed from the person index first, so that a person
  // may move into a household updated or created before the one they leave.
  StoredHousehold old;
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    if (!entries_[i].valid || stored_[i] != kChanged) continue;
    if ((++written & 0x3FF) == 0 && Interrupted()) return fail(Error::Interrupted());
    UnpackStored(i, old);
    Unpack(i, h);
    if (Status s = store_.RemovePersons(old.household, h); !s.ok()) return fail(s);
  }
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    if (!entries_[i].valid) continue;
    if (stored_[i] == kUnchanged) {
      ++report_.households_unchanged;
      continue;
    }
    if (stored_[i] != kChanged) continue;
    if ((++written & 0x3FF) == 0 && Interrupted()) return fail(Error::Interrupted());
    UnpackStored(i, old);
    Unpack(i, h);
    Status s = store_.UpdateHousehold(old, h, old.version + 1, batch_);
    if (!s.ok()) return fail(s);
    aggregates_.Add(old.household, -1);
    aggregates_.Add(h, +1);
    DiffHouseholds(old.household, h, history_);
    ++report_.households_updated;
    report_.members += static_cast<int64_t>(h.members.size());
    if (s = AppendHistory(false); !s.ok()) return fail(s);
  }
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    if (!entries_[i].valid || stored_[i] != kNotStored) continue;
    if ((++written & 0x3FF) == 0 && Interrupted()) return fail(Error::Interrupted());
    Unpack(i, h);
    if (Status s = WriteHousehold(h, 1); !s.ok()) return fail(s);
  }
  Status s = FinishWrite();
  return s.ok() ? s : fail(s);
}

void Importer::StartEarlyWrite() {
  if (options_.skip_invalid || options_.dry_run || HasErrors()) return;
  auto has_persons = store_.HasPersons();
  if (!has_persons.ok() || *has_persons) return;
  if (!BeginWrite().ok()) return;
  early_ = true;
}

// Takes member row `member` of entry `entry` (already added to the entry).
void Importer::WriteEarly(uint32_t entry, const Member& member) {
  if (HasErrors()) return StopEarlyWrite();
  if (entry != open_entry_) {
    CloseEarlyHousehold();
    if (!early_) return;
    if (entries_[entry].checked) {
      // Its member rows are not together: the household was written without this one.
      return StopEarlyWrite();
    }
    open_entry_ = entry;
    open_size_ = 0;
  }
  if (open_size_ == open_members_.size()) open_members_.emplace_back();
  open_members_[open_size_++] = member;
}

// The open household's member rows are complete (if the 人表 keeps them together):
// checks it and writes it.
void Importer::CloseEarlyHousehold() {
  if (open_entry_ == kNoEntry) return;
  const uint32_t entry = open_entry_;
  open_entry_ = kNoEntry;
  UnpackHousehold(entries_[entry], index_.Code(entry), text_, open_);
  open_.members.resize(open_size_);
  for (size_t i = 0; i < open_size_; ++i) std::swap(open_.members[i], open_members_[i]);
  const bool written = CheckAndWriteEarly(entry);
  for (size_t i = 0; i < open_size_; ++i) std::swap(open_.members[i], open_members_[i]);
  if (written) {
    entries_[entry].written = true;
  } else {
    StopEarlyWrite();
  }
}

bool Importer::CheckAndWriteEarly(uint32_t entry) {
  PackedHousehold& e = entries_[entry];
  e.checked = true;
  std::vector<RuleIssue> issues;
  CheckHouseholdMembers(open_, issues);
  bool ok = e.valid;
  for (auto& r : issues) {
    ok &= r.code[0] != 'E';
    early_issues_.emplace_back(entry, std::move(r));
  }
  // As CheckRegions: the village is in the region tree and in the caller's region.
  auto known = KnownVillage(e.village);
  return ok && known.ok() && *known && options_.scope.Contains(RegionCode::FromInt(e.village)) &&
         WriteHousehold(open_, 1).ok();
}

// Rolls back what was written early; the import goes on the ordinary way.
void Importer::StopEarlyWrite() {
  early_ = false;
  open_entry_ = kNoEntry;
  store_.Rollback();
  writing_ = false;
  for (uint32_t i = 0; i < entries_.size(); ++i) entries_[i].checked = entries_[i].written = false;
  early_issues_.clear();
  aggregates_ = AggregateAccumulator();
  history_.clear();
  report_.members = 0;
  report_.households_created = 0;
}

Status Importer::WriteRejects() {
  if (options_.rejects_dir.empty() ||
      (report_.rejected_households == 0 && orphan_member_lines_.empty())) {
    return Status::Ok();
  }
  // Which lines of each table are rejected, with their messages.
  std::unordered_set<size_t> household_lines, member_lines;
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    const PackedHousehold& e = entries_[i];
    if (e.valid) continue;
    household_lines.insert(e.line);
    for (uint32_t m = e.first_member; m != kNoEntry; m = members_[m].next) {
      member_lines.insert(members_[m].line);
    }
  }
  for (const auto& [line, code] : orphan_member_lines_) member_lines.insert(line);
  // Duplicate 户表 rows beyond the first were not kept as entries: take every error line.
  for (const auto& [line, message] : error_lines_[households_src_.file])
    household_lines.insert(line);

  std::error_code ec;
  std::filesystem::create_directories(options_.rejects_dir, ec);
  if (ec) {
    return Error::Io("无法创建目录 " + options_.rejects_dir + "：" + ec.message(),
                     "cannot create the directory " + options_.rejects_dir + ": " + ec.message());
  }
  auto messages_of = [&](const std::string& file, size_t line, const std::string& fallback) {
    std::string out;
    auto& by_line = error_lines_[file];
    auto [lo, hi] = by_line.equal_range(line);
    std::vector<std::string> parts;
    for (auto it = lo; it != hi; ++it) parts.push_back(it->second);
    std::reverse(parts.begin(), parts.end());
    for (const auto& p : parts) out += (out.empty() ? "" : "；") + p;
    return out.empty() ? fallback : out;
  };

  // Re-reads a table and copies the rejected records with an added 错误 column.
  auto copy = [&](TableReader& reader, const std::string& file, TableWriter& out,
                  const std::unordered_set<size_t>& lines, const std::string& fallback) -> Status {
    Record record;
    bool header = true;
    while (true) {
      auto next = reader.Next(record);
      if (!next.ok()) return next.error();
      if (!*next) break;
      if (header) {
        record.cells.push_back("错误");
        FUPIN_RETURN_IF_ERROR(out.WriteRow(record.cells));
        header = false;
        continue;
      }
      if (!lines.count(record.line)) continue;
      record.cells.push_back(messages_of(file, record.line, fallback));
      FUPIN_RETURN_IF_ERROR(out.WriteRow(record.cells));
    }
    return Status::Ok();
  };
  const std::string household_fallback = "该户的成员有错误";
  const std::string member_fallback = "该户有错误";
  if (is_xlsx_) {
    auto path = (std::filesystem::path(options_.rejects_dir) / "rejects.xlsx").string();
    auto writer = XlsxWriter::Create(path);
    if (!writer.ok()) return writer.error();
    auto book = XlsxBook::Open(options_.files[0]);
    if (!book.ok()) return book.error();
    for (auto [src, lines, fallback] :
         {std::tuple{&households_src_, &household_lines, &household_fallback},
          std::tuple{&members_src_, &member_lines, &member_fallback}}) {
      std::string sheet_name = src->file.substr(options_.files[0].size() + 1);
      sheet_name.pop_back();
      auto sheet = (*book)->Sheet(sheet_name);
      if (!sheet.ok()) return sheet.error();
      auto out = (*writer)->AddSheet(sheet_name);
      if (!out.ok()) return out.error();
      auto table = SkipTitleRows(std::move(sheet).value(), src == &households_src_
                                                               ? TemplateTable::kHouseholds
                                                               : TemplateTable::kMembers);
      FUPIN_RETURN_IF_ERROR(copy(*table, src->file, **out, *lines, *fallback));
    }
    return (*writer)->Close();
  }
  for (auto [src, lines, fallback, name] :
       {std::tuple{&households_src_, &household_lines, &household_fallback, "households.csv"},
        std::tuple{&members_src_, &member_lines, &member_fallback, "members.csv"}}) {
    auto reader = OpenCsv(src->file, src->reader->encoding());
    if (!reader.ok()) return reader.error();
    auto table = SkipTitleRows(std::move(reader).value(), src == &households_src_
                                                              ? TemplateTable::kHouseholds
                                                              : TemplateTable::kMembers);
    auto path = (std::filesystem::path(options_.rejects_dir) / name).string();
    auto out = CsvWriter::Create(path, src->reader->encoding(), false);
    if (!out.ok()) return out.error();
    FUPIN_RETURN_IF_ERROR(copy(*table, src->file, **out, *lines, *fallback));
    FUPIN_RETURN_IF_ERROR((*out)->Close());
  }
  return Status::Ok();
}

Result<ImportReport> Importer::Run() {
  if (!OpenSources()) return report_;
  Progress("读取户表 " + households_src_.file);
  // Both headers are read first; the members' issues are reported after the households',
  // as when the tables are read one after the other.
  households_header_ = ReadHeader(households_src_, TemplateTable::kHouseholds);
  members_header_ = ReadHeader(members_src_, TemplateTable::kMembers);
  if (!households_header_.usable()) {
    AddHeaderIssues(households_src_, households_header_);
    // Every header problem is reported at once; rows are not read then.
    if (members_header_.present)
      AddCellIssues(members_src_.file, members_header_.line, members_header_.issues);
    return report_;
  }
  reader_ = std::thread([this] { ReadRows(); });
  auto households_ok = ReadHouseholds();
  if (!households_ok.ok()) return households_ok.error();
  if (!*households_ok) {
    if (members_header_.present)
      AddCellIssues(members_src_.file, members_header_.line, members_header_.issues);
    return report_;
  }
  Progress("读取人表 " + members_src_.file);
  if (members_header_.usable()) StartEarlyWrite();
  auto members_ok = ReadMembers();
  if (!members_ok.ok()) return members_ok.error();
  reader_.join();
  if (!*members_ok) return report_;
  Progress("核对户与成员、区划和已有登记");
  FUPIN_RETURN_IF_ERROR(CheckHouseholds());
  FUPIN_RETURN_IF_ERROR(CheckRegions());
  FUPIN_RETURN_IF_ERROR(CheckRegister());
  for (uint32_t i = 0; i < entries_.size(); ++i)
    report_.rejected_households += entries_[i].valid ? 0 : 1;
  if (HasErrors() && !options_.skip_invalid) {
    if (writing_) StopEarlyWrite();
    report_.rejected_households = 0;
    return report_;
  }
  if (Interrupted()) return Error::Interrupted();
  Progress("写入数据库");
  FUPIN_RETURN_IF_ERROR(Write());
  if (options_.skip_invalid) FUPIN_RETURN_IF_ERROR(WriteRejects());
  Progress(report_.written ? "完成" : "完成（未写入）");
  return report_;
}

}  // namespace

Result<ImportReport> RunImport(Store& store, const ImportOptions& options) {
  Importer importer(store, options);
  return importer.Run();
}

}  // namespace fupin
