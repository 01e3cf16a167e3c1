// POST /imports with upload progress (api/client.js upload); the answer is one report.
import { upload } from './client';

export function uploadImport(files, { dryRun = false, skipInvalid = false } = {}, onProgress = () => {}) {
  const form = new FormData();
  if (files.length === 1) {
    form.append('workbook', files[0], files[0].name);
  } else {
    form.append('households', files[0], files[0].name);
    form.append('members', files[1], files[1].name);
  }
  const query = new URLSearchParams();
  if (dryRun) query.set('dry_run', '1');
  if (skipInvalid) query.set('skip_invalid', '1');
  const suffix = query.size ? `?${query}` : '';
  return upload(`/imports${suffix}`, form, onProgress);
}

// A reject file of the report ({name, base64}) as a Blob.
export function rejectBlob(file) {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const type = file.name.endsWith('.xlsx')
    ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
  return new Blob([bytes], { type });
}
