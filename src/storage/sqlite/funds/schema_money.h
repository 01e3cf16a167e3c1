// The migrations of the money and the public side (issue 14, spec/funds.md): the funds
// ledger, 12317 complaints, the funds summed by region, the project library and the
// microcredit ledger. schema.cc includes this (kMigrations there orders them), and the tests
// that build a database as an older migration left it.
#pragma once

#include <string_view>

namespace fupin::sqlite {

// The funds ledger (issue 14, spec/funds.md): funds received by a region for a year, their
// allocations — to a household (直补到户: county_code + household_code) or to a project
// (project_id, once the project library exists) — and the disbursements of each
// allocation. Amounts in fen; level 1 中央, 2 省, 3 市, 4 县. region_code of an allocation
// is where the money went (the household's village). The spending progress of a region
// and year reads funds by (year, region_code), allocations by fund, disbursements by
// allocation and date.
inline constexpr std::string_view kMigrationFunds = R"sql(
CREATE TABLE funds (
  id INTEGER PRIMARY KEY,
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
  kind TEXT NOT NULL,
  year INTEGER NOT NULL,
  region_code INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  name TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX funds_year_region ON funds(year, region_code);
CREATE INDEX funds_region ON funds(region_code);

CREATE TABLE fund_allocations (
  id INTEGER PRIMARY KEY,
  fund_id INTEGER NOT NULL REFERENCES funds(id),
  county_code INTEGER,
  household_code TEXT,
  project_id INTEGER,
  region_code INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  CHECK ((household_code IS NULL) <> (project_id IS NULL))
);
CREATE INDEX fund_allocations_fund ON fund_allocations(fund_id);
CREATE INDEX fund_allocations_region ON fund_allocations(region_code);
CREATE INDEX fund_allocations_household ON fund_allocations(county_code, household_code);

CREATE TABLE fund_disbursements (
  id INTEGER PRIMARY KEY,
  allocation_id INTEGER NOT NULL REFERENCES fund_allocations(id),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  date TEXT NOT NULL,
  voucher TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX fund_disbursements_allocation ON fund_disbursements(allocation_id, date);
)sql";

// 12317 complaints (投诉举报, spec/funds.md): storage/complaint_store.h. region_code is the
// responsible region, level_code the region handling it now (the parent region once
// escalated); name and phone are the complainant's personal data.
inline constexpr std::string_view kMigrationComplaints = R"sql(
CREATE TABLE complaints (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  region_code INTEGER NOT NULL,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  county_code INTEGER NOT NULL DEFAULT 0,
  household_code TEXT NOT NULL DEFAULT '',
  received_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'open',
  level_code INTEGER NOT NULL,
  escalated_to INTEGER NOT NULL DEFAULT 0,
  escalated_at TEXT NOT NULL DEFAULT '',
  answer TEXT NOT NULL DEFAULT '',
  evidence TEXT NOT NULL DEFAULT '',
  answered_by TEXT NOT NULL DEFAULT '',
  answered_at TEXT NOT NULL DEFAULT '',
  confirmed_at TEXT NOT NULL DEFAULT '',
  satisfied INTEGER,
  case_id INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX complaints_region ON complaints(region_code);
CREATE INDEX complaints_level ON complaints(level_code);
CREATE INDEX complaints_due ON complaints(state, escalated_to, due_on);
)sql";

// Funds reports and the funds summary at scale (issue 14, reports): the ledger summed over
// each region's subtree, kept current by triggers on every insert into the ledger (which is
// append-only: nothing updates or deletes its rows) and filled here from what is already
// there. A fund counts in the row of its own region and of each region above it, at the
// depth of that region (0 the nation, 1 province, 2 city, 3 county, 4 township, 5
// village): fund_sums by (year, depth, region, level, kind) holds the funds and what was
// allocated from them, fund_daily by (year, depth, region, date) what was disbursed from
// them each day. The progress of a region reads its own rows, a report by child region
// the rows one depth below: a few rows per region and date, whatever the number of ledger
// lines (bench/funds/). fund_depths: the modulus that cuts a code to its region at a depth
// (m) and the one above it (m_up: the region has that depth when its code is not a
// multiple of m_up).
inline constexpr std::string_view kMigrationFundSums = R"sql(
CREATE TABLE fund_depths (depth INTEGER PRIMARY KEY, m INTEGER NOT NULL, m_up INTEGER NOT NULL);
INSERT INTO fund_depths VALUES (0, 1000000000000, 1), (1, 10000000000, 1000000000000),
  (2, 100000000, 10000000000), (3, 1000000, 100000000), (4, 1000, 1000000), (5, 1, 1000);
CREATE TABLE fund_sums (
  year INTEGER NOT NULL,
  depth INTEGER NOT NULL,
  region_code INTEGER NOT NULL,
  level INTEGER NOT NULL,
  kind TEXT NOT NULL,
  funds_fen INTEGER NOT NULL,
  allocated_fen INTEGER NOT NULL,
  PRIMARY KEY (year, depth, region_code, level, kind)
) WITHOUT ROWID;
CREATE TABLE fund_daily (
  year INTEGER NOT NULL,
  depth INTEGER NOT NULL,
  region_code INTEGER NOT NULL,
  date TEXT NOT NULL,
  disbursed_fen INTEGER NOT NULL,
  PRIMARY KEY (year, depth, region_code, date)
) WITHOUT ROWID;
INSERT INTO fund_sums
  SELECT f.year, d.depth, f.region_code - f.region_code % d.m, f.level, f.kind, sum(f.amount_fen),
    coalesce(sum((SELECT sum(a.amount_fen) FROM fund_allocations a WHERE a.fund_id = f.id)), 0)
  FROM funds f, fund_depths d WHERE d.depth = 0 OR f.region_code % d.m_up != 0
  GROUP BY 1, 2, 3, 4, 5;
INSERT INTO fund_daily
  SELECT f.year, d.depth, f.region_code - f.region_code % d.m, x.date, sum(x.amount_fen)
  FROM fund_disbursements x, fund_allocations a, funds f, fund_depths d
  WHERE a.id = x.allocation_id AND f.id = a.fund_id AND (d.depth = 0 OR f.region_code % d.m_up != 0)
  GROUP BY 1, 2, 3, 4;
CREATE TRIGGER fund_sums_on_fund AFTER INSERT ON funds BEGIN
  INSERT INTO fund_sums
    SELECT NEW.year, depth, NEW.region_code - NEW.region_code % m, NEW.level, NEW.kind,
      NEW.amount_fen, 0
    FROM fund_depths WHERE depth = 0 OR NEW.region_code % m_up != 0
    ON CONFLICT (year, depth, region_code, level, kind)
    DO UPDATE SET funds_fen = funds_fen + excluded.funds_fen;
END;
CREATE TRIGGER fund_sums_on_allocation AFTER INSERT ON fund_allocations BEGIN
  INSERT INTO fund_sums
    SELECT f.year, d.depth, f.region_code - f.region_code % d.m, f.level, f.kind, 0,
      NEW.amount_fen
    FROM funds f, fund_depths d
    WHERE f.id = NEW.fund_id AND (d.depth = 0 OR f.region_code % d.m_up != 0)
    ON CONFLICT (year, depth, region_code, level, kind)
    DO UPDATE SET allocated_fen = allocated_fen + excluded.allocated_fen;
END;
CREATE TRIGGER fund_daily_on_disbursement AFTER INSERT ON fund_disbursements BEGIN
  INSERT INTO fund_daily
    SELECT f.year, d.depth, f.region_code - f.region_code % d.m, NEW.date, NEW.amount_fen
    FROM fund_allocations a, funds f, fund_depths d
    WHERE a.id = NEW.allocation_id AND f.id = a.fund_id
      AND (d.depth = 0 OR f.region_code % d.m_up != 0)
    ON CONFLICT (year, depth, region_code, date)
    DO UPDATE SET disbursed_fen = disbursed_fen + excluded.disbursed_fen;
END;
)sql";

// Project library (扶贫项目库, spec/funds.md "Projects"): storage/project_store.h. A project
// is located at region_code (a village, or a township's or county's own); its lists are
// child tables rewritten with the project. fund_allocations.project_id refers to projects.id.
inline constexpr std::string_view kMigrationProjects = R"sql(
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  region_code INTEGER NOT NULL,
  name TEXT NOT NULL,
  category INTEGER NOT NULL,
  nature INTEGER NOT NULL,
  year INTEGER NOT NULL,
  start_on TEXT NOT NULL,
  end_on TEXT NOT NULL,
  unit TEXT NOT NULL,
  person TEXT NOT NULL,
  tasks TEXT NOT NULL,
  budget_fen INTEGER NOT NULL,
  households_count INTEGER NOT NULL,
  people_count INTEGER NOT NULL,
  poor_households INTEGER NOT NULL,
  poor_people INTEGER NOT NULL,
  linkage TEXT NOT NULL,
  stage TEXT NOT NULL,
  state TEXT NOT NULL,
  notice_start TEXT NOT NULL,
  closes_on TEXT NOT NULL,
  opened_by TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  reviewed_by TEXT NOT NULL,
  approved_on TEXT NOT NULL,
  accepted_on TEXT NOT NULL,
  acceptance_result TEXT NOT NULL,
  accepted_by TEXT NOT NULL
);
CREATE INDEX projects_region ON projects(region_code);
CREATE TABLE project_budget (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  source INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL,
  PRIMARY KEY (project_id, source)
) WITHOUT ROWID;
CREATE TABLE project_households (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  household_code TEXT NOT NULL,
  PRIMARY KEY (project_id, household_code)
) WITHOUT ROWID;
CREATE TABLE project_targets (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  seq INTEGER NOT NULL,
  indicator TEXT NOT NULL,
  target TEXT NOT NULL,
  PRIMARY KEY (project_id, seq)
) WITHOUT ROWID;
CREATE TABLE project_steps (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  seq INTEGER NOT NULL,
  step TEXT NOT NULL,
  action TEXT NOT NULL,
  by TEXT NOT NULL,
  role TEXT NOT NULL,
  level TEXT NOT NULL,
  date TEXT NOT NULL,
  at TEXT NOT NULL,
  comment TEXT NOT NULL,
  to_step TEXT NOT NULL,
  PRIMARY KEY (project_id, seq)
) WITHOUT ROWID;
CREATE TABLE project_progress (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  seq INTEGER NOT NULL,
  date TEXT NOT NULL,
  percent INTEGER NOT NULL,
  note TEXT NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (project_id, seq)
) WITHOUT ROWID;
CREATE TABLE project_assets (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  seq INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  name TEXT NOT NULL,
  value_fen INTEGER NOT NULL,
  owner TEXT NOT NULL,
  keeper TEXT NOT NULL,
  date TEXT NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (project_id, seq)
) WITHOUT ROWID;
CREATE INDEX fund_allocations_project ON fund_allocations(project_id);
)sql";

