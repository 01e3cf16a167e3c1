export default [
  { path: 'complaints', name: 'complaints', component: () => import('./ComplaintsView.vue'), meta: { perm: 'read_complaints' } },
];
