import type { Redis } from 'ioredis';
import { StreamError } from './errors.js';

/** A command that ioredis's `defineCommand` added to a connection: the script's keys, then its arguments. */
export type ScriptCommand = (...keysThenArgs: string[]) => Promise<unknown>;

/**
 * One of this library's scripts as a command of `redis`, defined on first use: ioredis's own script command,
 * EVALSHA with a transparent EVAL fallback on NOSCRIPT, so a script called four times a second is not sent each time.
 */
export function scriptCommand(
  redis: Redis,
  name: string,
  script: { lua: string; keys: number },
): ScriptCommand {
  const commands = redis as unknown as Record<string, ScriptCommand | undefined>;
  if (typeof commands[name] !== 'function') {
    redis.defineCommand(name, { numberOfKeys: script.keys, lua: script.lua });
  }
  const command = commands[name];
  if (!command) throw new StreamError(`the ${name} script could not be defined on this connection`);
  return command.bind(redis);
}