// 扶贫小额信贷 microcredit (issue 14, spec/funds.md): loans of households of the register,
// their repayments and the risk-fund compensation of a loss. Amounts in fen; annual_rate in
// millionths (0.0435 = 43500). state is what was written (active, repaid, renewed,
// compensated); "overdue" is read from the clock (an active loan past due_date). A 续贷 is a
// new loan with renewal_of = the original, whose contract_start it keeps; a 展期 moves
// due_date (original_due_date keeps the contract's). closed_on: the day a loan was repaid
// in full, renewed or compensated (interest stops accruing).
inline constexpr std::string_view kMigrationLoans = R"sql(
CREATE TABLE loans (
  id INTEGER PRIMARY KEY,
  county_code INTEGER NOT NULL,
  household_code TEXT NOT NULL,
  region_code INTEGER NOT NULL,
  borrower_id_number TEXT NOT NULL,
  borrower_name TEXT NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  term_months INTEGER NOT NULL CHECK (term_months > 0),
  start_date TEXT NOT NULL,
  due_date TEXT NOT NULL,
  original_due_date TEXT NOT NULL,
  contract_start TEXT NOT NULL,
  bank TEXT NOT NULL,
  annual_rate INTEGER NOT NULL CHECK (annual_rate >= 0),
  purpose INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'repaid', 'renewed', 'compensated')),
  closed_on TEXT,
  renewal_of INTEGER REFERENCES loans(id),
  extended_months INTEGER NOT NULL DEFAULT 0,
  extended_on TEXT,
  extension_reason TEXT,
  measure_id INTEGER,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX loans_region ON loans(region_code);
