import { Schema, trusted } from 'mongoose';
import type { Connection, Model } from 'mongoose';
import type { PushDevice, PushDeviceRepository, PushPlatform } from '../store.port';
import { isDuplicateKey, retryUpsertRace } from './mongo.errors';
import { assertId, assertIds, naturalKey } from './mongo.ids';
import { options, req } from './mongo.schema-parts';

/** One device's push token; `_id` is the natural key of (userId, deviceId). */
export interface PushDeviceDoc {
  _id: string;
  userId: string;
  deviceId: string;
  platform: PushPlatform;
  token: string;
  updatedAt: number;
}

/** A user who turned every push off; `_id` is the user id. */
export interface PushMutedUserDoc {
  _id: string;
}

function pushDeviceSchema(): Schema<PushDeviceDoc> {
  const s = new Schema<PushDeviceDoc>(
    {
      _id: req(String),
      userId: req(String),
      deviceId: req(String),
      platform: req(String),
      token: req(String),
      updatedAt: req(Number),
    },
    options('push_devices'),
  );
  s.index({ userId: 1 }, { name: 'push_devices_user' });
  s.index({ token: 1 }, { name: 'push_devices_token' });
  return s;
}

export function pushModels(connection: Connection): {
  pushDevices: Model<PushDeviceDoc>;
  pushMutedUsers: Model<PushMutedUserDoc>;
} {
  return {
    pushDevices: connection.model<PushDeviceDoc>('PushDevice', pushDeviceSchema()),
    pushMutedUsers: connection.model<PushMutedUserDoc>(
      'PushMutedUser',
      new Schema<PushMutedUserDoc>({ _id: req(String) }, options('push_muted_users')),
    ),
  };
}

const toDevice = (d: PushDeviceDoc): PushDevice => ({
  userId: d.userId,
  deviceId: d.deviceId,
  platform: d.platform,
  token: d.token,
  updatedAt: d.updatedAt,
});

/** Push tokens on MongoDB / FerretDB v1: single-document writes; a token moved elsewhere is deleted first. */
export class MongoPushDeviceRepository implements PushDeviceRepository {
  constructor(
    private readonly devices: Model<PushDeviceDoc>,
    private readonly mutedUsers: Model<PushMutedUserDoc>,
  ) {}

  async put(device: PushDevice): Promise<void> {
    assertId(device.userId, 'userId');
    assertId(device.deviceId, 'deviceId');
    if (typeof device.token !== 'string') throw new TypeError('MongoStore: token must be a string');
    const _id = naturalKey(device.userId, device.deviceId);
    await this.devices.deleteMany({ token: device.token, _id: trusted({ $ne: _id }) }).exec();
    const { userId, deviceId, platform, token, updatedAt } = device;
    await retryUpsertRace(() =>
      this.devices
        .updateOne({ _id }, { $set: { userId, deviceId, platform, token, updatedAt } }, { upsert: true })
        .exec(),
    );
  }

  async remove(userId: string, deviceId: string): Promise<boolean> {
    assertId(userId, 'userId');
    assertId(deviceId, 'deviceId');
    return (await this.devices.deleteOne({ _id: naturalKey(userId, deviceId) }).exec()).deletedCount > 0;
  }

  async removeAll(userId: string): Promise<number> {
    assertId(userId, 'userId');
    return (await this.devices.deleteMany({ userId }).exec()).deletedCount;
  }

  async devicesOf(userIds: readonly string[]): Promise<PushDevice[]> {
    assertIds(userIds, 'userIds');
    if (userIds.length === 0) return [];
    const rows = await this.devices
      .find({ userId: trusted({ $in: [...new Set(userIds)] }) })
      .lean<PushDeviceDoc[]>()
      .exec();
    return rows
      .map(toDevice)
      .sort((a, b) =>
        a.userId === b.userId ? a.deviceId.localeCompare(b.deviceId) : a.userId.localeCompare(b.userId),
      );
  }

  async setUserMuted(userId: string, muted: boolean): Promise<void> {
    assertId(userId, 'userId');
    if (!muted) {
      await this.mutedUsers.deleteOne({ _id: userId }).exec();
      return;
    }
    try {
      await this.mutedUsers.create({ _id: userId });
    } catch (error: unknown) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async mutedUsersAmong(userIds: readonly string[]): Promise<Set<string>> {
    assertIds(userIds, 'userIds');
    if (userIds.length === 0) return new Set();
    const rows = await this.mutedUsers
      .find({ _id: trusted({ $in: [...new Set(userIds)] }) })
      .lean<PushMutedUserDoc[]>()
      .exec();
    return new Set(rows.map((r) => r._id));
  }
}
