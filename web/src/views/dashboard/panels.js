// The dashboard's panels below its figures, one component each, shown to the roles with
// its permission; each gets the region and year the dashboard shows and loads on its own
// (a failing panel never holds the figures back). To add a panel, write its component here
// and add a line below.
import { defineAsyncComponent } from 'vue';

export const PANELS = [
  // Issue 14 (web14): the funds' spending progress and the 12317 complaints by timeliness.
  { name: 'funds', perm: 'read', component: defineAsyncComponent(() => import('./FundsProgressPanel.vue')) },
  { name: 'complaints', perm: 'read_complaints', component: defineAsyncComponent(() => import('./ComplaintsPanel.vue')) },
  // The project library by stage.
  { name: 'projects', perm: 'read', component: defineAsyncComponent(() => import('./ProjectsPanel.vue')) },
];
