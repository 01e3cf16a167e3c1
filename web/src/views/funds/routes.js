export default [
  { path: 'funds', name: 'funds', component: () => import('./FundsView.vue'), meta: { perm: 'read' } },
];
