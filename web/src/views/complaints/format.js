// How the complaints screen reads the API: a refusal with a plain explanation of the codes
// a clerk meets here (complaints.hints.<code> in locale.js), and the statistics as rows.
export const HINTED = ['E_COMPLAINT_STATE', 'E_NOT_FOUND', 'E_FORBIDDEN', 'E_PHONE', 'E_VALIDATION'];

// An ApiError as { code, message, hint } for the alerts of the forms.
export function complaintRefusal(t, e) {
  const code = e?.code ?? 'E_HTTP';
  return { code, message: e?.message ?? String(e), hint: HINTED.includes(code) ? t(`complaints.hints.${code}`) : '' };
}

// The four timeliness counts of a group of complaints, in the order they are shown; `open`
// of the API counts only the open complaints not yet due.
export const TIMELINESS = [
  ['answered_on_time', 'onTime', '#67c23a'],
  ['answered_late', 'late', '#e6a23c'],
  ['open_overdue', 'openOverdue', '#f56c6c'],
  ['open', 'open', '#909399'],
];

// A stacked bar chart (ECharts option) of the timeliness of `rows`, each labelled by `label(row)`.
export function timelinessChart(t, rows, label) {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { bottom: 0 },
    grid: { left: 120, right: 20, top: 10, bottom: 40 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: rows.map(label) },
    series: TIMELINESS.map(([key, name, color]) => ({
      name: t(`complaints.${name}`), type: 'bar', stack: 'all', barMaxWidth: 28, itemStyle: { color }, data: rows.map((r) => r[key]),
    })),
  };
}

// A timestamp of the API (ISO 8601, UTC) as the clock on a Beijing office's wall reads it:
// "2026-06-30 09:00"; anything else as it is.
export function beijingTime(iso) {
  const when = new Date(iso ?? '');
  if (!iso || Number.isNaN(when.getTime())) return iso ?? '';
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(when).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
