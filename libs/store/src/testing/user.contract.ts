import { randomUUID } from 'node:crypto';
import type { Store } from '../store.port';

/** Behaviour of the user directory every Store implementation must show (SQLite embedded, MongoDB cluster). */
export function userContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`User directory contract: ${name}`, () => {
    let store: Store;
    let p: string;

    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store.close();
    });
    beforeEach(() => {
      p = `u${randomUUID().slice(0, 8)}`;
    });

    it('creates a profile once: a second ensure keeps the first', async () => {
      const first = { userId: `${p}a`, name: 'Alice', avatar: 'https://x.test/a.png', signature: '', updatedAt: 1 };
      expect(await store.users.ensure(first)).toEqual(first);
      expect(await store.users.ensure({ ...first, name: 'Mallory', updatedAt: 2 })).toEqual(first);
      expect(await store.users.get(`${p}a`)).toEqual(first);
      expect(await store.users.get(`${p}none`)).toBeUndefined();
    });

    it('updates only the fields given, and creates a profile named by its id when missing', async () => {
      await store.users.ensure({
        userId: `${p}a`,
        name: 'Alice',
        avatar: 'https://x.test/a.png',
        signature: '',
        updatedAt: 1,
      });
      expect(await store.users.update(`${p}a`, { signature: 'hi' }, 5)).toEqual({
        userId: `${p}a`,
        name: 'Alice',
        avatar: 'https://x.test/a.png',
        signature: 'hi',
        updatedAt: 5,
      });
      expect(await store.users.update(`${p}a`, { name: 'Alicia', avatar: '' }, 6)).toMatchObject({
        name: 'Alicia',
        avatar: '',
        signature: 'hi',
      });
      expect(await store.users.get(`${p}a`)).toMatchObject({ name: 'Alicia', updatedAt: 6 });
      expect(await store.users.update(`${p}b`, { avatar: 'https://x.test/b.png' }, 7)).toEqual({
        userId: `${p}b`,
        name: `${p}b`,
        avatar: 'https://x.test/b.png',
        signature: '',
        updatedAt: 7,
      });
    });

    it('reads many in the order asked, leaving unknown ids out', async () => {
      for (const s of ['a', 'b', 'c'])
        await store.users.ensure({ userId: `${p}${s}`, name: s, avatar: '', signature: '', updatedAt: 1 });
      const many = await store.users.getMany([`${p}c`, `${p}x`, `${p}a`, `${p}c`]);
      expect(many.map((u) => u.userId)).toEqual([`${p}c`, `${p}a`]);
      expect(await store.users.getMany([])).toEqual([]);
    });

    it('searches names by prefix, case-insensitively and literally, by name then id', async () => {
      const names = [`${p}Bob`, `${p}bobby`, `${p}Alice`, `${p}b%b`];
      for (const [i, n] of names.entries())
        await store.users.ensure({ userId: `${p}-${i}`, name: n, avatar: '', signature: '', updatedAt: 1 });
      expect((await store.users.searchByName(`${p}BOB`, 10)).map((u) => u.name)).toEqual([`${p}Bob`, `${p}bobby`]);
      expect((await store.users.searchByName(`${p}b%`, 10)).map((u) => u.name)).toEqual([`${p}b%b`]);
      expect(await store.users.searchByName(`${p}b`, 1)).toHaveLength(1);
      expect(await store.users.searchByName(`${p}zz`, 10)).toEqual([]);
    });

    it('bans, refreshes a ban, and lifts it once', async () => {
      expect(await store.users.banOf(`${p}a`)).toBeUndefined();
      await store.users.ban({ userId: `${p}a`, at: 10, reason: 'spam' });
      await store.users.ban({ userId: `${p}a`, at: 11, reason: 'spam again' });
      expect(await store.users.banOf(`${p}a`)).toEqual({ userId: `${p}a`, at: 11, reason: 'spam again' });
      expect(await store.users.unban(`${p}a`)).toBe(true);
      expect(await store.users.unban(`${p}a`)).toBe(false);
      expect(await store.users.banOf(`${p}a`)).toBeUndefined();
    });
  });
}
