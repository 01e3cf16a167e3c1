#include "storage/sqlite/schema.h"

namespace fupin::sqlite {
namespace {

// Layout rules (DESIGN.md "Storage"): every large table carries county_code and every key
// includes it; national uniqueness of ID numbers lives in person_index; no global
// sequences. Money is integer fen; code sets are bit masks (domain/codes.h CodeSet);
// dates are ISO text.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE regions (
  code INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  level INTEGER NOT NULL,
  parent INTEGER NOT NULL,
  rural_population INTEGER
);
CREATE INDEX regions_parent ON regions(parent);

CREATE TABLE import_batches (
  id TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  sources TEXT NOT NULL,
  households_created INTEGER NOT NULL,
  households_updated INTEGER NOT NULL,
  members INTEGER NOT NULL,
  rejected INTEGER NOT NULL
);

CREATE TABLE households (
  county_code INTEGER NOT NULL,
  household_code TEXT NOT NULL,
  village_code INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  poverty_status INTEGER,
  registered_year INTEGER,
  exit_year INTEGER,
  attribute INTEGER NOT NULL,
  main_cause INTEGER,
  other_causes INTEGER NOT NULL,
  declared_size INTEGER,
  member_count INTEGER NOT NULL,
  wage_income INTEGER NOT NULL,
  business_income INTEGER NOT NULL,
  business_cost INTEGER NOT NULL,
  property_income INTEGER NOT NULL,
  transfer_income INTEGER NOT NULL,
  medical_out_of_pocket INTEGER NOT NULL,
  education_cost INTEGER NOT NULL,
  disaster_loss INTEGER NOT NULL,
  food_secure INTEGER NOT NULL,
  clothing_secure INTEGER NOT NULL,
  housing_grade INTEGER NOT NULL,
  renovation INTEGER NOT NULL,
  relocation INTEGER NOT NULL,
  water_safe INTEGER NOT NULL,
  monitor_type INTEGER NOT NULL,
  monitor_status INTEGER NOT NULL,
  monitor_since TEXT,
  risk_types INTEGER NOT NULL,
  phone TEXT,
  version INTEGER NOT NULL,
  batch_id TEXT,
  PRIMARY KEY (county_code, household_code)
) WITHOUT ROWID;
CREATE INDEX households_code ON households(household_code);
CREATE INDEX households_village ON households(village_code);

CREATE TABLE members (
  county_code INTEGER NOT NULL,
  household_code TEXT NOT NULL,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  id_type INTEGER NOT NULL,
  id_number TEXT NOT NULL,
  relation INTEGER NOT NULL,
  sex INTEGER,
  birth_date TEXT,
  ethnicity TEXT,
  education INTEGER,
  school_status INTEGER NOT NULL,
  health INTEGER NOT NULL,
  disability_grade INTEGER,
  labor INTEGER NOT NULL,
  months_worked INTEGER,
  resident_medical_insurance INTEGER NOT NULL,
  employee_medical_insurance INTEGER NOT NULL,
  pension_insurance INTEGER NOT NULL,
  dibao INTEGER NOT NULL,
  tekun INTEGER NOT NULL,
  PRIMARY KEY (county_code, household_code, seq)
) WITHOUT ROWID;

CREATE TABLE person_index (
  id_type INTEGER NOT NULL,
  id_number TEXT NOT NULL,
  county_code INTEGER NOT NULL,
  household_code TEXT NOT NULL,
  PRIMARY KEY (id_type, id_number)
) WITHOUT ROWID;

CREATE TABLE household_history (
  county_code INTEGER NOT NULL,
  household_code TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  source TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT
);
CREATE INDEX household_history_household ON household_history(county_code, household_code);

CREATE TABLE region_aggregates (
  region_code INTEGER NOT NULL,
  metric TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (region_code, metric)
) WITHOUT ROWID;
)sql";

// The third-party assessments of counties (贫困县退出专项评估): rates in millionths.
constexpr std::string_view kMigration2 = R"sql(
CREATE TABLE county_assessments (
  county_code INTEGER NOT NULL,
  year INTEGER NOT NULL,
  wrong_exit_rate INTEGER NOT NULL,
  missed_rate INTEGER NOT NULL,
  satisfaction INTEGER NOT NULL,
  PRIMARY KEY (county_code, year)
) WITHOUT ROWID;
CREATE INDEX households_exit_pool ON households(kind, poverty_status);
)sql";

