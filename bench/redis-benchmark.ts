import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type RedisServer, uniqueStreamKey } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { PRODUCE_MAXLEN } from './produce-throughput.js';
import { sampleXaddArgs } from './sample-event.js';

const run = promisify(execFile);

export interface RedisBenchmarkOptions {
  readonly requests?: number;
  readonly clients?: number;
  /** Commands in flight per connection (`-P`). */
  readonly pipeline?: number;
  /** The executable; Debian's redis-tools puts it on PATH. */
  readonly executable?: string;
}

export interface RedisBenchmarkResult {
  /** The command line, minus host and port, for the report. */
  readonly command: string;
  readonly requests: number;
  readonly eventsPerSecond: number;
}

/**
 * redis-benchmark pipelining our sample XADD over one connection: what Redis itself sustains for this entry
 * shape on this machine, the ceiling `produceBatch` is judged against.
 */
export async function redisBenchmarkXadd(
  server: RedisServer,
  options: RedisBenchmarkOptions = {},
): Promise<RedisBenchmarkResult> {
  const { requests = 1_000_000, clients = 1, pipeline = 256, executable = 'redis-benchmark' } = options;
  const streamKey = uniqueStreamKey('bench-redis-benchmark');
  const settings = ['-c', String(clients), '-P', String(pipeline), '-n', String(requests)];
  const xadd = sampleXaddArgs(streamKey, PRODUCE_MAXLEN);
  try {
    const { stdout } = await run(
      executable,
      ['-h', server.host, '-p', String(server.port), ...settings, '--csv', ...xadd],
      { timeout: 120_000 },
    ).catch((error: unknown) => {
      throw new Error(`${executable} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    });
    return {
      command: ['redis-benchmark', ...settings, ...xadd].join(' '),
      requests,
      eventsPerSecond: parseRps(stdout),
    };
  } finally {
    await deleteKey(server, streamKey);
  }
}

/**
 * `--csv` prints a header and one row per test: `"test","rps","avg_latency_ms",...`. The column is found by
 * name, so a redis-benchmark that adds columns still parses.
 */
export function parseRps(csv: string): number {
  const [header, row] = csv
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('"'))
    .map(splitCsvLine);
  const column = header?.indexOf('rps') ?? -1;
  const rps = Number(row?.[column]);
  if (column < 0 || !Number.isFinite(rps)) {
    throw new Error(`cannot read requests per second from redis-benchmark output: ${csv.slice(0, 300)}`);
  }
  return rps;
}

// redis-benchmark quotes every field and our command has no quotes or commas in it.
function splitCsvLine(line: string): string[] {
  return line.split('","').map((cell) => cell.replace(/^"|"$/g, ''));
}

async function deleteKey(server: RedisServer, streamKey: string): Promise<void> {
  const redis = new Redis(server.url);
  redis.on('error', () => {});
  try {
    // DEL, not UNLINK: the memory is freed before the next benchmark starts, not by a thread competing with it.
    await redis.del(streamKey);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
