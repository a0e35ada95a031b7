import { describe, expect, it } from 'vitest';
import { postJson, serverForSuite } from './testing/test-server.js';

const test = serverForSuite(['--seed', 'none']);

/** Two letters of one entry, as two groups that each dead-lettered a poison pill write them. */
async function twoLettersOf(originalId: string): Promise<[string, string]> {
  const { deadLetters } = test.server.pipeline;
  const { redis } = test.server.pipeline.stream;
  const letter = (group: string) =>
    redis.xadd(
      deadLetters.key,
      '*',
      'dlq_original_id',
      originalId,
      'dlq_group',
      group,
      'dlq_consumer',
      'c',
      'dlq_delivery_count',
      '5',
      'dlq_reason',
      'max_deliveries',
      'dlq_ts_ms',
      '0',
      'type',
      'poison.pill',
      'ts_ms',
      '0',
      'order_id',
      'o-1',
    ) as Promise<string>;
  return [await letter('notifications'), await letter('analytics')];
}

describe('dead letters requeued at once', () => {
  it('two letters of one entry requeued at the same moment put it back once: one merges the other', async () => {
    const { stream } = test.server.pipeline;
    const { redis } = stream;
    for (const round of [1, 2, 3]) {
      const originalId = `${round}-1`;
      const [first, second] = await twoLettersOf(originalId);
      const answers = await Promise.all(
        [first, second].map((id) => postJson(test, '/api/dlq/requeue', { id })),
      );
      const copies = (await redis.xrange(stream.streamKey, '-', '+')).filter(([, fields]) =>
        fields.some(
          (value, at) => at % 2 === 1 && fields[at - 1] === 'requeued_from' && value === originalId,
        ),
      );
      expect(copies).toHaveLength(1);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 404]);
      const requeued = answers.find((answer) => answer.status === 200);
      expect(await requeued?.json()).toMatchObject({ merged: 1 });
    }
  });

  it('a requeue-all beside single requeues of the same entries’ other letters puts each back once', async () => {
    const { stream } = test.server.pipeline;
    const { redis } = stream;
    const originals = ['11-1', '12-1', '13-1'];
    const letters = await Promise.all(originals.map((originalId) => twoLettersOf(originalId)));
    const newest = letters.at(-1)?.[1];
    await Promise.all([
      postJson(test, '/api/dlq/requeue-all', { through: newest }),
      ...letters.map(([, second]) => postJson(test, '/api/dlq/requeue', { id: second })),
    ]);
    const entries = await redis.xrange(stream.streamKey, '-', '+');
    for (const originalId of originals) {
      const copies = entries.filter(([, fields]) =>
        fields.some(
          (value, at) => at % 2 === 1 && fields[at - 1] === 'requeued_from' && value === originalId,
        ),
      );
      expect(copies).toHaveLength(1);
    }
    expect(await redis.xlen(test.server.pipeline.deadLetters.key)).toBe(0);
  });

  it('a letter of an entry already back answers alreadyBack with the copy, appends nothing and counts nothing', async () => {
    const { pipeline } = test.server;
    const [first, second] = await twoLettersOf('21-1');
    // As a server stopped between a requeue's copy and its discard of the other letter leaves things.
    const copy = await pipeline.stream.redis.xadd(pipeline.stream.streamKey, '*', 'requeued_from', '21-1');
    await pipeline.stream.redis.xdel(pipeline.deadLetters.key, first);
    await pipeline.stream.redis.hset(pipeline.deadLetters.marksKey, '21-1', copy ?? '');
    const lengthBefore = await pipeline.stream.length();
    const producedBefore = pipeline.totals().produced;
    const answer = await postJson(test, '/api/dlq/requeue', { id: second });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      id: second,
      requeuedAs: copy,
      merged: 0,
      alreadyBack: true,
      processedBy: [],
    });
    expect(await pipeline.stream.length()).toBe(lengthBefore);
    expect(pipeline.totals().produced).toBe(producedBefore);
    expect(pipeline.history.of('21-1').filter((event) => event.kind === 'requeued')).toEqual([]);
    expect(await pipeline.stream.redis.exists(pipeline.deadLetters.marksKey)).toBe(0);
  });
});
