// SearchView: the households as columns in memory, for the API's household search
// (HouseholdQuery) at the size of a national register. One row per household in key order
// (county, 户编号): the codes a search filters on, the village, the per-capita net income
// as SqliteStore::SearchHouseholds computes it, the member count, and the members' names as
// one buffer. A Store builds it (Store::LoadSearchView) with the RegisterStamp it was read
// at; it answers only for that stamp (the caller checks it). The search scans it for the
// filter and the exact count and returns the page's keys in the order the SQL path gives
// (ties included); the page's rows are then read by primary key.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"

namespace fupin {

// What a search matched: the total (-1 when not counted) and the page's keys, in order.
struct SearchViewMatch {
  int64_t total = -1;
  std::vector<HouseholdKey> page;
};

class SearchView {
 public:
  // Building: households in key order (county, 户编号 ascending), each followed by the names
  // of its members; then Finish. A household's fields are those of SearchHouseholds.
  class Builder {
   public:
    explicit Builder(std::string stamp);
    void AddHousehold(int64_t county, std::string_view code, int64_t village, int kind,
                      std::optional<int> poverty_status, int attribute,
                      std::optional<int> main_cause, int monitor_type, int monitor_status,
                      int64_t member_count, int64_t net_income_fen);
    void AddMemberName(std::string_view name);  // of the household added last
    // E_INTERNAL when the households were not in key order or the buffers overflow.
    Result<std::shared_ptr<const SearchView>> Finish() &&;

   private:
    std::unique_ptr<SearchView> view_;
  };

  // The stamp (Store::RegisterStamp) of the register the view was read from.
  const std::string& stamp() const { return stamp_; }
  size_t households() const { return county_.size(); }
  // Bytes held by the columns.
  size_t memory_bytes() const;

  // Whether Match can answer `query` exactly; when not (a name that is not valid UTF-8 or
  // holds a NUL, or names in the register that are not valid UTF-8), the caller uses the
  // SQL path.
  bool CanAnswer(const HouseholdQuery& query) const;
  // The households matching `query` (its id_number and assigned_to excepted, which the
  // caller resolves to keys): `id_households` (when given) are the 户编号 holding the ID
  // number, any county; `assigned` (when given) the keys assigned to the helper.
  SearchViewMatch Match(const HouseholdQuery& query, const std::vector<std::string>* id_households,
                        const std::vector<HouseholdKey>* assigned) const;

 private:
  SearchView() = default;
  std::string_view Code(uint32_t row) const {
    return std::string_view(codes_).substr(code_offsets_[row],
                                           code_offsets_[row + 1] - code_offsets_[row]);
  }
  // The row of a key, or -1.
  int64_t Find(int64_t county, std::string_view code) const;
  // Marks in `mask` the rows with a member whose name contains `name` (LIKE '%name%').
  void MarkNames(std::string_view name, std::vector<uint8_t>& mask) const;

  static constexpr int32_t kNull = INT32_MIN;  // a NULL code: equal to no value

  std::string stamp_;
  std::vector<int64_t> county_;
  std::vector<int64_t> village_;
  std::vector<int32_t> kind_, status_, attribute_, cause_, monitor_type_, monitor_status_;
  std::vector<int32_t> size_;        // member_count
  std::vector<int64_t> per_capita_;  // fen
  std::string codes_;                // the 户编号, one after another
  std::vector<uint32_t> code_offsets_;
  // Members' names with ASCII letters lower-cased (LIKE ignores their case), each followed
  // by a NUL; name_offsets_[m] where member m's starts, name_rows_[m] its household's row.
  std::string names_;
  std::vector<uint32_t> name_offsets_, name_rows_;
  bool names_utf8_ = true;  // every name valid UTF-8
  // Rows in the orders of the sorts (ascending; descending is the reverse): village,
  // per-capita income, size, each then by 户编号 (then county); and by 户编号 then county.
  std::vector<uint32_t> by_village_, by_income_, by_size_, by_code_;
};

}  // namespace fupin
