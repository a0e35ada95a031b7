import { expect, it } from 'vitest';
import { ENTRY_SEARCH_READ_MAX } from './pipeline/entry-search.js';
import { json, serverForSuite } from './testing/test-server.js';

const test = serverForSuite(['--maxlen', '1000000']);

const find = (query: Record<string, string>) =>
  test.server.app.request(`/api/entries?${new URLSearchParams(query)}`);

it('finds the entries holding a value, newest first, searching a long stream on from where it stopped', async () => {
  const { stream } = test.server.pipeline;
  const total = ENTRY_SEARCH_READ_MAX + 5_000;
  const ids = await stream.produceBatch(
    Array.from({ length: total }, (_, n) => ({
      type: n % 2 === 0 ? 'order.paid' : 'order.placed',
      payload: { order_id: `o-${n % 10_000}`, note: n === 3 ? 'needle in it' : '' },
    })),
  );
  // o-3 is in entries 3, 10,003 and 20,003; the newest 20,000 or so hold the two later ones.
  const first = await json(find({ field: 'order_id', value: 'o-3' }));
  expect(first).toMatchObject({
    field: 'order_id',
    value: 'o-3',
    matches: [
      { id: ids[20_003], type: 'order.placed' },
      { id: ids[10_003], type: 'order.placed' },
    ],
  });
  expect(first.read).toBeGreaterThanOrEqual(ENTRY_SEARCH_READ_MAX);
  // On from where it stopped, to the stream's oldest entry.
  const rest = await json(find({ field: 'order_id', value: 'o-3', before: first.stoppedAt }));
  expect(rest).toMatchObject({ matches: [{ id: ids[3] }], read: total - first.read, stoppedAt: null });
  // Found nowhere in the newest 20,000: one answer says so, and where to go on from.
  const nowhere = await json(find({ field: 'note', value: 'needle in it' }));
  expect(nowhere.matches).toEqual([]);
  expect(nowhere.stoppedAt).toBe(first.stoppedAt);
  // Exactly as stored: no trimming, and an empty value is a value.
  expect((await json(find({ field: 'order_id', value: ' o-3' }))).matches).toEqual([]);
  expect((await json(find({ field: 'note', value: '' }))).matches).toHaveLength(20);
});

it.each([
  ['an empty field', { field: '', value: 'x' }, /field: must not be empty/],
  ['no field', { value: 'x' }, /field/],
  [
    'a value over 1,024 characters',
    { field: 'order_id', value: 'x'.repeat(1_025) },
    /value: must be at most 1024/,
  ],
  [
    'a malformed before',
    { field: 'order_id', value: 'x', before: 'yesterday' },
    /before: must be a stream ID/,
  ],
])('refuses a bad search, saying what was wrong: %s', async (_case, query, message) => {
  const response = await find(query as Record<string, string>);
  expect(response.status).toBe(400);
  expect((await json(response)).message).toMatch(message);
});
