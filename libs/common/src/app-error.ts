import { ErrorCodes, imError } from '@im/protocol';
import type { ErrorName, ImError } from '@im/protocol';

/** A known failure thrown inside a service; each transport turns it into its own answer. */
export class AppError extends Error {
  readonly error: ImError;
  /** `cause`: the underlying failure, for the log (never sent to the client). */
  constructor(name: ErrorName, reason?: string, cause?: unknown) {
    const e = imError(name, reason);
    super(e.reason, cause === undefined ? undefined : { cause });
    this.name = 'AppError';
    this.error = e;
  }
  get httpStatus(): number {
    return ErrorCodes[this.error.name].httpStatus;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Turns anything thrown into an ImError; unknown errors become IM_ERR_INTERNAL (the caller logs them). */
export function toImError(e: unknown): { error: ImError; known: boolean } {
  if (isAppError(e)) return { error: e.error, known: true };
  return { error: imError('IM_ERR_INTERNAL'), known: false };
}
