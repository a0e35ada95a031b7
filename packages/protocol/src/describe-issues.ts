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
