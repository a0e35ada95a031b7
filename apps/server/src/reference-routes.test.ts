import { describe, expect, it } from 'vitest';
import { json, serverForSuite } from './testing/test-server.js';

const test = serverForSuite();

/** As a script written for the redis.io demo sends it: a form-encoded POST. */
const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  test.server.app.request(path, { method: 'POST', body: new URLSearchParams(fields), headers });

describe('reference demo routes', () => {
  it('GET /state has the reference shape', async () => {
    await form('/produce', { count: '5', type: 'order.placed' });
    await expect
      .poll(async () => (await json(await test.server.app.request('/state'))).stats.acked_total)
      .toBe(10);
    const state = await json(await test.server.app.request('/state'));
    expect(Object.keys(state.stream).sort()).toEqual([
      'first_entry_id',
      'last_entry_id',
      'last_generated_id',
      'length',
    ]);
    expect(state.tail).toHaveLength(5);
    expect(state.tail[0]).toEqual({
      id: expect.any(String),
      fields: expect.objectContaining({ type: 'order.placed' }),
    });
    const notifications = state.groups.find((group: { name: string }) => group.name === 'notifications');
    expect(notifications.consumers_detail.map((c: { name: string }) => c.name).sort()).toEqual([
      'worker-a',
      'worker-b',
    ]);
    expect(Object.keys(notifications.consumers_detail[0]).sort()).toEqual(
      [
        'alive',
        'crash_queued',
        'crashed_drops',
        'group',
        'idle_ms',
        'name',
        'paused',
        'pending',
        'processed',
        'reaped',
        'recent',
      ].sort(),
    );
    expect(state.stats).toEqual({ produced_total: 5, acked_total: 10, claimed_total: 0 });
    const recent = state.groups.find((group: { name: string }) => group.name === 'analytics')
      .consumers_detail[0].recent;
    expect(recent[0]).toEqual({
      id: state.tail[0].id,
      type: 'order.placed',
      fields: expect.any(Object),
      acked: true,
      note: '',
    });
  });

  it('produce, replay, crash, autoclaim, trim, add/remove worker, reset', async () => {
    const produced = await json(await form('/produce', { count: '3' }));
    expect(produced.produced).toBe(3);
    expect(produced.ids).toHaveLength(3);

    const replay = await json(
      await test.server.app.request(`/replay?start=${produced.ids[0]}&end=%2B&count=2`),
    );
    expect(replay).toMatchObject({ start: produced.ids[0], end: '+', limit: 2 });
    expect(replay.entries.map((entry: { id: string }) => entry.id)).toEqual(produced.ids.slice(0, 2));
    // The reference's defaults and cap: 20 without a count, and a count past 500 lowered to it.
    expect(await json(await test.server.app.request('/replay'))).toMatchObject({
      start: '-',
      end: '+',
      limit: 20,
    });
    expect(await json(await test.server.app.request('/replay?count=600'))).toMatchObject({ limit: 500 });
    const custom = await json(await form('/produce', { count: '1', type: '  user signup ' }));
    expect((await test.server.pipeline.stream.replay(custom.ids[0], custom.ids[0], 1))[0]?.fields.type).toBe(
      'user signup',
    );

    expect(await json(await form('/add-worker', { group: 'analytics', name: 'worker-z' }))).toEqual({
      group: 'analytics',
      name: 'worker-z',
    });
    const duplicate = await form('/add-worker', { group: 'analytics', name: 'worker-z' });
    expect(duplicate.status).toBe(409);
    expect((await json(duplicate)).error).toMatch(/already exists/);

    // worker-z sits out this round, so every new entry goes to worker-c and its queued crashes.
    await test.server.pipeline.pool.get('analytics', 'worker-z').pause();
    expect(await json(await form('/crash', { group: 'analytics', name: 'worker-c' }))).toEqual({ queued: 1 });
    // The count this call queued, not the running total (which is 2 now).
    expect(await json(await form('/crash', { group: 'analytics', name: 'worker-c', count: '1' }))).toEqual({
      queued: 1,
    });
    await form('/produce', { count: '4' });
    await expect
      .poll(async () => (await json(await test.server.app.request('/state'))).pending.length)
      .toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const claim = await json(await form('/autoclaim', { group: 'analytics', consumer: 'worker-c' }));
    expect(claim).toEqual({ claimed: 2, processed: 2, deleted: [], min_idle_ms: 200 });

    test.server.pipeline.pool.get('analytics', 'worker-z').resume();
    const removed = await json(await form('/remove-worker', { group: 'analytics', name: 'worker-z' }));
    expect(removed).toEqual({ removed: true, handed_over_to: 'worker-c', handed_over_count: 0 });
    const unknown = await form('/remove-worker', { group: 'analytics', name: 'worker-q' });
    expect(unknown.status).toBe(200);
    expect(await json(unknown)).toMatchObject({ removed: false, reason: 'not-found' });
    const refused = await form('/remove-worker', { group: 'analytics', name: 'worker-c' });
    expect(refused.status).toBe(409);
    expect(await json(refused)).toMatchObject({ removed: false, reason: 'no-peer' });

    const trimmed = await json(await form('/trim', { maxlen: '0' }));
    expect(trimmed.maxlen).toBe(0);
    expect(typeof trimmed.deleted).toBe('number');

    expect(await json(await form('/reset', {}))).toEqual({ consumers: 3 });
  });

  it('bad form values get a 400 with the reason; a foreign origin is refused', async () => {
    const bad = await form('/produce', { count: 'lots' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatch(/count must be a number/);
    // Only plain decimals are numbers: hex and exponent forms are no one's idea of a count.
    for (const count of ['0x10', '1e3', '0b11']) {
      const odd = await form('/produce', { count });
      expect(odd.status, count).toBe(400);
      expect((await json(odd)).error).toMatch(/count must be a number/);
    }
    const lengthBefore = (await json(test.server.app.request('/state'))).stream.length;
    // A JSON body is read, not ignored in favour of the defaults.
    const asJson = await test.server.app.request('/produce', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 3, type: 'order.paid' }),
    });
    expect(asJson.status).toBe(200);
    expect((await json(asJson)).produced).toBe(3);
    expect((await json(test.server.app.request('/state'))).stream.length).toBe(lengthBefore + 3);
    for (const count of [true, [5], null, { n: 5 }]) {
      const typed = await test.server.app.request('/produce', {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ count }),
      });
      expect(typed.status, JSON.stringify(count)).toBe(400);
      expect((await json(typed)).error).toMatch(/count must be a string or a number/);
    }
    const foreign = await form('/reset', {}, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    const rebound = await test.server.app.request('http://evil.example:8788/reset', { method: 'POST' });
    expect(rebound.status).toBe(403);
    // Told as every reference route's errors are, under `error`: the reference page shows that.
    expect((await json(rebound)).error).toMatch(/host evil\.example .* refused/);
    expect((await test.server.app.request('http://127.0.0.1:8788/state')).status).toBe(200);
  });

  it('say what was wrong in the route’s words: its path, and its own field names', async () => {
    const said = async (path: string, fields: Record<string, string>) =>
      (await json(form(path, fields))).error;
    expect(await said('/produce', { type: 'a\nb' })).toBe(
      '/produce: type: must not contain control characters or line breaks (newlines, tabs, NUL)',
    );
    expect(await said('/add-worker', { group: 'analytics' })).toBe('/add-worker: name is missing');
    expect(await said('/crash', { group: 'analytics', name: 'worker-c', count: '5000' })).toBe(
      '/crash: count must be at most 1,000',
    );
  });
});

