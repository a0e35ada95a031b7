import { describe, expect, it } from 'vitest';
import { argumentIssues, commandSchema, describeIssues, issueFields } from './index.js';

function refusal(command: unknown) {
  const parsed = commandSchema.safeParse(command);
  if (parsed.success) throw new Error(`${JSON.stringify(command)} was taken`);
  return parsed.error;
}

describe('describeIssues and issueFields', () => {
  it('say each wrong argument once, by name, in the order the schema found them', () => {
    const error = refusal({ type: 'replay', start: 'x', end: 'y', count: 0 });
    expect(issueFields(error)).toEqual(['start', 'end', 'count']);
    expect(describeIssues(error)).toMatch(/^start: .*; end: .*; count must be at least 1/);
  });

  it('name only the top-level argument of a nested failure', () => {
    expect(issueFields(refusal({ type: 'produce', count: 0, eventType: '' }))).toEqual([
      'count',
      'eventType',
    ]);
  });

  it('say an argument left out is missing, in place of zod’s JavaScript types', () => {
    expect(describeIssues(refusal({ type: 'consumer.add' }))).toBe('group is missing; name is missing');
    expect(describeIssues(refusal({ type: 'autoreap.set', group: 'g' }))).toBe(
      'enabled is missing: give true or false',
    );
  });

  it('say an argument of the wrong kind must be another, in words rather than zod’s JavaScript types', () => {
    expect(describeIssues(refusal({ type: 'autoreap.set', group: 'g', enabled: 'yes' }))).toBe(
      'enabled: must be true or false, not a string',
    );
    expect(describeIssues(refusal({ type: 'consumer.add', group: 5, name: 'w' }))).toBe(
      'group: must be text (a JSON string), not a number',
    );
    expect(describeIssues(refusal({ type: 'produce', count: 1, eventType: null }))).toBe(
      'eventType: must be text (a JSON string), not null',
    );
    expect(describeIssues(refusal({ type: 'produce', count: [1] }))).toMatch(/^count /);
  });
});

describe('argumentIssues', () => {
  it('gives each wrong argument by name with its own words, and the command-wide ones with none', () => {
    expect(argumentIssues(refusal({ type: 'replay', start: 'x', count: 0 }))).toEqual([
      { argument: 'start', text: "start: must be '-', '+', a stream ID, or '(' and a stream ID" },
      { argument: 'count', text: 'count must be at least 1' },
    ]);
    expect(argumentIssues(refusal({ type: 'trim.minid' }))).toEqual([
      { argument: null, text: 'give exactly one of minId or olderThanMs' },
    ]);
  });
});
