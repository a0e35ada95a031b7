// node ... probe2-letters.tmp.ts <port> <n> : writes 2 letters (one per group) for each of the first n entries
import { Redis } from 'ioredis';
const port = Number(process.argv[2]);
const n = Number(process.argv[3]);
const key = 'demo:events:orders';
const r = new Redis({ port });
const entries = (await r.xrange(key, '-', '+', 'COUNT', n)) as [string, string[]][];
const p = r.pipeline();
for (const g of ['notifications', 'analytics']) {
  for (const [id, f] of entries) {
    p.xadd(`${key}:dlq`, '*', 'dlq_original_id', id, 'dlq_group', g, 'dlq_consumer', 'worker-x', 'dlq_delivery_count', '5',
      'dlq_reason', 'crafted', 'dlq_ts_ms', String(Date.now()), ...f);
  }
}
await p.exec();
console.log('letters', await r.xlen(`${key}:dlq`));
r.disconnect();
