import type { Snapshot } from '@streamscope/protocol';
import { expect, it, vi } from 'vitest';
import { json, postJson, serverForSuite } from './testing/test-server.js';

// Work slower than the claim threshold keeps a claimed entry in hand, not yet acked, for a while.
const test = serverForSuite(['--process-latency-ms', '500']);

const post = (path: string, body: unknown = {}) => postJson(test, path, body);
const state = () => json<Snapshot>(test.server.app.request('/api/state'));

/** Leaves one entry pending with worker-a (dropped by a crash), idle past the claim threshold. */
async function claimableEntry(): Promise<string> {
  await post('/api/consumer/crash', { group: 'notifications', name: 'worker-a', count: 1 });
  await post('/api/consumer/pause', { group: 'notifications', name: 'worker-b' });
  const { firstId } = await json(post('/api/produce', { count: 1 }));
  await post('/api/consumer/resume', { group: 'notifications', name: 'worker-b' });
  await expect
    .poll(async () => (await state()).pending.rows.find((row) => row.id === firstId)?.idleMs ?? -1, {
      timeout: 10_000,
    })
    .toBeGreaterThanOrEqual(200);
  return firstId as string;
}

it('an autoclaim landing between a dead-letter by hand reading the entry and writing its letter wins: 409, no letter', async () => {
  const { pipeline } = test.server;
  const id = await claimableEntry();
  // The autoclaim claims it after the hand's XPENDING said the entry was claimable, before its letter is
  // written, and is still working on it then.
  let claim: Promise<Response> | undefined;
  const interleaved = vi.spyOn(pipeline.stream, 'replay').mockImplementationOnce(async (...args) => {
    interleaved.mockRestore();
    claim = post('/api/autoclaim', { group: 'notifications', consumer: 'worker-b' });
    await expect
      .poll(
        async () =>
          (await pipeline.stream.pendingDetail('notifications', { start: id, end: id, count: 1 }))[0]
            ?.consumer,
        { timeout: 10_000 },
      )
      .toBe('worker-b');
    return pipeline.stream.replay(...args);
  });
  const parked = await post('/api/pending/deadletter', { group: 'notifications', id });
  expect(await json(claim as Promise<Response>)).toMatchObject({ claimed: 1, processed: 1, deadLettered: 0 });
  expect(parked.status).toBe(409);
  expect(await parked.json()).toMatchObject({
    code: 'conflict',
    message: expect.stringMatching(/was read by worker-b .* under the claim threshold/),
  });
  const events = pipeline.history.of(id).filter((event) => event.group === 'notifications');
  expect(events.map((event) => event.kind)).toContain('acked');
  expect(events.map((event) => event.kind)).not.toContain('dead-lettered');
  expect((await state()).dlq.newest.filter((letter) => letter.originalId === id)).toEqual([]);
});

it('a dead-letter by hand that lands first leaves the autoclaim nothing to claim', async () => {
  const { pipeline } = test.server;
  const id = await claimableEntry();
  const [parked, claim] = await Promise.all([
    post('/api/pending/deadletter', { group: 'notifications', id }),
    post('/api/autoclaim', { group: 'notifications', consumer: 'worker-b' }),
  ]);
  const claimed = await json(claim);
  // Either one may win the race; the entry ends in exactly one place, and each answer says which.
  const kinds = pipeline.history
    .of(id)
    .filter((event) => event.group === 'notifications')
    .map((event) => event.kind);
  const letters = (await state()).dlq.newest.filter((letter) => letter.originalId === id);
  if (parked.status === 200) {
    expect(claimed).toMatchObject({ claimed: 0, processed: 0 });
    expect(letters).toHaveLength(1);
    expect(kinds).not.toContain('acked');
  } else {
    expect(parked.status).toBe(409);
    expect(claimed).toMatchObject({ claimed: 1, processed: 1 });
    expect(letters).toEqual([]);
    expect(kinds).not.toContain('dead-lettered');
  }
});

it('an entry claimed and still in hand past the claim threshold is not dead-lettered by hand: 409, then acked', async () => {
  const { pipeline } = test.server;
  const id = await claimableEntry();
  const claim = post('/api/autoclaim', { group: 'notifications', consumer: 'worker-b' });
  // worker-b's 500 ms of work outlasts the 200 ms threshold: idle time alone would call the entry claimable.
  await expect
    .poll(
      async () => (await pipeline.stream.pendingDetail('notifications', { start: id, end: id, count: 1 }))[0],
      { timeout: 10_000 },
    )
    .toMatchObject({ consumer: 'worker-b', idleMs: expect.toSatisfy((ms: number) => ms >= 200) });
  const parked = await post('/api/pending/deadletter', { group: 'notifications', id });
  expect(await json(claim)).toMatchObject({ claimed: 1, processed: 1 });
  expect(parked.status).toBe(409);
  expect(await parked.json()).toMatchObject({
    code: 'conflict',
    message: expect.stringMatching(/is in hand at worker-b on this server/),
  });
  expect((await state()).dlq.newest.filter((letter) => letter.originalId === id)).toEqual([]);
});

it('two claims of one entry by hand at once, for two consumers: one takes it and handles it once, the other is refused', async () => {
  const { pipeline } = test.server;
  await post('/api/consumer/add', { group: 'notifications', name: 'worker-e' });
  const id = await claimableEntry();
  const answers = await Promise.all(
    ['worker-b', 'worker-e'].map((consumer) =>
      post('/api/pending/claim', { group: 'notifications', id, consumer }),
    ),
  );
  const [won, lost] = answers[0]?.status === 200 ? answers : [...answers].reverse();
  expect(won?.status).toBe(200);
  const claimed = await json(Promise.resolve(won as Response));
  expect(claimed).toMatchObject({ id, from: 'worker-a', deliveryCount: 2, processed: true });
  expect(lost?.status).toBe(409);
  expect(await lost?.json()).toMatchObject({
    message: expect.stringMatching(
      // Which refusal depends on when the loser's claim lands: while the winner's worker
      // handles the entry, or just before or after, when only the fresh claim shows.
      new RegExp(
        `was read by ${claimed.consumer} .* under the claim threshold|is in hand at ${claimed.consumer} `,
      ),
    ),
  });
  const events = pipeline.history.of(id).filter((event) => event.group === 'notifications');
  expect(events.filter((event) => event.kind === 'claimed')).toHaveLength(1);
  expect(events.filter((event) => event.kind === 'acked')).toHaveLength(1);
  await post('/api/consumer/remove', { group: 'notifications', name: 'worker-e' });
});
