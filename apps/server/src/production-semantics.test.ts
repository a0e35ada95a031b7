import type { Snapshot } from '@streamscope/protocol';
import type { EventFields } from '@streamscope/streams';
import { commandCalls, isClientBlocked, untilClientBlocked } from '@streamscope/testkit';
import { describe, expect, it } from 'vitest';
import { SocketClient } from './testing/socket-client.js';
import { json, postJson, serverForSuite, startTestServer } from './testing/test-server.js';

const test = serverForSuite(['--max-deliveries', '3', '--reap-interval-ms', '100', '--alert-pending', '2']);

const post = (path: string, body: unknown = {}) => postJson(test, path, body);
const state = () => json<Snapshot>(test.server.app.request('/api/state'));
const claim = (id: string, consumer: string) =>
  post('/api/pending/claim', { group: 'notifications', id, consumer });

/** Entries worker-a drops (a crash), left pending with it: worker-b, paused meanwhile, takes none of them. */
async function droppedByWorkerA(count: number): Promise<{ firstId: string; lastId: string }> {
  await post('/api/consumer/crash', { group: 'notifications', name: 'worker-a', count });
  await post('/api/consumer/pause', { group: 'notifications', name: 'worker-b' });
  const produced = await json(post('/api/produce', { count }));
  await post('/api/consumer/resume', { group: 'notifications', name: 'worker-b' });
  return produced;
}

/** Until the entry has been idle the claim threshold (200 ms here), as the snapshot lists it. */
async function untilClaimable(id: string): Promise<void> {
  await expect
    .poll(async () => (await state()).pending.rows.find((row) => row.id === id)?.idleMs ?? -1)
    .toBeGreaterThanOrEqual(200);
}

