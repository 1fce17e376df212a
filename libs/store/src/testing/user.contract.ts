import type { Store } from '../store.port';
import { storeFixture } from './store-fixture';

/** Behaviour of the user directory every Store implementation must show (SQLite embedded, MongoDB cluster). */
export function userContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`User directory contract: ${name}`, () => {
    const fx = storeFixture(makeStore, 'u');

    it('creates a profile once: a second ensure keeps the first', async () => {
      const first = { userId: `${fx.p}a`, name: 'Alice', avatar: 'https://x.test/a.png', signature: '', updatedAt: 1 };
      expect(await fx.store.users.ensure(first)).toEqual(first);
      expect(await fx.store.users.ensure({ ...first, name: 'Mallory', updatedAt: 2 })).toEqual(first);
      expect(await fx.store.users.get(`${fx.p}a`)).toEqual(first);
      expect(await fx.store.users.get(`${fx.p}none`)).toBeUndefined();
    });

    it('updates only the fields given, and creates a profile named by its id when missing', async () => {
      await fx.store.users.ensure({
        userId: `${fx.p}a`,
        name: 'Alice',
        avatar: 'https://x.test/a.png',
        signature: '',
        updatedAt: 1,
      });
      expect(await fx.store.users.update(`${fx.p}a`, { signature: 'hi' }, 5)).toEqual({
        userId: `${fx.p}a`,
        name: 'Alice',
        avatar: 'https://x.test/a.png',
        signature: 'hi',
        updatedAt: 5,
      });
      expect(await fx.store.users.update(`${fx.p}a`, { name: 'Alicia', avatar: '' }, 6)).toMatchObject({
        name: 'Alicia',
        avatar: '',
        signature: 'hi',
      });
      expect(await fx.store.users.get(`${fx.p}a`)).toMatchObject({ name: 'Alicia', updatedAt: 6 });
      expect(await fx.store.users.update(`${fx.p}b`, { avatar: 'https://x.test/b.png' }, 7)).toEqual({
        userId: `${fx.p}b`,
        name: `${fx.p}b`,
        avatar: 'https://x.test/b.png',
        signature: '',
        updatedAt: 7,
      });
    });

    it('reads many in the order asked, leaving unknown ids out', async () => {
      for (const s of ['a', 'b', 'c'])
        await fx.store.users.ensure({ userId: `${fx.p}${s}`, name: s, avatar: '', signature: '', updatedAt: 1 });
      const many = await fx.store.users.getMany([`${fx.p}c`, `${fx.p}x`, `${fx.p}a`, `${fx.p}c`]);
      expect(many.map((u) => u.userId)).toEqual([`${fx.p}c`, `${fx.p}a`]);
      expect(await fx.store.users.getMany([])).toEqual([]);
    });

    it('searches names by prefix, case-insensitively and literally, by name then id', async () => {
      const names = [`${fx.p}Bob`, `${fx.p}bobby`, `${fx.p}Alice`, `${fx.p}b%b`];
      for (const [i, n] of names.entries())
        await fx.store.users.ensure({ userId: `${fx.p}-${i}`, name: n, avatar: '', signature: '', updatedAt: 1 });
      expect((await fx.store.users.searchByName(`${fx.p}BOB`, 10)).map((u) => u.name)).toEqual([
        `${fx.p}Bob`,
        `${fx.p}bobby`,
      ]);
      expect((await fx.store.users.searchByName(`${fx.p}b%`, 10)).map((u) => u.name)).toEqual([`${fx.p}b%b`]);
      expect(await fx.store.users.searchByName(`${fx.p}b`, 1)).toHaveLength(1);
      expect(await fx.store.users.searchByName(`${fx.p}zz`, 10)).toEqual([]);
    });

    it('bans, refreshes a ban, and lifts it once', async () => {
      expect(await fx.store.users.banOf(`${fx.p}a`)).toBeUndefined();
      await fx.store.users.ban({ userId: `${fx.p}a`, at: 10, reason: 'spam' });
      await fx.store.users.ban({ userId: `${fx.p}a`, at: 11, reason: 'spam again' });
      expect(await fx.store.users.banOf(`${fx.p}a`)).toEqual({ userId: `${fx.p}a`, at: 11, reason: 'spam again' });
      expect(await fx.store.users.unban(`${fx.p}a`)).toBe(true);
      expect(await fx.store.users.unban(`${fx.p}a`)).toBe(false);
      expect(await fx.store.users.banOf(`${fx.p}a`)).toBeUndefined();
    });
  });
}
