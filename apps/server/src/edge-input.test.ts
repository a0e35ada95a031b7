import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocketClient } from './testing/socket-client.js';
import { json, postJson, startTestServer, type TestServer } from './testing/test-server.js';

/**
 * Edge values a person or a script sends, which random bytes rarely hit: each one gets the same verdict on the
 * JSON API, the WebSocket and the reference routes, and a refused one changes nothing.
 */
let test: TestServer;
let socket: SocketClient;
beforeAll(async () => {
  test = await startTestServer();
  socket = await SocketClient.connect(test.server.url);
});
afterAll(async () => {
  await socket?.close();
  await test?.stop();
});

const post = (path: string, body: unknown) => postJson(test, path, body);
const length = () => test.server.pipeline.stream.length();
const typesOf = async (ids: readonly string[]) =>
  Promise.all(ids.map(async (id) => (await test.server.pipeline.stream.replay(id, id, 1))[0]?.fields.type));

describe('event types', () => {
  it('are refused alike when they cannot be stored as given: a lone surrogate, a line break', async () => {
    const before = await length();
    for (const eventType of ['\ud800', 'order\udc00paid', 'order\u2028paid', 'order\u2029paid']) {
      const shown = JSON.stringify(eventType);
      const api = await post('/api/produce', { count: 1, eventType });
      expect(api.status, shown).toBe(400);
      expect((await json(api)).message, shown).toMatch(/eventType: must not contain/);
      expect(await socket.request({ type: 'produce', count: 1, eventType }), shown).toMatchObject({
        type: 'error',
        code: 'bad_request',
        message: expect.stringMatching(/eventType: must not contain/),
      });
      expect((await post('/api/producer/start', { rate: 1, eventType })).status, shown).toBe(400);
      // A form cannot carry half a surrogate pair (it is sent as U+FFFD), a JSON body to the same route can.
      const reference = await post('/produce', { count: 1, type: eventType });
      expect(reference.status, shown).toBe(400);
      expect((await json(reference)).error, shown).toMatch(/^\/produce: type: must not contain/);
    }
    expect(test.server.pipeline.producer.state().running).toBe(false);
    expect(await length()).toBe(before);
  });

  it('lose the spaces around them everywhere, as the reference form always did', async () => {
    const api = await json(post('/api/produce', { count: 1, eventType: ' order.paid ' }));
    const ws = await socket.request({ type: 'produce', count: 1, eventType: '\torder.paid ' });
    const form = await json(
      test.server.app.request('/produce', {
        method: 'POST',
        body: new URLSearchParams({ count: '1', type: ' order.paid ' }),
      }),
    );
    const wsId = ws.type === 'result' ? (ws.result as { firstId: string }).firstId : '';
    expect(await typesOf([api.firstId, wsId, form.ids[0]])).toEqual([
      'order.paid',
      'order.paid',
      'order.paid',
    ]);

    // Blank is empty: refused by the JSON API and the WebSocket as "" is; the reference form's blank means random.
    const before = await length();
    const blank = await post('/api/produce', { count: 1, eventType: '   ' });
    expect(blank.status).toBe(400);
    expect((await json(blank)).message).toMatch(/eventType: must not be empty/);
    expect(await socket.request({ type: 'produce', count: 1, eventType: ' ' })).toMatchObject({
      type: 'error',
    });
    expect(await length()).toBe(before);
  });
});

describe('entry IDs', () => {
  it('with leading zeros, which Redis reads as the same ID, name the same entry and its history', async () => {
    const { firstId } = await json(post('/api/produce', { count: 1, eventType: 'order.paid' }));
    // Both groups' acks, so the history is complete before it is asked for twice and compared.
    const acks = () => test.server.pipeline.history.of(firstId).filter((event) => event.kind === 'acked');
    await expect.poll(() => acks().length).toBe(2);
    const [ms, seq] = firstId.split('-');
    const padded = `00${ms}-00${seq}`;
    const history = await json(test.server.app.request(`/api/entries/${padded}/history`));
    expect(history.id).toBe(firstId);
    expect(history.entry.id).toBe(firstId);
    expect(history.events.length).toBeGreaterThan(2);
    expect(await socket.request({ type: 'entry.history', id: `0${firstId}` })).toMatchObject({
      type: 'result',
      result: { id: firstId, events: history.events },
    });
    // The MINID a trim reports is the ID Redis trimmed at.
    const trimmed = await json(post('/api/trim/minid', { minId: '0001-0' }));
    expect(trimmed.minId).toBe('1-0');
  });
});

