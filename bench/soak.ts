// `pnpm bench soak`: the demo server in a process of its own with one dashboard open in headless Chromium, the
// continuous producer at 5,000 events/s and the operator's fault injections now and then, sampled every 30 s
// for a dozen minutes: does memory stay bounded, and does the page stay smooth? Prints figures; asserts none.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions, freePort, type RedisServer } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { type CDPSession, chromium, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import type { Figure } from './report.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const MAIN = fileURLToPath(new URL('../apps/server/src/main.ts', import.meta.url));
const WEB_DIST = fileURLToPath(new URL('../apps/web/dist/index.html', import.meta.url));
const STREAM_KEY = 'demo:events:orders';
const MAXLEN = 50_000;

/** Run in the page before its own scripts (as text: this file is typed for Node, not the DOM). */
const COUNT_LONG_TASKS = `
  globalThis.__longTasks = { count: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      globalThis.__longTasks.count += 1;
      globalThis.__longTasks.maxMs = Math.max(globalThis.__longTasks.maxMs, entry.duration);
    }
  }).observe({ type: 'longtask', buffered: true });
`;

export interface SoakOptions {
  /** How long the producer runs; `SOAK_MINUTES` (12 by default). */
  readonly minutes: number;
  /** The continuous producer's events/s; `SOAK_RATE` (5,000). */
  readonly rate: number;
  readonly sampleEveryMs: number;
  /** How often a round of crash → XAUTOCLAIM, poison pills, requeue and timeline runs; `SOAK_FAULTS_S` (60). */
  readonly faultsEveryMs: number;
  /** Where the first and last screenshots go (nowhere when unset); `SOAK_SCREENSHOTS`. */
  readonly screenshots: string | undefined;
}

export const soakOptionsFromEnv = (): SoakOptions => ({
  minutes: Number(process.env.SOAK_MINUTES ?? 12),
  rate: Number(process.env.SOAK_RATE ?? 5_000),
  sampleEveryMs: 30_000,
  faultsEveryMs: Number(process.env.SOAK_FAULTS_S ?? 60) * 1000,
  screenshots: process.env.SOAK_SCREENSHOTS,
});

/** One look at everything that could grow. Heaps are measured after a full collection: what is retained. */
interface Sample {
  readonly atS: number;
  readonly serverHeapMb: number;
  readonly serverRssMb: number;
  readonly pageHeapMb: number;
  readonly domNodes: number;
  readonly listeners: number;
  /**
   * Main-thread task time over wall time since the previous sample (0..1): what a person feels, but on a
   * machine short of CPU a task also counts the time its thread waited for one.
   */
  readonly busy: number;
  /** The main thread's CPU time over wall time: the page's own work, however busy the machine. */
  readonly cpu: number;
  /** The renderer process's CPU time (all its threads: raster, compositor, GC helpers) over wall time. */
  readonly processCpu: number;
  /** The machine's one-minute load average: the busy figures mean little when it is well over the CPUs. */
  readonly load: number;
  readonly longTasks: number;
  readonly longestTaskMs: number;
  readonly redisMb: number;
  /** Every key Redis holds (the stream key's prefix left off the others): its length and its memory. */
  readonly keys: Readonly<Record<string, KeySize>>;
  readonly acked: number;
}