describe('production semantics', () => {
  it('a poison pill reaches the DLQ after maxDeliveries while the rest flows (auto-reaper on)', async () => {
    expect(await json(post('/api/autoreap/set', { group: 'analytics', enabled: true }))).toEqual({
      group: 'analytics',
      enabled: true,
      intervalMs: 100,
    });
    const { ids } = await json(post('/api/poison/inject', { count: 1 }));
    await post('/api/produce', { count: 30 });
    await expect
      .poll(async () => (await state()).groups.find((g) => g.name === 'analytics')?.deadLettered, {
        timeout: 15_000,
      })
      .toBe(1);
    const snapshot = await state();
    expect(snapshot.dlq.length).toBe(1);
    expect(snapshot.dlq.newest[0]).toMatchObject({
      originalId: ids[0],
      group: 'analytics',
      deliveryCount: 3,
    });
    expect(snapshot.dlq.newest[0]?.reason).toMatch(/poison pill/);
    expect(snapshot.totals.deadLettered).toBe(1);
    // Lettered within the minute: alerted, though the snapshots before it may have seen the count at 1 already.
    expect(snapshot.alerts).toContainEqual({
      metric: 'deadLettered',
      subject: 'analytics',
      value: 1,
      threshold: 0,
    });
    const analytics = snapshot.groups.find((g) => g.name === 'analytics');
    expect(analytics).toMatchObject({ autoReap: true, pending: 0 });
    // notifications (no auto-reaper) still holds its copy of the pill, failed once
    const notifications = snapshot.groups.find((g) => g.name === 'notifications');
    expect(notifications?.pending).toBe(1);
    expect(notifications?.autoReap).toBe(false);
  });

  it('requeues and discards dead letters', async () => {
    const [letter] = (await state()).dlq.newest;
    const producedBefore = (await state()).totals.produced;
    const requeued = await json(post('/api/dlq/requeue', { id: letter?.id }));
    expect(requeued.requeuedAs).toMatch(/^\d+-\d+$/);
    // notifications holds its copy still pending: the one letter is analytics'.
    expect(requeued.merged).toBe(0);
    // Produced like any other entry: counted, and its timeline says where it came from.
    expect((await state()).totals.produced).toBe(producedBefore + 1);
    const history = await json(post('/api/entry/history', { id: requeued.requeuedAs }));
    // Workers may see the entry before the requeue's answer is back, so the produced step is not always first.
    expect(history.events.find((event: { kind: string }) => event.kind === 'produced')).toMatchObject({
      kind: 'produced',
      eventType: 'poison.pill',
      reason: `requeued from the dead letter of ${letter?.originalId}`,
    });
    // And the original's timeline says where it went.
    const original = await json(post('/api/entry/history', { id: letter?.originalId }));
    expect(original.events.at(-1)).toMatchObject({ kind: 'requeued', reason: `as ${requeued.requeuedAs}` });
    expect((await post('/api/dlq/discard', { id: letter?.id })).status).toBe(404);
    // Still poison: with the auto-reaper on it comes straight back to the DLQ.
    await expect
      .poll(async () => (await state()).dlq.newest.map((l) => l.originalId), { timeout: 15_000 })
      .toEqual([requeued.requeuedAs]);
    const [again] = (await state()).dlq.newest;
    expect(await json(post('/api/dlq/discard', { id: again?.id }))).toEqual({
      id: again?.id,
      discarded: true,
    });
    expect((await state()).dlq.length).toBe(0);
    // Discarding all the page showed, in one step: nothing left to go now, and a bad bound changes nothing.
    expect(await json(post('/api/dlq/purge', { through: again?.id }))).toEqual({
      through: again?.id,
      discarded: 0,
    });
    expect((await post('/api/dlq/purge', { through: 'newest' })).status).toBe(400);
    await post('/api/autoreap/set', { group: 'analytics', enabled: false });
    expect((await state()).groups.find((g) => g.name === 'analytics')?.pending).toBe(0);
  });

  it('entries trimmed while pending go to the DLQ as trimmed', async () => {
    await post('/api/consumer/crash', { group: 'analytics', name: 'worker-c', count: 2 });
    await post('/api/produce', { count: 2 });
    await expect
      .poll(async () => (await state()).groups.find((g) => g.name === 'analytics')?.pending)
      .toBe(2);
    const preview = await json(post('/api/trim/preview', { maxlen: 0 }));
    expect(preview.removes).toBeGreaterThan(2);
    expect(preview.groups.find((g: { group: string }) => g.group === 'analytics')).toMatchObject({
      pending: 2,
    });
    await post('/api/trim/maxlen', { maxlen: 0, approx: false });
    await new Promise((resolve) => setTimeout(resolve, 250));
    const claim = await json(post('/api/autoclaim', { group: 'analytics', consumer: 'worker-c' }));
    expect(claim.deleted).toBe(2);
    const letters = (await state()).dlq.newest.filter((l) => l.reason === 'trimmed');
    expect(letters).toHaveLength(2);
    // Written with the claim that found them trimmed, naming the consumer that had crashed on them.
    for (const letter of letters) expect(letter).toMatchObject({ consumer: 'worker-c', deliveryCount: 1 });
    // Nothing of them is left to put back: a requeue is refused (409, not a server fault), the letter kept.
    const refused = await post('/api/dlq/requeue', { id: letters[0]?.id });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'refused', message: /no original fields/ });
    expect((await state()).dlq.newest.filter((l) => l.reason === 'trimmed')).toHaveLength(2);
  });

  it('dead-letters one pending entry by hand once claimable, counted and in its timeline; refuses one not pending', async () => {
    // notifications has no auto-reaper here: a dropped entry stays pending with worker-a.
    const { firstId } = await droppedByWorkerA(1);
    await untilClaimable(firstId);
    const before = (await state()).groups.find((g) => g.name === 'notifications')?.deadLettered ?? 0;

    const parked = await json(post('/api/pending/deadletter', { group: 'notifications', id: firstId }));
    expect(parked).toMatchObject({
      group: 'notifications',
      id: firstId,
      consumer: 'worker-a',
      deliveryCount: 1,
      trimmed: false,
    });
    const snapshot = await state();
    expect(snapshot.pending.rows.some((row) => row.id === firstId && row.group === 'notifications')).toBe(
      false,
    );
    expect(snapshot.groups.find((g) => g.name === 'notifications')?.deadLettered).toBe(before + 1);
    expect(snapshot.dlq.newest.find((letter) => letter.id === parked.letterId)).toMatchObject({
      originalId: firstId,
      group: 'notifications',
      consumer: 'worker-a',
      reason: 'dead-lettered by hand',
    });
    const history = await json(post('/api/entry/history', { id: firstId }));
    expect(history.events.at(-1)).toMatchObject({ kind: 'dead-lettered', reason: 'dead-lettered by hand' });
    // Its letter, found in the dead-letter stream itself, beside where it stands: acked in its group.
    expect(history.letters).toEqual([
      {
        id: parked.letterId,
        group: 'notifications',
        consumer: 'worker-a',
        deliveryCount: 1,
        reason: 'dead-lettered by hand',
        ts: expect.any(Number),
      },
    ]);
    expect(history.lettersComplete).toBe(true);
    expect(history.places.find((place: { group: string }) => place.group === 'notifications')).toMatchObject({
      state: 'done',
    });

    // Parked already: not pending any more, and a group that never had it says so too.
    const again = await post('/api/pending/deadletter', { group: 'notifications', id: firstId });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ message: /is not pending in group notifications/ });
    const missing = await post('/api/pending/deadletter', { group: 'nope', id: firstId });
    expect(missing.status).toBe(404);
    const bad = await post('/api/pending/deadletter', { group: 'notifications', id: 'x' });
    expect(bad.status).toBe(400);
    await json(post('/api/dlq/discard', { id: parked.letterId }));
  });

  it('claims one pending entry by hand for a consumer here, which handles and acks it; says why it claims none', async () => {
    const { firstId, lastId } = await droppedByWorkerA(2);
    // Read just now: worker-a may have it in hand.
    const early = await claim(firstId, 'worker-b');
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({
      message: expect.stringMatching(
        /was read by worker-a .* under the claim threshold .* Claim it once it is claimable/,
      ),
    });
    await untilClaimable(firstId);

    const claimed = await json(claim(firstId, 'worker-b'));
    expect(claimed).toEqual({
      group: 'notifications',
      id: firstId,
      consumer: 'worker-b',
      from: 'worker-a',
      deliveryCount: 2,
      processed: true,
      deadLettered: false,
    });
    const rows = (await state()).pending.rows.filter(
      (row) => row.group === 'notifications' && [firstId, lastId].includes(row.id),
    );
    // Only that one: the other stays with worker-a.
    expect(rows.map((row) => [row.id, row.consumer])).toEqual([[lastId, 'worker-a']]);
    const history = await json(post('/api/entry/history', { id: firstId }));
    expect(
      history.events
        .filter((event: { group: string }) => event.group === 'notifications')
        .map((event: { kind: string; consumer: string }) => [event.kind, event.consumer]),
    ).toEqual(
      expect.arrayContaining([
        ['claimed', 'worker-b'],
        ['acked', 'worker-b'],
      ]),
    );
    // The timeline says from whom, which an XAUTOCLAIM cannot.
    expect(history.events.find((event: { kind: string }) => event.kind === 'claimed')).toMatchObject({
      reason: 'from worker-a',
    });

    const again = await claim(firstId, 'worker-b');
    expect(again.status).toBe(404);
    // Trimmed while pending: the claim would drop it unrecorded, so it stays, and To DLQ is named.
    const { stream } = test.server.pipeline;
    await stream.redis.call('XDEL', stream.streamKey, lastId);
    const trimmed = await claim(lastId, 'worker-b');
    expect(trimmed.status).toBe(409);
    expect(await trimmed.json()).toMatchObject({
      message: expect.stringMatching(/trimmed from the stream .*\(To DLQ\)/),
    });
    const own = await claim(lastId, 'worker-a');
    expect(own.status).toBe(409);
    expect(await own.json()).toMatchObject({
      message: expect.stringMatching(/pending with worker-a already/),
    });
    // Only for a consumer this server runs.
    const elsewhere = await claim(lastId, 'nobody');
    expect(elsewhere.status).toBe(404);
    await json(post('/api/pending/deadletter', { group: 'notifications', id: lastId }));
  });

  it('counts a redelivery of an already processed entry as a duplicate and acks it', async () => {
    await post('/api/consumer/crash', { group: 'analytics', name: 'worker-c', count: 1 });
    const { lastId } = await json(post('/api/produce', { count: 1 }));
    await expect
      .poll(async () => (await state()).groups.find((g) => g.name === 'analytics')?.pending)
      .toBe(1);
    // As if the handler had run and only the XACK was lost: the guard already holds the id.
    const key = `${test.server.pipeline.stream.streamKey}:processed:analytics`;
    await test.server.pipeline.stream.redis.call('ZADD', key, Date.now(), lastId);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const claim = await json(post('/api/autoclaim', { group: 'analytics', consumer: 'worker-c' }));
    expect(claim).toMatchObject({ claimed: 1, processed: 1 });
    const analytics = (await state()).groups.find((g) => g.name === 'analytics');
    expect(analytics).toMatchObject({ duplicates: 1, pending: 0 });
  });

  it('a requeued copy of an entry a group already processed counts there as a duplicate, not new work', async () => {
    const { pipeline } = test.server;
    const [id] = await pipeline.produce(1);
    const ackedBy = () =>
      pipeline.history
        .of(id ?? '')
        .filter((event) => event.kind === 'acked')
        .map((event) => event.group)
        .sort();
    await expect.poll(ackedBy).toEqual(['analytics', 'notifications']);
    const duplicates = async () => (await state()).groups.map((group) => [group.name, group.duplicates]);
    const before = Object.fromEntries(await duplicates());
    // As if one group's handler had failed on it: a letter holding its fields, requeued by hand.
    const [entry] = await pipeline.stream.replay(id, id, 1);
    const letter = await pipeline.deadLetters.send(id ?? '', {
      group: 'analytics',
      consumer: 'worker-c',
      deliveryCount: 3,
      reason: 'test',
      fields: entry?.fields ?? null,
      stillPending: false,
    });
    const { requeuedAs } = await json(post('/api/dlq/requeue', { id: letter }));
    await expect
      .poll(async () => Object.fromEntries(await duplicates()))
      .toEqual({ analytics: before.analytics + 1, notifications: before.notifications + 1 });
    const steps = await json(post('/api/entry/history', { id: requeuedAs }));
    expect(steps.events.filter((event: { kind: string }) => event.kind === 'duplicate')).toHaveLength(2);
  });

  it('raises alerts past thresholds and exposes Prometheus metrics', async () => {
    await post('/api/consumer/crash', { group: 'analytics', name: 'worker-c', count: 3 });
    await post('/api/produce', { count: 3 });
    await expect
      .poll(async () =>
        (await state()).alerts.find((a) => a.metric === 'pending' && a.subject === 'analytics'),
      )
      .toMatchObject({ value: 3, threshold: 2 });
    const response = await test.server.app.request('/metrics');
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/streamscope_group_pending\{group="analytics"\} 3/);
    expect(text).toMatch(/streamscope_dead_lettered_total\{group="analytics"\} 4/); // the pill twice, two trimmed
    expect(text).toMatch(/streamscope_duplicates_total\{group="analytics"\} 2/);
    expect(text).toMatch(/streamscope_xadd_to_ack_seconds_bucket\{le="0.1",group="analytics"\} \d+/);
    expect(text).toMatch(/streamscope_alert\{metric="pending",subject="analytics"\} 3/);
    // Every alert's threshold, the fixed ones too; every group's counters, at 0 until they count.
    expect(text).toMatch(/streamscope_alert_threshold\{metric="trimmedUnread"\} 0/);
    expect(text).toMatch(/streamscope_alert_threshold\{metric="cursorAhead"\} 0/);
    expect(text).toMatch(/streamscope_alert_threshold\{metric="deadLettered"\} 0/);
    expect(text).toMatch(/streamscope_alert_threshold\{metric="guardMarksLost"\} 0/);
    // The process's own: its memory and event-loop lag, to watch a long-running server for growth.
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(text).toMatch(/streamscope_claimed_total\{group="notifications"\} \d+/);
    expect(text).toMatch(/streamscope_failed_total\{group="notifications"\} \d+/);
  });

  it('exports no oldest-pending age for a group with nothing pending, where a 0 read as fresh', async () => {
    const own = await startTestServer(['--seed', 'notifications=worker-a;analytics=worker-c']);
    try {
      const { pipeline, app } = own.server;
      // analytics drops all three without an ack, as a crash would; notifications acks them.
      pipeline.pool.get('analytics', 'worker-c').crashNext(3);
      await pipeline.produce(3);
      const pendingOf = async () =>
        Object.fromEntries(
          (await json<Snapshot>(app.request('/api/state'))).groups.map((group) => [
            group.name,
            { pending: group.pending, oldestPendingMs: group.oldestPendingMs },
          ]),
        );
      await expect.poll(pendingOf, { timeout: 10_000 }).toEqual({
        analytics: { pending: 3, oldestPendingMs: expect.any(Number) },
        notifications: { pending: 0, oldestPendingMs: null },
      });
      const text = await (await app.request('/metrics')).text();
      expect(text).toMatch(/^streamscope_group_oldest_pending_seconds\{group="analytics"\} \d/m);
      expect(text).not.toMatch(/streamscope_group_oldest_pending_seconds\{group="notifications"\}/);
      // Its other figures stay, at 0: nothing pending is a count.
      expect(text).toMatch(/^streamscope_group_pending\{group="notifications"\} 0$/m);
    } finally {
      await own.stop();
    }
  });

  it('keeps a standing MINID-by-age policy', async () => {
    expect(await json(post('/api/retention/set', { maxAgeMs: 1_000 }))).toEqual({ maxAgeMs: 1_000 });
    expect((await state()).retention.maxAgeMs).toBe(1_000);
    await post('/api/produce', { count: 5 });
    await expect.poll(async () => (await state()).stream.length, { timeout: 10_000 }).toBe(0);
    await post('/api/retention/set', { maxAgeMs: null });
    const bad = await post('/api/retention/set', { maxAgeMs: 5 });
    expect(bad.status).toBe(400);
    const missing = await post('/api/retention/set', {});
    expect(missing.status).toBe(400);
    expect((await json<{ message: string }>(missing)).message).toMatch(
      /maxAgeMs must be a number of milliseconds, or null to stop/,
    );
  });

  it('streams the read-only tail over the WebSocket', async () => {
    const client = await SocketClient.connect(test.server.url);
    try {
      const hello = await client.next((message) => message.type === 'hello');
      expect(hello).toMatchObject({
        maxDeliveries: 3,
        deadLetterKey: `${test.server.pipeline.stream.streamKey}:dlq`,
      });
      const { firstId } = await json(post('/api/produce', { count: 3 }));
      const tail = await client.next(
        (m) => m.type === 'tail' && m.entries.some((entry) => entry.id === firstId),
      );
      expect(tail.type).toBe('tail');
    } finally {
      await client.close();
    }
  });

  it('reads the tail only while a page watches: no XREAD at all with no page open', async () => {
    const redis = test.server.pipeline.stream.redis;
    const xreads = () => commandCalls(redis, 'xread');
    const tailBlocked = () => isClientBlocked(redis, 'streamscope:tail');
    // A read sent while the last page was open ends within its BLOCK (1 s); after it, nothing is sent.
    await expect.poll(tailBlocked, { timeout: 10_000 }).toBe(false);
    const unwatched = await xreads();
    await post('/api/produce', { count: 5 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await xreads()).toBe(unwatched);

    const client = await SocketClient.connect(test.server.url);
    try {
      await expect.poll(tailBlocked, { timeout: 10_000 }).toBe(true);
      const { firstId } = await json(post('/api/produce', { count: 1 }));
      await client.next((m) => m.type === 'tail' && m.entries.some((entry) => entry.id === firstId));
      expect(await xreads()).toBeGreaterThan(unwatched);
    } finally {
      await client.close();
    }
    await expect.poll(tailBlocked, { timeout: 10_000 }).toBe(false);
  });

  it('counts entries trimmed before a group read them, with a badge and a gauge', async () => {
    // Redis counts trimmed entries in the lag only once the group has read something (entries-read known).
    await post('/api/produce', { count: 5 });
    const caughtUp = async () => (await state()).groups.every((group) => group.lag === 0);
    await expect.poll(caughtUp, { timeout: 10_000 }).toBe(true);
    await post('/api/consumer/pause', { group: 'analytics', name: 'worker-c' });
    await post('/api/produce', { count: 50 });
    // notifications reads all 50; analytics, paused, reads none of them.
    await expect
      .poll(async () => (await state()).groups.find((g) => g.name === 'notifications')?.lag)
      .toBe(0);
    expect(await json(post('/api/trim/maxlen', { maxlen: 10, approx: false }))).toMatchObject({ length: 10 });
    const snapshot = await state();
    const byName = new Map(snapshot.groups.map((group) => [group.name, group]));
    // Redis says 50; 10 are waiting and 40 are gone.
    expect(byName.get('analytics')).toMatchObject({ lag: 10, trimmedUnread: 40 });
    expect(byName.get('notifications')?.trimmedUnread).toBe(0);
    expect(snapshot.alerts).toContainEqual({
      metric: 'trimmedUnread',
      subject: 'analytics',
      value: 40,
      threshold: 0,
    });
    const text = await (await test.server.app.request('/metrics')).text();
    expect(text).toMatch(/streamscope_group_trimmed_unread\{group="analytics"\} 40/);
    // Its next read skips what is gone: resumed, it reads the 10 left and is caught up, while Redis 7.0 keeps
    // the 40 in its lag for good; so does the figure of what this group lost to trimming.
    await post('/api/consumer/resume', { group: 'analytics', name: 'worker-c' });
    const analytics = async () => (await state()).groups.find((group) => group.name === 'analytics');
    await expect.poll(analytics, { timeout: 10_000 }).toMatchObject({ lag: 0, trimmedUnread: 40 });
    // Between its cursor and the newest entry, the entries waiting are counted, not taken from Redis's lag.
    await post('/api/consumer/pause', { group: 'analytics', name: 'worker-c' });
    await post('/api/produce', { count: 5 });
    await expect.poll(analytics).toMatchObject({ lag: 5, trimmedUnread: 40 });
    await post('/api/consumer/resume', { group: 'analytics', name: 'worker-c' });
  });

  // Last: the copies it puts back are duplicates to both groups, which the counts above would see.
  it('requeues every dead letter through the newest seen, over the WebSocket and the JSON API; those with nothing to put back stay', async () => {
    const { pipeline } = test.server;
    const newestNow = (await state()).dlq.newest[0];
    if (newestNow) await post('/api/dlq/purge', { through: newestNow.id });
    const ids = await pipeline.produce(3);
    const [first, second, third] = await pipeline.stream.replay(ids[0], ids[2], 3);
    const entries = [first, second].flatMap((entry) => (entry ? [entry] : []));
    const letter = (id: string, fields: EventFields | null) =>
      pipeline.deadLetters.send(id, {
        group: 'analytics',
        consumer: 'worker-c',
        deliveryCount: 3,
        reason: 'test',
        fields,
        stillPending: false,
      });
    for (const entry of entries) await letter(entry.id, entry.fields);
    const trimmed = await letter('1-0', null);
    const through = (await state()).dlq.newest[0]?.id ?? '';
    expect(through).toBe(trimmed);
    // Written after the page showed its newest: not the user's to requeue yet. (Of another entry: one of an entry
    // the requeue puts back goes with it, wherever it lies.)
    const later = await letter(ids[2] ?? '', third?.fields ?? null);
    const producedBefore = (await state()).totals.produced;

    const client = await SocketClient.connect(test.server.url);
    try {
      await client.next((message) => message.type === 'snapshot');
      const reply = await client.request({ type: 'dlq.requeue-all', through });
      expect(reply).toMatchObject({
        type: 'result',
        command: 'dlq.requeue-all',
        result: {
          through,
          requeued: 2,
          skipped: 1,
          skippedLetters: [{ id: trimmed, originalId: '1-0', reason: 'trimmed' }],
          more: false,
        },
      });
      // A snapshot follows at once, without the letters put back (an earlier one may still be on its way).
      await client.next(
        (message) =>
          message.type === 'snapshot' &&
          message.dlq.newest.map((l) => l.id).join() === [later, trimmed].join(),
      );
    } finally {
      await client.close();
    }
    // Produced like a single requeue: counted, and the timelines say where each went.
    expect((await state()).totals.produced).toBe(producedBefore + 2);
    const original = await json(post('/api/entry/history', { id: ids[1] }));
    expect(original.events.at(-1)).toMatchObject({ kind: 'requeued', reason: expect.stringMatching(/^as /) });

    expect(await json(post('/api/dlq/requeue-all', { through: later }))).toEqual({
      through: later,
      requeued: 1,
      merged: 0,
      skipped: 1,
      skippedBy: { trimmed: 1, wide: 0 },
      skippedLetters: [{ id: trimmed, originalId: '1-0', reason: 'trimmed' }],
      more: false,
      stoppedForRoom: null,
    });
    expect((await state()).dlq.newest.map((l) => l.id)).toEqual([trimmed]);
    const refused = await post('/api/dlq/requeue-all', { through: 'newest' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'bad_request', message: /through/ });
    expect((await post('/api/dlq/requeue-all', { through, limit: 5 })).status).toBe(400);
    await post('/api/dlq/purge', { through: trimmed });
  });

  it('pushes the newest of a burst to the tail, and counts every entry it passed over', async () => {
    // A server of its own: nothing else appends while the burst is counted.
    const own = await startTestServer([]);
    const client = await SocketClient.connect(own.server.url);
    try {
      await untilClientBlocked(own.server.pipeline.stream.redis, 'streamscope:tail');
      const { lastId } = await json(postJson(own, '/api/produce', { count: 3_000 }));
      const accounted = () =>
        client.messages
          .filter((message) => message.type === 'tail')
          .reduce((sum, message) => sum + message.entries.length + message.omitted, 0);
      await expect.poll(accounted, { timeout: 10_000 }).toBe(3_000);
      const sent = client.messages.flatMap((message) => (message.type === 'tail' ? message.entries : []));
      expect(sent.at(-1)?.id).toBe(lastId);
      // The newest, not the whole burst: the tail read a few pages of it, not 3,000 entries.
      expect(sent.length).toBeLessThan(1_000);

      // After a reset the stream's count of entries added starts again from 0: the tail's count with it.
      await json(postJson(own, '/api/reset', {}));
      const resetAt = client.messages.length;
      await json(postJson(own, '/api/produce', { count: 3_000 }));
      const accountedSinceReset = () =>
        client.messages
          .slice(resetAt)
          .filter((message) => message.type === 'tail')
          .reduce((sum, message) => sum + message.entries.length + message.omitted, 0);
      await expect.poll(accountedSinceReset, { timeout: 10_000 }).toBe(3_000);
    } finally {
      await client.close();
      await own.stop();
    }
  });
});

