// A small app on vue-router's createWebHistory: a filter box that keeps its text in the URL
// with router.replace({ query: { q } }) on every keystroke, and a button that router.push()es.
import { computed, createApp, defineComponent, h, watchEffect } from 'vue';
import { createRouter, createWebHistory, RouterView, useRoute, useRouter } from 'vue-router';

const Search = defineComponent({
  setup() {
    const route = useRoute();
    const router = useRouter();
    const q = computed(() => (typeof route.query.q === 'string' ? route.query.q : ''));
    watchEffect(() => {
      document.title = q.value ? `Vue search: ${q.value}` : 'Vue search';
    });
    return () =>
      h('main', null, [
        h('h1', null, 'Vue search'),
        h('input', {
          'aria-label': 'Filter',
          value: q.value,
          onInput: (event: Event) => void router.replace({ query: { q: (event.target as HTMLInputElement).value } }),
        }),
        h('button', { type: 'button', onClick: () => void router.push('/vue/about') }, 'About'),
      ]);
  },
});

const About = defineComponent({
  setup() {
    document.title = 'Vue about';
    return () => h('main', null, h('h1', null, 'About'));
  },
});

const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/vue/search', component: Search },
    { path: '/vue/about', component: About },
  ],
});
// <RouterView> rendered with h(): no template compiler needed.
createApp({ render: () => h(RouterView) })
  .use(router)
  .mount('#root');