export async function soak(redisServer: RedisServer, options = soakOptionsFromEnv()): Promise<Figure[]> {
  if (!existsSync(WEB_DIST)) {
    throw new Error('the dashboard is not built: run pnpm --filter @streamscope/web run build first');
  }
  const redis = new Redis(redisServer.url);
  redis.on('error', () => {});
  const server = await ServerProcess.start(redisServer.url);
  const browser = await chromium.launch(chromiumLaunchOptions);
  const samples: Sample[] = [];
  try {
    // Tall enough for every panel to be on screen: panels scrolled out of view stop following the store, and
    // the soak is of a page that draws everything it is sent (charts, live lists, pending rows, dead letters).
    const page = await browser.newPage({ viewport: { width: 1440, height: 3200 } });
    // Long tasks are what a person feels as a stutter; counted from the first script on.
    await page.addInitScript(COUNT_LONG_TASKS);
    await page.goto(server.url);
    await page.getByRole('region', { name: /^notifications/ }).waitFor();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });

    let started = Date.now();
    let previous = await pageMetrics(cdp);
    const sample = async (): Promise<Sample> => {
      const metrics = await pageMetrics(cdp);
      const elapsed = metrics.Timestamp - previous.Timestamp;
      const busy = (metrics.TaskDuration - previous.TaskDuration) / elapsed;
      const cpu = (metrics.ThreadTime - previous.ThreadTime) / elapsed;
      const processCpu = (metrics.ProcessTime - previous.ProcessTime) / elapsed;
      previous = metrics;
      // After the busy-time reading: the collection's own main-thread time belongs to no interval.
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await pageMetrics(cdp);
      const longTasks = await page.evaluate(
        () => (globalThis as { __longTasks?: LongTasks }).__longTasks ?? { count: 0, maxMs: 0 },
      );
      const memory = await server.memory();
      const state = (await (await fetch(`${server.url}/api/state`)).json()) as {
        totals: { acked: number };
      };
      return {
        atS: Math.round((Date.now() - started) / 1000),
        serverHeapMb: memory.heapUsed / 1e6,
        serverRssMb: memory.rss / 1e6,
        pageHeapMb: heap.JSHeapUsedSize / 1e6,
        domNodes: heap.Nodes,
        listeners: heap.JSEventListeners,
        busy,
        cpu,
        processCpu,
        load: loadavg()[0] ?? Number.NaN,
        longTasks: longTasks.count,
        longestTaskMs: longTasks.maxMs,
        redisMb: Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]) / 1e6,
        keys: await keySizes(redis),
        acked: state.totals.acked,
      };
    };

    const screenshot = async (name: string) => {
      if (options.screenshots)
        await page.screenshot({ path: `${options.screenshots}/soak-${name}.png`, fullPage: true });
    };
    // The first sample before any load: what the bounded memories (entry history, chart history, feeds) then
    // fill within seconds or minutes is growth by design; what grows after that is not.
    await sleep(5_000);
    samples.push(await sample());
    report(samples.at(-1), 'idle');
    await server.api('autoreap/set', { group: 'analytics', enabled: true });
    await server.api('producer/start', { rate: options.rate });
    started = Date.now();
    // A look once the producer's first snapshots are in, so the start is a page at work, not an empty one.
    await sleep(5_000);
    await screenshot('start');

    let round: Promise<void> = Promise.resolve();
    const faults = setInterval(() => {
      round = injectFaults(server, page).catch(logFault);
    }, options.faultsEveryMs);
    try {
      const end = started + options.minutes * 60_000;
      while (Date.now() < end) {
        await sleep(Math.min(options.sampleEveryMs, end - Date.now()));
        samples.push(await sample());
        report(samples.at(-1));
      }
    } finally {
      clearInterval(faults);
      await round;
    }
    await screenshot('end');
    await server.api('producer/stop', {});
  } finally {
    await browser.close();
    await server.stop();
    redis.disconnect();
  }
  return figures(samples);
}

/**
 * One round of what an operator does: crashes worker-a's next 3 entries and claims them for worker-b 6 s later,
 * injects 3 poison pills (analytics reaps them every second until they are dead-lettered; notifications holds
 * them until the claim), requeues the newest dead letter that still has its fields, keeps a dead letter's
 * timeline open for 10 s, and opens and closes a second dashboard (the server greets it with the charts' history).
 */
async function injectFaults(server: ServerProcess, page: Page): Promise<void> {
  await server.api('consumer/crash', { group: 'notifications', name: 'worker-a', count: 3 });
  await server.api('poison/inject', { count: 3 });
  await sleep(6_000);
  await server.api('autoclaim', { group: 'notifications', consumer: 'worker-b' });
  const { entries } = (await server.api('dlq/list', { count: 50 })) as {
    entries: { id: string; fields: Record<string, string> }[];
  };
  const letter = entries.find((entry) => Object.keys(entry.fields).length > 0);
  if (letter) await server.api('dlq/requeue', { id: letter.id });

  const deadLetters = page.getByRole('region', { name: /^Dead letters/ });
  const entryId = deadLetters.getByRole('button', { name: /^\d+-\d+$/ }).first();
  const timeline = (await entryId.isVisible()) ? await entryId.textContent() : null;
  if (timeline !== null) {
    await entryId.click();
    await sleep(10_000);
    await page.getByRole('button', { name: 'Close timeline' }).click();
  }

  const browser = page.context().browser();
  if (!browser) return;
  const other = await browser.newPage();
  try {
    await other.goto(server.url);
    await other.getByRole('region', { name: /^notifications/ }).waitFor();
  } finally {
    await other.close();
  }
  console.error(
    `  faults: 3 crashed and claimed, 3 poison pills, requeued ${letter?.id ?? 'nothing'}, timeline of ${timeline ?? 'nothing'}, a second page opened and closed`,
  );
}

