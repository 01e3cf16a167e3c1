export default [
  { path: 'loans', name: 'loans', component: () => import('./LoansView.vue'), meta: { perm: 'read' } },
];
