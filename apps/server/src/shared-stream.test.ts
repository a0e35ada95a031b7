import type { Snapshot } from '@streamscope/protocol';
import { connectedWorkers, ProcessedIds } from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis, waitFor } from '@streamscope/testkit';
import { expect, it } from 'vitest';
import { json, postJson, startTestServer, type TestServer, useTestServers } from './testing/test-server.js';

// Two Streamscope processes on one stream, as a user runs the demo twice (two terminals, a dashboard per team):
// what one does must not leave the other, or Redis, disagreeing with it.
const redisSuite = usePrivateRedis();
const startServer = useTestServers(redisSuite);

/** Two servers on one stream: the first resets it and runs `firstSeed`, the second joins with --no-reset. */
const startPair = async (
  streamKey: string,
  firstSeed: string,
  secondSeed: string,
): Promise<[TestServer, TestServer]> => [
  await startServer(['--stream-key', streamKey, '--seed', firstSeed]),
  await startServer(['--stream-key', streamKey, '--no-reset', '--seed', secondSeed]),
];

/** How many worker connections Redis lists under each consumer name of the stream, in every process. */
const connectionsByName = async (streamKey: string): Promise<Map<string, number>> => {
  const counts = new Map<string, number>();
  for (const worker of await connectedWorkers(redisSuite.redis)) {
    if (worker.streamKey !== streamKey) continue;
    const key = `${worker.group}/${worker.consumer}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
};

const runsIn = (server: TestServer, group: string, name: string): boolean =>
  server.server.pipeline.pool.find(group, name) !== undefined;

it('of adds of one name sent to two processes at once, exactly one wins, and one worker runs it', async () => {
  const streamKey = uniqueStreamKey('shared-add');
  const [first, second] = await startPair(streamKey, 'notifications=worker-a', 'none');
  for (let round = 0; round < 10; round++) {
    const name = `twin-${round}`;
    // Both read the letters from the oldest: of each page, each letter goes back once, by whichever gets to it.
    const answers = await Promise.all(
      [first, second].map((server) =>
        postJson(server, '/api/consumer/add', { group: 'notifications', name }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort(), name).toEqual([200, 409]);
    expect(await answers.find((answer) => answer.status === 409)?.text()).toMatch(/is in use/);
    expect([runsIn(first, 'notifications', name), runsIn(second, 'notifications', name)].sort()).toEqual([
      false,
      true,
    ]);
  }
  const connections = await connectionsByName(streamKey);
  for (let round = 0; round < 10; round++) expect(connections.get(`notifications/twin-${round}`)).toBe(1);
});

it('two processes started at once with the same seeds run each seed consumer once between them', async () => {
  const streamKey = uniqueStreamKey('shared-seed');
  const flags = ['--stream-key', streamKey, '--no-reset', '--seed', 'notifications=worker-a,worker-b'];
  const [first, second] = await Promise.all([startServer(flags), startServer(flags)]);
  for (const name of ['worker-a', 'worker-b']) {
    expect(
      [runsIn(first, 'notifications', name), runsIn(second, 'notifications', name)].sort(),
      name,
    ).toEqual([false, true]);
  }
  const connections = await connectionsByName(streamKey);
  expect(connections.get('notifications/worker-a')).toBe(1);
  expect(connections.get('notifications/worker-b')).toBe(1);
});

const post = async (server: TestServer, path: string, body: unknown) => {
  const response = await postJson(server, path, body);
  expect(response.status, `${path} ${await response.clone().text()}`).toBe(200);
  return json(response);
};

const stateOf = (server: TestServer): Promise<Snapshot> => json(server.server.app.request('/api/state'));

it("a reset in one process leaves the other's consumers and pauses noted in Redis as it runs them", async () => {
  const streamKey = uniqueStreamKey('shared-notes');
  const [resetter, other] = await startPair(streamKey, 'notifications=worker-a', 'none');
  await post(other, '/api/consumer/add', { group: 'notifications', name: 'b1' });
  await post(other, '/api/consumer/add', { group: 'audit', name: 'b2' });
  await post(other, '/api/consumer/pause', { group: 'audit', name: 'b2' });
  const notes = [
    JSON.stringify(['consumer', 'notifications', 'b1']),
    JSON.stringify(['consumer', 'audit', 'b2']),
  ];
  const paused = JSON.stringify(['paused', 'audit', 'b2']);

  // The reset deletes every note and choice. The other process's consumers run on, b2 paused: it reads nothing,
  // so nothing it reads tells it of the reset.
  await post(resetter, '/api/reset', {});
  await waitFor(
    'the other process to note its consumers, and b2 paused, again',
    async () => {
      const owned = await redisSuite.redis.hkeys(`${streamKey}:owned`);
      const choices = await redisSuite.redis.hkeys(`${streamKey}:controls`);
      return notes.every((note) => owned.includes(note)) && choices.includes(paused);
    },
    { timeoutMs: 5_000 },
  );
  expect(other.server.pipeline.pool.get('audit', 'b2').status().paused).toBe(true);

  // So a restart of it takes b1 back, with what it holds, as its own rather than another client's.
  await post(other, '/api/consumer/pause', { group: 'notifications', name: 'b1' });
  await other.stop();
  const logged: string[] = [];
  const again = await startServer(
    ['--stream-key', streamKey, '--no-reset', '--seed', 'notifications=b0'],
    (message) => logged.push(message),
  );
  expect(logged.join('\n')).not.toMatch(/another client/);
  expect(again.server.pipeline.pool.get('notifications', 'b1').status().paused).toBe(true);
});

it('the retention policy is the stream’s: set or stopped in one process, every process follows and shows it', async () => {
  const streamKey = uniqueStreamKey('shared-retention');
  const [first, second] = await startPair(streamKey, 'analytics=worker-c', 'none');
  const policies = () => [first, second].map((server) => server.server.pipeline.retention.maxAgeMs);

  await post(first, '/api/retention/set', { maxAgeMs: 60_000 });
  await waitFor('both to trim by 60 s', () => policies().every((maxAgeMs) => maxAgeMs === 60_000));
  // Set again from the other dashboard, with another age: the later choice stands everywhere, not the shorter.
  await post(second, '/api/retention/set', { maxAgeMs: 5_000 });
  await waitFor('both to trim by 5 s', () => policies().every((maxAgeMs) => maxAgeMs === 5_000));
  expect((await stateOf(first)).retention.maxAgeMs).toBe(5_000);
  expect((await stateOf(second)).retention.maxAgeMs).toBe(5_000);

  await post(first, '/api/retention/set', { maxAgeMs: null });
  await waitFor('both to stop trimming by age', () => policies().every((maxAgeMs) => maxAgeMs === null));
  expect(await redisSuite.redis.hgetall(`${streamKey}:controls`)).toEqual({});
});

it("a group's auto-reaper is the group's: switched in one process, its workers in every process follow", async () => {
  const streamKey = uniqueStreamKey('shared-autoreap');
  const [first, second] = await startPair(
    streamKey,
    'notifications=worker-a;analytics=worker-c',
    'notifications=worker-b',
  );
  const interval = first.server.pipeline.options.reapIntervalMs;
  const reapers = () => [
    first.server.pipeline.pool.get('notifications', 'worker-a').autoReapMs,
    second.server.pipeline.pool.get('notifications', 'worker-b').autoReapMs,
  ];
  const shown = async (server: TestServer, group: string) =>
    (await stateOf(server)).groups.find((each) => each.name === group)?.autoReap;

  await post(first, '/api/autoreap/set', { group: 'notifications', enabled: true });
  await waitFor('both workers of notifications to reap', () => reapers().every((ms) => ms === interval));
  expect(await shown(second, 'notifications')).toBe(true);

  await post(second, '/api/autoreap/set', { group: 'notifications', enabled: false });
  await waitFor('neither to reap', () => reapers().every((ms) => ms === null));
  expect(await shown(first, 'notifications')).toBe(false);

  // A group whose workers all run in the other process is switched from here too, for them.
  await post(second, '/api/autoreap/set', { group: 'analytics', enabled: true });
  await waitFor(
    'worker-c, in the first process, to reap',
    () => first.server.pipeline.pool.get('analytics', 'worker-c').autoReapMs === interval,
  );
  expect(await shown(first, 'analytics')).toBe(true);

  // A reset, in either process, switches every reaper off, and stops the retention policy, everywhere.
  await post(first, '/api/retention/set', { maxAgeMs: 60_000 });
  await waitFor(
    'the second to take up the policy',
    () => second.server.pipeline.retention.maxAgeMs === 60_000,
  );
  await post(first, '/api/reset', {});
  await waitFor(
    'the second to stop its policy, and the first its reaper',
    () =>
      second.server.pipeline.retention.maxAgeMs === null &&
      first.server.pipeline.pool.get('analytics', 'worker-c').autoReapMs === null,
  );
});

it("a --no-reset start names a consumer another process's worker runs as that, whatever the notes say", async () => {
  const streamKey = uniqueStreamKey('shared-unnoted');
  const other = await startServer(['--stream-key', streamKey, '--seed', 'notifications=worker-a']);
  await post(other, '/api/consumer/add', { group: 'notifications', name: 'b1' });
  // Another client's key in the way: nothing is noted as Streamscope's, and nothing can be.
  await redisSuite.redis.del(`${streamKey}:owned`);
  await redisSuite.redis.set(`${streamKey}:owned`, 'in the way');
  const logged: string[] = [];
  const second = await startServer(
    ['--stream-key', streamKey, '--no-reset', '--seed', 'notifications=worker-b'],
    (message) => logged.push(message),
  );
  expect(second.server.pipeline.pool.find('notifications', 'b1')).toBeUndefined();
  expect(logged.join('\n')).toMatch(/notifications\/b1 is run by a Streamscope worker in another process/);
  expect(logged.join('\n')).not.toMatch(/b1.*another client's/);
});

it('requeue-alls sent to two processes at once put back no more than the stream has room for', async () => {
  const streamKey = uniqueStreamKey('shared-requeue');
  const flags = ['--stream-key', streamKey, '--maxlen', '500'];
  // Each waits a moment, not the 5 s a dashboard's would, for a room that will not come: analytics stays paused.
  const startWaiting = async (more: string[]) => {
    const server = await startTestServer([...flags, ...more], {
      redis: redisSuite.server,
      requeueRoomWaitMs: 200,
    });
    redisSuite.afterThisTest(() => server.stop());
    return server;
  };
  const first = await startWaiting(['--seed', 'notifications=worker-a;analytics=worker-c']);
  const second = await startWaiting(['--no-reset', '--seed', 'notifications=worker-b']);
  const { pipeline } = first.server;
  await post(first, '/api/consumer/pause', { group: 'analytics', name: 'worker-c' });
  const originals = await pipeline.produce(300);
  const letters = pipeline.stream.redis.pipeline();
  for (let n = 1; n <= 1_000; n++) {
    const payload = ['type', 'order.paid', 'ts_ms', '1', 'order_id', `o-${n}`];
    letters.xadd(pipeline.deadLetters.key, '*', 'dlq_original_id', `${n}-0`, 'dlq_reason', 'x', ...payload);
  }
  const through = String((await letters.exec())?.at(-1)?.[1]);

  // Both read the letters from the oldest: of each page, each letter goes back once, by whichever gets to it.
  const answers = await Promise.all(
    [first, second].map((server) => post(server, '/api/dlq/requeue-all', { through })),
  );
  const requeued = answers.reduce((sum, answer) => sum + answer.requeued, 0);
  expect(requeued).toBeGreaterThan(0);
  // analytics, paused, has read none of the 300 nor the copies: not one of them was trimmed.
  const kept = await pipeline.stream.replay('-', '+', 2_000);
  expect(kept.map((entry) => entry.id).slice(0, 300)).toEqual(originals);
  expect(kept).toHaveLength(300 + requeued);
  expect(await pipeline.deadLetters.length()).toBe(1_000 - requeued);
});

it("pause, resume, crash and autoclaim of another process's consumer say where it runs, and change nothing", async () => {
  const streamKey = uniqueStreamKey('shared-elsewhere');
  const [first, second] = await startPair(streamKey, 'notifications=worker-a', 'notifications=worker-b');
  const commands: [string, Record<string, unknown>][] = [
    ['/api/consumer/pause', { group: 'notifications', name: 'worker-a' }],
    ['/api/consumer/resume', { group: 'notifications', name: 'worker-a' }],
    ['/api/consumer/crash', { group: 'notifications', name: 'worker-a', count: 2 }],
    ['/api/autoclaim', { group: 'notifications', consumer: 'worker-a' }],
  ];
  for (const [path, body] of commands) {
    const answer = await postJson(second, path, body);
    expect(answer.status, path).toBe(409);
    expect((await json(answer)).message, path).toMatch(
      /notifications\/worker-a runs in another Streamscope process, not this one: .* there/,
    );
  }
  expect(first.server.pipeline.pool.get('notifications', 'worker-a').status()).toMatchObject({
    paused: false,
    crashQueued: 0,
  });
  // A name no process runs is still not found.
  const unknown = await postJson(second, '/api/consumer/pause', { group: 'notifications', name: 'nobody' });
  expect(unknown.status).toBe(404);
});

it('a group read from both processes is moved back from neither, and each says to stop one side first', async () => {
  const streamKey = uniqueStreamKey('shared-rewind');
  const [first, second] = await startPair(streamKey, 'notifications=worker-a', 'notifications=worker-b');
  await post(first, '/api/produce', { count: 5 });
  await waitFor('the group to read the 5', async () =>
    (await first.server.pipeline.stream.infoGroups()).some(
      (group) => group.lag === 0 && group.entriesRead === 5,
    ),
  );
  for (const server of [first, second]) {
    const answer = await postJson(server, '/api/group/setid', { group: 'notifications', id: '0-0' });
    expect(answer.status).toBe(409);
    expect((await json(answer)).message).toMatch(
      /This server reads it too: remove its consumers on one of the two servers, then move it from the other/,
    );
  }
});

it('a group read only by a paused consumer of another process, which never read, is shown there and deleted from neither', async () => {
  const streamKey = uniqueStreamKey('shared-delete');
  const first = await startServer(['--stream-key', streamKey, '--seed', 'notifications=worker-a']);
  // Paused before its first read (as a --no-reset start brings a saved pause back): Redis lists no such consumer yet.
  await redisSuite.redis.hset(`${streamKey}:controls`, JSON.stringify(['paused', 'audit', 'x']), '1');
  const second = await startServer(['--stream-key', streamKey, '--no-reset', '--seed', 'audit=x']);
  expect(second.server.pipeline.pool.get('audit', 'x').status().paused).toBe(true);
  expect(await redisSuite.redis.xinfo('CONSUMERS', streamKey, 'audit')).toEqual([]);
  // The first server's page shows it all the same, as running elsewhere.
  const audit = (await stateOf(first)).groups.find((group) => group.name === 'audit');
  expect(audit?.consumers.map(({ name, worker, connected }) => ({ name, worker, connected }))).toEqual([
    { name: 'x', worker: null, connected: true },
  ]);

  const deletion = await postJson(first, '/api/group/delete', { group: 'audit' });
  expect(deletion.status).toBe(409);
  expect((await json(deletion)).message).toMatch(/group audit is in use elsewhere: x reads it/);
  expect((await first.server.pipeline.stream.infoGroups()).map((group) => group.name)).toContain('audit');
});

it('an entry claimed to the delivery limit while another process handled it is acked as a duplicate, not dead-lettered', async () => {
  const streamKey = uniqueStreamKey('shared-slow');
  const server = await startServer(['--stream-key', streamKey, '--seed', 'none', '--max-deliveries', '3']);
  await postJson(server, '/api/group/create', { group: 'billing', startId: '0-0' });
  const { firstId: handled, lastId: failed } = await json(postJson(server, '/api/produce', { count: 2 }));
  // Another process's slow consumer took both; its handler finished one (the group's guard marked it) while
  // peers' reapers claimed them back and forth: a second delivery each, and neither ever failed.
  await redisSuite.redis.xreadgroup('GROUP', 'billing', 'slow', 'STREAMS', streamKey, '>');
  await new ProcessedIds(redisSuite.redis, `${streamKey}:processed:billing`).addMany([handled]);
  await redisSuite.redis.xclaim(streamKey, 'billing', 'slow', 0, handled, failed);
  await postJson(server, '/api/consumer/add', { group: 'billing', name: 'worker-a' });
  // The claim is their third delivery (once idle past the test server's 200 ms claim threshold).
  const claimed = await waitFor('both claimed', async () => {
    const answer = await json(postJson(server, '/api/autoclaim', { group: 'billing', consumer: 'worker-a' }));
    return answer.claimed > 0 ? answer : null;
  });
  expect(claimed).toMatchObject({ claimed: 2, deadLettered: 1 });
  const state: Snapshot = await json(server.server.app.request('/api/state'));
  expect(state.dlq.newest.map((letter) => letter.originalId)).toEqual([failed]);
  expect(state.groups.find((group) => group.name === 'billing')).toMatchObject({
    pending: 0,
    duplicates: 1,
    deadLettered: 1,
  });
  const history = await json(server.server.app.request(`/api/entries/${handled}/history`));
  const duplicate = history.events.find((event: { kind: string }) => event.kind === 'duplicate');
  expect(duplicate).toMatchObject({ consumer: 'worker-a', deliveryCount: 3 });
  expect(duplicate.reason).toMatch(/reached the limit, yet already processed .* so not dead-lettered/);
  expect(history.events.some((event: { kind: string }) => event.kind === 'dead-lettered')).toBe(false);
});
