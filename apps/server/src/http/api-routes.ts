import type { Command, Snapshot } from '@streamscope/protocol';
import { type Context, Hono } from 'hono';
import { CommandError } from '../pipeline/command-error.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { READ_ONLY_COMMANDS, refuseAtOnce, runCommand } from '../pipeline/run-command.js';
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
    refuseAtOnce(pipeline, command);
    const result = await limit.run(c, () => runCommand(pipeline, command));
    if (!READ_ONLY_COMMANDS.has(command.type)) onChange();
    return c.json(result);
  };

  api.get('/state', async (c) => {
    takenOnly(c, queryArguments(c), []);
    return c.json(await limit.run(c, buildSnapshot));
  });
  api.get('/replay', (c) => {
    const query = withoutBlanks(commandQuery(c));
    return run(c, parseCommand({ ...queryWithNumbers(plusRestored(query), ['count']), type: 'replay' }));
  });
  api.get('/entries', (c) => run(c, parseCommand({ ...commandQuery(c), type: 'entry.find' })));
  api.get('/entries/:id/history', (c) =>
    run(c, parseCommand({ ...commandQuery(c), type: 'entry.history', id: c.req.param('id') })),
  );
  api.post('/commands', async (c) => {
    bodyArgumentsOnly(c);
    const body = await jsonBody(c);
    // A WebSocket message as it is, its `requestId` with it, is a command here too (HTTP pairs its own replies).
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'requestId' in body) {
      const { requestId: _requestId, ...command } = body;
      return run(c, parseCommand(command));
    }
    return run(c, parseCommand(body));
  });
  for (const type of COMMAND_TYPES) {
    api.post(`/${type.replaceAll('.', '/')}`, async (c) => {
      bodyArgumentsOnly(c);
      const body = await jsonBody(c);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new CommandError('bad_request', 'the body must be a JSON object of the command arguments');
      }
      // The route names the command. A `type` in the body is most likely the event type, as the reference calls
      // it: overwritten by the route's, a produce of `order.paid` went in as random types without a word.
      if ('type' in body && body.type !== type) {
        throw new CommandError(
          'bad_request',
          `"type" is the command, which this route names (${type}); ${type === 'produce' || type === 'producer.start' ? 'the event type is "eventType"' : 'leave it out'}`,
          { fields: ['type'] },
        );
      }
      return run(c, parseCommand({ ...body, type }));
    });
  }
  return api;
}

/**
 * `?end=+` reads as a space: in a query string `+` means one. A bound of spaces alone is the `+` typed, as the
 * reference route takes it, and not an ID refused as "must be '-', '+', a stream ID", when `+` was sent.
 */
function plusRestored(query: Record<string, string>): Record<string, string> {
  const restored = { ...query };
  for (const bound of ['start', 'end'] as const) {
    const value = restored[bound];
    if (value !== undefined && value !== '' && value.trim() === '') restored[bound] = '+';
  }
  return restored;
}

/** The request's JSON, `{}` for an empty body; unparseable JSON is the client's error, said plainly. */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await bodyText(c);
  // `count=3`, as the reference's scripts send it: "Unexpected token 'c'" alone did not say what to send instead.
  if (FORM_FIELDS.test(text)) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw new CommandError(
      'bad_json',
      `body is form fields (${shown}), not JSON: send a JSON object of the arguments here, or the form to the reference routes (POST /produce, /crash, …)`,
    );
  }
  return parseJson(text);
}

