// Consistency checker: node --import tsx apps/server/probe2-check.tmp.ts <port> [streamKey]
import { Redis } from 'ioredis';

const port = Number(process.argv[2] ?? 64550);
const key = process.argv[3] ?? 'demo:events:orders';
const dlq = `${key}:dlq`;
const r = new Redis({ port, lazyConnect: false });

function toObj(flat: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) if (!(flat[i]! in o)) o[flat[i]!] = flat[i + 1]!;
  return o;
}
async function readAll(k: string): Promise<[string, Record<string, string>][]> {
  const out: [string, Record<string, string>][] = [];
  let start = '-';
  for (;;) {
    const page = (await r.xrange(k, start, '+', 'COUNT', 5000)) as [string, string[]][];
    for (const [id, f] of page) out.push([id, toObj(f)]);
    if (page.length < 5000) break;
    start = `(${page[page.length - 1]![0]}`;
  }
  return out;
}
const cmp = (a: string, b: string) => {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am! < bm! ? -1 : am! > bm! ? 1 : as! < bs! ? -1 : as! > bs! ? 1 : 0;
};

const entries = (await r.exists(key)) ? await readAll(key) : [];
const letters = (await r.exists(dlq)) ? await readAll(dlq) : [];
const groups = entries.length || (await r.exists(key)) ? ((await r.xinfo('GROUPS', key)) as unknown[][]).map((g) => toObj(g as string[])) : [];
const copiesBy = new Map<string, string[]>();
let originals = 0;
for (const [id, f] of entries) {
  if (f.requeued_from) {
    const l = copiesBy.get(f.requeued_from) ?? [];
    l.push(id);
    copiesBy.set(f.requeued_from, l);
  } else originals++;
}
const dupCopies = [...copiesBy].filter(([, l]) => l.length > 1);
const byReason = new Map<string, number>();
const lettersByOrig = new Map<string, Record<string, string>[]>();
for (const [id, f] of letters) {
  const reason = (f.dlq_reason ?? '').replace(/\d+/g, 'N').slice(0, 60);
  byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  const l = lettersByOrig.get(f.dlq_original_id ?? '') ?? [];
  l.push({ ...f, id });
  lettersByOrig.set(f.dlq_original_id ?? '', l);
}
const lettersOfRequeued = [...lettersByOrig.keys()].filter((o) => copiesBy.has(o));
const entryById = new Map(entries);
const lettersOfCopies = letters.filter(([, f]) => entryById.get(f.dlq_original_id ?? '')?.requeued_from).length;
const lettersNoReason = letters.filter(([, f]) => !f.dlq_reason);
const marks = (await r.exists(`${dlq}:requeued`)) ? await r.hlen(`${dlq}:requeued`) : 0;
const lastId = entries.length ? entries[entries.length - 1]![0] : '0-0';
const report: Record<string, unknown> = {
  streamLen: entries.length,
  originals,
  copies: entries.length - originals,
  distinctRequeuedFrom: copiesBy.size,
  duplicateCopies: dupCopies.length,
  dupSample: dupCopies.slice(0, 3),
  dlqLen: letters.length,
  lettersByReason: Object.fromEntries(byReason),
  lettersWithoutReason: lettersNoReason.length,
  originalsWithLetterAndCopy: lettersOfRequeued.length,
  letterAndCopySample: lettersOfRequeued.slice(0, 3),
  marks,
  lettersOfCopies,
  keys: (await r.keys(`${key}*`)).sort(),
};
const groupReport: Record<string, unknown>[] = [];
for (const g of groups) {
  const name = g.name!;
  const consumers = ((await r.xinfo('CONSUMERS', key, name)) as unknown[][]).map((c) => toObj(c as string[]));
  const last = g['last-delivered-id']!;
  const unread = entries.filter(([id]) => cmp(id, last) > 0).length;
  // entries neither processed (guard), nor lettered for this group, nor pending, nor unread
  const guardKey = `${key}:processed:${name}`;
  const guard = new Set<string>();
  if (await r.exists(guardKey)) for (const m of await r.zrange(guardKey, 0, -1)) guard.add(m);
  const pend = new Set<string>();
  if (Number(g.pending) > 0) {
    let start = '-';
    for (;;) {
      const rows = (await r.xpending(key, name, start, '+', 5000)) as [string, string, number, number][];
      for (const row of rows) pend.add(row[0]);
      if (rows.length < 5000) break;
      start = `(${rows[rows.length - 1]![0]}`;
    }
  }
  let unaccounted = 0;
  const sample: string[] = [];
  for (const [id, f] of entries) {
    if (cmp(id, last) > 0 || pend.has(id)) continue;
    const ek = f.requeued_from || id;
    if (guard.has(ek)) continue;
    const ls = lettersByOrig.get(id) ?? [];
    if (ls.some((l) => l.dlq_group === name)) continue;
    // poison original requeued: the copy stands for it
    if (f.type === 'poison.pill' && copiesBy.has(id)) continue;
    unaccounted++;
    if (sample.length < 3) sample.push(`${id} ${f.type}`);
  }
  groupReport.push({
    name,
    pending: Number(g.pending),
    lastDelivered: last,
    lag: g.lag,
    unread,
    consumers: consumers.map((c) => `${c.name}:${c.pending}`),
    guardSize: guard.size,
    doneButNotProcessedNorLettered: unaccounted,
    sample,
  });
}
report.groups = groupReport;
report.lastId = lastId;
console.log(JSON.stringify(report, null, 1));
if (process.argv.includes('--dups')) for (const [o, l] of dupCopies.slice(0, 20)) console.log(o, l);
r.disconnect();
