import { request } from './client';

// Department lists (部门名单) for the cross-check: upload one (multipart: kind, as_of, an
// optional region, the file) and the lists loaded.
export function uploadList({ kind, asOf, region, file }) {
  const form = new FormData();
  form.append('kind', kind);
  form.append('as_of', asOf);
  if (region) form.append('region', region);
  form.append('list', file, file.name);
  return request('POST', '/compare/lists', { form });
}
export const listLists = (kind) => request('GET', '/compare/lists', { query: { kind } });
