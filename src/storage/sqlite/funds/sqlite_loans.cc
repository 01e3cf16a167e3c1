#include "storage/sqlite/funds/sqlite_loans.h"

#include <sqlite3.h>

#include <string_view>
#include <utility>
#include <vector>

namespace fupin {
namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kLoanColumns =
    "id, county_code, household_code, region_code, borrower_id_number, borrower_name, "
    "amount_fen, term_months, start_date, due_date, original_due_date, contract_start, bank, "
    "annual_rate, purpose, state, closed_on, renewal_of, extended_months, extended_on, "
    "extension_reason, measure_id, created_by, created_at";

std::string OrEmpty(const Statement& s, int column) {
  return s.IsNull(column) ? std::string() : s.Text(column);
}

LoanRow ReadLoan(const Statement& s) {
  LoanRow r;
  r.id = s.Int(0);
  r.county_code = s.Int(1);
  r.household_code = s.Text(2);
  r.region_code = s.Int(3);
  r.borrower_id_number = s.Text(4);
  r.borrower_name = s.Text(5);
  r.amount_fen = s.Int(6);
  r.term_months = static_cast<int>(s.Int(7));
  r.start_date = s.Text(8);
  r.due_date = s.Text(9);
  r.original_due_date = s.Text(10);
  r.contract_start = s.Text(11);
  r.bank = s.Text(12);
  r.annual_rate_micros = s.Int(13);
  r.purpose = static_cast<int>(s.Int(14));
  r.state = s.Text(15);
  r.closed_on = OrEmpty(s, 16);
  if (!s.IsNull(17)) r.renewal_of = s.Int(17);
  r.extended_months = static_cast<int>(s.Int(18));
  r.extended_on = OrEmpty(s, 19);
  r.extension_reason = OrEmpty(s, 20);
  if (!s.IsNull(21)) r.measure_id = s.Int(21);
  r.created_by = s.Text(22);
  r.created_at = s.Text(23);
  return r;
}

// Binds `text` at `index`, or NULL when it is empty.
void BindText(Statement& s, int index, const std::string& text) {
  if (text.empty()) {
    s.BindNull(index);
  } else {
    s.Bind(index, text);
  }
}

void BindId(Statement& s, int index, const std::optional<int64_t>& id) {
  if (id) {
    s.Bind(index, *id);
  } else {
    s.BindNull(index);
  }
}

class SqliteLoanStore final : public LoanStore {
 public:
  explicit SqliteLoanStore(Database& db) : db_(db) {}

