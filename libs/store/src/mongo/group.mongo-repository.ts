import type { Model, mongo } from 'mongoose';
import type {
  ExpiryNotice,
  Group,
  GroupApplication,
  GroupAttribute,
  GroupMember,
  GroupRepository,
  GroupRole,
  JoinPolicy,
} from '../store.port';
import { isDuplicateKey, onlyDuplicateKeys } from './mongo.errors';
import { assertId, naturalKey } from './mongo.ids';
import { driverCollection } from './mongo.models';
import type { GroupDoc, GroupExpiryClaimDoc, GroupMemberDoc } from './mongo.models';

type NewMember = { userId: string; role: GroupRole };
type MemberRow = Pick<GroupMemberDoc, 'groupId' | 'userId' | 'role' | 'joinedSeq' | 'remark' | 'mutedUntil'>;

const MEMBER_PROJECTION = { _id: 0, groupId: 1, userId: 1, role: 1, joinedSeq: 1, remark: 1, mutedUntil: 1 } as const;
const GROUP_PROJECTION = {
  _id: 1,
  name: 1,
  ownerId: 1,
  createdAt: 1,
  dismissed: 1,
  muted: 1,
  joinPolicy: 1,
  ownershipCandidate: 1,
  avatar: 1,
  announcement: 1,
  introduction: 1,
  expiresAt: 1,
  remindedAt: 1,
  expiredAt: 1,
} as const;

const memberKey = (groupId: string, userId: string): string => naturalKey(groupId, userId);
const toMember = (r: MemberRow): GroupMember => ({
  groupId: r.groupId,
  userId: r.userId,
  role: r.role,
  joinedSeq: r.joinedSeq,
  ...(typeof r.remark === 'string' ? { remark: r.remark } : {}),
  ...(typeof r.mutedUntil === 'number' ? { mutedUntil: r.mutedUntil } : {}),
});
type GroupRow = Pick<
  GroupDoc,
  | '_id'
  | 'name'
  | 'ownerId'
  | 'createdAt'
  | 'dismissed'
  | 'muted'
  | 'joinPolicy'
  | 'ownershipCandidate'
  | 'avatar'
  | 'announcement'
  | 'introduction'
  | 'expiresAt'
  | 'remindedAt'
  | 'expiredAt'
>;
const toGroup = (r: GroupRow): Group => ({
  groupId: r._id,
  name: r.name,
  ownerId: r.ownerId,
  createdAt: r.createdAt,
  dismissed: r.dismissed === true,
  muted: r.muted === true,
  joinPolicy: r.joinPolicy ?? 'approval',
  ...(r.ownershipCandidate === undefined || r.ownershipCandidate === null
    ? {}
    : { ownershipCandidate: r.ownershipCandidate }),
  ...(typeof r.avatar === 'string' ? { avatar: r.avatar } : {}),
  ...(typeof r.announcement === 'string' ? { announcement: r.announcement } : {}),
  ...(typeof r.introduction === 'string' ? { introduction: r.introduction } : {}),
  ...(typeof r.expiresAt === 'number' ? { expiresAt: r.expiresAt } : {}),
  ...(typeof r.remindedAt === 'number' ? { remindedAt: r.remindedAt } : {}),
  ...(typeof r.expiredAt === 'number' ? { expiredAt: r.expiredAt } : {}),
});

function assertNewGroup(group: Group, members: readonly NewMember[]): void {
  assertId(group.groupId, 'groupId');
  assertId(group.ownerId, 'ownerId');
  assertId(group.name, 'name');
  members.forEach((m, i) => assertId(m.userId, `members[${i}].userId`));
}

/**
 * Groups without transactions: the group document is inserted first, carrying its initial
 * members (`pendingMembers`); the member documents follow (duplicates ignored), then the list
 * is removed. Interrupted half way, the next `create` of that groupId (a retry) finishes the
 * original members and returns false; until then the group has fewer members, never more.
 */
export class MongoGroupRepository implements GroupRepository {
  private readonly groupCollection: mongo.Collection<GroupDoc>;
  private readonly memberCollection: mongo.Collection<GroupMemberDoc>;
  private readonly claimCollection: mongo.Collection<GroupExpiryClaimDoc>;

