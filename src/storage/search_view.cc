// SearchView: building the columns and answering a HouseholdQuery from them.
#include "storage/search_view.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace fupin {
namespace {

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

int32_t NullableCode(std::optional<int> value) {
  return value ? static_cast<int32_t>(*value) : INT32_MIN;
}

}  // namespace

SearchView::Builder::Builder(std::string stamp) : view_(new SearchView()) {
  view_->stamp_ = std::move(stamp);
  view_->code_offsets_.push_back(0);
}

void SearchView::Builder::AddHousehold(int64_t county, std::string_view code, int64_t village,
                                       int kind, std::optional<int> poverty_status, int attribute,
                                       std::optional<int> main_cause, int monitor_type,
                                       int monitor_status, int64_t member_count,
                                       int64_t net_income_fen) {
  SearchView& v = *view_;
  v.county_.push_back(county);
  v.village_.push_back(village);
  v.kind_.push_back(kind);
  v.status_.push_back(NullableCode(poverty_status));
  v.attribute_.push_back(attribute);
  v.cause_.push_back(NullableCode(main_cause));
  v.monitor_type_.push_back(monitor_type);
  v.monitor_status_.push_back(monitor_status);
  v.size_.push_back(static_cast<int32_t>(member_count));
  // 人均纯收入 by the domain's rule, which the search's SQL computes too.
  v.per_capita_.push_back(
      IncomeFigures{Money::FromFen(net_income_fen), Money(), member_count}.PerCapita().fen());
  v.codes_.append(code);
  v.code_offsets_.push_back(static_cast<uint32_t>(v.codes_.size()));
}

void SearchView::Builder::AddMemberName(std::string_view name) {
  SearchView& v = *view_;
  v.name_offsets_.push_back(static_cast<uint32_t>(v.names_.size()));
  v.name_rows_.push_back(static_cast<uint32_t>(v.county_.size() - 1));
  if (v.names_utf8_ && !ValidUtf8(name)) v.names_utf8_ = false;
  if (name.find('\0') != std::string_view::npos) v.names_utf8_ = false;
  for (char c : name) v.names_.push_back(AsciiLower(c));
  v.names_.push_back('\0');
}

Result<std::shared_ptr<const SearchView>> SearchView::Builder::Finish() && {
  SearchView& v = *view_;
  const Error overflow{"E_INTERNAL", "检索视图过大", "the search view is too large"};
  if (v.codes_.size() >= UINT32_MAX || v.names_.size() >= UINT32_MAX ||
      v.county_.size() >= UINT32_MAX) {
    return overflow;
  }
  v.name_offsets_.push_back(static_cast<uint32_t>(v.names_.size()));
  const uint32_t n = static_cast<uint32_t>(v.county_.size());
  for (uint32_t r = 0; r < n; ++r) {
    if (r > 0 &&
        !(std::pair(v.county_[r - 1], v.Code(r - 1)) < std::pair(v.county_[r], v.Code(r)))) {
      return Error{"E_INTERNAL", "检索视图的户不按键的顺序",
                   "the search view's rows are not in key order"};
    }
  }
  std::vector<uint32_t> rows(n);
  std::iota(rows.begin(), rows.end(), 0u);
  // Rows are in (county, code) order: a stable sort by a key then by code (then county)
  // is a stable sort of the rows by code first, then by the key.
  std::vector<uint32_t> by_code = rows;
  std::stable_sort(by_code.begin(), by_code.end(),
                   [&](uint32_t a, uint32_t b) { return v.Code(a) < v.Code(b); });
  auto sorted_by = [&](const auto& column) {
    std::vector<uint32_t> out = by_code;
    std::stable_sort(out.begin(), out.end(),
                     [&](uint32_t a, uint32_t b) { return column[a] < column[b]; });
    return out;
  };
  v.by_village_ = sorted_by(v.village_);
  v.by_income_ = sorted_by(v.per_capita_);
  v.by_size_ = sorted_by(v.size_);
  v.by_code_ = std::move(by_code);
  return std::shared_ptr<const SearchView>(view_.release());
}

