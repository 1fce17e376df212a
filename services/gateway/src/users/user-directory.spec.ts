import { ManualClock } from '@im/common';
import { SqliteStore } from '@im/store';
import type { UserProfile } from '@im/store';
import { UserDirectory } from './user-directory';

describe(UserDirectory.name, () => {
  let store: SqliteStore;
  let writes: string[];
  beforeEach(() => {
    store = new SqliteStore(':memory:');
    writes = [];
    const ensure = store.users.ensure.bind(store.users);
    store.users.ensure = (profile: UserProfile) => {
      writes.push(profile.userId);
      return ensure(profile);
    };
  });
  afterEach(() => store.close());

  it('creates a profile from the token claims at first connect, and writes nothing on a reconnect', async () => {
    const users = new UserDirectory(store, new ManualClock(1_000), 0);
    await users.ensure({ sub: 'alice', name: 'Alice' });
    await users.ensure({ sub: 'alice', name: 'Alice' });
    await users.ensure({ sub: 'bob' });
    expect(writes).toEqual(['alice', 'bob']);
    expect(await store.users.get('alice')).toMatchObject({ userId: 'alice', name: 'Alice' });
    expect(await store.users.get('bob')).toMatchObject({ userId: 'bob', name: 'bob' });
  });

  it('never overwrites a profile the user changed, whichever gateway sees them first', async () => {
    const first = new UserDirectory(store, new ManualClock(1_000), 0);
    await first.ensure({ sub: 'alice', name: 'Alice' });
    await first.update('alice', { name: 'Alice Liddell' });
    const other = new UserDirectory(store, new ManualClock(2_000), 0);
    await other.ensure({ sub: 'alice', name: 'Alice' });
    await first.ensure({ sub: 'alice', name: 'Alice' });
    expect(writes).toEqual(['alice', 'alice']);
    expect((await store.users.get('alice'))?.name).toBe('Alice Liddell');
  });

  it('names the sends of one user that miss the cache together with one read, and caches it', async () => {
    const users = new UserDirectory(store, new ManualClock(1_000), 5_000);
    await users.ensure({ sub: 'alice', name: 'Alice' });
    let reads = 0;
    const get = store.users.get.bind(store.users);
    store.users.get = (userId: string) => {
      reads++;
      return get(userId);
    };
    const faces = await Promise.all([1, 2, 3, 4].map(() => users.senderFace({ sub: 'alice' })));
    expect(faces).toEqual(Array(4).fill({ fromName: 'Alice', imageIconUrl: '' }));
    expect(await users.senderFace({ sub: 'alice' })).toEqual({ fromName: 'Alice', imageIconUrl: '' });
    expect(reads).toBe(1);
  });

  it('does not cache what a read found when the profile changed while it ran', async () => {
    const users = new UserDirectory(store, new ManualClock(1_000), 5_000);
    await users.ensure({ sub: 'alice', name: 'Alice' });
    const get = store.users.get.bind(store.users);
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    // Only the directory's read is held (the store's own update reads the profile too).
    store.users.get = async (userId: string) => {
      store.users.get = get;
      const found = await get(userId);
      await held;
      return found;
    };
    const reading = users.senderFace({ sub: 'alice' });
    await users.update('alice', { name: 'Alice Liddell' });
    release();
    expect((await reading).fromName).toBe('Alice');
    expect((await users.senderFace({ sub: 'alice' })).fromName).toBe('Alice Liddell');
  });
});
