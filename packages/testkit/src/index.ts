export { uniqueStreamKey } from './keys.js';
export { freePort, RedisServer, type RedisServerOptions } from './redis-server.js';
export { waitFor } from './wait-for.js';
