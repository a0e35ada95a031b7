import { EventStream } from '@streamscope/streams';
import { waitFor } from '@streamscope/testkit';
import { describe, expect, it } from 'vitest';
import { json, postJson, serverForSuite } from './testing/test-server.js';

const test = serverForSuite(['--maxlen', '1000000']);

const post = (path: string, body: unknown) => postJson(test, path, body);
const pipeline = () => test.server.pipeline;
const groupInfo = async (name: string) =>
  (await pipeline().stream.infoGroups()).find((group) => group.name === name);

/** Waits until every group this server runs has read and acked everything. */
async function settled(): Promise<void> {
  const busy = async () =>
    (await pipeline().stream.infoGroups())
      .filter((group) => pipeline().pool.groups().includes(group.name))
      .filter((group) => group.pending > 0 || group.lag !== 0)
      .map((group) => group.name);
  await expect.poll(busy, { timeout: 10_000 }).toEqual([]);
}

/** The acks a group's workers made of `id`, from the server's per-entry history. */
const acksOf = (id: string, group: string) =>
  pipeline()
    .history.of(id)
    .filter((event) => event.kind === 'acked' && event.group === group).length;

describe('group.create', () => {
  it("creates a group at '$' with nothing to read, at 0-0 with the whole stream, and refuses a taken name", async () => {
    await pipeline().produce(5);
    const length = await pipeline().stream.length();
    const fromNow = await json(post('/api/group/create', { group: 'from-now' }));
    expect(fromNow).toMatchObject({ group: 'from-now', startId: '$', lag: 0 });
    expect(fromNow.lastDeliveredId).toBe((await pipeline().stream.infoStream())?.lastGeneratedId);
    // A bare millisecond is read as Redis reads it, and said back so: 0 is 0-0.
    expect(await json(post('/api/group/create', { group: 'from-start', startId: '0' }))).toMatchObject({
      startId: '0-0',
      lastDeliveredId: '0-0',
      lag: length,
    });
    const again = await post('/api/group/create', { group: 'from-start', startId: '$' });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({
      message: /group from-start already exists/,
      fields: ['group'],
    });
    // Left where it was.
    expect((await groupInfo('from-start'))?.lastDeliveredId).toBe('0-0');
  });

  it('a new group with a consumer added processes the stream from where it starts', async () => {
    const ids = await pipeline().produce(3);
    const from = ids[0] as string;
    expect((await post('/api/group/create', { group: 'late', startId: from })).status).toBe(200);
    expect((await post('/api/consumer/add', { group: 'late', name: 'late-1' })).status).toBe(200);
    await waitFor('the later two to be acked by late', () => acksOf(ids[2] as string, 'late') === 1);
    expect(acksOf(ids[1] as string, 'late')).toBe(1);
    expect(acksOf(from, 'late')).toBe(0);
  });

  it('refuses a position past the newest entry, and malformed ones, creating nothing', async () => {
    const newest = (await pipeline().stream.infoStream())?.lastGeneratedId as string;
    const [ms] = newest.split('-');
    const ahead = await post('/api/group/create', { group: 'ahead', startId: `${Number(ms) + 60_000}-0` });
    expect(ahead.status).toBe(400);
    expect(await json(ahead)).toMatchObject({
      message: expect.stringMatching(/past the stream's newest ID \(its newest entry is .*\): .* Use \$/),
      fields: ['startId'],
    });
    const bad = await post('/api/group/create', { group: 'bad', startId: 'latest' });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({
      message: expect.stringMatching(/startId: must be '\$' \(after the newest entry\), 0-0/),
      fields: ['startId'],
    });
    expect((await post('/api/group/create', { group: 'has space' })).status).toBe(400);
    const names = (await pipeline().stream.infoGroups()).map((group) => group.name);
    expect(names).not.toContain('ahead');
    expect(names).not.toContain('bad');
  });
});

describe('group.setid', () => {
  it('rewinding a group redelivers what it had processed, and its guard counts each as a duplicate', async () => {
    await settled();
    const before = await groupInfo('analytics');
    const length = await pipeline().stream.length();
    const duplicatesBefore = pipeline().groupCounters.get('analytics')?.duplicates ?? 0;
    const moved = await json(post('/api/group/setid', { group: 'analytics', id: '0-0' }));
    expect(moved).toMatchObject({ group: 'analytics', from: before?.lastDeliveredId, to: '0-0', pending: 0 });
    await settled();
    expect(pipeline().groupCounters.get('analytics')?.duplicates).toBe(duplicatesBefore + length);
    // Notifications, whose cursor did not move, saw none of it.
    expect(pipeline().groupCounters.get('notifications')?.duplicates ?? 0).toBe(0);
    // Its worker counts them apart from the work it did, and its recent deliveries say which.
    const worker = pipeline().pool.find('analytics', 'worker-c');
    expect(worker?.status().duplicates).toBe(length);
    expect(worker?.recent().at(-1)?.outcome).toBe('duplicate');
  });

  it('a rewound group’s replay shows in its delivered and acked rates, though Redis’s entries-read only climbs back', async () => {
    await post('/api/produce', { count: 100 });
    await settled();
    // A snapshot before the move: the rates' base holds entries-read where the group had read to.
    await test.server.app.request('/api/state');
    await json(post('/api/group/setid', { group: 'analytics', id: '0-0' }));
    // Replayed whole before the next snapshot: entries-read is back where it was.
    await settled();
    const snapshot = await json(test.server.app.request('/api/state'));
    const rates = snapshot.groups.find((group: { name: string }) => group.name === 'analytics');
    expect(rates.deliveredPerSec).toBeGreaterThan(0);
    expect(rates.ackedPerSec).toBeGreaterThan(0);
  });

  it('a requeue names the groups that processed the entry since it was dead-lettered: they ack the copy as a duplicate', async () => {
    const [id] = await pipeline().produce(1, 'order.paid');
    await settled();
    // Dead-lettered in analytics, say by hand, and processed there since, its cursor moved back over it.
    const letterId = await pipeline().deadLetters.send(id ?? '', {
      ...{ group: 'analytics', consumer: 'worker-c', deliveryCount: 1, reason: 'dead-lettered by hand' },
      ...{ fields: { type: 'order.paid', ts_ms: String(Date.now()) }, stillPending: false },
    });
    const requeued = await json(post('/api/dlq/requeue', { id: letterId }));
    expect(requeued.processedBy).toEqual(expect.arrayContaining(['analytics', 'notifications']));
    // An entry no group ever processed (its every delivery failed, say): none.
    const neverDone = await pipeline().deadLetters.send(`${Date.now()}-999`, {
      ...{ group: 'analytics', consumer: 'worker-c', deliveryCount: 5, reason: 'x' },
      ...{ fields: { type: 'order.paid', ts_ms: String(Date.now()) }, stillPending: false },
    });
    expect(await json(post('/api/dlq/requeue', { id: neverDone }))).toMatchObject({ processedBy: [] });
    // A letter of a copy requeued before: the guards know the event under the first original's ID, as they mark it.
    const copyLetter = await pipeline().deadLetters.send(`${Date.now()}-998`, {
      ...{ group: 'analytics', consumer: 'worker-c', deliveryCount: 5, reason: 'x' },
      ...{
        fields: { type: 'order.paid', ts_ms: String(Date.now()), requeued_from: id ?? '' },
        stillPending: false,
      },
    });
    const again = await json(post('/api/dlq/requeue', { id: copyLetter }));
    expect(again.processedBy).toEqual(expect.arrayContaining(['analytics', 'notifications']));
    await settled();
  });

  it('counts as duplicates the redeliveries a worker reads before the rewind has answered', async () => {
    await pipeline().produce(5);
    await settled();
    const length = await pipeline().stream.length();
    const duplicatesBefore = pipeline().groupCounters.get('analytics')?.duplicates ?? 0;
    const [first] = await pipeline().stream.replay('-', '+', 1);
    const acksBefore = acksOf(first?.id as string, 'analytics');
    const stream = pipeline().stream;
    const setGroupId = stream.setGroupId.bind(stream);
    stream.setGroupId = async (group, id) => {
      const moved = await setGroupId(group, id);
      // An append wakes the blocked worker, which reads from the rewound cursor before this reply is handled.
      await pipeline().produce(1);
      await waitFor('a redelivery', () => acksOf(first?.id as string, 'analytics') > acksBefore);
      return moved;
    };
    try {
      expect((await post('/api/group/setid', { group: 'analytics', id: '0-0' })).status).toBe(200);
    } finally {
      stream.setGroupId = setGroupId;
    }
    await settled();
    // Every entry it had read, and not the one appended with the rewind, which it had never seen.
    expect(pipeline().groupCounters.get('analytics')?.duplicates).toBe(duplicatesBefore + length);
  });

  it("moving forward to '$' skips the backlog; its pending entries stay with their consumers", async () => {
    await settled();
    await json(post('/api/consumer/pause', { group: 'notifications', name: 'worker-a' }));
    await json(post('/api/consumer/pause', { group: 'notifications', name: 'worker-b' }));
    // Paused consumers read nothing, so everything produced now is backlog.
    const ids = await pipeline().produce(20);
    expect((await groupInfo('notifications'))?.lag).toBe(20);
    const moved = await json(post('/api/group/setid', { group: 'notifications', id: '$' }));
    expect(moved).toMatchObject({ to: ids.at(-1), lag: 0, pending: 0 });
    await json(post('/api/consumer/resume', { group: 'notifications', name: 'worker-a' }));
    await json(post('/api/consumer/resume', { group: 'notifications', name: 'worker-b' }));
    const [next] = await pipeline().produce(1);
    await waitFor(
      'the next entry to be acked by notifications',
      () => acksOf(next as string, 'notifications') === 1,
    );
    expect(ids.filter((id) => acksOf(id, 'notifications') > 0)).toEqual([]);
  });

  it('refuses an unknown group, a position past the newest entry, and a malformed one, moving nothing', async () => {
    await settled();
    const before = await groupInfo('analytics');
    const missing = await post('/api/group/setid', { group: 'nope', id: '0-0' });
    expect(missing.status).toBe(404);
    expect((await json(missing)).message).toMatch(/no group nope on /);
    const ahead = await post('/api/group/setid', { group: 'analytics', id: '99999999999999-0' });
    expect(ahead.status).toBe(400);
    expect((await post('/api/group/setid', { group: 'analytics', id: '>' })).status).toBe(400);
    expect((await post('/api/group/setid', { group: 'analytics' })).status).toBe(400);
    expect((await groupInfo('analytics'))?.lastDeliveredId).toBe(before?.lastDeliveredId);
  });
});

describe('group.delete', () => {
  it('refuses a group holding pending entries, leaving it running; with discardPending it stops its consumers and deletes it', async () => {
    await settled();
    await json(post('/api/group/create', { group: 'doomed', startId: '$' }));
    await json(post('/api/consumer/add', { group: 'doomed', name: 'doomed-1' }));
    await json(post('/api/consumer/crash', { group: 'doomed', name: 'doomed-1', count: 2 }));
    await pipeline().produce(2);
    await waitFor(
      'two entries to sit pending in doomed',
      async () => (await groupInfo('doomed'))?.pending === 2,
    );

    const refused = await post('/api/group/delete', { group: 'doomed' });
    expect(refused.status).toBe(409);
    expect((await json(refused)).message).toMatch(
      /holds 2 pending entries that no consumer of it here is at work on, which deleting it would forget/,
    );
    expect(await groupInfo('doomed')).toMatchObject({ pending: 2, consumers: 1 });
    expect(pipeline().pool.get('doomed', 'doomed-1').status().state).toBe('running');

    const deleted = await json(post('/api/group/delete', { group: 'doomed', discardPending: true }));
    expect(deleted).toEqual({ group: 'doomed', consumersStopped: ['doomed-1'], pendingDiscarded: 2 });
    expect(await groupInfo('doomed')).toBeUndefined();
    expect(pipeline().pool.find('doomed', 'doomed-1')).toBeUndefined();
    const missing = await post('/api/group/delete', { group: 'doomed' });
    expect(missing.status).toBe(404);
  });

  it('deleting a group deletes its once-per-ID guard: a new group of that name has processed nothing', async () => {
    await json(post('/api/group/create', { group: 'again', startId: '0-0' }));
    await json(post('/api/consumer/add', { group: 'again', name: 'again-1' }));
    await settled();
    const guardKey = `${pipeline().stream.streamKey}:processed:again`;
    const redis = pipeline().options.redis;
    await waitFor('the guard to hold what again processed', async () => (await redis.zcard(guardKey)) > 0);
    // Noted as Streamscope's while it stands (a --no-reset start knows it from another client's), not after.
    const ownedKey = `${pipeline().stream.streamKey}:owned`;
    expect(await redis.hexists(ownedKey, JSON.stringify(['group', 'again']))).toBe(1);
    await json(post('/api/group/delete', { group: 'again' }));
    expect(await redis.exists(guardKey)).toBe(0);
    expect(await redis.hexists(ownedKey, JSON.stringify(['group', 'again']))).toBe(0);
    expect(await redis.hexists(ownedKey, JSON.stringify(['consumer', 'again', 'again-1']))).toBe(0);
  });

  it('an add that must find its group refuses one deleted meantime, rather than make it again from 0-0', async () => {
    await json(post('/api/group/create', { group: 'gone-soon' }));
    await json(post('/api/group/delete', { group: 'gone-soon' }));
    const refused = await post('/api/consumer/add', {
      group: 'gone-soon',
      name: 'late-1',
      groupMustExist: true,
    });
    expect(refused.status).toBe(404);
    expect((await json(refused)).message).toMatch(/^group gone-soon does not exist/);
    expect(await groupInfo('gone-soon')).toBeUndefined();
    expect(pipeline().pool.find('gone-soon', 'late-1')).toBeUndefined();
  });

  it('refuses a group another client reads, deleting nothing', async () => {
    const other = new EventStream({ connection: test.redis.url, streamKey: pipeline().stream.streamKey });
    try {
      await json(post('/api/group/create', { group: 'shared', startId: '0-0' }));
      // It reads (and so is seen active) and acks: nothing pending, so only its use stands in the way.
      const [entry] = await other.consume('shared', 'elsewhere-1', 1, null);
      await other.ack('shared', [entry?.id as string]);
      const refused = await post('/api/group/delete', { group: 'shared' });
      expect(refused.status).toBe(409);
      expect((await json(refused)).message).toMatch(
        /group shared is in use elsewhere: elsewhere-1 reads it from another process or client/,
      );
      expect(await groupInfo('shared')).toBeDefined();
    } finally {
      await other.close();
    }
  });

  it('the other groups go on while one is deleted during production: every entry acked by each of them', async () => {
    await json(post('/api/group/create', { group: 'brief', startId: '$' }));
    await json(post('/api/consumer/add', { group: 'brief', name: 'brief-1' }));
    const firstId = (await pipeline().produce(1))[0] as string;
    pipeline().producer.start(1_000, null);
    const produced = () => pipeline().totals().produced;
    const start = produced();
    await waitFor('a steady flow', () => produced() >= start + 200);
    await json(post('/api/group/delete', { group: 'brief', discardPending: true }));
    await waitFor('more after the delete', () => produced() >= start + 400);
    await pipeline().producer.stop();
    await settled();
    const entries = await pipeline().stream.replay(firstId, '+', 1_000_000);
    for (const group of ['analytics', 'notifications']) {
      expect(entries.filter((entry) => acksOf(entry.id, group) === 0).map((entry) => entry.id)).toEqual([]);
    }
  });
});
