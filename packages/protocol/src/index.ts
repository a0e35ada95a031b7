export * from './commands.js';
export * from './describe-issues.js';
export * from './history.js';
export * from './limits.js';
export * from './newest-id.js';
export * from './results.js';
export * from './server-messages.js';
