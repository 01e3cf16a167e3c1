// vue-i18n: Chinese first, English switchable; the choice is kept in localStorage.
import { createI18n } from 'vue-i18n';

import en from './en';
import zhCN from './zh-CN';

const saved = localStorage.getItem('fupin.locale');

export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

export function setLocale(locale) {
  i18n.global.locale.value = locale;
  localStorage.setItem('fupin.locale', locale);
  document.documentElement.lang = locale;
}
