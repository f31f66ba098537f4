import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouterAppBundles } from '../router-apps/build-router-apps';

export interface PageOptions {
  /**
   * Links to put on the page, in order, each an `<a>` whose accessible name is `link N`
   * (N from 1) and whose `href` is the given URL. They travel in the page's query string
   * (`?link=...`), so they are part of the page's URL.
   */
  links?: string[];
}

export interface TitleChangeOptions {
  /** The title in the HTML (`<title>`); none when omitted, so Chromium shows the URL first. */
  initial?: string;
  /** The title the page's script sets once loaded. */
  final: string;
  /** How long after `load` the script sets `final`, in ms. Default 500. */
  afterMs?: number;
  /** Extra query parameters for the page URL (e.g. a secret the sanitizer must remove). */
  query?: Record<string, string>;
}

export interface TestPageServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly origin: string;
  /** `127.0.0.1:<port>`: what a host pattern (e.g. a search rule) matches. */
  readonly host: string;
  /**
   * The URL of a page whose `<title>` is `name`. Every such page also has a link named
   * `Details` to its own `#details` section (a fragment change), plus `options.links`.
   */
  pageUrl(name: string, options?: PageOptions): string;
  /** A page that sets `document.title` from its script after load (see `TitleChangeOptions`). */
  titleChangeUrl(options: TitleChangeOptions): string;
  /**
   * A single-page app at `/spa/<path>` titled `SPA`. Its buttons call `history.pushState` to
   * the URL they name: "Push /spa/next", "Push /spa/next?page=2", and "Set #top" changes
   * only the fragment. Any `/spa/...` path serves the same app.
   */
  spaUrl(path?: string): string;
  /** `/redirect?to=<target>`: answers 302 with `Location: <target>`. */
  redirectUrl(target: string): string;
  /** `/search?q=<query>`: a results page titled `Results for <query>`, with a search form. */
  searchUrl(query: string): string;
  /**
   * A page with a search form (a text box named "Search" and a button "Go") that submits
   * `q` by GET to `/search`.
   */
  searchFormUrl(): string;
  /**
   * `/land?...`: a landing page that removes its own `utm_*` parameters at once with
   * `history.replaceState`, as many sites do.
   */
  landingUrl(query: string): string;
  /** `/audio`: a page with a button "Play" that starts an `<audio loop>` of `/tone.wav`. */
  audioUrl(): string;
  /** `/rr/<path>`: the react-router-dom app (needs `routerApps`). */
  reactAppUrl(path: string): string;
  /** `/vue/<path>`: the vue-router app (needs `routerApps`). */
  vueAppUrl(path: string): string;
  close(): Promise<void>;
}

