export { ConfigError, parseConfig, type ServerConfig } from './config.js';
export { type RunningServer, type StartOptions, startServer } from './server.js';
