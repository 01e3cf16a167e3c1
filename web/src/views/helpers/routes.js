// Helpers (帮扶责任人): the list with add and edit, one helper with its households
// (assign, end), and a village's work team (驻村工作队) with its notices to print.
export default [
  { path: 'helpers', name: 'helpers', component: () => import('./HelpersView.vue'), meta: { perm: 'read' } },
  { path: 'helpers/:id(\\d+)', name: 'helper', component: () => import('./HelperView.vue'), meta: { perm: 'read' } },
  { path: 'work-team/:village?', name: 'work-team', component: () => import('./WorkTeamView.vue'), meta: { perm: 'read' } },
];
