import { type ParseArgsConfig, parseArgs } from 'node:util';
import { nameSchema } from '@streamscope/protocol';
import { likelyMeant, redisUrlProblem } from '@streamscope/streams';
import { z } from 'zod';
import { DEMO_SEEDS, type GroupSeed } from './pipeline/consumer-ref.js';
import { ownKeyClash } from './pipeline/own-keys.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const DEFAULT_STREAM_KEY = 'demo:events:orders';

/**
 * A whole-number flag, written in decimal digits; every message names the flag, whatever was wrong with its
 * value. Not `z.coerce.number()`: its `Number()` reads `''` and `' '` as 0 (`--claim-idle-ms ''` made every
 * pending entry claimable at once, `--port ''` a random port) and `0x10`, `1e3` as 16 and 1000.
 */
const wholeNumber = (label: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    // Each check stops the rest: one mistake, one line (`abc` was also "not a whole number").
    .min(1, { error: `${label} must not be empty`, abort: true })
    .regex(/^-?(\d+(\.\d*)?|\.\d+)$/, { error: `${label} must be a number, in decimal digits`, abort: true })
    .regex(/^-?\d+$/, `${label} must be a whole number`)
    .transform(Number)
    .pipe(
      z.number().min(min, `${label} must be at least ${min}`).max(max, `${label} must be at most ${max}`),
    );

const port = (label: string) => wholeNumber(label, 0, 65535);

/**
 * `--seed`: the groups and consumers this process runs, as `group=consumer,consumer` (the flag repeated, or
 * parts joined with `;`), or `none` to run no workers and only watch. Several processes, each seeding its
 * own groups on one stream, are the seed's "separate consumer pool per group".
 */
const seedsSchema = z.array(z.string()).transform((specs, ctx): GroupSeed[] => {
  const parts = specs
    .flatMap((spec) => spec.split(';'))
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const problem = (message: string) => ctx.addIssue({ code: 'custom', message: `seed: ${message}` });
  if (parts.length === 1 && parts[0] === 'none') return [];
  // An unset variable expanded into the flag must not quietly mean "no workers": that is what none is for.
  if (parts.length === 0) problem('is empty; give group=consumer,consumer, or none to run no workers');
  const seeds: GroupSeed[] = [];
  for (const part of parts) {
    const match = /^([^=]*)=(.*)$/.exec(part);
    if (!match) {
      problem(`${JSON.stringify(part)} must look like group=consumer,consumer (or be none alone)`);
      continue;
    }
    const group = (match[1] ?? '').trim();
    const list = (match[2] ?? '').trim();
    // `a,,b` is a typo, not two consumers: each name between commas is checked, empty ones included.
    const consumers = list === '' ? [] : list.split(',').map((name) => name.trim());
    for (const [what, name] of [['group', group], ...consumers.map((name) => ['consumer', name])]) {
      const checked = nameSchema.safeParse(name);
      if (!checked.success) problem(`${what} ${JSON.stringify(name)} ${checked.error.issues[0]?.message}`);
    }
    if (consumers.length === 0) problem(`group ${JSON.stringify(group)} needs at least one consumer`);
    if (new Set(consumers).size !== consumers.length)
      problem(`group ${JSON.stringify(group)} names a consumer twice`);
    if (seeds.some((seed) => seed.group === group)) problem(`group ${JSON.stringify(group)} is given twice`);
    seeds.push({ group, consumers });
  }
  return seeds;
});

const configSchema = z
  .object({
    host: z.string().min(1, 'host must not be empty').default('127.0.0.1'),
    port: port('port').default(8788),
    redisUrl: z
      .string()
      .superRefine((url, context) => {
        const problem = redisUrlProblem(url);
        if (problem !== null) context.addIssue({ code: 'custom', message: `redis-url: ${problem}` });
      })
      .optional(),
    redisHost: z.string().min(1, 'redis-host must not be empty').optional(),
    redisPort: port('redis-port').optional(),
    streamKey: z
      .string()
      .min(1, 'stream-key must not be empty')
      .max(200, 'stream-key must be at most 200 characters')
      .default(DEFAULT_STREAM_KEY),
    maxlen: wholeNumber('maxlen', 1).default(2000),
    claimIdleMs: wholeNumber('claim-idle-ms', 0).default(5000),
    processLatencyMs: wholeNumber('process-latency-ms', 0, 60_000).default(25),
    readCount: wholeNumber('read-count', 1, 1_000).default(10),
    // From STREAMSCOPE_NO_RESET, so inverted: `true`, `yes`, `on` as well as `1` keep the data (only `1` did,
    // and `true` silently deleted the stream); a value that is neither yes nor no is refused.
    reset: z
      .stringbool({ error: 'STREAMSCOPE_NO_RESET must be 1, true, yes or on (or 0, false, no, off)' })
      .optional()
      .transform((noReset) => noReset !== true),
    seeds: seedsSchema.optional().transform((seeds) => seeds ?? DEMO_SEEDS),
    dlqKey: z
      .string()
      .min(1, 'dlq-key must not be empty')
      .max(200, 'dlq-key must be at most 200 characters')
      .optional(),
    dlqMaxlen: wholeNumber('dlq-maxlen', 1).default(10_000),
    maxDeliveries: wholeNumber('max-deliveries', 2).default(5),
    reapIntervalMs: wholeNumber('reap-interval-ms', 100).default(1000),
    alertLag: wholeNumber('alert-lag', 0).default(1000),
    alertPending: wholeNumber('alert-pending', 0).default(100),
    alertOldestPendingMs: wholeNumber('alert-oldest-pending-ms', 0).default(30_000),
    alertConsumerIdleMs: wholeNumber('alert-consumer-idle-ms', 0).default(60_000),
    token: z
      .string()
      .min(16, 'token must be at least 16 characters')
      .regex(/^\S+$/, 'token must not contain spaces or other whitespace')
      .optional(),
    allowOrigins: z
      .array(
        z
          .string()
          // A page's origin is http or https: `*` or a bare host (`foo.example`) threw a TypeError from the
          // path check below, and `file:///` became the origin "null", which every sandboxed iframe sends.
          .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
            error: (issue) =>
              `allow-origin: ${JSON.stringify(issue.input)} is not an http(s) origin; give origins like http://localhost:5173`,
            abort: true,
          })
          // A browser's Origin has no path: `http://localhost:5173/` was taken, and matched no request.
          .refine(
            (value) => {
              const { pathname, search, hash } = new URL(value);
              return pathname === '/' && search === '' && hash === '';
            },
            { error: 'allow-origin must be origins like http://localhost:5173, without a path' },
          )
          .transform((value) => new URL(value).origin),
      )
      .default([]),
  })
  .refine((config) => isLoopback(config.host) || config.token !== undefined, {
    message: 'binding off loopback exposes the API: --token (or STREAMSCOPE_TOKEN) is required',
  });

