#include "service/import_service.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "domain/household_rules.h"
#include "exchange/table.h"
#include "exchange/template.h"
#include "service/aggregates.h"
#include "service/clock.h"
#include "service/history.h"

namespace fupin {
namespace {

constexpr size_t kMaxListedErrors = 100000;

struct HouseholdEntry {
  Household household;
  size_t line = 0;
  std::vector<size_t> member_lines;
  bool valid = true;
  bool seen_twice = false;
};

// A source table: its reader and the name used in messages.
struct Source {
  std::unique_ptr<TableReader> reader;
  std::string file;  // as shown in issues
};

class Importer {
 public:
  Importer(Store& store, const ImportOptions& options)
      : store_(store), options_(options), today_(Date::Today()) {}

  Result<ImportReport> Run();

 private:
  void AddIssue(const std::string& file, size_t line, std::string column, std::string value,
                std::string code, std::string zh, std::string en) {
    ImportIssue issue{file, line, std::move(column), std::move(value), std::move(code),
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
  // Reads and validates one table; false when its header (or file) is unusable.
  Result<bool> ReadHouseholds();
  Result<bool> ReadMembers();
  Status CheckHouseholds();
  Status CheckRegions();
  Status CheckRegister();
  Status Write();
  Status WriteRejects();

  Store& store_;
  const ImportOptions& options_;
  const Date today_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  ImportReport report_;
  Source households_src_, members_src_;
  bool is_xlsx_ = false;
  std::unique_ptr<XlsxBook> book_;

  std::vector<HouseholdEntry> entries_;
  std::unordered_map<std::string, uint32_t> index_;  // 户编号 → entries_
  // Error messages by file and line, for the rejects' 错误 column.
  std::unordered_map<std::string, std::unordered_multimap<size_t, std::string>> error_lines_;
  std::vector<std::pair<size_t, std::string>> orphan_member_lines_;  // member rows with no household
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
      AddIssue(f, 0, "", "", "E_IO", "这是一个目录，不是文件：" + f, "a directory, not a file: " + f);
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

Result<bool> Importer::ReadHouseholds() {
  Source& src = households_src_;
  Record record;
  auto first = src.reader->Next(record);
  if (!first.ok()) {
    AddIssue(src.file, first.error().line, "", "", first.error().code, first.error().zh,
               first.error().en);
    return false;
  }
  if (!*first) {
    AddIssue(src.file, 0, "", "", "E_EMPTY", "没有表头：" + src.file, "no header row: " + src.file);
    return false;
  }
  std::vector<CellIssue> issues;
  HeaderMap map = HeaderMap::Build(TemplateTable::kHouseholds, record, issues);
  if (!issues.empty()) {
    AddCellIssues(src.file, record.line, issues);
    return false;
  }
  Household h;
  size_t rows = 0;
  while (true) {
    auto next = src.reader->Next(record);
    if (!next.ok()) {
      // An encoding error or an unclosed quote ends the reading: the file is unusable.
      AddIssue(src.file, next.error().line, "", "", next.error().code, next.error().zh,
               next.error().en);
      return false;
    }
    if (!*next) break;
    if (IsBlankRecord(record)) continue;
    ++rows;
    if ((rows & 0xFFF) == 0 && Interrupted()) return Error::Interrupted();
    bool ok = ParseHouseholdRow(map, record, today_, h, issues);
    AddCellIssues(src.file, record.line, issues);
    if (h.household_code.empty()) continue;  // no usable 户编号: nothing to attach to
    auto [it, inserted] = index_.try_emplace(h.household_code, static_cast<uint32_t>(entries_.size()));
    if (!inserted) {
      HouseholdEntry& first_entry = entries_[it->second];
      AddIssue(src.file, record.line, "户编号", h.household_code, "E_HOUSEHOLD",
               "户编号 " + h.household_code + " 在户表中重复（第 " +
                   std::to_string(first_entry.line) + " 行已有）",
               "household code " + h.household_code + " appears twice in the households table "
               "(first on line " + std::to_string(first_entry.line) + ")");
      first_entry.valid = false;
      first_entry.seen_twice = true;
      error_lines_[src.file].emplace(first_entry.line, "户编号重复");
      continue;
    }
    HouseholdEntry& e = entries_.emplace_back();
    e.household = std::move(h);
    e.line = record.line;
    e.valid = ok;
  }
  if (rows == 0) {
    AddIssue(src.file, 0, "", "", "E_EMPTY", "只有表头，没有数据行：" + src.file,
             "the file has a header but no rows: " + src.file);
    return false;
  }
  return true;
}

Result<bool> Importer::ReadMembers() {
  Source& src = members_src_;
  Record record;
  auto first = src.reader->Next(record);
  if (!first.ok()) {
    AddIssue(src.file, first.error().line, "", "", first.error().code, first.error().zh,
               first.error().en);
    return false;
  }
  if (!*first) {
    AddIssue(src.file, 0, "", "", "E_EMPTY", "没有表头：" + src.file, "no header row: " + src.file);
    return false;
  }
  std::vector<CellIssue> issues;
  HeaderMap map = HeaderMap::Build(TemplateTable::kMembers, record, issues);
  if (!issues.empty()) {
    AddCellIssues(src.file, record.line, issues);
    return false;
  }
  // The same person twice in the import: keyed by type and number.
  std::unordered_map<std::string, std::pair<uint32_t, size_t>> persons;
  persons.reserve(entries_.size() * 3);
  Member m;
  std::string code;
  size_t rows = 0;
  while (true) {
    auto next = src.reader->Next(record);
    if (!next.ok()) {
      AddIssue(src.file, next.error().line, "", "", next.error().code, next.error().zh,
               next.error().en);
      return false;
    }
    if (!*next) break;
    if (IsBlankRecord(record)) continue;
    ++rows;
    if ((rows & 0xFFF) == 0 && Interrupted()) return Error::Interrupted();
    bool ok = ParseMemberRow(map, record, today_, m, code, issues);
    AddCellIssues(src.file, record.line, issues);
    if (code.empty()) {
      orphan_member_lines_.emplace_back(record.line, "");
      continue;
    }
    auto it = index_.find(code);
    if (it == index_.end()) {
      AddIssue(src.file, record.line, "户编号", code, "E_HOUSEHOLD",
               "户编号 " + code + " 不在本次导入的户表中",
               "household code " + code + " is not in the households table of this import");
      orphan_member_lines_.emplace_back(record.line, code);
      continue;
    }
    HouseholdEntry& e = entries_[it->second];
    if (!ok) e.valid = false;
    if (ok && !m.id_number.empty()) {
      std::string key = std::to_string(m.id_type) + ':' + m.id_number;
      auto [pit, inserted] = persons.try_emplace(std::move(key), it->second, record.line);
      if (!inserted) {
        AddIssue(src.file, record.line, "证件号码", m.id_number, "E_ID_DUPLICATE",
                 "同一证件号码在本次导入中出现两次（第 " + std::to_string(pit->second.second) +
                     " 行已有）",
                 "the same ID number appears twice in this import (first on line " +
                     std::to_string(pit->second.second) + ")");
        e.valid = false;
      }
    }
    e.household.members.push_back(std::move(m));
    e.member_lines.push_back(record.line);
  }
  if (rows == 0) {
    AddIssue(src.file, 0, "", "", "E_EMPTY", "只有表头，没有数据行：" + src.file,
             "the file has a header but no rows: " + src.file);
    return false;
  }
  return true;
}

Status Importer::CheckHouseholds() {
  std::vector<RuleIssue> issues;
  for (auto& e : entries_) {
    issues.clear();
    CheckHouseholdMembers(e.household, issues);
    for (auto& r : issues) {
      const bool on_member = r.member >= 0;
      const std::string& file = on_member ? members_src_.file : households_src_.file;
      size_t line = on_member ? e.member_lines[r.member] : e.line;
      if (r.code[0] == 'E') e.valid = false;
      AddIssue(file, line, std::move(r.column), std::move(r.value), std::move(r.code),
               std::move(r.zh), std::move(r.en));
    }
  }
  return Status::Ok();
}

Status Importer::CheckRegions() {
  std::unordered_map<int64_t, bool> known;
  for (auto& e : entries_) {
    const RegionCode village = e.household.village_code;
    if (village.value() == 0) continue;  // already reported as a bad value
    auto [it, inserted] = known.try_emplace(village.value(), false);
    if (inserted) {
      auto region = store_.GetRegion(village);
      if (!region.ok()) return region.error();
      it->second = region->has_value();
    }
    if (!it->second) {
      e.valid = false;
      AddIssue(households_src_.file, e.line, "行政区划代码", village.ToString(), "E_REGION",
               "区划代码 " + village.ToString() + " 不在区划库中（请先运行 fupin regions load）",
               "region code " + village.ToString() +
                   " is not in the region tree (run `fupin regions load`)");
    }
  }
  return Status::Ok();
}

Status Importer::CheckRegister() {
  auto has = store_.HasPersons();
  if (!has.ok()) return has.error();
  if (!*has) return Status::Ok();
  for (auto& e : entries_) {
    if (!e.valid) continue;
    for (size_t i = 0; i < e.household.members.size(); ++i) {
      const Member& m = e.household.members[i];
      auto owner = store_.FindPerson(m.id_type, m.id_number);
      if (!owner.ok()) return owner.error();
      if (!owner->has_value()) continue;
      auto it = index_.find(**owner);
      // A person may move between households that this import replaces.
      if (it != index_.end() && entries_[it->second].valid) continue;
      e.valid = false;
      AddIssue(members_src_.file, e.member_lines[i], "证件号码", m.id_number, "E_ID_DUPLICATE",
               "该证件号码已登记在户 " + **owner + " 中", "this ID number is already registered in household " + **owner);
    }
  }
  return Status::Ok();
}

Status Importer::Write() {
  auto has_persons = store_.HasPersons();
  if (!has_persons.ok()) return has_persons.error();
  const bool empty_register = !*has_persons;
  const std::string now = NowIso8601();
  const std::string batch = BatchId();
  const std::string source = "import:" + batch;
  FUPIN_RETURN_IF_ERROR(store_.Begin());
  auto fail = [&](Status s) {
    store_.Rollback();
    return s;
  };
  AggregateAccumulator aggregates;
  std::vector<HistoryEntry> history;
  std::vector<int64_t> versions(entries_.size(), 1);
  // Replaced households go first, so a person may move into a household written earlier.
  if (!empty_register) {
    for (size_t i = 0; i < entries_.size(); ++i) {
      auto& e = entries_[i];
      if (!e.valid) continue;
      auto old = store_.FindHousehold(e.household.household_code);
      if (!old.ok()) return fail(old.error());
      if (!old->has_value()) continue;
      const StoredHousehold& stored = **old;
      versions[i] = stored.version + 1;
      Status s = store_.DeleteHousehold(stored.household.village_code.county(),
                                        stored.household.household_code);
      if (!s.ok()) return fail(s);
      aggregates.Add(stored.household, -1);
      DiffHouseholds(stored.household, e.household, history);
      ++report_.households_updated;
    }
  }
  int64_t written = 0;
  for (size_t i = 0; i < entries_.size(); ++i) {
    auto& e = entries_[i];
    if (!e.valid) continue;
    if ((++written & 0x3FF) == 0 && Interrupted()) return fail(Error::Interrupted());
    Status s = store_.InsertHousehold(e.household, versions[i], batch);
    if (!s.ok()) return fail(s);
    aggregates.Add(e.household, +1);
    report_.members += static_cast<int64_t>(e.household.members.size());
    if (versions[i] == 1) {
      ++report_.households_created;
      history.push_back({e.household.household_code, e.household.village_code.county(), "", "", "",
                         "created", "", ""});
    }
  }
  for (auto& h : history) {
    h.at = now;
    h.actor = options_.actor;
    h.source = source;
  }
  Progress("写入历史和汇总");
  if (Status s = store_.AppendHistory(history); !s.ok()) return fail(s);
  if (Status s = store_.ApplyAggregateDeltas(aggregates.Deltas()); !s.ok()) return fail(s);
  std::string sources;
  for (const auto& f : options_.files) sources += (sources.empty() ? "" : " ") + f;
  ImportBatchRow row{batch,
                     now,
                     NowIso8601(),
                     options_.actor,
                     sources,
                     report_.households_created,
                     report_.households_updated,
                     report_.members,
                     report_.rejected_households};
  if (Status s = store_.InsertImportBatch(row); !s.ok()) return fail(s);
  if (Interrupted()) return fail(Error::Interrupted());
  if (options_.dry_run) {
    store_.Rollback();
    return Status::Ok();
  }
  Progress("提交");
  FUPIN_RETURN_IF_ERROR(store_.Commit());
  report_.batch_id = batch;
  report_.written = true;
  return Status::Ok();
}

Status Importer::WriteRejects() {
  if (options_.rejects_dir.empty() ||
      (report_.rejected_households == 0 && orphan_member_lines_.empty())) {
    return Status::Ok();
  }
  // Which lines of each table are rejected, with their messages.
  std::unordered_set<size_t> household_lines, member_lines;
  for (const auto& e : entries_) {
    if (e.valid) continue;
    household_lines.insert(e.line);
    member_lines.insert(e.member_lines.begin(), e.member_lines.end());
  }
  for (const auto& [line, code] : orphan_member_lines_) member_lines.insert(line);
  // Duplicate 户表 rows beyond the first were not kept as entries: take every error line.
  for (const auto& [line, message] : error_lines_[households_src_.file]) household_lines.insert(line);

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
      FUPIN_RETURN_IF_ERROR(copy(**sheet, src->file, **out, *lines, *fallback));
    }
    return (*writer)->Close();
  }
  for (auto [src, lines, fallback, name] :
       {std::tuple{&households_src_, &household_lines, &household_fallback, "households.csv"},
        std::tuple{&members_src_, &member_lines, &member_fallback, "members.csv"}}) {
    auto reader = OpenCsv(src->file, src->reader->encoding());
    if (!reader.ok()) return reader.error();
    auto path = (std::filesystem::path(options_.rejects_dir) / name).string();
    auto out = CsvWriter::Create(path, src->reader->encoding(), false);
    if (!out.ok()) return out.error();
    FUPIN_RETURN_IF_ERROR(copy(**reader, src->file, **out, *lines, *fallback));
    FUPIN_RETURN_IF_ERROR((*out)->Close());
  }
  return Status::Ok();
}

Result<ImportReport> Importer::Run() {
  if (!OpenSources()) return report_;
  Progress("读取户表 " + households_src_.file);
  auto households_ok = ReadHouseholds();
  if (!households_ok.ok()) return households_ok.error();
  // The members' header is checked even when the households' failed, so that every header
  // problem is reported at once; rows are not read then.
  if (!*households_ok) {
    Record header;
    std::vector<CellIssue> issues;
    auto first = members_src_.reader->Next(header);
    if (first.ok() && *first) {
      HeaderMap::Build(TemplateTable::kMembers, header, issues);
      AddCellIssues(members_src_.file, header.line, issues);
    }
    return report_;
  }
  Progress("读取人表 " + members_src_.file);
  auto members_ok = ReadMembers();
  if (!members_ok.ok()) return members_ok.error();
  if (!*members_ok) return report_;
  Progress("核对户与成员、区划和已有登记");
  FUPIN_RETURN_IF_ERROR(CheckHouseholds());
  FUPIN_RETURN_IF_ERROR(CheckRegions());
  FUPIN_RETURN_IF_ERROR(CheckRegister());
  for (const auto& e : entries_) report_.rejected_households += e.valid ? 0 : 1;
  if (HasErrors() && !options_.skip_invalid) {
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
