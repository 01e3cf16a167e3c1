// Figures of the funds ledger as a clerk reads them. Ratios come from the API as decimal
// strings ("0.8900", "0.9"): they are turned into percentages by moving the decimal point,
// never through floating point, so that 89.99% never shows as 90.00%.
export function percent(ratio) {
  const text = String(ratio ?? '').trim();
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return text;
  const frac = (m[2] ?? '').padEnd(2, '0');
  const whole = String(Number(m[1] + frac.slice(0, 2)));
  const rest = frac.slice(2);
  return `${whole}${rest ? `.${rest}` : ''}%`;
}

// The codes whose refusal a clerk should read with an explanation of what happened
// (funds.hints.<code> in locale.js); the API's own message follows it.
export const HINTED = ['E_OVER_FUND', 'E_OVER_ALLOCATION', 'E_NOT_FOUND', 'E_FORBIDDEN', 'E_REGION', 'E_DATE', 'E_NUMBER'];

// An ApiError as { code, message, hint } for the error alerts of the forms.
export function refusal(t, e) {
  const code = e?.code ?? 'E_HTTP';
  return { code, message: e?.message ?? String(e), hint: HINTED.includes(code) ? t(`funds.hints.${code}`) : '' };
}
