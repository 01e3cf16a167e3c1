#include "storage/postgres/funds/pg_loans.h"

#include <string>
#include <utility>
#include <vector>

#include "storage/postgres/pg_statements.h"

namespace fupin {
namespace {

using pg::Params;
using pg::Rows;

const std::string kLoanColumns =
    "id, county_code, household_code, region_code, borrower_id_number, borrower_name, "
    "amount_fen, term_months, start_date, due_date, original_due_date, contract_start, bank, "
    "annual_rate, purpose, state, closed_on, renewal_of, extended_months, extended_on, "
    "extension_reason, measure_id, created_by, created_at";

const std::string kInsertLoan =
    "INSERT INTO loans(county_code, household_code, region_code, borrower_id_number, "
    "borrower_name, amount_fen, term_months, start_date, due_date, original_due_date, "
    "contract_start, bank, annual_rate, purpose, state, closed_on, renewal_of, "
    "extended_months, extended_on, extension_reason, measure_id, created_by, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
    "$19, $20, $21, $22, $23) RETURNING id";
const std::string kUpdateLoan =
    "UPDATE loans SET due_date = $1, state = $2, closed_on = $3, extended_months = $4, "
    "extended_on = $5, extension_reason = $6, measure_id = $7 WHERE id = $8";
const std::string kInsertRepayment =
    "INSERT INTO loan_repayments(loan_id, date, principal_fen, interest_fen, created_by, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
const std::string kInsertCompensation =
    "INSERT INTO loan_compensations(loan_id, date, days_overdue, base_fen, fund_fen, bank_fen, "
    "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
const std::string kGetLoan = "SELECT " + kLoanColumns + " FROM loans WHERE id = $1";
// In a transaction (pg_loans.h): the row stays locked until it ends.
const std::string kGetLoanLocked =
    "SELECT " + kLoanColumns + " FROM loans WHERE id = $1 FOR NO KEY UPDATE";
const std::string kRepayments =
    "SELECT id, loan_id, date, principal_fen, interest_fen, created_by, created_at FROM "
    "loan_repayments WHERE loan_id = $1 ORDER BY date COLLATE \"C\", id";
const std::string kCompensation =
    "SELECT id, loan_id, date, days_overdue, base_fen, fund_fen, bank_fen, created_by, "
    "created_at FROM loan_compensations WHERE loan_id = $1";
const std::string kRenewalOf = "SELECT id FROM loans WHERE renewal_of = $1 ORDER BY id LIMIT 1";
// Loans: the conditions of a query, in this order, each with the next parameter; then the
// count, and the page by id.
const std::string kLoansWhere = " FROM loans WHERE region_code >= $1 AND region_code < $2";
const std::string kLoansOfStates = " AND state = ANY($%::text[])";
const std::string kLoansDueBefore = " AND due_date < $%";
const std::string kLoansDueFrom = " AND due_date >= $%";
const std::string kLoansOfHousehold = " AND county_code = $% AND household_code = $%";
const std::string kLoansPage = " ORDER BY id LIMIT $% OFFSET $%";

std::string OrEmpty(const Rows& r, int i, int column) {
  return r.IsNull(i, column) ? std::string() : r.Text(i, column);
}

LoanRow ReadLoan(const Rows& s, int i) {
  LoanRow r;
  r.id = s.Int(i, 0);
  r.county_code = s.Int(i, 1);
  r.household_code = s.Text(i, 2);
  r.region_code = s.Int(i, 3);
  r.borrower_id_number = s.Text(i, 4);
  r.borrower_name = s.Text(i, 5);
  r.amount_fen = s.Int(i, 6);
  r.term_months = static_cast<int>(s.Int(i, 7));
  r.start_date = s.Text(i, 8);
  r.due_date = s.Text(i, 9);
  r.original_due_date = s.Text(i, 10);
  r.contract_start = s.Text(i, 11);
  r.bank = s.Text(i, 12);
  r.annual_rate_micros = s.Int(i, 13);
  r.purpose = static_cast<int>(s.Int(i, 14));
  r.state = s.Text(i, 15);
  r.closed_on = OrEmpty(s, i, 16);
  if (!s.IsNull(i, 17)) r.renewal_of = s.Int(i, 17);
  r.extended_months = static_cast<int>(s.Int(i, 18));
  r.extended_on = OrEmpty(s, i, 19);
  r.extension_reason = OrEmpty(s, i, 20);
  if (!s.IsNull(i, 21)) r.measure_id = s.Int(i, 21);
  r.created_by = s.Text(i, 22);
  r.created_at = s.Text(i, 23);
  return r;
}

// `text`, or NULL when it is empty (as sqlite_loans.cc BindText).
Params& NullIfEmpty(Params& p, const std::string& text) {
  return text.empty() ? p.Null() : p.Text(text);
}

Params& IdOrNull(Params& p, const std::optional<int64_t>& id) { return id ? p.Int(*id) : p.Null(); }

// `fragment` with each % replaced by the next parameter's number (from *next).
std::string Numbered(const std::string& fragment, int* next) {
  std::string out;
  for (char c : fragment) {
    if (c == '%') {
      out += std::to_string((*next)++);
    } else {
      out += c;
    }
  }
  return out;
}

class PgLoanStore final : public LoanStore {
 public:
  explicit PgLoanStore(pg::Connection& db) : db_(db) {}

