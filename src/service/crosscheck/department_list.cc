#include "service/crosscheck/department_list.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <thread>

#include "common/id_number.h"
#include "common/money.h"
#include "exchange/table.h"

namespace fupin {
namespace {

constexpr char kIdColumn[] = "证件号码";
constexpr char kNameColumn[] = "姓名";

const std::vector<ListKindInfo>& KindTable() {
  static const std::vector<ListKindInfo> kinds = {
      {ListKind::kDeaths, "deaths", "公安 / 民政", {{"死亡日期", ValueType::kDate, true}}},
      {ListKind::kPublicEmployees, "public_employees", "财政", {{"单位"}}},
      {ListKind::kVehicles,
       "vehicles",
       "公安交管",
       {{"号牌"}, {"购置价格", ValueType::kAmount, true}}},
      {ListKind::kBusinesses, "businesses", "市场监管", {{"企业名称"}}},
      {ListKind::kHousing, "housing", "住建 / 不动产", {{"房屋坐落"}}},
      {ListKind::kDibao, "dibao", "民政", {{"类别", ValueType::kChoice, true, {"低保", "特困"}}}},
      {ListKind::kStudents,
       "students",
       "教育",
       {{"学段"}, {"在校状态", ValueType::kChoice, true, {"在校", "辍学", "休学"}}}},
      {ListKind::kMedicalInsurance,
       "medical_insurance",
       "医保",
       {{"参保类型"}, {"年度自付金额", ValueType::kAmount, false}}},
      {ListKind::kDisability, "disability", "残联", {{"残疾类别"}, {"残疾等级"}}},
  };
  return kinds;
}

// ---- the file ----

// A file mapped read-only (or, when it cannot be mapped, read).
class MappedFile {
 public:
  static Result<std::shared_ptr<MappedFile>> Open(const std::string& path) {
    auto file = std::shared_ptr<MappedFile>(new MappedFile());
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return Error::Io("无法读取文件：" + path, "cannot read the file: " + path);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return Error::Io("无法读取文件：" + path, "cannot read the file: " + path);
    }
    file->size_ = static_cast<size_t>(st.st_size);
    if (file->size_ > 0) {
      void* p = ::mmap(nullptr, file->size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        return Error::Io("无法读取文件：" + path, "cannot read the file: " + path);
      }
      ::madvise(p, file->size_, MADV_SEQUENTIAL);
      file->data_ = static_cast<const char*>(p);
    }
    ::close(fd);
    return file;
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  std::string_view bytes() const { return {data_ ? data_ : "", size_}; }

 private:
  MappedFile() = default;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static const char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned char c : digest) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// Reserves room for `n` rows and asks for huge pages under them: on a virtual machine a
// page fault per 4 KiB of a 160 MB array costs more than filling it.
template <typename Vector>
void ReserveRows(Vector& rows, size_t n) {
  rows.reserve(n);
  const size_t bytes = rows.capacity() * sizeof(ListRow);
  if (bytes < (size_t{4} << 20)) return;
  const auto begin = reinterpret_cast<uintptr_t>(rows.data());
  const uintptr_t page = 4096;
  const uintptr_t aligned = (begin + page - 1) & ~(page - 1);
  ::madvise(reinterpret_cast<void*>(aligned), bytes - (aligned - begin), MADV_HUGEPAGE);
}

// ---- validation of one row ----

struct Checker {
  const ListKindInfo& kind;
  const DepartmentList& list;
  std::string file;
  Date today;
  int today_ymd = 0;
  size_t max_errors = 1000;

  int ValueColumn() const {
    for (size_t i = 0; i < kind.columns.size(); ++i) {
      if (kind.columns[i].type != ValueType::kText) return static_cast<int>(i);
    }
    return -1;
  }

  void Fail(std::vector<ImportIssue>& errors, uint32_t line, const char* column,
            std::string_view value, const char* code, std::string zh, std::string en) const {
    errors.push_back({file, line, column, std::string(value), code, std::move(zh), std::move(en)});
  }

