import { get as httpGet, type IncomingMessage } from 'node:http';
import net from 'node:net';
import type { ServerMessage, Snapshot } from '@streamscope/protocol';
import { compareEntryIds } from '@streamscope/streams';
import { waitFor } from '@streamscope/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  MAX_COMMANDS_IN_FLIGHT,
  MAX_SOCKET_COMMANDS_PER_CLIENT,
  MAX_SOCKETS_PER_CLIENT,
} from './http/live-socket.js';
import { holdAppends } from './testing/held-appends.js';
import { SocketClient } from './testing/socket-client.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

let test: TestServer;
let client: SocketClient;
beforeAll(async () => {
  test = await startTestServer();
  client = await SocketClient.connect(test.server.url);
});
afterAll(async () => {
  await client?.close();
  await test?.stop();
});

const isSnapshot = (message: ServerMessage): message is Snapshot => message.type === 'snapshot';
const resultOf = async (command: Record<string, unknown>) => {
  const reply = await client.request(command);
  if (reply.type !== 'result') throw new Error(`expected a result, got ${JSON.stringify(reply)}`);
  return reply.result as Record<string, unknown>;
};

describe('WebSocket /ws', () => {
  it('greets with hello and a snapshot, then streams deliveries', async () => {
    const hello = await client.next((message) => message.type === 'hello');
    expect(hello).toMatchObject({ type: 'hello', version: 1, maxlen: 2000, claimMinIdleMs: 200 });
    expect(hello).toHaveProperty('snapshotIntervalMs', expect.any(Number));
    const snapshot = await client.next(isSnapshot);
    expect(snapshot.groups.map((group) => group.name).sort()).toEqual(['analytics', 'notifications']);
    await resultOf({ type: 'produce', count: 3 });
    const deliveries = await client.next(
      (message) => message.type === 'deliveries' && message.events.some((event) => event.kind === 'acked'),
    );
    expect(deliveries.type).toBe('deliveries');
  });

  it('gives a page opened later the charts’ history, between hello and the first snapshot', async () => {
    await client.next((message) => isSnapshot(message) && message.producedPerSec > 0);
    const late = await SocketClient.connect(test.server.url);
    try {
      await late.next(isSnapshot);
      const types = late.messages.map((message) => message.type);
      expect(types.slice(0, 3)).toEqual(['hello', 'history', 'snapshot']);
      const history = late.messages[1];
      if (history?.type !== 'history') throw new Error('expected the history second');
      expect(history.points.some((point) => point.producedPerSec > 0)).toBe(true);
      expect(Object.keys(history.points.at(-1)?.groups ?? {}).sort()).toEqual(['analytics', 'notifications']);
    } finally {
      await late.close();
    }
  });

  it('carries out every command', async () => {
    const produced = await resultOf({ type: 'produce', count: 5, eventType: 'order.shipped' });
    expect(produced).toMatchObject({ produced: 5 });
    expect(await resultOf({ type: 'producer.start', rate: 200 })).toEqual({
      running: true,
      rate: 200,
      eventType: null,
    });
    const running = await client.next((m) => isSnapshot(m) && m.producer.running);
    expect(running.type).toBe('snapshot');
    expect(await resultOf({ type: 'producer.stop' })).toEqual({ running: false });
    // What the producer appended is all handled before worker-d joins: on a busy machine a backlog left for it
    // would meet the crashes queued below and stay pending, for the autoclaim to find.
    await waitFor('both groups caught up', async () =>
      (await test.server.pipeline.stream.infoGroups()).every(
        (group) => group.lag === 0 && group.pending === 0,
      ),
    );
    expect(await resultOf({ type: 'consumer.add', group: 'analytics', name: 'worker-d' })).toEqual({
      group: 'analytics',
      name: 'worker-d',
    });
    expect(await resultOf({ type: 'consumer.pause', group: 'analytics', name: 'worker-d' })).toMatchObject({
      paused: true,
    });
    expect(await resultOf({ type: 'consumer.resume', group: 'analytics', name: 'worker-d' })).toMatchObject({
      paused: false,
    });
    expect(
      await resultOf({ type: 'consumer.crash', group: 'analytics', name: 'worker-d', count: 3 }),
    ).toMatchObject({
      crashQueued: 3,
    });
    expect(await resultOf({ type: 'consumer.remove', group: 'analytics', name: 'worker-d' })).toMatchObject({
      handedOverTo: 'worker-c',
    });
    expect(await resultOf({ type: 'autoclaim', group: 'analytics', consumer: 'worker-c' })).toMatchObject({
      claimed: 0,
      deleted: 0,
      minIdleMs: 200,
    });
    const replay = await resultOf({
      type: 'replay',
      start: produced.firstId,
      end: produced.lastId,
      count: 10,
    });
    expect((replay.entries as unknown[]).length).toBe(5);
    const history = await resultOf({ type: 'entry.history', id: produced.firstId });
    expect(history).toMatchObject({ id: produced.firstId, entry: { fields: { type: 'order.shipped' } } });
    expect(await resultOf({ type: 'trim.maxlen', maxlen: 1000 })).toMatchObject({ deleted: 0 });
    expect(await resultOf({ type: 'trim.minid', olderThanMs: 3_600_000 })).toMatchObject({ deleted: 0 });
    expect(await resultOf({ type: 'group.create', group: 'audit', startId: '0-0' })).toMatchObject({
      group: 'audit',
      lastDeliveredId: '0-0',
    });
    // To the newest entry: the five, or what the producer appended after them before it stopped (its first batch
    // leaves 20 ms after the start, which a busy machine takes to answer the start and push the snapshot).
    const { lastGeneratedId } = (await test.server.pipeline.stream.infoStream()) ?? {};
    expect(compareEntryIds(String(lastGeneratedId), String(produced.lastId))).toBeGreaterThanOrEqual(0);
    expect(await resultOf({ type: 'group.setid', group: 'audit', id: '$' })).toMatchObject({
      from: '0-0',
      to: lastGeneratedId,
      lag: 0,
    });
    expect(await resultOf({ type: 'group.delete', group: 'audit' })).toEqual({
      group: 'audit',
      consumersStopped: [],
      pendingDiscarded: 0,
    });
    expect(await resultOf({ type: 'reset' })).toEqual({ groups: 2, consumers: 3 });
  });

  it('sends nothing of the deleted stream after a reset has answered: its feed and tail went with it', async () => {
    await resultOf({ type: 'producer.start', rate: 2_000 });
    await client.next((message) => message.type === 'deliveries' && message.events.length > 100);
    await resultOf({ type: 'reset' });
    const answeredAt = client.messages.length;
    // The reset stopped the producer: whatever comes over the next ticks can only be the old stream's.
    await waitFor('three snapshots after the reset', () =>
      client.messages.slice(answeredAt).filter(isSnapshot).length >= 3 ? true : null,
    );
    const late = client.messages
      .slice(answeredAt)
      .filter((message) => message.type === 'deliveries' || message.type === 'tail');
    expect(late).toEqual([]);
  });

  it('answers every bad message with an error and keeps the socket open', async () => {
    const raw = (data: string | Buffer) => {
      client.socket.send(data);
      const seen = client.messages.length;
      return client.next((message) => message.type === 'error' && client.messages.indexOf(message) >= seen);
    };
    expect(await raw('{not json')).toMatchObject({ code: 'bad_json', requestId: null });
    expect(await raw(Buffer.from([1, 2, 3]))).toMatchObject({ code: 'bad_json' });
    expect(await raw('[1,2]')).toMatchObject({ code: 'bad_request' });
    expect(await raw('{"type":"produce","count":1}')).toMatchObject({
      code: 'bad_request',
      message: /requestId/,
    });
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ type: 'explode' }, 'bad_request', /unknown command type "explode"/],
      [{ type: 'produce', count: -1 }, 'bad_request', /count must be at least 1/],
      [{ type: 'produce', count: 10_001 }, 'bad_request', /at most 10,000/],
      [{ type: 'producer.start', rate: 0 }, 'bad_request', /rate must be at least 1/],
      [{ type: 'consumer.add', group: 'analytics' }, 'bad_request', /name/],
      [{ type: 'consumer.add', group: 'analytics', name: 'worker-c' }, 'conflict', /already exists/],
      [{ type: 'consumer.crash', group: 'analytics', name: 'nobody', count: 1 }, 'not_found', /nobody/],
      [{ type: 'consumer.remove', group: 'analytics', name: 'worker-c' }, 'refused', /last one/],
      [{ type: 'replay', start: 'x' }, 'bad_request', /start/],
      [{ type: 'pending.claim', group: 'analytics', id: '1-0' }, 'bad_request', /consumer/],
      [
        { type: 'pending.claim', group: 'analytics', id: '1-0', consumer: 'worker-c' },
        'not_found',
        /1-0 is not pending in group analytics/,
      ],
      [{ type: 'trim.maxlen', maxlen: -5 }, 'bad_request', /maxlen must be at least 0/],
      [{ type: 'trim.minid' }, 'bad_request', /exactly one of minId or olderThanMs/],
      [{ type: 'entry.history', id: 'abc' }, 'bad_request', /stream ID/],
    ];
    for (const [command, code, message] of cases) {
      const reply = await client.request(command);
      expect(reply, JSON.stringify(command)).toMatchObject({
        type: 'error',
        code,
        message: expect.stringMatching(message),
      });
    }
    // Refusals of a value (by the schema, or a name already taken) name their arguments, for the page to mark
    // the fields that gave them; refusals of the act itself name none.
    expect(await client.request({ type: 'replay', start: 'x', end: 'y', count: 0 })).toMatchObject({
      fields: ['start', 'end', 'count'],
    });
    expect(
      await client.request({ type: 'consumer.add', group: 'analytics', name: 'worker-c' }),
    ).toMatchObject({
      fields: ['name'],
    });
    expect(
      await client.request({ type: 'consumer.remove', group: 'analytics', name: 'worker-c' }),
    ).not.toHaveProperty('fields');
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    expect(await resultOf({ type: 'produce', count: 1 })).toMatchObject({ produced: 1 });
  });

  it('of 100 concurrent adds of one name from one client over HTTP exactly one succeeds, the rest told it is taken', async () => {
    // Over the network, from one peer address: past the four requests one client may have running, the others
    // were refused as too many (429) before the name was looked at.
    const replies = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const response = await fetch(`${test.server.url}/api/consumer/add`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ group: 'analytics', name: 'racer' }),
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      }),
    );
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(1);
    const errors = replies.filter((reply) => reply.status !== 200);
    expect(errors).toHaveLength(99);
    for (const error of errors) expect(error).toMatchObject({ status: 409, body: { code: 'conflict' } });
    const consumers = await test.server.pipeline.stream.infoConsumers('analytics');
    await expect
      .poll(async () => (await test.server.pipeline.stream.infoConsumers('analytics')).length)
      .toBe(2);
    expect(consumers.filter((consumer) => consumer.name === 'racer').length).toBeLessThanOrEqual(1);
  });

  it('of many concurrent adds of one name over several sockets of one client, exactly one succeeds', async () => {
    const pages = await Promise.all(
      Array.from({ length: MAX_SOCKET_COMMANDS_PER_CLIENT }, () => SocketClient.connect(test.server.url)),
    );
    // Five from each page: more than a socket, or the client, may have running at once.
    const sends = pages.flatMap((page, index) =>
      Array.from({ length: 5 }, (_, each) => ({ page, requestId: `race-${index}-${each}` })),
    );
    try {
      for (const { page, requestId } of sends) {
        page.socket.send(
          JSON.stringify({ requestId, type: 'consumer.add', group: 'analytics', name: 'ws-racer' }),
        );
      }
      const answers = await Promise.all(
        sends.map(({ page, requestId }) =>
          page.next((message) => 'requestId' in message && message.requestId === requestId),
        ),
      );
      expect(answers.filter((answer) => answer.type === 'result')).toHaveLength(1);
      const refusals = answers.filter((answer) => answer.type === 'error');
      expect(refusals).toHaveLength(sends.length - 1);
      for (const refusal of refusals) expect(refusal).toMatchObject({ code: 'conflict' });
    } finally {
      await Promise.all(pages.map((page) => page.close()));
      await test.server.app.request('/api/consumer/remove', {
        method: 'POST',
        body: JSON.stringify({ group: 'analytics', name: 'ws-racer' }),
      });
    }
  });

  it('runs at most MAX_COMMANDS_IN_FLIGHT commands per socket, refuses the rest at once, and serves other pages', async () => {
    // The flood's appends are held in flight, so "the rest" is the same set however slow the machine: the
    // first MAX run and stay running, and every later one meets a full socket.
    const appends = holdAppends(test.server.pipeline.stream);
    const flooder = await SocketClient.connect(test.server.url);
    try {
      const sent = Array.from({ length: 50 }, (_, index) => `flood-${index}`);
      for (const requestId of sent) {
        flooder.socket.send(JSON.stringify({ requestId, type: 'produce', count: 10_000 }));
      }
      const answered = (requestId: string) => (message: ServerMessage) =>
        (message.type === 'result' || message.type === 'error') && message.requestId === requestId;
      const refused = await Promise.all(
        sent.slice(MAX_COMMANDS_IN_FLIGHT).map((id) => flooder.next(answered(id))),
      );
      for (const reply of refused) {
        expect(reply).toMatchObject({
          code: 'busy',
          message: `${MAX_COMMANDS_IN_FLIGHT} commands from this socket are still running; wait for their answers before sending more`,
        });
      }
      // Each first asks Redis whether the stream is Streamscope's (see refuseAppendsToForeignStream), then appends.
      await expect.poll(() => appends.held()).toBe(MAX_COMMANDS_IN_FLIGHT);
      // Another page is served while those are still running: it does not wait behind the flood (it once
      // waited behind all 50 batches, about 7.5 s, and 300 of them took the process to 2.9 GB).
      expect(await resultOf({ type: 'replay', count: 1 })).toHaveProperty('entries');
      expect(flooder.messages.some((message) => message.type === 'result')).toBe(false);
      appends.release();
      const results = await Promise.all(
        sent.slice(0, MAX_COMMANDS_IN_FLIGHT).map((id) => flooder.next(answered(id), 30_000)),
      );
      for (const reply of results)
        expect(reply).toMatchObject({ type: 'result', result: { produced: 10_000 } });
      // Answered, the socket takes commands again.
      expect(flooder.socket.readyState).toBe(WebSocket.OPEN);
      expect(await flooder.request({ type: 'produce', count: 1 })).toMatchObject({ type: 'result' });
    } finally {
      appends.restore();
      await flooder.close();
    }
  });

  it('pushes snapshots about 4 times a second to 50 clients, the same snapshot to each', async () => {
    const clients = await Promise.all(
      Array.from({ length: 50 }, () => SocketClient.connect(test.server.url)),
    );
    try {
      const snapshots = (c: SocketClient) => c.messages.filter(isSnapshot);
      // Counted from the first tick every client was connected for, not from a fixed sleep: on a busy machine
      // the 50 handshakes alone can take a good part of a second, and the first ones in see more ticks. A
      // client's greeting snapshot may still be on its way when its socket opens.
      await waitFor('a snapshot on every client', () => clients.every((c) => snapshots(c).length > 0));
      const from = Math.max(...clients.map((c) => (snapshots(c)[0]?.seq ?? 0) + 1));
      const ticks = 8;
      await waitFor(`${ticks} ticks after every client is in`, () =>
        clients.every((c) => snapshots(c).some((snapshot) => snapshot.seq >= from + ticks)),
      );
      // Each client got every one of those snapshots once, in order, and the same one (built once, not per client).
      const seen = clients.map((c) =>
        snapshots(c)
          .filter((snapshot) => snapshot.seq >= from && snapshot.seq <= from + ticks)
          .map((snapshot) => ({ seq: snapshot.seq, at: snapshot.at })),
      );
      const expected = Array.from({ length: ticks + 1 }, (_, index) => from + index);
      for (const each of seen) expect(each).toEqual(seen[0]);
      expect(seen[0]?.map((snapshot) => snapshot.seq)).toEqual(expected);
      // Not faster than 4 a second, by the snapshots' own timestamps (so a test process slow to read them does
      // not count): eight 250 ms intervals, less a little for when each build's clock was read. How much slower
      // a loaded machine makes it is no behaviour of the server (4,386 ms for eight ticks under load, where a
      // bound of 4,000 stood); the cadence itself, and that slow builds skip ticks, live-hub.test.ts shows.
      const spanMs = (seen[0]?.at(-1)?.at ?? 0) - (seen[0]?.[0]?.at ?? 0);
      expect(spanMs).toBeGreaterThanOrEqual((ticks - 2) * 250);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('refuses upgrades from a foreign origin; closes a client that sends an oversized message', async () => {
    await expect(SocketClient.connect(test.server.url, { origin: 'http://evil.example' })).rejects.toThrow(
      /403/,
    );
    // DNS rebinding: a foreign name resolved to 127.0.0.1 makes Host and Origin agree, so only Host tells.
    const rebound = new URL(test.server.url);
    await expect(
      SocketClient.connect(test.server.url, {
        host: `evil.example:${rebound.port}`,
        origin: `http://evil.example:${rebound.port}`,
      }),
    ).rejects.toThrow(/403/);
    // A refused upgrade has no body (the adapter writes none): its reason is in a header.
    const refusedUpgrade = (headers: Record<string, string>) =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const request = httpGet(
          `${test.server.url}/ws`,
          {
            headers: {
              connection: 'Upgrade',
              upgrade: 'websocket',
              'sec-websocket-version': '13',
              'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
              ...headers,
            },
          },
          (response) => {
            response.resume();
            resolve(response);
          },
        );
        request.on('error', reject);
      });
    const refused = await refusedUpgrade({ origin: 'http://evil.example' });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['x-streamscope-error']).toBe('WebSocket from origin http://evil.example refused');
    // A foreign Host (DNS rebinding) is refused before the origin is looked at: said the same way.
    const foreignHost = await refusedUpgrade({ host: 'evil.example' });
    expect(foreignHost.statusCode).toBe(403);
    expect(foreignHost.headers['x-streamscope-error']).toMatch(/^requests for host evil.example are refused/);
    // A plain GET of the socket's route is told what it speaks.
    const plain = await fetch(`${test.server.url}/ws`);
    expect(plain.status).toBe(426);
    expect(await plain.json()).toMatchObject({ message: /WebSocket: send it with Upgrade: websocket/ });
    // Upgrade without `Connection: Upgrade` opens no socket: told so, and counted against no one. Seventy on one
    // keep-alive connection (more than an address may hold open) held every slot of its address, each an empty 500.
    const { port } = new URL(test.server.url);
    const raw = net.createConnection({ host: '127.0.0.1', port: Number(port) });
    const halfUpgrade = `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n\r\n`;
    raw.write(halfUpgrade.repeat(70));
    let answered = '';
    raw.on('data', (chunk) => {
      answered += chunk.toString();
    });
    await waitFor('seventy answers', () => answered.split('HTTP/1.1 426').length - 1 === 70);
    expect(answered).toContain('send it with Connection: Upgrade as well as Upgrade: websocket');
    const besides = await SocketClient.connect(test.server.url);
    await besides.close();
    raw.destroy();
    const greedy = await SocketClient.connect(test.server.url);
    const closed = new Promise<number>((resolve) => greedy.socket.once('close', (code) => resolve(code)));
    greedy.socket.send('x'.repeat(100_000));
    expect(await closed).toBe(1009);
    expect(await resultOf({ type: 'produce', count: 1 })).toMatchObject({ produced: 1 });
  });
});

