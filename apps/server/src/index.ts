export { ConfigError, parseConfig, type ServerConfig } from './config.js';
export { type RunningServer, type StartOptions, type Stopped, startServer } from './server.js';
