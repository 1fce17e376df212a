import type { Delivery } from '../delivery.port';

/** A delivery on the wire: JSON, encoded once per send whatever the number of users. */
export function encodeDelivery(delivery: Delivery): string {
  return JSON.stringify(delivery);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function hasDeliveryShape(v: Record<string, unknown>): boolean {
  switch (v.kind) {
    case 'stored':
      return isObject(v.message);
    case 'live':
      return (
        isObject(v.message) &&
        (v.exceptDeviceId === undefined || typeof v.exceptDeviceId === 'string') &&
        (v.deviceId === undefined || typeof v.deviceId === 'string')
      );
    case 'disconnect':
      return typeof v.reason === 'string' && (v.deviceId === undefined || typeof v.deviceId === 'string');
    default:
      return false;
  }
}

function parseJson(payload: string): unknown {
  try {
    return JSON.parse(payload) as unknown;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * The delivery in a channel payload, or an Error saying why it is not one. Checks the envelope
 * only: the payload comes from our own services, the message itself was validated on entry.
 */
export function decodeDelivery(payload: string): Delivery | Error {
  const value = parseJson(payload);
  if (value instanceof Error) return value;
  if (!isObject(value) || !hasDeliveryShape(value)) return new Error('not a delivery');
  return value as unknown as Delivery;
}

/** One gateway's share of a batch: deliveries, each to the users of one of the lists. */
export interface GatewayBatch {
  /** Distinct user lists (one per conversation, typically), referenced by index. */
  readonly users: readonly (readonly string[])[];
  /** [index into `users`, delivery] in send order. */
  readonly deliveries: readonly (readonly [number, Delivery])[];
}

/**
 * A gateway's share of a batch on the wire, built from deliveries already encoded (each encoded
 * once for every gateway): `{"u":[[user, …], …],"d":[[list index, delivery], …]}`.
 */
export function encodeGatewayBatch(userLists: readonly string[], entries: readonly string[]): string {
  return `{"u":[${userLists.join(',')}],"d":[${entries.join(',')}]}`;
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The batch in a gateway channel's payload, or an Error saying why it is not one. */
export function decodeGatewayBatch(payload: string): GatewayBatch | Error {
  const value = parseJson(payload);
  if (value instanceof Error) return value;
  if (!isObject(value) || !Array.isArray(value.u) || !Array.isArray(value.d)) return new Error('not a gateway batch');
  const users: unknown[] = value.u;
  if (!users.every(isStringList)) return new Error('not a gateway batch: user lists');
  const deliveries: [number, Delivery][] = [];
  for (const entry of value.d as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2) return new Error('not a gateway batch: entry');
    const [index, delivery] = entry as [unknown, unknown];
    if (typeof index !== 'number' || users[index] === undefined)
      return new Error('not a gateway batch: user list index');
    if (!isObject(delivery) || !hasDeliveryShape(delivery)) return new Error('not a delivery');
    deliveries.push([index, delivery as unknown as Delivery]);
  }
  return { users: users as string[][], deliveries };
}
