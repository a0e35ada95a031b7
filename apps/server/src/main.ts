#!/usr/bin/env node
import { StreamError } from '@streamscope/streams';
import { ConfigError, parseConfig, slowBatchWarning, USAGE } from './config.js';
import { seedingLines } from './pipeline/seeder.js';
import { StartRefusedError } from './pipeline/start-checks.js';
import { RedisUnavailableError } from './redis-connection.js';
import { ListenError, startServer } from './server.js';

/**
 * How long a graceful stop may take, beyond the batches a worker may have begun, before the process gives up
 * waiting and exits anyway: what it could not ack stays pending, for its next start or a peer.
 */
const SHUTDOWN_DEADLINE_MS = 5_000;

/**
 * The stop's deadline: a worker finishes the batch in hand and, under a backlog, the one it read ahead, each a
 * read of `--read-count` entries at `--process-latency-ms` each, which alone outlasted a fixed 5 s (10 at 3 s)
 * and made every such stop exit 1.
 */
const shutdownDeadlineMs = ({
  readCount,
  processLatencyMs,
}: {
  readCount: number;
  processLatencyMs: number;
}) => SHUTDOWN_DEADLINE_MS + 2 * readCount * processLatencyMs;

async function main(): Promise<void> {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError) {
      const help = error.message === USAGE;
      (help ? console.log : console.error)(help ? USAGE : `streamscope: ${error.message}`);
      process.exit(help ? 0 : 2);
    }
    throw error;
  }

  // Listened for from the start: a signal during startup (Redis being reset, consumers seeded) would
  // otherwise kill the process half-way, leaving a private redis-server running. The server stops once up.
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let stopRequested = false;
  let signalledAt = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signalledAt = performance.now();
    console.log(`${signal}: stopping producers and workers, finishing in-flight entries…`);
    const deadlineMs = shutdownDeadlineMs(config);
    setTimeout(() => {
      console.error(
        `streamscope: shutdown took over ${deadlineMs} ms; exiting anyway: entries not acked stay pending, for the next start or a peer`,
      );
      process.exit(1);
    }, deadlineMs).unref();
    if (server) stop(server, signalledAt);
    else stopRequested = true;
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  try {
    server = await startServer(config, {
      log: (message) => console.error(`streamscope: ${message}`),
      beforeReset: () =>
        console.log(
          `Deleting any existing data at key '${config.streamKey}' for a clean demo run (pass --no-reset to keep it).`,
        ),
      finishingCutOffReset: () =>
        console.log(
          `A reset of '${config.streamKey}' was cut off part-way (the process stopped while it deleted): finishing it, as what it left is no stream to resume.`,
        ),
    });
  } catch (error) {
    // What Redis refused (a stream key holding a string, say) is the user's to fix: its message says it all.
    if (
      error instanceof RedisUnavailableError ||
      error instanceof ListenError ||
      error instanceof StartRefusedError ||
      error instanceof StreamError
    ) {
      console.error(`streamscope: failed to start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  console.log(`Streamscope listening on ${server.url}`);
  if (server.redis.embedded) {
    console.log(
      `Nothing answered on localhost:6379: started a private redis-server at ${server.redis.label} (no persistence; it stops with this server)`,
    );
  }
  console.log(
    `Using Redis at ${server.redis.label} with stream key '${config.streamKey}' (MAXLEN ~ ${config.maxlen})`,
  );
  // Set at this point only by a --no-reset start that found one saved: no request has been answered yet.
  const { maxAgeMs } = server.pipeline.retention;
  if (maxAgeMs !== null) {
    console.log(
      `Restored the retention policy from Redis: XTRIM MINID ~ every second, dropping entries older than ${maxAgeMs} ms`,
    );
  }
  for (const line of seedingLines(server.seeded)) console.log(line);
  const warning = slowBatchWarning(config);
  if (warning !== null) console.error(`streamscope: warning: ${warning}`);
  if (stopRequested) stop(server, signalledAt);
}

/** Stops the server and exits, the last line saying how long it took since the signal and how it went. */
function stop(server: Awaited<ReturnType<typeof startServer>>, signalledAt: number): void {
  server.close().then(
    ({ redisAway }) => {
      const ms = Math.round(performance.now() - signalledAt);
      console.log(
        redisAway
          ? `Stopped in ${ms} ms, with Redis away: what the workers could not ack stays pending, for the next start or a peer to claim`
          : `Stopped cleanly in ${ms} ms`,
      );
      process.exit(0);
    },
    (error: unknown) => {
      console.error('streamscope: error while stopping', error);
      process.exit(1);
    },
  );
}

main().catch((error: unknown) => {
  console.error('streamscope: failed to start:', error);
  process.exit(1);
});