  // A well-formed 18-character number with a real birth date, not after today, and the
  // right check character packs here without allocating; anything else returns nullopt
  // and goes to ParseIdNumber for the exact error (or a 15-digit upgrade).
  std::optional<uint64_t> FastKey(std::string_view id) const {
    if (id.size() != 18) return std::nullopt;
    char text[18];
    std::memcpy(text, id.data(), 18);
    if (text[17] == 'x') text[17] = 'X';
    const std::string_view normal(text, 18);
    const int y =
        (text[6] - '0') * 1000 + (text[7] - '0') * 100 + (text[8] - '0') * 10 + (text[9] - '0');
    const int m = (text[10] - '0') * 10 + (text[11] - '0');
    const int d = (text[12] - '0') * 10 + (text[13] - '0');
    auto key = PackIdNumber(normal);
    if (!key) return std::nullopt;
    if (y < 1900 || !Date::IsValidYmd(y, m, d) || y * 10000 + m * 100 + d > today_ymd) {
      return std::nullopt;
    }
    if (IdCheckCharacter(normal.substr(0, 17)) != text[17]) return std::nullopt;
    return key;
  }

  // Whether a cell of `column` is free text that may span lines (a kind's text column or
  // an extra one), rather than the ID number, the name or a typed value.
  bool MayHoldLineBreaks(int column) const {
    if (column == list.id_column || column == list.name_column) return false;
    for (size_t i = 0; i < kind.columns.size(); ++i) {
      if (list.kind_columns[i] == column) return kind.columns[i].type == ValueType::kText;
    }
    return true;
  }

  // E_FORMAT for every cell of the row that holds a control character, a DEL or a bidi
  // control (line breaks and tabs are accepted in free text); false when there was one.
  bool CheckControls(const std::vector<std::string_view>& cells, uint32_t line,
                     std::vector<ImportIssue>& errors) const {
    bool ok = true;
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string_view v = TrimSpaces(cells[i]);
      const auto found = FindForbiddenControl(
          v, MayHoldLineBreaks(static_cast<int>(i)) ? LineBreaks::kAllowed : LineBreaks::kRefused);
      if (!found) continue;
      const std::string column = i < list.header.size() ? list.header[i] : std::to_string(i + 1);
      const std::string what = CodePointName(found->code_point);
      errors.push_back(
          {file, line, column, EscapeControls(v), "E_FORMAT",
           "“" + column + "”含有不允许的控制字符 " + what,
           column + " holds a control character (" + what + "), which is not allowed"});
      ok = false;
    }
    return ok;
  }

