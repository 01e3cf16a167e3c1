import { request } from './client';

// Findings of the cross-check (比对核查): the list, counts per rule and village, decisions
// and the XLSX export.
export const listFindings = (query) => request('GET', '/findings', { query });
export const countFindings = (region) => request('GET', '/findings/counts', { query: { region } });
export const confirmFinding = (id, reason = '') => request('POST', `/findings/${id}/confirm`, { body: { reason } });
export const dismissFinding = (id, reason) => request('POST', `/findings/${id}/dismiss`, { body: { reason } });
export const exportFindings = (query) => request('GET', '/exports/findings.xlsx', { query, raw: true });
