import type { Logger } from '@im/common';
import type { Delivery, DeliveryPort } from '@im/realtime';
import type { DeviceChannel } from './device-channel';

export type Disconnector = (channel: DeviceChannel, reason: string) => void;

/** Routes the deliveries this gateway receives to the device channels of its sockets. */
export class DeliveryRouter {
  private readonly byUser = new Map<string, Set<DeviceChannel>>();

  constructor(
    private readonly port: DeliveryPort,
    private readonly disconnect: Disconnector,
    private readonly logger: Logger,
  ) {
    port.onDelivery((userId, delivery) => this.route(userId, delivery));
  }

  /** Resolves once deliveries for the user reach this gateway. */
  async add(channel: DeviceChannel): Promise<void> {
    let set = this.byUser.get(channel.userId);
    if (!set) {
      set = new Set();
      this.byUser.set(channel.userId, set);
    }
    set.add(channel);
    await this.port.listen(channel.userId);
  }

  async remove(channel: DeviceChannel): Promise<void> {
    const set = this.byUser.get(channel.userId);
    if (!set?.delete(channel)) return;
    if (set.size === 0) this.byUser.delete(channel.userId);
    await this.port.unlisten(channel.userId);
  }

  get connectedUsers(): number {
    return this.byUser.size;
  }

  private route(userId: string, delivery: Delivery): void {
    const channels = this.byUser.get(userId);
    if (!channels) return;
    for (const ch of channels) {
      switch (delivery.kind) {
        case 'stored':
          ch.pushStored(delivery.message);
          break;
        case 'live':
          if (delivery.exceptDeviceId === ch.deviceId && delivery.message.fromId === userId) break;
          if (delivery.deviceId !== undefined && delivery.deviceId !== ch.deviceId) break;
          ch.pushLive(delivery.message);
          break;
        case 'disconnect':
          if (delivery.deviceId === undefined || delivery.deviceId === ch.deviceId)
            this.disconnect(ch, delivery.reason);
          break;
        default:
          this.logger.warn({ delivery }, 'unknown delivery kind');
      }
    }
  }
}