CREATE INDEX loans_household ON loans(county_code, household_code);
CREATE INDEX loans_due ON loans(state, due_date);

CREATE TABLE loan_repayments (
  id INTEGER PRIMARY KEY,
  loan_id INTEGER NOT NULL REFERENCES loans(id),
  date TEXT NOT NULL,
  principal_fen INTEGER NOT NULL CHECK (principal_fen >= 0),
  interest_fen INTEGER NOT NULL CHECK (interest_fen >= 0),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX loan_repayments_loan ON loan_repayments(loan_id, date);

CREATE TABLE loan_compensations (
  id INTEGER PRIMARY KEY,
  loan_id INTEGER NOT NULL UNIQUE REFERENCES loans(id),
  date TEXT NOT NULL,
  days_overdue INTEGER NOT NULL,
  base_fen INTEGER NOT NULL,
  fund_fen INTEGER NOT NULL,
  bank_fen INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
)sql";

// The funds ledger is append-only, enforced (issue 14, funds): fund_sums and fund_daily are
// kept by the AFTER INSERT triggers of kMigrationFundSums alone, so a ledger line changed or
// removed would leave them wrong without a word; and a ledger is corrected by a new line,
// never by rewriting an old one. No code of the store updates or deletes these rows; a
// statement that tries fails (SQLITE_CONSTRAINT_TRIGGER: E_CONFLICT with this message). A
// later migration that must rewrite the ledger drops these triggers, rewrites fund_sums and
// fund_daily with it, and creates them again.
inline constexpr std::string_view kMigrationLedgerAppendOnly = R"sql(
CREATE TRIGGER funds_append_only_update BEFORE UPDATE ON funds BEGIN
  SELECT RAISE(ABORT, '扶贫资金台账只能追加，不能修改或删除 / the funds ledger is append-only: funds are never updated');
END;
CREATE TRIGGER funds_append_only_delete BEFORE DELETE ON funds BEGIN
  SELECT RAISE(ABORT, '扶贫资金台账只能追加，不能修改或删除 / the funds ledger is append-only: funds are never deleted');
END;
CREATE TRIGGER fund_allocations_append_only_update BEFORE UPDATE ON fund_allocations BEGIN
  SELECT RAISE(ABORT, '扶贫资金台账只能追加，不能修改或删除 / the funds ledger is append-only: allocations are never updated');
END;
CREATE TRIGGER fund_allocations_append_only_delete BEFORE DELETE ON fund_allocations BEGIN
  SELECT RAISE(ABORT, '扶贫资金台账只能追加，不能修改或删除 / the funds ledger is append-only: allocations are never deleted');
END;
CREATE TRIGGER fund_disbursements_append_only_update BEFORE UPDATE ON fund_disbursements BEGIN
  SELECT RAISE(ABORT, '扶贫资金台账只能追加，不能修改或删除 / the funds ledger is append-only: disbursements are never updated');
END;
CREATE TRIGGER fund_disbursements_append_only_delete BEFORE DELETE ON fund_disbursements BEGIN
  SELECT RAISE(ABORT, '扶贫资金台账只能追加，不能修改或删除 / the funds ledger is append-only: disbursements are never deleted');
END;
)sql";

}  // namespace fupin::sqlite