export type ServerConfig = z.infer<typeof configSchema> & {
  /** Whether `--seed` (or STREAMSCOPE_SEED) named the seeds, rather than the demo's being taken by default. */
  readonly seedsNamed: boolean;
  /** Where to reach Redis; `null` means "localhost:6379, or a private redis-server when none answers". */
  readonly redisTarget: { readonly url: string; readonly label: string } | null;
};

/**
 * One command-line flag, the one place it is named: parseArgs's options, `--help` and the environment variable
 * that stands in for it are all read off this table, so a flag cannot be added to one and missed in another.
 */
interface Flag {
  /** How it is written, after `--`. */
  readonly name: string;
  /** What its value looks like in `--help`; none for a switch. */
  readonly value?: string;
  /** A switch takes no value; a repeatable flag may be given more than once. */
  readonly kind?: 'switch' | 'repeatable';
  readonly short?: string;
  /** What it does, its default in brackets. */
  readonly text: string;
  readonly more?: string;
  /** The environment variable used when the flag is not given. */
  readonly env?: string;
}

const FLAGS = [
  { name: 'host', value: '<addr>', text: 'listen address (127.0.0.1)', env: 'STREAMSCOPE_HOST' },
  { name: 'port', value: '<n>', text: 'listen port (8788)', env: 'STREAMSCOPE_PORT' },
  { name: 'redis-url', value: '<url>', text: 'redis://host:port', env: 'REDIS_URL' },
  { name: 'redis-host', value: '<host>', text: 'Redis host (localhost)', env: 'REDIS_HOST' },
  { name: 'redis-port', value: '<n>', text: 'Redis port (6379)', env: 'REDIS_PORT' },
  {
    name: 'stream-key',
    value: '<key>',
    text: 'stream key (demo:events:orders)',
    env: 'STREAMSCOPE_STREAM_KEY',
  },
  { name: 'maxlen', value: '<n>', text: 'XADD MAXLEN ~ cap (2000)', env: 'STREAMSCOPE_MAXLEN' },
  {
    name: 'claim-idle-ms',
    value: '<n>',
    text: 'XAUTOCLAIM idle threshold (5000)',
    env: 'STREAMSCOPE_CLAIM_IDLE_MS',
  },
  {
    name: 'process-latency-ms',
    value: '<n>',
    text: 'simulated work per entry (25)',
    env: 'STREAMSCOPE_PROCESS_LATENCY_MS',
  },
  {
    name: 'read-count',
    value: '<n>',
    text: 'entries per XREADGROUP, 1 to 1000 (10)',
    env: 'STREAMSCOPE_READ_COUNT',
  },
  {
    name: 'no-reset',
    kind: 'switch',
    text: 'keep existing data at the stream key',
    env: 'STREAMSCOPE_NO_RESET',
  },
  {
    name: 'seed',
    value: '<group=a,b>',
    kind: 'repeatable',
    text: 'groups and consumers to run, repeatable (or ;-separated), or none',
    more: "('notifications=worker-a,worker-b;analytics=worker-c')",
    env: 'STREAMSCOPE_SEED',
  },
  {
    name: 'dlq-key',
    value: '<key>',
    text: 'dead-letter stream (<stream-key>:dlq)',
    env: 'STREAMSCOPE_DLQ_KEY',
  },
  {
    name: 'dlq-maxlen',
    value: '<n>',
    text: 'dead-letter stream MAXLEN ~ cap (10000)',
    env: 'STREAMSCOPE_DLQ_MAXLEN',
  },
  {
    name: 'max-deliveries',
    value: '<n>',
    text: 'delivery count that dead-letters (5)',
    env: 'STREAMSCOPE_MAX_DELIVERIES',
  },
  {
    name: 'reap-interval-ms',
    value: '<n>',
    text: 'auto-reaper interval when on (1000)',
    env: 'STREAMSCOPE_REAP_INTERVAL_MS',
  },
  { name: 'alert-lag', value: '<n>', text: 'group lag alert threshold (1000)', env: 'STREAMSCOPE_ALERT_LAG' },
  {
    name: 'alert-pending',
    value: '<n>',
    text: 'group pending alert threshold (100)',
    env: 'STREAMSCOPE_ALERT_PENDING',
  },
  {
    name: 'alert-oldest-pending-ms',
    value: '<n>',
    text: 'oldest pending age alert (30000)',
    env: 'STREAMSCOPE_ALERT_OLDEST_PENDING_MS',
  },
  {
    name: 'alert-consumer-idle-ms',
    value: '<n>',
    text: 'consumer idle alert (60000)',
    env: 'STREAMSCOPE_ALERT_CONSUMER_IDLE_MS',
  },
  {
    name: 'token',
    value: '<secret>',
    text: 'required for API and WebSocket; needed off loopback; at least 16 characters',
    env: 'STREAMSCOPE_TOKEN',
  },
  {
    name: 'allow-origin',
    value: '<list>',
    text: 'other origins whose pages may use the API and WebSocket',
    env: 'STREAMSCOPE_ALLOW_ORIGIN',
  },
  { name: 'help', kind: 'switch', short: 'h', text: 'show this help' },
] as const satisfies readonly Flag[];

