import { request } from './client';

// The project library (扶贫项目库, docs/projects.md): projects of a region by stage, one
// project with its steps, progress and assets, the counts by stage, its moves (like a
// case: advance, objections, return, reject), its progress (进度) and assets (扶贫资产), and
// the projects table of a region and year. Money is a string of yuan with two decimals.
export const listProjects = (query) => request('GET', '/projects', { query });
// Counts by stage (every stage, zeros included) and category: { total, by_stage, by_category }.
export const projectStats = (query) => request('GET', '/projects/stats', { query });
export const getProject = (id) => request('GET', `/projects/${id}`);
// The body of POST /projects: name, category, nature, region, year, start_on, end_on, unit,
// person, tasks, budget {source: yuan}, households [codes], beneficiaries {households,
// people, poor_households, poor_people}, performance_targets [{indicator, target}],
// poverty_linkage, comment → the project (201).
export const proposeProject = (project) => request('POST', '/projects', { body: project });
// {comment, result?, date?} (result and date at `accept`) → the project.
export const advanceProject = (id, body) => request('POST', `/projects/${id}/advance`, { body });
export const objectToProject = (id, text) => request('POST', `/projects/${id}/objections`, { body: { text } });
// {to: an earlier stage, reason} → the project at that stage.
export const returnProject = (id, body) => request('POST', `/projects/${id}/return`, { body });
// {reason} → the project, rejected.
export const rejectProject = (id, body) => request('POST', `/projects/${id}/reject`, { body });
// {date?, percent 0–100, note?} at `implement` → the project with the entry.
export const addProgress = (id, body) => request('POST', `/projects/${id}/progress`, { body });
// {kind, name, value (yuan), owner, keeper, date?} once accepted → the project with the asset.
export const addAsset = (id, body) => request('POST', `/projects/${id}/assets`, { body });
// The projects table of a region and year as an XLSX Blob (audited "project.report").
export const projectReportXlsx = (query) => request('GET', '/projects/report', { query: { ...query, format: 'xlsx' }, raw: true });