/** A WebSocket client that completes the handshake, then never reads again: no ping answered, no close frame. */
function stalledSocket(port: number): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
          'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      socket.once('data', () => {
        socket.pause();
        resolve(socket);
      });
    });
    socket.once('error', reject);
  });
}

describe('WebSocket heartbeat', () => {
  it('closes a socket that did not answer the last ping, and keeps one that does', async () => {
    const own = await startTestServer([], { redis: test.redis, heartbeatMs: 150 });
    const stalled = await stalledSocket(own.server.port);
    const answering = await SocketClient.connect(own.server.url);
    try {
      await expect.poll(() => own.server.hub.clientCount).toBe(2);
      // Past its megabyte it would only skip ticks, holding its place for good: the next ping but one ends it.
      await expect.poll(() => own.server.hub.clientCount, { timeout: 5_000 }).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(own.server.hub.clientCount).toBe(1);
      expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      stalled.destroy();
      await answering.close();
      await own.stop();
    }
  });
});

describe('WebSocket on shutdown', () => {
  it('a client that stopped reading does not hold up close()', async () => {
    const own = await startTestServer([], { redis: test.redis });
    // Completes the handshake, then never reads again and never answers the close frame (a frozen tab).
    const stalled = await stalledSocket(own.server.port);
    try {
      await expect.poll(() => own.server.hub.clientCount).toBe(1);
      const started = Date.now();
      await own.server.close();
      // It used to wait out ws's 30 s close-handshake timeout.
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      stalled.destroy();
      await own.stop();
    }
  });
});

