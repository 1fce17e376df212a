export type { Delivery, DeliveryHandler, DeliveryPort } from './delivery.port';
export type { DeviceSession, OnceStore, Presence } from './presence.port';
export { MemoryDeliveryHub, MemoryDeliveryPort } from './memory/memory.delivery';
export { MemoryPresence, MemoryOnceStore } from './memory/memory.presence';
