import { EventStream } from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis } from '@streamscope/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { CommandError } from './command-error.js';
import { previewTrim } from './trim-preview.js';

const redisSuite = usePrivateRedis();

/** A stream of the test's own, with no MAXLEN on its appends, deleted after it. */
const uncappedStream = (label: string): EventStream => {
  const stream = new EventStream({
    connection: redisSuite.redis,
    streamKey: uniqueStreamKey(label),
    maxlenApprox: null,
  });
  redisSuite.afterThisTest(() => stream.deleteStream());
  return stream;
};

describe('previewTrim on a stream longer than its pages', () => {
  const streamKey = uniqueStreamKey('preview');
  let stream: EventStream;
  let ids: string[];

  // 3,500 entries, uncapped. Group g has read the first 1,200 and acked the first 100 (100..1,199 pending,
  // more than one page); group h has read nothing.
  beforeAll(async () => {
    stream = new EventStream({ connection: redisSuite.redis, streamKey, maxlenApprox: null });
    await stream.ensureGroup('g', '0-0');
    await stream.ensureGroup('h', '0-0');
    ids = await stream.produceBatch(Array.from({ length: 3_500 }, (_, n) => ({ type: 't', payload: { n } })));
    const read = await stream.consume('g', 'c', 1_200, null);
    await stream.ack(
      'g',
      read.slice(0, 100).map((entry) => entry.id),
    );
  });

  const groupsOf = (preview: Awaited<ReturnType<typeof previewTrim>>) =>
    Object.fromEntries(preview.groups.map(({ group, pending, unread }) => [group, { pending, unread }]));

  it('a MAXLEN keeping few entries walks in from the newest', async () => {
    const preview = await previewTrim(stream, { maxlen: 1_000 });
    expect(preview).toMatchObject({ cutoffId: ids[2_500], removes: 2_500, countCap: 100_000 });
    expect(groupsOf(preview)).toEqual({
      g: { pending: 1_100, unread: 1_300 },
      h: { pending: 0, unread: 2_500 },
    });
  });

  it('a MAXLEN removing few entries walks in from the oldest', async () => {
    const preview = await previewTrim(stream, { maxlen: 3_000 });
    expect(preview).toMatchObject({ cutoffId: ids[500], removes: 500 });
    expect(groupsOf(preview)).toEqual({ g: { pending: 400, unread: 0 }, h: { pending: 0, unread: 500 } });
  });

  it('a MINID counts what lies below it, page by page', async () => {
    const preview = await previewTrim(stream, { minId: ids[1_100] as string });
    expect(preview).toMatchObject({ cutoffId: ids[1_100], removes: 1_100 });
    expect(groupsOf(preview)).toEqual({ g: { pending: 1_000, unread: 0 }, h: { pending: 0, unread: 1_100 } });
  });

  it('a MAXLEN at or past the length, or of 0, is answered without a walk', async () => {
    expect((await previewTrim(stream, { maxlen: 3_500 })).removes).toBe(0);
    const [newest] = await stream.tail(1);
    const everything = await previewTrim(stream, { maxlen: 0 });
    expect(everything.removes).toBe(3_500);
    expect(everything.cutoffId).toBe(`${newest?.id.split('-')[0]}-${Number(newest?.id.split('-')[1]) + 1}`);
  });

  it('counts stop at the cap, which the answer names', async () => {
    const preview = await previewTrim(stream, { minId: ids[3_000] as string }, 1_000);
    expect(preview).toMatchObject({ removes: 1_000, countCap: 1_000 });
    expect(groupsOf(preview)).toEqual({
      g: { pending: 1_000, unread: 1_000 },
      h: { pending: 0, unread: 1_000 },
    });
  });

  it('a MAXLEN whose cutoff lies past the cap from both ends is refused, saying why', async () => {
    const refusal = previewTrim(stream, { maxlen: 1_750 }, 1_000);
    await expect(refusal).rejects.toBeInstanceOf(CommandError);
    await expect(refusal).rejects.toThrow(
      'cannot preview this MAXLEN: the first entry it keeps lies 1,749 entries from the nearer end of the stream, and a preview reads at most 1,000',
    );
  });

  it('a MAXLEN keeping half the stream walks from the newest, where the cutoff is one entry nearer', async () => {
    // 1,750 entries lie before the cutoff and 1,749 after it: the walk from the newest fits a cap of 1,750.
    const preview = await previewTrim(stream, { maxlen: 1_750 }, 1_750);
    expect(preview).toMatchObject({ cutoffId: ids[1_750], removes: 1_750 });
  });

  it('what it counts is what an exact trim then removes', async () => {
    const preview = await previewTrim(stream, { maxlen: 2_222 });
    expect(await stream.trimMaxlen(2_222, { approx: false })).toBe(preview.removes);
    const [oldest] = await stream.replay('-', '+', 1);
    expect(oldest?.id).toBe(preview.cutoffId);
  });
});

