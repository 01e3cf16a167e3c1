import { request } from './client';

// The funds ledger (扶贫资金, docs/funds.md): funds of a region and year, their allocations
// to households (直补到户) and the disbursements, and the spending progress. Money is a
// string of yuan with two decimals, both ways.
export const listFunds = (query) => request('GET', '/funds', { query });
export const addFund = (fund) => request('POST', '/funds', { body: fund });
export const fundProgress = (query) => request('GET', '/funds/progress', { query });
export const listAllocations = (query) => request('GET', '/allocations', { query });
export const allocate = (allocation) => request('POST', '/allocations', { body: allocation });
export const listDisbursements = (query) => request('GET', '/disbursements', { query });
export const disburse = (disbursement) => request('POST', '/disbursements', { body: disbursement });
// The funds report of a region and year (资金进度表 by child region, the funds one by one,
// the slow-spending alerts) as an XLSX Blob; audited "fund.report".
export const fundsReportXlsx = (query) => request('GET', '/funds/report', { query: { ...query, format: 'xlsx' }, raw: true });
