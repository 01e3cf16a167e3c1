// Department lists (部门名单) of spec/compare.md: their kinds and columns, and reading one
// from a CSV (UTF-8 or GB18030) or XLSX file into validated rows keyed by the packed ID
// number. A quote-free UTF-8 CSV — what departments' systems export — is read straight
// from the mapped file by two threads; anything else goes through exchange/table.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "common/text.h"
#include "service/imports/import_service.h"  // ImportIssue

namespace fupin {

enum class ListKind {
  kDeaths,
  kPublicEmployees,
  kVehicles,
  kBusinesses,
  kHousing,
  kDibao,
  kStudents,
  kMedicalInsurance,
  kDisability,
};

// How a kind's own column is read into ListRow::value.
enum class ValueType {
  kText,    // kept as text only
  kDate,    // days since 1970-01-01; E_DATE when not a date or after today
  kAmount,  // fen; E_NUMBER when not an amount ≥ 0 with at most 2 decimals
  kChoice,  // index into `choices`; E_CODE otherwise
};

struct ListColumn {
  const char* name;  // the Chinese header, exactly as compare.md writes it
  ValueType type = ValueType::kText;
  bool required = false;  // a value must be given (E_REQUIRED)
  std::vector<const char*> choices = {};
};

struct ListKindInfo {
  ListKind kind;
  const char* key;         // "deaths"
  const char* department;  // "公安 / 民政"
  // The columns after 证件号码 and 姓名. At most one has a type other than kText: its
  // parsed value is ListRow::value.
  std::vector<ListColumn> columns;
};

std::span<const ListKindInfo> ListKinds();
// nullptr for an unknown kind.
const ListKindInfo* FindListKind(std::string_view key);

// One valid row of a list.
struct ListRow {    // trivial, so that big buffers of rows need not be cleared first
  uint64_t key;     // PackIdNumber of the normalised ID number
  int64_t value;    // the kind's typed column (see ValueType); 0 when empty
  uint32_t offset;  // of the record in DepartmentList::text (lists are under 4 GB)
  uint32_t length;  // of the record
  uint32_t line;    // 1-based; the header is line 1 (XLSX: the sheet row)
  bool has_value;
};
static_assert(sizeof(ListRow) == 32);

// An allocator whose resize() leaves new elements uninitialised (for buffers that are
// written before they are read: a list's rows are sorted from one buffer into another).
template <typename T>
struct NoInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = NoInitAllocator<U>;
  };
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using ListRows = std::vector<ListRow, NoInitAllocator<ListRow>>;

struct DepartmentList {
  const ListKindInfo* kind = nullptr;
  std::string file_name;  // as given
  std::string checksum;   // "sha256:<hex>" of the file's bytes
  Encoding encoding = Encoding::kUtf8;
  std::vector<std::string> header;  // every column, as given (extra ones included)
  int id_column = 0, name_column = 1;
  std::vector<int> kind_columns;    // header index of each ListKindInfo::columns entry
  int64_t rows_read = 0;            // data rows, valid or not
  ListRows rows;                    // the valid rows, sorted by key, one per key
  ListRows more_rows;               // while reading: the second half's rows
  std::vector<ImportIssue> errors;  // by line

  // The cells of a row (views into the list's text), as many as the header has.
  std::vector<std::string_view> Cells(const ListRow& row) const;
  std::string_view Cell(const ListRow& row, int column) const;

  // The records' text: the mapped file, or records rebuilt from another format.
  std::string_view text;
  char separator = ',';
  std::shared_ptr<const void> storage;  // keeps `text` alive
};

struct ListReadOptions {
  std::string file_name;  // for messages; "" = the base name of the path
  Encoding encoding = Encoding::kAuto;
  Date today;
  size_t max_errors_listed = 1000;  // later errors are counted, not listed
};

// Reads and validates a list. Structural problems fail the whole read: E_IO, E_ENCODING,
// E_FORMAT (not a CSV/XLSX, an unclosed quote), E_EMPTY (no data rows), E_HEADER (a
// required column missing or a column twice). Row problems are collected in `errors`
// and the row is skipped: E_ID_FORMAT / E_ID_BIRTHDATE / E_ID_CHECKSUM, E_REQUIRED,
// E_DATE, E_NUMBER, E_CODE, and E_ID_DUPLICATE for every row after the first with the
// same person.
Result<DepartmentList> ReadDepartmentList(const std::string& path, const ListKindInfo& kind,
                                          const ListReadOptions& options);

}  // namespace fupin
