import { ErrorCodes } from '@im/protocol';
import type { ErrorName } from '@im/protocol';

const BY_CODE: ReadonlyMap<number, ErrorName> = new Map(
  (Object.keys(ErrorCodes) as ErrorName[]).map((name) => [ErrorCodes[name].code, name]),
);

/** The registry name of an error code (`IM_ERR_RATE_LIMITED` for 42901), or undefined for a code it does not know. */
export function errorName(code: number): ErrorName | undefined {
  return BY_CODE.get(code);
}

/** Codes after which the same message is sent again (same msgId) after a back-off: rate limited, unavailable. */
export const RETRYABLE_CODES: ReadonlySet<number> = new Set([
  ErrorCodes.IM_ERR_RATE_LIMITED.code,
  ErrorCodes.IM_ERR_UNAVAILABLE.code,
]);

/**
 * A refusal by the server: a send's acknowledgement `{code, msgId, error}` or an HTTP error
 * `{code, name, error}`. `name` is the registry's (`@im/protocol` error codes).
 */
export class ImClientError extends Error {
  override readonly name = 'ImClientError';
  constructor(
    /** The protocol's error code, e.g. 40302. */
    readonly code: number,
    /** The registry name, e.g. `IM_ERR_NOT_MEMBER`; `IM_ERR_UNKNOWN` for a code the registry does not have. */
    readonly errorName: ErrorName | 'IM_ERR_UNKNOWN',
    /** The server's reason for this occurrence. */
    readonly reason: string,
    /** The message the answer is about, for a send. */
    readonly msgId?: string,
    /** The HTTP status, for an HTTP call. */
    readonly status?: number,
  ) {
    super(`${errorName} (${code}): ${reason}`);
  }

  static fromAnswer(code: number, reason: string | undefined, msgId?: string, status?: number): ImClientError {
    const name = errorName(code);
    return new ImClientError(
      code,
      name ?? 'IM_ERR_UNKNOWN',
      reason ?? (name ? ErrorCodes[name].message : 'unknown error'),
      msgId,
      status,
    );
  }
}