describe('a field given twice, or as a file', () => {
  const send = (path: string, body: URLSearchParams | FormData) =>
    test.server.app.request(path, { method: 'POST', body });

  it('is refused on the reference routes, saying which, and changes nothing', async () => {
    const before = await length();
    const worker = test.server.pipeline.pool.get('analytics', 'worker-c');
    const queued = worker.status().crashQueued;
    const twice = [
      await send('/crash', new URLSearchParams('group=analytics&name=worker-c&count=1&count=1000')),
      await send('/trim', new URLSearchParams('maxlen=100&maxlen=0')),
      await send('/produce?count=1&count=2', new URLSearchParams()),
    ];
    const multipart = new FormData();
    multipart.append('count', '2');
    multipart.append('count', '3');
    twice.push(await send('/produce', multipart));
    for (const response of twice) {
      expect(response.status).toBe(400);
      expect((await json(response)).error).toMatch(
        /(form field|query parameter) (count|maxlen) is given 2 times/,
      );
    }
    const both = [
      await send('/crash?count=1000', new URLSearchParams('group=analytics&name=worker-c&count=1')),
      await test.server.app.request('/produce?count=3', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ count: 1 }),
      }),
    ];
    for (const response of both) {
      expect(response.status).toBe(400);
      expect((await json(response)).error).toBe(
        'count is given in both the query string and the body; give it once',
      );
    }
    const file = new FormData();
    file.append('count', new Blob(['500']), 'count.txt');
    const asFile = await send('/produce', file);
    expect(asFile.status).toBe(400);
    expect((await json(asFile)).error).toBe('count must be a text field, not a file');
    expect(worker.status().crashQueued).toBe(queued);
    expect(await length()).toBe(before);
  });

  it('is refused as a replay query parameter, by the JSON API and the reference route alike', async () => {
    for (const query of ['count=1&count=3', 'start=%2B&start=-']) {
      for (const path of ['/api/replay', '/replay']) {
        const response = await test.server.app.request(`${path}?${query}`);
        expect(response.status, `${path}?${query}`).toBe(400);
        const reply = await json(response);
        expect(reply.message ?? reply.error).toMatch(
          /query parameter (count|start) is given 2 times; give it once/,
        );
      }
    }
  });
});

describe('bodies in another encoding than UTF-8', () => {
  const raw = (path: string, contentType: string, body: string | Uint8Array) =>
    test.server.app.request(path, { method: 'POST', headers: { 'content-type': contentType }, body });
  const latin1 = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));

  it('are refused, saying so, instead of having U+FFFD stored in place of what they said', async () => {
    const before = await length();
    const refusals = [
      [
        await raw('/api/produce', 'application/json', latin1('{"count":1,"eventType":"café"}')),
        /not valid UTF-8/,
      ],
      [await raw('/produce', 'application/json', latin1('{"count":1,"type":"café"}')), /not valid UTF-8/],
      [
        await raw('/produce', 'application/x-www-form-urlencoded', latin1('count=1&type=café')),
        /not valid UTF-8/,
      ],
      [
        await raw(
          '/produce',
          'multipart/form-data; boundary=x',
          latin1(
            '--x\r\nContent-Disposition: form-data; name="count"\r\n\r\n1\r\n' +
              '--x\r\nContent-Disposition: form-data; name="type"\r\n\r\ncafé\r\n--x--\r\n',
          ),
        ),
        /not valid UTF-8/,
      ],
      [
        await raw('/produce', 'application/x-www-form-urlencoded', 'count=1&type=caf%E9'),
        /form field type is not percent-encoded UTF-8/,
      ],
      [
        await raw('/produce', 'application/x-www-form-urlencoded; charset=ISO-8859-1', 'count=1&type=caf%E9'),
        /charset ISO-8859-1 is not supported/,
      ],
      [
        await raw('/api/produce', 'application/json; charset=windows-1252', '{"count":1}'),
        /charset windows-1252 is not supported/,
      ],
      [
        await test.server.app.request('/produce?type=caf%E9', { method: 'POST' }),
        /query parameter type is not/,
      ],
    ] as const;
    for (const [response, reason] of refusals) {
      expect(response.status, String(reason)).toBe(400);
      const reply = await json(response);
      expect(reply.message ?? reply.error).toMatch(reason);
    }
    expect(await length()).toBe(before);

    // UTF-8 labelled so, a lone `%` (which the form parser keeps as it is) and a byte-order mark are fine.
    const utf8 = await raw(
      '/produce',
      'application/x-www-form-urlencoded; charset=UTF-8',
      'count=1&type=caf%C3%A9+100%',
    );
    const bom = await raw(
      '/api/produce',
      'application/json; charset="utf-8"',
      '\ufeff{"count":1,"eventType":"café"}',
    );
    const form = new FormData();
    form.append('type', 'café');
    const multipart = await test.server.app.request('/produce', { method: 'POST', body: form });
    expect([utf8.status, bom.status, multipart.status]).toEqual([200, 200, 200]);
    const ids = [(await json(utf8)).ids[0], (await json(bom)).firstId, (await json(multipart)).ids[0]];
    expect(await typesOf(ids)).toEqual(['café 100%', 'café', 'café']);
  });
});

