export default [
  { path: 'findings', name: 'crosscheck', component: () => import('./FindingsView.vue'), meta: { perm: 'read' } },
];
