import type { History, ServerMessage, Snapshot } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { SocketClient } from './testing/socket-client.js';
import { postJson, serverForSuite } from './testing/test-server.js';

const test = serverForSuite();

const isSnapshot = (message: ServerMessage): message is Snapshot => message.type === 'snapshot';

describe('the charts’ history while no page watches', () => {
  it('goes on: a page opened later draws the seconds before it, with the figures its snapshots then show', async () => {
    // analytics stops reading, so its lag is the production; notifications keeps up.
    const paused = await postJson(test, '/api/consumer/pause', { group: 'analytics', name: 'worker-c' });
    expect(paused.status).toBe(200);
    // A rate is measured from an earlier sample: one taken before the entries go in.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const producedAt = Date.now();
    expect((await postJson(test, '/api/produce', { count: 50 })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const page = await SocketClient.connect(test.server.url);
    try {
      const snapshot = (await page.next(isSnapshot)) as Snapshot;
      const history = page.messages.find((message): message is History => message.type === 'history');
      const unwatched = (history?.points ?? []).filter((point) => point.at >= producedAt);
      // A point each second since the entries went in, though no page was open to ask for a snapshot.
      expect(unwatched.length).toBeGreaterThanOrEqual(2);
      expect(unwatched.some((point) => point.producedPerSec > 0)).toBe(true);
      const newest = unwatched.at(-1);
      expect(newest?.groups.analytics).toMatchObject({ lag: 50, pending: 0 });
      expect(newest?.groups.notifications).toMatchObject({ lag: 0, pending: 0 });
      expect(newest?.entriesAdded).toBe(50);
      // The page's first snapshot is newer than the history, and agrees with it.
      expect(snapshot.at).toBeGreaterThanOrEqual(newest?.at ?? Number.POSITIVE_INFINITY);
      const analytics = snapshot.groups.find((group) => group.name === 'analytics');
      expect(analytics).toMatchObject({
        lag: 50,
        pending: 0,
        entriesRead: newest?.groups.analytics?.entriesRead,
      });
    } finally {
      await page.close();
    }
  });
});
