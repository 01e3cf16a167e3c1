import { request } from '@/api/client';

// The project library (扶贫项目库, docs/projects.md): projects of a region by stage, one
// project with its steps, and its moves. Money is a string of yuan with two decimals.
export const listProjects = (query) => request('GET', '/projects', { query });
// Counts by stage (every stage, zeros included) and category: { total, by_stage, by_category }.
export const projectStats = (query) => request('GET', '/projects/stats', { query });
export const getProject = (id) => request('GET', `/projects/${id}`);
export const advanceProject = (id, body) => request('POST', `/projects/${id}/advance`, { body });
export const objectToProject = (id, text) => request('POST', `/projects/${id}/objections`, { body: { text } });