function logFault(error: unknown): void {
  console.error(`  fault injection failed: ${error instanceof Error ? error.message : String(error)}`);
}

interface LongTasks {
  count: number;
  maxMs: number;
}

interface PageMetrics {
  readonly Timestamp: number;
  readonly TaskDuration: number;
  readonly ThreadTime: number;
  readonly ProcessTime: number;
  readonly JSHeapUsedSize: number;
  readonly Nodes: number;
  readonly JSEventListeners: number;
}

async function pageMetrics(cdp: CDPSession): Promise<PageMetrics> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const value = (name: keyof PageMetrics) =>
    metrics.find((metric) => metric.name === name)?.value ?? Number.NaN;
  return {
    Timestamp: value('Timestamp'),
    TaskDuration: value('TaskDuration'),
    ThreadTime: value('ThreadTime'),
    ProcessTime: value('ProcessTime'),
    JSHeapUsedSize: value('JSHeapUsedSize'),
    Nodes: value('Nodes'),
    JSEventListeners: value('JSEventListeners'),
  };
}

interface KeySize {
  /** Entries, members or fields. */
  readonly length: number;
  readonly mb: number;
}

async function keySizes(redis: Redis): Promise<Record<string, KeySize>> {
  const sizes: Record<string, KeySize> = {};
  for (const key of (await redis.keys('*')).sort()) {
    const type = await redis.type(key);
    const length =
      type === 'stream'
        ? await redis.xlen(key)
        : type === 'zset'
          ? await redis.zcard(key)
          : type === 'hash'
            ? await redis.hlen(key)
            : Number.NaN;
    const bytes = Number(await redis.call('MEMORY', 'USAGE', key));
    sizes[key.startsWith(`${STREAM_KEY}:`) ? key.slice(STREAM_KEY.length) : key] = {
      length,
      mb: bytes / 1e6,
    };
  }
  return sizes;
}

function report(sample: Sample | undefined, when = `${sample?.atS} s`): void {
  if (!sample) return;
  const keys = Object.entries(sample.keys)
    .map(([key, { length, mb }]) => `${key}=${length} (${mb.toFixed(1)} MB)`)
    .join(' ');
  console.error(
    [
      `  ${when.padStart(6)}`,
      `server heap ${sample.serverHeapMb.toFixed(1)} MB (rss ${sample.serverRssMb.toFixed(0)})`,
      `page heap ${sample.pageHeapMb.toFixed(1)} MB`,
      `${sample.domNodes} nodes`,
      `${sample.listeners} listeners`,
      `busy ${(sample.busy * 100).toFixed(0)}% (cpu ${(sample.cpu * 100).toFixed(0)}%, renderer ${(sample.processCpu * 100).toFixed(0)}%)`,
      `${sample.longTasks} long tasks (longest ${sample.longestTaskMs.toFixed(0)} ms)`,
      `redis ${sample.redisMb.toFixed(1)} MB`,
      `load ${sample.load.toFixed(1)}`,
      `acked ${sample.acked}`,
      keys,
    ].join(', '),
  );
}

