import type { z } from 'zod';

/** What a missing argument of each kind is told to give, beyond its name. */
const GIVE: Partial<Record<string, string>> = { boolean: 'true or false' };

/** A validation failure as one line a person can act on: each wrong argument by name, and what was wrong. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join('.');
      // zod's own words for an argument left out ("Invalid input: expected string, received undefined") name a
      // JavaScript type; the person sending JSON left a field out.
      if (path && issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
        const give = GIVE[issue.expected];
        return give ? `${path} is missing: give ${give}` : `${path} is missing`;
      }
      return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/**
 * The top-level arguments a validation failure is about, by name, once each (`['start', 'count']`): sent with the
 * error, so that a form marks the fields that gave them without reading the message.
 */
export function issueFields(error: z.ZodError): string[] {
  return [
    ...new Set(error.issues.flatMap((issue) => (typeof issue.path[0] === 'string' ? [issue.path[0]] : []))),
  ];
}
