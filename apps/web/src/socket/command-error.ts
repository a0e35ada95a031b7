import type { ArgumentIssue, ErrorCode } from '@streamscope/protocol';

/** A server `error` code, or why no answer came: `offline` (not connected, or the connection dropped) or `timeout`. */
export type CommandErrorCode = ErrorCode | 'offline' | 'timeout';

export class CommandError extends Error {
  override name = 'CommandError';
  readonly code: CommandErrorCode;
  readonly requestId: string;
  /** The command's arguments whose values were refused, by name (see the protocol's `issueFields`). */
  readonly fields: readonly string[];
  /**
   * Of a command its schema refused, each wrong argument's part of the message, for a form to say with its fields'
   * labels (see `issuesRefusal`); none for other errors, whose message says it whole.
   */
  readonly issues: readonly ArgumentIssue[];

  constructor(
    code: CommandErrorCode,
    message: string,
    requestId: string,
    options?: ErrorOptions & { fields?: readonly string[]; issues?: readonly ArgumentIssue[] },
  ) {
    super(message, options);
    this.code = code;
    this.requestId = requestId;
    this.fields = options?.fields ?? [];
    this.issues = options?.issues ?? [];
  }
}
