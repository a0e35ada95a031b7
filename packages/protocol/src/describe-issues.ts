import type { z } from 'zod';

/** A validation failure as one line naming each wrong field: "count: count must be at least 1" reads badly, so a message that already starts with its field is left alone. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join('.');
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