  Status InsertLoan(LoanRow& r) override {
    Params p;
    p.Int(r.county_code).Text(r.household_code).Int(r.region_code).Text(r.borrower_id_number);
    p.Text(r.borrower_name).Int(r.amount_fen).Int(r.term_months).Text(r.start_date);
    p.Text(r.due_date).Text(r.original_due_date).Text(r.contract_start).Text(r.bank);
    p.Int(r.annual_rate_micros).Int(r.purpose).Text(r.state);
    NullIfEmpty(p, r.closed_on);
    IdOrNull(p, r.renewal_of);
    p.Int(r.extended_months);
    NullIfEmpty(p, r.extended_on);
    NullIfEmpty(p, r.extension_reason);
    IdOrNull(p, r.measure_id);
    p.Text(r.created_by).Text(r.created_at);
    return db_.InsertReturningId(kInsertLoan, p, &r.id);
  }

  Status UpdateLoan(const LoanRow& r) override {
    Params p;
    p.Text(r.due_date).Text(r.state);
    NullIfEmpty(p, r.closed_on);
    p.Int(r.extended_months);
    NullIfEmpty(p, r.extended_on);
    NullIfEmpty(p, r.extension_reason);
    IdOrNull(p, r.measure_id);
    p.Int(r.id);
    auto updated = db_.Run(kUpdateLoan, p);
    if (!updated.ok()) return updated.error();
    return Status::Ok();
  }

  Status InsertRepayment(RepaymentRow& r) override {
    Params p;
    p.Int(r.loan_id).Text(r.date).Int(r.principal_fen).Int(r.interest_fen).Text(r.created_by);
    p.Text(r.created_at);
    return db_.InsertReturningId(kInsertRepayment, p, &r.id);
  }

  Status InsertCompensation(CompensationRow& r) override {
    Params p;
    p.Int(r.loan_id).Text(r.date).Int(r.days_overdue).Int(r.base_fen).Int(r.fund_fen);
    p.Int(r.bank_fen).Text(r.created_by).Text(r.created_at);
    return db_.InsertReturningId(kInsertCompensation, p, &r.id);
  }

  Result<std::optional<LoanRow>> GetLoan(int64_t id) override {
    auto rows = db_.Query(db_.db().in_transaction() ? kGetLoanLocked : kGetLoan, Params().Int(id));
    if (!rows.ok()) return rows.error();
    std::optional<LoanRow> out;
    if (rows->size() > 0) out = ReadLoan(*rows, 0);
    return out;
  }

  Result<LoanPage> Loans(const LoanQuery& q) override {
    int next = 3;
    Params p;
    p.Int(q.region.subtree_lo()).Int(q.region.subtree_hi());
    std::string where = kLoansWhere;
    if (!q.states.empty()) {
      where += Numbered(kLoansOfStates, &next);
      p.Text(pg::TextArray(q.states));
    }
    if (q.due_before) {
      where += Numbered(kLoansDueBefore, &next);
      p.Text(*q.due_before);
    }
    if (q.due_from) {
      where += Numbered(kLoansDueFrom, &next);
      p.Text(*q.due_from);
    }
    if (!q.household_code.empty()) {
      where += Numbered(kLoansOfHousehold, &next);
      p.Int(q.county_code).Text(q.household_code);
    }
    LoanPage page;
    auto count = db_.Query("SELECT count(*)" + where, p);
    if (!count.ok()) return count.error();
    page.total = count->size() > 0 ? count->Int(0, 0) : 0;
    const std::string select = "SELECT " + kLoanColumns + where + Numbered(kLoansPage, &next);
    pg::Offset(pg::Limit(p, q.limit), q.offset);
    auto rows = db_.Query(select, p);
    if (!rows.ok()) return rows.error();
    page.rows.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) page.rows.push_back(ReadLoan(*rows, i));
    return page;
  }

  Result<std::vector<RepaymentRow>> Repayments(int64_t loan_id) override {
    auto rows = db_.Query(kRepayments, Params().Int(loan_id));
    if (!rows.ok()) return rows.error();
    std::vector<RepaymentRow> out;
    out.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) {
      const Rows& s = *rows;
      out.push_back({s.Int(i, 0), s.Int(i, 1), s.Text(i, 2), s.Int(i, 3), s.Int(i, 4), s.Text(i, 5),
                     s.Text(i, 6)});
    }
    return out;
  }

  Result<std::optional<CompensationRow>> Compensation(int64_t loan_id) override {
    auto rows = db_.Query(kCompensation, Params().Int(loan_id));
    if (!rows.ok()) return rows.error();
    std::optional<CompensationRow> out;
    if (rows->size() > 0) {
      const Rows& s = *rows;
      out = CompensationRow{s.Int(0, 0), s.Int(0, 1), s.Text(0, 2), static_cast<int>(s.Int(0, 3)),
                            s.Int(0, 4), s.Int(0, 5), s.Int(0, 6),  s.Text(0, 7),
                            s.Text(0, 8)};
    }
    return out;
  }

  Result<std::optional<int64_t>> RenewalOf(int64_t loan_id) override {
    auto rows = db_.Query(kRenewalOf, Params().Int(loan_id));
    if (!rows.ok()) return rows.error();
    std::optional<int64_t> out;
    if (rows->size() > 0) out = rows->Int(0, 0);
    return out;
  }

 private:
  pg::StatementCache db_;
};

}  // namespace

std::unique_ptr<LoanStore> NewPgLoanStore(pg::Connection& db) {
  return std::make_unique<PgLoanStore>(db);
}

}  // namespace fupin
