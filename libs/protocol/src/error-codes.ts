/**
 * The one registry of error codes. Every transport (Socket.IO ack, HTTP, dead-letter record)
 * turns an error into `{ code, error }` using this table; nothing invents codes elsewhere.
 * `code` is the number sent in acknowledgements; `httpStatus` is used by the HTTP API.
 */
export const ErrorCodes = {
  IM_ERR_BAD_JSON: { code: 40001, httpStatus: 400, message: 'payload is not valid JSON' },
  IM_ERR_NOT_OBJECT: { code: 40002, httpStatus: 400, message: 'payload must be a JSON object' },
  IM_ERR_INVALID_FIELD: { code: 40003, httpStatus: 400, message: 'a field is missing or has the wrong type' },
  IM_ERR_UNKNOWN_TYPE: { code: 40004, httpStatus: 400, message: 'unknown messageType' },
  IM_ERR_WRONG_DIRECTION: { code: 40005, httpStatus: 400, message: 'this messageType cannot be sent by a client' },
  IM_ERR_BAD_CONTENT: { code: 40006, httpStatus: 400, message: 'content does not match the shape of this messageType' },
  IM_ERR_BAD_FROM_TYPE: { code: 40007, httpStatus: 400, message: 'fromType is not allowed for this messageType' },
  IM_ERR_BAD_REQUEST: { code: 40008, httpStatus: 400, message: 'bad request' },
  IM_ERR_BAD_URL: {
    code: 40009,
    httpStatus: 400,
    message: 'a URL field must be an http or https URL of at most 2048 characters',
  },
  IM_ERR_UNAUTHENTICATED: { code: 40101, httpStatus: 401, message: 'missing, invalid or expired token' },
  IM_ERR_SPOOFED_SENDER: { code: 40301, httpStatus: 403, message: 'fromId is not the authenticated user' },
  IM_ERR_NOT_MEMBER: { code: 40302, httpStatus: 403, message: 'not a member of this group' },
  IM_ERR_BLACKLISTED: { code: 40303, httpStatus: 403, message: 'the receiver has blacklisted the sender' },
  IM_ERR_NOT_FRIEND: { code: 40304, httpStatus: 403, message: 'the receiver is not a friend' },
  IM_ERR_FORBIDDEN: { code: 40305, httpStatus: 403, message: 'not allowed' },
  IM_ERR_RECALL_EXPIRED: { code: 40306, httpStatus: 403, message: 'the recall window has passed' },
  IM_ERR_GROUP_MUTED: {
    code: 40307,
    httpStatus: 403,
    message: 'the group is muted: only the owner and admins may send',
  },
  IM_ERR_BANNED: { code: 40308, httpStatus: 403, message: 'this user is banned' },
  IM_ERR_NOT_FOUND: { code: 40401, httpStatus: 404, message: 'not found' },
  IM_ERR_CONFLICT: { code: 40901, httpStatus: 409, message: 'conflicts with an earlier request' },
  IM_ERR_INSUFFICIENT_FUNDS: { code: 40902, httpStatus: 409, message: 'the balance does not cover the amount' },
  IM_ERR_GROUP_DISMISSED: { code: 41001, httpStatus: 410, message: 'the group has been dismissed' },
  IM_ERR_RED_PACKET_EMPTY: { code: 41002, httpStatus: 410, message: 'every share of the red packet is taken' },
  IM_ERR_RED_PACKET_EXPIRED: { code: 41003, httpStatus: 410, message: 'the red packet has expired' },
  IM_ERR_GROUP_EXPIRED: { code: 41004, httpStatus: 410, message: 'the group has expired' },
  IM_ERR_COLLECTION_CLOSED: {
    code: 41005,
    httpStatus: 410,
    message: 'every share of the collection is paid, or it has expired',
  },
  IM_ERR_TOO_LARGE: { code: 41301, httpStatus: 413, message: 'payload exceeds the size limit' },
  IM_ERR_UNSUPPORTED_MEDIA_TYPE: {
    code: 41501,
    httpStatus: 415,
    message: 'this content type is not accepted for this kind of upload',
  },
  IM_ERR_RATE_LIMITED: { code: 42901, httpStatus: 429, message: 'too many requests; slow down' },
  IM_ERR_INTERNAL: { code: 50001, httpStatus: 500, message: 'internal error' },
  IM_ERR_UNAVAILABLE: { code: 50301, httpStatus: 503, message: 'temporarily unavailable; retry' },
} as const;

export type ErrorName = keyof typeof ErrorCodes;

/** An error value: the registry name plus a human-readable reason for this occurrence. */
export interface ImError {
  readonly name: ErrorName;
  readonly code: number;
  readonly reason: string;
}

export function imError(name: ErrorName, reason?: string): ImError {
  const entry = ErrorCodes[name];
  return { name, code: entry.code, reason: reason ?? entry.message };
}
