import { Coalescer } from '@im/common';
import type { ItemResult } from '@im/common';
import type { GroupRepository, RelationRepository, Store } from '@im/store';
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

/**
 * Group reads that gate every group message (get, member, members) from the cache; every write
 * bumps the group. Each member has the port's own type (`GroupRepository['…']`): the signatures
 * are declared once, in the port.
 */
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

  readonly get: GroupRepository['get'] = (groupId) =>
    this.cache.answer(ruleKey.group(groupId), 'group', () => this.inner.get(groupId));
  readonly member: GroupRepository['member'] = (groupId, userId) =>
    this.cache.answer(ruleKey.group(groupId), `m:${userId}`, () => this.inner.member(groupId, userId));
  readonly members: GroupRepository['members'] = (groupId) =>
    this.cache.answer(ruleKey.group(groupId), 'members', () => this.inner.members(groupId));
  readonly groupsOf: GroupRepository['groupsOf'] = (userId) => this.inner.groupsOf(userId);
  readonly create: GroupRepository['create'] = (group, members) =>
    this.write(group.groupId, this.inner.create(group, members));
  readonly addMembers: GroupRepository['addMembers'] = (groupId, userIds, role, joinedSeq) =>
    this.write(groupId, this.inner.addMembers(groupId, userIds, role, joinedSeq));
  readonly removeMember: GroupRepository['removeMember'] = (groupId, userId) =>
    this.write(groupId, this.inner.removeMember(groupId, userId));
  readonly rename: GroupRepository['rename'] = (groupId, name) => this.write(groupId, this.inner.rename(groupId, name));
  readonly dismiss: GroupRepository['dismiss'] = (groupId) => this.write(groupId, this.inner.dismiss(groupId));
  readonly setMuted: GroupRepository['setMuted'] = (groupId, muted) =>
    this.write(groupId, this.inner.setMuted(groupId, muted));
  readonly setRemark: GroupRepository['setRemark'] = (groupId, userId, remark) =>
    this.write(groupId, this.inner.setRemark(groupId, userId, remark));
  readonly setMemberMutedUntil: GroupRepository['setMemberMutedUntil'] = (groupId, userId, until) =>
    this.write(groupId, this.inner.setMemberMutedUntil(groupId, userId, until));
  readonly setAttribute: GroupRepository['setAttribute'] = (groupId, attribute, value) =>
    this.write(groupId, this.inner.setAttribute(groupId, attribute, value));
  readonly setRole: GroupRepository['setRole'] = (groupId, userId, role) =>
    this.write(groupId, this.inner.setRole(groupId, userId, role));
  readonly setJoinPolicy: GroupRepository['setJoinPolicy'] = (groupId, joinPolicy) =>
    this.write(groupId, this.inner.setJoinPolicy(groupId, joinPolicy));
  readonly setOwnershipCandidate: GroupRepository['setOwnershipCandidate'] = (groupId, candidateId) =>
    this.write(groupId, this.inner.setOwnershipCandidate(groupId, candidateId));
  readonly setOwner: GroupRepository['setOwner'] = (groupId, ownerId) =>
    this.write(groupId, this.inner.setOwner(groupId, ownerId));
  readonly setExpiry: GroupRepository['setExpiry'] = (groupId, expiresAt) =>
    this.write(groupId, this.inner.setExpiry(groupId, expiresAt));
  readonly expiryDue: GroupRepository['expiryDue'] = (now, remindFrom, limit) =>
    this.inner.expiryDue(now, remindFrom, limit);
  readonly claimExpiryNotice: GroupRepository['claimExpiryNotice'] = (groupId, expiresAt, notice, at) =>
    this.write(groupId, this.inner.claimExpiryNotice(groupId, expiresAt, notice, at));
  readonly addApplication: GroupRepository['addApplication'] = (application) => this.inner.addApplication(application);
  readonly applications: GroupRepository['applications'] = (groupId) => this.inner.applications(groupId);
  readonly application: GroupRepository['application'] = (groupId, userId) => this.inner.application(groupId, userId);
  readonly removeApplication: GroupRepository['removeApplication'] = (groupId, userId) =>
    this.inner.removeApplication(groupId, userId);
}

/** The blacklist and friendship checks of every 1:1 message from the cache; every write bumps the users concerned. */
export class CachedRelationRepository implements RelationRepository {
  constructor(
    private readonly inner: RelationRepository,
    private readonly cache: RuleCache,
  ) {}

  readonly block: RelationRepository['block'] = async (ownerId, blockedId) => {
    await this.inner.block(ownerId, blockedId);
    await this.cache.changed([ruleKey.blacklist(ownerId)]);
  };
  readonly unblock: RelationRepository['unblock'] = async (ownerId, blockedId) => {
    await this.inner.unblock(ownerId, blockedId);
    await this.cache.changed([ruleKey.blacklist(ownerId)]);
  };
  readonly isBlocked: RelationRepository['isBlocked'] = (ownerId, blockedId) =>
    this.cache.answer(ruleKey.blacklist(ownerId), blockedId, () => this.inner.isBlocked(ownerId, blockedId));
  readonly blocked: RelationRepository['blocked'] = (ownerId) => this.inner.blocked(ownerId);
  readonly befriend: RelationRepository['befriend'] = async (a, b) => {
    await this.inner.befriend(a, b);
    await this.cache.changed([ruleKey.friends(a), ruleKey.friends(b)]);
  };
  readonly unfriend: RelationRepository['unfriend'] = async (a, b) => {
    await this.inner.unfriend(a, b);
    await this.cache.changed([ruleKey.friends(a), ruleKey.friends(b)]);
  };
  readonly areFriends: RelationRepository['areFriends'] = (a, b) =>
    this.cache.answer(ruleKey.friends(a), b, () => this.inner.areFriends(a, b));
  readonly friends: RelationRepository['friends'] = (userId) => this.inner.friends(userId);
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
