#include "storage/sqlite/schema.h"

#include "storage/sqlite/funds/schema_money.h"

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

// The village group (村民小组, issue 14, group): free text of the household, shown on the
// notices; NULL when none is recorded (as phone).
constexpr std::string_view kMigrationVillageGroup = R"sql(
ALTER TABLE households ADD COLUMN village_group TEXT;
)sql";

// The findings of a bulk list (issue 13): one block per village instead of a row and two
// index entries per finding (storage/sqlite/crosscheck/finding_blocks.h). finding_keys keeps each
// block batch's subjects per rule (sorted packed ID numbers) for uniqueness;
// finding_id_map leads from an id to its block; finding_decisions holds the decisions of
// block findings (a block itself is never changed).
constexpr std::string_view kMigrationFindingBlocks = R"sql(
CREATE TABLE finding_blocks (
  id INTEGER PRIMARY KEY,
  list_id INTEGER NOT NULL,
  county_code INTEGER NOT NULL,
  village_code INTEGER NOT NULL,
  first_id INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  n INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  counts TEXT NOT NULL,
  ids BLOB NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX finding_blocks_village ON finding_blocks(village_code);
CREATE TABLE finding_keys (
  id INTEGER PRIMARY KEY,
  rule TEXT NOT NULL,
  first_id INTEGER NOT NULL,
  keys BLOB NOT NULL
);
CREATE INDEX finding_keys_rule ON finding_keys(rule);
CREATE TABLE finding_id_map (
  first_id INTEGER PRIMARY KEY,
  count INTEGER NOT NULL,
  base_block INTEGER NOT NULL,
  blocks BLOB NOT NULL
);
CREATE TABLE finding_decisions (
  id INTEGER PRIMARY KEY,
  block_id INTEGER NOT NULL,
  rule TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL
);
CREATE INDEX finding_decisions_block ON finding_decisions(block_id);
)sql";

constexpr std::string_view kMigrations[] = {
    kMigration1,
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
    kMigrationFundSums,          // funds reports
    kMigrationProjects,          // project library
    kMigrationLoans,             // 扶贫小额信贷 microcredit
    kMigrationVillageGroup,      // 村民小组
    kMigrationLedgerAppendOnly,  // the funds ledger is append-only
    kMigrationFindingBlocks};    // a bulk list's findings as blocks (issue 13)

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
