import { request } from './client';

export const getWorklist = (size = 20) => request('GET', '/worklist', { query: { size } });
