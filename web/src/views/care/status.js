// A household's poverty status (codes.md: 0 未脱贫, 1 已脱贫, 3 返贫, 9 已剔除) in words; the
// household kind for a household that has none (a monitored household, say).
export function statusText(t, household) {
  const s = household?.poverty_status;
  if (s === null || s === undefined || s === '') return household?.household_kind ?? '';
  return typeof s === 'number' || /^\d$/.test(String(s)) ? t(`care.statuses.${s}`) : String(s);
}
