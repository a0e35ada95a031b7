import { type Command, LIMITS, type Snapshot } from '@streamscope/protocol';
import type { RecentOutcome } from '@streamscope/streams';
import { type Context, Hono } from 'hono';
import { boundedFields, boundedText, boundedType } from '../live/bounded-view.js';
import { assertRedisReady, CommandError } from '../pipeline/command-error.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import {
  namingOverwrittenKeys,
  READ_ONLY_COMMANDS,
  refuseAtOnce,
  runCommand,
} from '../pipeline/run-command.js';
import type { ApiDeps } from './api-routes.js';
import {
  assertUtf8Form,
  bodyText,
  givenTwice,
  parseJson,
  queryArguments,
  queryWithNumbers,
  takenOnly,
} from './api-routes.js';
import type { ClientLimit } from './client-limit.js';
import { parseCommand } from './parse-command.js';

/** The routes of the redis.io reference demo, all served here. */
export const REFERENCE_PATHS = [
  '/state',
  '/replay',
  '/produce',
  '/add-worker',
  '/remove-worker',
  '/crash',
  '/autoclaim',
  '/trim',
  '/reset',
] as const;

/** The reference's replay limit when none is given. */
const REPLAY_DEFAULT = 20;

/**
 * `parseCommand`, its refusal in the route's words: led by the route's path, not the JSON command's type
 * (`consumer.add: name is missing` on /add-worker), and naming the form's fields where the command calls them
 * otherwise (`renames`: the command's argument to the field, `eventType` to `type` on /produce, which refuses
 * `eventType` as a field it does not take).
 */
function parseReferenceCommand(
  c: Context,
  command: { readonly type: Command['type'] } & Record<string, unknown>,
  renames: Readonly<Record<string, string>> = {},
): Command {
  try {
    return parseCommand(command);
  } catch (error) {
    const prefix = `${command.type}: `;
    if (!(error instanceof CommandError && error.message.startsWith(prefix))) throw error;
    const named = (argument: string) => renames[argument] ?? argument;
    const issues = error.message
      .slice(prefix.length)
      .split('; ')
      .map((issue) => issue.replace(/^\w+/, named));
    throw new CommandError(error.code, `${c.req.path}: ${issues.join('; ')}`, {
      fields: error.fields.map(named),
    });
  }
}

/**
 * The redis.io reference demo's routes, form-encoded in and snake_case out, so scripts written for it
 * run unchanged. Each one is a thin translation onto the same commands as the JSON API.
 */
