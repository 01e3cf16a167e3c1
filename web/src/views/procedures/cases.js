// What the case pages need to know about procedures (spec/procedures.md): the steps of
// each kind and their levels, who may do what on a case, the words of a refusal, and the
// countdown of a notice. Pure functions, tested in cases.spec.js.
import { levelOf } from '@/permissions';

export const KINDS = {
  identify: ['apply', 'verify', 'review', 'notice', 'check', 'second_notice', 'approve'],
  exit: ['propose', 'review', 'verify', 'consent', 'notice', 'check', 'approve'],
  return: ['apply', 'verify', 'review', 'notice', 'check', 'second_notice', 'approve'],
  remove: ['propose', 'verify', 'review', 'notice', 'check', 'approve'],
  monitor: ['propose', 'verify', 'review', 'notice', 'check', 'approve'],
  eliminate: ['propose', 'verify', 'review', 'notice', 'check', 'approve'],
};

const STEP_LEVEL = { check: 'T', second_notice: 'T', approve: 'C' };
export const stepLevel = (step) => STEP_LEVEL[step] ?? 'V';

// The steps that take evidence (minutes of the 评议, the household's signature, …).
export const EVIDENCE_STEPS = ['review', 'verify', 'consent'];
export const NOTICE_STEPS = ['notice', 'second_notice'];

// Removal reasons (剔除原因), monitoring types, risk types and causes (spec/codes.md).
export const REMOVE_REASONS = ['01', '02', '03', '04', '05', '06', '07', '99'];
export const MONITOR_TYPES = [1, 2, 3];
export const RISK_TYPES = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '99'];
export const CAUSES = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '99'];
export const MONITOR_SOURCES = ['assessment', 'finding', 'application', 'hotline'];

// What `role` may do on case `c` now: advance, return (only T and C steps send back),
// reject, and object (anyone who reads it, during a notice).
export function actionsFor(role, c) {
  const none = { advance: false, return: false, reject: false, object: false, evidence: false };
  if (!c || c.state !== 'open') return none;
  const mine = levelOf(role);
  const atMyLevel = mine === 'admin' || (mine !== null && mine === c.level);
  return {
    advance: atMyLevel,
    return: atMyLevel && c.level !== 'V' && returnTargets(c).length > 0,
    reject: atMyLevel,
    object: Boolean(c.notice) && NOTICE_STEPS.includes(c.step),
    evidence: atMyLevel && EVIDENCE_STEPS.includes(c.step),
  };
}

// The earlier steps a case may be sent back to.
export function returnTargets(c) {
  const steps = KINDS[c?.kind] ?? [];
  const at = steps.indexOf(c?.step);
  return at > 0 ? steps.slice(0, at) : [];
}

// Whole days from `today` to `day` (both YYYY-MM-DD), negative when `day` is past.
export function daysUntil(today, day) {
  const ms = Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`);
  return Math.round(ms / 86400000);
}

// A refused action in words: the API's message, then for E_CONDITIONS every failing
// criterion, for E_NOTICE_OPEN the first day the notice may close, for E_CASE_OPEN the
// open case. `t` is vue-i18n's.
export function refusal(error, t) {
  const lines = [];
  const details = Array.isArray(error?.details) ? error.details : [];
  if (error?.code === 'E_CONDITIONS') {
    for (const d of details) lines.push(d.message || d.criterion);
  } else if (error?.code === 'E_NOTICE_OPEN') {
    const on = details.find((d) => d.closes_on)?.closes_on;
    if (on) lines.push(t('procedures.closesOnLine', { date: on }));
  } else if (error?.code === 'E_CASE_OPEN') {
    const open = details.find((d) => d.case)?.case;
    if (open) lines.push(t('procedures.openCaseLine', { id: open }));
  }
  return { message: error?.message ?? String(error), lines };
}

// A size in words: 532 B, 12.4 KB, 3.1 MB.
export function fileSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// The words of a step of a kind (exit's verify and identify's approve have their own).
export function stepLabel(t, kind, step) {
  if (!step) return '';
  if (kind === 'exit' && step === 'verify') return t('procedures.steps.verifyExit');
  if (kind === 'identify' && step === 'approve') return t('procedures.steps.approveIdentify');
  return t(`procedures.steps.${step}`);
}

// The body of POST /cases for `household` from the opening form: only what its kind needs
// (spec/procedures.md "What opening needs"); for monitoring, a household's own suggested
// type and risk types where the form leaves them blank.
export function openingBody(form, household, own = {}) {
  const b = { kind: form.kind, household_code: household, comment: (form.comment ?? '').trim() };
  if (['identify', 'exit'].includes(form.kind)) b.year = Number(form.year);
  if (form.kind === 'return' && form.cause) b.cause = form.cause;
  if (form.kind === 'remove' && form.reason) b.reason = form.reason;
  if ((form.kind === 'remove' || (form.kind === 'monitor' && form.source === 'finding')) && form.finding) {
    b.finding = Number(form.finding);
  }
  if (form.kind === 'monitor') {
    const type = form.type || own.type;
    const risks = form.risk_types?.length ? form.risk_types : own.risk_types ?? [];
    if (type) b.type = Number(type);
    if (risks.length) b.risk_types = risks;
    if (form.source) b.source = form.source;
    if (form.clue_date) b.clue_date = form.clue_date;
  }
  if (form.kind === 'eliminate' && form.labor_override?.trim()) b.labor_override = form.labor_override.trim();
  return b;
}

// Opens one case per household with `open` (POST /cases), one after the other: for each,
// the case's id or the refusal in words.
export async function openEach(households, bodyFor, open, t) {
  const out = [];
  for (const h of households) {
    try {
      out.push({ household: h, ok: true, id: (await open(bodyFor(h))).id });
    } catch (e) {
      out.push({ household: h, ok: false, ...refusal(e, t) });
    }
  }
  return out;
}
