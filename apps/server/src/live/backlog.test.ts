import { EventStream } from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis } from '@streamscope/testkit';
import { expect, it, vi } from 'vitest';
import { BacklogGauge } from './backlog.js';

const redisSuite = usePrivateRedis();

/** Uncapped, so only the tests' own trims remove entries. */
const uncappedStream = () =>
  new EventStream({
    connection: redisSuite.server.url,
    streamKey: uniqueStreamKey('backlog'),
    maxlenApprox: null,
  });

const measure = async (gauge: BacklogGauge, stream: EventStream) => {
  const [group] = await stream.infoGroups();
  if (!group) throw new Error('no group');
  return gauge.measure(stream, group, await stream.infoStream());
};

/**
 * A group `g` that read 2 of 10 entries, then lost the other 8 and the first 5 of 10 more to a trim (13 unread);
 * the IDs of those 10 more.
 */
async function groupThatLostThirteen(stream: EventStream): Promise<string[]> {
  await stream.ensureGroup('g', '0-0');
  await stream.produceBatch(Array.from({ length: 10 }, () => ({ type: 'a' })));
  await stream.consume('g', 'c', 2, null);
  const ids = await stream.produceBatch(Array.from({ length: 10 }, () => ({ type: 'b' })));
  await stream.trimMinid(ids[5] as string, { approx: false }); // the group never read 8 + 5 of them
  return ids;
}

it('what a group lost to trimming is forgotten when its stream is made again from scratch', async () => {
  const stream = uncappedStream();
  const gauge = new BacklogGauge();
  await groupThatLostThirteen(stream);
  await stream.consume('g', 'c', 100, null);
  expect((await measure(gauge, stream)).trimmedUnread).toBe(13);

  // Deleted and made again (a reset elsewhere, or Redis restarted without its data): a new count.
  await stream.deleteStream();
  await stream.ensureGroup('g', '0-0');
  // Far from both ends, where the gauge relies on what it measured before rather than counting.
  await stream.produceBatch(Array.from({ length: 300 }, () => ({ type: 'c' })));
  await stream.consume('g', 'c', 150, null);
  expect(await measure(gauge, stream)).toEqual({ lag: 150, trimmedUnread: 0 });
  await stream.deleteStream();
  await stream.close();
});

it('a group that never read still learns what it lost to a trim, and keeps knowing it once it reads', async () => {
  const stream = uncappedStream();
  const gauge = new BacklogGauge();
  await stream.ensureGroup('g', '0-0');
  const ids = await stream.produceBatch(Array.from({ length: 1_000 }, () => ({ type: 'a' })));
  expect(await measure(gauge, stream)).toMatchObject({ lag: 1_000 });
  // Everything goes before the group read any of it.
  await stream.trimMinid(`${ids.at(-1)?.split('-')[0]}-${Number(ids.at(-1)?.split('-')[1]) + 1}`, {
    approx: false,
  });
  expect(await measure(gauge, stream)).toEqual({ lag: 0, trimmedUnread: 1_000 });
  // Reading on, Redis folds the loss into the group's entries read; the gauge remembers it.
  await stream.produceBatch(Array.from({ length: 10 }, () => ({ type: 'b' })));
  await stream.consume('g', 'c', 100, null);
  expect(await measure(gauge, stream)).toEqual({ lag: 0, trimmedUnread: 1_000 });
  await stream.deleteStream();
  await stream.close();
});

