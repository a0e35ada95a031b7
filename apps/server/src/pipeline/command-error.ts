import type { ErrorCode } from '@streamscope/protocol';

/** A command that cannot be carried out as asked; `code` tells the client why (and the HTTP status). */
export class CommandError extends Error {
  override name = 'CommandError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
