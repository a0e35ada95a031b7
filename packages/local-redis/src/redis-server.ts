import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerOptions {
  /** Turn on AOF with `appendfsync always`, so a SIGKILL loses nothing that was acknowledged. */
  readonly appendOnly?: boolean;
  /** Executable to run; defaults to `redis-server` from PATH. */
  readonly executable?: string;
  /** How long to wait for "Ready to accept connections". */
  readonly startTimeoutMs?: number;
}

const HOST = '127.0.0.1';
const live = new Set<ChildProcess>();

// A process that dies half-way must not leave its redis-servers behind.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * A private, throwaway `redis-server` on a free loopback port with its own data directory: for tests, and
 * for the server when no Redis was named and none answers on the default port.
 *
 * @example
 *   const redis = await RedisServer.start({ appendOnly: true });
 *   await redis.kill();      // SIGKILL, as a crash would
 *   await redis.restart();   // same port, same data dir: the AOF is replayed
 *   await redis.stop();
 */
export class RedisServer {
  readonly host = HOST;
  #child: ChildProcess | undefined;
  #log = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly options: RedisServerOptions,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const dir = await mkdtemp(join(tmpdir(), 'streamscope-redis-'));
    let lastError: unknown;
    // The free port can be taken between probing and binding; a fresh port on retry settles it.
    for (let attempt = 0; attempt < 5; attempt++) {
      const server = new RedisServer(await freePort(), dir, options);
      try {
        await server.#spawn();
        return server;
      } catch (error) {
        lastError = error;
      }
    }
    await rm(dir, { recursive: true, force: true });
    throw lastError;
  }

  get url(): string {
    return `redis://${HOST}:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Everything the server printed, for diagnosing a failed test. */
  get log(): string {
    return this.#log;
  }

  /** SIGKILL: no shutdown, no final save; exactly what a crash looks like to clients. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  /** Starts the server again on the same port with the same data directory. */
  async restart(): Promise<void> {
    if (this.#child) throw new Error(`redis-server on port ${this.port} is still running`);
    await this.#spawn();
  }

  /** Stops the server and removes its data directory. */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
    await rm(this.dir, { recursive: true, force: true });
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  #spawn(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      HOST,
      '--dir',
      this.dir,
      '--save',
      '',
      '--daemonize',
      'no',
      '--logfile',
      '',
      '--appendonly',
      this.options.appendOnly ? 'yes' : 'no',
      ...(this.options.appendOnly ? ['--appendfsync', 'always'] : []),
    ];
    const child = spawn(this.options.executable ?? 'redis-server', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    live.add(child);
    const timeoutMs = this.options.startTimeoutMs ?? 10_000;
    // The log keeps every run's output; only this run's "Ready" says that this process accepts connections.
    const runStart = this.#log.length;

    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error(`redis-server did not start in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onOutput = (chunk: Buffer) => {
        this.#log += chunk.toString();
        if (this.#log.includes('Ready to accept connections', runStart)) {
          clearTimeout(timer);
          resolve();
        }
      };
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${error.message}\n${this.#log}`));
      };
      child.stdout?.on('data', onOutput);
      child.stderr?.on('data', onOutput);
      child.once('error', fail);
      child.once('exit', (code, signal) => {
        live.delete(child);
        if (this.#child === child) this.#child = undefined;
        fail(new Error(`redis-server exited early (code ${code}, signal ${signal})`));
      });
    });
  }
}

/** A port that was free a moment ago on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the probed port'));
      });
    });
  });
}
