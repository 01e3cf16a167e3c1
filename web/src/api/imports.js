// POST /imports with upload progress: XMLHttpRequest reports the bytes sent, which fetch
// cannot; the answer is one report. Errors are ApiErrors as api/client.js makes them.
import { ApiError } from './client';
import { i18n } from '@/locales';
import { useSessionStore } from '@/stores/session';

export function uploadImport(files, { dryRun = false, skipInvalid = false } = {}, onProgress = () => {}) {
  const form = new FormData();
  if (files.length === 1) {
    form.append('workbook', files[0], files[0].name);
  } else {
    form.append('households', files[0], files[0].name);
    form.append('members', files[1], files[1].name);
  }
  const url = new URL('/api/v1/imports', window.location.origin);
  if (dryRun) url.searchParams.set('dry_run', '1');
  if (skipInvalid) url.searchParams.set('skip_invalid', '1');
  const session = useSessionStore();
  const en = i18n.global.locale.value === 'en';
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept-Language', en ? 'en' : 'zh-CN');
    if (session.token) xhr.setRequestHeader('Authorization', `Bearer ${session.token}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, 'E_NETWORK', en ? 'The server cannot be reached' : '无法连接服务器，请检查网络'));
    xhr.onload = () => {
      let parsed = null;
      try { parsed = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300 && parsed) { resolve(parsed.data); return; }
      const error = parsed?.error ?? { code: 'E_HTTP', message: `HTTP ${xhr.status}`, details: [] };
      if (xhr.status === 401) session.clear(true);
      reject(new ApiError(xhr.status, error.code, error.message, error.details ?? []));
    };
    xhr.send(form);
  });
}

// A reject file of the report ({name, base64}) as a Blob.
export function rejectBlob(file) {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const type = file.name.endsWith('.xlsx')
    ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
  return new Blob([bytes], { type });
}
