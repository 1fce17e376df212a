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
});