it('entries appended while a snapshot is built are not counted as trimmed unread', async () => {
  const stream = uncappedStream();
  const gauge = new BacklogGauge();
  await stream.ensureGroup('g', '0-0');
  const ids = await stream.produceBatch(Array.from({ length: 50 }, () => ({ type: 'a' })));
  await stream.consume('g', 'c', 20, null); // the cursor stands at the 20th entry from now on
  // Only entries the group had read are trimmed: the stream has lost entries, the group none.
  await stream.trimMinid(ids[19] as string, { approx: false });
  const look = async (appendedMeanwhile: number) => {
    const [group] = await stream.infoGroups();
    const info = await stream.infoStream();
    // A producer appends between the snapshot's XINFO and the gauge's count, more on some looks than others.
    await stream.produceBatch(Array.from({ length: appendedMeanwhile }, () => ({ type: 'b' })));
    if (!group) throw new Error('no group');
    return gauge.measure(stream, group, info);
  };
  for (let i = 0; i < 5; i++) {
    await look(3);
    expect((await look(0)).trimmedUnread).toBe(0);
  }
  expect(await look(0)).toEqual({ lag: 45, trimmedUnread: 0 });
  await stream.deleteStream();
  await stream.close();
});

it('a group Redis gives no lag for (placed mid-stream by another client) has it counted near either end', async () => {
  const stream = uncappedStream();
  const gauge = new BacklogGauge();
  const ids = await stream.produceBatch(Array.from({ length: 500 }, () => ({ type: 'a' })));
  // A plain XGROUP CREATE, as another application makes one: Redis 7.0 knows no entries-read for it.
  await stream.redis.xgroup('CREATE', stream.streamKey, 'g', ids[449] as string);
  expect((await stream.infoGroups())[0]?.lag).toBeNull();
  expect((await measure(gauge, stream)).lag).toBe(50);
  await stream.redis.xgroup('SETID', stream.streamKey, 'g', ids[49] as string);
  expect((await measure(gauge, stream)).lag).toBe(450);
  // Far from both ends: unknown while its cursor moves (it may be read), counted (up to 10,000) once it stood still...
  await stream.redis.xgroup('SETID', stream.streamKey, 'g', ids[249] as string);
  expect((await measure(gauge, stream)).lag).toBeNull();
  expect((await measure(gauge, stream)).lag).toBe(250);
  // ...then, while no one reads it, its backlog grows by what is added, and a trim of the oldest entries (all
  // before its cursor) takes nothing from it: a group no consumer reads keeps its lag, and its lag alert.
  await stream.produceBatch(Array.from({ length: 300 }, () => ({ type: 'a' })));
  await stream.trimMinid(ids[100] as string, { approx: false });
  expect(await measure(gauge, stream)).toEqual({ lag: 550, trimmedUnread: null });
  await stream.deleteStream();
  await stream.close();
});

it('a group made with a lag, then moved by SETID far from both ends, is counted once its cursor stands still', async () => {
  const stream = uncappedStream();
  const gauge = new BacklogGauge();
  await stream.ensureGroup('g', '0-0');
  await stream.produceBatch(Array.from({ length: 600 }, () => ({ type: 'a' })));
  expect((await measure(gauge, stream)).lag).toBe(600);
  // Moved to the end and 300 added before the next look: Redis gives no lag, and the excess measured before is no
  // stand-in for one.
  await stream.redis.xgroup('SETID', stream.streamKey, 'g', '$');
  await stream.produceBatch(Array.from({ length: 300 }, () => ({ type: 'a' })));
  expect((await stream.infoGroups())[0]?.lag).toBeNull();
  expect((await measure(gauge, stream)).lag).toBeNull();
  expect((await measure(gauge, stream)).lag).toBe(300);
  await stream.produceBatch(Array.from({ length: 50 }, () => ({ type: 'a' })));
  expect((await measure(gauge, stream)).lag).toBe(350);
  await stream.deleteStream();
  await stream.close();
});

