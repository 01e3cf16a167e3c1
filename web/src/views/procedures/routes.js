export default [
  { path: 'worklist', name: 'worklist', component: () => import('./WorklistView.vue'), meta: { perm: 'cases' } },
  { path: 'cases', name: 'cases', component: () => import('./CasesView.vue'), meta: { perm: 'read' } },
  { path: 'cases/:id(\\d+)', name: 'case', component: () => import('./CaseView.vue'), meta: { perm: 'read' } },
];
