import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { uniqueStreamKey, usePrivateRedis } from '@streamscope/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const library = pathToFileURL(path.join(packageDir, 'src', 'index.ts')).href;
const redisSuite = usePrivateRedis();

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'streamscope-exit-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * How long an application's process lives on after closing a worker, a tail and the stream: it should end at
 * once, with nothing of the library's left to keep it alive (a timer of ioredis's kept it 2 s).
 */
async function lingerAfterClose(url: string, { reachable }: { reachable: boolean }): Promise<number> {
  const script = path.join(dir, `${uniqueStreamKey('exit').replaceAll(':', '-')}.mts`);
  await writeFile(
    script,
    `import { ConsumerWorker, EventStream, StreamTail } from ${JSON.stringify(library)};
const stream = new EventStream({ connection: ${JSON.stringify(url)}, streamKey: ${JSON.stringify(uniqueStreamKey('exit'))} });
const worker = new ConsumerWorker(stream, 'g', 'c', { handler: async () => {} });
const tail = new StreamTail(stream);
worker.on('error', () => {});
tail.on('error', () => {});
${reachable ? "await stream.ensureGroup('g', '0-0');" : ''}
void worker.start().catch(() => {});
void tail.start().catch(() => {});
// Long enough for the worker to block in its read, or to fail to connect and wait to try again.
await new Promise((resolve) => setTimeout(resolve, 300));
await worker.close();
await tail.close();
await stream.close();
const closedAt = Date.now();
process.on('exit', () => console.log(Date.now() - closedAt));
`,
  );
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { cwd: packageDir });
  return Number(stdout.trim().split('\n').at(-1));
}

it('lets the process end at once after closing what it opened, its worker cut out of a blocked read', async () => {
  expect(await lingerAfterClose(redisSuite.server.url, { reachable: true })).toBeLessThan(500);
}, 20_000);

it('lets the process end at once after closing what it opened against a Redis that is not there', async () => {
  // Port 1 refuses at once: the connections are between attempts to reconnect when they are closed.
  expect(await lingerAfterClose('redis://127.0.0.1:1', { reachable: false })).toBeLessThan(500);
}, 20_000);