type FlagName = (typeof FLAGS)[number]['name'];

/** The variable that stands in for a flag, by the flag's name. */
const ENV_OF = new Map<FlagName, string | undefined>(
  FLAGS.map((flag: Flag & { name: FlagName }) => [flag.name, flag.env]),
);

const OPTIONS: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
  FLAGS.map((flag: Flag) => [
    flag.name,
    {
      type: flag.kind === 'switch' ? 'boolean' : 'string',
      ...(flag.kind === 'repeatable' ? { multiple: true } : {}),
      ...(flag.short === undefined ? {} : { short: flag.short }),
    },
  ]),
);

/** A flag's line of `--help`: how it is written, what it does, more lines, and its variable (`=1` for a switch). */
interface HelpLine {
  readonly flag: string;
  readonly text: string;
  readonly more?: string;
  readonly env?: string;
}

const helpLine = (flag: Flag): HelpLine => ({
  flag: `--${flag.name}${flag.value === undefined ? '' : ` ${flag.value}`}${flag.short === undefined ? '' : `, -${flag.short}`}`,
  text: flag.text,
  ...(flag.more === undefined ? {} : { more: flag.more }),
  ...(flag.env === undefined ? {} : { env: flag.kind === 'switch' ? `${flag.env}=1` : flag.env }),
});

