import { SqliteStore } from '@im/store';
import { checkGroupSend } from '@im/store';
import { MemoryRuleVersions } from './memory/memory.rule-versions';
import { withRuleCache } from './rule-cache';

/** Counts the reads that reach the store under the cache. */
function counting(store: SqliteStore): { store: SqliteStore; reads: () => number } {
  let reads = 0;
  const count =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> => {
      reads++;
      return f(...a);
    };
  const g = store.groups;
  const r = store.relations;
  Object.assign(g, { get: count(g.get.bind(g)), member: count(g.member.bind(g)), members: count(g.members.bind(g)) });
  Object.assign(r, { isBlocked: count(r.isBlocked.bind(r)), areFriends: count(r.areFriends.bind(r)) });
  return { store, reads: () => reads };
}

describe('withRuleCache', () => {
  let raw: SqliteStore;
  let reads: () => number;
  let store: SqliteStore;
  let versions: MemoryRuleVersions;

  beforeEach(async () => {
    ({ store: raw, reads } = counting(new SqliteStore(':memory:')));
    versions = new MemoryRuleVersions();
    store = withRuleCache(raw, versions);
    await store.groups.create({ groupId: 'g1', name: 'G', ownerId: 'o', createdAt: 1 }, [
      { userId: 'o', role: 'owner' },
      { userId: 'm', role: 'member' },
    ]);
  });
  afterEach(async () => {
    await store.close();
  });

  it('answers repeated group checks from the cache, and refuses a member once the kick has returned', async () => {
    expect(await checkGroupSend(store.groups, 'g1', 'm', 10)).toBeUndefined();
    const before = reads();
    for (let i = 0; i < 5; i++) expect(await checkGroupSend(store.groups, 'g1', 'm', 10)).toBeUndefined();
    expect(await store.groups.members('g1')).toHaveLength(2);
    expect(await store.groups.members('g1')).toHaveLength(2);
    expect(reads() - before).toBe(1); // only the first members() read
    await store.groups.removeMember('g1', 'm');
    expect((await checkGroupSend(store.groups, 'g1', 'm', 10))?.code).toBe('IM_ERR_NOT_MEMBER');
    expect((await store.groups.members('g1')).map((x) => x.userId)).toEqual(['o']);
  });

  it('sees a mute and a dismissal as soon as they returned', async () => {
    expect(await checkGroupSend(store.groups, 'g1', 'm', 10)).toBeUndefined();
    await store.groups.setMuted('g1', true);
    expect((await checkGroupSend(store.groups, 'g1', 'm', 10))?.code).toBe('IM_ERR_GROUP_MUTED');
    await store.groups.dismiss('g1');
    expect((await checkGroupSend(store.groups, 'g1', 'o', 10))?.code).toBe('IM_ERR_GROUP_DISMISSED');
  });

  it('caches blacklist and friendship answers until a block, unblock or friendship change', async () => {
    expect(await store.relations.isBlocked('a', 'b')).toBe(false);
    expect(await store.relations.areFriends('a', 'b')).toBe(false);
    const before = reads();
    expect(await store.relations.isBlocked('a', 'b')).toBe(false);
    expect(await store.relations.areFriends('a', 'b')).toBe(false);
    expect(reads()).toBe(before);
    await store.relations.block('a', 'b');
    expect(await store.relations.isBlocked('a', 'b')).toBe(true);
    await store.relations.unblock('a', 'b');
    expect(await store.relations.isBlocked('a', 'b')).toBe(false);
    await store.relations.befriend('b', 'a');
    expect(await store.relations.areFriends('a', 'b')).toBe(true);
    await store.relations.unfriend('a', 'b');
    expect(await store.relations.areFriends('b', 'a')).toBe(false);
  });

  it('reads again when another process bumped the rule (a write through another cache)', async () => {
    const other = withRuleCache(raw, versions);
    expect(await checkGroupSend(store.groups, 'g1', 'm', 10)).toBeUndefined();
    await other.groups.removeMember('g1', 'm');
    expect((await checkGroupSend(store.groups, 'g1', 'm', 10))?.code).toBe('IM_ERR_NOT_MEMBER');
  });

  it('passes everything else through to the store', async () => {
    expect(await store.ping()).toBe(true);
    const r = await store.messages.append({
      conversationId: 'p:a:b',
      message: {
        msgId: 'x',
        fromId: 'a',
        destId: 'b',
        fromType: 1,
        fromName: '',
        imageIconUrl: '',
        content: 'hi',
        messageType: 2,
        sendTime: 1,
      },
    });
    expect(r.stored.seq).toBe(1);
  });
});
