import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import { DEMO_EVENT_TYPES, LIMITS, type Snapshot } from '@streamscope/protocol';
import { ProduceStoppedError } from '@streamscope/streams';
import { describe, expect, it, vi } from 'vitest';
import { MAX_REQUESTS_PER_CLIENT } from './http/client-limit.js';
import { holdAppends } from './testing/held-appends.js';
import { json, postJson, serverForSuite, startTestServer } from './testing/test-server.js';

const test = serverForSuite();

const post = (path: string, body: unknown) => postJson(test, path, body);

async function waitForAcks(total: number) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (test.server.pipeline.totals().acked >= total) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`acked ${test.server.pipeline.totals().acked} of ${total}`);
}

describe('JSON API', () => {
  it('produces, reports state, replays, and tells one entry history', async () => {
    const produced = await post('/api/produce', { count: 20, eventType: 'order.paid' });
    expect(produced.status).toBe(200);
    const { produced: count, firstId, lastId } = await json(produced);
    expect(count).toBe(20);
    await waitForAcks(40); // each of the 20 entries once per group
    const state = await json(await test.server.app.request('/api/state'));
    expect(state.stream.length).toBe(20);
    expect(state.stream.lastEntryId).toBe(lastId);
    expect(state.groups.map((group: { name: string }) => group.name).sort()).toEqual([
      'analytics',
      'notifications',
    ]);
    expect(state.totals.produced).toBe(20);

    const replay = await json(await test.server.app.request(`/api/replay?start=${firstId}&end=%2B&count=5`));
    expect(replay.entries).toHaveLength(5);
    expect(replay.entries[0].id).toBe(firstId);
    expect(replay.entries[0].fields.type).toBe('order.paid');

    const history = await json(await test.server.app.request(`/api/entries/${firstId}/history`));
    expect(history.entry.id).toBe(firstId);
    if (firstId.endsWith('-0')) {
      // The millisecond part alone names the same entry, and finds the same history.
      const short = await json(await test.server.app.request(`/api/entries/${firstId.slice(0, -2)}/history`));
      expect(short.id).toBe(firstId);
      expect(short.events).toEqual(history.events);
    }
    const kinds = history.events.map(
      (event: { kind: string; group: string | null }) => `${event.kind}:${event.group}`,
    );
    expect(kinds[0]).toBe('produced:null');
    expect(kinds).toContain('acked:analytics');
    expect(kinds).toContain('acked:notifications');
    // Its steps' times run forward from the append.
    const times = history.events.map((event: { ts: number }) => event.ts);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Where it stands now, read from Redis: acked in both groups, so done.
    expect(history.places).toEqual([
      { group: 'analytics', lastDeliveredId: lastId, state: 'done' },
      { group: 'notifications', lastDeliveredId: lastId, state: 'done' },
    ]);
    expect(history.groupsOmitted).toBe(0);
  });

  it('says how much of a batch went in when it failed part-way, and those entries have their timelines', async () => {
    const { pipeline } = test.server;
    const produceBatch = pipeline.stream.produceBatch.bind(pipeline.stream);
    // As produceBatch reports a later chunk refused (OOM) after the first was appended.
    const partly = vi.spyOn(pipeline.stream, 'produceBatch').mockImplementation(async (events) => {
      const ids = await produceBatch(events.slice(0, 2));
      throw new ProduceStoppedError(
        `XADD batch failed: OOM command not allowed (after appending 2 of the batch's ${events.length} events)`,
        [...ids, ...new Array<null>(events.length - 2).fill(null)],
      );
    });
    try {
      const answer = await post('/api/produce', { count: 5 });
      // Redis out of memory is passing (503), said in plain words, with how much of the batch went in.
      expect(answer.status).toBe(503);
      expect((await json(answer)).message).toMatch(
        /^Redis is out of memory: .* \(2 of the batch's 5 events went in\)$/,
      );
    } finally {
      partly.mockRestore();
    }
    const [newest] = await pipeline.stream.tail(1);
    expect(pipeline.history.of(newest?.id ?? '')[0]).toMatchObject({ kind: 'produced' });
  });

  it("times an entry's append from when XADD was sent: a delivery read before its reply comes after it", async () => {
    const { pipeline } = test.server;
    const produceBatch = pipeline.stream.produceBatch.bind(pipeline.stream);
    // The reply is slow to come back; the workers, blocked on their own connections, read the entry meanwhile.
    const slowReply = vi.spyOn(pipeline.stream, 'produceBatch').mockImplementation(async (events) => {
      const ids = await produceBatch(events);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return ids;
    });
    try {
      const acked = pipeline.totals().acked;
      const { lastId } = await json(await post('/api/produce', { count: 1 }));
      await waitForAcks(acked + 2);
      const events = pipeline.history.of(lastId);
      const produced = events.find((event) => event.kind === 'produced');
      const delivered = events.filter((event) => event.kind === 'delivered');
      expect(delivered).toHaveLength(2);
      for (const delivery of delivered) expect(produced?.ts).toBeLessThanOrEqual(delivery.ts);
    } finally {
      slowReply.mockRestore();
    }
  });

  it('crashes, autoclaims with delivery count 2, and trims', async () => {
    // analytics has one consumer, so the crashed entries are exactly the next two produced.
    const crash = await post('/api/consumer/crash', { group: 'analytics', name: 'worker-c', count: 2 });
    expect(crash.status).toBe(200);
    await post('/api/produce', { count: 2 });
    const pending = async () =>
      (await json<Snapshot>(await test.server.app.request('/api/state'))).pending.rows;
    await expect.poll(async () => (await pending()).length).toBe(2);
    for (const row of await pending())
      expect(row.eventType).toMatch(/^order\.(placed|paid|shipped|cancelled)$/);
    await new Promise((resolve) => setTimeout(resolve, 250)); // past --claim-idle-ms 200
    const claim = await json(await post('/api/autoclaim', { group: 'analytics', consumer: 'worker-c' }));
    expect(claim).toMatchObject({ claimed: 2, processed: 2, deleted: 0, minIdleMs: 200 });
    expect(await pending()).toEqual([]);
    const recent = test.server.pipeline.pool.find('analytics', 'worker-c')?.recent() ?? [];
    expect(
      recent.filter((outcome) => outcome.deliveryCount === 2 && outcome.outcome === 'acked'),
    ).toHaveLength(2);

    const trimmed = await json(await post('/api/trim/maxlen', { maxlen: 0, approx: false }));
    expect(trimmed).toMatchObject({ length: 0 });
    expect(trimmed.deleted).toBeGreaterThan(0);
    const byAge = await json(await post('/api/trim/minid', { olderThanMs: 60_000 }));
    expect(byAge).toMatchObject({ deleted: 0, length: 0 });

    // An entry trimmed while pending shows as such: no type is left to show.
    await post('/api/consumer/crash', { group: 'analytics', name: 'worker-c', count: 1 });
    await post('/api/produce', { count: 1 });
    await expect.poll(async () => (await pending()).length).toBe(1);
    await post('/api/trim/maxlen', { maxlen: 0, approx: false });
    expect((await pending())[0]?.eventType).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(
      await json(await post('/api/autoclaim', { group: 'analytics', consumer: 'worker-c' })),
    ).toMatchObject({ claimed: 0, deleted: 1 });
  });

  it('adds and removes consumers; refuses to remove the last one of a group', async () => {
    expect(await json(await post('/api/consumer/add', { group: 'analytics', name: 'worker-x' }))).toEqual({
      group: 'analytics',
      name: 'worker-x',
    });
    const duplicate = await post('/api/consumer/add', { group: 'analytics', name: 'worker-x' });
    expect(duplicate.status).toBe(409);
    expect((await json(duplicate)).message).toMatch(/already exists/);
    const removed = await json(await post('/api/consumer/remove', { group: 'analytics', name: 'worker-x' }));
    expect(removed).toMatchObject({ group: 'analytics', name: 'worker-x', handedOverTo: 'worker-c' });
    const last = await post('/api/consumer/remove', { group: 'analytics', name: 'worker-c' });
    expect(last.status).toBe(409);
    expect(await json(last)).toMatchObject({ code: 'refused' });
    expect(test.server.pipeline.pool.find('analytics', 'worker-c')?.status().state).toBe('running');
  });

  it("lists a group's consumers in counting order, a new one in its place before its first read", async () => {
    const names = ['worker-10', 'worker-2', 'worker-1'];
    for (const name of names) await post('/api/consumer/add', { group: 'analytics', name });
    const state: Snapshot = await json(await test.server.app.request('/api/state'));
    const analytics = state.groups.find((group) => group.name === 'analytics');
    expect(analytics?.consumers.map((consumer) => consumer.name)).toEqual([
      'worker-1',
      'worker-2',
      'worker-10',
      'worker-c',
    ]);
    for (const name of names) await post('/api/consumer/remove', { group: 'analytics', name });
  });

  it('runs the generic command route, producer start/stop, and reset', async () => {
    const started = await json(await post('/api/commands', { type: 'producer.start', rate: 500 }));
    expect(started).toEqual({ running: true, rate: 500, eventType: null });
    await expect.poll(() => test.server.pipeline.totals().produced).toBeGreaterThan(30);
    expect(await json(await post('/api/producer/stop', {}))).toEqual({ running: false });
    const reset = await json(await post('/api/reset', ''));
    expect(reset).toEqual({ groups: 2, consumers: 3 });
    expect(test.server.pipeline.totals()).toEqual({ produced: 0, acked: 0, claimed: 0, deadLettered: 0 });
  });

  it('overlapping resets (a double-click) run one after the other and leave every seed in place', async () => {
    // Busy workers make a reset slow enough for the second to arrive while the first is under way.
    await post('/api/produce', { count: 2_000 });
    const replies = await Promise.all([
      post('/api/reset', ''),
      new Promise((resolve) => setTimeout(resolve, 20)).then(() => post('/api/reset', '')),
      new Promise((resolve) => setTimeout(resolve, 60)).then(() =>
        post('/api/consumer/add', { group: 'notifications', name: 'worker-a' }),
      ),
    ]);
    expect(replies[0]?.status).toBe(200);
    expect(replies[1]?.status).toBe(200);
    const state: Snapshot = await json(await test.server.app.request('/api/state'));
    expect(
      Object.fromEntries(
        state.groups.map((group) => [group.name, group.consumers.map((c) => c.name).sort()]),
      ),
    ).toEqual({ analytics: ['worker-c'], notifications: ['worker-a', 'worker-b'] });
    for (const worker of test.server.pipeline.pool.workers()) expect(worker.status().state).toBe('running');
    const groups = await test.server.pipeline.stream.infoGroups();
    expect(groups.map((group) => group.name).sort()).toEqual(['analytics', 'notifications']);
  });
});

describe('JSON API: crashes queued', () => {
  it('stand at most 1,000 on a consumer, however many calls queued them', async () => {
    const consumer = { group: 'notifications', name: 'crash-bound' };
    expect((await post('/api/consumer/add', consumer)).status).toBe(200);
    // Paused, it reads nothing, and its queue stays as queued.
    expect((await post('/api/consumer/pause', consumer)).status).toBe(200);
    expect(await json(await post('/api/consumer/crash', { ...consumer, count: 999 }))).toMatchObject({
      crashQueued: 999,
    });
    const over = await post('/api/consumer/crash', { ...consumer, count: 2 });
    expect(over.status).toBe(409);
    expect((await json(over)).message).toBe(
      'consumer notifications/crash-bound has 999 crashes queued; at most 1000 may be, so only 1 more',
    );
    expect(await json(await post('/api/consumer/crash', { ...consumer, count: 1 }))).toMatchObject({
      crashQueued: 1_000,
    });
    expect((await json(await post('/api/consumer/crash', { ...consumer, count: 1 }))).message).toBe(
      'consumer notifications/crash-bound has 1000 crashes queued, the most it may have',
    );
    expect((await post('/api/consumer/remove', consumer)).status).toBe(200);
  });
});

describe('JSON API: bad input changes nothing and says what was wrong', () => {
  const cases: [string, string, unknown, RegExp][] = [
    ['count below 1', '/api/produce', { count: 0 }, /count must be at least 1/],
    ['count above the limit', '/api/produce', { count: 10_001 }, /count must be at most 10,000/],
    ['count not a number', '/api/produce', { count: 'many' }, /count must be a number/],
    ['fractional count', '/api/produce', { count: 1.5 }, /whole number/],
    // zod's int() also calls one past 2^53 "not a whole number"; the bound is what is wrong with it.
    ['a count past 2^53', '/api/produce', { count: 1e20 }, /^produce: count must be at most 10,000$/],
    ['rate above 50k', '/api/producer/start', { rate: 50_001 }, /rate must be at most 50,000/],
    ['empty group', '/api/consumer/add', { group: '', name: 'x' }, /group: must not be empty/],
    ['odd characters in a name', '/api/consumer/add', { group: 'g', name: 'a b' }, /name: may contain only/],
    ['malformed replay bound', '/api/replay', { start: 'yesterday' }, /start: must be/],
    ['replay over 500', '/api/replay', { count: 501 }, /count must be at most 500/],
    [
      'an ID over 64 bits',
      '/api/commands',
      { type: 'entry.history', id: '99999999999999999999-0' },
      /id: has a part over 18446744073709551615/,
    ],
    [
      'the timeline of 0-0',
      '/api/commands',
      { type: 'entry.history', id: '0-0' },
      /id: 0-0 is no entry's ID: Redis appends none at it/,
    ],
    [
      'the timeline of 0, a bare millisecond read as 0-0',
      '/api/commands',
      { type: 'entry.history', id: '0' },
      /id: 0-0 is no entry's ID/,
    ],
    [
      'the timeline of 00-000',
      '/api/commands',
      { type: 'entry.history', id: '00-000' },
      /id: 0-0 is no entry's ID/,
    ],
    ['an empty event type', '/api/produce', { count: 1, eventType: '' }, /eventType: must not be empty$/],
    [
      'both minId and age',
      '/api/trim/minid',
      { minId: '1-0', olderThanMs: 5 },
      /exactly one of minId or olderThanMs/,
    ],
    ['not JSON', '/api/produce', '{count: 3', /not valid JSON/],
    ['an array body', '/api/produce', [1, 2], /JSON object/],
    ['unknown command', '/api/commands', { type: 'flushall' }, /unknown command type "flushall"/],
    [
      'a count past any number',
      '/api/produce',
      '{"count": 1e400}',
      /^produce: count must be at most 10,000$/,
    ],
    ['no command type', '/api/commands', { count: 1 }, /^"type" is missing; give one of produce, /],
    [
      'form fields',
      '/api/produce',
      'count=3&type=order.paid',
      /^body is form fields \(count=3&type=order\.paid\), not JSON: send a JSON object of the arguments/,
    ],
  ];
  it.each(cases)('%s', async (_label, path, body, message) => {
    const before = await json(await test.server.app.request('/api/state'));
    const response = await post(path, body);
    expect(response.status).toBe(400);
    expect((await json(response)).message).toMatch(message);
    const after = await json(await test.server.app.request('/api/state'));
    expect(after.stream.length).toBe(before.stream.length);
    expect(after.groups.map((g: { name: string }) => g.name)).toEqual(
      before.groups.map((g: { name: string }) => g.name),
    );
  });

  it('GET routes refuse query parameters they do not take, naming them', async () => {
    const asked = async (path: string) => {
      const response = await test.server.app.request(path);
      return [response.status, (await json(response)).message];
    };
    expect(await asked('/api/state?x=1')).toEqual([400, '/api/state takes no field "x": it takes none']);
    expect((await asked('/api/entries/1-0/history?x=1'))[0]).toBe(400);
    const reference = await test.server.app.request('/state?x=1');
    expect(reference.status).toBe(400);
    expect((await json(reference)).error).toMatch(/\/state takes no field "x"/);
  });

  it('POST routes take their arguments from the body: one in the query string is refused, and nothing runs', async () => {
    const before = await json(await test.server.app.request('/api/state'));
    for (const path of ['/api/produce?eventType=order.shipped&foo=bar', '/api/commands?count=5']) {
      const response = await post(path, path.includes('commands') ? { type: 'produce' } : { count: 1 });
      expect(response.status).toBe(400);
      expect((await json(response)).message).toMatch(
        /takes its arguments in the JSON body, not the query string: got /,
      );
    }
    expect((await post('/api/reset?really=no', {})).status).toBe(400);
    const after = await json(await test.server.app.request('/api/state'));
    expect(after.totals.produced).toBe(before.totals.produced);
  });

  it('GET /api/replay reads a blank query parameter as one not given, as /replay does', async () => {
    const blank = await json(await test.server.app.request('/api/replay?start=&end=&count='));
    const given = await json(await test.server.app.request('/api/replay'));
    expect(blank.entries).toEqual(given.entries);
  });

  it('GET /api/replay only ever replays: a query naming another command is refused, and changes nothing', async () => {
    const before = await json(await test.server.app.request('/api/state'));
    const response = await test.server.app.request('/api/replay?type=reset&count=5');
    expect(response.status).toBe(400);
    expect((await json(response)).message).toBe(
      '/api/replay takes no query parameter type: the route names the command',
    );
    const after = await json(await test.server.app.request('/api/state'));
    expect(after.stream.length).toBe(before.stream.length);
    expect(after.totals.produced).toBe(before.totals.produced);
    expect(after.groups).toHaveLength(before.groups.length);
  });

  it('GET /api/replay takes a + typed unencoded, which a query string turns into a space', async () => {
    const [id] = await test.server.pipeline.produce(1);
    const replay = await json(await test.server.app.request(`/api/replay?start=${id}&end=+&count=1`));
    expect(replay.entries.map((entry: { id: string }) => entry.id)).toEqual([id]);
  });

  it("a 'type' in a body is refused unless it is the route's own command, pointing at eventType", async () => {
    const before = (await json(await test.server.app.request('/api/state'))).totals.produced;
    const produce = await post('/api/produce', { count: 3, type: 'order.paid' });
    expect(produce.status).toBe(400);
    expect(await json(produce)).toMatchObject({
      message: '"type" is the command, which this route names (produce); the event type is "eventType"',
      fields: ['type'],
    });
    expect((await json(await test.server.app.request('/api/state'))).totals.produced).toBe(before);
    expect(
      (await post('/api/consumer/pause', { type: 'reset', group: 'analytics', name: 'worker-c' })).status,
    ).toBe(400);
    expect((await post('/api/produce', { type: 'produce', count: 1 })).status).toBe(200);
  });

  it('ranges past either end of the ID space are empty answers, not Redis errors', async () => {
    const replay = await test.server.app.request('/api/replay?start=-&end=(0-0');
    expect(replay.status).toBe(200);
    expect((await json(replay)).entries).toEqual([]);
    const preview = await post('/api/trim/preview', { minId: '0-0' });
    expect(preview.status).toBe(200);
    expect((await json(preview)).removes).toBe(0);
    const letters = await post('/api/dlq/list', { before: '0-0' });
    expect(letters.status).toBe(200);
    expect((await json(letters)).entries).toEqual([]);
  });

  it('a trim preview by a millisecond-only MINID counts what the trim then removes', async () => {
    const { stream } = test.server.pipeline;
    const [last] = await stream.tail(1);
    const ms = Number(last?.id.split('-')[0] ?? Date.now()) + 1_000;
    // Three entries in the cutoff's own millisecond: MINID <ms> keeps them (it means <ms>-0).
    for (const seq of [0, 1, 2]) {
      await stream.redis.call('XADD', stream.streamKey, `${ms}-${seq}`, 'type', 'x', 'ts_ms', String(ms));
    }
    const preview = await json(await post('/api/trim/preview', { minId: String(ms) }));
    expect(preview.cutoffId).toBe(`${ms}-0`);
    const trim = await json(await post('/api/trim/minid', { minId: String(ms), approx: false }));
    expect(trim.deleted).toBe(preview.removes);
    expect(await stream.length()).toBe(3);
  });

  it('runs at most 8 appends at once: the rest wait their turn, and every one lands', async () => {
    const { stream } = test.server.pipeline;
    const produceBatch = stream.produceBatch.bind(stream);
    let out = 0;
    let most = 0;
    stream.produceBatch = async (events) => {
      out += 1;
      most = Math.max(most, out);
      try {
        return await produceBatch(events);
      } finally {
        out -= 1;
      }
    };
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, async () => json(await post('/api/produce', { count: 100 }))),
      );
      expect(answers.map((answer: { produced: number }) => answer.produced)).toEqual(answers.map(() => 100));
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(8);
    } finally {
      stream.produceBatch = produceBatch;
    }
  });

  it('unknown consumers are 404, oversized bodies 413, unknown routes 404', async () => {
    expect((await post('/api/consumer/pause', { group: 'analytics', name: 'ghost' })).status).toBe(404);
    const huge = await post('/api/produce', { count: 1, eventType: 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
    expect((await test.server.app.request('/api/nope')).status).toBe(404);
    // An unknown group in the server's words, not Redis's NOGROUP.
    const noGroup = await post('/api/pending/deadletter', { group: 'nog', id: '1-0' });
    expect(noGroup.status).toBe(404);
    expect((await json(noGroup)).message).toBe(`no group nog on ${test.server.pipeline.stream.streamKey}`);
  });
});