  // Validates the cells of one data row; appends a ListRow or errors. `may_hold_control`
  // false (MayHoldControl of the record) spares the search for control characters.
  void Check(const std::vector<std::string_view>& cells, uint32_t line, uint32_t offset,
             uint32_t length, bool may_hold_control, ListRows& rows,
             std::vector<ImportIssue>& errors) const {
    if (may_hold_control && !CheckControls(cells, line, errors)) return;
    auto cell = [&](int column) -> std::string_view {
      return column < static_cast<int>(cells.size()) ? TrimSpaces(cells[column])
                                                     : std::string_view();
    };
    bool ok = true;
    ListRow row{};
    row.line = line;
    row.offset = offset;
    row.length = length;
    const std::string_view id = cell(list.id_column);
    if (id.empty()) {
      Fail(errors, line, kIdColumn, id, "E_REQUIRED", "“证件号码”不能为空",
           "证件号码 (ID number) is required");
      ok = false;
    } else if (auto key = FastKey(id)) {
      row.key = *key;
    } else {
      auto parsed = ParseIdNumber(id, today);
      if (!parsed.ok()) {
        Fail(errors, line, kIdColumn, id, parsed.error().code.c_str(), parsed.error().zh,
             parsed.error().en);
        ok = false;
      } else {
        row.key = *PackIdNumber(parsed->number);
      }
    }
    if (cell(list.name_column).empty()) {
      Fail(errors, line, kNameColumn, "", "E_REQUIRED", "“姓名”不能为空",
           "姓名 (name) is required");
      ok = false;
    }
    for (size_t i = 0; i < kind.columns.size(); ++i) {
      const ListColumn& c = kind.columns[i];
      const std::string_view v = cell(list.kind_columns[i]);
      if (v.empty()) {
        if (c.required) {
          Fail(errors, line, c.name, v, "E_REQUIRED", std::string("“") + c.name + "”不能为空",
               std::string(c.name) + " is required");
          ok = false;
        }
        continue;
      }
      switch (c.type) {
        case ValueType::kText:
          break;
        case ValueType::kDate: {
          auto date = Date::Parse(v);
          if (!date.ok()) {
            Fail(errors, line, c.name, v, "E_DATE",
                 std::string("“") + c.name + "”不是有效日期：" + std::string(v),
                 std::string(c.name) + " is not a valid date: " + std::string(v));
            ok = false;
          } else if (*date > today) {
            Fail(errors, line, c.name, v, "E_DATE",
                 std::string("“") + c.name + "”不能晚于今天：" + std::string(v),
                 std::string(c.name) + " lies in the future: " + std::string(v));
            ok = false;
          } else {
            row.value = date->days();
            row.has_value = true;
          }
          break;
        }
        case ValueType::kAmount: {
          auto money = Money::Parse(v);
          if (!money.ok() || money->fen() < 0) {
            Fail(errors, line, c.name, v, "E_NUMBER",
                 std::string("“") + c.name + "”应为不小于 0、最多两位小数的金额：" + std::string(v),
                 std::string(c.name) +
                     " must be an amount ≥ 0 with at most 2 decimals: " + std::string(v));
            ok = false;
          } else {
            row.value = money->fen();
            row.has_value = true;
          }
          break;
        }
        case ValueType::kChoice: {
          int found = -1;
          for (size_t k = 0; k < c.choices.size(); ++k) {
            if (v == c.choices[k]) found = static_cast<int>(k);
          }
          std::string allowed;
          for (const char* choice : c.choices)
            allowed += (allowed.empty() ? "" : "、") + std::string(choice);
          if (found < 0) {
            Fail(errors, line, c.name, v, "E_CODE",
                 std::string("“") + c.name + "”应为 " + allowed + "：" + std::string(v),
                 std::string(c.name) + " must be one of " + allowed + ": " + std::string(v));
            ok = false;
          } else {
            row.value = found;
            row.has_value = true;
          }
          break;
        }
      }
    }
    if (ok) rows.push_back(row);
  }
};

// Maps the header; E_HEADER naming every missing or repeated column.
Status MapHeader(const std::vector<std::string>& header, const ListKindInfo& kind,
                 const std::string& file, DepartmentList& list) {
  std::vector<std::string> missing, repeated;
  auto find = [&](const char* name) {
    int at = -1;
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) {
        if (at >= 0) {
          repeated.emplace_back(name);
          break;
        }
        at = static_cast<int>(i);
      }
    }
    if (at < 0) missing.emplace_back(name);
    return at;
  };
  for (const auto& name : header) {
    if (auto found = FindForbiddenControl(name)) {
      const std::string what = CodePointName(found->code_point);
      Error e{"E_FORMAT", file + "：列名“" + EscapeControls(name) + "”含有不允许的控制字符 " + what,
              file + ": the column name '" + EscapeControls(name) +
                  "' holds a control character (" + what + "), which is not allowed"};
      e.line = 1;
      return e;
    }
  }
  list.id_column = find(kIdColumn);
  list.name_column = find(kNameColumn);
  list.kind_columns.clear();
  for (const auto& c : kind.columns) list.kind_columns.push_back(find(c.name));
  if (missing.empty() && repeated.empty()) return Status::Ok();
  auto join = [](const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : "、") + n;
    return out;
  };
  std::string zh = file + "：", en = file + ": ";
  if (!missing.empty()) {
    zh += "缺少必需的列 " + join(missing) + "（" + kind.key + " 名单需要 证件号码、姓名";
    for (const auto& c : kind.columns) zh += std::string("、") + c.name;
    zh += "）";
    en += "required column(s) missing: " + join(missing);
  }
  if (!repeated.empty()) {
    zh += (missing.empty() ? "" : "；") + std::string("列重复：") + join(repeated);
    en += (missing.empty() ? "" : "; ") + std::string("column(s) appear twice: ") + join(repeated);
  }
  Error e{"E_HEADER", zh, en};
  e.line = 1;
  return e;
}

