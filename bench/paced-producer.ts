// A child process that appends at a steady rate, as a producing service would: its own event loop and its
// own heap, so neither its work nor its garbage collection pauses the consumers being measured (in one
// process, a producer allocating ~2 KB an event set off scavenges that stopped every handler). A process,
// not a worker thread: tsx's loader does not reach worker threads.
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStream } from '@streamscope/streams';
import { epochNow } from './epoch-now.js';
import { SAMPLE_PAYLOAD, sampleEvents } from './sample-event.js';

export interface PacedProducerData {
  readonly url: string;
  readonly streamKey: string;
  readonly maxlenApprox: number;
  readonly rate: number;
}

/** Sent by the parent: append for this long, then answer with how many events were appended. */
export interface PacedRun {
  readonly durationMs: number;
}

/** Sent by the parent: answer at once with this process's `epochNow()`, to set the two clocks side by side. */
export type ClockAsk = 'clock';

/**
 * Appends at `rate` for `durationMs`. Every millisecond or so it sends whatever is due since the start, so
 * timer jitter changes batch sizes, never the average rate. Each batch carries `sent_at`, stamped just
 * before its `produceBatch`.
 */
async function producePaced(stream: EventStream, rate: number, durationMs: number): Promise<number> {
  const started = performance.now();
  let sent = 0;
  for (;;) {
    const elapsed = performance.now() - started;
    if (elapsed >= durationMs) return sent;
    const due = Math.floor((elapsed * rate) / 1000) - sent;
    if (due > 0) {
      // Stamped as late as possible: the figure is meant to start at the XADD, not at building the batch.
      const payload = { ...SAMPLE_PAYLOAD, sent_at: epochNow().toFixed(3) };
      await stream.produceBatch(sampleEvents(due, payload));
      sent += due;
    }
    await sleep(1);
  }
}

const send = process.send?.bind(process);
if (!send) throw new Error('paced-producer.ts runs as a child process with an IPC channel');
const { url, streamKey, maxlenApprox, rate } = JSON.parse(process.argv[2] ?? '') as PacedProducerData;
const stream = new EventStream({ connection: url, streamKey, maxlenApprox });
process.on('message', (run: PacedRun | 'close' | ClockAsk) => {
  if (run === 'clock') {
    send({ clock: epochNow() });
    return;
  }
  if (run === 'close') {
    void stream.close().finally(() => process.disconnect());
    return;
  }
  producePaced(stream, rate, run.durationMs).then(
    (produced) => send({ produced }),
    (error: unknown) => send({ error: String(error) }),
  );
});
