// A range of local dates in China [from, to] as the API's instants: since = the start of
// `from` (00:00 +08:00) and until = the start of the day after `to`, in UTC.
const startOf = (date) => new Date(`${date}T00:00:00+08:00`);
const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function auditRange(from, to) {
  const out = {};
  if (from) out.since = iso(startOf(from));
  if (to) {
    const end = startOf(to);
    end.setUTCDate(end.getUTCDate() + 1);
    out.until = iso(end);
  }
  return out;
}

// An instant of the trail (UTC) as local time in China: 2026-06-30 09:00:05.
export function chinaTime(at) {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  return new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
