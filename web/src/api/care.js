// Measures (帮扶措施), visits (走访) and their photos, for the helper's phone and the offices.
import { request, upload } from './client';

// The households the caller may see (a helper: its own), a page of them.
export const listHouseholds = (query = {}) => request('GET', '/households', { query: { size: 100, ...query } });
export const getHousehold = (code) => request('GET', `/households/${code}`);
export const listVisits = (code) => request('GET', `/households/${code}/visits`);
export const addVisit = (code, visit) => request('POST', `/households/${code}/visits`, { body: visit });
export const listMeasures = (code) => request('GET', `/households/${code}/measures`);
export const addMeasure = (code, measure) => request('POST', `/households/${code}/measures`, { body: measure });
export const measureCategories = () => request('GET', '/measure-categories');
export const timeline = (code) => request('GET', `/households/${code}/timeline`);

// Uploads one photo or scan; onProgress(fraction 0…1). Resolves to {id, file_name, …}.
export function uploadAttachment(file, onProgress) {
  const form = new FormData();
  form.append('file', file, file.name || 'photo.jpg');
  return upload('/attachments', form, onProgress);
}
// An attachment's bytes (read with the token), for a preview or a download.
export const attachmentBlob = (id) => request('GET', `/attachments/${id}`, { raw: true });
