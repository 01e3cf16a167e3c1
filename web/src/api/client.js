// The one request client of the app: every call to /api/v1 goes through `request`, which
// adds the session token and the language, unwraps {"data"}, and turns every failure into
// an ApiError with the API's own code, message (in the user's language) and details. One
// interceptor: an expired or missing session (401) sends the user back to sign-in with a
// message, never to a blank page.
export class ApiError extends Error {
  constructor(status, code, message, details = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const state = {
  token: () => '',
  lang: () => 'zh-CN',
  onUnauthorized: () => {},
};

// Wires the client to the session store and the router (main.js / stores/session.js).
export function configureClient({ token, lang, onUnauthorized }) {
  if (token) state.token = token;
  if (lang) state.lang = lang;
  if (onUnauthorized) state.onUnauthorized = onUnauthorized;
}

// request('GET', '/households', { query, body (JSON), form (FormData), raw: true for a Blob })
export async function request(method, path, { query, body, form, raw = false, signal } = {}) {
  const url = new URL(`/api/v1${path}`, window.location.origin);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const headers = { 'Accept-Language': state.lang() === 'en' ? 'en' : 'zh-CN' };
  const token = state.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  } else if (form) {
    payload = form;
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body: payload, signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'E_NETWORK', state.lang() === 'en' ? 'The server cannot be reached' : '无法连接服务器，请检查网络');
  }
  if (res.status === 401 && path !== '/session') {
    state.onUnauthorized();
  }
  if (!res.ok) {
    let error = { code: 'E_HTTP', message: `HTTP ${res.status}`, details: [] };
    try {
      const parsed = await res.json();
      if (parsed?.error) error = parsed.error;
    } catch { /* not JSON */ }
    throw new ApiError(res.status, error.code, error.message, error.details ?? []);
  }
  if (raw) return res.blob();
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return res.text();
  return (await res.json()).data;
}

// Saves a Blob as a file the browser downloads.
export function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

// upload('/attachments', form, (fraction) => …): a multipart POST through XMLHttpRequest,
// which reports the upload's progress (fetch cannot); the same token, language, 401
// interceptor and ApiError as `request`.
export function upload(path, form, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1${path}`);
    xhr.setRequestHeader('Accept-Language', state.lang() === 'en' ? 'en' : 'zh-CN');
    const token = state.token();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, 'E_NETWORK', state.lang() === 'en' ? 'The server cannot be reached' : '无法连接服务器，请检查网络'));
    xhr.onload = () => {
      let parsed = null;
      try { parsed = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status === 401) state.onUnauthorized();
      if (xhr.status < 200 || xhr.status >= 300) {
        const error = parsed?.error ?? { code: 'E_HTTP', message: `HTTP ${xhr.status}`, details: [] };
        reject(new ApiError(xhr.status, error.code, error.message, error.details ?? []));
        return;
      }
      onProgress(1);
      resolve(parsed?.data ?? null);
    };
    xhr.send(form);
  });
}
