import { request } from './client';

// 扶贫小额信贷 microcredit (docs/microcredit.md): loans of a region, one loan with its history,
// grant, repay, 续贷 (renewal without repaying the principal), 展期 (extension), the interest
// subsidy of a year and the risk-fund compensation. Money is a string of yuan with two
// decimals, both ways.
export const listLoans = (query) => request('GET', '/loans', { query });
export const getLoan = (id) => request('GET', `/loans/${id}`);
export const grantLoan = (loan) => request('POST', '/loans', { body: loan });
// {date, principal, interest} → the loan with the repayment.
export const repayLoan = (id, repayment) => request('POST', `/loans/${id}/repayments`, { body: repayment });
// {date?, term_months?} → the new loan (renewal_of: id); the old one is renewed.
export const renewLoan = (id, renewal) => request('POST', `/loans/${id}/renewal`, { body: renewal });
// {months, reason, date?} → the loan with its new due date.
export const extendLoan = (id, extension) => request('POST', `/loans/${id}/extension`, { body: extension });
export const loanSubsidy = (id, year) => request('GET', `/loans/${id}/subsidy`, { query: { year } });
export const compensateLoan = (id) => request('POST', `/loans/${id}/compensation`, { body: {} });
