import { waitFor } from '@streamscope/testkit';
import { expect, it } from 'vitest';
import { ACTIVE_WITHIN_MS } from './pipeline/consumer-activity.js';
import { serverForSuite, type TestServer } from './testing/test-server.js';
import { entriesNotAcked, ZERO_LOSS_FLAGS } from './testing/zero-loss.js';

const test = serverForSuite(ZERO_LOSS_FLAGS);

it('removing a consumer while events keep arriving loses nothing', async () => {
  const { pipeline } = test.server;
  // Counted, not timed. At 500/s, not 2,000/s: the producer keeps its rate by the clock, however busy the
  // machine, while the workers' 1 ms of work an entry becomes 3 or 4 ms there (about 250 entries/s each), so
  // at 2,000/s every second the steps below took left more for worker-b alone to drain at the end, past the
  // wait for it (a lag of ~6,000 after 15 s, once).
  const produced = () => pipeline.totals().produced;
  pipeline.producer.start(500, null);
  await waitFor('a steady flow', () => produced() >= 1_000);
  // Entries it drops stay pending in its name: the removal must hand them over, not delete them.
  const workerA = pipeline.pool.get('notifications', 'worker-a');
  workerA.crashNext(5);
  await waitFor('worker-a to drop five', () => workerA.status().crashQueued === 0);

  const removal = await pipeline.pool.remove('notifications', 'worker-a');
  expect(removal.handedOverTo).toBe('worker-b');
  expect(removal.moved).toBeGreaterThanOrEqual(5);

  const producedAtRemoval = produced();
  await waitFor('events to go on arriving after the removal', () => produced() >= producedAtRemoval + 500);
  await pipeline.producer.stop();

  const { entries, notAcked } = await entriesNotAcked(pipeline, 'notifications');
  expect((await pipeline.stream.infoConsumers('notifications')).map((consumer) => consumer.name)).toEqual([
    'worker-b',
  ]);
  expect(entries).toBeGreaterThan(1_000);
  expect(notAcked).toEqual([]);
});

it('removing a consumer that crashed elsewhere hands what it held to a worker here, which processes it', async () => {
  const { pipeline } = test.server;
  const { stream } = pipeline;
  // A Streamscope group, whose worker in another process read five entries as "crashed-pod" and died without
  // acking them.
  const ids = await pipeline.produce(5);
  await waitForIdle(pipeline);
  await pipeline.createGroup('billing', '0-0');
  const crashed = await stream.consume('billing', 'crashed-pod', 1_000_000, null);
  expect(crashed.length).toBeGreaterThanOrEqual(5);
  // Read as a moment ago, it may well be running: refused, as taking what it holds would have it handled twice.
  await expect(pipeline.removeConsumer('billing', 'crashed-pod')).rejects.toThrow(
    /consumer billing\/crashed-pod is in use: Redis saw it read \d+ ms ago, from another client/,
  );
  // Quiet for longer than a running consumer is, it has crashed.
  await expect
    .poll(async () => (await stream.infoConsumers('billing'))[0]?.idleMs ?? 0, { timeout: 10_000 })
    .toBeGreaterThanOrEqual(ACTIVE_WITHIN_MS);
  // With no worker of billing here there is no one to take them: refused, nothing changes.
  await expect(pipeline.removeConsumer('billing', 'crashed-pod')).rejects.toThrow(
    /no consumer of billing runs on this server to take over what crashed-pod holds/,
  );
  await pipeline.addConsumer('billing', 'pod-here');
  const removal = await pipeline.removeConsumer('billing', 'crashed-pod');
  expect(removal).toMatchObject({ handedOverTo: 'pod-here', moved: crashed.length });
  // The history, not XPENDING, is waited for: the worker records its ack once XACK has answered, a moment
  // after Redis's pending count fell.
  const handled = () =>
    pipeline.history
      .of(ids[0] as string)
      .filter((event) => event.group === 'billing')
      .map((event) => `${event.kind} ${event.consumer}`);
  await expect.poll(handled, { timeout: 10_000 }).toContain('acked pod-here');
  // Its timeline says how it came to pod-here: handed over, then read from its own pending list.
  expect(handled()).toEqual(['claimed pod-here', 'delivered pod-here', 'acked pod-here']);
  expect(pipeline.history.of(ids[0] as string).find((event) => event.kind === 'claimed')).toMatchObject({
    reason: 'handed over from crashed-pod, being removed',
    deliveryCount: null,
  });
  await expect
    .poll(async () => (await stream.infoGroups()).find((group) => group.name === 'billing'), {
      timeout: 10_000,
    })
    .toMatchObject({ pending: 0 });
  expect((await stream.infoConsumers('billing')).map((consumer) => consumer.name)).toEqual(['pod-here']);
  // A name Redis does not know at all is still a 404.
  await expect(pipeline.removeConsumer('billing', 'never-was')).rejects.toThrow(
    /no consumer billing\/never-was/,
  );
});

