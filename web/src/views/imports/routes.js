export default [
  { path: 'imports', name: 'imports', component: () => import('./ImportView.vue'), meta: { perm: 'import' } },
];
