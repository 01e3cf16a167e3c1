export default [
  { path: 'assessments', name: 'assessments', component: () => import('./AssessmentsView.vue'), meta: { perm: 'assess' } },
];
