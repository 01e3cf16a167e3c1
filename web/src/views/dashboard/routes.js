export default [
  { path: '', name: 'dashboard', component: () => import('./DashboardView.vue'), meta: { perm: 'read' } },
  { path: 'regions/:code', name: 'region', component: () => import('./DashboardView.vue'), meta: { perm: 'read' } },
];