describe('the dashboard files', () => {
  it('says how to build a missing dashboard, and serves it once built, without a restart', async () => {
    const webRoot = await mkdtemp(join(tmpdir(), 'streamscope-web-'));
    const other = await startTestServer([], { redis: test.redis, webRoot });
    try {
      const missing = await other.server.app.request('/');
      expect(missing.status).toBe(503);
      expect(await missing.text()).toMatch(/not built .*pnpm --filter @streamscope\/web build/);

      await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Streamscope</title>');
      const built = await other.server.app.request('/');
      expect(built.status).toBe(200);
      expect(await built.text()).toContain('<title>Streamscope</title>');
      // The page is asked for each time; an asset, named by its content, is kept.
      expect(built.headers.get('cache-control')).toBe('no-cache');
      await mkdir(join(webRoot, 'assets'));
      await writeFile(join(webRoot, 'assets', 'index-Ab12.js'), 'export {};');
      const asset = await other.server.app.request('/assets/index-Ab12.js');
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(
        (await other.server.app.request('/assets/gone-Zz99.js')).headers.get('cache-control'),
      ).toBeNull();

      // The build's brotli copy goes to a browser that takes it, the file itself to one that does not.
      await writeFile(join(webRoot, 'assets', 'index-Ab12.js.br'), brotliCompressSync('export {};'));
      const compressed = await other.server.app.request('/assets/index-Ab12.js', {
        headers: { 'accept-encoding': 'gzip, deflate, br' },
      });
      expect(compressed.headers.get('content-encoding')).toBe('br');
      expect(compressed.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(compressed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const body = Buffer.from(await compressed.arrayBuffer());
      expect(brotliDecompressSync(body).toString()).toBe('export {};');
      const plain = await other.server.app.request('/assets/index-Ab12.js', {
        headers: { 'accept-encoding': 'identity' },
      });
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(plain.headers.get('vary')).toBe('Accept-Encoding');
      expect(compressed.headers.get('vary')).toBe('Accept-Encoding');
      expect(await plain.text()).toBe('export {};');
      const head = await other.server.app.request('/assets/index-Ab12.js', { method: 'HEAD' });
      expect(head.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    } finally {
      await other.stop();
      await rm(webRoot, { recursive: true, force: true });
    }
  });
});

describe('JSON API: one client at a time', () => {
  it("runs at most MAX_REQUESTS_PER_CLIENT of one client's requests at once and refuses the rest with 429", async () => {
    const { stream } = test.server.pipeline;
    const appends = holdAppends(stream);
    const send = (path: string, body: string, type = 'application/json') =>
      fetch(`${test.server.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    try {
      const running = Array.from({ length: MAX_REQUESTS_PER_CLIENT }, () =>
        send('/api/produce', '{"count":10}'),
      );
      await expect.poll(() => appends.held()).toBe(MAX_REQUESTS_PER_CLIENT);

      const refused = await send('/api/replay', '{"count":1}');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await json(refused)).toEqual({
        code: 'busy',
        message: `${MAX_REQUESTS_PER_CLIENT} requests from 127.0.0.1 are still running, the most one client may have at once; wait for their answers before sending more`,
      });
      // The reference routes count against the same bound: they are no way around it.
      const viaReference = await send('/produce', 'count=1', 'application/x-www-form-urlencoded');
      expect(viaReference.status).toBe(429);
      expect(await json(viaReference)).toMatchObject({ code: 'busy' });
      // Not the reference's 'no peer' answer, which is also a refusal.
      const removal = await send(
        '/remove-worker',
        'group=analytics&name=worker-c',
        'application/x-www-form-urlencoded',
      );
      expect(removal.status).toBe(429);
      expect(await json(removal)).toMatchObject({
        code: 'busy',
        error: expect.stringMatching(/still running/),
      });
      // Bad input is still told what is wrong, without waiting for a slot.
      expect((await send('/api/produce', '{"count":0}')).status).toBe(400);
      // So is a consumer name this server runs, on both APIs: taken, not busy.
      const taken = await send(
        '/add-worker',
        'group=notifications&name=worker-a',
        'application/x-www-form-urlencoded',
      );
      expect([taken.status, (await json(taken)).error]).toEqual([
        409,
        expect.stringMatching(/already exists/),
      ]);
      expect((await send('/api/consumer/add', '{"group":"notifications","name":"worker-a"}')).status).toBe(
        409,
      );

      appends.release();
      expect((await Promise.all(running)).map((response) => response.status)).toEqual(running.map(() => 200));
      const after = await send('/api/replay', '{"count":1}');
      expect(after.status).toBe(200);
    } finally {
      appends.restore();
    }
  });
});

describe('JSON API: the event type random', () => {
  it('picks one of the demo types per event, as the reference form does, rather than a type named random', async () => {
    const { firstId, lastId } = await json(await post('/api/produce', { count: 40, eventType: 'random' }));
    const entries = await test.server.pipeline.stream.replay(firstId, lastId, 40);
    const types = new Set(entries.map((entry) => entry.fields.type));
    expect([...types].every((type) => (DEMO_EVENT_TYPES as readonly string[]).includes(type ?? ''))).toBe(
      true,
    );
    expect(types.size).toBeGreaterThan(1);
    const producer = await json(
      await post('/api/commands', { type: 'producer.start', rate: 1, eventType: 'random' }),
    );
    expect(producer).toEqual({ running: true, rate: 1, eventType: null });
    await post('/api/producer/stop', {});
  });
});

describe('JSON API: names that are not plain keys', () => {
  it('refuses __proto__ as a group or consumer name: the charts’ history keyed by it lost the group', async () => {
    // Before, a group "__proto__" was added, and every history point set it as its prototype instead of a
    // key: the group ran but never appeared in the charts (and zod drops the key on the page as well).
    for (const body of [
      { group: '__proto__', name: 'worker-z' },
      { group: 'analytics', name: '__proto__' },
    ]) {
      const response = await post('/api/consumer/add', body);
      expect(response.status).toBe(400);
      expect((await json(response)).message).toMatch(/must not be __proto__/);
    }
    const state = await json(await test.server.app.request('/api/state'));
    expect(state.groups.map((group: { name: string }) => group.name)).not.toContain('__proto__');
  });
});

describe('JSON API: consumers are bounded', () => {
  it('runs at most LIMITS.consumersMax consumers and refuses the next one, saying why', async () => {
    // Each consumer holds a Redis connection of its own: before, 1,000 adds took 9.5 s and opened 1,000
    // connections, and nothing stopped a script at Redis's maxclients (10,000), shared with every other client.
    const bounded = await startTestServer(['--seed', 'none'], { redis: test.redis });
    const add = (group: string, name: string) =>
      bounded.server.app.request('/api/consumer/add', {
        method: 'POST',
        body: JSON.stringify({ group, name }),
      });
    try {
      for (let index = 0; index < LIMITS.consumersMax; index++) {
        expect((await add(`g${index % 10}`, `c${index}`)).status).toBe(200);
      }
      const refused = await add('g0', 'one-too-many');
      expect(refused.status).toBe(409);
      expect(await json(refused)).toEqual({
        code: 'refused',
        message: `this server already runs ${LIMITS.consumersMax} consumers, the most it will; remove one before adding another`,
      });
      expect(bounded.server.pipeline.pool.workers()).toHaveLength(LIMITS.consumersMax);
      const known = await bounded.server.pipeline.stream.infoConsumers('g0');
      expect(known.map((consumer) => consumer.name)).not.toContain('one-too-many');
    } finally {
      await bounded.stop();
    }
  });
});

describe('the dashboard in a foreign frame', () => {
  it('may not be framed by another site, and no answer is sniffed as another type', async () => {
    // Before, nothing said so: a foreign page could load the dashboard in an invisible frame (its Host is
    // 127.0.0.1, so every check passes) and trick a click onto "Reset demo", which deletes the stream.
    const webRoot = await mkdtemp(join(tmpdir(), 'streamscope-web-'));
    const other = await startTestServer([], { redis: test.redis, webRoot });
    try {
      await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Streamscope</title>');
      for (const path of ['/', '/index.html', '/api/state', '/api/nope', '/metrics']) {
        const response = await other.server.app.request(path);
        expect(response.headers.get('x-frame-options'), path).toBe('DENY');
        expect(response.headers.get('content-security-policy'), path).toBe("frame-ancestors 'none'");
        expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      }
    } finally {
      await other.stop();
      await rm(webRoot, { recursive: true, force: true });
    }
  });
});

describe('fresh snapshots after commands', () => {
  it('pushes one after a command that changed something, none after one that only read', async () => {
    const refresh = vi.spyOn(test.server.hub, 'refresh');
    try {
      const { firstId } = await json(await post('/api/produce', { count: 1 }));
      expect(refresh).toHaveBeenCalledTimes(1);
      refresh.mockClear();
      expect((await post('/api/trim/preview', { maxlen: 0 })).status).toBe(200);
      expect((await post('/api/replay', { count: 1 })).status).toBe(200);
      expect((await post('/api/dlq/list', {})).status).toBe(200);
      expect((await test.server.app.request(`/api/entries/${firstId}/history`)).status).toBe(200);
      expect((await test.server.app.request('/replay?count=1')).status).toBe(200);
      // Each of them went to every page as a whole snapshot: a trim preview a second per page, say.
      expect(refresh).not.toHaveBeenCalled();
    } finally {
      refresh.mockRestore();
    }
  });
});
