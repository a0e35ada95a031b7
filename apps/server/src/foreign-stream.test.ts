import { uniqueStreamKey, untilClientBlocked, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { describe, expect, it } from 'vitest';
import { SocketClient } from './testing/socket-client.js';
import { json, postJson, startTestServer, useTestServers } from './testing/test-server.js';

// A --no-reset start pointed at a stream another application runs: Streamscope shows it, and touches none of
// that application's groups, consumers or entries unless the operator asked.
const redisSuite = usePrivateRedis();
const start = useTestServers(redisSuite);

/** Another application's stream: a `notifications` group whose two consumers hold 4 and 2 of its 10 entries. */
const applicationStream = async (label: string): Promise<string> => {
  const { redis } = redisSuite;
  const streamKey = uniqueStreamKey(label);
  for (let index = 0; index < 10; index++)
    await redis.xadd(streamKey, '*', 'kind', 'email', 'to', `u${index}`);
  await redis.xgroup('CREATE', streamKey, 'notifications', '0');
  await redis.xreadgroup('GROUP', 'notifications', 'email-sender-1', 'COUNT', 4, 'STREAMS', streamKey, '>');
  await redis.xreadgroup('GROUP', 'notifications', 'email-sender-2', 'COUNT', 2, 'STREAMS', streamKey, '>');
  return streamKey;
};

/** The application's group once worker-a joined it: the application's two consumers still hold their 4 and 2. */
const JOINED_UNTOUCHED = ['email-sender-1:4', 'email-sender-2:2', 'worker-a:0'];

/** Each consumer of the group with what it holds, and the group's cursor, as Redis has them. */
const groupState = async (streamKey: string, group: string) => {
  const consumers = (await redisSuite.redis.call('XINFO', 'CONSUMERS', streamKey, group)) as unknown[][];
  const groups = (await redisSuite.redis.call('XINFO', 'GROUPS', streamKey)) as unknown[][];
  const info = groups.find((fields) => fields[1] === group);
  return {
    groups: groups.map((fields) => fields[1]),
    lastDelivered: info?.[7],
    consumers: consumers.map((fields) => `${fields[1]}:${fields[3]}`),
  };
};

/** The group's alert that its once-per-ID guard cannot record, in an `/api/state` answer. */
const guardAlertOf = (state: { alerts: { metric: string; subject: string }[] }, group: string) =>
  state.alerts.find((alert) => alert.metric === 'guardMarksLost' && alert.subject === group);

describe('a --no-reset start on a stream Streamscope did not create', () => {
  it("refuses, with the demo's default seed, to run workers in a group of the same name, and changes nothing", async () => {
    const streamKey = await applicationStream('foreign-default');
    const before = await groupState(streamKey, 'notifications');
    await expect(start(['--stream-key', streamKey, '--no-reset'])).rejects.toThrow(
      `group(s) "notifications" already on "${streamKey}" were not created by Streamscope: the demo's default seed would run its workers in them`,
    );
    expect(await groupState(streamKey, 'notifications')).toEqual(before);
    expect(before.consumers).toEqual(['email-sender-1:4', 'email-sender-2:2']);
    expect(await redisSuite.redis.exists(`${streamKey}:controls`, `${streamKey}:owned`)).toBe(0);
  });

  it('tells, on a stream an earlier Streamscope made (no <stream key>:owned yet), how to note its groups, which then start', async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('upgrade');
    // What the version before the note left: the demo's groups, a consumer added through the API, a guard.
    await redis.xadd(streamKey, '*', 'type', 'order.created', 'ts_ms', '1');
    for (const group of ['notifications', 'analytics']) await redis.xgroup('CREATE', streamKey, group, '0');
    await redis.call('XGROUP', 'CREATECONSUMER', streamKey, 'notifications', 'worker-d');
    await redis.zadd(`${streamKey}:processed:notifications`, 1, '1-0');
    const refusal = start(['--stream-key', streamKey, '--no-reset']);
    const hset = `HSET ${streamKey}:owned '["group","notifications"]' 1 '["group","analytics"]' 1`;
    await expect(refusal).rejects.toThrow(
      `${streamKey}:owned, where Streamscope notes its own groups and consumers`,
    );
    await expect(refusal).rejects.toThrow(hset);
    await expect(refusal).rejects.toThrow(`'["consumer","notifications","worker-d"]' 1`);
    // Done as it says, the default seed starts, and worker-d, noted too, is restored.
    await redis.call(
      ...(hset.split(' ').map((word) => word.replace(/^'|'$/g, '')) as [string, ...string[]]),
      '["consumer","notifications","worker-d"]',
      '1',
    );
    const server = await start(['--stream-key', streamKey, '--no-reset']);
    expect(server.server.seeded).toEqual({
      groups: 2,
      consumers: 4,
      restored: 1,
      resumed: { groups: 2, consumers: 4 },
      paused: [],
    });
  });

  it('joins the group when --seed names it, but leaves its own consumers, and what they hold, to them', async () => {
    const streamKey = await applicationStream('foreign-named');
    const logged: string[] = [];
    const server = await start(
      // Every held entry is claimable at once: a claim refused is refused for what it is, not for being early.
      ['--stream-key', streamKey, '--no-reset', '--seed', 'notifications=worker-a', '--claim-idle-ms', '0'],
      (line) => logged.push(line),
    );
    expect(server.server.seeded).toEqual({
      groups: 1,
      consumers: 1,
      restored: 0,
      resumed: { groups: 1, consumers: 1 },
      paused: [],
    });
    expect(server.server.pipeline.pool.workers().map((worker) => worker.name)).toEqual(['worker-a']);
    expect(logged.join('\n')).toMatch(
      'joining group(s) "notifications", which Streamscope did not create, as --seed asks',
    );
    expect(logged.join('\n')).toMatch(
      'not restoring 2 consumer(s) Redis has in the seed groups ("notifications/email-sender-1", "notifications/email-sender-2"): Streamscope did not add them',
    );
    // worker-a takes the four entries no one had read; the six the application's consumers hold stay theirs.
    await waitFor(
      'worker-a to read what was left',
      async () =>
        (await groupState(streamKey, 'notifications')).consumers.includes('worker-a:0') &&
        server.server.pipeline.totals().acked === 4,
    );
    expect((await groupState(streamKey, 'notifications')).consumers).toEqual(JOINED_UNTOUCHED);
    // The application's consumers are not taken from it: worker-a would ack their four with the demo handler.
    await redisSuite.redis.xreadgroup('GROUP', 'notifications', 'email-sender-1', 'STREAMS', streamKey, '0');
    const removal = await postJson(server, '/api/consumer/remove', {
      group: 'notifications',
      name: 'email-sender-1',
    });
    expect(removal.status).toBe(409);
    expect((await json(removal)).message).toMatch(
      "consumer notifications/email-sender-1 is another application's (Streamscope did not create group notifications)",
    );
    // Nor is what they hold claimed into worker-a, all at once, one entry by hand or on a timer.
    const [[held]] = (await redisSuite.redis.xpending(streamKey, 'notifications', '-', '+', 1)) as [[string]];
    for (const [path, body] of [
      ['/api/autoclaim', { group: 'notifications', consumer: 'worker-a' }],
      ['/api/pending/claim', { group: 'notifications', id: held, consumer: 'worker-a' }],
      ['/api/autoreap/set', { group: 'notifications', enabled: true }],
    ] as const) {
      const refused = await postJson(server, path, body);
      expect([path, refused.status]).toEqual([path, 409]);
      expect((await json(refused)).message).toMatch(
        "group notifications is another application's (Streamscope did not create it): the entries its consumers hold, claimed into a worker here, would be acked with the demo handler",
      );
    }
    // Switching the reaper off is no claim: it stays allowed.
    expect(
      (await postJson(server, '/api/autoreap/set', { group: 'notifications', enabled: false })).status,
    ).toBe(200);
    expect((await groupState(streamKey, 'notifications')).consumers).toEqual(JOINED_UNTOUCHED);
  });

  it("runs no reaper in another application's group though the controls hash saves one (an older process's switch)", async () => {
    const streamKey = await applicationStream('foreign-saved-reaper');
    await redisSuite.redis.hset(`${streamKey}:controls`, '["autoreap","notifications"]', '1');
    const logged: string[] = [];
    const server = await start(
      ['--stream-key', streamKey, '--no-reset', '--seed', 'notifications=worker-a', '--claim-idle-ms', '0'],
      (line) => logged.push(line),
    );
    expect(logged.join('\n')).toMatch(
      `not switching on the auto-reaper ${streamKey}:controls saves for notifications: another application's group`,
    );
    const state = await json(server.server.app.request('/api/state'));
    expect(state.groups.find((group: { name: string }) => group.name === 'notifications')?.autoReap).toBe(
      false,
    );
    // Past several of the follow's turns, what the application's consumers hold is still theirs.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await groupState(streamKey, 'notifications')).consumers).toEqual(JOINED_UNTOUCHED);
  });

  it('refuses a start with reset, which would delete it, and deletes nothing', async () => {
    const streamKey = await applicationStream('foreign-reset');
    const before = await groupState(streamKey, 'notifications');
    await expect(start(['--stream-key', streamKey, '--seed', 'none'])).rejects.toThrow(
      `"${streamKey}" has groups Streamscope did not create (notifications): a reset would delete it, with its groups and their pending entries. Start with --no-reset to watch it (--seed none)`,
    );
    expect(await redisSuite.redis.xlen(streamKey)).toBe(10);
    expect(await groupState(streamKey, 'notifications')).toEqual(before);
  });

  it('refuses the default seed on a stream it never ran on, groups or none, and seeds where --seed names it', async () => {
    const streamKey = uniqueStreamKey('foreign-plain');
    await redisSuite.redis.xadd(streamKey, '*', 'kind', 'email');
    await expect(start(['--stream-key', streamKey, '--no-reset'])).rejects.toThrow(
      `"${streamKey}" holds a stream Streamscope has never run on: the demo's default seed would add its groups and ack every entry with the demo handler. Start with --seed none to only watch it`,
    );
    expect(await redisSuite.redis.call('XINFO', 'GROUPS', streamKey)).toEqual([]);
    const named = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'audit=auditor']);
    expect(named.server.seeded).toMatchObject({ groups: 1, consumers: 1 });
  });

  it('watching, refuses to reset it or append demo events to it, saying why, and changes nothing', async () => {
    const streamKey = await applicationStream('foreign-watch');
    const before = await groupState(streamKey, 'notifications');
    const watcher = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);
    // The page is told whose the group is, and offers none of what is refused below.
    const { groups } = await json(watcher.server.app.request('/api/state'));
    expect(groups).toMatchObject([{ name: 'notifications', createdByStreamscope: false }]);
    for (const [path, body] of [
      ['/api/reset', {}],
      ['/api/produce', { count: 1 }],
      ['/api/poison/inject', {}],
      ['/api/producer/start', { rate: 10 }],
      ['/produce', 'count=1'],
    ] as const) {
      const answer =
        typeof body === 'string'
          ? await watcher.server.app.request(path, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body,
            })
          : await postJson(watcher, path, body);
      expect(answer.status, path).toBe(409);
      // The JSON API says it in `message`, the reference routes in `error`.
      const { message, error } = (await answer.json()) as { message?: string; error?: string };
      expect(message ?? error, path).toMatch(
        `"${streamKey}" has groups Streamscope did not create (notifications)`,
      );
    }
    // Nor moves or deletes its group, whose consumers Redis may show as idle while they wait on a read.
    for (const [path, body, message] of [
      ['/api/group/setid', { group: 'notifications', id: '0-0' }, 'moved, its consumers would process again'],
      [
        '/api/group/delete',
        { group: 'notifications', discardPending: true },
        'deleted, its consumers would lose',
      ],
    ] as const) {
      const answer = await postJson(watcher, path, body);
      expect(answer.status, path).toBe(409);
      expect((await json(answer)).message, path).toMatch(
        `group notifications was not created by Streamscope: it is another application's, and ${message}`,
      );
    }
    // Nor removes one of its consumers, whose entries a worker here would ack with the demo handler.
    const removal = await postJson(watcher, '/api/consumer/remove', {
      group: 'notifications',
      name: 'email-sender-1',
    });
    expect(removal.status).toBe(409);
    expect((await json(removal)).message).toMatch(
      "consumer notifications/email-sender-1 is another application's",
    );
    // Nor joins it through the API: a worker here would ack its entries with the demo handler.
    const join = await postJson(watcher, '/api/consumer/add', { group: 'notifications', name: 'pod-9' });
    expect(join.status).toBe(409);
    expect((await json(join)).message).toMatch(
      'group notifications was not created by Streamscope: a consumer added here would take its entries',
    );
    // Nor dead-letters one of its pending entries, which would ack it there.
    const [[pendingId]] = (await redisSuite.redis.xpending(streamKey, 'notifications', '-', '+', 1)) as [
      [string],
    ];
    const parked = await postJson(watcher, '/api/pending/deadletter', {
      group: 'notifications',
      id: pendingId,
    });
    expect(parked.status).toBe(409);
    expect((await json(parked)).message).toMatch(
      "group notifications is another application's (Streamscope did not create it)",
    );
    expect(watcher.server.pipeline.producer.state().running).toBe(false);
    expect(await redisSuite.redis.xlen(streamKey)).toBe(10);
    expect(await groupState(streamKey, 'notifications')).toEqual(before);
  });

  it('appends and resets freely on a stream it made itself, seeding nothing', async () => {
    const streamKey = uniqueStreamKey('own-unseeded');
    const own = await start(['--stream-key', streamKey, '--seed', 'none']);
    expect((await postJson(own, '/api/produce', { count: 3 })).status).toBe(200);
    expect((await postJson(own, '/api/group/create', { group: 'audit', startId: '0-0' })).status).toBe(200);
    const { groups } = await json(own.server.app.request('/api/state'));
    expect(groups).toMatchObject([{ name: 'audit', createdByStreamscope: true }]);
    expect((await postJson(own, '/api/reset', {})).status).toBe(200);
    expect((await postJson(own, '/api/produce', { count: 2 })).status).toBe(200);
    expect(await redisSuite.redis.xlen(streamKey)).toBe(2);
  });

  it('makes the stream its own again when Redis lost it and its notes (a restart without data): appends and resets go on', async () => {
    const streamKey = uniqueStreamKey('own-lost');
    const own = await start(['--stream-key', streamKey, '--seed', 'none']);
    expect((await postJson(own, '/api/produce', { count: 3 })).status).toBe(200);
    // What a Redis restarted without persistence leaves of them: nothing.
    await redisSuite.redis.del(streamKey, `${streamKey}:owned`, `${streamKey}:controls`);
    expect((await postJson(own, '/api/produce', { count: 2 })).status).toBe(200);
    // The second append, and a reset, used to be refused: "holds a stream Streamscope has never run on".
    expect((await postJson(own, '/api/produce', { count: 2 })).status).toBe(200);
    expect(await redisSuite.redis.xlen(streamKey)).toBe(4);
    expect((await postJson(own, '/api/reset', {})).status).toBe(200);
  });

  it('makes the stream its own again when the continuous producer runs through the loss of it and its notes', async () => {
    const streamKey = uniqueStreamKey('own-lost-producer');
    const own = await start(['--stream-key', streamKey, '--seed', 'none']);
    const { producer } = own.server.pipeline;
    expect((await postJson(own, '/api/producer/start', { rate: 200 })).status).toBe(200);
    await waitFor('the first batches', async () => (await redisSuite.redis.xlen(streamKey)) > 0);
    // Its batches fail while Redis refuses writes, and meanwhile the stream and its notes are lost, as a Redis
    // restarted without persistence loses them.
    const { redis } = redisSuite;
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    await redis.config('SET', 'maxmemory', '1');
    try {
      await waitFor('a failed batch', () => producer.state().failing !== null);
      await redis.del(streamKey, `${streamKey}:owned`, `${streamKey}:controls`);
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
    await waitFor('batches landing again', async () => producer.state().failing === null);
    await waitFor('the stream made again', async () => (await redis.xlen(streamKey)) > 0);
    expect((await postJson(own, '/api/producer/stop', {})).status).toBe(200);
    // Made by the producer, it is noted as Streamscope's: a produce and a reset go on, as before the loss.
    expect((await postJson(own, '/api/produce', { count: 1 })).status).toBe(200);
    expect((await postJson(own, '/api/reset', {})).status).toBe(200);
  });

  it('a running continuous producer stops appending within a second of another application’s group appearing, saying why, and goes on once it is gone', async () => {
    const streamKey = uniqueStreamKey('foreign-under-producer');
    const own = await start(['--stream-key', streamKey]);
    const { producer } = own.server.pipeline;
    expect((await postJson(own, '/api/producer/start', { rate: 500 })).status).toBe(200);
    await waitFor('the first batches', async () => (await redisSuite.redis.xlen(streamKey)) > 0);
    await redisSuite.redis.xgroup('CREATE', streamKey, 'billing', '$');
    await waitFor('its batches refused', () => producer.state().failing !== null, { timeoutMs: 3_000 });
    expect(producer.state()).toMatchObject({
      running: true,
      failing: {
        reason: expect.stringContaining(
          `"${streamKey}" has groups Streamscope did not create (billing): Streamscope appends demo events only to a stream that is all its own`,
        ),
      },
    });
    // Nothing more reaches billing while it stands.
    const lengthThen = await redisSuite.redis.xlen(streamKey);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await redisSuite.redis.xlen(streamKey)).toBe(lengthThen);
    await redisSuite.redis.xgroup('DESTROY', streamKey, 'billing');
    await waitFor('batches landing again', () => producer.state().failing === null, { timeoutMs: 3_000 });
    expect((await postJson(own, '/api/producer/stop', {})).status).toBe(200);
  });

  it('takes back, over a restart, a consumer added through the API, and a group it created', async () => {
    const streamKey = uniqueStreamKey('own-again');
    const flags = ['--stream-key', streamKey];
    const first = await start(flags);
    await first.server.pipeline.addConsumer('notifications', 'worker-d');
    await waitFor('Redis to know worker-d (at its first read)', async () =>
      (await groupState(streamKey, 'notifications')).consumers.includes('worker-d:0'),
    );
    await first.stop();
    // The default seed again: its groups are Streamscope's own, so nothing is refused.
    const second = await start([...flags, '--no-reset']);
    expect(second.server.seeded).toMatchObject({
      consumers: 4,
      restored: 1,
      resumed: { groups: 2, consumers: 4 },
    });
    // Removed, it is no longer Streamscope's to bring back (Redis forgets it too).
    await second.server.pipeline.removeConsumer('notifications', 'worker-d');
    await second.stop();
    await redisSuite.redis.call('XGROUP', 'CREATECONSUMER', streamKey, 'notifications', 'worker-d');
    const third = await start([...flags, '--no-reset']);
    expect(third.server.seeded).toMatchObject({
      consumers: 3,
      restored: 0,
      resumed: { groups: 2, consumers: 3 },
    });
  });

  it('refuses a stream key that holds another type, saying which, with or without reset, and leaves it as it was', async () => {
    for (const [type, make] of [
      ['string', (key: string) => redisSuite.redis.set(key, 'in the way')],
      ['hash', (key: string) => redisSuite.redis.hset(key, 'a', '1')],
    ] as const) {
      const streamKey = uniqueStreamKey(`not-a-stream-${type}`);
      await make(streamKey);
      // With a reset too: its data is some other program's, or the key was mistyped; only its owner deletes it.
      for (const flags of [['--no-reset'], ['--no-reset', '--seed', 'none'], [], ['--seed', 'none']]) {
        await expect(start(['--stream-key', streamKey, ...flags])).rejects.toThrow(
          `the key "${streamKey}" holds a ${type}, not a stream: point --stream-key at a stream (or at a key that does not exist yet), or delete the key yourself first if nothing needs it (redis-cli DEL "${streamKey}")`,
        );
      }
      expect(await redisSuite.redis.type(streamKey)).toBe(type);
    }
  });

  it('says it is deleting only once a reset start has passed its checks: a refused one deletes nothing', async () => {
    const said: string[] = [];
    const beforeReset = () => said.push('deleting');
    const foreign = await applicationStream('refused-reset-line');
    await expect(
      startTestServer(['--stream-key', foreign], { redis: redisSuite.server, beforeReset }),
    ).rejects.toThrow(/Streamscope/);
    expect(said).toEqual([]);
    const own = await startTestServer(['--stream-key', uniqueStreamKey('reset-line')], {
      redis: redisSuite.server,
      beforeReset,
    });
    expect(said).toEqual(['deleting']);
    await own.stop();
  });

  it('refuses a dead-letter key that holds another type, naming it, with or without reset, and starts with --dlq-key naming another', async () => {
    const streamKey = await applicationStream('dlq-in-the-way');
    await redisSuite.redis.set(`${streamKey}:dlq`, 'in the way');
    await expect(start(['--stream-key', streamKey, '--no-reset', '--seed', 'none'])).rejects.toThrow(
      `the dead-letter key "${streamKey}:dlq" holds a string, not a stream: name another with --dlq-key`,
    );
    expect(await redisSuite.redis.get(`${streamKey}:dlq`)).toBe('in the way');
    const resetStream = uniqueStreamKey('dlq-in-the-way-reset');
    await redisSuite.redis.set(`${resetStream}:dlq`, 'in the way');
    await expect(start(['--stream-key', resetStream])).rejects.toThrow(
      `the dead-letter key "${resetStream}:dlq" holds a string, not a stream: name another with --dlq-key, or delete the key yourself first`,
    );
    expect(await redisSuite.redis.get(`${resetStream}:dlq`)).toBe('in the way');
    const server = await start([
      ...['--stream-key', streamKey, '--no-reset', '--seed', 'none'],
      ...['--dlq-key', `${streamKey}:letters`],
    ]);
    const state = await json(server.server.app.request('/api/state'));
    expect(state.dlq).toMatchObject({ key: `${streamKey}:letters`, length: 0 });
    // Written over while the server runs: the snapshot says so, rather than failing every page's.
    await redisSuite.redis.set(`${streamKey}:letters`, 'in the way');
    const over = await server.server.app.request('/api/state');
    expect(over.status).toBe(200);
    expect((await json(over)).dlq).toMatchObject({
      length: 0,
      newest: [],
      unreadable: expect.stringMatching(
        /:letters holds a string, not a stream \(another client wrote over it\)/,
      ),
    });
    const metrics = await (await server.server.app.request('/metrics')).text();
    expect(metrics).toMatch(/^streamscope_redis_up 1$/m);
    // Its length is not known, rather than 0.
    expect(metrics).toMatch(/^streamscope_dlq_length nan$/im); // prom-client writes NaN as Nan
    // Every command that reads or writes letters says so too, refused rather than an internal error.
    const letterId = '1-1';
    for (const [path, body] of [
      ['/api/dlq/list', {}],
      ['/api/dlq/discard', { id: letterId }],
      ['/api/dlq/requeue', { id: letterId }],
      ['/api/dlq/purge', { through: letterId }],
    ] as const) {
      const refused = await postJson(server, path, body);
      expect([path, refused.status]).toEqual([path, 409]);
      expect(await json(refused)).toMatchObject({
        code: 'refused',
        message: `${streamKey}:letters holds a string, not a stream (another client wrote over it): no letter can be written or read there until it is deleted or renamed`,
      });
    }
    expect(await redisSuite.redis.get(`${streamKey}:letters`)).toBe('in the way');
    await redisSuite.redis.del(`${streamKey}:letters`);
  });

  it('requeue marks another client wrote over: a start is refused, and a requeue, one or all, is refused naming the key, nothing appended', async () => {
    const streamKey = uniqueStreamKey('marks-in-the-way');
    const marksKey = `${streamKey}:dlq:requeued`;
    await redisSuite.redis.sadd(marksKey, 'in the way');
    await expect(start(['--stream-key', streamKey])).rejects.toThrow(
      `the key "${marksKey}", where the dead letters' requeues are marked, holds a set, not a hash`,
    );
    await redisSuite.redis.del(marksKey);
    const server = await start(['--stream-key', streamKey]);
    const { deadLetters, stream } = server.server.pipeline;
    const lengthBefore = await stream.length();
    const letterId = await deadLetters.send('5-0', {
      ...{ group: 'g', consumer: 'w', deliveryCount: 5, reason: 'x' },
      ...{ fields: { type: 'order.paid', ts_ms: '1' }, stillPending: false },
    });
    await redisSuite.redis.sadd(marksKey, 'in the way');
    const refusal = `${marksKey} holds a set, not a hash (another client wrote over it): no requeue mark can be written or read there until it is deleted or renamed`;
    const one = await postJson(server, '/api/dlq/requeue', { id: letterId });
    expect(one.status).toBe(409);
    expect(await json(one)).toMatchObject({ code: 'refused', message: refusal });
    const all = await postJson(server, '/api/dlq/requeue-all', { through: letterId });
    expect(all.status).toBe(409);
    // Redis refused each script: none ran, and none is said to have had its reply lost.
    expect(await json(all)).toMatchObject({ code: 'refused', message: refusal });
    expect(await stream.length()).toBe(lengthBefore);
    expect(await deadLetters.length()).toBe(1);
    await redisSuite.redis.del(marksKey);
  });

  it('a group’s once-per-ID guard another client wrote over: a start without reset is refused naming it; a redelivery’s failure names it', async () => {
    const streamKey = uniqueStreamKey('guard-in-the-way');
    const guardKey = `${streamKey}:processed:notifications`;
    await (await start(['--stream-key', streamKey])).stop();
    await redisSuite.redis.set(guardKey, 'in the way');
    await expect(start(['--stream-key', streamKey, '--no-reset'])).rejects.toThrow(
      `group "notifications"'s once-per-ID guard ${guardKey} holds a string, not a zset (another client wrote over it)`,
    );
    await redisSuite.redis.del(guardKey);
    // Written over under a running server: a redelivered entry fails saying which key holds what.
    const server = await start(['--stream-key', streamKey, '--no-reset', '--claim-idle-ms', '0']);
    const { pipeline } = server.server;
    const failures: string[] = [];
    for (const worker of pipeline.pool.workers()) {
      worker.on('failed', (event) => failures.push(event.reason ?? ''));
    }
    await postJson(server, '/api/consumer/crash', { group: 'notifications', name: 'worker-a', count: 1 });
    await redisSuite.redis.set(guardKey, 'in the way');
    await pipeline.produce(2, 'order.paid');
    await waitFor(
      'worker-a to drop one',
      async () => (await pipeline.stream.pendingDetail('notifications', { consumer: 'worker-a' })).length > 0,
    );
    await postJson(server, '/api/autoclaim', { group: 'notifications', consumer: 'worker-b' });
    await waitFor('the redelivery to fail', () => failures.length > 0);
    expect(failures[0]).toContain(`${guardKey} holds a string, not a zset (another client wrote over it)`);
    await redisSuite.redis.del(guardKey);
  });

  it('a guard whose marks Redis refuses (out of memory) is said once, alerted on while refused, and said again once its marks land', async () => {
    const streamKey = uniqueStreamKey('guard-oom');
    const logged: string[] = [];
    const server = await start(['--stream-key', streamKey], (message) => logged.push(message));
    const { pipeline } = server.server;
    await pipeline.pauseConsumer('analytics', 'worker-c');
    await pipeline.produce(50, 'order.paid');
    const { redis } = redisSuite;
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    await redis.config('SET', 'maxmemory', '1');
    try {
      // Resumed on this server; only saving that fails, as Redis is full.
      await pipeline.resumeConsumer('analytics', 'worker-c').catch(() => {});
      await waitFor('the refusal said', () =>
        logged.some(
          (line) => line.includes("group analytics's once-per-ID guard") && line.includes('could not record'),
        ),
      );
      // The page's badge and /metrics: nothing else there tells that a redelivery now would be handled twice.
      const refusing = await json(server.server.app.request('/api/state'));
      expect(guardAlertOf(refusing, 'analytics')).toEqual({
        metric: 'guardMarksLost',
        subject: 'analytics',
        value: expect.any(Number),
        threshold: 0,
      });
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
    // Once, however many batches it refused (notifications may have had some refused too, as it says apart).
    expect(
      logged.filter(
        (line) => line.includes("group analytics's once-per-ID guard") && line.includes('could not record'),
      ),
    ).toEqual([
      expect.stringContaining(
        `group analytics's once-per-ID guard (${streamKey}:processed:analytics) could not record the entries handled (`,
      ),
    ]);
    await pipeline.produce(5, 'order.paid');
    await waitFor('the marks landing said', () =>
      logged.some(
        (line) => line.includes("group analytics's once-per-ID guard") && line.includes('records again'),
      ),
    );
    const landing = await json(server.server.app.request('/api/state'));
    expect(guardAlertOf(landing, 'analytics')).toBeUndefined();
    expect(landing.groups.find((group: { name: string }) => group.name === 'analytics').guardMarksLost).toBe(
      0,
    );
  });

  it('a stream another client filled up to the largest ID: a produce and a poison pill are refused saying so, and the server goes on', async () => {
    const streamKey = uniqueStreamKey('exhausted');
    const server = await start(['--stream-key', streamKey]);
    await redisSuite.redis.xadd(streamKey, '18446744073709551615-18446744073709551615', 'type', 'x');
    for (const [path, body] of [
      ['/api/produce', { count: 3 }],
      ['/api/poison/inject', {}],
    ] as const) {
      const refused = await postJson(server, path, body);
      expect([path, refused.status]).toEqual([path, 409]);
      expect(await json(refused)).toMatchObject({
        code: 'refused',
        message: expect.stringContaining(
          "the stream's last ID is the largest there is (18446744073709551615-18446744073709551615), set by another client with an ID of its own (XADD or XSETID), so Redis appends nothing more to it",
        ),
      });
    }
    // As the refusal says: the entry deleted and the stream's last ID set back, appends go on.
    await redisSuite.redis.xdel(streamKey, '18446744073709551615-18446744073709551615');
    const [newest] = await redisSuite.redis.xrevrange(streamKey, '+', '-', 'COUNT', 1);
    await redisSuite.redis.call('XSETID', streamKey, newest?.[0] ?? '0-1');
    expect((await postJson(server, '/api/produce', { count: 1 })).status).toBe(200);
  });

  it('a stream key another client wrote over: a reset is refused before any worker stops; produce and the states name it', async () => {
    const streamKey = uniqueStreamKey('reset-overwritten');
    const server = await start(['--stream-key', streamKey]);
    await redisSuite.redis.del(streamKey);
    await redisSuite.redis.set(streamKey, 'in the way');
    const refused = await postJson(server, '/api/reset', {});
    expect(refused.status).toBe(409);
    expect(await json(refused)).toMatchObject({
      code: 'refused',
      message: `${streamKey} holds a string, not a stream (another client wrote over it): no entry can be written or read there until it is deleted or renamed; a reset deletes only a stream`,
    });
    expect(server.server.pipeline.pool.workers().map((worker) => worker.status().state)).toEqual([
      'running',
      'running',
      'running',
    ]);
    // The reference's produce, and both states, name the key too, rather than answer Redis's WRONGTYPE as a 500.
    const named = new RegExp(`^${streamKey} holds a string, not a stream`);
    const produced = await server.server.app.request('/produce', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'count=1',
    });
    expect([produced.status, (await json(produced)).error]).toEqual([409, expect.stringMatching(named)]);
    const state = await server.server.app.request('/api/state');
    expect([state.status, (await json(state)).message]).toEqual([409, expect.stringMatching(named)]);
    const reference = await server.server.app.request('/state');
    expect([reference.status, (await json(reference)).error]).toEqual([409, expect.stringMatching(named)]);
    expect(await redisSuite.redis.get(streamKey)).toBe('in the way');
    await redisSuite.redis.del(streamKey);
  });

  it("flags a group whose last-delivered ID is past the stream's last entry, which reads nothing new with lag 0", async () => {
    const streamKey = await applicationStream('cursor-ahead');
    await redisSuite.redis.xgroup('CREATE', streamKey, 'restored', '99999999999999-0');
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);
    const state = await json(server.server.app.request('/api/state'));
    expect(state.groups.find((group: { name: string }) => group.name === 'restored')).toMatchObject({
      lag: 0,
    });
    const ahead = state.alerts.filter((alert: { metric: string }) => alert.metric === 'cursorAhead');
    expect(ahead).toEqual([
      { metric: 'cursorAhead', subject: 'restored', value: expect.any(Number), threshold: 0 },
    ]);
    expect(ahead[0].value).toBeGreaterThan(90_000_000_000_000);
    const metrics = await (await server.server.app.request('/metrics')).text();
    expect(metrics).toMatch(/streamscope_alert\{metric="cursorAhead",subject="restored"\} \d+/);
  });

  it('sends the page a bounded view of entries other clients made huge: a 1 MB value, 500 fields, a 1 MB type', async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('huge-entries');
    const megabyte = 'A'.repeat(1024 * 1024);
    await redis.xadd(streamKey, '*', 'type', megabyte, 'order_id', 'o-1');
    await redis.xadd(streamKey, '*', 'big', megabyte);
    await redis.xadd(
      streamKey,
      '*',
      ...Array.from({ length: 500 }, (_, index) => [`f${index}`, `v${index}`]).flat(),
    );
    // A dead letter of the 1 MB entry, as another process's worker would have written it.
    await redis.xadd(
      `${streamKey}:dlq`,
      '*',
      'dlq_original_id',
      '1-0',
      'dlq_group',
      'billing',
      'dlq_consumer',
      'c',
      'dlq_delivery_count',
      '5',
      'dlq_reason',
      'boom',
      'dlq_ts_ms',
      '1',
      'big',
      megabyte,
    );
    await redis.xgroup('CREATE', streamKey, 'billing', '0');
    await redis.xreadgroup('GROUP', 'billing', 'c', 'STREAMS', streamKey, '>');
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);
    const state = await json(server.server.app.request('/api/state'));
    expect(JSON.stringify(state).length).toBeLessThan(64 * 1024);
    // The newest entries stop once a megabyte of them was read in Redis: the oldest of the three is left out.
    const [wide, big] = state.tail;
    expect(state.tail).toHaveLength(2);
    expect(state.tailOmitted).toBe(1);
    expect(big.fields.big).toBe(`${'A'.repeat(1000)}…`);
    expect(big.cut).toEqual({ fields: 0, values: 1 });
    expect(Object.keys(wide.fields)).toHaveLength(100);
    expect(wide.cut).toEqual({ fields: 400, values: 0 });
    expect(state.pending.rows[0].eventType).toHaveLength(101);
    expect(state.dlq.newest[0].fields.big).toHaveLength(1001);
    expect(state.dlq.newest[0].cut).toEqual({ fields: 0, values: 1 });
    // The live tail's pushes are bounded alike; a replay, asked for, returns the entry whole. The tail
    // reads while a page watches, from the newest entry on: the page opens first.
    const page = await SocketClient.connect(server.server.url);
    try {
      await untilClientBlocked(redis, 'streamscope:tail');
      await redis.xadd(streamKey, '*', 'big', megabyte);
      await page.next(
        (message) =>
          message.type === 'tail' &&
          message.entries.some((entry) => entry.cut?.values === 1 && entry.fields.big?.length === 1001),
      );
    } finally {
      await page.close();
    }
    const replay = await json(server.server.app.request(`/api/replay?count=2`));
    expect(replay.entries[0].fields.type).toHaveLength(megabyte.length);
    expect(replay.entries[1].fields.big).toHaveLength(megabyte.length);
  });

  it("bounds a dead letter's original ID, reason, group and consumer, which any client may make a megabyte, pushed or listed", async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('huge-letter');
    const megabyte = 'R'.repeat(1024 * 1024);
    await redis.xadd(streamKey, '*', 'type', 'order.created');
    const letterId = await redis.xadd(
      `${streamKey}:dlq`,
      '*',
      ...['dlq_original_id', `1-0${megabyte}`, 'dlq_group', `g${megabyte}`, 'dlq_consumer', `c${megabyte}`],
      ...['dlq_delivery_count', '5', 'dlq_reason', megabyte, 'dlq_ts_ms', '1', 'type', 'order.created'],
    );
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);
    const state = await json(server.server.app.request('/api/state'));
    expect(JSON.stringify(state).length).toBeLessThan(64 * 1024);
    const listed = await json(await postJson(server, '/api/dlq/list', { count: 1 }));
    expect(JSON.stringify(listed).length).toBeLessThan(8 * 1024);
    expect(listed.stoppedBefore).toBeNull();
    for (const letter of [state.dlq.newest[0], listed.entries[0]]) {
      expect(letter).toMatchObject({ id: letterId, fields: { type: 'order.created' } });
      expect(letter.originalId).toBe(`${`1-0${megabyte}`.slice(0, 1000)}…`);
      expect(letter.reason).toBe(`${'R'.repeat(1000)}…`);
      expect(letter.group).toHaveLength(1001);
      expect(letter.consumer).toHaveLength(1001);
      expect(letter.cut).toEqual({ fields: 0, values: 4 });
    }

    // Requeued, its copy's timeline names it briefly; skipped (no fields to put back), the answer names it so.
    const fieldless = await redis.xadd(
      `${streamKey}:dlq`,
      '*',
      ...['dlq_original_id', `2-0${megabyte}`, 'dlq_group', 'g', 'dlq_consumer', 'c'],
      ...['dlq_delivery_count', '1', 'dlq_reason', 'trimmed', 'dlq_ts_ms', '1'],
    );
    const requeued = await postJson(server, '/api/dlq/requeue-all', { through: fieldless });
    const answer = await json(requeued);
    expect(JSON.stringify(answer).length).toBeLessThan(8 * 1024);
    expect(answer).toMatchObject({ requeued: 1, skipped: 1 });
    expect(answer.skippedLetters).toEqual([
      { id: fieldless, originalId: `${`2-0${megabyte}`.slice(0, 1000)}…`, reason: 'trimmed' },
    ]);
    const [newest] = await redis.xrevrange(streamKey, '+', '-', 'COUNT', 1);
    // The copy itself is whole (its requeued_from field names the original), as a timeline's entry always is;
    // the steps, kept for thousands of entries and pushed to every page, name it cut short.
    const timeline = await json(server.server.app.request(`/api/entries/${newest?.[0]}/history`));
    expect(timeline.events.map((event: { reason: string | null }) => event.reason)).toEqual([
      `requeued from the dead letter of ${`1-0${megabyte}`.slice(0, 1000)}…`,
    ]);
  });

  it("pushes a letter written with text for its time and count in snapshots a page takes, its time its own ID's", async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('text-letter');
    await redis.xadd(streamKey, '*', 'type', 'order.created');
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);
    const page = await SocketClient.connect(server.server.url);
    try {
      const letterId = await redis.xadd(
        `${streamKey}:dlq`,
        '*',
        ...[
          'dlq_original_id',
          '1-1',
          'dlq_group',
          'g',
          'dlq_delivery_count',
          'five',
          'dlq_ts_ms',
          'notanumber',
        ],
      );
      // Each message is checked against the protocol's schema as it comes: a null time failed it, and the page
      // dropped every snapshot while the letter was among the newest.
      const snapshot = await page.next(
        (message) =>
          message.type === 'snapshot' && message.dlq.newest.some((letter) => letter.id === letterId),
      );
      expect(snapshot.type === 'snapshot' && snapshot.dlq.newest[0]).toMatchObject({
        deliveryCount: null,
        ts: Number(letterId?.split('-')[0]),
      });
    } finally {
      await page.close();
    }
  });

  it('lists a letter with a 2 MB value and one of 150 fields bounded, and Requeue writes each back whole, from Redis', async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('requeue-whole');
    const twoMegabytes = 'V'.repeat(2 * 1024 * 1024);
    const wide = Array.from({ length: 150 }, (_, n) => [`f${n}`, `v${n}`]).flat();
    await redis.xadd(streamKey, '*', 'type', 'order.created');
    const meta = (original: string) => [
      ...['dlq_original_id', original, 'dlq_group', 'billing', 'dlq_consumer', 'worker-a'],
      ...['dlq_delivery_count', '5', 'dlq_reason', 'handler failed', 'dlq_ts_ms', '1'],
    ];
    const bigLetter = await redis.xadd(
      `${streamKey}:dlq`,
      '*',
      ...meta('1-1'),
      ...['type', 'report.generated', 'body', twoMegabytes],
    );
    const wideLetter = await redis.xadd(`${streamKey}:dlq`, '*', ...meta('1-2'), ...wide);
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);

    const listed = await json(await postJson(server, '/api/dlq/list', {}));
    expect(listed.entries.map((letter: { id: string }) => letter.id)).toEqual([wideLetter, bigLetter]);
    const [wideShown, bigShown] = listed.entries;
    expect(bigShown.fields).toEqual({ type: 'report.generated', body: `${'V'.repeat(1000)}…` });
    expect(bigShown.cut).toEqual({ fields: 0, values: 1 });
    expect(Object.keys(wideShown.fields)).toHaveLength(100);
    expect(wideShown.cut).toEqual({ fields: 50, values: 0 });

    for (const [letter, original, fields] of [
      [bigLetter, '1-1', ['type', 'report.generated', 'body', twoMegabytes]],
      [wideLetter, '1-2', wide],
    ] as const) {
      const answer = await postJson(server, '/api/dlq/requeue', { id: letter });
      expect(answer.status).toBe(200);
      const { requeuedAs } = await json(answer);
      const [[, written] = ['', []]] = (await redis.xrange(streamKey, requeuedAs, requeuedAs)) as [
        string,
        string[],
      ][];
      expect(written).toEqual([...fields, 'requeued_from', original]);
    }
    expect(await redis.xlen(`${streamKey}:dlq`)).toBe(0);
  });
});
