import { request } from './client';

export const assessExit = (query) => request('GET', '/assessments/exit', { query });
export const assessMonitor = (query) => request('GET', '/assessments/monitor', { query });
export const assessRegions = (query) => request('GET', '/assessments/regions', { query });

// The same lists as XLSX workbooks (the server checks the export permission and audits).
export const exportAssessment = (kind, query) =>
  request('GET', `/exports/assessments/${kind}.xlsx`, { query, raw: true });