std::vector<std::string> SplitHeader(std::string_view line, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(separator, start);
    out.emplace_back(TrimSpaces(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// ---- the fast path: a quote-free UTF-8 CSV in memory ----

struct Chunk {
  ListRows rows;
  std::vector<ImportIssue> errors;
  uint32_t lines = 0;     // line breaks seen in the chunk
  int64_t records = 0;    // non-blank lines
  bool fallback = false;  // a quote or invalid UTF-8: the slow path must read the file
};

// Parses the lines of [begin, end) (whole lines), numbering them from 1 (fixed later).
void ParseChunk(const Checker& checker, std::string_view text, size_t begin, size_t end,
                Chunk& out) {
  ReserveRows(out.rows, (end - begin) / 24 + 16);  // no valid row is shorter than 24 bytes
  std::vector<std::string_view> cells;
  size_t pos = begin;
  while (pos < end) {
    const char* nl = static_cast<const char*>(std::memchr(text.data() + pos, '\n', end - pos));
    const size_t line_end = nl ? static_cast<size_t>(nl - text.data()) : end;
    ++out.lines;
    std::string_view line = text.substr(pos, line_end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto offset = static_cast<uint32_t>(pos);
    pos = line_end + 1;
    if (line.empty()) continue;
    if (line.find('"') != std::string_view::npos || !IsValidUtf8(line)) {
      out.fallback = true;
      return;
    }
    ++out.records;
    cells.clear();
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      cells.push_back(line.substr(start, comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    // Numbered within the chunk; ReadFast adds the lines before it.
    checker.Check(cells, out.lines, offset, static_cast<uint32_t>(line.size()),
                  MayHoldControl(line), out.rows, out.errors);
  }
}

// Reads `text` (after the header) in two halves at once. False when the slow path must
// take over.
bool ReadFast(const Checker& checker, std::string_view text, size_t body, uint32_t body_line,
              DepartmentList& list) {
  size_t middle = body + (text.size() - body) / 2;
  if (text.size() - body < (1 << 20)) {
    middle = text.size();
  } else {
    const char* nl =
        static_cast<const char*>(std::memchr(text.data() + middle, '\n', text.size() - middle));
    middle = nl ? static_cast<size_t>(nl - text.data()) + 1 : text.size();
  }
  Chunk first, second;
  std::thread helper;
  if (middle < text.size()) {
    helper = std::thread([&] { ParseChunk(checker, text, middle, text.size(), second); });
  }
  ParseChunk(checker, text, body, middle, first);
  if (helper.joinable()) helper.join();
  if (first.fallback || second.fallback) return false;
  const uint32_t second_base = body_line - 1 + first.lines;
  for (auto& r : first.rows) r.line += body_line - 1;
  for (auto& e : first.errors) e.line += body_line - 1;
  for (auto& r : second.rows) r.line += second_base;
  for (auto& e : second.errors) e.line += second_base;
  list.rows = std::move(first.rows);
  list.more_rows = std::move(second.rows);
  list.errors = std::move(first.errors);
  list.errors.insert(list.errors.end(), second.errors.begin(), second.errors.end());
  list.rows_read = first.records + second.records;
  return true;
}

// ---- the general path: exchange/table readers ----

Status ReadGeneral(TableReader& reader, const Checker& checker, DepartmentList& list,
                   std::string& text) {
  Record record;
  bool header_seen = false;
  std::vector<std::string_view> cells;
  while (true) {
    auto more = reader.Next(record);
    if (!more.ok()) return more.error();
    if (!*more) break;
    if (!header_seen) {
      header_seen = true;
      list.header.clear();
      for (const auto& c : record.cells) list.header.emplace_back(TrimSpaces(c));
      FUPIN_RETURN_IF_ERROR(MapHeader(list.header, *checker.list.kind, checker.file, list));
      continue;
    }
    ++list.rows_read;
    if (text.size() >= (uint64_t{1} << 32)) {
      return Error{"E_TOO_LARGE", checker.file + "：名单超过 4 GB",
                   checker.file + ": the list is over 4 GB"};
    }
    const auto offset = static_cast<uint32_t>(text.size());
    for (size_t i = 0; i < record.cells.size(); ++i) {
      if (i) text.push_back(list.separator);
      for (char c : record.cells[i]) text.push_back(c == list.separator ? ' ' : c);
    }
    const auto length = static_cast<uint32_t>(text.size() - offset);
    cells.clear();
    for (const auto& c : record.cells) cells.emplace_back(c);
    checker.Check(cells, static_cast<uint32_t>(record.line), offset, length, true, list.rows,
                  list.errors);
  }
  if (!header_seen) {
    return Error{"E_EMPTY", checker.file + "：文件是空的", checker.file + ": the file is empty"};
  }
  return Status::Ok();
}

// Sorts `rows` by key, stably (LSD radix sort on the packed number, 16 bits a pass), with
// `spare` as the other buffer (its memory not initialised).
void RadixSort(ListRows& rows, ListRows& spare) {
  const size_t n = rows.size();
  ReserveRows(spare, n);
  spare.resize(n);
  constexpr int kBits = 16;
  constexpr size_t kBuckets = size_t{1} << kBits;
  std::vector<size_t> counts(kBuckets);
  auto* from = &rows;
  auto* to = &spare;
  for (int shift = 0; shift < 64; shift += kBits) {
    auto digit = [shift](const ListRow& r) { return (r.key >> shift) & (kBuckets - 1); };
    std::fill(counts.begin(), counts.end(), 0);
    for (const auto& r : *from) ++counts[digit(r)];
    if (n > 0 && counts[digit((*from)[0])] == n) continue;  // one digit everywhere
    size_t sum = 0;
    for (auto& c : counts) {
      const size_t k = c;
      c = sum;
      sum += k;
    }
    for (const auto& r : *from) (*to)[counts[digit(r)]++] = r;
    std::swap(from, to);
  }
  if (from != &rows) std::swap(rows, spare);
  spare = ListRows();
}

// Below this many rows the second half of a fast read is sorted on this thread.
constexpr size_t kSortApart = 100'000;

// Sorts rows by key and reports every later row of a person already listed as
// E_ID_DUPLICATE. The rows may come in two parts (the two halves of a fast read, in file
// order): each is sorted on its own thread, then they are merged, the first's first among
// equal keys, so that equal keys keep their file order.
void SortAndDeduplicate(const Checker& checker, DepartmentList& list) {
  ListRows more = std::move(list.more_rows);
  list.more_rows = ListRows();
  {
    ListRows spare_first, spare_more;
    std::thread helper;
    if (more.size() >= kSortApart) {
      helper = std::thread([&] { RadixSort(more, spare_more); });
    } else {
      RadixSort(more, spare_more);
    }
    RadixSort(list.rows, spare_first);
    if (helper.joinable()) helper.join();
  }
  if (!more.empty()) {
    ListRows merged;
    ReserveRows(merged, list.rows.size() + more.size());
    merged.resize(list.rows.size() + more.size());
    std::merge(list.rows.begin(), list.rows.end(), more.begin(), more.end(), merged.begin(),
               [](const ListRow& a, const ListRow& b) { return a.key < b.key; });
    list.rows = std::move(merged);
    more = ListRows();
  }
  ListRows& rows = list.rows;
  // Stable by pass, so equal keys keep their file order: the first is kept.
  size_t kept = 0;
  char first_text[18];
  for (size_t i = 0; i < rows.size(); ++i) {
    if (kept > 0 && rows[kept - 1].key == rows[i].key) {
      const std::string id(UnpackIdNumber(rows[i].key, first_text));
      checker.Fail(
          list.errors, rows[i].line, kIdColumn, id, "E_ID_DUPLICATE",
          "同一人在名单中重复出现（第 " + std::to_string(rows[kept - 1].line) + " 行）",
          "the same person is listed twice (line " + std::to_string(rows[kept - 1].line) + ")");
      continue;
    }
    rows[kept++] = rows[i];
  }
  rows.resize(kept);
  std::stable_sort(list.errors.begin(), list.errors.end(),
                   [](const ImportIssue& a, const ImportIssue& b) { return a.line < b.line; });
}

bool LooksLikeXlsx(const std::string& path, std::string_view bytes) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".xlsx" || bytes.starts_with("PK\x03\x04");
}

}  // namespace

std::span<const ListKindInfo> ListKinds() { return KindTable(); }

const ListKindInfo* FindListKind(std::string_view key) {
  for (const auto& k : KindTable()) {
    if (key == k.key) return &k;
  }
  return nullptr;
}

std::string_view DepartmentList::Cell(const ListRow& row, int column) const {
  std::string_view record = text.substr(row.offset, row.length);
  for (int i = 0; i < column; ++i) {
    const size_t sep = record.find(separator);
    if (sep == std::string_view::npos) return {};
    record.remove_prefix(sep + 1);
  }
  return TrimSpaces(record.substr(0, record.find(separator)));
}

std::vector<std::string_view> DepartmentList::Cells(const ListRow& row) const {
  std::vector<std::string_view> out;
  std::string_view record = text.substr(row.offset, row.length);
  while (true) {
    const size_t sep = record.find(separator);
    out.push_back(TrimSpaces(record.substr(0, sep)));
    if (sep == std::string_view::npos) break;
    record.remove_prefix(sep + 1);
  }
  out.resize(std::max(out.size(), header.size()));
  return out;
}

Result<DepartmentList> ReadDepartmentList(const std::string& path, const ListKindInfo& kind,
                                          const ListReadOptions& options) {
  DepartmentList list;
  list.kind = &kind;
  list.file_name = options.file_name.empty() ? std::filesystem::path(path).filename().string()
                                             : options.file_name;
  auto file = MappedFile::Open(path);
  if (!file.ok()) return file.error();
  const std::string_view bytes = (*file)->bytes();
  if (bytes.size() >= (uint64_t{1} << 32)) {
    return Error{"E_TOO_LARGE", list.file_name + "：文件超过 4 GB",
                 list.file_name + ": the file is over 4 GB"};
  }
  std::string checksum;  // computed beside the parsing
  std::thread hashing([&] { checksum = Sha256Hex(bytes); });
  struct JoinOnExit {
    std::thread& t;
    ~JoinOnExit() {
      if (t.joinable()) t.join();
    }
  } join_hashing{hashing};

  Checker checker{kind,
                  list,
                  list.file_name,
                  options.today,
                  options.today.year() * 10000 + options.today.month() * 100 + options.today.day(),
                  options.max_errors_listed};

  const bool xlsx = LooksLikeXlsx(path, bytes);
  bool done = false;
  if (!xlsx && options.encoding != Encoding::kGb18030) {
    std::string_view text = bytes;
    size_t body = 0;
    if (text.starts_with("\xEF\xBB\xBF")) body = 3;
    // The header: the first non-blank line.
    uint32_t line = 1;
    while (body < text.size() && (text[body] == '\n' || text[body] == '\r')) {
      if (text[body] == '\n') ++line;
      ++body;
    }
    const size_t header_end = std::min(text.find('\n', body), text.size());
    std::string_view header_line = text.substr(body, header_end - body);
    if (!header_line.empty() && header_line.back() == '\r') header_line.remove_suffix(1);
    if (header_line.find('"') == std::string_view::npos && IsValidUtf8(header_line) &&
        !header_line.empty()) {
      list.header = SplitHeader(header_line, ',');
      FUPIN_RETURN_IF_ERROR(MapHeader(list.header, kind, list.file_name, list));
      list.text = text;
      list.separator = ',';
      list.storage = *file;
      done = ReadFast(checker, text, std::min(header_end + 1, text.size()), line + 1, list);
    }
  }
  if (!done) {
    list.rows.clear();
    list.errors.clear();
    list.rows_read = 0;
    auto owned = std::make_shared<std::string>();
    list.separator = '\x1f';
    std::unique_ptr<TableReader> reader;
    std::unique_ptr<XlsxBook> book;
    if (xlsx) {
      auto opened = XlsxBook::Open(path);
      if (!opened.ok()) return opened.error();
      book = std::move(opened).value();
      const auto names = book->SheetNames();
      if (names.empty()) {
        return Error{"E_EMPTY", list.file_name + "：工作簿中没有工作表",
                     list.file_name + ": the workbook has no sheet"};
      }
      auto sheet = book->Sheet(names.front());
      if (!sheet.ok()) return sheet.error();
      reader = std::move(sheet).value();
    } else {
      auto csv = OpenCsv(path, options.encoding);
      if (!csv.ok()) return csv.error();
      reader = std::move(csv).value();
    }
    list.encoding = reader->encoding();
    FUPIN_RETURN_IF_ERROR(ReadGeneral(*reader, checker, list, *owned));
    list.text = *owned;
    list.storage = owned;
  }
  if (list.rows_read == 0) {
    return Error{"E_EMPTY", list.file_name + "：名单中没有数据行",
                 list.file_name + ": the list has no data rows"};
  }
  SortAndDeduplicate(checker, list);
  hashing.join();
  list.checksum = std::move(checksum);
  return list;
}

}  // namespace fupin