// Accounts, sessions and the audit trail (storage/accounts.h). Users and sessions are
// small tables and carry no county_code. The audit log is one hash chain per database:
// its seq is the one global sequence, assigned by the writer as the last seq + 1 (not
// AUTOINCREMENT), so that a deleted record leaves a gap the verification finds.
constexpr std::string_view kMigration3 = R"sql(
CREATE TABLE users (
  username TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  region_code INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_username ON sessions(username);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  remote TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log(actor, seq);
)sql";

// Household searches by status within a county, in 户编号 order (the API's list).
constexpr std::string_view kMigration4 = R"sql(
CREATE INDEX households_county_status ON households(county_code, poverty_status, household_code);
CREATE INDEX households_county_monitor ON households(county_code, monitor_status, household_code);
)sql";

// The cross-check (storage/compare_store.h): department lists, findings, helper
// assignments; and the register stamp that tells whether the register index is current.
constexpr std::string_view kMigration5 = R"sql(
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('database_id', lower(hex(randomblob(16))));
INSERT INTO meta(key, value) VALUES ('register_generation', '0');

CREATE TABLE department_lists (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  as_of TEXT NOT NULL,
  region_code INTEGER NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  file_name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  rows INTEGER NOT NULL,
  matched INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  findings INTEGER NOT NULL,
  known INTEGER NOT NULL,
  id_keys BLOB NOT NULL
);
CREATE INDEX department_lists_kind ON department_lists(kind, region_code, id);

CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  rule TEXT NOT NULL,
  subject TEXT NOT NULL,
  list_id INTEGER,
  county_code INTEGER NOT NULL,
  village_code INTEGER NOT NULL,
  household_code TEXT NOT NULL,
  id_number TEXT NOT NULL,
  name TEXT NOT NULL,
  detail TEXT NOT NULL,
  row TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX findings_subject ON findings(rule, subject);
CREATE INDEX findings_village ON findings(village_code, rule);

CREATE TABLE helper_assignments (
  county_code INTEGER NOT NULL,
  household_code TEXT NOT NULL,
  username TEXT NOT NULL,
  assigned_at TEXT NOT NULL,
  PRIMARY KEY (county_code, household_code, username)
) WITHOUT ROWID;
CREATE INDEX helper_assignments_user ON helper_assignments(username);
)sql";

// Accounts, sessions and the audit trail moved to the accounts file (AccountsMigrations);
// SqliteStore::Migrate copies their rows there before this migration drops them.
constexpr std::string_view kMigration6 = R"sql(
DROP TABLE IF EXISTS sessions;
DROP TABLE IF EXISTS users;
DROP TABLE IF EXISTS audit_log;
)sql";

// The annual update (issue 10): an import counts the households it left alone.
constexpr std::string_view kMigration7 = R"sql(
ALTER TABLE import_batches ADD COLUMN households_unchanged INTEGER NOT NULL DEFAULT 0;
)sql";

// Procedures (issue 11, spec/procedures.md): cases and the steps done. `step` and `level`
// are the current step's, NULL once the case is closed; at most one open case per household.
constexpr std::string_view kMigrationCases = R"sql(
CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  household_code TEXT NOT NULL,
  village_code INTEGER NOT NULL,
  year INTEGER NOT NULL,
  state TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  step TEXT,
  level TEXT,
  notice_start TEXT,
  notice_closes_on TEXT,
  opened_by TEXT NOT NULL,
  opened_on TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  checked_by TEXT NOT NULL,
  clue_date TEXT,
  due_on TEXT,
  cause INTEGER,
  reason TEXT NOT NULL,
  finding INTEGER,
  monitor_type INTEGER,
  risk_types INTEGER NOT NULL,
  source TEXT NOT NULL,
  labor_override TEXT NOT NULL,
  method INTEGER,
  closed_at TEXT
);
CREATE UNIQUE INDEX cases_one_open ON cases(household_code) WHERE state = 'open';
CREATE INDEX cases_household ON cases(household_code);
CREATE INDEX cases_village ON cases(village_code);
CREATE INDEX cases_waiting ON cases(level, village_code) WHERE state = 'open';
CREATE TABLE case_steps (
  case_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  step TEXT NOT NULL,
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  level TEXT NOT NULL,
  role TEXT NOT NULL,
  at TEXT NOT NULL,
  date TEXT NOT NULL,
  comment TEXT NOT NULL,
  attachments INTEGER NOT NULL,
  to_step TEXT,
  PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
)sql";