const FORM_FIELDS = /^[\w.-]+=[^{}[\]"]*$/;

/** A body's JSON; an empty body is no fields. */
export function parseJson(text: string): unknown {
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

/** A query string's arguments, each given once (see `queryOnce`), without `token`: the credential, no argument. */
export function queryArguments(c: Context): Record<string, string> {
  // Deleted from queryOnce's own object, not spread into a new one: that keeps its null prototype (see there).
  const query = queryOnce(c);
  delete query.token;
  return query;
}

/**
 * A POST route's arguments are its JSON body's: one in the query string (`?eventType=order.shipped`) was dropped
 * while the command ran on its default, random types produced where one was meant.
 */
function bodyArgumentsOnly(c: Context): void {
  const given = Object.keys(queryArguments(c));
  if (given.length === 0) return;
  throw new CommandError(
    'bad_request',
    `${c.req.path} takes its arguments in the JSON body, not the query string: got ${given.join(', ')}`,
  );
}

/**
 * A query without its blank parameters: a replay's blank bound or limit is one not given, as /replay reads it (a
 * form's empty field), where `?start=&count=5` was refused, "start: must be '-', '+', …". Not a search's: there an
 * empty value is a value.
 */
function withoutBlanks(query: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(query)) if (value === '') delete query[name];
  return query;
}

/**
 * `queryArguments` of a command's GET route. One named `type` is refused: the route names the command, and a
 * `type` set after it would be dropped unheard, before it would turn a read into another command.
 */
function commandQuery(c: Context): Record<string, string> {
  const query = queryArguments(c);
  if (Object.hasOwn(query, 'type')) {
    throw new CommandError(
      'bad_request',
      `${c.req.path} takes no query parameter type: the route names the command`,
    );
  }
  return query;
}

/**
 * The query's parameters, each given once: `?count=5&count=500` means no one thing, and taking the first (as
 * `c.req.query()` does) or the last would hide the mistake behind an answer to a question not asked.
 */
export function queryOnce(c: Context): Record<string, string> {
  assertUtf8Form(new URL(c.req.url).search.slice(1), 'query parameter');
  // No prototype: a parameter named __proto__ set the prototype and vanished, where any other unknown one is refused.
  const query: Record<string, string> = Object.create(null);
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length > 1) throw givenTwice('query parameter', name, values.length);
    query[name] = values[0] ?? '';
  }
  return query;
}

export function givenTwice(what: string, name: string, times: number): CommandError {
  return new CommandError('bad_request', `${what} ${name} is given ${times} times; give it once`);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/**
 * The body as text, which must be UTF-8 (JSON always is; forms are, as browsers send them). Other bytes (a
 * Latin-1 `é`, 0xE9) used to be read as U+FFFD and stored so: an event type `café` was appended as `caf�`.
 */
export async function bodyText(c: Context): Promise<string> {
  const charset = CHARSET.exec(c.req.header('content-type') ?? '')?.[1];
  if (charset !== undefined && !/^(utf-?8|us-ascii)$/i.test(charset)) {
    throw new CommandError('bad_request', `charset ${charset} is not supported: send the body in UTF-8`);
  }
  try {
    return UTF8.decode(await c.req.arrayBuffer());
  } catch {
    throw new CommandError('bad_request', 'the body is not valid UTF-8: send it in UTF-8');
  }
}

/**
 * Percent-escapes must spell UTF-8 too: `type=caf%E9` (from a Latin-1 form) was read as `caf�` in a body and
 * as `caf%E9` itself in a query string. A `%` that starts no escape stays a `%`, as both parsers read it.
 */
export function assertUtf8Form(text: string, what: 'form field' | 'query parameter'): void {
  for (const pair of text.split('&')) {
    try {
      decodeURIComponent(pair.replaceAll('+', ' ').replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
    } catch {
      const name = pair.split('=')[0] ?? '';
      throw new CommandError(
        'bad_request',
        `${what} ${name.length > 40 ? `${name.slice(0, 40)}…` : name} is not percent-encoded UTF-8 (from a Latin-1 page?): send it in UTF-8`,
      );
    }
  }
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

/**
 * The fields a route takes, and no other: one misspelt or of the JSON API's naming (`evenType`, `eventType` on
 * /produce) was dropped while the route ran on its default, random types produced where order.paid was meant. The
 * JSON API's /api/state says it in the same words.
 */
export function takenOnly<Fields extends Record<string, unknown>>(
  c: Context,
  fields: Fields,
  takes: readonly string[],
): Fields {
  const unknown = Object.keys(fields).filter((name) => !takes.includes(name));
  if (unknown.length > 0) {
    const named = unknown.map((name) => JSON.stringify(name)).join(', ');
    throw new CommandError(
      'bad_request',
      `${c.req.path} takes no field${unknown.length === 1 ? '' : 's'} ${named}: ${takes.length === 0 ? 'it takes none' : `it takes ${takes.join(', ')}`}`,
    );
  }
  return fields;
}