  Status InsertLoan(LoanRow& r) override {
    auto s = db_.Prepare(
        "INSERT INTO loans(county_code, household_code, region_code, borrower_id_number, "
        "borrower_name, amount_fen, term_months, start_date, due_date, original_due_date, "
        "contract_start, bank, annual_rate, purpose, state, closed_on, renewal_of, "
        "extended_months, extended_on, extension_reason, measure_id, created_by, created_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    s->Bind(1, r.county_code).Bind(2, r.household_code).Bind(3, r.region_code);
    s->Bind(4, r.borrower_id_number).Bind(5, r.borrower_name).Bind(6, r.amount_fen);
    s->Bind(7, r.term_months).Bind(8, r.start_date).Bind(9, r.due_date);
    s->Bind(10, r.original_due_date).Bind(11, r.contract_start).Bind(12, r.bank);
    s->Bind(13, r.annual_rate_micros).Bind(14, r.purpose).Bind(15, r.state);
    BindText(*s, 16, r.closed_on);
    BindId(*s, 17, r.renewal_of);
    s->Bind(18, r.extended_months);
    BindText(*s, 19, r.extended_on);
    BindText(*s, 20, r.extension_reason);
    BindId(*s, 21, r.measure_id);
    s->Bind(22, r.created_by).Bind(23, r.created_at);
    FUPIN_RETURN_IF_ERROR(s->Run());
    r.id = sqlite3_last_insert_rowid(db_.handle());
    return Status::Ok();
  }

  Status UpdateLoan(const LoanRow& r) override {
    auto s = db_.Prepare(
        "UPDATE loans SET due_date = ?, state = ?, closed_on = ?, extended_months = ?, "
        "extended_on = ?, extension_reason = ?, measure_id = ? WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, r.due_date).Bind(2, r.state);
    BindText(*s, 3, r.closed_on);
    s->Bind(4, r.extended_months);
    BindText(*s, 5, r.extended_on);
    BindText(*s, 6, r.extension_reason);
    BindId(*s, 7, r.measure_id);
    s->Bind(8, r.id);
    return s->Run();
  }

  Status InsertRepayment(RepaymentRow& r) override {
    auto s = db_.Prepare(
        "INSERT INTO loan_repayments(loan_id, date, principal_fen, interest_fen, created_by, "
        "created_at) VALUES (?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    s->Bind(1, r.loan_id).Bind(2, r.date).Bind(3, r.principal_fen).Bind(4, r.interest_fen);
    s->Bind(5, r.created_by).Bind(6, r.created_at);
    FUPIN_RETURN_IF_ERROR(s->Run());
    r.id = sqlite3_last_insert_rowid(db_.handle());
    return Status::Ok();
  }

  Status InsertCompensation(CompensationRow& r) override {
    auto s = db_.Prepare(
        "INSERT INTO loan_compensations(loan_id, date, days_overdue, base_fen, fund_fen, "
        "bank_fen, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    s->Bind(1, r.loan_id).Bind(2, r.date).Bind(3, r.days_overdue).Bind(4, r.base_fen);
    s->Bind(5, r.fund_fen).Bind(6, r.bank_fen).Bind(7, r.created_by).Bind(8, r.created_at);
    FUPIN_RETURN_IF_ERROR(s->Run());
    r.id = sqlite3_last_insert_rowid(db_.handle());
    return Status::Ok();
  }

  Result<std::optional<LoanRow>> GetLoan(int64_t id) override {
    auto s = db_.Prepare("SELECT " + std::string(kLoanColumns) + " FROM loans WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<LoanRow> out;
    if (*row) out = ReadLoan(*s);
    return out;
  }

  Result<LoanPage> Loans(const LoanQuery& q) override {
    std::string where = " FROM loans WHERE region_code >= ?1 AND region_code < ?2";
    if (!q.states.empty()) {
      where += " AND state IN (";
      for (size_t i = 0; i < q.states.size(); ++i) {
        where += (i ? ",?" : "?") + std::to_string(10 + i);
      }
      where += ")";
    }
    if (q.due_before) where += " AND due_date < ?3";
    if (q.due_from) where += " AND due_date >= ?8";
    if (!q.household_code.empty()) where += " AND county_code = ?4 AND household_code = ?5";
    auto bind = [&](Statement& s) {
      s.Bind(1, q.region.subtree_lo()).Bind(2, q.region.subtree_hi());
      if (q.due_before) s.Bind(3, *q.due_before);
      if (q.due_from) s.Bind(8, *q.due_from);
      if (!q.household_code.empty()) s.Bind(4, q.county_code).Bind(5, q.household_code);
      for (size_t i = 0; i < q.states.size(); ++i) {
        s.Bind(static_cast<int>(10 + i), q.states[i]);
      }
    };
    LoanPage page;
    auto count = db_.Prepare("SELECT count(*)" + where);
    if (!count.ok()) return count.error();
    bind(*count);
    auto counted = count->Step();
    if (!counted.ok()) return counted.error();
    page.total = *counted ? count->Int(0) : 0;
    auto s = db_.Prepare("SELECT " + std::string(kLoanColumns) + where +
                         " ORDER BY id LIMIT ?6 OFFSET ?7");
    if (!s.ok()) return s.error();
    bind(*s);
    s->Bind(6, q.limit).Bind(7, q.offset);
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) { page.rows.push_back(ReadLoan(st)); }));
    return page;
  }

  Result<std::vector<RepaymentRow>> Repayments(int64_t loan_id) override {
    auto s = db_.Prepare(
        "SELECT id, loan_id, date, principal_fen, interest_fen, created_by, created_at FROM "
        "loan_repayments WHERE loan_id = ? ORDER BY date, id");
    if (!s.ok()) return s.error();
    s->Bind(1, loan_id);
    std::vector<RepaymentRow> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) {
      out.push_back(
          {st.Int(0), st.Int(1), st.Text(2), st.Int(3), st.Int(4), st.Text(5), st.Text(6)});
    }));
    return out;
  }

  Result<std::optional<CompensationRow>> Compensation(int64_t loan_id) override {
    auto s = db_.Prepare(
        "SELECT id, loan_id, date, days_overdue, base_fen, fund_fen, bank_fen, created_by, "
        "created_at FROM loan_compensations WHERE loan_id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, loan_id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<CompensationRow> out;
    if (*row) {
      out = CompensationRow{s->Int(0), s->Int(1), s->Text(2), static_cast<int>(s->Int(3)),
                            s->Int(4), s->Int(5), s->Int(6),  s->Text(7),
                            s->Text(8)};
    }
    return out;
  }

  Result<std::optional<int64_t>> RenewalOf(int64_t loan_id) override {
    auto s = db_.Prepare("SELECT id FROM loans WHERE renewal_of = ? ORDER BY id LIMIT 1");
    if (!s.ok()) return s.error();
    s->Bind(1, loan_id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<int64_t> out;
    if (*row) out = s->Int(0);
    return out;
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<LoanStore> NewSqliteLoanStore(sqlite::Database& db) {
  return std::make_unique<SqliteLoanStore>(db);
}

}  // namespace fupin