describe('requeue into a stream with little room', () => {
  it('requeue-all puts back only what fits beside what a paused group has not read, says why it stopped, and the rest once the group reads again', async () => {
    const small = await startTestServer(['--maxlen', '50'], { requeueRoomWaitMs: 300 });
    const client = await SocketClient.connect(small.server.url);
    try {
      const { pipeline } = small.server;
      await postJson(small, '/api/consumer/pause', { group: 'analytics', name: 'worker-c' });
      const originals = await pipeline.produce(30);
      const letters = pipeline.stream.redis.pipeline();
      for (let n = 1; n <= 100; n++) {
        const payload = ['type', 'order.paid', 'ts_ms', '1', 'order_id', `o-${n}`];
        letters.xadd(
          pipeline.deadLetters.key,
          '*',
          'dlq_original_id',
          `${n}-0`,
          'dlq_reason',
          'x',
          ...payload,
        );
      }
      const through = String((await letters.exec())?.at(-1)?.[1]);

      await client.next((message) => message.type === 'snapshot');
      const reply = await client.request({ type: 'dlq.requeue-all', through });
      expect(reply).toMatchObject({
        type: 'result',
        result: {
          requeued: 20,
          skipped: 0,
          more: false,
          stoppedForRoom: { maxlen: 50, group: 'analytics', left: 80 },
        },
      });
      // Nothing analytics has not read was trimmed: its 30 and the 20 copies are all there for it.
      const kept = await pipeline.stream.replay('-', '+', 100);
      expect(kept.map((entry) => entry.id).slice(0, 30)).toEqual(originals);
      expect(kept).toHaveLength(50);
      expect(await pipeline.deadLetters.length()).toBe(80);
      // One letter alone is refused too, saying why; it stays.
      const [oldest] = await pipeline.stream.redis.xrange(pipeline.deadLetters.key, '-', '+', 'COUNT', 1);
      const single = await postJson(small, '/api/dlq/requeue', { id: oldest?.[0] });
      expect(single.status).toBe(409);
      expect(await single.json()).toMatchObject({
        code: 'refused',
        message: expect.stringMatching(/has no room until group analytics catches up/),
      });

      await postJson(small, '/api/consumer/resume', { group: 'analytics', name: 'worker-c' });
      expect(await json(postJson(small, '/api/dlq/requeue-all', { through }))).toMatchObject({
        requeued: 80,
        stoppedForRoom: null,
      });
      expect(await pipeline.deadLetters.length()).toBe(0);
      // Every copy reached both groups: none was trimmed before they read it.
      await expect
        .poll(async () => (await json<Snapshot>(small.server.app.request('/api/state'))).groups, {
          timeout: 10_000,
        })
        .toEqual(
          expect.arrayContaining([
            expect.objectContaining({ name: 'analytics', lag: 0, trimmedUnread: 0 }),
            expect.objectContaining({ name: 'notifications', lag: 0, trimmedUnread: 0 }),
          ]),
        );
    } finally {
      await client.close();
      await small.stop();
    }
  });
});
