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

/**
 * The delivery in a channel payload, or an Error saying why it is not one. Checks the envelope
 * only: the payload comes from our own services, the message itself was validated on entry.
 */
export function decodeDelivery(payload: string): Delivery | Error {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
  if (!isObject(value) || !hasDeliveryShape(value)) return new Error('not a delivery');
  return value as unknown as Delivery;
}