async function waitForIdle(pipeline: TestServer['server']['pipeline']): Promise<void> {
  await expect
    .poll(
      async () =>
        (await pipeline.stream.infoGroups()).every((group) => group.pending === 0 && group.lag === 0),
      {
        timeout: 10_000,
      },
    )
    .toBe(true);
}

it('removing a consumer whose pending entries were trimmed away dead-letters them rather than dropping them', async () => {
  const { pipeline } = test.server;
  const { stream } = pipeline;
  await pipeline.createGroup('audit', '$'); // new entries only: the earlier tests' thousands are not its business
  await pipeline.addConsumer('audit', 'leaving');
  pipeline.pool.get('audit', 'leaving').crashNext(6);
  const ids = await pipeline.produce(6);
  await expect.poll(async () => (await stream.pendingSummary('audit')).count, { timeout: 10_000 }).toBe(6);
  await pipeline.addConsumer('audit', 'staying');
  await stream.trimMinid(ids.at(-1) as string, { approx: false }); // the first five are gone
  const lettersBefore = await pipeline.deadLetters.length();

  const removal = await pipeline.removeConsumer('audit', 'leaving');
  expect(removal).toMatchObject({ handedOverTo: 'staying', moved: 1, deleted: 5 });
  expect(await pipeline.deadLetters.length()).toBe(lettersBefore + 5);
  for (const id of ids.slice(0, 5)) {
    const steps = pipeline.history.of(id).filter((event) => event.group === 'audit');
    expect(steps.map((event) => `${event.kind} ${event.consumer}`)).toContain('dead-lettered leaving');
  }
  // The one still there is processed by the consumer it went to. (The history, not XPENDING, is waited
  // for: the worker records its ack once XACK has answered, a moment after Redis's pending count fell.)
  const lastSteps = () =>
    pipeline.history
      .of(ids.at(-1) as string)
      .filter((event) => event.group === 'audit')
      .map((event) => `${event.kind} ${event.consumer}`);
  await expect.poll(lastSteps, { timeout: 10_000 }).toContain('acked staying');
  expect((await stream.pendingSummary('audit')).count).toBe(0);
});

/** The next removal's handover step fails, as it would with Redis gone after the worker closed. */
function failHandoverOnce(): void {
  const { deadLetters } = test.server.pipeline;
  const handover = deadLetters.handover.bind(deadLetters);
  deadLetters.handover = async () => {
    deadLetters.handover = handover;
    throw new Error('Connection is closed.');
  };
}

it('a removal cut off half-way puts the consumer back to work under its name', async () => {
  const { pipeline } = test.server;
  await pipeline.addConsumer('cutoff', 'a');
  await pipeline.addConsumer('cutoff', 'b');
  failHandoverOnce();
  await expect(pipeline.removeConsumer('cutoff', 'a')).rejects.toThrow(/Connection is closed/);
  const worker = pipeline.pool.get('cutoff', 'a');
  expect(worker.status().state).toBe('running');
  // And a retry finishes the job.
  expect(await pipeline.removeConsumer('cutoff', 'a')).toMatchObject({ handedOverTo: 'b' });
});

it('a removal cut off half-way puts the consumer back as it was: paused, with its queued crashes', async () => {
  const { pipeline } = test.server;
  await pipeline.addConsumer('cutoff-paused', 'a');
  await pipeline.addConsumer('cutoff-paused', 'b');
  const before = pipeline.pool.get('cutoff-paused', 'a');
  await before.pause();
  before.crashNext(2);
  failHandoverOnce();
  await expect(pipeline.removeConsumer('cutoff-paused', 'a')).rejects.toThrow(/Connection is closed/);
  // A new worker under the name, but what the user asked of the old one still holds.
  const after = pipeline.pool.get('cutoff-paused', 'a');
  expect(after).not.toBe(before);
  expect(after.status()).toMatchObject({ state: 'running', paused: true, crashQueued: 2 });
});

it('a reset cut off half-way finishes itself and starts the seeded workers again, its mark cleared', async () => {
  const { pipeline } = test.server;
  const { stream } = pipeline;
  const clear = pipeline.deadLetters.clear.bind(pipeline.deadLetters);
  pipeline.deadLetters.clear = async () => {
    pipeline.deadLetters.clear = clear;
    throw new Error('Connection is closed.');
  };
  await pipeline.deadLetters.send('1-0', {
    ...{ group: 'g', consumer: 'w', deliveryCount: 5, reason: 'x' },
    ...{ fields: null, stillPending: false },
  });
  await expect(pipeline.reset()).rejects.toThrow(/Connection is closed/);
  await expect
    .poll(
      () =>
        pipeline.pool
          .workers()
          .map((worker) => `${worker.group}/${worker.name} ${worker.status().state}`)
          .sort(),
      {
        timeout: 10_000,
      },
    )
    .toEqual([
      'analytics/worker-c running',
      'notifications/worker-a running',
      'notifications/worker-b running',
    ]);
  // Finished as asked: its letters gone too, and no mark left for a --no-reset start to finish it again over the
  // stream as it stands by then.
  expect(await pipeline.deadLetters.length()).toBe(0);
  expect(await stream.redis.exists(`${stream.streamKey}:resetting`)).toBe(0);
});

