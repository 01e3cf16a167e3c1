// How the microcredit screen reads a refusal of the API: the code, the API's own message (in
// the user's language), every failing criterion of an E_CONDITIONS (details), and a plain
// explanation of the codes a clerk meets here (loans.hints.<code> in locale.js).
export const HINTED = ['E_CONDITIONS', 'E_STATE', 'E_OVERDUE_DAYS', 'E_NUMBER', 'E_DATE', 'E_REQUIRED', 'E_NOT_FOUND', 'E_FORBIDDEN'];

// An ApiError as { code, message, hint, criteria: [{criterion, message}] }.
export function loanRefusal(t, e) {
  const code = e?.code ?? 'E_HTTP';
  return {
    code,
    message: e?.message ?? String(e),
    hint: HINTED.includes(code) ? t(`loans.hints.${code}`) : '',
    criteria: (e?.details ?? []).filter((d) => d?.criterion),
  };
}

// A form left incomplete, as a refusal without a code.
export const incomplete = (t) => ({ code: '', message: t('loans.required'), hint: '', criteria: [] });

// The alert's title: "E_CODE：message", or the message alone.
export const refusalTitle = (t, err) => (err.code ? t('loans.refused', { code: err.code, message: err.message }) : err.message);

// The actions the loan's state allows: 还款 while it runs (active or overdue), 续贷 and 展期
// too (the server refuses them after the due date with E_STATE, and says why), 展期 once.
export function actionsFor(loan) {
  const running = loan?.state === 'active' || loan?.state === 'overdue';
  return { repay: running, renew: running, extend: running && !(loan?.extended_months > 0) };
}
