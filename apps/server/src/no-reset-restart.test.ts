import { LIMITS, type Snapshot } from '@streamscope/protocol';
import { uniqueStreamKey, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { describe, expect, it } from 'vitest';
import { json, postJson, startTestServer, type TestServer, useTestServers } from './testing/test-server.js';

// A start with --no-reset takes back every consumer of its seed groups that Redis still has and Streamscope ran,
// not only the seeds: one the user added before the restart may hold pending entries no one else would process.
const redisSuite = usePrivateRedis();
const start = useTestServers(redisSuite);

/** What the consumer holds, asked of Redis directly: the server that ran it may be stopped. */
const pendingOf = async (streamKey: string, group: string, consumer: string): Promise<number> => {
  const [, , , consumers] = (await redisSuite.redis.xpending(streamKey, group)) as [
    number,
    string | null,
    string | null,
    [string, string][] | null,
  ];
  return Number(consumers?.find(([name]) => name === consumer)?.[1] ?? 0);
};

describe('a --no-reset restart', () => {
  it('runs a consumer added before it again, which processes and acks what it held: nothing is lost', async () => {
    const streamKey = uniqueStreamKey('restore');
    const flags = ['--stream-key', streamKey, '--seed', 'notifications=worker-a'];
    const first = await start(flags);
    const { pipeline } = first.server;
    await pipeline.addConsumer('notifications', 'worker-d');
    // worker-a paused, every entry goes to worker-d, which drops its first five without an ack, as a crash would.
    await pipeline.pool.get('notifications', 'worker-a').pause();
    pipeline.pool.get('notifications', 'worker-d').crashNext(5);
    const dropped: string[] = [];
    pipeline.observe((event) => {
      if (event.kind === 'dropped') dropped.push(event.id);
    });
    await pipeline.produce(12);
    await waitFor('worker-d to ack 7 and hold 5', async () => pipeline.totals().acked === 7);
    await first.stop();
    expect(await pendingOf(streamKey, 'notifications', 'worker-d')).toBe(5);

    const second = await start([...flags, '--no-reset']);
    expect(second.server.seeded).toEqual({
      groups: 1,
      consumers: 2,
      restored: 1,
      resumed: { groups: 1, consumers: 2 },
      paused: [],
    });
    const restarted = second.server.pipeline;
    expect(restarted.pool.workers().map((worker) => worker.name)).toEqual(['worker-a', 'worker-d']);
    // The acks as worker-d recorded them, which follow Redis's empty PEL by a moment; then Redis agrees.
    const ackedByD = (id: string) =>
      restarted.history.of(id).some((event) => event.kind === 'acked' && event.consumer === 'worker-d');
    await waitFor('worker-d to ack the five it held', () => dropped.every(ackedByD), { timeoutMs: 15_000 });
    await waitFor(
      'the group to have every entry read and acked',
      async () =>
        (await restarted.stream.infoGroups()).every((group) => group.pending === 0 && group.lag === 0),
      { timeoutMs: 15_000 },
    );
    // The five it held were processed and acked by worker-d itself, back under its name; nothing was
    // dead-lettered, and nothing else was processed twice.
    expect(dropped).toHaveLength(5);
    for (const id of dropped) {
      expect(restarted.history.of(id), id).toContainEqual(
        expect.objectContaining({ kind: 'acked', consumer: 'worker-d' }),
      );
    }
    expect(restarted.totals()).toMatchObject({ acked: 5, deadLettered: 0 });
    const [group] = await restarted.stream.infoGroups();
    expect(group?.entriesRead).toBe(12);
  });

  it('leaves a seed group deleted from a dashboard deleted, until one is created again', async () => {
    const streamKey = uniqueStreamKey('restore-deleted');
    const flags = ['--stream-key', streamKey];
    const first = await start(flags);
    await first.server.pipeline.produce(5);
    const deleted = await postJson(first, '/api/group/delete', { group: 'analytics', discardPending: true });
    expect(deleted.status).toBe(200);
    await first.stop();

    // Seeded again from 0-0, it would process the five entries still in the stream a second time.
    const logs: string[] = [];
    const second = await start([...flags, '--no-reset'], (message) => logs.push(message));
    expect(second.server.seeded).toMatchObject({ groups: 1, consumers: 2 });
    const groupNames = async (test: TestServer) =>
      (await test.server.pipeline.stream.infoGroups()).map((group) => group.name);
    expect(await groupNames(second)).toEqual(['notifications']);
    expect(logs.join('\n')).toMatch(/not seeding group\(s\) "analytics": deleted from a dashboard/);

    // Created again through Streamscope, it is a group of the operator's again, and the next start seeds it.
    const created = await postJson(second, '/api/group/create', { group: 'analytics', startId: '$' });
    expect(created.status).toBe(200);
    await second.stop();
    const third = await start([...flags, '--no-reset']);
    expect(third.server.seeded).toMatchObject({ groups: 2, consumers: 3 });
    expect((await groupNames(third)).sort()).toEqual(['analytics', 'notifications']);
    expect(third.server.pipeline.pool.find('analytics', 'worker-c')).toBeDefined();
  });

  it('finishes a reset that a killed process left part-way, rather than resume what it had not yet deleted', async () => {
    const streamKey = uniqueStreamKey('cut-reset');
    const first = await start(['--stream-key', streamKey]);
    const { pipeline } = first.server;
    await pipeline.pool.get('analytics', 'worker-c').pause();
    expect((await postJson(first, '/api/retention/set', { maxAgeMs: 3_600_000 })).status).toBe(200);
    await pipeline.produce(5);
    await first.stop();
    // As a process killed just after a reset deleted the stream leaves things: its mark, and the rest standing.
    await redisSuite.redis.set(`${streamKey}:resetting`, '1');
    await redisSuite.redis.del(streamKey);
    let told = false;
    const second = await startTestServer(['--stream-key', streamKey, '--no-reset'], {
      redis: redisSuite.server,
      finishingCutOffReset: () => {
        told = true;
      },
    });
    try {
      expect(told).toBe(true);
      // A fresh stream: nothing of the old one's pauses or policy applied to it.
      expect(second.server.seeded).toMatchObject({ groups: 2, consumers: 3, paused: [] });
      expect(second.server.pipeline.retention.maxAgeMs).toBeNull();
      expect(second.server.pipeline.pool.get('analytics', 'worker-c').status().paused).toBe(false);
      expect(await redisSuite.redis.exists(`${streamKey}:resetting`)).toBe(0);
    } finally {
      await second.stop();
    }
  });

  it('finishes a requeue a killed process left part-way: the entry’s other letters go, it is not put back twice', async () => {
    const streamKey = uniqueStreamKey('cut-requeue');
    const first = await start(['--stream-key', streamKey]);
    const { deadLetters } = first.server.pipeline;
    const letter = (group: string) =>
      deadLetters.send('5-0', {
        group,
        consumer: 'w',
        deliveryCount: 5,
        reason: 'handler kept failing',
        fields: { type: 'poison.pill', ts_ms: '1' },
        stillPending: false,
      });
    const requeued = await letter('notifications');
    await letter('analytics');
    await first.stop();
    // As a process killed after a requeue's one step (the copy appended, its letter gone, the entry marked)
    // and before it discarded the other letter leaves things.
    const copy = await redisSuite.redis.xadd(streamKey, '*', 'type', 'poison.pill', 'requeued_from', '5-0');
    await redisSuite.redis.xdel(deadLetters.key, requeued ?? '');
    await redisSuite.redis.hset(deadLetters.marksKey, '5-0', copy ?? '');

    const logs: string[] = [];
    const second = await start(['--stream-key', streamKey, '--no-reset'], (message) => logs.push(message));
    expect(await second.server.pipeline.deadLetters.length()).toBe(0);
    expect(logs.join('\n')).toMatch(
      /finished 1 unfinished requeue\(s\) of dead letters: 1 other letter\(s\) of their entries discarded/,
    );
    expect(await redisSuite.redis.exists(deadLetters.marksKey)).toBe(0);
  });

  it('leaves alone a consumer of a group it does not seed, which may be another process pool', async () => {
    const streamKey = uniqueStreamKey('restore-foreign');
    const flags = ['--stream-key', streamKey, '--seed', 'notifications=worker-a'];
    const first = await start(flags);
    await first.server.pipeline.produce(3);
    // billing's pool is another process, stopped for now: its consumer holds three entries.
    await redisSuite.redis.xgroup('CREATE', streamKey, 'billing', '0');
    await redisSuite.redis.xreadgroup('GROUP', 'billing', 'pod-1', 'COUNT', 3, 'STREAMS', streamKey, '>');
    await first.stop();

    const second = await start([...flags, '--no-reset']);
    expect(second.server.seeded).toMatchObject({
      consumers: 1,
      restored: 0,
      resumed: { groups: 1, consumers: 1 },
    });
    expect(second.server.pipeline.pool.workers().map((worker) => `${worker.group}/${worker.name}`)).toEqual([
      'notifications/worker-a',
    ]);
    expect(await pendingOf(streamKey, 'billing', 'pod-1')).toBe(3);
  });

  it('names the consumers Streamscope ran in a group it does not seed, left without a worker, and the --seed that runs them', async () => {
    const streamKey = uniqueStreamKey('restore-unseeded');
    const flags = ['--stream-key', streamKey, '--seed', 'notifications=worker-a'];
    const first = await start(flags);
    const post = (path: string, body: unknown) => postJson(first, path, body);
    expect((await post('/api/group/create', { group: 'x', startId: '$' })).status).toBe(200);
    for (const name of ['x-1', 'x-2'])
      expect((await post('/api/consumer/add', { group: 'x', name })).status).toBe(200);
    await first.stop();

    const logged: string[] = [];
    const second = await start([...flags, '--no-reset'], (message) => logged.push(message));
    expect(second.server.pipeline.pool.workers().map((worker) => `${worker.group}/${worker.name}`)).toEqual([
      'notifications/worker-a',
    ]);
    expect(logged).toContainEqual(
      expect.stringContaining(
        "not starting 2 consumer(s) Streamscope ran before in groups outside this process's seeds (x/x-1, x/x-2)",
      ),
    );
    expect(logged).toContainEqual(
      expect.stringContaining('start with --seed notifications=worker-a --seed x=x-1,x-2'),
    );
  });

  it('does not start a second worker for a consumer a live process runs', async () => {
    const streamKey = uniqueStreamKey('restore-live');
    const running = await start(['--stream-key', streamKey, '--seed', 'notifications=worker-a']);
    await running.server.pipeline.addConsumer('notifications', 'worker-d');
    const logged: string[] = [];
    const second = await start(
      ['--stream-key', streamKey, '--no-reset', '--seed', 'notifications=worker-b'],
      (message) => logged.push(message),
    );
    expect(second.server.seeded).toMatchObject({
      consumers: 1,
      restored: 0,
      resumed: { groups: 1, consumers: 1 },
    });
    expect(second.server.pipeline.pool.workers().map((worker) => worker.name)).toEqual(['worker-b']);
    // Said once each, not once for being a seed name and again for being found in Redis.
    expect(logged.filter((line) => /is run by a Streamscope worker in another process/.test(line))).toEqual([
      expect.stringMatching(/notifications\/worker-a is run by/),
      expect.stringMatching(/notifications\/worker-d is run by/),
    ]);
    expect(running.server.pipeline.pool.workers().map((worker) => worker.name)).toEqual([
      'worker-a',
      'worker-d',
    ]);
  });

  it('leaves out, and names, consumers another client gave names the API refuses; it starts and restores the rest', async () => {
    const streamKey = uniqueStreamKey('restore-names');
    const { redis } = redisSuite;
    await redis.xgroup('CREATE', streamKey, 'notifications', '0', 'MKSTREAM');
    await redis.xadd(streamKey, '*', 'type', 'order.paid', 'ts_ms', '1');
    await redis.xreadgroup('GROUP', 'notifications', 'has space', 'COUNT', 1, 'STREAMS', streamKey, '>');
    for (const name of ['__proto__', Buffer.from([0xff, 0x41]), 'worker-d'])
      await redis.call('XGROUP', 'CREATECONSUMER', streamKey, 'notifications', name);
    // Saved as Streamscope's own (the group and each consumer), as if an earlier server had run them: a
    // consumer not saved so is another client's, and never restored, whatever its name.
    await redis.hset(
      `${streamKey}:owned`,
      new Map([
        [JSON.stringify(['group', 'notifications']), '1'],
        ...['__proto__', 'has space', '\uFFFDA', 'worker-d'].map(
          (name) => [JSON.stringify(['consumer', 'notifications', name]), '1'] as [string, string],
        ),
      ]),
    );
    const logged: string[] = [];
    const server = await start(
      ['--stream-key', streamKey, '--no-reset', '--seed', 'notifications=worker-a'],
      (message) => logged.push(message),
    );
    expect(server.server.seeded).toMatchObject({
      consumers: 2,
      restored: 1,
      resumed: { groups: 1, consumers: 2 },
    });
    expect(server.server.pipeline.pool.workers().map((worker) => worker.name)).toEqual([
      'worker-a',
      'worker-d',
    ]);
    expect(logged.join('\n')).toMatch(
      'not restoring 3 consumer(s) Redis still has ("notifications/__proto__", "notifications/has space", "notifications/\uFFFDA"): their names are ones',
    );
    // The one not UTF-8 was not run as the name it reads back as (Redis would have made that a second consumer,
    // which also reads back as it), and the entry under "has space" is still its own, for an autoclaim.
    const names = ((await redis.call('XINFO', 'CONSUMERS', streamKey, 'notifications')) as string[][]).map(
      (consumer) => consumer[1],
    );
    expect(names.filter((name) => name === '\uFFFDA')).toHaveLength(1);
    expect(await pendingOf(streamKey, 'notifications', 'has space')).toBe(1);
    await server.stop();
  });

  it('restores no more than the bound on consumers, and names the ones it left', async () => {
    const streamKey = uniqueStreamKey('restore-bound');
    await redisSuite.redis.xgroup('CREATE', streamKey, 'wide', '$', 'MKSTREAM');
    // One past what fits beside the seed, and one more: two are left out.
    const names = Array.from(
      { length: LIMITS.consumersMax + 1 },
      (_, index) => `c${String(index).padStart(3, '0')}`,
    );
    for (const name of names) {
      await redisSuite.redis.call('XGROUP', 'CREATECONSUMER', streamKey, 'wide', name);
      // As an earlier server that added it through the API saved it: another client's is never restored.
      await redisSuite.redis.hset(`${streamKey}:owned`, JSON.stringify(['consumer', 'wide', name]), '1');
    }
    const logged: string[] = [];
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'wide=seed'], (message) =>
      logged.push(message),
    );
    expect(server.server.seeded).toEqual({
      groups: 1,
      consumers: LIMITS.consumersMax,
      restored: LIMITS.consumersMax - 1,
      resumed: { groups: 1, consumers: LIMITS.consumersMax },
      paused: [],
    });
    expect(server.server.pipeline.pool.workers()).toHaveLength(LIMITS.consumersMax);
    expect(logged.join('\n')).toMatch(
      `not restoring 2 consumer(s) Redis still has (wide/c099, wide/c100): this server runs at most ${LIMITS.consumersMax} consumers`,
    );
    await server.stop();
  });

  it('shows what a group lost to trimming before it started, without raising the loss alert again; a new loss does', async () => {
    const { redis } = redisSuite;
    const streamKey = uniqueStreamKey('old-loss');
    // Lost before this server started: the group read 2 of 20, then all but the newest 5 were trimmed.
    for (let n = 0; n < 10; n++) await redis.xadd(streamKey, '*', 'type', 'order.placed');
    await redis.xgroup('CREATE', streamKey, 'audit', '0');
    await redis.xreadgroup('GROUP', 'audit', 'pod', 'COUNT', 2, 'STREAMS', streamKey, '>');
    const trimAfter = async (count: number) => {
      for (let n = 0; n < count; n++) await redis.xadd(streamKey, '*', 'type', 'order.placed');
      await redis.xtrim(streamKey, 'MAXLEN', 5);
    };
    await trimAfter(10);
    const server = await start(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);
    const state = async () => json<Snapshot>(server.server.app.request('/api/state'));
    const lossAlerts = (snapshot: Snapshot) =>
      snapshot.alerts.filter((alert) => alert.metric === 'trimmedUnread');

    const first = await state();
    expect(first.groups.find((group) => group.name === 'audit')).toMatchObject({ lag: 5, trimmedUnread: 13 });
    expect(lossAlerts(first)).toEqual([]);
    // Lost while it runs: news, and an alert.
    await trimAfter(10);
    const later = await state();
    expect(later.groups.find((group) => group.name === 'audit')?.trimmedUnread).toBe(23);
    expect(lossAlerts(later)).toEqual([
      { metric: 'trimmedUnread', subject: 'audit', value: 23, threshold: 0 },
    ]);
  });
});
