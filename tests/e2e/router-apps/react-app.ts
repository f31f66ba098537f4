// A small app on react-router-dom's BrowserRouter, as sites build them: routes under /rr/,
// <Link>s, useSearchParams, and a document title set from the route in an effect.
import { createElement as h, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Link, Route, Routes, useParams, useSearchParams } from 'react-router-dom';

function Item() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const tab = params.get('tab');
  const title = `RR Item ${id}${tab ? ` (tab ${tab})` : ''}`;
  useEffect(() => {
    document.title = title;
  }, [title]);
  return h(
    'main',
    null,
    h('h1', null, title),
    h('nav', null, h(Link, { to: '?tab=2' }, 'Tab 2'), ' ', h(Link, { to: `/rr/app/item/${Number(id) + 1}` }, 'Next item')),
  );
}

createRoot(document.getElementById('root')!).render(
  h(BrowserRouter, null, h(Routes, null, h(Route, { path: '/rr/app/item/:id', element: h(Item) }))),
);
