import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** How late an idle process's 1 ms timer fired while something else ran: the machine's own floor. */
export interface IdleLateness {
  readonly p999Ms: number;
  readonly maxMs: number;
}

// Plain JavaScript for `node -e`: a process with nothing to do but keep a 1 ms timer.
const WATCHER = `
const { monitorEventLoopDelay } = require('node:perf_hooks');
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
setTimeout(() => {
  loop.disable();
  const late = (ns) => Math.max(0, ns / 1e6 - 1);
  process.stdout.write(JSON.stringify({ p999Ms: late(loop.percentile(99.9)), maxMs: late(loop.max) }));
}, Number(process.argv[1]));
`;

/**
 * Runs an idle Node process beside a measurement for `durationMs`. On a VM the scheduler and the hypervisor
 * stall every process now and then; what this one sees, doing nothing, no latency figure can beat.
 */
export async function idleLateness(durationMs: number): Promise<IdleLateness> {
  const { stdout } = await run(process.execPath, ['-e', WATCHER, String(durationMs)], {
    timeout: durationMs + 30_000,
  });
  return JSON.parse(stdout) as IdleLateness;
}
