// The app: Vue 3 with pinia, vue-router and vue-i18n (Chinese first). Element Plus
// components are imported where used (vite.config.js); its services' styles here.
import { createPinia } from 'pinia';
import { createApp } from 'vue';

import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import 'element-plus/es/components/loading/style/css';
import 'element-plus/theme-chalk/base.css';
import './styles.css';

import App from './App.vue';
import { i18n } from './locales';
import { router } from './router';

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(router);
app.mount('#app');
