import type { PushDevice, Store } from '../store.port';
import { storeFixture } from './store-fixture';

/** Push tokens and the user's push switch, as every Store implementation keeps them. */
export function pushDeviceContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store push-device contract: ${name}`, () => {
    const fx = storeFixture(makeStore, 'd');
    const device = (userId: string, deviceId: string, token: string, at = 1000): PushDevice => ({
      userId,
      deviceId,
      platform: 'fcm',
      token,
      updatedAt: at,
    });

    it('keeps one token per (user, device): a second put replaces it; devicesOf lists by user then device', async () => {
      const [a, b] = [`${fx.p}a`, `${fx.p}b`];
      await fx.store.pushDevices.put(device(a, 'phone', `${fx.p}-t1`));
      await fx.store.pushDevices.put({ ...device(a, 'phone', `${fx.p}-t2`, 2000), platform: 'apns' });
      await fx.store.pushDevices.put(device(a, 'pad', `${fx.p}-t3`));
      await fx.store.pushDevices.put(device(b, 'phone', `${fx.p}-t4`));
      expect(await fx.store.pushDevices.devicesOf([b, a, `${fx.p}none`])).toEqual([
        device(a, 'pad', `${fx.p}-t3`),
        { ...device(a, 'phone', `${fx.p}-t2`, 2000), platform: 'apns' },
        device(b, 'phone', `${fx.p}-t4`),
      ]);
      expect(await fx.store.pushDevices.devicesOf([])).toEqual([]);
    });

    it('moves a token: the same token put under another device or user leaves its old place', async () => {
      const [a, b] = [`${fx.p}a`, `${fx.p}b`];
      await fx.store.pushDevices.put(device(a, 'phone', `${fx.p}-t`));
      await fx.store.pushDevices.put(device(b, 'phone', `${fx.p}-t`));
      expect(await fx.store.pushDevices.devicesOf([a, b])).toEqual([device(b, 'phone', `${fx.p}-t`)]);
      await fx.store.pushDevices.put(device(b, 'phone2', `${fx.p}-t`));
      expect(await fx.store.pushDevices.devicesOf([a, b])).toEqual([device(b, 'phone2', `${fx.p}-t`)]);
    });

    it('removes one device, then all of a user; removing again is harmless', async () => {
      const a = `${fx.p}a`;
      await fx.store.pushDevices.put(device(a, 'phone', `${fx.p}-t1`));
      await fx.store.pushDevices.put(device(a, 'pad', `${fx.p}-t2`));
      await fx.store.pushDevices.put(device(a, 'pc', `${fx.p}-t3`));
      expect(await fx.store.pushDevices.remove(a, 'phone')).toBe(true);
      expect(await fx.store.pushDevices.remove(a, 'phone')).toBe(false);
      expect((await fx.store.pushDevices.devicesOf([a])).map((d) => d.deviceId)).toEqual(['pad', 'pc']);
      expect(await fx.store.pushDevices.removeAll(a)).toBe(2);
      expect(await fx.store.pushDevices.removeAll(a)).toBe(0);
      expect(await fx.store.pushDevices.devicesOf([a])).toEqual([]);
    });

    it("keeps each user's push switch", async () => {
      const [a, b] = [`${fx.p}a`, `${fx.p}b`];
      await fx.store.pushDevices.setUserMuted(a, true);
      await fx.store.pushDevices.setUserMuted(a, true);
      expect(await fx.store.pushDevices.mutedUsersAmong([a, b])).toEqual(new Set([a]));
      await fx.store.pushDevices.setUserMuted(a, false);
      await fx.store.pushDevices.setUserMuted(b, false);
      expect(await fx.store.pushDevices.mutedUsersAmong([a, b])).toEqual(new Set());
      expect(await fx.store.pushDevices.mutedUsersAmong([])).toEqual(new Set());
    });
  });
}
