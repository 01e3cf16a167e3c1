// The routes of the app: each with the permission its menu needs (permissions.js). Not
// signed in: sign-in. A route the role may not use: the dashboard (the server would refuse
// its requests anyway).
import { createRouter, createWebHistory } from 'vue-router';

import { configureClient } from '@/api/client';
import { i18n } from '@/locales';
import { useSessionStore } from '@/stores/session';
import BasicLayout from '@/layouts/BasicLayout.vue';

export const MENU = [
  { path: '/', name: 'dashboard', perm: 'read' },
  { path: '/mine', name: 'mine', perm: 'mine' },
  { path: '/households', name: 'register', perm: 'read' },
  { path: '/imports', name: 'imports', perm: 'import' },
  { path: '/assessments', name: 'assessments', perm: 'assess' },
  { path: '/findings', name: 'crosscheck', perm: 'read' },
  { path: '/worklist', name: 'worklist', perm: 'cases' },
  { path: '/cases', name: 'cases', perm: 'read' },
  { path: '/helpers', name: 'helpers', perm: 'read' },
  { path: '/funds', name: 'funds', perm: 'read' },
  // Project library (扶贫项目库) and microcredit (扶贫小额信贷), issue 14: beside the funds.
  { path: '/projects', name: 'projects', perm: 'read' },
  { path: '/loans', name: 'loans', perm: 'read' },
  { path: '/audit', name: 'audit', perm: 'audit' },
  { path: '/users', name: 'users', perm: 'users' },
];
// 12317 complaints (issue 14, web14): after the money screens, for the roles that read them.
MENU.splice(MENU.findIndex((m) => m.name === 'loans') + 1, 0, { path: '/complaints', name: 'complaints', perm: 'read_complaints' });

// Each area declares its own routes in views/<area>/routes.js (path, name, component as a
// lazy import, meta.perm); they all live under the layout.
const areas = Object.values(import.meta.glob('../views/*/routes.js', { eager: true }))
  .flatMap((m) => m.default);

const routes = [
  { path: '/login', name: 'login', component: () => import('../views/login/LoginView.vue'), meta: { public: true } },
  {
    path: '/',
    component: BasicLayout,
    children: [
      ...areas,
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('../views/errors/NotFoundView.vue') },
    ],
  },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach((to) => {
  const session = useSessionStore();
  if (to.meta.public) return session.signedIn && to.name === 'login' ? { path: '/' } : true;
  if (!session.signedIn) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  if (to.meta.perm && !session.may(to.meta.perm)) return { path: '/' };
  return true;
});

configureClient({
  token: () => useSessionStore().token,
  lang: () => i18n.global.locale.value,
  onUnauthorized: () => {
    const session = useSessionStore();
    if (!session.signedIn) return;
    session.clear(true);
    router.replace({ name: 'login', query: { expired: '1', next: router.currentRoute.value.fullPath } });
  },
});