describe('reference demo routes: bodies as the reference reads them', () => {
  const post = (contentType: string | null, body: string) =>
    test.server.app.request('/produce', {
      method: 'POST',
      headers: contentType === null ? {} : { 'content-type': contentType },
      body: new TextEncoder().encode(body),
    });

  it('read fields of any type but multipart as a URL-encoded form, and JSON labelled or not', async () => {
    // fetch(url, { body: 'count=5' }) sends text/plain, and the reference reads it as a form.
    expect(await json(await post('text/plain;charset=UTF-8', 'count=5&type=order.paid'))).toMatchObject({
      produced: 5,
    });
    expect(await json(await post(null, 'count=2'))).toMatchObject({ produced: 2 });
    // curl -d '{"count":3}' labels it a form; it is not one.
    expect(await json(await post('application/x-www-form-urlencoded', '{"count":3}'))).toMatchObject({
      produced: 3,
    });
    // Text that is no form is refused, not read as a form of one blank field and run on the defaults.
    for (const [type, body] of [
      ['text/plain', 'count: 5'],
      ['text/plain', '[5]'],
      [null, 'hello'],
    ] as const) {
      const refused = await post(type, body);
      expect(refused.status, body).toBe(400);
      expect((await json(refused)).error, body).toMatch(
        /^the body is not form fields: .* has no "="; send name=value pairs/,
      );
    }
    const latin1 = await post('text/plain', 'type=caf%E9');
    expect(latin1.status).toBe(400);
    expect((await json(latin1)).error).toMatch(/type is not percent-encoded UTF-8/);
  });

  it('take a blank field as one not given and trim the rest, as the reference form does', async () => {
    expect(await json(await test.server.app.request('/replay?start=&end=&count='))).toMatchObject({
      start: '-',
      end: '+',
      limit: 20,
    });
    expect(await json(await form('/produce', { count: '', type: '' }))).toMatchObject({ produced: 1 });
    expect(await json(await form('/add-worker', { group: ' analytics ', name: ' worker-y ' }))).toEqual({
      group: 'analytics',
      name: 'worker-y',
    });
    expect(await json(await form('/crash', { group: 'analytics', name: 'worker-y', count: ' ' }))).toEqual({
      queued: 1,
    });
    expect(test.server.pipeline.pool.get('analytics', 'worker-y').status().crashQueued).toBe(1);
    // What is given is still checked: the reference took its default for these, silently.
    for (const count of ['0', 'abc']) {
      const refused = await form('/produce', { count });
      expect(refused.status, count).toBe(400);
      expect((await json(refused)).error).toMatch(/count must be/);
    }
    const nameless = await form('/add-worker', { group: 'analytics', name: '  ' });
    expect(nameless.status).toBe(400);
    expect((await json(nameless)).error).toMatch(/name/);
  });

  it('answer 400 for a multipart body that does not parse, and produce nothing', async () => {
    const before = (await json(await test.server.app.request('/state'))).stream.length;
    const broken = await post('multipart/form-data; boundary=x', '--x\r\n');
    expect(broken.status).toBe(400);
    expect(await json(broken)).toEqual({
      code: 'bad_request',
      error: 'the body is not valid multipart/form-data: Failed to parse body as FormData.',
    });
    expect((await json(await test.server.app.request('/state'))).stream.length).toBe(before);
    // No body at all is no fields, as before: the reference's defaults.
    expect((await test.server.app.request('/produce', { method: 'POST' })).status).toBe(200);
  });

  it('tell an oversized body and a method the route does not take under `error`, as their own errors are', async () => {
    const oversized = await post('application/x-www-form-urlencoded', `count=1&pad=${'x'.repeat(70_000)}`);
    expect(oversized.status).toBe(413);
    expect(await json(oversized)).toEqual({
      code: 'bad_request',
      error: expect.stringMatching(/over 65536/),
    });
    // A route asked with a method it does not take: 405, saying which it takes, in the header too.
    const wrongMethod = await test.server.app.request('/produce');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(await json(wrongMethod)).toEqual({ code: 'bad_request', error: '/produce takes POST, not GET' });
    const postState = await test.server.app.request('/state', { method: 'POST' });
    expect([postState.status, postState.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    // The JSON API keeps its own words, a parameter in the path included; a path nothing serves stays 404.
    const history = await test.server.app.request('/api/entries/1-0/history', { method: 'DELETE' });
    expect([history.status, await json(history)]).toEqual([
      405,
      { code: 'bad_request', message: '/api/entries/1-0/history takes GET or HEAD, not DELETE' },
    ]);
    expect(await json(await test.server.app.request('/api/nothing'))).toMatchObject({
      code: 'not_found',
      message: expect.any(String),
    });
    expect((await test.server.app.request('/api/nothing')).status).toBe(404);
  });
});

describe('reference demo routes: fields they do not take', () => {
  const state = async () => json(await test.server.app.request('/state'));
  const cases: [string, string, string | Record<string, string>, RegExp][] = [
    [
      'the JSON API’s eventType on /produce',
      '/produce',
      '{"count":3,"eventType":"order.paid"}',
      /^\/produce takes no field "eventType": it takes count, type$/,
    ],
    ['a misspelt type', '/produce', { count: '3', evenType: 'order.paid' }, /no field "evenType"/],
    [
      'a misspelt count on /crash',
      '/crash',
      { group: 'notifications', name: 'worker-a', cuont: '500' },
      /^\/crash takes no field "cuont": it takes group, name, count$/,
    ],
    [
      'approx on /trim',
      '/trim',
      { maxlen: '100000', approx: 'false' },
      /^\/trim takes no field "approx": it takes maxlen$/,
    ],
    ['anything on /reset', '/reset', { x: '1' }, /^\/reset takes no field "x": it takes none$/],
    [
      'a field named as an object’s own method',
      '/produce',
      { count: '1', toString: '1' },
      /no field "toString"/,
    ],
    ['__proto__', '/produce', '__proto__=1&count=1', /no field "__proto__"/],
  ];
  it.each(cases)('refuse %s with 400 naming it, and change nothing', async (_label, path, body, message) => {
    const before = await state();
    const response = await test.server.app.request(path, {
      method: 'POST',
      body: typeof body === 'string' ? body : new URLSearchParams(body),
      ...(typeof body === 'string' && body.startsWith('{')
        ? { headers: { 'content-type': 'application/json' } }
        : {}),
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toMatch(message);
    const after = await state();
    expect(after.stream.length).toBe(before.stream.length);
    expect(after.stats.produced_total).toBe(before.stats.produced_total);
  });

  it('refuse a replay query parameter they do not take, __proto__ too, here and on the JSON API', async () => {
    const reference = await test.server.app.request('/replay?limit=5');
    expect(reference.status).toBe(400);
    expect((await json(reference)).error).toMatch(
      /^\/replay takes no field "limit": it takes start, end, count$/,
    );
    const api = await test.server.app.request('/api/replay?__proto__=1');
    expect(api.status).toBe(400);
    expect((await json(api)).message).toMatch(/unknown argument "__proto__"/);
  });
});

describe('reference demo routes: GET /state of another client’s large entries', () => {
  type Recent = { type: string; fields: Record<string, string>; cut?: unknown };
  /** Every consumer's recent entries, whichever consumer of whichever group read them. */
  const allRecent = (state: { groups: { consumers_detail: { recent: Recent[] }[] }[] }) =>
    state.groups.flatMap((group) => group.consumers_detail.flatMap((consumer) => consumer.recent));

  it('sends each worker’s recent entries bounded, as the snapshot sends entries, saying what was cut', async () => {
    const { pipeline } = test.server;
    const huge = 'x'.repeat(500_000);
    await pipeline.stream.redis.call('XADD', pipeline.stream.streamKey, '*', 'type', 'big', 'payload', huge);
    // Read by a consumer of each group.
    await expect
      .poll(async () =>
        allRecent(await json(await test.server.app.request('/state'))).filter(
          (entry) => entry.type === 'big',
        ),
      )
      .toHaveLength(2);
    const response = await test.server.app.request('/state');
    expect((await response.clone().text()).length).toBeLessThan(100_000);
    const state = await json(response);
    for (const big of allRecent(state).filter((entry) => entry.type === 'big')) {
      expect(big.fields).toEqual({ type: 'big', payload: `${'x'.repeat(1_000)}…` });
      expect(big.cut).toEqual({ fields: 0, values: 1 });
    }
    // So is the tail: the newest entry, cut, says so.
    expect(state.tail[0]).toMatchObject({ fields: { type: 'big' }, cut: { fields: 0, values: 1 } });
  });
});
