/** A group this process runs, and its consumers' names. */
export interface GroupSeed {
  readonly group: string;
  readonly consumers: readonly string[];
}

/** The demo's starting shape, as the seed describes it: both groups read the whole stream from 0-0. */
export const DEMO_SEEDS: readonly GroupSeed[] = [
  { group: 'notifications', consumers: ['worker-a', 'worker-b'] },
  { group: 'analytics', consumers: ['worker-c'] },
];

/** One consumer, by group and name. */
export interface ConsumerRef {
  readonly group: string;
  readonly name: string;
}

/** A consumer's identity as one string, for sets of them. */
export function refKey(group: string, name: string): string {
  return JSON.stringify([group, name]);
}

/** The consumer a `refKey` names. */
export function fromRefKey(key: string): ConsumerRef {
  const [group, name] = JSON.parse(key) as [string, string];
  return { group, name };
}

/** How many names a message lists before it says only how many more there are. */
const NAMES_LISTED = 10;

/** `a/x, a/y and 3 more`: the first `NAMES_LISTED` names, and how many others. */
export function listed(names: readonly string[]): string {
  const more = names.length > NAMES_LISTED ? ` and ${names.length - NAMES_LISTED} more` : '';
  return `${names.slice(0, NAMES_LISTED).join(', ')}${more}`;
}
