export default [
  { path: 'projects', name: 'projects', component: () => import('./ProjectsView.vue'), meta: { perm: 'read' } },
];
