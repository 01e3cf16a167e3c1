import { request } from './client';

export const getRegion = (code) => request('GET', `/regions/${code}`);
export const getChildren = async (code) => (await request('GET', `/regions/${code}/children`)).children;
export const getSummary = (code, year) => request('GET', `/regions/${code}/summary`, { query: { year } });
