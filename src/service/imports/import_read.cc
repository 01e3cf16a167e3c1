// Reading the import's tables: opening the files, their headers, splitting and parsing
// the rows on a second thread, and taking them into the packed rows.
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "common/id_number.h"
#include "service/imports/import_importer.h"

namespace fupin::import_detail {

namespace {

bool EndsWithXlsx(const std::string& path) {
  if (path.size() < 5) return false;
  std::string tail = path.substr(path.size() - 5);
  std::transform(tail.begin(), tail.end(), tail.begin(), ::tolower);
  return tail == ".xlsx";
}

}  // namespace

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

}  // namespace fupin::import_detail
