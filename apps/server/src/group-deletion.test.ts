import { usePrivateRedis, waitFor } from '@streamscope/testkit';
import { afterAll, expect, it } from 'vitest';
import { json, postJson, startTestServer, type TestServer } from './testing/test-server.js';

// group.delete under way while consumers work: nothing forgotten, nothing refused that they were finishing.
const redisSuite = usePrivateRedis();
const servers: TestServer[] = [];
// Registered after usePrivateRedis, so it runs before the redis-server stops (after-hooks run newest first).
afterAll(async () => {
  for (const server of servers) await server.stop();
});

const start = async (flags: string[]) => {
  const server = await startTestServer(flags, { redis: redisSuite.server });
  servers.push(server);
  return server;
};
const pendingOf = async (test: TestServer, name: string) =>
  (await test.server.pipeline.stream.infoGroups()).find((group) => group.name === name)?.pending;

it('deletes, without discardPending, a group whose consumer is at work on an entry: it finishes and acks it first', async () => {
  const test = await start(['--process-latency-ms', '300', '--seed', 'none']);
  const post = (path: string, body: unknown) => postJson(test, path, body);
  await json(post('/api/group/create', { group: 'busy', startId: '$' }));
  await json(post('/api/consumer/add', { group: 'busy', name: 'busy-1' }));
  const [id] = await test.server.pipeline.produce(1);
  await waitFor('the entry in hand', async () => (await pendingOf(test, 'busy')) === 1);
  expect(await json(post('/api/group/delete', { group: 'busy' }))).toEqual({
    group: 'busy',
    consumersStopped: ['busy-1'],
    pendingDiscarded: 0,
  });
  const steps = test.server.pipeline.history.of(id as string).map((event) => event.kind);
  expect(steps).toContain('acked');
});

it('of 100 concurrent creates of one name, exactly one wins; the others are told the name is taken', async () => {
  const test = await start(['--seed', 'none']);
  const answers = await Promise.all(
    Array.from({ length: 100 }, () => postJson(test, '/api/group/create', { group: 'one', startId: '0-0' })),
  );
  const statuses = answers.map((answer) => answer.status);
  expect(statuses.filter((status) => status === 200)).toHaveLength(1);
  expect(statuses.filter((status) => status === 409)).toHaveLength(99);
});
