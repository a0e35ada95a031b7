import { randomUUID } from 'node:crypto';

/** A stream key no other test uses, so suites that share a server never see each other's data. */
export function uniqueStreamKey(label = 'stream'): string {
  return `test:${label}:${randomUUID().slice(0, 8)}`;
}
