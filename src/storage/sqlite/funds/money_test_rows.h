// The rows of the project and loan store tests, on SQLite (sqlite_projects_test.cc,
// sqlite_loans_test.cc) and on PostgreSQL (postgres/funds/pg_projects_test.cc,
// pg_loans_test.cc): a project with every list filled, and a loan as a county writes it.
#pragma once

#include <cstdint>
#include <string>

#include "storage/store.h"

namespace fupin::money_test {

inline ProjectRow Project(int64_t region, const std::string& stage, int category = 1) {
  ProjectRow p;
  p.region_code = region;
  p.name = "肉牛养殖";
  p.category = category;
  p.nature = 1;
  p.year = 2026;
  p.start_on = "2026-04-01";
  p.end_on = "2026-10-31";
  p.unit = "乙镇人民政府";
  p.person = "王某";
  p.tasks = "建牛舍";
  p.budget = {{1, 30000000}, {5, 15000050}};
  p.households = {"H1", "H2"};
  p.households_count = 2;
  p.targets = {{"户均增收", "≥2000元"}, {"新建牛舍", "600平方米"}};
  p.linkage = "入股分红";
  p.stage = stage;
  p.notice_start = "2026-03-02";
  p.closes_on = "2026-03-12";
  p.opened_by = "v1";
  p.opened_at = "2026-03-02T02:00:00Z";
  p.steps = {{"propose", "advance", "v1", "village_operator", "V", "2026-03-02",
              "2026-03-02T02:00:00Z", "申报", ""}};
  return p;
}

inline LoanRow Loan(int64_t region, const std::string& due) {
  LoanRow r;
  r.county_code = region / 1000000 * 1000000;
  r.household_code = "H1";
  r.region_code = region;
  r.borrower_id_number = "620422198001010035";
  r.borrower_name = "甲";
  r.amount_fen = 5000000;
  r.term_months = 24;
  r.start_date = r.contract_start = "2024-03-01";
  r.due_date = r.original_due_date = due;
  r.bank = "农商银行";
  r.annual_rate_micros = 39500;
  r.purpose = 1;
  r.state = "active";
  r.created_by = "county1";
  r.created_at = "2024-03-01T02:00:00Z";
  return r;
}

}  // namespace fupin::money_test
