import type { z } from 'zod';

/** What a missing argument of each kind is told to give, beyond its name. */
const GIVE: Partial<Record<string, string>> = { boolean: 'true or false' };

/** What an argument of each kind must be, in words: zod's name the JavaScript types. */
const KIND: Partial<Record<string, string>> = {
  string: 'text (a JSON string)',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

/**
 * One wrong argument of a validation failure: the top-level argument it is about (`null` for the command as a
 * whole: an unknown argument, one of two left out), and what was wrong, led by the argument's name
 * (`start: must be '-', …`, `count must be at least 1`). A form says it with its field's label in place of the
 * name.
 */
export interface ArgumentIssue {
  readonly argument: string | null;
  readonly text: string;
}

/** Each wrong argument of a validation failure, in the order the schema found them (see {@link describeIssues}). */
export function argumentIssues(error: z.ZodError): ArgumentIssue[] {
  return error.issues.map((issue) => ({
    argument: typeof issue.path[0] === 'string' ? issue.path[0] : null,
    text: describeIssue(issue),
  }));
}

function describeIssue(issue: z.ZodError['issues'][number]): string {
  const path = issue.path.join('.');
  // zod's own words for an argument left out ("Invalid input: expected string, received undefined") name a
  // JavaScript type; the person sending JSON left a field out.
  if (path && issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    const give = GIVE[issue.expected];
    return give ? `${path} is missing: give ${give}` : `${path} is missing`;
  }
  // And of one of the wrong kind ("Invalid input: expected string, received number"), in the words of the rest.
  const received = /^Invalid input: expected \w+, received (\w+)$/.exec(issue.message)?.[1];
  if (path && issue.code === 'invalid_type' && received !== undefined) {
    const kind = KIND[issue.expected] ?? issue.expected;
    const given = received === 'null' ? 'null' : `${/^[aeiou]/.test(received) ? 'an' : 'a'} ${received}`;
    return `${path}: must be ${kind}, not ${given}`;
  }
  return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
}

/** A validation failure as one line a person can act on: each wrong argument by name, and what was wrong. */
export function describeIssues(error: z.ZodError): string {
  return argumentIssues(error)
    .map((issue) => issue.text)
    .join('; ');
}

/**
 * The top-level arguments a validation failure is about, by name, once each (`['start', 'count']`): sent with the
 * error, so that a form marks the fields that gave them without reading the message.
 */
export function issueFields(error: z.ZodError): string[] {
  return [...new Set(argumentIssues(error).flatMap(({ argument }) => (argument === null ? [] : [argument])))];
}