describe('previewTrim after an earlier trim took pending entries', () => {
  it('counts as pending only what is still in the stream: what an earlier trim took, this one cannot', async () => {
    const stream = uncappedStream('preview-trimmed');
    await stream.ensureGroup('g', '0-0');
    const ids = await stream.produceBatch(Array.from({ length: 10 }, () => ({ type: 't', payload: {} })));
    // g holds the first three, unacked; an exact MINID then takes them from the stream, not from its PEL.
    await stream.consume('g', 'c', 3, null);
    await stream.trimMinid(ids[3] as string, { approx: false });
    expect(await stream.pendingSummary('g')).toMatchObject({ count: 3 });
    expect(await previewTrim(stream, { maxlen: 6 })).toMatchObject({
      removes: 1,
      groups: [{ group: 'g', pending: 0, unread: 1 }],
    });
    expect((await previewTrim(stream, { maxlen: 0 })).groups).toEqual([
      { group: 'g', pending: 0, unread: 7 },
    ]);
  });
});

describe('previewTrim while a group is deleted', () => {
  it('leaves out a group deleted between XINFO GROUPS and its counts (a reset), instead of failing', async () => {
    const stream = uncappedStream('preview-gone');
    await stream.ensureGroup('stays', '0-0');
    await stream.ensureGroup('goes', '0-0');
    await stream.produceBatch(Array.from({ length: 10 }, () => ({ type: 't', payload: {} })));
    const infoGroups = stream.infoGroups.bind(stream);
    stream.infoGroups = async () => {
      const groups = await infoGroups();
      await stream.deleteGroup('goes');
      return groups;
    };
    const preview = await previewTrim(stream, { maxlen: 4 });
    expect(preview.groups).toEqual([{ group: 'stays', pending: 0, unread: 6 }]);
  });
});

describe('previewTrim of everything when the newest ID has the largest sequence', () => {
  it('counts every entry, where the ID past the newest would not fit in a stream ID', async () => {
    const stream = uncappedStream('preview-top');
    await stream.ensureGroup('g', '0-0');
    // IDs another client gave (XADD with an explicit ID): the last one has no successor in its millisecond.
    for (const id of ['5-1', '5-18446744073709551615'])
      await redisSuite.redis.xadd(stream.streamKey, id, 'type', 't');
    expect(await previewTrim(stream, { maxlen: 0 })).toMatchObject({
      cutoffId: '6-0',
      removes: 2,
      groups: [{ group: 'g', pending: 0, unread: 2 }],
    });
    await redisSuite.redis.xadd(stream.streamKey, '18446744073709551615-18446744073709551615', 'type', 't');
    expect(await previewTrim(stream, { maxlen: 0 })).toMatchObject({
      removes: 3,
      groups: [{ group: 'g', pending: 0, unread: 3 }],
    });
  });
});