  constructor(
    private readonly groupModel: Model<GroupDoc>,
    private readonly memberModel: Model<GroupMemberDoc>,
    claimModel: Model<GroupExpiryClaimDoc>,
  ) {
    this.groupCollection = driverCollection(groupModel);
    this.memberCollection = driverCollection(memberModel);
    this.claimCollection = driverCollection(claimModel);
  }

  async create(group: Group, members: readonly NewMember[]): Promise<boolean> {
    assertNewGroup(group, members);
    const pendingMembers = members.map((m) => ({ userId: m.userId, role: m.role }));
    const doc: GroupDoc = {
      _id: group.groupId,
      name: group.name,
      ownerId: group.ownerId,
      createdAt: group.createdAt,
      joinPolicy: group.joinPolicy ?? 'approval',
      pendingMembers,
    };
    try {
      await this.groupCollection.insertOne(doc);
    } catch (error: unknown) {
      if (!isDuplicateKey(error)) throw error;
      await this.finishPending(group.groupId);
      return false;
    }
    await this.writeMembers(group.groupId, pendingMembers);
    return true;
  }

  async get(groupId: string): Promise<Group | undefined> {
    assertId(groupId, 'groupId');
    const row = await this.groupModel.findOne({ _id: groupId }, GROUP_PROJECTION).lean<GroupDoc>().exec();
    return row === null ? undefined : toGroup(row);
  }

  async member(groupId: string, userId: string): Promise<GroupMember | undefined> {
    assertId(groupId, 'groupId');
    assertId(userId, 'userId');
    const row = await this.memberModel
      .findOne({ _id: memberKey(groupId, userId) }, MEMBER_PROJECTION)
      .lean<MemberRow>()
      .exec();
    return row === null ? undefined : toMember(row);
  }

  async members(groupId: string): Promise<GroupMember[]> {
    assertId(groupId, 'groupId');
    return this.memberships({ groupId }, 'userId');
  }

  async groupsOf(userId: string): Promise<GroupMember[]> {
    assertId(userId, 'userId');
    return this.memberships({ userId }, 'groupId');
  }

  /** The memberships of one group or of one user, in order of the other id. */
  private async memberships(
    filter: { groupId: string } | { userId: string },
    orderBy: 'userId' | 'groupId',
  ): Promise<GroupMember[]> {
    const rows = await this.memberModel
      .find(filter, MEMBER_PROJECTION)
      .sort({ [orderBy]: 1 })
      .lean<MemberRow[]>()
      .exec();
    return rows.map(toMember);
  }

