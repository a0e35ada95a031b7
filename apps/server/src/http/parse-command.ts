import { type Command, commandSchema, describeIssues, issueFields } from '@streamscope/protocol';
import { CommandError } from '../pipeline/command-error.js';

export const COMMAND_TYPES: readonly string[] = commandSchema.options.map(
  (option) => option.shape.type.value,
);

/** Validates a command with the protocol's schema; a failure names every field that was wrong and why. */
export function parseCommand(input: unknown): Command {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new CommandError('bad_request', 'a command must be a JSON object with a "type"');
  }
  const type = (input as { type?: unknown }).type;
  if (type === undefined) {
    throw new CommandError('bad_request', `"type" is missing; give one of ${COMMAND_TYPES.join(', ')}`);
  }
  if (typeof type !== 'string' || !COMMAND_TYPES.includes(type)) {
    throw new CommandError(
      'bad_request',
      `unknown command type ${JSON.stringify(type ?? null)}; expected one of ${COMMAND_TYPES.join(', ')}`,
    );
  }
  const parsed = commandSchema.safeParse(input);
  if (!parsed.success) {
    throw new CommandError('bad_request', `${type}: ${describeIssues(parsed.error)}`, {
      fields: issueFields(parsed.error),
    });
  }
  return parsed.data;
}
