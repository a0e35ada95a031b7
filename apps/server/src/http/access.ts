import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';

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
 * Token check for API and WebSocket. Browsers cannot set headers on a WebSocket, so the query string
 * carries it there; the comparison takes the same time whatever the guess.
 */
export function requireToken(options: AccessOptions): MiddlewareHandler {
  const expected = options.token ? Buffer.from(options.token) : undefined;
  return async (c, next) => {
    if (!expected) return next();
    const header = c.req.header('authorization');
    const given = header?.startsWith('Bearer ') ? header.slice(7) : c.req.query('token');
    const buffer = Buffer.from(given ?? '');
    if (buffer.length !== expected.length || !timingSafeEqual(buffer, expected)) {
      throw new HTTPException(401, { message: 'missing or wrong token: send Authorization: Bearer <token>' });
    }
    return next();
  };
}
