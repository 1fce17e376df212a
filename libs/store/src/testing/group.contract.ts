import type { Store } from '../store.port';
import { storeFixture } from './store-fixture';

/** Behaviour of groups every Store implementation must show (run by `storeContract`). */
export function groupContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract, groups: ${name}`, () => {
    const fx = storeFixture(makeStore, 't');

    it('creates a group once with its members and roles', async () => {
      const g = { groupId: `${fx.p}g`, name: 'Team', ownerId: `${fx.p}a`, createdAt: 1 };
      const members = [
        { userId: `${fx.p}a`, role: 'owner' as const },
        { userId: `${fx.p}b`, role: 'member' as const },
      ];
      expect(await fx.store.groups.create(g, members)).toBe(true);
      expect(await fx.store.groups.create({ ...g, name: 'Other' }, [])).toBe(false);
      expect(await fx.store.groups.get(g.groupId)).toEqual({
        ...g,
        dismissed: false,
        muted: false,
        joinPolicy: 'approval',
      });
      expect(await fx.store.groups.member(g.groupId, `${fx.p}b`)).toMatchObject({ role: 'member', joinedSeq: 0 });
      expect(await fx.store.groups.member(g.groupId, `${fx.p}z`)).toBeUndefined();
      expect((await fx.store.groups.members(g.groupId)).map((m) => m.userId)).toEqual([`${fx.p}a`, `${fx.p}b`]);
      expect((await fx.store.groups.groupsOf(`${fx.p}b`)).map((m) => m.groupId)).toEqual([g.groupId]);
      expect(await fx.store.groups.get(`${fx.p}none`)).toBeUndefined();
    });

    it('adds members once with their joinedSeq, removes them, renames and dismisses a group', async () => {
      const g = { groupId: `${fx.p}ga`, name: 'Team', ownerId: `${fx.p}a`, createdAt: 1 };
      await fx.store.groups.create(g, [{ userId: `${fx.p}a`, role: 'owner' }]);
      expect(
        await fx.store.groups.addMembers(g.groupId, [`${fx.p}b`, `${fx.p}c`, `${fx.p}a`, `${fx.p}b`], 'member', 7),
      ).toEqual([`${fx.p}b`, `${fx.p}c`]);
      expect(await fx.store.groups.addMembers(g.groupId, [`${fx.p}b`], 'admin', 9)).toEqual([]);
      expect(await fx.store.groups.member(g.groupId, `${fx.p}b`)).toMatchObject({ role: 'member', joinedSeq: 7 });
      expect(await fx.store.groups.member(g.groupId, `${fx.p}a`)).toMatchObject({ role: 'owner', joinedSeq: 0 });
      expect(await fx.store.groups.removeMember(g.groupId, `${fx.p}c`)).toBe(true);
      expect(await fx.store.groups.removeMember(g.groupId, `${fx.p}c`)).toBe(false);
      expect((await fx.store.groups.members(g.groupId)).map((m) => m.userId)).toEqual([`${fx.p}a`, `${fx.p}b`]);
      await fx.store.groups.rename(g.groupId, 'Renamed');
      expect(await fx.store.groups.get(g.groupId)).toMatchObject({ name: 'Renamed', dismissed: false });
      await fx.store.groups.dismiss(g.groupId);
      await fx.store.groups.dismiss(g.groupId);
      expect(await fx.store.groups.get(g.groupId)).toMatchObject({ name: 'Renamed', dismissed: true });
    });

    it('keeps an expiry date and lets exactly one caller claim each expiry notice', async () => {
      const g = { groupId: `${fx.p}gx`, name: 'Team', ownerId: `${fx.p}a`, createdAt: 1 };
      const other = { groupId: `${fx.p}gy`, name: 'Later', ownerId: `${fx.p}a`, createdAt: 1 };
      await fx.store.groups.create(g, [{ userId: `${fx.p}a`, role: 'owner' }]);
      await fx.store.groups.create(other, [{ userId: `${fx.p}a`, role: 'owner' }]);
      const mine = async (now: number, remindFrom: number): Promise<string[]> =>
        (await fx.store.groups.expiryDue(now, remindFrom, 1000))
          .map((x) => x.groupId)
          .filter((id) => id.startsWith(fx.p));
      expect(await fx.store.groups.get(g.groupId)).not.toHaveProperty('expiresAt');
      await fx.store.groups.setExpiry(g.groupId, 10_000);
      await fx.store.groups.setExpiry(other.groupId, 50_000);
      expect(await fx.store.groups.get(g.groupId)).toMatchObject({ expiresAt: 10_000 });
      expect(await fx.store.groups.get(g.groupId)).not.toHaveProperty('remindedAt');
      // Neither is due before the reminder lead reaches it; then only the nearer one.
      expect(await mine(1_000, 9_999)).toEqual([]);
      expect(await mine(1_000, 10_000)).toEqual([g.groupId]);
      // A reminder for a stale expiry claims nothing; for the current one, exactly once.
      expect(await fx.store.groups.claimExpiryNotice(g.groupId, 9_000, 'reminder', 2_000)).toBe(false);
      const claims = await Promise.all(
        [1, 2, 3].map(() => fx.store.groups.claimExpiryNotice(g.groupId, 10_000, 'reminder', 2_000)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await fx.store.groups.get(g.groupId)).toMatchObject({ expiresAt: 10_000, remindedAt: 2_000 });
      expect(await mine(2_000, 20_000)).toEqual([]);
      // Expired: due again until the expired notice is claimed, once.
      expect(await mine(10_000, 20_000)).toEqual([g.groupId]);
      const expired = await Promise.all(
        [1, 2].map(() => fx.store.groups.claimExpiryNotice(g.groupId, 10_000, 'expired', 10_500)),
      );
      expect(expired.filter(Boolean)).toHaveLength(1);
      expect(await fx.store.groups.get(g.groupId)).toMatchObject({ expiredAt: 10_500 });
      expect(await mine(60_000, 70_000)).toEqual([other.groupId]);
      // The other one expires without a reminder: none can be claimed afterwards.
      expect(await fx.store.groups.claimExpiryNotice(other.groupId, 50_000, 'expired', 60_000)).toBe(true);
      expect(await fx.store.groups.claimExpiryNotice(other.groupId, 50_000, 'reminder', 60_000)).toBe(false);
      expect(await mine(60_000, 70_000)).toEqual([]);
      // A new date starts over; clearing it leaves nothing due; a dismissed group is never due.
      await fx.store.groups.setExpiry(g.groupId, 80_000);
      expect(await fx.store.groups.get(g.groupId)).not.toHaveProperty('remindedAt');
      expect(await fx.store.groups.get(g.groupId)).not.toHaveProperty('expiredAt');
      expect(await mine(70_000, 90_000)).toEqual([g.groupId]);
      await fx.store.groups.setExpiry(g.groupId, undefined);
      expect(await fx.store.groups.get(g.groupId)).not.toHaveProperty('expiresAt');
      expect(await mine(90_000, 100_000)).toEqual([]);
      await fx.store.groups.setExpiry(g.groupId, 80_000);
      await fx.store.groups.dismiss(g.groupId);
      expect(await mine(90_000, 100_000)).toEqual([]);
    });

    it('changes a member’s role and mutes a group', async () => {
      const g = { groupId: `${fx.p}gm`, name: 'Team', ownerId: `${fx.p}a`, createdAt: 1 };
      await fx.store.groups.create(g, [
        { userId: `${fx.p}a`, role: 'owner' },
        { userId: `${fx.p}b`, role: 'member' },
      ]);
      expect(await fx.store.groups.setRole(g.groupId, `${fx.p}b`, 'admin')).toBe(true);
      expect(await fx.store.groups.setRole(g.groupId, `${fx.p}z`, 'admin')).toBe(false);
      expect(await fx.store.groups.member(g.groupId, `${fx.p}b`)).toMatchObject({ role: 'admin' });
      expect(await fx.store.groups.member(g.groupId, `${fx.p}z`)).toBeUndefined();
      await fx.store.groups.setMuted(g.groupId, true);
      expect(await fx.store.groups.get(g.groupId)).toMatchObject({ muted: true, dismissed: false });
      await fx.store.groups.setMuted(g.groupId, false);
      expect(await fx.store.groups.get(g.groupId)).toMatchObject({ muted: false });
      expect(await fx.store.groups.get(g.groupId)).not.toHaveProperty('announcement');
      await fx.store.groups.setAttribute(g.groupId, 'avatar', 'https://img/a.png');
      await fx.store.groups.setAttribute(g.groupId, 'announcement', 'Meet at 9');
      await fx.store.groups.setAttribute(g.groupId, 'announcement', 'Meet at 10');
      await fx.store.groups.setAttribute(g.groupId, 'introduction', 'We hike');
      expect(await fx.store.groups.member(g.groupId, `${fx.p}b`)).not.toHaveProperty('remark');
      expect(await fx.store.groups.setRemark(g.groupId, `${fx.p}b`, 'Bee')).toBe(true);
      expect(await fx.store.groups.setRemark(g.groupId, `${fx.p}z`, 'Zed')).toBe(false);
      expect(await fx.store.groups.setMemberMutedUntil(g.groupId, `${fx.p}b`, 5000)).toBe(true);
      expect(await fx.store.groups.member(g.groupId, `${fx.p}b`)).toMatchObject({
        remark: 'Bee',
        mutedUntil: 5000,
        role: 'admin',
      });
      expect((await fx.store.groups.members(g.groupId)).find((m) => m.userId === `${fx.p}b`)).toMatchObject({
        remark: 'Bee',
        mutedUntil: 5000,
      });
      expect(await fx.store.groups.setMemberMutedUntil(g.groupId, `${fx.p}b`, undefined)).toBe(true);
      expect(await fx.store.groups.setMemberMutedUntil(g.groupId, `${fx.p}z`, 1)).toBe(false);
      expect(await fx.store.groups.member(g.groupId, `${fx.p}b`)).not.toHaveProperty('mutedUntil');
      expect(await fx.store.groups.get(g.groupId)).toMatchObject({
        avatar: 'https://img/a.png',
        announcement: 'Meet at 10',
        introduction: 'We hike',
        muted: false,
      });
    });

    it('keeps a join policy and one pending application per user', async () => {
      const g = { groupId: `${fx.p}gj`, name: 'Team', ownerId: `${fx.p}a`, createdAt: 1, joinPolicy: 'free' as const };
      await fx.store.groups.create(g, [{ userId: `${fx.p}a`, role: 'owner' }]);
      expect(await fx.store.groups.get(g.groupId)).toMatchObject({ joinPolicy: 'free' });
      await fx.store.groups.setJoinPolicy(g.groupId, 'invite-only');
      expect(await fx.store.groups.get(g.groupId)).toMatchObject({ joinPolicy: 'invite-only' });
      expect(
        await fx.store.groups.addApplication({ groupId: g.groupId, userId: `${fx.p}c`, message: 'hi', createdAt: 5 }),
      ).toBe(true);
      expect(
        await fx.store.groups.addApplication({
          groupId: g.groupId,
          userId: `${fx.p}c`,
          message: 'again',
          createdAt: 6,
        }),
      ).toBe(false);
      expect(
        await fx.store.groups.addApplication({ groupId: g.groupId, userId: `${fx.p}b`, message: '', createdAt: 7 }),
      ).toBe(true);
      expect(await fx.store.groups.applications(g.groupId)).toEqual([
        { groupId: g.groupId, userId: `${fx.p}c`, message: 'hi', createdAt: 5 },
        { groupId: g.groupId, userId: `${fx.p}b`, message: '', createdAt: 7 },
      ]);
      expect(await fx.store.groups.application(g.groupId, `${fx.p}b`)).toMatchObject({ createdAt: 7 });
      expect(await fx.store.groups.removeApplication(g.groupId, `${fx.p}c`)).toBe(true);
      expect(await fx.store.groups.removeApplication(g.groupId, `${fx.p}c`)).toBe(false);
      expect(await fx.store.groups.application(g.groupId, `${fx.p}c`)).toBeUndefined();
      expect((await fx.store.groups.applications(g.groupId)).map((x) => x.userId)).toEqual([`${fx.p}b`]);
    });

    it('keeps an ownership offer until the owner changes', async () => {
      const g = { groupId: `${fx.p}go`, name: 'Team', ownerId: `${fx.p}a`, createdAt: 1 };
      await fx.store.groups.create(g, [
        { userId: `${fx.p}a`, role: 'owner' },
        { userId: `${fx.p}b`, role: 'member' },
      ]);
      expect((await fx.store.groups.get(g.groupId))?.ownershipCandidate).toBeUndefined();
      await fx.store.groups.setOwnershipCandidate(g.groupId, `${fx.p}b`);
      expect(await fx.store.groups.get(g.groupId)).toMatchObject({ ownershipCandidate: `${fx.p}b` });
      await fx.store.groups.setOwnershipCandidate(g.groupId, undefined);
      expect((await fx.store.groups.get(g.groupId))?.ownershipCandidate).toBeUndefined();
      await fx.store.groups.setOwnershipCandidate(g.groupId, `${fx.p}b`);
      await fx.store.groups.setOwner(g.groupId, `${fx.p}b`);
      const after = await fx.store.groups.get(g.groupId);
      expect(after).toMatchObject({ ownerId: `${fx.p}b` });
      expect(after?.ownershipCandidate).toBeUndefined();
    });
  });
}
