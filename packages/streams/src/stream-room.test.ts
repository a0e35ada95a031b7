import { EventStream } from '@streamscope/streams';
import { uniqueStreamKey, usePrivateRedis } from '@streamscope/testkit';
import { describe, expect, it } from 'vitest';

const redisSuite = usePrivateRedis();

function newStream(maxlenApprox: number | null): EventStream {
  const stream = new EventStream({
    connection: redisSuite.redis,
    streamKey: uniqueStreamKey('room'),
    maxlenApprox,
  });
  redisSuite.afterThisTest(() => stream.deleteStream());
  return stream;
}

const events = (count: number) => Array.from({ length: count }, (_, n) => ({ type: 'x', payload: { n } }));

describe('EventStream.room', () => {
  it('is null when nothing limits appends: an uncapped stream, or one without groups', async () => {
    const uncapped = newStream(null);
    await uncapped.ensureGroup('g', '0-0');
    await uncapped.produceBatch(events(10));
    expect(await uncapped.room()).toBeNull();
    const ungrouped = newStream(50);
    expect(await ungrouped.room()).toBeNull();
    await ungrouped.produceBatch(events(10));
    expect(await ungrouped.room()).toBeNull();
  });

  it('is MAXLEN less the entries the group furthest behind has not read, or holds pending', async () => {
    const stream = newStream(50);
    await stream.ensureGroup('reading', '0-0');
    await stream.ensureGroup('behind', '0-0');
    expect(await stream.room()).toMatchObject({ maxlen: 50, room: 50, needed: 0 });
    await stream.produceBatch(events(30));
    await stream.ack(
      'reading',
      (await stream.consume('reading', 'r', 30, 10)).map((entry) => entry.id),
    );
    expect(await stream.room()).toEqual({ maxlen: 50, room: 20, group: 'behind', needed: 30 });
    // Delivered and not acked still needs keeping: a consumer that fails it gets it again from the stream.
    const held = await stream.consume('behind', 'b', 10, 10);
    expect(await stream.room()).toMatchObject({ room: 20, needed: 30 });
    await stream.ack(
      'behind',
      held.slice(0, 4).map((entry) => entry.id),
    );
    expect(await stream.room()).toMatchObject({ room: 24, group: 'behind', needed: 26 });
    await stream.ack(
      'behind',
      held.map((entry) => entry.id),
    );
    await stream.ack(
      'behind',
      (await stream.consume('behind', 'b', 30, 10)).map((entry) => entry.id),
    );
    expect(await stream.room()).toMatchObject({ room: 50, needed: 0 });
    await stream.produceBatch(events(70));
    expect(await stream.room()).toMatchObject({ room: 0, needed: 50 });
    await expect(stream.room(0)).rejects.toThrow(/wanted must be an integer >= 1/);
  });

  it('leaves out pending entries already trimmed: they need nothing kept', async () => {
    const stream = newStream(50);
    await stream.ensureGroup('g', '0-0');
    await stream.produceBatch(events(20));
    await stream.consume('g', 'crashed', 20, 10);
    await stream.trimMaxlen(5, { approx: false });
    expect(await stream.room()).toMatchObject({ room: 45, group: 'g', needed: 5 });
  });

  it("counts what a group has not read when Redis's lag, inflated by entries trimmed unread, leaves too little", async () => {
    const stream = newStream(100);
    await stream.ensureGroup('g', '0-0');
    const readAll = async () =>
      stream.ack(
        'g',
        (await stream.consume('g', 'c', 1_000, 10)).map((entry) => entry.id),
      );
    await stream.produceBatch(events(10));
    await readAll();
    // Trimmed past the group's cursor before it read them, then read up to the newest.
    await stream.produceBatch(events(400));
    await readAll();
    const [group] = await stream.infoGroups();
    // Redis still counts the entries trimmed before the group read them: nothing is unread.
    expect(group?.lag).toBeGreaterThan(100);
    expect(await stream.room(10)).toEqual({ maxlen: 100, room: 100, group: 'g', needed: 0 });
  });

  it('with wanted, counts nothing when the bounds show that many fit, and answers a room of at least that', async () => {
    const stream = newStream(1_000);
    await stream.ensureGroup('g', '0-0');
    await stream.produceBatch(events(300));
    const room = await stream.room(100);
    expect(room?.room).toBeGreaterThanOrEqual(100);
    expect(room).toMatchObject({ room: 700, needed: 300 });
  });
});