/** The widest description the variables' column makes room for; a longer one has its variable on a line below. */
const DESCRIPTION_COLUMN_MAX = 40;

/**
 * The flags in three columns, each as wide as its longest entry: written out by hand, the two longest flags pushed
 * their descriptions and variables out of line with the rest.
 */
function usage(flags: readonly HelpLine[]): string {
  const textAt = 2 + Math.max(...flags.map(({ flag }) => flag.length)) + 2;
  const widest = Math.max(
    ...flags.map(({ text }) => (text.length <= DESCRIPTION_COLUMN_MAX ? text.length : 0)),
  );
  const envAt = textAt + widest + 2;
  const lines = flags.flatMap(({ flag, text, more, env }) => {
    const first = `  ${flag}`.padEnd(textAt) + text;
    const texts = more === undefined ? [first] : [first, ' '.repeat(textAt) + more];
    const last = texts.pop() ?? '';
    if (env === undefined) return [...texts, last];
    if (last.length + 2 <= envAt) return [...texts, last.padEnd(envAt) + env];
    return [...texts, last, ' '.repeat(envAt) + env];
  });
  return `Usage: streamscope [options]\n\n${lines.join('\n')}`;
}

export const USAGE = usage(FLAGS.map(helpLine));

const FLAG_WORDS = '--redis-url or --redis-host/--redis-port';
const ENV_WORDS = 'REDIS_URL or REDIS_HOST/REDIS_PORT';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * What is wrong with the command line's shape (an option it does not know, one missing its value), pointing at
 * `--help`, and for an unknown option at the one likely meant: parseArgs's own words said neither.
 */
function commandLineProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '(-{1,2}[^'=]+)/.exec(message)?.[1];
  // parseArgs's sentences end in a full stop: ".;" read as a typo.
  if (unknown === undefined) return `${message.replace(/\.$/, '')}; --help lists the options`;
  const meant = likelyMeant(
    unknown.replace(/^-+/, ''),
    FLAGS.map((flag) => flag.name),
  );
  return `unknown option ${unknown}${meant === undefined ? '' : ` (did you mean --${meant}?)`}; --help lists the options`;
}

/**
 * `--claim-idle-ms -5` as `--claim-idle-ms=-5`: parseArgs reads a value that starts with a dash as an option
 * of its own, and refused the whole line as ambiguous, where `-5` is a number out of bounds, said with the rest.
 */
function negativesJoined(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let at = 0; at < argv.length; at += 1) {
    const arg = argv[at] ?? '';
    const next = argv[at + 1];
    const takesValue = OPTIONS[arg.replace(/^--/, '')]?.type === 'string' && arg.startsWith('--');
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      at += 1;
    } else joined.push(arg);
  }
  return joined;
}

