export { freePort, RedisServer, type RedisServerOptions } from './redis-server.js';
