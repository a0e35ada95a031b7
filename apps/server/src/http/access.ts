import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isLoopback } from '../config.js';

export interface AccessOptions {
  /** Required on every API and WebSocket request when set: `Authorization: Bearer …` or `?token=…`. */
  readonly token?: string | undefined;
  /** Origins besides the server's own that may open the WebSocket or post forms (a dev server, say). */
  readonly allowedOrigins?: readonly string[] | undefined;
}

/** The page's own origin, and any the operator allowed; a foreign page must not drive the pipeline. */
export function originAllowed(origin: string, c: Context, options: AccessOptions): boolean {
  return origin === new URL(c.req.url).origin || (options.allowedOrigins ?? []).includes(origin);
}

/**
 * Without a token the server listens on loopback only, and every request must name a loopback host too. A
 * foreign site that points its own hostname at 127.0.0.1 (DNS rebinding) is same-origin with its pages, so
 * it passes every Origin check; only the Host it names still gives it away.
 */
export function refuseForeignHost(options: AccessOptions): MiddlewareHandler {
  const allowedHosts = new Set((options.allowedOrigins ?? []).map((origin) => new URL(origin).hostname));
  return async (c, next) => {
    if (options.token) return next();
    const { hostname } = new URL(c.req.url);
    if (!isLoopbackName(hostname) && !allowedHosts.has(hostname)) {
      throw new HTTPException(403, {
        message: `requests for host ${hostname} are refused: without --token this server answers only to localhost, 127.0.0.1 or [::1]`,
      });
    }
    return next();
  };
}

/** A Host header's name for this machine: a listen address `isLoopback` takes, `[::1]` as URLs write it, `*.localhost`. */
function isLoopbackName(hostname: string): boolean {
  return isLoopback(hostname) || hostname.endsWith('.localhost') || hostname === '[::1]';
}

/**
 * Token check for API and WebSocket. Browsers cannot set headers on a WebSocket, so the query string
 * carries it there. Digests of equal length are compared, so the time taken says nothing of the token,
 * not even its length.
 */
export function requireToken(options: AccessOptions): MiddlewareHandler {
  const expected = options.token ? digest(options.token) : undefined;
  return async (c, next) => {
    if (!expected) return next();
    // The scheme is case-insensitive (RFC 9110); a header with another scheme falls back to the query.
    const bearer = /^bearer +(.*)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const given = bearer ?? c.req.query('token');
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      throw new HTTPException(401, { message: 'missing or wrong token: send Authorization: Bearer <token>' });
    }
    return next();
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