// Measures, visits and attachments (issue 11): what is done for a household. Attachments
// are kept in the database with their SHA-256, never at a path a client named; owner is
// NULL until a visit or a case step claims the file, which also records its household.
constexpr std::string_view kMigrationCare = R"sql(
CREATE TABLE measures (
  id INTEGER PRIMARY KEY,
  county_code INTEGER NOT NULL,
  household_code TEXT NOT NULL,
  category TEXT NOT NULL,
  date TEXT NOT NULL,
  amount_fen INTEGER,
  description TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX measures_household ON measures(county_code, household_code, date);

CREATE TABLE visits (
  id INTEGER PRIMARY KEY,
  county_code INTEGER NOT NULL,
  household_code TEXT NOT NULL,
  date TEXT NOT NULL,
  helper_id INTEGER,
  visitor TEXT NOT NULL,
  findings TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX visits_household ON visits(county_code, household_code, date);

CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  owner TEXT,
  county_code INTEGER,
  household_code TEXT,
  file_name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  content BLOB NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL
);
CREATE INDEX attachments_owner ON attachments(owner);
)sql";

// Helpers as people (issue 11): helpers (帮扶责任人) with their work unit and phone, managed
// by a region and optionally linked to a `helper` account; their assignments to households
// with dates (history kept: an ended one has `until`); the village work teams (驻村工作队,
// 第一书记). The rows of helper_assignments become one helper per account (name = the user
// name, region 0) with its assignments from the local date they were made, and
// helper_assignments becomes a view of the current assignments of linked helpers, so the
// scope queries of the `helper` role read it as before.
constexpr std::string_view kMigrationHelpers = R"sql(
CREATE TABLE helpers (
  id INTEGER PRIMARY KEY,
  region_code INTEGER NOT NULL,
  name TEXT NOT NULL,
  work_unit TEXT NOT NULL,
  phone TEXT NOT NULL,
  username TEXT UNIQUE,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX helpers_region ON helpers(region_code);
CREATE INDEX helpers_name_phone ON helpers(name, phone);

CREATE TABLE helper_households (
  helper_id INTEGER NOT NULL REFERENCES helpers(id),
  county_code INTEGER NOT NULL,
  household_code TEXT NOT NULL,
  since TEXT NOT NULL,
  until TEXT
);
CREATE UNIQUE INDEX helper_households_current
  ON helper_households(helper_id, county_code, household_code) WHERE until IS NULL;
CREATE INDEX helper_households_household ON helper_households(county_code, household_code);
CREATE INDEX helper_households_helper ON helper_households(helper_id, household_code);

CREATE TABLE work_team_members (
  id INTEGER PRIMARY KEY,
  village_code INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('first_secretary', 'leader', 'member')),
  name TEXT NOT NULL,
  work_unit TEXT NOT NULL,
  phone TEXT NOT NULL,
  started_on TEXT NOT NULL,
  ended_on TEXT
);
CREATE INDEX work_team_members_village ON work_team_members(village_code, id);

INSERT INTO helpers(region_code, name, work_unit, phone, username, created_at, created_by)
  SELECT 0, username, '', '', username, min(assigned_at), 'migration'
  FROM helper_assignments GROUP BY username ORDER BY username;
INSERT INTO helper_households(helper_id, county_code, household_code, since, until)
  SELECT h.id, a.county_code, a.household_code,
         coalesce(date(a.assigned_at, '+8 hours'), substr(a.assigned_at, 1, 10)), NULL
  FROM helper_assignments a JOIN helpers h ON h.username = a.username
  ORDER BY a.county_code, a.household_code, h.id;
DROP TABLE helper_assignments;
CREATE VIEW helper_assignments(county_code, household_code, username, assigned_at) AS
  SELECT a.county_code, a.household_code, h.username, a.since
  FROM helper_households a JOIN helpers h ON h.id = a.helper_id
  WHERE a.until IS NULL AND h.username IS NOT NULL;
)sql";