export function referenceRoutes({ pipeline, buildSnapshot, onChange }: ApiDeps, limit: ClientLimit): Hono {
  const ref = new Hono();
  const run = async <T extends Command['type']>(
    c: Context,
    command: { readonly type: T } & Record<string, unknown>,
    expected: T,
  ) => {
    const parsed = parseReferenceCommand(c, command) as Extract<Command, { type: T }>;
    if (parsed.type !== expected) throw new CommandError('bad_request', `expected a ${expected} command`);
    // As on the JSON API: a name taken here is answered 409 without a slot, not 429 while the slots are busy.
    refuseAtOnce(pipeline, parsed);
    const result = await limit.run(c, () => runCommand(pipeline, parsed));
    if (!READ_ONLY_COMMANDS.has(parsed.type)) onChange();
    return result;
  };

  // Every reference route needs Redis; while it is away they say so at once, in the reference's own shape, once
  // the request is read: a malformed one is told what is wrong (400), not to try again later (503). The routes
  // through `run` meet `runCommand`'s check; the other two check for themselves.

  ref.get('/state', async (c) => {
    takenOnly(c, queryArguments(c), []);
    assertRedisReady(pipeline.options.redis);
    return c.json(referenceState(await limit.run(c, buildSnapshot), pipeline));
  });

  ref.get('/replay', async (c) => {
    const query = queryWithNumbers(asTheReferenceReads(takenOnly(c, queryArguments(c), REPLAY_FIELDS)), [
      'count',
    ]);
    const { start = '-', end = '+', count: asked = REPLAY_DEFAULT } = query;
    // As the reference does: a limit past the cap is lowered to it (and the reply's `limit` says so).
    const count = typeof asked === 'number' && asked > LIMITS.replayMax ? LIMITS.replayMax : asked;
    const { entries, stoppedBefore } = await run(c, { type: 'replay', start, end, count }, 'replay');
    return c.json({
      start,
      end,
      limit: count,
      entries: entries.map(({ id, fields }) => ({ id, fields })),
      // Beyond the reference: where a replay cut short by its size goes on from (null when it was not).
      stopped_before: stoppedBefore,
    });
  });

  ref.post('/produce', async (c) => {
    // No type (the reference form's "(random)" sends an empty one) picks one per event; so does `random`.
    const { count = 1, type } = await formOf(c, ['count'], ['count', 'type']);
    const args = produceArgs(
      parseReferenceCommand(c, { type: 'produce', count, eventType: type }, { eventType: 'type' }),
    );
    assertRedisReady(pipeline.options.redis);
    const ids = await limit.run(c, () => namingOverwrittenKeys(pipeline, pipeline.produce(...args)));
    onChange();
    return c.json({ produced: ids.length, ids });
  });

  ref.post('/add-worker', async (c) => {
    const { group, name } = await formOf(c, [], ['group', 'name']);
    const result = await run(c, { type: 'consumer.add', group, name }, 'consumer.add');
    return c.json(result);
  });

  ref.post('/remove-worker', async (c) => {
    const { group, name } = await formOf(c, [], ['group', 'name']);
    try {
      const result = await run(c, { type: 'consumer.remove', group, name }, 'consumer.remove');
      return c.json({ removed: true, handed_over_to: result.handedOverTo, handed_over_count: result.moved });
    } catch (error) {
      // The reference's answers: a consumer it does not run is a 200 with `removed: false`, not an error.
      if (error instanceof CommandError && error.code === 'not_found') {
        return c.json({ removed: false, reason: 'not-found', message: error.message });
      }
      // Only a refusal: a client over its bound is `busy` (429), not short of a peer.
      if (error instanceof CommandError && error.code === 'refused') {
        return c.json({ removed: false, reason: 'no-peer', message: error.message }, 409);
      }
      throw error;
    }
  });

  ref.post('/crash', async (c) => {
    // The reference drops one by default and answers with how many this call queued, not the running total.
    const { group, name, count = 1 } = await formOf(c, ['count'], ['group', 'name', 'count']);
    await run(c, { type: 'consumer.crash', group, name, count }, 'consumer.crash');
    return c.json({ queued: count });
  });

  ref.post('/autoclaim', async (c) => {
    const { group, consumer } = await formOf(c, [], ['group', 'consumer']);
    const result = await run(c, { type: 'autoclaim', group, consumer }, 'autoclaim');
    return c.json({
      claimed: result.claimed,
      processed: result.processed,
      deleted: result.deletedIds,
      min_idle_ms: result.minIdleMs,
    });
  });

  ref.post('/trim', async (c) => {
    const { maxlen } = await formOf(c, ['maxlen'], ['maxlen']);
    const { deleted } = await run(c, { type: 'trim.maxlen', maxlen }, 'trim.maxlen');
    return c.json({ deleted, maxlen });
  });

  ref.post('/reset', async (c) => {
    await formOf(c, [], []);
    const { consumers } = await run(c, { type: 'reset' }, 'reset');
    return c.json({ consumers });
  });

  return ref;
}

function produceArgs(command: Command): [number, string?] {
  if (command.type !== 'produce') throw new CommandError('bad_request', 'expected a produce command');
  return command.eventType === undefined ? [command.count] : [command.count, command.eventType];
}

