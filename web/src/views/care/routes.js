// The helper's phone (帮扶责任人): my households, and for each a card to record a visit with
// a photo or a measure, with its recent visits and measures.
export default [
  { path: 'mine', name: 'mine', component: () => import('./MineView.vue'), meta: { perm: 'mine' } },
  { path: 'mine/:code', name: 'mine-household', component: () => import('./HouseholdCareView.vue'), meta: { perm: 'care' } },
];