// The worklist's monitored households without a recent measure: a partial index keeps the
// scan to the monitored households of a region (issue 12's dashboard: 390 ms → 19 ms at
// 1M members).
constexpr std::string_view kMigrationMonitoredIndex = R"sql(
CREATE INDEX households_monitored ON households(village_code) WHERE monitor_status = 1;
)sql";

// The funds ledger (issue 14, spec/funds.md): funds received by a region for a year, their
// allocations — to a household (直补到户: county_code + household_code) or to a project
// (project_id, once the project library exists) — and the disbursements of each
// allocation. Amounts in fen; level 1 中央, 2 省, 3 市, 4 县. region_code of an allocation
// is where the money went (the household's village). The spending progress of a region
// and year reads funds by (year, region_code), allocations by fund, disbursements by
// allocation and date.
constexpr std::string_view kMigrationFunds = R"sql(
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
constexpr std::string_view kMigrationComplaints = R"sql(
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
constexpr std::string_view kMigrationFundSums = R"sql(
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
constexpr std::string_view kMigrationProjects = R"sql(
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
constexpr std::string_view kMigrationLoans = R"sql(
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

constexpr std::string_view kMigrations[] = {kMigration1,
                                            kMigration2,
                                            kMigration3,
                                            kMigration4,
                                            kMigration5,
                                            kMigration6,
                                            kMigration7,
                                            kMigrationCases,
                                            kMigrationCare,
                                            kMigrationHelpers,
                                            kMigrationMonitoredIndex,
                                            kMigrationFunds,
                                            kMigrationComplaints,
                                            kMigrationFundSums,  // funds reports
                                            kMigrationProjects,  // project library
                                            kMigrationLoans};    // 扶贫小额信贷 microcredit

// The accounts file (`<db path>-accounts`, storage/accounts.h): users, sessions, the audit
// log and a few named values (the audit key check). These small tables carry no
// county_code. The audit log is one hash chain per database: its seq is the one global
// sequence, assigned by the writer as the last seq + 1 (not AUTOINCREMENT), so that a
// deleted record leaves a gap the verification finds. region_code is the region a record
// concerns (0: the nation), read by subtree through audit_log_region; legacy marks the
// records moved from the register file, hashed by the old unkeyed rule.
constexpr std::string_view kAccountsMigration1 = R"sql(
CREATE TABLE users (
  username TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  region_code INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_username ON sessions(username);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  remote TEXT NOT NULL,
  region_code INTEGER NOT NULL,
  legacy INTEGER NOT NULL DEFAULT 0,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log(actor, seq);
CREATE INDEX audit_log_region ON audit_log(region_code, seq);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// The generation of the users and sessions (AccountStore::Generation): a random value
// rewritten by triggers in the commit of every change of a user or a session, whichever
// process makes it, so that a server's cache of sessions sees a logout, a disabled account
// or a new password at once. Random rather than counted: a copy of the file restored over
// it does not bring back a generation already seen.
constexpr std::string_view kAccountsMigrationGeneration = R"sql(
CREATE TABLE account_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT INTO account_generation VALUES (1, random());
CREATE TRIGGER users_generation_insert AFTER INSERT ON users
  BEGIN UPDATE account_generation SET value = random(); END;
CREATE TRIGGER users_generation_update AFTER UPDATE ON users
  BEGIN UPDATE account_generation SET value = random(); END;
CREATE TRIGGER users_generation_delete AFTER DELETE ON users
  BEGIN UPDATE account_generation SET value = random(); END;
CREATE TRIGGER sessions_generation_insert AFTER INSERT ON sessions
  BEGIN UPDATE account_generation SET value = random(); END;
CREATE TRIGGER sessions_generation_update AFTER UPDATE ON sessions
  BEGIN UPDATE account_generation SET value = random(); END;
CREATE TRIGGER sessions_generation_delete AFTER DELETE ON sessions
  BEGIN UPDATE account_generation SET value = random(); END;
)sql";

constexpr std::string_view kAccountsMigrations[] = {kAccountsMigration1,
                                                    kAccountsMigrationGeneration};

}  // namespace

std::span<const std::string_view> Migrations() { return kMigrations; }
std::span<const std::string_view> AccountsMigrations() { return kAccountsMigrations; }

}  // namespace fupin::sqlite
