import { Coalescer } from '@im/common';
import type { ItemResult } from '@im/common';
import type {
  ExpiryNotice,
  Group,
  GroupApplication,
  GroupAttribute,
  GroupMember,
  GroupRepository,
  GroupRole,
  JoinPolicy,
  RelationRepository,
  Store,
} from '@im/store';
import type { RuleVersions } from './rule-versions.port';

/** Answers kept per process at most (the oldest is dropped beyond this). */
const MAX_ENTRIES = 50_000;

/** The rule a cached answer depends on: a group (membership, roles, mutes, dismissal, expiry), a user's blacklist, a user's friendships. */
export const ruleKey = {
  group: (groupId: string): string => `g:${groupId}`,
  blacklist: (ownerId: string): string => `b:${ownerId}`,
  friends: (userId: string): string => `f:${userId}`,
} as const;

interface Entry {
  readonly token: string | undefined;
  readonly value: Promise<unknown>;
}

/**
 * The answers of one process, each kept with the version token of its rule it was read under.
 * Every read compares that token with the current one (the reads of one turn of the event loop
 * share one `RuleVersions.read`: one Redis pipeline for a whole batch of messages) and reads the
 * store again only when the rule changed since. Writers bump the token after the store write,
 * before they return, so a change its writer acknowledged is seen by every later read: the
 * staleness is zero once acknowledged, and a change still under way is seen either way.
 */
export class RuleCache {
  private readonly entries = new Map<string, Entry>();
  private readonly tokens: Coalescer<string, string | undefined>;

  constructor(private readonly versions: RuleVersions) {
    this.tokens = new Coalescer(
      async (keys): Promise<ItemResult<string | undefined>[]> => {
        const unique = [...new Set(keys)];
        const read = await versions.read(unique);
        const byKey = new Map(unique.map((k, i) => [k, read[i]]));
        return keys.map((k) => ({ ok: true, value: byKey.get(k) }));
      },
      { maxBatch: 2048, maxInFlight: 4 },
    );
  }

  /** The answer of `load` for `answerKey`, read again only when `rule` changed since it was cached. */
  async answer<T>(rule: string, answerKey: string, load: () => Promise<T>): Promise<T> {
    const token = await this.tokens.submit(rule);
    const key = `${rule}\u0000${answerKey}`;
    const known = this.entries.get(key);
    if (known && known.token === token) return known.value as Promise<T>;
    const value = load();
    this.remember(key, { token, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** After a write to these rules (and before the writer acknowledges it). */
  changed(rules: readonly string[]): Promise<void> {
    return this.versions.bump(rules);
  }

  private remember(key: string, entry: Entry): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value ?? '');
    this.entries.set(key, entry);
  }
}

/** Group reads that gate every group message (get, member, members) from the cache; every write bumps the group. */
export class CachedGroupRepository implements GroupRepository {
  constructor(
    private readonly inner: GroupRepository,
    private readonly cache: RuleCache,
  ) {}

  private async write<T>(groupId: string, work: Promise<T>): Promise<T> {
    const result = await work;
    await this.cache.changed([ruleKey.group(groupId)]);
    return result;
  }

