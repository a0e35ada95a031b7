import { HISTORY_WINDOW_MS } from '@streamscope/protocol';
import { describe, expect, it } from 'vitest';
import { streamLostNote } from './stream-lost-note';

describe('streamLostNote', () => {
  it('says when and what may have deleted the stream, for as long as the charts reach back to it', () => {
    expect(streamLostNote(1_000, 2_000)).toMatch(
      /^Deleted at \d\d:\d\d:\d\d, not by a reset of this server: Redis restarted without its data, another client deleted the key, or another Streamscope process reset it\./,
    );
    expect(streamLostNote(1_000, 1_000 + HISTORY_WINDOW_MS)).not.toBeNull();
    expect(streamLostNote(1_000, 1_001 + HISTORY_WINDOW_MS)).toBeNull();
    expect(streamLostNote(null, 2_000)).toBeNull();
  });
});
