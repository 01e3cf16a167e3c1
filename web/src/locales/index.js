// vue-i18n: Chinese first, English switchable; the choice is kept in localStorage. The
// common messages are here; each area adds its own in views/<area>/locale.js, exporting
// { 'zh-CN': { <area>: {...} }, en: { <area>: {...} } }.
import { createI18n } from 'vue-i18n';

import en from './en';
import zhCN from './zh-CN';

const messages = { 'zh-CN': { ...zhCN }, en: { ...en } };
for (const area of Object.values(import.meta.glob('../views/*/locale.js', { eager: true }))) {
  for (const lang of Object.keys(messages)) Object.assign(messages[lang], area.default[lang] ?? {});
}

const saved = localStorage.getItem('fupin.locale');

export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages,
});

export function setLocale(locale) {
  i18n.global.locale.value = locale;
  localStorage.setItem('fupin.locale', locale);
  document.documentElement.lang = locale;
}
