import { request } from './client';

// Cases (办件, spec/procedures.md "HTTP") and the attachments of their steps.
export const listCases = (query) => request('GET', '/cases', { query });
export const getCase = (id) => request('GET', `/cases/${id}`);
export const openCase = (body) => request('POST', '/cases', { body });
export const advanceCase = (id, comment, attachments = []) =>
  request('POST', `/cases/${id}/advance`, { body: { comment, attachments } });
export const objectToCase = (id, text) => request('POST', `/cases/${id}/objections`, { body: { text } });
export const returnCase = (id, to, reason) => request('POST', `/cases/${id}/return`, { body: { to, reason } });
export const rejectCase = (id, reason) => request('POST', `/cases/${id}/reject`, { body: { reason } });

export function uploadAttachment(file) {
  const form = new FormData();
  form.append('file', file, file.name);
  return request('POST', '/attachments', { form });
}
export const downloadAttachment = (id) => request('GET', `/attachments/${id}`, { raw: true });