/**
 * The reference reads `form.get(name) || default` of trimmed text: a field left blank on its form (`start=`,
 * `count=`) is one not given, and `name= worker-y ` is `worker-y`. What is left is checked as strictly as on the
 * JSON API: `count=abc` is an error here, where the reference quietly took its default.
 */
function asTheReferenceReads(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields)
      .map(([name, value]) => [name, value.trim()] as const)
      .filter(([, value]) => value !== ''),
  );
}

const REPLAY_FIELDS = ['start', 'end', 'count'];

/** Form fields (urlencoded or multipart) over query parameters, those the route `takes` only, numeric ones as numbers. */
async function formOf(
  c: Context,
  numeric: readonly string[],
  takes: readonly string[],
): Promise<Record<string, string | number | undefined>> {
  const { body, isJson } = await bodyOf(c);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CommandError('bad_request', 'the body must be form fields or a JSON object of them');
  }
  const fields: Record<string, string> = queryArguments(c);
  for (const [name, value] of Object.entries(body)) {
    // In the query string and the body both (`/crash?count=1000` with count=1 in the form), a field is given
    // twice as much as `count=1&count=1000` is: the body's value won, silently.
    if (Object.hasOwn(fields, name)) {
      throw new CommandError(
        'bad_request',
        `${name} is given in both the query string and the body; give it once`,
      );
    }
    if (typeof value === 'string' || typeof value === 'number') fields[name] = String(value);
    // A form field given twice (`count=1&count=1000`) has no one meaning: the last one used to win, silently.
    else if (!isJson && Array.isArray(value)) throw givenTwice('form field', name, value.length);
    // A form has only text; in JSON anything else (true, [5], null) would otherwise vanish into a default,
    // as a file part of a multipart form (`curl -F count=@n.txt`) did.
    else if (isJson) throw new CommandError('bad_request', `${name} must be a string or a number`);
    else throw new CommandError('bad_request', `${name} must be a text field, not a file`);
  }
  return queryWithNumbers(asTheReferenceReads(takenOnly(c, fields, takes)), numeric);
}

const MULTIPART = /^multipart\/form-data\b/i;
const JSON_TYPE = /^application\/([\w.-]+\+)?json\b/i;
/** `{"count":5}` is never a form: curl's `-d '{"count":5}'` labels it one, and it was read as no fields. */
const LOOKS_LIKE_JSON = /^\s*\{/;

/**
 * The body's fields. Form-encoded as the reference's scripts send it, and read as that whatever its type says, as
 * the reference reads it: `fetch(url, { body: 'count=5' })` sends text/plain, curl's `--data-binary` no type at
 * all. JSON is read too, labelled or not, rather than silently ignored; a multipart form by its own parser.
 */
async function bodyOf(c: Context): Promise<{ body: unknown; isJson: boolean }> {
  const contentType = c.req.header('content-type') ?? '';
  if (MULTIPART.test(contentType)) return { body: await multipartBody(c, contentType), isJson: false };
  const text = await bodyText(c);
  if (JSON_TYPE.test(contentType) || LOOKS_LIKE_JSON.test(text)) {
    return { body: parseJson(text), isJson: true };
  }
  // Its escapes must spell UTF-8 too: URLSearchParams puts U+FFFD in place of what does not.
  assertUtf8Form(text, 'form field');
  // Text that is no form (`count: 5`, `[5]`, `hello`) read as one is a field named by all of it, blank, which the
  // reference's reading drops: the route then ran on its defaults, producing one event where five were meant.
  const notAField = text.split('&').find((part) => part !== '' && !part.includes('='));
  if (notAField !== undefined) {
    throw new CommandError(
      'bad_request',
      `the body is not form fields: ${JSON.stringify(boundedText(notAField, 40))} has no "="; send name=value pairs joined by & (count=5&type=order.paid), or a JSON object`,
    );
  }
  // No prototype: a field named toString or hasOwnProperty found one there and was said to be given twice, and one
  // named __proto__ set the prototype and vanished.
  const form: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    const earlier = form[name];
    form[name] = earlier === undefined ? value : [earlier, value].flat();
  }
  return { body: form, isJson: false };
}