const PAGE_PATH = /^\/page\/([^/?#]+)$/;
const RETITLE_PATH = /^\/retitle$/;
const SPA_PATH = /^\/spa(\/.*)?$/;

/**
 * Serves tiny HTML pages on 127.0.0.1 with an ephemeral port: `/page/<name>` is a page titled
 * `<name>` (decoded); the other routes are described on `TestPageServer`; everything else is
 * 404. Real http: URLs are what the extension records (docs/design.md §3), and a loopback server
 * needs no network.
 */
export async function startTestPageServer({ routerApps }: { routerApps?: RouterAppBundles } = {}): Promise<TestPageServer> {
  const tone = toneWav();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (request.method !== 'GET') {
      respond(response, 405, 'text/plain; charset=utf-8', 'method not allowed');
      return;
    }
    if (path === '/land') {
      respond(response, 200, HTML, landingHtml());
      return;
    }
    if (path === '/audio') {
      respond(response, 200, HTML, audioHtml());
      return;
    }
    if (path === '/tone.wav') {
      response.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': tone.length, 'Cache-Control': 'no-store' });
      response.end(tone);
      return;
    }
    if (routerApps && (path.startsWith('/rr/') || path.startsWith('/vue/'))) {
      const app = path.startsWith('/rr/') ? 'react' : 'vue';
      respond(response, 200, HTML, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>App</title></head><body><div id="root"></div><script src="/bundles/${app}-app.js"></script></body></html>`);
      return;
    }
    if (routerApps && (path === '/bundles/react-app.js' || path === '/bundles/vue-app.js')) {
      respond(response, 200, 'text/javascript; charset=utf-8', path.includes('react') ? routerApps.react : routerApps.vue);
      return;
    }
    const page = PAGE_PATH.exec(path);
    if (page) {
      const title = decodeURIComponent(page[1]!);
      respond(response, 200, HTML, pageHtml(title, url.searchParams.getAll('link')));
      return;
    }
    if (RETITLE_PATH.test(path)) {
      const initial = url.searchParams.get('initial') ?? undefined;
      const final = url.searchParams.get('final') ?? 'Final title';
      const afterMs = Number(url.searchParams.get('after') ?? '500');
      respond(response, 200, HTML, retitleHtml(initial, final, afterMs));
      return;
    }
    if (SPA_PATH.test(path)) {
      respond(response, 200, HTML, spaHtml());
      return;
    }
    if (path === '/redirect') {
      const target = url.searchParams.get('to') ?? '/';
      response.writeHead(302, { Location: target, 'Cache-Control': 'no-store' });
      response.end();
      return;
    }
    if (path === '/search') {
      const query = url.searchParams.get('q') ?? '';
      respond(response, 200, HTML, searchHtml(query));
      return;
    }
    if (path === '/search-form') {
      respond(response, 200, HTML, searchHtml(null));
      return;
    }
    respond(response, 404, 'text/plain; charset=utf-8', 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  const origin = `http://${host}`;
  const withQuery = (path: string, params: [string, string][]) => {
    const query = new URLSearchParams(params).toString();
    return `${origin}${path}${query ? `?${query}` : ''}`;
  };

  return {
    origin,
    host,
    pageUrl: (name, { links = [] } = {}) =>
      withQuery(
        `/page/${encodeURIComponent(name)}`,
        links.map((link) => ['link', link]),
      ),
    titleChangeUrl: ({ initial, final, afterMs = 500, query = {} }) =>
      withQuery('/retitle', [
        ...(initial === undefined ? [] : [['initial', initial] as [string, string]]),
        ['final', final],
        ['after', String(afterMs)],
        ...Object.entries(query),
      ]),
    spaUrl: (path = 'app') => `${origin}/spa/${path}`,
    redirectUrl: (target) => withQuery('/redirect', [['to', target]]),
    searchUrl: (query) => withQuery('/search', [['q', query]]),
    searchFormUrl: () => `${origin}/search-form`,
    landingUrl: (query) => `${origin}/land?${query}`,
    audioUrl: () => `${origin}/audio`,
    reactAppUrl: (path) => `${origin}/rr/${path}`,
    vueAppUrl: (path) => `${origin}/vue/${path}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Chromium keeps idle keep-alive sockets open; close() alone would wait for them.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const HTML = 'text/html; charset=utf-8';

function respond(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  response.end(body);
}

function document(title: string | undefined, body: string): string {
  return [
    '<!doctype html><html lang="en">',
    '<head><meta charset="utf-8">',
    title === undefined ? '' : `<title>${escapeHtml(title)}</title>`,
    '</head>',
    `<body>${body}</body></html>`,
  ].join('');
}

function pageHtml(title: string, links: string[]): string {
  const text = escapeHtml(title);
  const anchors = links.map(
    (href, i) => `<li><a href="${escapeHtml(href)}">link ${i + 1}</a></li>`,
  );
  return document(
    title,
    [
      `<h1>${text}</h1>`,
      anchors.length > 0 ? `<ul>${anchors.join('')}</ul>` : '',
      '<p><a href="#details">Details</a></p>',
      // Tall enough that the fragment really scrolls.
      '<div style="height: 3000px"></div>',
      `<h2 id="details">Details of ${text}</h2>`,
    ].join(''),
  );
}

function retitleHtml(initial: string | undefined, final: string, afterMs: number): string {
  const delay = Number.isFinite(afterMs) && afterMs >= 0 ? Math.floor(afterMs) : 500;
  return document(
    initial,
    [
      '<h1>A page that retitles itself</h1>',
      '<script>',
      `addEventListener('load', () => setTimeout(() => { document.title = ${scriptString(final)}; }, ${delay}));`,
      '</script>',
    ].join(''),
  );
}

function spaHtml(): string {
  const buttons = ['/spa/next', '/spa/next?page=2'].map(
    (url) =>
      `<button type="button" onclick="history.pushState({}, '', ${escapeHtml(scriptString(url))})">Push ${escapeHtml(url)}</button>`,
  );
  return document(
    'SPA',
    [
      '<h1 id="top">A single-page app</h1>',
      ...buttons,
      `<button type="button" onclick="location.hash = 'top'">Set #top</button>`,
    ].join(''),
  );
}

function landingHtml(): string {
  return document(
    'Landing',
    [
      '<h1>Landing</h1>',
      '<script>',
      "const clean = new URLSearchParams([...new URLSearchParams(location.search)].filter(([name]) => !name.startsWith('utm_')));",
      "history.replaceState(null, '', location.pathname + (clean.size ? '?' + clean : ''));",
      '</script>',
    ].join(''),
  );
}

function audioHtml(): string {
  return document(
    'Audio',
    [
      '<h1>Audio</h1>',
      '<audio id="tone" src="/tone.wav" loop></audio>',
      // Big, at the top left: a real X click at a known spot.
      `<button type="button" style="position:fixed;left:0;top:0;width:300px;height:200px" onclick="document.getElementById('tone').play()">Play</button>`,
    ].join(''),
  );
}

/** One second of a 440 Hz tone, 8 kHz mono 16-bit PCM: a small WAV to loop. */
function toneWav(): Buffer {
  const rate = 8000;
  const samples = rate;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return wav;
}

function searchHtml(query: string | null): string {
  const form = [
    '<form action="/search" method="get" role="search">',
    `<input type="text" name="q" aria-label="Search" value="${escapeHtml(query ?? '')}">`,
    '<button type="submit">Go</button>',
    '</form>',
  ].join('');
  if (query === null) return document('Search', `<h1>Search</h1>${form}`);
  return document(`Results for ${query}`, `${form}<h1>Results for ${escapeHtml(query)}</h1>`);
}

/** A JavaScript string literal, safe inside an HTML `<script>`. */
function scriptString(text: string): string {
  return JSON.stringify(text).replace(/</g, '\\u003c');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