  async addMembers(groupId: string, userIds: readonly string[], role: GroupRole, joinedSeq: number): Promise<string[]> {
    assertId(groupId, 'groupId');
    const unique = [...new Set(userIds)];
    unique.forEach((u, i) => assertId(u, `userIds[${i}]`));
    const added: string[] = [];
    for (const userId of unique) {
      try {
        await this.memberCollection.insertOne({ _id: memberKey(groupId, userId), groupId, userId, role, joinedSeq });
        added.push(userId);
      } catch (error: unknown) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    return added;
  }

  async removeMember(groupId: string, userId: string): Promise<boolean> {
    assertId(groupId, 'groupId');
    assertId(userId, 'userId');
    return (await this.memberCollection.deleteOne({ _id: memberKey(groupId, userId) })).deletedCount > 0;
  }

  async rename(groupId: string, name: string): Promise<void> {
    assertId(groupId, 'groupId');
    assertId(name, 'name');
    await this.groupCollection.updateOne({ _id: groupId }, { $set: { name } });
  }

  async dismiss(groupId: string): Promise<void> {
    assertId(groupId, 'groupId');
    await this.groupCollection.updateOne({ _id: groupId }, { $set: { dismissed: true } });
  }

  async setMuted(groupId: string, muted: boolean): Promise<void> {
    assertId(groupId, 'groupId');
    await this.groupCollection.updateOne({ _id: groupId }, { $set: { muted } });
  }

  async setRemark(groupId: string, userId: string, remark: string): Promise<boolean> {
    assertId(groupId, 'groupId');
    assertId(userId, 'userId');
    if (typeof remark !== 'string') throw new TypeError('remark must be a string');
    return (
      (await this.memberCollection.updateOne({ _id: memberKey(groupId, userId) }, { $set: { remark } })).matchedCount >
      0
    );
  }

  async setMemberMutedUntil(groupId: string, userId: string, until: number | undefined): Promise<boolean> {
    assertId(groupId, 'groupId');
    assertId(userId, 'userId');
    const key = { _id: memberKey(groupId, userId) };
    if (until === undefined)
      return (await this.memberCollection.updateOne(key, { $unset: { mutedUntil: 1 } })).matchedCount > 0;
    if (!Number.isSafeInteger(until)) throw new TypeError('until must be an integer');
    return (await this.memberCollection.updateOne(key, { $set: { mutedUntil: until } })).matchedCount > 0;
  }

  async setAttribute(groupId: string, attribute: GroupAttribute, value: string): Promise<void> {
    assertId(groupId, 'groupId');
    if (typeof value !== 'string') throw new TypeError(`${attribute} must be a string`);
    const update: Partial<Record<GroupAttribute, string>> = { [attribute]: value };
    await this.groupCollection.updateOne({ _id: groupId }, { $set: update });
  }

  async setRole(groupId: string, userId: string, role: GroupRole): Promise<boolean> {
    assertId(groupId, 'groupId');
    assertId(userId, 'userId');
    return (
      (await this.memberCollection.updateOne({ _id: memberKey(groupId, userId) }, { $set: { role } })).matchedCount > 0
    );
  }

  async setJoinPolicy(groupId: string, joinPolicy: JoinPolicy): Promise<void> {
    assertId(groupId, 'groupId');
    await this.groupCollection.updateOne({ _id: groupId }, { $set: { joinPolicy } });
  }

  async setOwnershipCandidate(groupId: string, candidateId: string | undefined): Promise<void> {
    assertId(groupId, 'groupId');
    if (candidateId === undefined) {
      await this.groupCollection.updateOne({ _id: groupId }, { $unset: { ownershipCandidate: 1 } });
      return;
    }
    assertId(candidateId, 'candidateId');
    await this.groupCollection.updateOne({ _id: groupId }, { $set: { ownershipCandidate: candidateId } });
  }

  async setOwner(groupId: string, ownerId: string): Promise<void> {
    assertId(groupId, 'groupId');
    assertId(ownerId, 'ownerId');
    await this.groupCollection.updateOne({ _id: groupId }, { $set: { ownerId }, $unset: { ownershipCandidate: 1 } });
  }

  async setExpiry(groupId: string, expiresAt: number | undefined): Promise<void> {
    assertId(groupId, 'groupId');
    if (expiresAt === undefined) {
      await this.groupCollection.updateOne({ _id: groupId }, { $unset: { expiresAt: 1, remindedAt: 1, expiredAt: 1 } });
      return;
    }
    if (!Number.isSafeInteger(expiresAt)) throw new TypeError('expiresAt must be an integer');
    await this.groupCollection.updateOne(
      { _id: groupId },
      { $set: { expiresAt }, $unset: { remindedAt: 1, expiredAt: 1 } },
    );
  }

  async expiryDue(now: number, remindFrom: number, limit: number): Promise<Group[]> {
    for (const [name, v] of [
      ['now', now],
      ['remindFrom', remindFrom],
      ['limit', limit],
    ] as const) {
      if (!Number.isSafeInteger(v)) throw new TypeError(`${name} must be an integer`);
    }
    const rows = await this.groupCollection
      .find(
        {
          expiresAt: { $lte: Math.max(now, remindFrom) },
          expiredAt: { $exists: false },
          dismissed: { $ne: true },
          $or: [{ expiresAt: { $lte: now } }, { remindedAt: { $exists: false } }],
        },
        { projection: GROUP_PROJECTION },
      )
      .sort({ expiresAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return rows.map(toGroup);
  }

  /**
   * FerretDB v1 applies a conditional update as read-modify-write without a lock (see
   * libs/common/src/keyed-lanes.ts): two processes could both "set where unset". The race is decided by a
   * unique `_id` instead: one claim document per (group, expiry date, notice), inserted once; the
   * field on the group (what the sweep's query reads) follows, conditional on the same date.
   */
  async claimExpiryNotice(groupId: string, expiresAt: number, notice: ExpiryNotice, at: number): Promise<boolean> {
    assertId(groupId, 'groupId');
    if (!Number.isSafeInteger(expiresAt) || !Number.isSafeInteger(at))
      throw new TypeError('expiresAt and at must be integers');
    const group = await this.get(groupId);
    if (group?.expiresAt !== expiresAt || group.expiredAt !== undefined) return false;
    if (notice === 'reminder' && group.remindedAt !== undefined) return false;
    try {
      await this.claimCollection.insertOne({
        _id: naturalKey(groupId, String(expiresAt), notice),
        groupId,
        expiresAt,
        notice,
        at,
      });
    } catch (error: unknown) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    const field = notice === 'reminder' ? 'remindedAt' : 'expiredAt';
    const r = await this.groupCollection.updateOne({ _id: groupId, expiresAt }, { $set: { [field]: at } });
    return r.matchedCount > 0;
  }

  async addApplication(a: GroupApplication): Promise<boolean> {
    assertId(a.groupId, 'groupId');
    assertId(a.userId, 'userId');
    const entry = { userId: a.userId, message: a.message, createdAt: a.createdAt };
    const r = await this.groupCollection.updateOne(
      { _id: a.groupId, 'applications.userId': { $ne: a.userId } },
      { $push: { applications: entry } },
    );
    return r.modifiedCount > 0;
  }

  async applications(groupId: string): Promise<GroupApplication[]> {
    assertId(groupId, 'groupId');
    const row = await this.groupCollection.findOne({ _id: groupId }, { projection: { _id: 0, applications: 1 } });
    return (row?.applications ?? [])
      .map((e) => ({ groupId, userId: e.userId, message: e.message, createdAt: e.createdAt }))
      .sort((x, y) => x.createdAt - y.createdAt || (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0));
  }

  async application(groupId: string, userId: string): Promise<GroupApplication | undefined> {
    assertId(userId, 'userId');
    return (await this.applications(groupId)).find((a) => a.userId === userId);
  }

  async removeApplication(groupId: string, userId: string): Promise<boolean> {
    assertId(groupId, 'groupId');
    assertId(userId, 'userId');
    // FerretDB v1's $pull matches whole elements only (no query conditions): pull the exact
    // element as stored.
    const row = await this.groupCollection.findOne({ _id: groupId }, { projection: { _id: 0, applications: 1 } });
    const element = row?.applications?.find((e) => e.userId === userId);
    if (element === undefined) return false;
    const r = await this.groupCollection.updateOne({ _id: groupId }, { $pull: { applications: element } });
    return r.modifiedCount > 0;
  }

  private async finishPending(groupId: string): Promise<void> {
    const row = await this.groupCollection.findOne({ _id: groupId }, { projection: { _id: 0, pendingMembers: 1 } });
    if (row?.pendingMembers !== undefined) await this.writeMembers(groupId, row.pendingMembers);
  }

  private async writeMembers(groupId: string, members: readonly NewMember[]): Promise<void> {
    const docs = members.map((m): GroupMemberDoc => ({
      _id: memberKey(groupId, m.userId),
      groupId,
      userId: m.userId,
      role: m.role,
      joinedSeq: 0,
    }));
    if (docs.length > 0) await this.insertIgnoringDuplicates(docs);
    await this.groupCollection.updateOne({ _id: groupId }, { $unset: { pendingMembers: 1 } });
  }

  private async insertIgnoringDuplicates(docs: GroupMemberDoc[]): Promise<void> {
    try {
      await this.memberCollection.insertMany(docs, { ordered: false });
    } catch (error: unknown) {
      if (!onlyDuplicateKeys(error)) throw error;
    }
  }
}
