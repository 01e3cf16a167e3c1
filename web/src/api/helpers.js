// Helpers (帮扶责任人), their households, and the village work teams (驻村工作队).
import { request } from './client';

export const listHelpers = (query) => request('GET', '/helpers', { query });
export const getHelper = (id) => request('GET', `/helpers/${id}`);
export const addHelper = (helper) => request('POST', '/helpers', { body: helper });
export const updateHelper = (id, changes) => request('PATCH', `/helpers/${id}`, { body: changes });
export const householdHelpers = (code) => request('GET', `/households/${code}/helpers`);
export const assignHelper = (code, helperId, since) => request('POST', `/households/${code}/helpers`, { body: { helper_id: helperId, ...(since ? { since } : {}) } });
export const unassignHelper = (code, helperId) => request('DELETE', `/households/${code}/helpers/${helperId}`);
export const workTeam = (village) => request('GET', `/regions/${village}/work-team`);
export const addTeamMember = (village, member) => request('POST', `/regions/${village}/work-team`, { body: member });
export const endTeamMember = (village, id, endedOn) => request('POST', `/regions/${village}/work-team/${id}/end`, { body: endedOn ? { ended_on: endedOn } : {} });
