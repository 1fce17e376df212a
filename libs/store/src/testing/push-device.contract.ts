import { randomUUID } from 'node:crypto';
import type { PushDevice, Store } from '../store.port';

/** Push tokens and the user's push switch, as every Store implementation keeps them. */
export function pushDeviceContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store push-device contract: ${name}`, () => {
    let store: Store;
    let p: string;
    const device = (userId: string, deviceId: string, token: string, at = 1000): PushDevice => ({
      userId,
      deviceId,
      platform: 'fcm',
      token,
      updatedAt: at,
    });

    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store.close();
    });
    beforeEach(() => {
      p = `d${randomUUID().slice(0, 8)}`;
    });

    it('keeps one token per (user, device): a second put replaces it; devicesOf lists by user then device', async () => {
      const [a, b] = [`${p}a`, `${p}b`];
      await store.pushDevices.put(device(a, 'phone', `${p}-t1`));
      await store.pushDevices.put({ ...device(a, 'phone', `${p}-t2`, 2000), platform: 'apns' });
      await store.pushDevices.put(device(a, 'pad', `${p}-t3`));
      await store.pushDevices.put(device(b, 'phone', `${p}-t4`));
      expect(await store.pushDevices.devicesOf([b, a, `${p}none`])).toEqual([
        device(a, 'pad', `${p}-t3`),
        { ...device(a, 'phone', `${p}-t2`, 2000), platform: 'apns' },
        device(b, 'phone', `${p}-t4`),
      ]);
      expect(await store.pushDevices.devicesOf([])).toEqual([]);
    });

    it('moves a token: the same token put under another device or user leaves its old place', async () => {
      const [a, b] = [`${p}a`, `${p}b`];
      await store.pushDevices.put(device(a, 'phone', `${p}-t`));
      await store.pushDevices.put(device(b, 'phone', `${p}-t`));
      expect(await store.pushDevices.devicesOf([a, b])).toEqual([device(b, 'phone', `${p}-t`)]);
      await store.pushDevices.put(device(b, 'phone2', `${p}-t`));
      expect(await store.pushDevices.devicesOf([a, b])).toEqual([device(b, 'phone2', `${p}-t`)]);
    });

    it('removes one device, then all of a user; removing again is harmless', async () => {
      const a = `${p}a`;
      await store.pushDevices.put(device(a, 'phone', `${p}-t1`));
      await store.pushDevices.put(device(a, 'pad', `${p}-t2`));
      await store.pushDevices.put(device(a, 'pc', `${p}-t3`));
      expect(await store.pushDevices.remove(a, 'phone')).toBe(true);
      expect(await store.pushDevices.remove(a, 'phone')).toBe(false);
      expect((await store.pushDevices.devicesOf([a])).map((d) => d.deviceId)).toEqual(['pad', 'pc']);
      expect(await store.pushDevices.removeAll(a)).toBe(2);
      expect(await store.pushDevices.removeAll(a)).toBe(0);
      expect(await store.pushDevices.devicesOf([a])).toEqual([]);
    });

    it("keeps each user's push switch", async () => {
      const [a, b] = [`${p}a`, `${p}b`];
      await store.pushDevices.setUserMuted(a, true);
      await store.pushDevices.setUserMuted(a, true);
      expect(await store.pushDevices.mutedUsersAmong([a, b])).toEqual(new Set([a]));
      await store.pushDevices.setUserMuted(a, false);
      await store.pushDevices.setUserMuted(b, false);
      expect(await store.pushDevices.mutedUsersAmong([a, b])).toEqual(new Set());
      expect(await store.pushDevices.mutedUsersAmong([])).toEqual(new Set());
    });
  });
}