/** A body that does not parse as the form it claims to be is the client's mistake (it was a 500). */
async function multipartBody(c: Context, contentType: string): Promise<Record<string, unknown>> {
  await c.req.arrayBuffer();
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch (error) {
    throw new CommandError(
      'bad_request',
      `the body is not valid ${contentType.split(';')[0]}: ${error instanceof Error ? error.message : error}`,
    );
  }
  // A multipart form's text fields are UTF-8 too (`curl -F type=caf$'\xe9'` was appended as `caf�`). A file part
  // may hold any bytes; formOf refuses it by name, so with one the bytes are not judged here.
  const texts = Object.values(form).flat();
  if (texts.every((value) => typeof value === 'string')) await bodyText(c);
  return form;
}

function referenceState(snapshot: Snapshot, pipeline: Pipeline) {
  return {
    stream: {
      length: snapshot.stream.length,
      last_generated_id: snapshot.stream.lastGeneratedId,
      first_entry_id: snapshot.stream.firstEntryId,
      last_entry_id: snapshot.stream.lastEntryId,
    },
    // Bounded as the snapshot reads them; what was cut is said (`cut`), as for `recent`, not left to look whole.
    tail: snapshot.tail.map(({ id, fields, cut }) => ({ id, fields, ...(cut ? { cut } : {}) })),
    groups: snapshot.groups.map((group) => ({
      name: group.name,
      // The whole count; the detail is the snapshot's, at most LIMITS.snapshotConsumersPerGroup of them.
      consumers: group.consumers.length + group.consumersOmitted,
      pending: group.pending,
      last_delivered_id: group.lastDeliveredId,
      entries_read: group.entriesRead,
      lag: group.lag,
      consumers_detail: group.consumers.map((consumer) => {
        const worker = consumer.worker;
        return {
          name: consumer.name,
          group: group.name,
          processed: worker?.processed ?? 0,
          reaped: worker?.reaped ?? 0,
          crashed_drops: worker?.crashedDrops ?? 0,
          paused: worker?.paused ?? false,
          crash_queued: worker?.crashQueued ?? 0,
          // A consumer of another Streamscope process: alive while its worker's connection is open.
          alive: worker?.alive ?? consumer.connected === true,
          pending: consumer.pending,
          idle_ms: consumer.idleMs,
          recent: (pipeline.pool.find(group.name, consumer.name)?.recent() ?? []).reverse().map(recentView),
        };
      }),
    })),
    pending: snapshot.pending.rows.map((row) => ({
      group: row.group,
      consumer: row.consumer,
      id: row.id,
      idle_ms: row.idleMs,
      deliveries: row.deliveries,
    })),
    stats: {
      produced_total: snapshot.totals.produced,
      acked_total: snapshot.totals.acked,
      claimed_total: snapshot.totals.claimed,
    },
  };
}

/**
 * A worker's recent outcome in the reference's shape. Its fields are bounded as the snapshot's entries are
 * (`boundedFields`, what was cut counted in `cut`): the ring holds entries whole, and ten of another client's
 * 500 KB entries made every poll of GET /state 10 MB.
 */
function recentView(outcome: RecentOutcome) {
  const note =
    outcome.outcome === 'acked'
      ? outcome.deliveryCount !== null && outcome.deliveryCount > 1
        ? `redelivered (attempt ${outcome.deliveryCount})`
        : ''
      : (outcome.reason ?? (outcome.outcome === 'dropped' ? 'crashed before ack' : outcome.outcome));
  const { fields, cut } = boundedFields(outcome.fields ?? {});
  return {
    id: outcome.id,
    type: boundedType(outcome.eventType),
    fields,
    ...(cut ? { cut } : {}),
    acked: outcome.outcome === 'acked',
    note,
  };
}
