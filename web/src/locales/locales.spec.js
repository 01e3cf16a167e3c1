// Every screen speaks both languages: the common messages (zh-CN.js, en.js) and each area's
// views/<area>/locale.js have the same keys in Chinese and English with the same
// placeholders, English holds no Chinese, no area overwrites another's messages, and every
// key the sources name — t('area.key'), or t(`area.group.${x}`) for a group — is there in
// both languages. A key missing in English would otherwise show in Chinese (the fallback)
// with a warning, and a key missing in both would show raw ("loans.xxx").
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import en from './en';
import zhCN from './zh-CN';

const SRC = path.resolve(import.meta.dirname, '..');
const areas = Object.entries(import.meta.glob('../views/*/locale.js', { eager: true }))
  .map(([file, m]) => [file.split('/')[2], m.default]);
const sets = [['common', { 'zh-CN': zhCN, en }], ...areas];

// { 'a.b.c': value } of a nested message object.
const flat = (o, prefix = '') => Object.fromEntries(Object.entries(o ?? {}).flatMap(([k, v]) => (
  v && typeof v === 'object' ? Object.entries(flat(v, `${prefix}${k}.`)) : [[`${prefix}${k}`, v]])));
const placeholders = (text) => [...String(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
// English that may hold Chinese: the language switch names the other language.
const CHINESE_ALLOWED = new Set(['common.language']);
const CHINESE = /[\u3400-\u9fff]/;

describe('the messages of every screen', () => {
  it('finds the common messages and every area\'s', () => {
    expect(areas.map(([area]) => area)).toEqual(expect.arrayContaining(['funds', 'projects', 'loans', 'complaints', 'dashboard', 'register']));
  });

  for (const [area, messages] of sets) {
    it(`has the same keys and placeholders in Chinese and English: ${area}`, () => {
      const zh = flat(messages['zh-CN']);
      const english = flat(messages.en);
      expect(Object.keys(zh).filter((k) => !(k in english)), 'in Chinese only').toEqual([]);
      expect(Object.keys(english).filter((k) => !(k in zh)), 'in English only').toEqual([]);
      for (const key of Object.keys(zh)) expect(placeholders(english[key]), key).toEqual(placeholders(zh[key]));
      const chinese = Object.entries(english).filter(([k, v]) => CHINESE.test(v) && !CHINESE_ALLOWED.has(k)).map(([k]) => k);
      expect(chinese, 'English with Chinese in it').toEqual([]);
    });
  }

  it('lets no area overwrite the common messages or another area\'s', () => {
    const owners = new Map();
    for (const [area, messages] of sets) {
      for (const top of Object.keys(messages['zh-CN'] ?? {})) {
        expect(owners.get(top), `${top} of ${area}`).toBeUndefined();
        owners.set(top, area);
      }
    }
  });
});

describe('the keys the sources name', () => {
  const merged = { 'zh-CN': {}, en: {} };
  for (const [, messages] of sets) for (const lang of Object.keys(merged)) Object.assign(merged[lang], messages[lang]);
  const lookup = (o, key) => key.split('.').reduce((node, part) => (node == null ? node : node[part]), o);

  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(vue|js)$/.test(name) && !/\.spec\.js$/.test(name) && !full.includes(`${path.sep}locales${path.sep}`)) files.push(full);
    }
  };
  walk(SRC);
  // t('a.b'), $t("a.b"), t(`a.b.${x}`): the literal key, or the group before the ${.
  const used = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/(?<![\w.])\$?t\(\s*(['"`])([A-Za-z][\w.]*?)(\.\$\{|\1)/g)]
    .map((m) => ({ file: path.relative(SRC, file), key: m[2], group: m[3] !== m[1] })));

  it('finds the keys of the screens', () => {
    expect(used.length).toBeGreaterThan(500);
    expect(used).toContainEqual({ file: 'views/loans/LoanForms.vue', key: 'loans.repay', group: false });
    expect(used).toContainEqual({ file: 'views/loans/LoansView.vue', key: 'loans.states', group: true });
  });

  for (const lang of ['zh-CN', 'en']) {
    it(`has every key the sources name in ${lang}`, () => {
      const missing = used.filter(({ key, group }) => {
        const value = lookup(merged[lang], key);
        return group ? !(value && typeof value === 'object') : typeof value !== 'string';
      }).map(({ file, key }) => `${file}: ${key}`);
      expect(missing).toEqual([]);
    });
  }
});