  get(groupId: string): Promise<Group | undefined> {
    return this.cache.answer(ruleKey.group(groupId), 'group', () => this.inner.get(groupId));
  }
  member(groupId: string, userId: string): Promise<GroupMember | undefined> {
    return this.cache.answer(ruleKey.group(groupId), `m:${userId}`, () => this.inner.member(groupId, userId));
  }
  members(groupId: string): Promise<GroupMember[]> {
    return this.cache.answer(ruleKey.group(groupId), 'members', () => this.inner.members(groupId));
  }
  groupsOf(userId: string): Promise<GroupMember[]> {
    return this.inner.groupsOf(userId);
  }
  create(group: Group, members: readonly { userId: string; role: GroupRole }[]): Promise<boolean> {
    return this.write(group.groupId, this.inner.create(group, members));
  }
  addMembers(groupId: string, userIds: readonly string[], role: GroupRole, joinedSeq: number): Promise<string[]> {
    return this.write(groupId, this.inner.addMembers(groupId, userIds, role, joinedSeq));
  }
  removeMember(groupId: string, userId: string): Promise<boolean> {
    return this.write(groupId, this.inner.removeMember(groupId, userId));
  }
  rename(groupId: string, name: string): Promise<void> {
    return this.write(groupId, this.inner.rename(groupId, name));
  }
  dismiss(groupId: string): Promise<void> {
    return this.write(groupId, this.inner.dismiss(groupId));
  }
  setMuted(groupId: string, muted: boolean): Promise<void> {
    return this.write(groupId, this.inner.setMuted(groupId, muted));
  }
  setRemark(groupId: string, userId: string, remark: string): Promise<boolean> {
    return this.write(groupId, this.inner.setRemark(groupId, userId, remark));
  }
  setMemberMutedUntil(groupId: string, userId: string, until: number | undefined): Promise<boolean> {
    return this.write(groupId, this.inner.setMemberMutedUntil(groupId, userId, until));
  }
  setAttribute(groupId: string, attribute: GroupAttribute, value: string): Promise<void> {
    return this.write(groupId, this.inner.setAttribute(groupId, attribute, value));
  }
  setRole(groupId: string, userId: string, role: GroupRole): Promise<boolean> {
    return this.write(groupId, this.inner.setRole(groupId, userId, role));
  }
  setJoinPolicy(groupId: string, joinPolicy: JoinPolicy): Promise<void> {
    return this.write(groupId, this.inner.setJoinPolicy(groupId, joinPolicy));
  }
  setOwnershipCandidate(groupId: string, candidateId: string | undefined): Promise<void> {
    return this.write(groupId, this.inner.setOwnershipCandidate(groupId, candidateId));
  }
  setOwner(groupId: string, ownerId: string): Promise<void> {
    return this.write(groupId, this.inner.setOwner(groupId, ownerId));
  }
  setExpiry(groupId: string, expiresAt: number | undefined): Promise<void> {
    return this.write(groupId, this.inner.setExpiry(groupId, expiresAt));
  }
  expiryDue(now: number, remindFrom: number, limit: number): Promise<Group[]> {
    return this.inner.expiryDue(now, remindFrom, limit);
  }
  claimExpiryNotice(groupId: string, expiresAt: number, notice: ExpiryNotice, at: number): Promise<boolean> {
    return this.write(groupId, this.inner.claimExpiryNotice(groupId, expiresAt, notice, at));
  }
  addApplication(application: GroupApplication): Promise<boolean> {
    return this.inner.addApplication(application);
  }
  applications(groupId: string): Promise<GroupApplication[]> {
    return this.inner.applications(groupId);
  }
  application(groupId: string, userId: string): Promise<GroupApplication | undefined> {
    return this.inner.application(groupId, userId);
  }
  removeApplication(groupId: string, userId: string): Promise<boolean> {
    return this.inner.removeApplication(groupId, userId);
  }
}

/** The blacklist and friendship checks of every 1:1 message from the cache; every write bumps the users concerned. */
export class CachedRelationRepository implements RelationRepository {
  constructor(
    private readonly inner: RelationRepository,
    private readonly cache: RuleCache,
  ) {}

  async block(ownerId: string, blockedId: string): Promise<void> {
    await this.inner.block(ownerId, blockedId);
    await this.cache.changed([ruleKey.blacklist(ownerId)]);
  }
  async unblock(ownerId: string, blockedId: string): Promise<void> {
    await this.inner.unblock(ownerId, blockedId);
    await this.cache.changed([ruleKey.blacklist(ownerId)]);
  }
  isBlocked(ownerId: string, blockedId: string): Promise<boolean> {
    return this.cache.answer(ruleKey.blacklist(ownerId), blockedId, () => this.inner.isBlocked(ownerId, blockedId));
  }
  blocked(ownerId: string): Promise<string[]> {
    return this.inner.blocked(ownerId);
  }
  async befriend(a: string, b: string): Promise<void> {
    await this.inner.befriend(a, b);
    await this.cache.changed([ruleKey.friends(a), ruleKey.friends(b)]);
  }
  async unfriend(a: string, b: string): Promise<void> {
    await this.inner.unfriend(a, b);
    await this.cache.changed([ruleKey.friends(a), ruleKey.friends(b)]);
  }
  areFriends(a: string, b: string): Promise<boolean> {
    return this.cache.answer(ruleKey.friends(a), b, () => this.inner.areFriends(a, b));
  }
  friends(userId: string): Promise<string[]> {
    return this.inner.friends(userId);
  }
}

/**
 * The store with its group and relation reads answered from a per-process cache (and its group
 * and relation writes bumping the rules they change); everything else is the store itself.
 */
export function withRuleCache<S extends Store>(store: S, versions: RuleVersions): S {
  const cache = new RuleCache(versions);
  const groups = new CachedGroupRepository(store.groups, cache);
  const relations = new CachedRelationRepository(store.relations, cache);
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'groups') return groups;
      if (prop === 'relations') return relations;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
