export { freePort, RedisServer, type RedisServerOptions } from '@streamscope/local-redis';
export { commandCalls, isClientBlocked, untilClientBlocked } from './blocked-client.js';
export { captureWarnings } from './capture-warnings.js';
export { chromiumLaunchOptions } from './chromium.js';
export { type CutAppend, dropConnectionDuringAppend } from './drop-connection.js';
export { uniqueStreamKey } from './keys.js';
export { type PrivateRedis, usePrivateRedis } from './private-redis.js';
export { waitFor } from './wait-for.js';
