import { randomUUID } from 'node:crypto';
import type { Store } from '../store.port';

/** Behaviour of groups every Store implementation must show (run by `storeContract`). */
export function groupContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract, groups: ${name}`, () => {
    let store: Store;
    let p: string;

    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store.close();
    });
    beforeEach(() => {
      p = `t${randomUUID().slice(0, 8)}`;
    });

    it('creates a group once with its members and roles', async () => {
      const g = { groupId: `${p}g`, name: 'Team', ownerId: `${p}a`, createdAt: 1 };
      const members = [
        { userId: `${p}a`, role: 'owner' as const },
        { userId: `${p}b`, role: 'member' as const },
      ];
      expect(await store.groups.create(g, members)).toBe(true);
      expect(await store.groups.create({ ...g, name: 'Other' }, [])).toBe(false);
      expect(await store.groups.get(g.groupId)).toEqual({
        ...g,
        dismissed: false,
        muted: false,
        joinPolicy: 'approval',
      });
      expect(await store.groups.member(g.groupId, `${p}b`)).toMatchObject({ role: 'member', joinedSeq: 0 });
      expect(await store.groups.member(g.groupId, `${p}z`)).toBeUndefined();
      expect((await store.groups.members(g.groupId)).map((m) => m.userId)).toEqual([`${p}a`, `${p}b`]);
      expect((await store.groups.groupsOf(`${p}b`)).map((m) => m.groupId)).toEqual([g.groupId]);
      expect(await store.groups.get(`${p}none`)).toBeUndefined();
    });

    it('adds members once with their joinedSeq, removes them, renames and dismisses a group', async () => {
      const g = { groupId: `${p}ga`, name: 'Team', ownerId: `${p}a`, createdAt: 1 };
      await store.groups.create(g, [{ userId: `${p}a`, role: 'owner' }]);
      expect(await store.groups.addMembers(g.groupId, [`${p}b`, `${p}c`, `${p}a`, `${p}b`], 'member', 7)).toEqual([
        `${p}b`,
        `${p}c`,
      ]);
      expect(await store.groups.addMembers(g.groupId, [`${p}b`], 'admin', 9)).toEqual([]);
      expect(await store.groups.member(g.groupId, `${p}b`)).toMatchObject({ role: 'member', joinedSeq: 7 });
      expect(await store.groups.member(g.groupId, `${p}a`)).toMatchObject({ role: 'owner', joinedSeq: 0 });
      expect(await store.groups.removeMember(g.groupId, `${p}c`)).toBe(true);
      expect(await store.groups.removeMember(g.groupId, `${p}c`)).toBe(false);
      expect((await store.groups.members(g.groupId)).map((m) => m.userId)).toEqual([`${p}a`, `${p}b`]);
      await store.groups.rename(g.groupId, 'Renamed');
      expect(await store.groups.get(g.groupId)).toMatchObject({ name: 'Renamed', dismissed: false });
      await store.groups.dismiss(g.groupId);
      await store.groups.dismiss(g.groupId);
      expect(await store.groups.get(g.groupId)).toMatchObject({ name: 'Renamed', dismissed: true });
    });

    it('keeps an expiry date and lets exactly one caller claim each expiry notice', async () => {
      const g = { groupId: `${p}gx`, name: 'Team', ownerId: `${p}a`, createdAt: 1 };
      const other = { groupId: `${p}gy`, name: 'Later', ownerId: `${p}a`, createdAt: 1 };
      await store.groups.create(g, [{ userId: `${p}a`, role: 'owner' }]);
      await store.groups.create(other, [{ userId: `${p}a`, role: 'owner' }]);
      const mine = async (now: number, remindFrom: number): Promise<string[]> =>
        (await store.groups.expiryDue(now, remindFrom, 1000)).map((x) => x.groupId).filter((id) => id.startsWith(p));
      expect(await store.groups.get(g.groupId)).not.toHaveProperty('expiresAt');
      await store.groups.setExpiry(g.groupId, 10_000);
      await store.groups.setExpiry(other.groupId, 50_000);
      expect(await store.groups.get(g.groupId)).toMatchObject({ expiresAt: 10_000 });
      expect(await store.groups.get(g.groupId)).not.toHaveProperty('remindedAt');
      // Neither is due before the reminder lead reaches it; then only the nearer one.
      expect(await mine(1_000, 9_999)).toEqual([]);
      expect(await mine(1_000, 10_000)).toEqual([g.groupId]);
      // A reminder for a stale expiry claims nothing; for the current one, exactly once.
      expect(await store.groups.claimExpiryNotice(g.groupId, 9_000, 'reminder', 2_000)).toBe(false);
      const claims = await Promise.all(
        [1, 2, 3].map(() => store.groups.claimExpiryNotice(g.groupId, 10_000, 'reminder', 2_000)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.groups.get(g.groupId)).toMatchObject({ expiresAt: 10_000, remindedAt: 2_000 });
      expect(await mine(2_000, 20_000)).toEqual([]);
      // Expired: due again until the expired notice is claimed, once.
      expect(await mine(10_000, 20_000)).toEqual([g.groupId]);
      const expired = await Promise.all(
        [1, 2].map(() => store.groups.claimExpiryNotice(g.groupId, 10_000, 'expired', 10_500)),
      );
      expect(expired.filter(Boolean)).toHaveLength(1);
      expect(await store.groups.get(g.groupId)).toMatchObject({ expiredAt: 10_500 });
      expect(await mine(60_000, 70_000)).toEqual([other.groupId]);
      // The other one expires without a reminder: none can be claimed afterwards.
      expect(await store.groups.claimExpiryNotice(other.groupId, 50_000, 'expired', 60_000)).toBe(true);
      expect(await store.groups.claimExpiryNotice(other.groupId, 50_000, 'reminder', 60_000)).toBe(false);
      expect(await mine(60_000, 70_000)).toEqual([]);
      // A new date starts over; clearing it leaves nothing due; a dismissed group is never due.
      await store.groups.setExpiry(g.groupId, 80_000);
      expect(await store.groups.get(g.groupId)).not.toHaveProperty('remindedAt');
      expect(await store.groups.get(g.groupId)).not.toHaveProperty('expiredAt');
      expect(await mine(70_000, 90_000)).toEqual([g.groupId]);
      await store.groups.setExpiry(g.groupId, undefined);
      expect(await store.groups.get(g.groupId)).not.toHaveProperty('expiresAt');
      expect(await mine(90_000, 100_000)).toEqual([]);
      await store.groups.setExpiry(g.groupId, 80_000);
      await store.groups.dismiss(g.groupId);
      expect(await mine(90_000, 100_000)).toEqual([]);
    });

    it('changes a member’s role and mutes a group', async () => {
      const g = { groupId: `${p}gm`, name: 'Team', ownerId: `${p}a`, createdAt: 1 };
      await store.groups.create(g, [
        { userId: `${p}a`, role: 'owner' },
        { userId: `${p}b`, role: 'member' },
      ]);
      expect(await store.groups.setRole(g.groupId, `${p}b`, 'admin')).toBe(true);
      expect(await store.groups.setRole(g.groupId, `${p}z`, 'admin')).toBe(false);
      expect(await store.groups.member(g.groupId, `${p}b`)).toMatchObject({ role: 'admin' });
      expect(await store.groups.member(g.groupId, `${p}z`)).toBeUndefined();
      await store.groups.setMuted(g.groupId, true);
      expect(await store.groups.get(g.groupId)).toMatchObject({ muted: true, dismissed: false });
      await store.groups.setMuted(g.groupId, false);
      expect(await store.groups.get(g.groupId)).toMatchObject({ muted: false });
      expect(await store.groups.get(g.groupId)).not.toHaveProperty('announcement');
      await store.groups.setAttribute(g.groupId, 'avatar', 'https://img/a.png');
      await store.groups.setAttribute(g.groupId, 'announcement', 'Meet at 9');
      await store.groups.setAttribute(g.groupId, 'announcement', 'Meet at 10');
      await store.groups.setAttribute(g.groupId, 'introduction', 'We hike');
      expect(await store.groups.member(g.groupId, `${p}b`)).not.toHaveProperty('remark');
      expect(await store.groups.setRemark(g.groupId, `${p}b`, 'Bee')).toBe(true);
      expect(await store.groups.setRemark(g.groupId, `${p}z`, 'Zed')).toBe(false);
      expect(await store.groups.setMemberMutedUntil(g.groupId, `${p}b`, 5000)).toBe(true);
      expect(await store.groups.member(g.groupId, `${p}b`)).toMatchObject({
        remark: 'Bee',
        mutedUntil: 5000,
        role: 'admin',
      });
      expect((await store.groups.members(g.groupId)).find((m) => m.userId === `${p}b`)).toMatchObject({
        remark: 'Bee',
        mutedUntil: 5000,
      });
      expect(await store.groups.setMemberMutedUntil(g.groupId, `${p}b`, undefined)).toBe(true);
      expect(await store.groups.setMemberMutedUntil(g.groupId, `${p}z`, 1)).toBe(false);
      expect(await store.groups.member(g.groupId, `${p}b`)).not.toHaveProperty('mutedUntil');
      expect(await store.groups.get(g.groupId)).toMatchObject({
        avatar: 'https://img/a.png',
        announcement: 'Meet at 10',
        introduction: 'We hike',
        muted: false,
      });
    });

    it('keeps a join policy and one pending application per user', async () => {
      const g = { groupId: `${p}gj`, name: 'Team', ownerId: `${p}a`, createdAt: 1, joinPolicy: 'free' as const };
      await store.groups.create(g, [{ userId: `${p}a`, role: 'owner' }]);
      expect(await store.groups.get(g.groupId)).toMatchObject({ joinPolicy: 'free' });
      await store.groups.setJoinPolicy(g.groupId, 'invite-only');
      expect(await store.groups.get(g.groupId)).toMatchObject({ joinPolicy: 'invite-only' });
      expect(
        await store.groups.addApplication({ groupId: g.groupId, userId: `${p}c`, message: 'hi', createdAt: 5 }),
      ).toBe(true);
      expect(
        await store.groups.addApplication({ groupId: g.groupId, userId: `${p}c`, message: 'again', createdAt: 6 }),
      ).toBe(false);
      expect(
        await store.groups.addApplication({ groupId: g.groupId, userId: `${p}b`, message: '', createdAt: 7 }),
      ).toBe(true);
      expect(await store.groups.applications(g.groupId)).toEqual([
        { groupId: g.groupId, userId: `${p}c`, message: 'hi', createdAt: 5 },
        { groupId: g.groupId, userId: `${p}b`, message: '', createdAt: 7 },
      ]);
      expect(await store.groups.application(g.groupId, `${p}b`)).toMatchObject({ createdAt: 7 });
      expect(await store.groups.removeApplication(g.groupId, `${p}c`)).toBe(true);
      expect(await store.groups.removeApplication(g.groupId, `${p}c`)).toBe(false);
      expect(await store.groups.application(g.groupId, `${p}c`)).toBeUndefined();
      expect((await store.groups.applications(g.groupId)).map((x) => x.userId)).toEqual([`${p}b`]);
    });

    it('keeps an ownership offer until the owner changes', async () => {
      const g = { groupId: `${p}go`, name: 'Team', ownerId: `${p}a`, createdAt: 1 };
      await store.groups.create(g, [
        { userId: `${p}a`, role: 'owner' },
        { userId: `${p}b`, role: 'member' },
      ]);
      expect((await store.groups.get(g.groupId))?.ownershipCandidate).toBeUndefined();
      await store.groups.setOwnershipCandidate(g.groupId, `${p}b`);
      expect(await store.groups.get(g.groupId)).toMatchObject({ ownershipCandidate: `${p}b` });
      await store.groups.setOwnershipCandidate(g.groupId, undefined);
      expect((await store.groups.get(g.groupId))?.ownershipCandidate).toBeUndefined();
      await store.groups.setOwnershipCandidate(g.groupId, `${p}b`);
      await store.groups.setOwner(g.groupId, `${p}b`);
      const after = await store.groups.get(g.groupId);
      expect(after).toMatchObject({ ownerId: `${p}b` });
      expect(after?.ownershipCandidate).toBeUndefined();
    });
  });
}