function figures(samples: readonly Sample[]): Figure[] {
  const [idle, first] = samples;
  const last = samples.at(-1);
  if (!idle || !first || !last || samples.length < 3) {
    throw new Error('the soak ended before its second sample under load');
  }
  const loaded = samples.slice(1);
  const max = (pick: (sample: Sample) => number) => Math.max(...loaded.map(pick));
  const median = (values: number[]) =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const growth = (label: string, unit: string, pick: (sample: Sample) => number): Figure[] => [
    { label: `${label}, idle`, value: pick(idle), unit, note: 'before the producer started' },
    { label: `${label}, first sample`, value: pick(first), unit, note: `after ${first.atS} s of load` },
    { label: `${label}, end`, value: pick(last), unit, note: `max ${max(pick).toFixed(1)} under load` },
  ];
  const fractions = (label: string, pick: (sample: Sample) => number): Figure[] => [
    {
      label: `${label}, idle`,
      value: pick(idle),
      unit: 'fraction',
      note: 'the 5 s before the producer started',
    },
    {
      label: `${label}, median`,
      value: median(loaded.map(pick)),
      unit: 'fraction',
      note: `max ${max(pick).toFixed(2)} over 30 s intervals`,
    },
  ];
  const keyFigures = Object.entries(last.keys).map(([key, { length, mb }]) => ({
    label: `${key} length, end`,
    value: length,
    unit: 'entries',
    note: `${mb.toFixed(1)} MB; first sample ${first.keys[key]?.length ?? 'absent'}, max ${max((sample) => sample.keys[key]?.length ?? 0)}`,
  }));
  return [
    { label: 'duration under load', value: last.atS, unit: 's', note: `${loaded.length} samples` },
    { label: 'entries acked (both groups)', value: last.acked, unit: 'acks' },
    ...growth('server heap after GC', 'MB', (sample) => sample.serverHeapMb),
    ...growth('server RSS', 'MB', (sample) => sample.serverRssMb),
    ...growth('page JS heap after GC', 'MB', (sample) => sample.pageHeapMb),
    ...growth('page DOM nodes', 'nodes', (sample) => sample.domNodes),
    ...growth('page event listeners', 'listeners', (sample) => sample.listeners),
    ...fractions('page main thread busy (task time)', (sample) => sample.busy),
    ...fractions('page main thread CPU', (sample) => sample.cpu),
    ...fractions('page renderer process CPU', (sample) => sample.processCpu),
    {
      label: 'page long tasks (> 50 ms)',
      value: last.longTasks - idle.longTasks,
      unit: 'tasks',
      note: `under load; longest ${last.longestTaskMs.toFixed(0)} ms since the page loaded`,
    },
    {
      label: 'load average, median',
      value: median(loaded.map((sample) => sample.load)),
      unit: '',
      note: `max ${max((sample) => sample.load).toFixed(1)}: the busy figures need it near the CPU count`,
    },
    ...growth('Redis used_memory', 'MB', (sample) => sample.redisMb),
    ...keyFigures,
  ];
}

/** `main.ts` as `npm start` runs it, with an inspector on a free port to read its heap from outside. */
class ServerProcess {
  private constructor(
    readonly url: string,
    readonly child: ChildProcess,
    readonly inspector: WebSocket,
  ) {}

  static async start(redisUrl: string): Promise<ServerProcess> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@streamscope/source',
        '--inspect=127.0.0.1:0',
        MAIN,
        ...['--port', String(port), '--redis-url', redisUrl, '--process-latency-ms', '0'],
        // Ten seconds of entries at 5,000/s and a claim threshold of one: crashed entries and poison pills are
        // claimed and dead-lettered with their payload, not trimmed first (the default 2,000 lasts 0.4 s).
        ...['--maxlen', String(MAXLEN), '--claim-idle-ms', '1000'],
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const ready = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const inspector = /Debugger listening on (ws:\S+)/.exec(output)?.[1];
        if (inspector && /Seeded \d+ consumer/.test(output)) {
          clearTimeout(timer);
          resolve(inspector);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
    }).finally(() => {
      child.stdout?.removeAllListeners('data');
      child.stderr?.removeAllListeners('data');
    });
    const inspector = new WebSocket(ready);
    await new Promise((resolve, reject) => inspector.once('open', resolve).once('error', reject));
    // What it logs from here on (a background failure, say) is worth seeing beside the samples.
    child.stdout?.resume();
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`  server: ${chunk}`));
    return new ServerProcess(`http://127.0.0.1:${port}`, child, inspector);
  }

  async api(command: string, body: object): Promise<unknown> {
    const response = await fetch(`${this.url}/api/${command}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer: unknown = await response.json();
    if (!response.ok) throw new Error(`${command}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  /** `process.memoryUsage()` after a full collection, through the inspector: nothing added to the server. */
  async memory(): Promise<NodeJS.MemoryUsage> {
    await this.#inspect('HeapProfiler.collectGarbage', {});
    const reply = (await this.#inspect('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result: { value: string } };
    return JSON.parse(reply.result.value) as NodeJS.MemoryUsage;
  }

  async stop(): Promise<void> {
    this.inspector.close();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  #nextId = 0;

  #inspect(method: string, params: object): Promise<unknown> {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      const onMessage = (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: unknown };
        if (message.id !== id) return;
        this.inspector.off('message', onMessage);
        if (message.error) reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
        else resolve(message.result);
      };
      this.inspector.on('message', onMessage);
      this.inspector.send(JSON.stringify({ id, method, params }));
    });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
