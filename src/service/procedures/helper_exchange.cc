// The annual re-assignment of helpers from a table, and its export (helper_service.h).
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <utility>

#include "common/id_number.h"
#include "exchange/table.h"
#include "service/accounts/audit_service.h"
#include "service/clock.h"
#include "service/procedures/helper_service.h"

namespace fupin {
namespace {

constexpr size_t kMaxErrors = 1000;  // listed; the import fails on the first one anyway

enum Column { kHousehold, kName, kUnit, kPhone, kColumns };

struct Row {
  size_t line = 0;
  std::string household_code, name, work_unit, phone;  // phone normalised
};

std::string Trim(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  return std::string(text.substr(b, e - b));
}

bool EndsWith(std::string_view s, std::string_view tail) {
  if (s.size() < tail.size()) return false;
  for (size_t i = 0; i < tail.size(); ++i) {
    char c = s[s.size() - tail.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != tail[i]) return false;
  }
  return true;
}

// Reads the rows of the file: the header (found among the first 10 records, below title
// lines) and every row after it, checked cell by cell.
Status ReadRows(const std::string& path, std::vector<Row>& rows, std::vector<ImportIssue>& errors) {
  const std::string file = std::filesystem::path(path).filename().string();
  std::unique_ptr<XlsxBook> book;
  std::unique_ptr<TableReader> reader;
  if (EndsWith(path, ".xlsx")) {
    auto opened = XlsxBook::Open(path);
    if (!opened.ok()) return opened.error();
    book = std::move(opened).value();
    const auto names = book->SheetNames();
    if (names.empty()) {
      return Error{"E_EMPTY", file + "：工作簿中没有工作表", file + ": the workbook has no sheet"};
    }
    auto sheet = book->Sheet(names.front());
    if (!sheet.ok()) return sheet.error();
    reader = std::move(sheet).value();
  } else {
    auto csv = OpenCsv(path, Encoding::kAuto);
    if (!csv.ok()) return csv.error();
    reader = std::move(csv).value();
  }
  auto issue = [&](size_t line, const std::string& column, const std::string& value,
                   const std::string& code, const std::string& zh, const std::string& en) {
    if (errors.size() < kMaxErrors) errors.push_back({file, line, column, value, code, zh, en});
  };
  const std::vector<std::string>& header = HelperTableHeader();
  int index[kColumns] = {-1, -1, -1, -1};
  bool found = false;
  Record record;
  for (size_t seen = 0; !found;) {
    auto more = reader->Next(record);
    if (!more.ok()) return more.error();
    if (!*more || ++seen > 10) break;
    for (size_t c = 0; c < record.cells.size(); ++c) {
      for (int k = 0; k < kColumns; ++k) {
        if (Trim(record.cells[c]) == header[k]) index[k] = static_cast<int>(c);
      }
    }
    found = index[kHousehold] >= 0;
    if (!found) std::fill(std::begin(index), std::end(index), -1);
  }
  for (int k = 0; k < kColumns; ++k) {
    if (index[k] < 0) {
      issue(record.line, header[k], "", "E_HEADER", "缺少列：" + header[k],
            "missing column: " + header[k]);
    }
  }
  if (!errors.empty()) return Status::Ok();
  for (;;) {
    auto more = reader->Next(record);
    if (!more.ok()) return more.error();
    if (!*more) break;
    auto cell = [&](Column k) {
      const size_t i = static_cast<size_t>(index[k]);
      return i < record.cells.size() ? Trim(record.cells[i]) : std::string();
    };
    Row row;
    row.line = record.line;
    row.household_code = cell(kHousehold);
    row.name = cell(kName);
    row.work_unit = cell(kUnit);
    const std::string phone = cell(kPhone);
    if (row.household_code.empty() && row.name.empty() && phone.empty()) continue;
    for (int k = 0; k < kColumns; ++k) {
      const size_t i = static_cast<size_t>(index[k]);
      if (record.kind(i) == CellKind::kError) {
        issue(row.line, header[k], cell(Column(k)), "E_FORMAT", "单元格是错误值",
              "the cell holds an error value");
      }
    }
    if (row.household_code.empty()) {
      issue(row.line, header[kHousehold], "", "E_REQUIRED", "缺少户编号",
            "the household code is required");
      continue;
    }
    if (row.name.empty() && !phone.empty()) {
      // A helper needs a name; no name and no phone means "no helper". A phone may be
      // empty (helpers taken over from accounts have none).
      issue(row.line, header[kName], "", "E_REQUIRED", "缺少" + header[kName],
            header[kName] + " is required");
      continue;
    }
    if (!phone.empty()) {
      auto normal = NormalizePhone(phone);
      if (!normal.ok()) {
        issue(row.line, header[kPhone], MaskPhone(phone), normal.error().code, normal.error().zh,
              normal.error().en);
        continue;
      }
      row.phone = std::move(*normal);
    }
    if (row.name.size() > 64 * 4 || row.work_unit.size() > 128 * 4) {
      issue(row.line, row.name.size() > 256 ? header[kName] : header[kUnit], "", "E_FORMAT",
            "内容过长", "the text is too long");
      continue;
    }
    rows.push_back(std::move(row));
  }
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& HelperTableHeader() {
  static const std::vector<std::string> header = {"户编号", "帮扶责任人", "工作单位", "联系电话"};
  return header;
}

Result<HelperImportReport> ImportHelperAssignments(Store& store, const Caller& caller,
                                                   const std::string& path, bool dry_run) {
  if (!RoleMay(caller.user.role, Permission::kManageHelpers)) {
    return Error{"E_FORBIDDEN", "您的角色无权管理帮扶责任人和驻村工作队",
                 "your role may not manage helpers and work teams"};
  }
  HelperImportReport report;
  std::vector<Row> rows;
  FUPIN_RETURN_IF_ERROR(ReadRows(path, rows, report.errors));
  report.rows = static_cast<int64_t>(rows.size());
  const std::string file = std::filesystem::path(path).filename().string();
  const std::string& column = HelperTableHeader()[kHousehold];

  // Every household of the file, in the caller's scope, with the helpers the file gives it.
  struct Wanted {
    RegionCode village;
    std::vector<const Row*> helpers;  // no two with the same name and phone
  };
  std::map<std::string, Wanted> households;
  for (const Row& row : rows) {
    auto it = households.find(row.household_code);
    if (it == households.end()) {
      auto found = store.FindHousehold(row.household_code);
      if (!found.ok()) return found.error();
      if (!found->has_value() || !caller.InScope((*found)->household.village_code)) {
        if (report.errors.size() < kMaxErrors) {
          report.errors.push_back({file, row.line, column, row.household_code, "E_NOT_FOUND",
                                   "户编号不存在：" + row.household_code,
                                   "no such household: " + row.household_code});
        }
        continue;
      }
      it = households.emplace(row.household_code, Wanted{(*found)->household.village_code, {}})
               .first;
    }
    if (row.name.empty()) continue;
    bool twice = false;
    for (const Row* r : it->second.helpers) {
      twice = twice || (r->name == row.name && r->phone == row.phone);
    }
    if (!twice) it->second.helpers.push_back(&row);
  }
  report.households = static_cast<int64_t>(households.size());
  if (!report.errors.empty()) {
    std::stable_sort(report.errors.begin(), report.errors.end(),
                     [](const ImportIssue& a, const ImportIssue& b) { return a.line < b.line; });
    return report;
  }

  const std::string today = Date::Today().ToString();
  const std::string now = NowIso8601();
  FUPIN_RETURN_IF_ERROR(store.Begin());
  auto fail = [&](const Error& e) -> Result<HelperImportReport> {
    store.Rollback();
    return e;
  };
  std::map<std::pair<std::string, std::string>, int64_t> created;  // name, phone → id
  for (const auto& [code, wanted] : households) {
    std::set<int64_t> keep;
    for (const Row* r : wanted.helpers) {
      int64_t id = 0;
      if (auto c = created.find({r->name, r->phone}); c != created.end()) {
        id = c->second;
      } else {
        auto match = store.helpers().FindHelperByNamePhone(r->name, r->phone);
        if (!match.ok()) return fail(match.error());
        if (match->has_value() && caller.InScope(RegionCode::FromInt((*match)->region_code))) {
          id = (*match)->id;
        } else {
          HelperRow h;
          const RegionCode county = wanted.village.county();
          h.region_code = caller.InScope(county) ? county.value() : caller.user.region.value();
          h.name = r->name;
          h.work_unit = r->work_unit;
          h.phone = r->phone;
          h.created_at = now;
          h.created_by = caller.user.username;
          if (Status s = store.helpers().InsertHelper(h); !s.ok()) return fail(s.error());
          if (Status s = AppendAudit(store, caller, RegionCode::FromInt(h.region_code),
                                     "helper.add", std::to_string(h.id), "import " + file);
              !s.ok()) {
            return fail(s.error());
          }
          id = h.id;
          ++report.helpers_created;
        }
        created[{r->name, r->phone}] = id;
      }
      keep.insert(id);
    }
    auto current = store.helpers().HouseholdAssignments(code);
    if (!current.ok()) return fail(current.error());
    std::set<int64_t> have;
    for (const auto& a : *current) {
      if (!a.until.empty()) continue;
      have.insert(a.helper.id);
      if (keep.count(a.helper.id)) continue;
      auto ended = store.helpers().EndAssignment(a.helper.id, code, today);
      if (!ended.ok()) return fail(ended.error());
      if (Status s = AppendAudit(store, caller, wanted.village, "helper.unassign", code,
                                 "helper " + std::to_string(a.helper.id) + " import " + file);
          !s.ok()) {
        return fail(s.error());
      }
      ++report.assignments_ended;
    }
    for (int64_t id : keep) {
      if (have.count(id)) continue;
      auto begun =
          store.helpers().BeginAssignment(id, wanted.village.county().value(), code, today);
      if (!begun.ok()) return fail(begun.error());
      if (Status s = AppendAudit(store, caller, wanted.village, "helper.assign", code,
                                 "helper " + std::to_string(id) + " import " + file);
          !s.ok()) {
        return fail(s.error());
      }
      ++report.assignments_begun;
    }
  }
  if (dry_run) {
    store.Rollback();
    return report;
  }
  if (Status s = store.Commit(); !s.ok()) return s.error();
  report.written = true;
  return report;
}

Result<std::vector<HelperExportRow>> HelperAssignmentsForExport(Store& store, const Caller& caller,
                                                                RegionCode region) {
  if (!RoleMay(caller.user.role, Permission::kExport)) {
    return Error{"E_FORBIDDEN", "您的角色无权导出", "your role may not export"};
  }
  if (!caller.InScope(region) || caller.user.role == Role::kHelper) {
    return Error::NotFound("区划不存在：" + region.ToString(),
                           "no such region: " + region.ToString());
  }
  auto current = store.helpers().CurrentAssignmentsUnder(region);
  if (!current.ok()) return current.error();
  auto unhelped = store.helpers().Unhelped(region, 0, 0);
  if (!unhelped.ok()) return unhelped.error();
  const bool masked = RoleSeesMaskedData(caller.user.role);
  std::vector<HelperExportRow> out;
  out.reserve(current->size() + unhelped->size());
  for (const auto& a : *current) {
    out.push_back({a.household_code, a.helper.name, a.helper.work_unit,
                   masked ? MaskPhone(a.helper.phone) : a.helper.phone});
  }
  for (const auto& u : *unhelped) out.push_back({u.household_code, "", "", ""});
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.household_code < b.household_code;
  });
  FUPIN_RETURN_IF_ERROR(
      AppendAudit(store, caller, region, "export.helpers", region.ToString(),
                  std::to_string(out.size()) + " rows" + (masked ? " masked" : "")));
  return out;
}

}  // namespace fupin