/** Flags win over environment variables; both are validated with one schema and reported together. */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServerConfig {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: negativesJoined(argv),
      strict: true,
      allowPositionals: false,
      options: OPTIONS,
    }));
  } catch (error) {
    throw new ConfigError(commandLineProblem(error));
  }
  if (values.help) throw new ConfigError(USAGE);

  const flag = (name: FlagName) => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  // An empty variable is an unset one, as elsewhere; an empty flag is a value, for the schema to refuse.
  const variable = (name: FlagName) => {
    const key = ENV_OF.get(name);
    return key === undefined ? undefined : env[key] || undefined;
  };
  const pick = (name: FlagName) => flag(name) ?? variable(name);
  // The Redis address is one setting in two forms, URL or host and port. The form the flags give wins over the
  // environment's other form (REDIS_URL set for other tools must not refuse `--redis-host`); within the form, what
  // a flag leaves out the environment fills in (REDIS_HOST=h1 with `--redis-port 7000` is h1:7000). Only the
  // flags, or only the environment, may give both forms at once: that is the mistake, said in its own words.
  const urlFlag = flag('redis-url');
  const hostFlag = flag('redis-host');
  const portFlag = flag('redis-port');
  const byFlags = urlFlag !== undefined || hostFlag !== undefined || portFlag !== undefined;
  const fromEnv = (name: FlagName) => (urlFlag === undefined ? variable(name) : undefined);
  const address = byFlags
    ? { url: urlFlag, host: hostFlag ?? fromEnv('redis-host'), port: portFlag ?? fromEnv('redis-port') }
    : { url: variable('redis-url'), host: variable('redis-host'), port: variable('redis-port') };
  const { url: redisUrl, host: redisHost, port: redisPort } = address;
  const seedFlags = Array.isArray(values.seed)
    ? values.seed.filter((seed) => typeof seed === 'string')
    : undefined;
  const seedVariable = variable('seed');
  const bothForms = redisUrl !== undefined && (redisHost !== undefined || redisPort !== undefined);
  const parsed = configSchema.safeParse({
    host: pick('host'),
    port: pick('port'),
    redisUrl,
    redisHost,
    redisPort,
    streamKey: pick('stream-key'),
    maxlen: pick('maxlen'),
    claimIdleMs: pick('claim-idle-ms'),
    processLatencyMs: pick('process-latency-ms'),
    readCount: pick('read-count'),
    dlqKey: pick('dlq-key'),
    dlqMaxlen: pick('dlq-maxlen'),
    maxDeliveries: pick('max-deliveries'),
    reapIntervalMs: pick('reap-interval-ms'),
    alertLag: pick('alert-lag'),
    alertPending: pick('alert-pending'),
    alertOldestPendingMs: pick('alert-oldest-pending-ms'),
    alertConsumerIdleMs: pick('alert-consumer-idle-ms'),
    reset: values['no-reset'] === true ? 'true' : variable('no-reset'),
    seeds: seedFlags ?? (seedVariable === undefined ? undefined : [seedVariable]),
    token: pick('token'),
    allowOrigins: (pick('allow-origin') ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
  });
  // Read off the values as given, not the parsed config: a check of the whole object is skipped by zod once any
  // field failed, and this one was then not said with the rest.
  const dlqKey = pick('dlq-key');
  const clash = dlqKey === undefined ? null : ownKeyClash(pick('stream-key') ?? DEFAULT_STREAM_KEY, dlqKey);
  const problems = [
    ...(bothForms ? [`give either ${byFlags ? FLAG_WORDS : ENV_WORDS}, not both`] : []),
    ...(clash === null ? [] : [`dlq-key: ${clash}`]),
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => issue.message)),
  ];
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(
      `invalid options:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n\n${USAGE}`,
    );
  }
  const config = parsed.data;
  const seedsNamed = seedFlags !== undefined || seedVariable !== undefined;
  return { ...config, seedsNamed, redisTarget: redisTarget(config) };
}

function redisTarget(config: z.infer<typeof configSchema>): ServerConfig['redisTarget'] {
  if (config.redisUrl) {
    const url = new URL(config.redisUrl);
    return { url: config.redisUrl, label: `${url.hostname}:${url.port || 6379}` };
  }
  if (config.redisHost === undefined && config.redisPort === undefined) return null;
  const host = config.redisHost ?? 'localhost';
  const port = config.redisPort ?? 6379;
  return { url: `redis://${host.includes(':') ? `[${host}]` : host}:${port}`, label: `${host}:${port}` };
}

/**
 * A warning when one read's worth of simulated work lasts the claim threshold or longer: the last entries of a
 * batch then sit idle past it while the first are handled, and any reaper (a peer's auto-reaper, XAUTOCLAIM from
 * the page) claims them from the consumer still working through them, counting a delivery each time, on to the
 * dead-letter stream. `null` when the settings leave room.
 */
export function slowBatchWarning({ readCount, processLatencyMs, claimIdleMs }: ServerConfig): string | null {
  const batchMs = readCount * processLatencyMs;
  if (batchMs === 0 || batchMs < claimIdleMs) return null;
  return `a read of --read-count ${readCount} entries at --process-latency-ms ${processLatencyMs} takes ${batchMs} ms of work, not under --claim-idle-ms ${claimIdleMs}: reapers will claim entries still waiting in a consumer's batch, and count deliveries it never failed. Lower the read count or the latency, or raise the claim threshold`;
}

/** The whole of 127.0.0.0/8 is loopback, as the Host check takes it: `--host 127.0.0.2` needs no token. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
