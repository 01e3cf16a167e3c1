import { request } from '@/api/client';

// 扶贫小额信贷 microcredit (docs/microcredit.md): loans of a region, one loan with its history,
// grant, the interest subsidy of a year and the risk-fund compensation. Money is a string of
// yuan with two decimals, both ways.
export const listLoans = (query) => request('GET', '/loans', { query });
export const getLoan = (id) => request('GET', `/loans/${id}`);
export const grantLoan = (loan) => request('POST', '/loans', { body: loan });
export const loanSubsidy = (id, year) => request('GET', `/loans/${id}/subsidy`, { query: { year } });
export const compensateLoan = (id) => request('POST', `/loans/${id}/compensation`, { body: {} });
