// /complaints, and /complaints/:id for one complaint opened in place (a link that can be
// shared and reloaded; loansweb14): one route, so that opening and closing a complaint keeps
// the list as it is.
export default [
  { path: 'complaints/:id(\\d+)?', name: 'complaints', component: () => import('./ComplaintsView.vue'), meta: { perm: 'read_complaints' } },
];
