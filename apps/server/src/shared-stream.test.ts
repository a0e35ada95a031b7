import { connectedWorkers } from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis } from '@streamscope/testkit';
import { expect, it } from 'vitest';
import { postJson, type TestServer, useTestServers } from './testing/test-server.js';

// Two Streamscope processes on one stream, as a user runs the demo twice (two terminals, a dashboard per team):
// what one does must not leave the other, or Redis, disagreeing with it.
const redisSuite = usePrivateRedis();
const startServer = useTestServers(redisSuite);

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
  const first = await startServer(['--stream-key', streamKey, '--seed', 'notifications=worker-a']);
  const second = await startServer(['--stream-key', streamKey, '--no-reset', '--seed', 'none']);
  for (let round = 0; round < 10; round++) {
    const name = `twin-${round}`;
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