size_t SearchView::memory_bytes() const {
  auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  return bytes(county_) + bytes(village_) + bytes(kind_) + bytes(status_) + bytes(attribute_) +
         bytes(cause_) + bytes(monitor_type_) + bytes(monitor_status_) + bytes(size_) +
         bytes(per_capita_) + codes_.capacity() + bytes(code_offsets_) + names_.capacity() +
         bytes(name_offsets_) + bytes(name_rows_) + bytes(by_village_) + bytes(by_income_) +
         bytes(by_size_) + bytes(by_code_) + stamp_.capacity();
}

bool SearchView::CanAnswer(const HouseholdQuery& q) const {
  if (q.name.empty()) return true;
  return names_utf8_ && ValidUtf8(q.name) && q.name.find('\0') == std::string::npos;
}

int64_t SearchView::Find(int64_t county, std::string_view code) const {
  size_t lo = 0, hi = county_.size();
  const std::pair<int64_t, std::string_view> key(county, code);
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (std::pair<int64_t, std::string_view>(county_[mid], Code(mid)) < key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < county_.size() && county_[lo] == county && Code(lo) == code) {
    return static_cast<int64_t>(lo);
  }
  return -1;
}

void SearchView::MarkNames(std::string_view name, std::vector<uint8_t>& mask) const {
  std::string needle(name);
  for (char& c : needle) c = AsciiLower(c);
  const char* begin = names_.data();
  const char* end = begin + names_.size();
  const char* at = begin;
  while (at < end) {
    const void* hit = memmem(at, end - at, needle.data(), needle.size());
    if (!hit) break;
    const auto pos = static_cast<uint32_t>(static_cast<const char*>(hit) - begin);
    // The member whose name holds the hit (the needle has no NUL, so it lies in one name).
    const size_t m = std::upper_bound(name_offsets_.begin(), name_offsets_.end(), pos) -
                     name_offsets_.begin() - 1;
    mask[name_rows_[m]] = 1;
    at = begin + name_offsets_[m + 1];  // the next member
  }
}

