#include "views/fund_json.h"

#include "common/money.h"

namespace fupin {
namespace {

std::string Yuan(int64_t fen) { return Money::FromFen(fen).ToString(); }

}  // namespace

Json FundJson(const FundRow& f) {
  return Json{{"id", f.id},
              {"level", FundLevelLabel(f.level)},
              {"level_key", FundLevelKey(f.level)},
              {"kind", f.kind},
              {"year", f.year},
              {"region", RegionCode::FromInt(f.region_code).ToString()},
              {"amount", Yuan(f.amount_fen)},
              {"name", f.name},
              {"created_by", f.created_by},
              {"created_at", f.created_at}};
}

Json FundJson(const FundView& v) {
  Json out = FundJson(v.fund);
  out["allocated"] = Yuan(v.allocated_fen);
  out["disbursed"] = Yuan(v.disbursed_fen);
  out["left"] = Yuan(v.fund.amount_fen - v.allocated_fen);
  return out;
}

Json AllocationJson(const AllocationRow& a) {
  return Json{{"id", a.id},
              {"fund_id", a.fund_id},
              {"household_code", a.project_id ? Json(nullptr) : Json(a.household_code)},
              {"project_id", a.project_id ? Json(*a.project_id) : Json(nullptr)},
              {"region", RegionCode::FromInt(a.region_code).ToString()},
              {"amount", Yuan(a.amount_fen)},
              {"created_by", a.created_by},
              {"created_at", a.created_at}};
}

Json DisbursementJson(const DisbursementRow& d) {
  return Json{{"id", d.id},
              {"allocation_id", d.allocation_id},
              {"amount", Yuan(d.amount_fen)},
              {"date", d.date},
              {"voucher", d.voucher},
              {"created_by", d.created_by},
              {"created_at", d.created_at}};
}

Json FundProgressJson(const FundProgress& p) {
  return Json{{"region", p.region.ToString()},
              {"year", p.year},
              {"as_of", p.as_of},
              {"funds", Yuan(p.funds_fen)},
              {"allocated", Yuan(p.allocated_fen)},
              {"disbursed", Yuan(p.disbursed_fen)},
              {"ratio", p.ratio},
              {"allocation_ratio", p.allocation_ratio},
              {"min_spending_ratio", p.min_spending_ratio},
              {"meets", p.meets}};
}

}  // namespace fupin
