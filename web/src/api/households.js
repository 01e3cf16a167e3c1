import { request } from './client';

// GET /households: filters of the register; count=0 for a next page of a counted query.
export const searchHouseholds = (query, signal) => request('GET', '/households', { query, signal });
export const getHousehold = (code) => request('GET', `/households/${encodeURIComponent(code)}`);
export const createHousehold = (body) => request('POST', '/households', { body });
export const updateHousehold = (code, body) => request('PUT', `/households/${encodeURIComponent(code)}`, { body });
export const getCriteria = (code, year) => request('GET', `/households/${encodeURIComponent(code)}/criteria`, { query: { year } });
export const getTimeline = (code) => request('GET', `/households/${encodeURIComponent(code)}/timeline`);
export const getHouseholdHelpers = (code) => request('GET', `/households/${encodeURIComponent(code)}/helpers`);
// The policy card (明白卡) as an HTML Blob, fetched with the session's token.
export const getPolicyCard = (code) => request('GET', `/print/policy-card/${encodeURIComponent(code)}`, { raw: true });
export const exportHouseholds = (query) => request('GET', '/exports/households.xlsx', { query, raw: true });
