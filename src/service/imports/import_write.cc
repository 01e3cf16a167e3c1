// Writing the import: after the checks, or early while the members are still read (the
// bulk load of an empty register), the history, aggregates and batch, and the rejects.
#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <unordered_set>
#include <vector>

#include "service/clock.h"
#include "service/imports/import_importer.h"

namespace fupin::import_detail {

std::string NewBatchId() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  static const char* kHex = "0123456789abcdef";
  std::string id;
  uint64_t a = gen(), b = gen();
  for (int i = 0; i < 16; ++i) id += kHex[(a >> (i * 4)) & 15];
  for (int i = 0; i < 16; ++i) id += kHex[(b >> (i * 4)) & 15];
  return id;
}

Status Importer::BeginWrite() {
  now_ = NowIso8601();
  batch_ = NewBatchId();
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
  return FlushHistory(store_, history_);
}

Status Importer::FlushHistory(Store& store, std::vector<HistoryEntry>& history) const {
  const std::string source = "import:" + batch_;
  for (auto& h : history) {
    h.at = now_;
    h.actor = options_.actor;
    h.source = source;
  }
  Status s = store.AppendHistory(history);
  history.clear();
  return s;
}

std::string Importer::Sources() const {
  std::string sources;
  for (const auto& f : options_.files) sources += (sources.empty() ? "" : " ") + f;
  return sources;
}

ImportBatchRow Importer::BatchRow() const {
  return {batch_,
          now_,
          NowIso8601(),
          options_.actor,
          Sources(),
          report_.households_created,
          report_.households_updated,
          report_.members,
          report_.rejected_households,
          report_.households_unchanged};
}

// Writes the history, the aggregates and the batch, then commits (or, for a dry run,
// rolls back).
Status Importer::FinishWrite() {
  Progress("写入历史和汇总");
  FUPIN_RETURN_IF_ERROR(AppendHistory(true));
  FUPIN_RETURN_IF_ERROR(store_.ApplyAggregateDeltas(aggregates_.Deltas()));
  FUPIN_RETURN_IF_ERROR(store_.InsertImportBatch(BatchRow()));
  if (Interrupted()) return Error::Interrupted();
  if (options_.dry_run) {
    store_.Rollback();
    writing_ = false;
    return Status::Ok();
  }
  if (options_.before_commit) FUPIN_RETURN_IF_ERROR(options_.before_commit(batch_, report_));
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
        KeepRegisteredGroup((*old)->household, h);
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
    KeepRegisteredGroup(old.household, h);
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
    KeepRegisteredGroup(old.household, h);
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
  if (store_.county_writers()) return;  // a cluster writes county by county, after the checks
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

}  // namespace fupin::import_detail