it('a removal hands over to a consumer that is not paused, and is refused while every other one is', async () => {
  const { pipeline } = test.server;
  const { stream } = pipeline;
  await pipeline.createGroup('paused-peers', '$');
  for (const name of ['leaving', 'resting', 'working']) await pipeline.addConsumer('paused-peers', name);
  const resting = pipeline.pool.get('paused-peers', 'resting');
  const working = pipeline.pool.get('paused-peers', 'working');
  await resting.pause();
  await working.pause();
  pipeline.pool.get('paused-peers', 'leaving').crashNext(3);
  await pipeline.produce(3);
  await expect.poll(async () => (await stream.pendingSummary('paused-peers')).count).toBe(3);
  // Both peers paused: the entries would wait on one of them, so nothing moves.
  await expect(pipeline.removeConsumer('paused-peers', 'leaving')).rejects.toThrow(
    /every other consumer of paused-peers on this server is paused \(resting, working\).*Resume one first/,
  );
  expect(pipeline.pool.get('paused-peers', 'leaving').status().state).toBe('running');
  working.resume();
  expect(await pipeline.removeConsumer('paused-peers', 'leaving')).toMatchObject({
    handedOverTo: 'working',
    moved: 3,
  });
  await expect.poll(async () => (await stream.pendingSummary('paused-peers')).count).toBe(0);
});

it('a pause of the peer asked while a removal is under way is applied after it: the handover lands before the pause', async () => {
  const { pipeline } = test.server;
  const { stream } = pipeline;
  await pipeline.createGroup('pause-during-removal', '$');
  for (const name of ['leaving', 'peer']) await pipeline.addConsumer('pause-during-removal', name);
  const peer = pipeline.pool.get('pause-during-removal', 'peer');
  await peer.pause();
  pipeline.pool.get('pause-during-removal', 'leaving').crashNext(3);
  await pipeline.produce(3);
  await expect.poll(async () => (await stream.pendingSummary('pause-during-removal')).count).toBe(3);
  peer.resume();

  // Asked together, as two operators might: the removal picks the peer while it runs, so the pause comes after.
  const finished: string[] = [];
  const removal = pipeline.removeConsumer('pause-during-removal', 'leaving').finally(() => {
    finished.push('removal');
  });
  const pause = pipeline.pauseConsumer('pause-during-removal', 'peer').finally(() => {
    finished.push('pause');
  });
  expect(await removal).toMatchObject({ handedOverTo: 'peer', moved: 3 });
  await pause;
  expect(finished).toEqual(['removal', 'pause']);
  expect(peer.status().paused).toBe(true);
  peer.resume();
  await expect.poll(async () => (await stream.pendingSummary('pause-during-removal')).count).toBe(0);
});

it('entries produced while a reset runs are either deleted with the old stream or counted in the new one', async () => {
  const { pipeline } = test.server;
  let done = false;
  const reset = pipeline.reset().finally(() => {
    done = true;
  });
  const produced: string[] = [];
  while (!done) produced.push(...(await pipeline.produce(5)));
  await reset;
  const entries = await pipeline.stream.replay('-', '+', 1_000_000);
  expect(produced.length).toBeGreaterThan(0);
  expect(pipeline.totals().produced).toBe(entries.length);
  for (const entry of entries) {
    expect(pipeline.history.of(entry.id).map((event) => event.kind)).toContain('produced');
  }
});

it('removing a consumer that holds nothing leaves its peers’ own pending entries where they were', async () => {
  const { pipeline } = test.server;
  const { stream } = pipeline;
  await pipeline.addConsumer('notifications', 'holds-nothing');
  await pipeline.pauseConsumer('notifications', 'holds-nothing');
  // Both peers drop their next two: whichever takes over finds entries of its own pending, for an XAUTOCLAIM.
  const peers = ['worker-a', 'worker-b'].map((name) => pipeline.pool.get('notifications', name));
  for (const peer of peers) peer.crashNext(2);
  while (peers.some((peer) => peer.status().crashQueued > 0)) await pipeline.produce(2);
  const dropped = async () =>
    (await stream.pendingDetail('notifications', { count: 100 })).map((row) => [row.id, row.deliveries]);
  await expect.poll(async () => (await dropped()).length).toBe(4);
  const before = await dropped();

  const removal = await pipeline.removeConsumer('notifications', 'holds-nothing');
  expect(removal).toMatchObject({ moved: 0, movedEntries: [] });
  // Given nothing, the peer did not go through its own pending list: what it dropped waits as it was, delivered once.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await dropped()).toEqual(before);
  expect(before.every(([, deliveries]) => deliveries === 1)).toBe(true);
});
