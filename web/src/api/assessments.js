import { request } from './client';

export const assessExit = (query) => request('GET', '/assessments/exit', { query });
export const assessMonitor = (query) => request('GET', '/assessments/monitor', { query });
export const assessRegions = (query) => request('GET', '/assessments/regions', { query });