describe('arguments a command does not take', () => {
  it('are refused by name on the JSON API and the WebSocket, instead of the default running in their place', async () => {
    const before = await length();
    const misspelt = [
      [
        '/api/produce',
        { count: 2, evenType: 'order.paid' },
        /unknown argument "evenType"; it takes count, eventType/,
      ],
      ['/api/trim/maxlen', { maxlen: 0, aprox: false }, /unknown argument "aprox"; it takes maxlen, approx/],
      ['/api/reset', { really: true }, /unknown argument "really"; it takes none/],
      [
        '/api/commands',
        { type: 'produce', count: 1, eventtype: 'x', n: 1 },
        /unknown arguments "eventtype", "n"/,
      ],
    ] as const;
    for (const [path, body, reason] of misspelt) {
      const response = await post(path, body);
      expect(response.status, path).toBe(400);
      expect((await json(response)).message, path).toMatch(reason);
      const [, ...rest] = path.split('/api/');
      const type = rest.join('').replaceAll('/', '.');
      expect(await socket.request({ type, ...body }), path).toMatchObject({
        type: 'error',
        code: 'bad_request',
        message: expect.stringMatching(reason),
      });
    }
    expect((await json(test.server.app.request('/api/replay?cont=5'))).message).toMatch(
      /unknown argument "cont"/,
    );
    expect(await length()).toBe(before);

    // What the WebSocket takes, /api/commands takes as it is; the credential is no argument of a replay.
    expect((await post('/api/commands', { requestId: 'r-1', type: 'replay', count: 1 })).status).toBe(200);
    expect((await test.server.app.request('/api/replay?count=1&token=')).status).toBe(200);
  });
});

describe('names', () => {
  it('that may not be used say which character is wrong, alike on every route, and add nothing', async () => {
    const cases = [
      [' worker-z', /not a space$/],
      ['worker-z ', /not a space$/],
      ['wörker', /may contain only ASCII letters, digits and _ \. : -, not "ö" \(U\+00F6\)$/],
      ['worker\u200bz', /not U\+200B$/],
      ['e\u0301', /not U\+0301$/],
      ['worker\u0000', /not U\+0000$/],
      ['🚀', /not "🚀" \(U\+1F680\)$/],
    ] as const;
    for (const [name, reason] of cases) {
      const shown = JSON.stringify(name);
      const api = await post('/api/consumer/add', { group: 'analytics', name });
      expect(api.status, shown).toBe(400);
      expect((await json(api)).message, shown).toMatch(reason);
      expect(await socket.request({ type: 'consumer.add', group: 'analytics', name }), shown).toMatchObject({
        type: 'error',
        message: expect.stringMatching(reason),
      });
      // The reference's form trims the spaces around a name (so ' worker-z' is worker-z there), as the reference does.
      if (name.trim() !== name) continue;
      const form = await test.server.app.request('/add-worker', {
        method: 'POST',
        body: new URLSearchParams({ group: 'analytics', name }),
      });
      expect(form.status, shown).toBe(400);
      expect((await json(form)).error, shown).toMatch(reason);
    }
    // Empty is said once, as what it is.
    expect((await json(post('/api/consumer/add', { group: 'analytics', name: '' }))).message).toBe(
      'consumer.add: name: must not be empty',
    );
    const state = await json(test.server.app.request('/api/state'));
    const analytics = state.groups.find((group: { name: string }) => group.name === 'analytics');
    expect(analytics.consumers.map((consumer: { name: string }) => consumer.name)).toEqual(['worker-c']);
  });
});
