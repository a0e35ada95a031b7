import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectedWorkers } from '@streamscope/streams';
import { RedisServer, uniqueStreamKey, usePrivateRedis } from '@streamscope/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { parseConfig, slowBatchWarning, USAGE } from './config.js';
import { startTestServer } from './testing/test-server.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Runs the real entry point as a person would, from TypeScript source. */
function streamscope(args: readonly string[]): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    ['--conditions=@streamscope/source', '--import', 'tsx', MAIN, ...args],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, REDIS_URL: '', STREAMSCOPE_PORT: '' },
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

const redisSuite = usePrivateRedis();

describe('streamscope command', () => {
  it('prints the seed startup lines and stops gracefully on SIGTERM', async () => {
    const key = uniqueStreamKey('main');
    const run = streamscope([
      '--port',
      '0',
      '--redis-url',
      redisSuite.server.url,
      '--stream-key',
      key,
      '--maxlen',
      '500',
    ]);
    await expect.poll(run.output, { timeout: 15_000 }).toMatch(/Seeded 3 consumer\(s\) across 2 group\(s\)/);
    const lines = run.output().trim().split('\n');
    expect(lines[0]).toBe(
      `Deleting any existing data at key '${key}' for a clean demo run (pass --no-reset to keep it).`,
    );
    expect(lines[1]).toMatch(/^Streamscope listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[2]).toBe(
      `Using Redis at 127.0.0.1:${redisSuite.server.port} with stream key '${key}' (MAXLEN ~ 500)`,
    );
    const started = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    // The log ended at "finishing in-flight entries…", as if the stop had never finished.
    expect(run.output().trim().split('\n').slice(-2)).toEqual([
      'SIGTERM: stopping producers and workers, finishing in-flight entries…',
      expect.stringMatching(/^Stopped cleanly in \d+ ms$/),
    ]);
  });

  it('says which groups --no-reset resumed and which it seeded, the consumers restored from Redis or paused, and the retention policy', async () => {
    const key = uniqueStreamKey('main');
    const check = new Redis(redisSuite.server.url);
    try {
      // One the user added before the restart: Redis keeps its name (and would keep what it holds).
      await check.xgroup('CREATE', key, 'notifications', '0', 'MKSTREAM');
      await check.call('XGROUP', 'CREATECONSUMER', key, 'notifications', 'worker-d');
      // Saved as an earlier server saves its own group and the consumer added through its API.
      await check.hset(`${key}:controls`, JSON.stringify(['retention']), '86400000');
      await check.hset(`${key}:controls`, JSON.stringify(['paused', 'notifications', 'worker-d']), '1');
      await check.hset(`${key}:owned`, JSON.stringify(['group', 'notifications']), '1');
      await check.hset(`${key}:owned`, JSON.stringify(['consumer', 'notifications', 'worker-d']), '1');
      const run = streamscope([
        '--port',
        '0',
        '--redis-url',
        redisSuite.server.url,
        '--stream-key',
        key,
        '--no-reset',
      ]);
      // notifications was there, analytics was not: it said "Seeded 4 consumer(s) across 2 group(s)".
      await expect
        .poll(run.output, { timeout: 15_000 })
        .toMatch(
          /^Resumed 3 consumer\(s\) across 1 existing group\(s\), 1 of them restored from Redis; seeded 1 consumer\(s\) across 1 new group\(s\)\nCame back paused, as saved before the restart, reading nothing until resumed: notifications\/worker-d$/m,
        );
      expect(run.output()).toMatch(
        /^Restored the retention policy from Redis: XTRIM MINID ~ every second, dropping entries older than 86400000 ms$/m,
      );
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
    } finally {
      check.disconnect();
    }
  });

  it('fails on a port already in use without touching the stream of the server running there', async () => {
    const first = await startTestServer([], { redis: redisSuite.server });
    const check = new Redis(redisSuite.server.url);
    try {
      const { streamKey } = first.server.pipeline.stream;
      await first.server.pipeline.produce(50);
      const before = { length: await check.xlen(streamKey), groups: await check.xinfo('GROUPS', streamKey) };
      expect(before.length).toBe(50);
      const second = streamscope([
        '--port',
        String(first.server.port),
        '--redis-url',
        redisSuite.server.url,
        '--stream-key',
        streamKey,
      ]);
      expect(await second.exit).toBe(1);
      expect(second.output()).toMatch(
        /port \d+ on 127\.0\.0\.1 is already in use.*nothing in Redis was touched/,
      );
      expect(second.output()).not.toMatch(/Deleting any existing data/);
      // Before, the second start deleted the stream and its groups, then failed to bind.
      expect(await check.xlen(streamKey)).toBe(50);
      expect((await check.xinfo('GROUPS', streamKey)) as unknown[]).toHaveLength(
        (before.groups as unknown[]).length,
      );
      expect((await first.server.app.request('/api/state')).status).toBe(200);
    } finally {
      check.disconnect();
      await first.stop();
    }
  });

  it('fails in one line on a host it cannot listen on', async () => {
    const run = streamscope([
      ...['--host', 'no-such-host.invalid', '--token', 'a-long-enough-token', '--port', '0'],
      ...['--redis-url', redisSuite.server.url, '--stream-key', uniqueStreamKey('listen')],
    ]);
    expect(await run.exit).toBe(1);
    expect(run.output()).toMatch(
      /^streamscope: failed to start: cannot listen on no-such-host\.invalid:0 \((ENOTFOUND|EAI_AGAIN)\): give --host an address of this machine/m,
    );
    expect(run.output()).not.toMatch(/\n\s+at /);
  });

  it('exits 0 within the deadline on SIGTERM while Redis is down and the producer runs', async () => {
    const own = await RedisServer.start();
    try {
      const run = streamscope([
        '--port',
        '0',
        '--redis-url',
        own.url,
        '--stream-key',
        uniqueStreamKey('main'),
      ]);
      await expect.poll(run.output, { timeout: 15_000 }).toMatch(/Seeded 3 consumer/);
      const url = /listening on (\S+)/.exec(run.output())?.[1];
      const started = await fetch(`${url}/api/producer/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rate: 5_000 }),
      });
      expect(started.status).toBe(200);
      await own.kill();
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const stopping = Date.now();
      run.child.kill('SIGTERM');
      // It used to hit the 5 s deadline and exit 1 ("shutdown took too long").
      expect(await run.exit).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(4_000);
      expect(run.output()).toMatch(
        /^Stopped in \d+ ms, with Redis away: what the workers could not ack stays pending, for the next start or a peer to claim$/m,
      );
    } finally {
      await own.stop();
    }
  });

  it('a SIGTERM during startup (the reset under way) stops the server once it is up, and exits 0', async () => {
    const key = uniqueStreamKey('main');
    const check = new Redis(redisSuite.server.url);
    try {
      // Writes wait (the reset's DEL with them) until the pause ends: the signal lands mid-startup.
      await check.call('CLIENT', 'PAUSE', '10000', 'WRITE');
      const run = streamscope(['--port', '0', '--redis-url', redisSuite.server.url, '--stream-key', key]);
      await expect.poll(run.output, { timeout: 15_000 }).toMatch(/Deleting any existing data/);
      run.child.kill('SIGTERM');
      await check.call('CLIENT', 'UNPAUSE');
      // It used to die of the signal at once (no exit code), half-way through the reset.
      expect(await run.exit).toBe(0);
      expect(run.output()).toMatch(/SIGTERM: stopping/);
      const workers = await connectedWorkers(check);
      expect(workers.filter((worker) => worker.streamKey === key)).toEqual([]);
    } finally {
      await check.call('CLIENT', 'UNPAUSE');
      check.disconnect();
    }
  });

  it('rejects bad flags with a clear message and exit code 2', async () => {
    const run = streamscope(['--port', 'eighty', '--maxlen', '0']);
    expect(await run.exit).toBe(2);
    expect(run.output()).toMatch(/port must be a number/);
    expect(run.output()).toMatch(/maxlen must be at least 1/);
    const unknown = streamscope(['--colour', 'blue']);
    expect(await unknown.exit).toBe(2);
    expect(unknown.output()).toMatch(/^streamscope: unknown option --colour; --help lists the options$/m);
  });

  it('exits 1 naming the address when the given Redis does not answer', async () => {
    const run = streamscope(['--port', '0', '--redis-port', '1']);
    expect(await run.exit).toBe(1);
    expect(run.output()).toMatch(/no Redis answers at localhost:1/);
  });

  it('exits 1 with one line saying what Redis refused, when the stream key holds something else', async () => {
    const check = new Redis(redisSuite.server.url);
    const streamKey = `test:not-a-stream:${Date.now()}`;
    try {
      await check.set(streamKey, 'a string');
      const run = streamscope([
        '--port',
        '0',
        '--redis-url',
        redisSuite.server.url,
        '--stream-key',
        streamKey,
        '--no-reset',
      ]);
      expect(await run.exit).toBe(1);
      expect(run.output()).toMatch(
        `streamscope: failed to start: the key "${streamKey}" holds a string, not a stream: point --stream-key at a stream`,
      );
      expect(run.output()).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      await check.del(streamKey);
      check.disconnect();
    }
  });
});

describe('configuration', () => {
  it('lines up --help in columns: each description, and each variable on a line of its flag or below it', () => {
    const flagLines = USAGE.split('\n').filter((line) => line.startsWith('  --'));
    expect(flagLines).toHaveLength(23);
    const columns = (pattern: RegExp) =>
      new Set(
        USAGE.split('\n').flatMap((line) => {
          const match = pattern.exec(line);
          return match ? [match.index + (match[1]?.length ?? 0)] : [];
        }),
      );
    // The two longest flags, --alert-oldest-pending-ms and --alert-consumer-idle-ms, pushed theirs out of line.
    expect(columns(/^( {2}--[\w-]+(?: <[^>]+>)?(?:, -h)? +)\S/)).toEqual(new Set([33]));
    expect(columns(/^(.* )(?:STREAMSCOPE|REDIS)_[A-Z_]+(?:=1)?$/)).toEqual(new Set([74]));
    expect(USAGE).toMatch(
      /^ {2}--alert-oldest-pending-ms <n> {2}oldest pending age alert \(30000\) +STREAMSCOPE_ALERT_OLDEST_PENDING_MS$/m,
    );
    expect(() => parseConfig(['-h'], {})).toThrow(USAGE);
  });

  it('gives in --help the defaults the options take when none is given', () => {
    const defaults: Record<string, unknown> = parseConfig([], {});
    const stated = USAGE.split('\n').flatMap((line) => {
      const match = /^ {2}--([\w-]+) <[^>]+> +.*\(([^()<]+)\)(?: +[A-Z_]+)?$/.exec(line);
      return match ? [[match[1] ?? '', match[2] ?? ''] as const] : [];
    });
    const camel = (flag: string) => flag.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
    // The Redis address's defaults mean "localhost:6379, or a private redis-server": no value of their own.
    const checked = stated.filter(([flag]) => !flag.startsWith('redis-'));
    expect(checked.map(([flag]) => flag)).toContain('alert-consumer-idle-ms');
    for (const [flag, value] of checked) expect([flag, String(defaults[camel(flag)])]).toEqual([flag, value]);
  });

  it('says an option it does not know, the one likely meant, and where the options are listed', () => {
    expect(() => parseConfig(['--no-rest'], {})).toThrow(
      /^unknown option --no-rest \(did you mean --no-reset\?\); --help lists the options$/,
    );
    expect(() => parseConfig(['--alert-oldest-pending', '5'], {})).toThrow(
      /^unknown option --alert-oldest-pending \(did you mean --alert-oldest-pending-ms\?\); --help lists the options$/,
    );
    expect(() => parseConfig(['--colour', 'blue'], {})).toThrow(
      /^unknown option --colour; --help lists the options$/,
    );
    expect(() => parseConfig(['--port'], {})).toThrow(/argument missing; --help lists the options$/);
  });

  it('takes defaults, flags over environment', () => {
    const config = parseConfig([], {});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8788,
      streamKey: 'demo:events:orders',
      maxlen: 2000,
    });
    expect(config).toMatchObject({ claimIdleMs: 5000, processLatencyMs: 25, reset: true, redisTarget: null });
    expect(config.readCount).toBe(10);
    expect(parseConfig([], { STREAMSCOPE_READ_COUNT: '500' }).readCount).toBe(500);
    expect(parseConfig(['--port', '9000'], { STREAMSCOPE_PORT: '9100' }).port).toBe(9000);
    expect(parseConfig([], { STREAMSCOPE_PORT: '9100', STREAMSCOPE_NO_RESET: '1' })).toMatchObject({
      port: 9100,
      reset: false,
    });
    expect(parseConfig(['--redis-host', 'cache', '--redis-port', '6380']).redisTarget).toEqual({
      url: 'redis://cache:6380',
      label: 'cache:6380',
    });
  });

  it('warns when a read of simulated work outlasts the claim threshold, and not otherwise', () => {
    expect(slowBatchWarning(parseConfig([], {}))).toBeNull();
    expect(
      slowBatchWarning(parseConfig(['--process-latency-ms', '0', '--claim-idle-ms', '0'], {})),
    ).toBeNull();
    const warning = slowBatchWarning(
      parseConfig(['--read-count', '10', '--process-latency-ms', '300', '--claim-idle-ms', '2000'], {}),
    );
    expect(warning).toMatch(
      /takes 3000 ms of work, not under --claim-idle-ms 2000: reapers will claim entries/,
    );
  });

  it('needs a token off loopback, and one Redis address form', () => {
    expect(() => parseConfig(['--host', '0.0.0.0'], {})).toThrow(/--token/);
    expect(parseConfig(['--host', '0.0.0.0', '--token', 'a-long-enough-token'], {}).host).toBe('0.0.0.0');
    // All of 127.0.0.0/8 is loopback, as the Host check has it.
    expect(parseConfig(['--host', '127.0.0.2'], {}).host).toBe('127.0.0.2');
    // An origin as a browser sends one: a trailing slash is dropped; a path is refused, never matched silently.
    expect(parseConfig(['--allow-origin', 'http://localhost:5173/'], {}).allowOrigins).toEqual([
      'http://localhost:5173',
    ]);
    expect(() => parseConfig(['--allow-origin', 'http://localhost:5173/app'], {})).toThrow(/without a path/);
    expect(() => parseConfig(['--token', 'short'], {})).toThrow(/at least 16 characters/);
    expect(() => parseConfig(['--token', ' '.repeat(16)], {})).toThrow(/must not contain spaces/);
    expect(() => parseConfig(['--redis-url', 'redis://a:1', '--redis-host', 'b'], {})).toThrow(
      /either --redis-url/,
    );
    expect(() => parseConfig(['--redis-url', 'http://a'], {})).toThrow(
      'redis-url: "http://a" does not start with redis:// or rediss://',
    );
    // Said as what is wrong with the option, not a TypeError's stack (or, for a path, a SELECT NaN later).
    expect(() => parseConfig(['--redis-url', 'redis://[bad'], {})).toThrow(
      /redis-url: "redis:\/\/\[bad" is not a URL/,
    );
    expect(() => parseConfig(['--redis-url', 'redis://a:1/abc'], {})).toThrow(
      /the path must be a database number/,
    );
    expect(parseConfig(['--redis-url', 'redis://a:1/3'], {}).redisTarget).toEqual({
      url: 'redis://a:1/3',
      label: 'a:1',
    });
    expect(() => parseConfig([], { REDIS_URL: 'redis://a:1', REDIS_PORT: '6380' })).toThrow(
      /either REDIS_URL or REDIS_HOST\/REDIS_PORT, not both/,
    );
  });

  it('refuses an origin that is not http(s), and a dead-letter key that is one of the stream’s own, naming the flag', () => {
    for (const origin of ['foo.example', '*', 'file:///']) {
      expect(() => parseConfig(['--allow-origin', origin], {})).toThrow(
        `allow-origin: ${JSON.stringify(origin)} is not an http(s) origin; give origins like http://localhost:5173`,
      );
    }
    expect(() => parseConfig([], { STREAMSCOPE_ALLOW_ORIGIN: '*' })).toThrow(/allow-origin: "\*" is not/);
    const streamKey = ['--stream-key', 's'];
    expect(() => parseConfig([...streamKey, '--dlq-key', 's'], {})).toThrow(
      'dlq-key: must differ from the stream key',
    );
    for (const own of ['s:controls', 's:owned', 's:processed:billing']) {
      expect(() => parseConfig([...streamKey, '--dlq-key', own], {})).toThrow(
        `dlq-key: "${own}" is a key Streamscope keeps beside the stream`,
      );
    }
    // Its requeue marks (`<dlq key>:requeued`) would be the guard of a group named "requeued", or the stream.
    expect(() => parseConfig([...streamKey, '--dlq-key', 's:processed'], {})).toThrow(
      'dlq-key: its requeues would be marked at "s:processed:requeued", a key Streamscope keeps beside the stream',
    );
    expect(() => parseConfig(['--stream-key', 'x:requeued', '--dlq-key', 'x'], {})).toThrow(
      'dlq-key: its requeues would be marked at "x:requeued", the stream key: name another',
    );
    expect(parseConfig([...streamKey, '--dlq-key', 's:letters'], {}).dlqKey).toBe('s:letters');
    // Said with the other bad flags, not only once they are right.
    expect(() => parseConfig([...streamKey, '--dlq-key', 's', '--port', 'x'], {})).toThrow(
      /dlq-key: must differ from the stream key\n {2}- port must be a number, in decimal digits/,
    );
  });

  it('reads a negative number after a flag as its value, out of bounds with the rest, not as an option', () => {
    expect(() => parseConfig(['--claim-idle-ms', '-5', '--port', 'abc', '--maxlen', '0'], {})).toThrow(
      /port must be a number, in decimal digits\n {2}- maxlen must be at least 1\n {2}- claim-idle-ms must be at least 0/,
    );
    expect(() => parseConfig(['--stream-key', '-x'], {})).toThrow(
      /use '--stream-key=-XYZ'; --help lists the options$/,
    );
  });

  it('takes the Redis address from the flags, in either form, over the environment in either form', () => {
    expect(parseConfig(['--redis-host', 'h2'], { REDIS_URL: 'redis://h1:6379' }).redisTarget).toEqual({
      url: 'redis://h2:6379',
      label: 'h2:6379',
    });
    expect(
      parseConfig(['--redis-url', 'redis://h2:7000'], { REDIS_HOST: 'h1', REDIS_PORT: '6390' }).redisTarget,
    ).toEqual({ url: 'redis://h2:7000', label: 'h2:7000' });
    expect(parseConfig([], { REDIS_URL: '', REDIS_HOST: 'h1' }).redisTarget?.label).toBe('h1:6379');
    // Within the flags' form, the environment fills in what they leave out.
    expect(parseConfig(['--redis-port', '7000'], { REDIS_HOST: 'h1' }).redisTarget?.label).toBe('h1:7000');
    expect(parseConfig(['--redis-host', 'h2'], { REDIS_PORT: '7001' }).redisTarget?.label).toBe('h2:7001');
  });

  it.each([
    ['1', false],
    ['true', false],
    ['YES', false],
    ['on', false],
    ['0', true],
    ['false', true],
    ['', true],
  ])('reads STREAMSCOPE_NO_RESET=%s as reset %s', (value, reset) => {
    expect(parseConfig([], { STREAMSCOPE_NO_RESET: value }).reset).toBe(reset);
  });

  it('refuses a STREAMSCOPE_NO_RESET that is neither yes nor no, rather than deleting the stream', () => {
    expect(() => parseConfig([], { STREAMSCOPE_NO_RESET: 'keep' })).toThrow(
      /STREAMSCOPE_NO_RESET must be 1, true, yes or on/,
    );
    expect(parseConfig(['--no-reset'], { STREAMSCOPE_NO_RESET: 'keep' }).reset).toBe(false);
  });

  it('takes the groups and consumers to run from --seed (repeated, or ; in the environment), or none', () => {
    expect(parseConfig([], {}).seeds).toEqual([
      { group: 'notifications', consumers: ['worker-a', 'worker-b'] },
      { group: 'analytics', consumers: ['worker-c'] },
    ]);
    expect(parseConfig(['--seed', 'billing=pod-1, pod-2', '--seed', 'audit=pod-3'], {}).seeds).toEqual([
      { group: 'billing', consumers: ['pod-1', 'pod-2'] },
      { group: 'audit', consumers: ['pod-3'] },
    ]);
    expect(parseConfig([], { STREAMSCOPE_SEED: 'billing=pod-1;audit=pod-3' }).seeds).toHaveLength(2);
    expect(parseConfig(['--seed', 'none'], { STREAMSCOPE_SEED: 'billing=pod-1' }).seeds).toEqual([]);
  });

  it.each([
    ['billing', /seed: "billing" must look like group=consumer,consumer/],
    ['billing=', /seed: group "billing" needs at least one consumer/],
    ['=pod-1', /seed: group "" must not be empty/],
    [
      'billing=pod 1',
      /seed: consumer "pod 1" may contain only ASCII letters, digits and _ . : -, not a space/,
    ],
    ['billing=pod-1,pod-1', /seed: group "billing" names a consumer twice/],
    ['billing=pod-1,,pod-2', /seed: consumer "" must not be empty/],
    ['billing=pod-1;billing=pod-2', /seed: group "billing" is given twice/],
    ['none;billing=pod-1', /seed: "none" must look like/],
    ['', /seed: is empty; give group=consumer,consumer, or none/],
    [' ; ', /seed: is empty/],
  ])('says what is wrong with --seed %s', (seed, message) => {
    expect(() => parseConfig(['--seed', seed], {})).toThrow(message);
  });

  it.each([
    ['--maxlen', 'abc', /maxlen must be a number/],
    ['--claim-idle-ms', '1.5', /claim-idle-ms must be a whole number/],
    ['--process-latency-ms', '60001', /process-latency-ms must be at most 60000/],
    ['--read-count', '0', /read-count must be at least 1/],
    ['--read-count', '1001', /read-count must be at most 1000/],
    ['--max-deliveries', 'five', /max-deliveries must be a number/],
    ['--max-deliveries', '1', /max-deliveries must be at least 2/],
    ['--dlq-maxlen', '0', /dlq-maxlen must be at least 1/],
    ['--reap-interval-ms', '50', /reap-interval-ms must be at least 100/],
    ['--redis-port', '70000', /redis-port must be at most 65535/],
    // Number() reads these as 0: a random port, every pending entry claimable at once, no simulated work.
    ['--claim-idle-ms', ' ', /claim-idle-ms must not be empty/],
    ['--process-latency-ms', '', /process-latency-ms must not be empty/],
    // …and these as 16 and 1000, which no one writing a port or a length means.
    ['--port', '0x10', /port must be a number, in decimal digits\n\n/],
    ['--port', '', /port must not be empty\n\n/],
    ['--maxlen', '1e3', /maxlen must be a number, in decimal digits/],
  ])('names the flag whose value is wrong: %s %s', (flag, value, message) => {
    expect(() => parseConfig([flag, value], {})).toThrow(message);
  });
});