describe('WebSocket with a token', () => {
  it('requires the token, in the query or as a bearer header', async () => {
    const guarded = await startTestServer(['--token', 'correct-horse-battery-staple'], { redis: test.redis });
    try {
      await expect(SocketClient.connect(guarded.server.url)).rejects.toThrow(/401/);
      const byHeader = await SocketClient.connect(guarded.server.url, {
        authorization: 'Bearer correct-horse-battery-staple',
      });
      await byHeader.next((message) => message.type === 'hello');
      await byHeader.close();
      expect((await guarded.server.app.request('/api/state')).status).toBe(401);
      expect((await guarded.server.app.request('/api/state?token=correct-horse-battery-staple')).status).toBe(
        200,
      );
      // The reference routes take it in the query too, beside their own fields: it is no field of theirs.
      const token = 'token=correct-horse-battery-staple';
      expect((await guarded.server.app.request(`/state?${token}`)).status).toBe(200);
      expect((await guarded.server.app.request(`/replay?${token}&count=1`)).status).toBe(200);
      const produced = await guarded.server.app.request(`/produce?${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'count=1',
      });
      expect(produced.status).toBe(200);
      const withHeader = (authorization: string) =>
        guarded.server.app.request('/api/state', { headers: { authorization } });
      // The scheme is case-insensitive; a guess of any length, the right one's included, is just wrong.
      expect((await withHeader('bearer correct-horse-battery-staple')).status).toBe(200);
      for (const guess of ['x', 'correct-horse-battery-stapl', 'correct-horse-battery-staplee', '']) {
        expect((await withHeader(`Bearer ${guess}`)).status).toBe(401);
      }
      // A method a route does not take is answered 401 without the token too, not 405: nothing is said of the
      // routes to a client without it.
      for (const path of ['/metrics', '/ws', '/api/state', '/produce']) {
        expect([path, (await guarded.server.app.request(path, { method: 'DELETE' })).status]).toEqual([
          path,
          401,
        ]);
      }
      const allowed = await guarded.server.app.request(`/metrics?${token}`, { method: 'DELETE' });
      expect([allowed.status, allowed.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    } finally {
      await guarded.stop();
    }
  });
});

describe('WebSocket /ws: a preview beyond the bound', () => {
  it('is refused with its own requestId and the reason, not dropped', async () => {
    const { stream } = test.server.pipeline;
    const appends = holdAppends(stream);
    const page = await SocketClient.connect(test.server.url);
    try {
      for (let index = 0; index < MAX_COMMANDS_IN_FLIGHT; index++) {
        page.socket.send(JSON.stringify({ requestId: `slow-${index}`, type: 'produce', count: 1 }));
      }
      await expect.poll(() => appends.held()).toBe(MAX_COMMANDS_IN_FLIGHT);
      page.socket.send(JSON.stringify({ requestId: 'quiet-preview', type: 'trim.preview', maxlen: 100 }));
      const refused = await page.next(
        (message) => message.type === 'error' && message.requestId === 'quiet-preview',
      );
      expect(refused).toMatchObject({
        code: 'busy',
        message: `${MAX_COMMANDS_IN_FLIGHT} commands from this socket are still running; wait for their answers before sending more`,
      });
      appends.release();
      for (let index = 0; index < MAX_COMMANDS_IN_FLIGHT; index++) {
        await page.next((message) => message.type === 'result' && message.requestId === `slow-${index}`);
      }
      const answered = await page.request({ type: 'trim.preview', maxlen: 100 });
      expect(answered).toMatchObject({ type: 'result', command: 'trim.preview' });
    } finally {
      appends.restore();
      await page.close();
    }
  });
});

describe('WebSocket /ws: one client address over many sockets', () => {
  it('runs at most MAX_SOCKET_COMMANDS_PER_CLIENT of its commands at once, however many sockets it opens', async () => {
    // Before, each socket had its own four: ten sockets from one script ran 40 produce-10000 at once, and
    // another caller's produce of one waited 19 s behind them.
    const { stream } = test.server.pipeline;
    const appends = holdAppends(stream);
    const sockets = MAX_SOCKET_COMMANDS_PER_CLIENT / MAX_COMMANDS_IN_FLIGHT;
    const flooders = await Promise.all(
      Array.from({ length: sockets }, () => SocketClient.connect(test.server.url)),
    );
    const late = await SocketClient.connect(test.server.url);
    try {
      flooders.forEach((flooder, socket) => {
        for (let index = 0; index < MAX_COMMANDS_IN_FLIGHT; index++) {
          flooder.socket.send(
            JSON.stringify({ requestId: `held-${socket}-${index}`, type: 'produce', count: 1 }),
          );
        }
      });
      await expect.poll(() => appends.held()).toBe(MAX_SOCKET_COMMANDS_PER_CLIENT);
      expect(await late.request({ type: 'produce', count: 1 })).toMatchObject({
        type: 'error',
        code: 'busy',
        message: `${MAX_SOCKET_COMMANDS_PER_CLIENT} commands from 127.0.0.1 are still running, the most one client may have at once; wait for their answers before sending more`,
      });
      expect(appends.held()).toBe(MAX_SOCKET_COMMANDS_PER_CLIENT);
      appends.release();
      for (const [socket, flooder] of flooders.entries()) {
        for (let index = 0; index < MAX_COMMANDS_IN_FLIGHT; index++) {
          await flooder.next(
            (message) => message.type === 'result' && message.requestId === `held-${socket}-${index}`,
          );
        }
      }
      expect(await late.request({ type: 'produce', count: 1 })).toMatchObject({ type: 'result' });
    } finally {
      appends.restore();
      await Promise.all([...flooders, late].map((each) => each.close()));
    }
  });
});

describe('WebSocket /ws: sockets per client address', () => {
  it('opens at most MAX_SOCKETS_PER_CLIENT from one address, even all at once, and refuses the rest with 429', async () => {
    // Before, nothing bounded them: 300 sockets from one script that never read took the server from 580 MB
    // to 1.25 GB in 14 s, each holding up to a megabyte of unsent snapshots, and none was closed.
    const attempts = await Promise.allSettled(
      Array.from({ length: MAX_SOCKETS_PER_CLIENT + 10 }, () => SocketClient.connect(test.server.url)),
    );
    const opened = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []));
    try {
      // The file's own page is one of this address's sockets.
      expect(opened).toHaveLength(MAX_SOCKETS_PER_CLIENT - 1);
      for (const attempt of attempts) {
        if (attempt.status === 'rejected') expect(String(attempt.reason)).toMatch(/429/);
      }
      await opened.pop()?.close();
      await expect
        .poll(async () => {
          const again = await SocketClient.connect(test.server.url).catch(() => undefined);
          if (again) opened.push(again);
          return again !== undefined;
        })
        .toBe(true);
    } finally {
      await Promise.all(opened.map((page) => page.close()));
    }
  });
});
