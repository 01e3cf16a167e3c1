import { request } from './client';

// The 12317 complaints (投诉举报, docs/complaints.md): filed by an office, listed by the
// caller's region (masked contact data), read one by one (whole for its handler), answered,
// confirmed by the complainant, counted by region, subject and timeliness.
export const listComplaints = (query) => request('GET', '/complaints', { query });
export const getComplaint = (id) => request('GET', `/complaints/${id}`);
export const fileComplaint = (complaint) => request('POST', '/complaints', { body: complaint });
export const answerComplaint = (id, body) => request('POST', `/complaints/${id}/answer`, { body });
export const confirmComplaint = (id, satisfied) => request('POST', `/complaints/${id}/confirm`, { body: { satisfied } });
export const complaintStats = (query) => request('GET', '/complaints/stats', { query });
