import type { Command, Snapshot } from '@streamscope/protocol';
import { type Context, Hono } from 'hono';
import { CommandError } from '../pipeline/command-error.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { runCommand } from '../pipeline/run-command.js';
import type { ClientLimit } from './client-limit.js';
import { COMMAND_TYPES, parseCommand } from './parse-command.js';

export interface ApiDeps {
  readonly pipeline: Pipeline;
  readonly buildSnapshot: () => Promise<Snapshot>;
  /** Called after every command that succeeded, so browsers see its effect at once. */
  readonly onChange: () => void;
}

/**
 * The JSON API: `GET /state`, and every command as `POST /<type with dots as slashes>` with its
 * arguments as a JSON body (`POST /api/consumer/add {"group":"analytics","name":"worker-d"}`), or as
 * `POST /commands` with the whole command, exactly as the WebSocket takes it.
 */
export function apiRoutes({ pipeline, buildSnapshot, onChange }: ApiDeps, limit: ClientLimit): Hono {
  const api = new Hono();
  // Validated first: a malformed request is answered 400 without taking one of the client's slots.
  const run = async (c: Context, command: Command) => {
    const result = await limit.run(c, () => runCommand(pipeline, command));
    onChange();
    return c.json(result);
  };

  api.get('/state', async (c) => c.json(await limit.run(c, buildSnapshot)));
  api.get('/replay', (c) =>
    // The type goes last: a query parameter named `type` must not turn this read into another command.
    run(c, parseCommand({ ...queryWithNumbers(queryOnce(c), ['count']), type: 'replay' })),
  );
  api.get('/entries/:id/history', (c) =>
    run(c, parseCommand({ type: 'entry.history', id: c.req.param('id') })),
  );
  api.post('/commands', async (c) => run(c, parseCommand(await jsonBody(c))));
  for (const type of COMMAND_TYPES) {
    api.post(`/${type.replaceAll('.', '/')}`, async (c) => {
      const body = await jsonBody(c);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new CommandError('bad_request', 'the body must be a JSON object of the command arguments');
      }
      return run(c, parseCommand({ ...body, type }));
    });
  }
  return api;
}

/** The request's JSON, `{}` for an empty body; unparseable JSON is the client's error, said plainly. */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CommandError(
      'bad_json',
      `body is not valid JSON: ${error instanceof Error ? error.message : error}`,
    );
  }
}

/**
 * The query's parameters, each given once: `?count=5&count=500` means no one thing, and taking the first (as
 * `c.req.query()` does) or the last would hide the mistake behind an answer to a question not asked.
 */
export function queryOnce(c: Context): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length > 1) throw givenTwice('query parameter', name, values.length);
    query[name] = values[0] ?? '';
  }
  return query;
}

export function givenTwice(what: string, name: string, times: number): CommandError {
  return new CommandError('bad_request', `${what} ${name} is given ${times} times; give it once`);
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Query strings are text; turn the named numeric ones into numbers (or leave junk for the schema to reject). */
export function queryWithNumbers(
  query: Record<string, string>,
  numeric: readonly string[],
): Record<string, string | number> {
  const result: Record<string, string | number> = { ...query };
  for (const name of numeric) {
    const value = query[name];
    // Plain decimals only: Number() would also read `0x10`, `1e3` and `0b11`, which no form means.
    if (value !== undefined && DECIMAL.test(value.trim())) result[name] = Number(value);
  }
  return result;
}
