// The project library's rules as the screen needs them, mirroring the server
// (service/projects/project_service.cc) only to show each form where it can succeed; the
// server checks everything again and its refusal is shown as it comes.
import { levelOf } from '@/permissions';

// The stages in order with the level that does them (V village, T township, C county) and
// whether they are a notice (公示).
export const STAGES = [
  { key: 'propose', level: 'V', notice: false },
  { key: 'village_notice', level: 'V', notice: true },
  { key: 'review', level: 'T', notice: false },
  { key: 'township_notice', level: 'T', notice: true },
  { key: 'approve', level: 'C', notice: false },
  { key: 'plan', level: 'C', notice: false },
  { key: 'start_notice', level: 'V', notice: true },
  { key: 'implement', level: 'T', notice: false },
  { key: 'accept', level: 'C', notice: false },
  { key: 'completion_notice', level: 'V', notice: true },
  { key: 'assets', level: 'C', notice: false },
];
// Every stage a list may filter by: the stages, then done and rejected.
export const STAGE_KEYS = [...STAGES.map((s) => s.key), 'done', 'rejected'];

const RANK = { V: 0, T: 1, C: 2 };

// The level of a place from its 12-digit code: a village V, a township T (the last three
// digits 0), a county C (the last six 0); null above a county.
export function placeLevel(region) {
  const code = String(region ?? '').padStart(12, '0');
  if (!/^\d{12}$/.test(code) || /^0+$/.test(code)) return null;
  if (!code.endsWith('000')) return 'V';
  if (!code.endsWith('000000')) return 'T';
  return code.slice(4, 6) !== '00' ? 'C' : null;
}

// The stages of a project at `region`: a township's own skips village_notice and review, a
// county's also township_notice; no stage's level is below the place's.
export function flowOf(region) {
  const place = placeLevel(region) ?? 'V';
  return STAGES
    .filter((s) => {
      if (place === 'V') return true;
      if (s.key === 'village_notice' || s.key === 'review') return false;
      return !(s.key === 'township_notice' && place === 'C');
    })
    .map((s) => (RANK[s.level] < RANK[place] ? { ...s, level: place } : s));
}

const mayActAt = (actor, level) => actor === 'admin' || actor === level;

// What `role` may do on `project` now, as the server would allow it:
// { level (of the current stage), advance, objection, progress, asset, reject, returnTo: [stage keys] }.
export function projectActions(project, role) {
  const none = { level: null, advance: false, objection: false, progress: false, asset: false, reject: false, returnTo: [] };
  if (!project || project.state !== 'open') return none;
  const actor = levelOf(role);
  const flow = flowOf(project.region);
  const at = flow.findIndex((s) => s.key === project.stage);
  if (at < 0) return none;
  const stage = flow[at];
  const here = Boolean(actor) && mayActAt(actor, stage.level);
  return {
    level: stage.level,
    advance: here,
    objection: Boolean(stage.notice && project.notice),
    progress: Boolean(actor) && project.stage === 'implement',
    asset: Boolean(actor) && (project.stage === 'completion_notice' || project.stage === 'assets') && mayActAt(actor, flow[flow.length - 1].level),
    reject: here,
    returnTo: here && stage.level !== 'V' ? flow.slice(0, at).map((s) => s.key) : [],
  };
}

// The fen of a yuan text ("1234.5" → 123450), or null when it is not one (at most two
// decimals, not negative). Integer arithmetic only: budgets are summed exactly.
export function fenOf(text) {
  const m = /^(\d{1,13})(?:\.(\d{0,2}))?$/.exec(String(text ?? '').trim().replace(/,/g, ''));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
// Fen as yuan with two decimals (123450 → "1234.50").
export function yuanOf(fen) {
  const f = Math.trunc(fen);
  return `${Math.trunc(f / 100)}.${String(f % 100).padStart(2, '0')}`;
}
// The total of budget lines [{source, amount}]: { fen, bad: the lines that are not yuan }.
export function budgetTotal(lines) {
  let fen = 0;
  const bad = [];
  lines.forEach((line, i) => {
    if (!String(line.amount ?? '').trim()) return;
    const f = fenOf(line.amount);
    if (f === null) bad.push(i); else fen += f;
  });
  return { fen, bad };
}

// 户编号 as typed: separated by spaces, commas (either width), 、 or new lines; upper case,
// each once.
export function householdCodes(text) {
  return [...new Set(String(text ?? '').split(/[\s,，、;；]+/).map((c) => c.trim().toUpperCase()).filter(Boolean))];
}

// The body of POST /projects from the form: texts trimmed, the budget lines as an object
// (blank lines left out), the codes, the counts (the beneficiary households default to the
// codes listed), the target lines that are filled in.
export function projectBody(form) {
  const trim = (v) => String(v ?? '').trim();
  const codes = householdCodes(form.households);
  // A count that is not a whole number goes as typed, for the server to refuse (E_NUMBER).
  const count = (v, fallback = 0) => {
    const text = trim(v);
    if (text === '') return fallback;
    return /^\d{1,9}$/.test(text) ? Number(text) : text;
  };
  const budget = {};
  for (const line of form.budget) if (trim(line.amount)) budget[line.source] = trim(line.amount);
  return {
    name: trim(form.name), category: form.category, nature: form.nature, region: trim(form.region),
    year: Number(form.year), start_on: trim(form.start_on), end_on: trim(form.end_on),
    unit: trim(form.unit), person: trim(form.person), tasks: trim(form.tasks),
    budget,
    households: codes,
    beneficiaries: {
      households: count(form.beneficiaries.households, codes.length), people: count(form.beneficiaries.people),
      poor_households: count(form.beneficiaries.poor_households), poor_people: count(form.beneficiaries.poor_people),
    },
    performance_targets: form.targets.filter((x) => trim(x.indicator) || trim(x.target))
      .map((x) => ({ indicator: trim(x.indicator), target: trim(x.target) })),
    poverty_linkage: trim(form.linkage),
    comment: trim(form.comment),
  };
}

// The file name of a downloaded report: 资金报表-620422-2026.xlsx (the region typed, or the
// account's own; none for the nation's: 资金报表-2026.xlsx).
export function reportFileName(kind, region, year) {
  const place = String(region ?? '').trim();
  return place && place !== '0' ? `${kind}-${place}-${year}.xlsx` : `${kind}-${year}.xlsx`;
}

// The codes a clerk meets on this screen, explained in projects.hints.<code>.
export const HINTED = ['E_NOTICE_OPEN', 'E_CONDITIONS', 'E_STEP_LEVEL', 'E_SEPARATION', 'E_STATE', 'E_NOT_FOUND',
  'E_FORBIDDEN', 'E_REQUIRED', 'E_DATE', 'E_NUMBER', 'E_CODE', 'E_REGION', 'E_YEAR', 'E_FORMAT'];

// An ApiError as { code, message, hint, criteria: [{criterion, message}], closesOn }.
export function projectRefusal(t, e) {
  const code = e?.code ?? 'E_HTTP';
  const details = Array.isArray(e?.details) ? e.details : [];
  return {
    code,
    message: e?.message ?? String(e),
    hint: HINTED.includes(code) ? t(`projects.hints.${code}`) : '',
    criteria: details.filter((d) => d?.criterion),
    closesOn: details.find((d) => d?.closes_on)?.closes_on ?? '',
  };
}
// A form left incomplete, as a refusal without a code.
export const incomplete = (t) => ({ code: '', message: t('projects.required'), hint: '', criteria: [], closesOn: '' });
