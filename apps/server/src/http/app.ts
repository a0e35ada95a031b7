import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { methodNotAllowed } from 'hono/method-not-allowed';
import type { Registry } from 'prom-client';
import { WebSocketServer } from 'ws';
import type { LiveHub } from '../live/live-hub.js';
import { assertRedisReady } from '../pipeline/command-error.js';
import { type AccessOptions, originAllowed, refuseForeignHost, requireToken } from './access.js';
import { type ApiDeps, apiRoutes } from './api-routes.js';
import { ClientLimit } from './client-limit.js';
import { type ErrorReply, errorReply, retryAfter } from './error-reply.js';
import { liveSocket, upgradeRefusalsSay } from './live-socket.js';
import { REFERENCE_PATHS, referenceRoutes } from './reference-routes.js';

/** Bodies are a handful of fields; anything bigger is a mistake or an attack. */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** WebSocket messages from browsers are commands of a few hundred bytes. */
export const WS_MAX_PAYLOAD_BYTES = 64 * 1024;

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export interface AppOptions extends ApiDeps, AccessOptions {
  readonly hub: LiveHub;
  /** What `/metrics` renders (Prometheus text format). */
  readonly metrics: Registry;
  /** The built dashboard; the default is apps/web/dist in this repository. */
  readonly webRoot?: string;
  /** How often browser sockets are pinged (see `keepAlive`); tests shorten it. */
  readonly heartbeatMs?: number;
}

/** The whole HTTP surface; `serve({ fetch: app.fetch, websocket: { server: wss } })` runs it. */
export function createApp(options: AppOptions): { app: Hono; wss: WebSocketServer } {
  const app = new Hono();
  const access: AccessOptions = { token: options.token, allowedOrigins: options.allowedOrigins };
  const guard = requireToken(access);

  app.onError((error, c) => errorJson(c, errorReply(error)));
  app.notFound((c) =>
    errorJson(c, { status: 404, code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }),
  );

  // The dashboard's buttons reset and trim the stream: a foreign page must not frame it (its requests name
  // 127.0.0.1 and pass every other check) and trick a click. No answer is to be sniffed as another type either.
  app.use('*', async (c, next) => {
    await next();
    c.header('x-frame-options', 'DENY');
    c.header('content-security-policy', "frame-ancestors 'none'");
    c.header('x-content-type-options', 'nosniff');
  });
  // A path that is served, asked with another method (GET /produce): 405 naming the ones it takes, which a
  // script's author can act on, rather than the 404 that says the route is not there.
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => {
        const reply = {
          code: 'bad_request',
          message: `${c.req.path} takes ${methods.join(' or ')}, not ${c.req.method}`,
        } as const;
        return c.json(errorBody(c.req.path, reply), 405, { allow: methods.join(', ') });
      },
    }),
  );
  app.use(
    '*',
    bodyLimit({
      maxSize: BODY_LIMIT_BYTES,
      onError: (c) =>
        errorJson(c, {
          status: 413,
          code: 'bad_request',
          message: `request body over ${BODY_LIMIT_BYTES} bytes`,
        }),
    }),
  );
  // First of what can refuse an upgrade (a foreign host here, a foreign origin or a missing token at /ws): each
  // refusal's message is then in the header a WebSocket client can read (see there).
  app.use('*', upgradeRefusalsSay);
  app.use('*', refuseForeignHost(access));
  // Form posts from a foreign page would otherwise drive the reference routes (a classic CSRF). Browsers
  // always label such requests with Origin or Sec-Fetch-Site; scripts (curl) send neither and pass.
  const refuseForeignForms = csrf({ origin: (origin, c) => originAllowed(origin, c, access) });
  app.use('*', (c, next) =>
    c.req.header('origin') !== undefined || c.req.header('sec-fetch-site') !== undefined
      ? refuseForeignForms(c, next)
      : next(),
  );

  const requireRedis: MiddlewareHandler = (_c, next) => {
    assertRedisReady(options.pipeline.options.redis);
    return next();
  };

  app.get('/metrics', guard, async (c) =>
    c.body(await options.metrics.metrics(), 200, { 'content-type': options.metrics.contentType }),
  );
  app.get(
    '/ws',
    guard,
    ...liveSocket(options.pipeline, options.hub, access, {
      ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    }),
  );
  // Every method, not only the routes' own: a wrong one is answered 401 without the token, as on /api, not 405.
  app.use('/metrics', guard);
  app.use('/ws', guard);
  app.use('/api/*', guard);
  // Commands check for themselves (some work without Redis); the snapshot always needs it.
  app.use('/api/state', requireRedis);
  // One count per client across both route sets: the reference's /produce must not be a way around it.
  const limit = new ClientLimit();
  app.route('/api', apiRoutes(options, limit));

  const reference = referenceRoutes(options, limit);
  for (const path of REFERENCE_PATHS) app.use(path, guard);
  app.route('/', reference);

  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  // Looked for per request until found, not once at startup: a dashboard built while the server runs is
  // served at once. (serveStatic itself complains on creation when its root is missing.)
  let dashboardFiles: MiddlewareHandler | undefined;
  // Vite names each built asset by its content: kept a year, never asked again; the page itself is asked each
  // time, so a rebuilt dashboard is what the next load gets.
  app.use('/*', async (c, next) => {
    await next();
    if (
      !['GET', 'HEAD'].includes(c.req.method) ||
      c.res.status !== 200 ||
      c.res.headers.has('cache-control')
    ) {
      return;
    }
    const asset = c.req.path.startsWith('/assets/');
    if (asset) c.header('cache-control', 'public, max-age=31536000, immutable');
    else if (c.req.path === '/' || c.req.path === '/index.html') c.header('cache-control', 'no-cache');
    else return;
    // Whichever copy went (brotli, gzip or the file itself): a cache that kept the file itself for a year would
    // otherwise hand it to browsers that take the smaller ones. serveStatic says so only of the compressed.
    if (!c.res.headers.get('vary')?.toLowerCase().includes('accept-encoding')) {
      c.header('vary', 'Accept-Encoding', { append: true });
    }
  });
  app.use('/*', (c, next) => {
    if (dashboardFiles === undefined && existsSync(join(webRoot, 'index.html'))) {
      // The build writes brotli and gzip copies beside each file (see the web app's vite.config.ts).
      dashboardFiles = serveStatic({ root: webRoot, precompressed: true });
    }
    return dashboardFiles ? dashboardFiles(c, next) : next();
  });
  app.get('/', (c) =>
    c.text(
      `The dashboard is not built (${webRoot}/index.html is missing): run pnpm --filter @streamscope/web build, then reload`,
      503,
    ),
  );

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
  });
  return { app, wss };
}

const REFERENCE_PATH_SET: ReadonlySet<string> = new Set(REFERENCE_PATHS);

/**
 * An error in the words its client reads: the reference demo's page and scripts show `error`, the JSON API's
 * clients `message`. A refused token, an oversized body or a foreign host on a reference route is told as the
 * route's own errors are (it came as `{ code, message }`, and the reference page showed "undefined").
 */
function errorJson(c: Context, { status, ...reply }: ErrorReply): Response {
  return c.json(errorBody(c.req.path, reply), status, retryAfter(status));
}

/** An error's body for a request to `path`: `{ error, code }` on a reference route, else `{ code, message }`. */
export function errorBody(path: string, { code, message, fields }: Omit<ErrorReply, 'status'>) {
  return REFERENCE_PATH_SET.has(path)
    ? { error: message, code }
    : { code, message, ...(fields ? { fields } : {}) };
}