it('a group Redis gives no lag for, far from both ends, is not counted while its cursor moves', async () => {
  const stream = uncappedStream();
  const gauge = new BacklogGauge();
  const ids = await stream.produceBatch(Array.from({ length: 1_000 }, () => ({ type: 'a' })));
  await stream.redis.xgroup('CREATE', stream.streamKey, 'g', ids[299] as string);
  const counts = vi.spyOn(stream, 'countEntries');
  for (const at of [399, 499, 599]) {
    await stream.redis.xgroup('SETID', stream.streamKey, 'g', ids[at] as string);
    expect((await measure(gauge, stream)).lag).toBeNull();
  }
  // Two counts of at most 100 a look, on either side of the cursor; never the one of up to 10,000.
  expect(counts.mock.calls.every(([, , limit]) => limit === 101)).toBe(true);
  await stream.deleteStream();
  await stream.close();
});

it('a group Redis gives no lag for, further than 10,000 entries from both ends, has it unknown', async () => {
  const stream = uncappedStream();
  const ids: string[] = [];
  for (let batch = 0; batch < 21; batch++) {
    ids.push(...(await stream.produceBatch(Array.from({ length: 1_000 }, () => ({ type: 'a' })))));
  }
  await stream.redis.xgroup('CREATE', stream.streamKey, 'g', ids[10_499] as string);
  const gauge = new BacklogGauge();
  expect((await measure(gauge, stream)).lag).toBeNull();
  expect((await measure(gauge, stream)).lag).toBeNull();
  await stream.deleteStream();
  await stream.close();
});

it('a process started on a group that already lost entries to trimming counts its backlog, not Redis’s inflated lag', async () => {
  const stream = uncappedStream();
  await stream.ensureGroup('g', '0-0');
  const ids = await stream.produceBatch(Array.from({ length: 1_000 }, () => ({ type: 'a' })));
  await stream.consume('g', 'c', 10, null);
  await stream.trimMinid(ids[500] as string, { approx: false }); // 490 lost unread
  await stream.consume('g', 'c', 200, null); // the cursor now sits inside the stream, far from both ends
  expect((await stream.infoGroups())[0]?.lag).toBe(790);
  // A new gauge, as after a restart with --no-reset: it has measured nothing of this group yet.
  expect(await measure(new BacklogGauge(), stream)).toEqual({ lag: 300, trimmedUnread: 490 });
  await stream.deleteStream();
  await stream.close();
});

it('what a group lost to trimming stays counted while Redis gives no lag for it: an XDEL past its cursor, a SETID', async () => {
  const stream = uncappedStream();
  const gauge = new BacklogGauge();
  const ids = await groupThatLostThirteen(stream);
  await stream.consume('g', 'c', 1, null);
  expect((await measure(gauge, stream)).trimmedUnread).toBe(13);

  // An entry deleted past the cursor leaves Redis without a lag for the group: the loss is still the group's.
  await stream.redis.xdel(stream.streamKey, ids.at(-1) as string);
  expect((await measure(gauge, stream)).trimmedUnread).toBe(13);
  await stream.redis.xgroup('SETID', stream.streamKey, 'g', '$');
  expect((await measure(gauge, stream)).trimmedUnread).toBe(13);
  await stream.deleteStream();
  await stream.close();
});

it('a look whose stream summary is older than its XINFO GROUPS overstates the loss once; the next puts it right', async () => {
  const stream = uncappedStream();
  const gauge = new BacklogGauge();
  await stream.ensureGroup('g', '0-0');
  await stream.produceBatch(Array.from({ length: 10 }, () => ({ type: 'a' })));
  await stream.consume('g', 'c', 100, null);
  expect((await measure(gauge, stream)).trimmedUnread).toBe(0);
  // Appended between the snapshot's two reads: Redis's lag counts them, the summary's last ID does not.
  const summary = await stream.infoStream();
  await stream.produceBatch(Array.from({ length: 5 }, () => ({ type: 'b' })));
  const [group] = await stream.infoGroups();
  if (!group) throw new Error('no group');
  await gauge.measure(stream, group, summary);
  await stream.consume('g', 'c', 100, null);
  expect((await measure(gauge, stream)).trimmedUnread).toBe(0);
  await stream.deleteStream();
  await stream.close();
});