SearchViewMatch SearchView::Match(const HouseholdQuery& q,
                                  const std::vector<std::string>* id_households,
                                  const std::vector<HouseholdKey>* assigned) const {
  const uint32_t n = static_cast<uint32_t>(county_.size());
  // The region as the SQL path reads it: a range of counties, and of villages below a county.
  const int64_t county_lo = q.region.counties_lo(), county_hi = q.region.counties_hi();
  const bool below_county = q.region.level() > RegionLevel::kCounty;
  const int64_t village_lo = q.region.subtree_lo(), village_hi = q.region.subtree_hi();

  // Sets given as keys or names become a mask of rows.
  std::vector<uint8_t> mask;
  auto restrict_to = [&](std::vector<uint8_t>& next) {
    if (mask.empty()) {
      mask = std::move(next);
    } else {
      for (uint32_t r = 0; r < n; ++r) mask[r] &= next[r];
    }
  };
  if (id_households) {
    std::vector<uint8_t> m(n, 0);
    for (const std::string& code : *id_households) {
      auto [lo, hi] = std::equal_range(
          by_code_.begin(), by_code_.end(), code, [&](const auto& a, const auto& b) {
            if constexpr (std::is_same_v<std::decay_t<decltype(a)>, uint32_t>) {
              return Code(a) < std::string_view(b);
            } else {
              return std::string_view(a) < Code(b);
            }
          });
      for (auto it = lo; it != hi; ++it) m[*it] = 1;
    }
    restrict_to(m);
  }
  if (assigned) {
    std::vector<uint8_t> m(n, 0);
    for (const HouseholdKey& key : *assigned) {
      if (int64_t row = Find(key.county, key.code); row >= 0) m[row] = 1;
    }
    restrict_to(m);
  }
  if (!q.name.empty()) {
    std::vector<uint8_t> m(n, 0);
    MarkNames(q.name, m);
    restrict_to(m);
  }

  auto equals = [](const std::optional<int>& want) -> int64_t {
    // A NULL code equals nothing, not even the sentinel.
    if (!want) return INT64_MIN;
    return *want == INT32_MIN ? INT64_MIN + 1 : *want;
  };
  const int64_t kind = equals(q.kind), status = equals(q.poverty_status),
                attribute = equals(q.attribute), cause = equals(q.main_cause),
                monitor_type = equals(q.monitor_type), monitor_status = equals(q.monitor_status);
  const bool no_match = kind == INT64_MIN + 1 || status == INT64_MIN + 1 ||
                        attribute == INT64_MIN + 1 || cause == INT64_MIN + 1 ||
                        monitor_type == INT64_MIN + 1 || monitor_status == INT64_MIN + 1;

  SearchViewMatch out;
  const std::vector<uint32_t>* order = nullptr;
  switch (q.sort) {
    case HouseholdQuery::Sort::kCode:
      break;
    case HouseholdQuery::Sort::kVillage:
      order = &by_village_;
      break;
    case HouseholdQuery::Sort::kIncome:
      order = &by_income_;
      break;
    case HouseholdQuery::Sort::kSize:
      order = &by_size_;
      break;
  }
  const int64_t first = std::max<int64_t>(q.offset, 0);
  const int64_t last = q.limit < 0 ? INT64_MAX : first + q.limit;  // LIMIT -1: no limit
  // The rows of the counties in range (rows are in county order).
  const uint32_t row_lo = static_cast<uint32_t>(
      std::lower_bound(county_.begin(), county_.end(), county_lo) - county_.begin());
  const uint32_t row_hi = static_cast<uint32_t>(
      std::lower_bound(county_.begin(), county_.end(), county_hi) - county_.begin());

  // The matching rows, ascending, one filter at a time over its own column (a tight loop
  // per filter, reading only the columns filtered on): `all` while no filter has applied.
  std::vector<uint32_t> rows;
  bool all = true;
  auto refine = [&](auto keep) {
    if (all) {
      for (uint32_t r = row_lo; r < row_hi; ++r) {
        if (keep(r)) rows.push_back(r);
      }
      all = false;
    } else {
      size_t k = 0;
      for (uint32_t r : rows) {
        if (keep(r)) rows[k++] = r;
      }
      rows.resize(k);
    }
  };
  auto refine_code = [&](int64_t want, const std::vector<int32_t>& column) {
    if (want == INT64_MIN) return;
    const int32_t value = static_cast<int32_t>(want);
    const int32_t* c = column.data();
    refine([c, value](uint32_t r) { return c[r] == value; });
  };
  if (no_match || row_lo >= row_hi) {
    all = false;  // nothing matches
  } else {
    if (below_county) {
      const int64_t* v = village_.data();
      refine([&](uint32_t r) { return v[r] >= village_lo && v[r] < village_hi; });
    }
    refine_code(status, status_);
    refine_code(kind, kind_);
    refine_code(attribute, attribute_);
    refine_code(cause, cause_);
    refine_code(monitor_type, monitor_type_);
    refine_code(monitor_status, monitor_status_);
    if (q.income_min || q.income_max) {
      const int64_t lo = q.income_min ? q.income_min->fen() : INT64_MIN;
      const int64_t hi = q.income_max ? q.income_max->fen() : INT64_MAX;
      const int64_t* pc = per_capita_.data();
      refine([&](uint32_t r) { return pc[r] >= lo && pc[r] <= hi; });
    }
    if (!mask.empty()) refine([&](uint32_t r) { return mask[r] != 0; });
  }
  const int64_t total = all ? row_hi - row_lo : static_cast<int64_t>(rows.size());
  auto row_at = [&](int64_t i) {  // the i-th matching row in key order
    return all ? row_lo + static_cast<uint32_t>(i) : rows[static_cast<size_t>(i)];
  };

  int64_t seen = total;
  std::vector<uint32_t> page;
  if (!order) {
    // In key order, or its reverse: the page is a slice.
    for (int64_t i = first; i < std::min(last, total); ++i) {
      page.push_back(row_at(q.descending ? total - 1 - i : i));
    }
  } else if (total > 0) {
    // The sort's order walked until the page is full.
    std::vector<uint8_t> matched(n, 0);
    for (int64_t i = 0; i < total; ++i) matched[row_at(i)] = 1;
    int64_t at = 0;
    for (uint32_t i = 0; i < n && at < last && at < total; ++i) {
      const uint32_t r = (*order)[q.descending ? n - 1 - i : i];
      if (!matched[r]) continue;
      if (at >= first) page.push_back(r);
      ++at;
    }
  }
  if (q.count) out.total = seen;
  out.page.reserve(page.size());
  for (uint32_t r : page) out.page.push_back({county_[r], std::string(Code(r))});
  return out;
}

}  // namespace fupin
