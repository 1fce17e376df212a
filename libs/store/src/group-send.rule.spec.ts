import { groupSendRefusal } from './group-send.rule';
import type { GroupSender } from './group-send.rule';
import type { Group, GroupMember, GroupRole } from './store.port';

const NOW = 1_000_000;
const group = (extra: Partial<Group> = {}): Group => ({
  groupId: 'g1',
  name: 'g',
  ownerId: 'owner',
  createdAt: 0,
  ...extra,
});
const member = (role: GroupRole, mutedUntil?: number): GroupSender => ({
  member: {
    groupId: 'g1',
    userId: role,
    role,
    joinedSeq: 0,
    ...(mutedUntil === undefined ? {} : { mutedUntil }),
  } satisfies GroupMember,
});
const outsider: GroupSender = { member: undefined };

describe(groupSendRefusal.name, () => {
  const table: [string, Group | undefined, GroupSender, string | undefined][] = [
    ['lets a member send to a live group', group(), member('member'), undefined],
    ['lets the owner send', group(), member('owner'), undefined],
    ['lets an admin send', group(), member('admin'), undefined],
    ['lets the server post', group(), 'server', undefined],
    ['refuses any send to a group that does not exist', undefined, member('member'), 'IM_ERR_NOT_FOUND'],
    ['refuses the server for a group that does not exist', undefined, 'server', 'IM_ERR_NOT_FOUND'],
    ['refuses a member of a dismissed group', group({ dismissed: true }), member('owner'), 'IM_ERR_GROUP_DISMISSED'],
    ['refuses the server for a dismissed group', group({ dismissed: true }), 'server', 'IM_ERR_GROUP_DISMISSED'],
    [
      'refuses an outsider of a dismissed group as dismissed (dismissal first)',
      group({ dismissed: true }),
      outsider,
      'IM_ERR_GROUP_DISMISSED',
    ],
    ['refuses an outsider', group(), outsider, 'IM_ERR_NOT_MEMBER'],
    [
      'refuses a member once the group expired',
      group({ expiresAt: NOW - 1 }),
      member('member'),
      'IM_ERR_GROUP_EXPIRED',
    ],
    ['refuses the owner at the very expiry time', group({ expiresAt: NOW }), member('owner'), 'IM_ERR_GROUP_EXPIRED'],
    ['lets a member send just before the expiry', group({ expiresAt: NOW + 1 }), member('member'), undefined],
    ['lets the server post to an expired group', group({ expiresAt: NOW - 1 }), 'server', undefined],
    [
      'refuses an outsider of an expired group as expired (expiry before membership)',
      group({ expiresAt: NOW }),
      outsider,
      'IM_ERR_GROUP_EXPIRED',
    ],
    [
      'prefers dismissed over expired',
      group({ dismissed: true, expiresAt: NOW - 1 }),
      member('member'),
      'IM_ERR_GROUP_DISMISSED',
    ],
    ['refuses a member of a muted group', group({ muted: true }), member('member'), 'IM_ERR_GROUP_MUTED'],
    ['lets the owner send to a muted group', group({ muted: true }), member('owner'), undefined],
    ['lets an admin send to a muted group', group({ muted: true }), member('admin'), undefined],
    ['lets the server post to a muted group', group({ muted: true }), 'server', undefined],
    ['refuses an outsider of a muted group as not a member', group({ muted: true }), outsider, 'IM_ERR_NOT_MEMBER'],
    ['refuses a member muted until later', group(), member('member', NOW + 1), 'IM_ERR_GROUP_MUTED'],
    [
      'refuses an admin muted until later (owner and admin are not exempt from their own mute)',
      group(),
      member('admin', NOW + 60_000),
      'IM_ERR_GROUP_MUTED',
    ],
    ['lets a member send at the very end of their mute', group(), member('member', NOW), undefined],
    ['lets a member send after their mute ended', group(), member('member', NOW - 1), undefined],
    [
      'refuses a muted member of an expired group as expired',
      group({ expiresAt: NOW }),
      member('member', NOW + 1),
      'IM_ERR_GROUP_EXPIRED',
    ],
    [
      'lets a member send to a group whose mute was lifted (muted: false)',
      group({ muted: false }),
      member('member'),
      undefined,
    ],
  ];

  it.each(table)('%s', (_name, g, sender, expected) => {
    expect(groupSendRefusal(g, sender, NOW)?.code).toBe(expected);
  });

  it('says until when a member is muted, and when the group expired', () => {
    expect(groupSendRefusal(group(), member('member', NOW + 1), NOW)?.reason).toMatch(
      `muted in this group until ${new Date(NOW + 1).toISOString()}`,
    );
    expect(groupSendRefusal(group({ expiresAt: NOW }), member('member'), NOW)?.reason).toMatch(
      `expired at ${new Date(NOW).toISOString()}`,
    );
  });

  it('holds its order over every combination of group state and sender', () => {
    const senders: GroupSender[] = [
      'server',
      outsider,
      member('owner'),
      member('admin'),
      member('member'),
      member('member', NOW + 1),
      member('owner', NOW + 1),
    ];
    for (const dismissed of [undefined, false, true])
      for (const muted of [undefined, false, true])
        for (const expiresAt of [undefined, NOW - 1, NOW, NOW + 1])
          for (const sender of senders) {
            const g = group({
              ...(dismissed === undefined ? {} : { dismissed }),
              ...(muted === undefined ? {} : { muted }),
              ...(expiresAt === undefined ? {} : { expiresAt }),
            });
            const code = groupSendRefusal(g, sender, NOW)?.code;
            const user = sender === 'server' ? undefined : sender.member;
            const expired = expiresAt !== undefined && NOW >= expiresAt;
            const selfMuted = user?.mutedUntil !== undefined && NOW < user.mutedUntil;
            let expected: string | undefined;
            if (dismissed === true) expected = 'IM_ERR_GROUP_DISMISSED';
            else if (sender === 'server') expected = undefined;
            else if (expired) expected = 'IM_ERR_GROUP_EXPIRED';
            else if (!user) expected = 'IM_ERR_NOT_MEMBER';
            else if (selfMuted || (muted === true && user.role === 'member')) expected = 'IM_ERR_GROUP_MUTED';
            expect({ dismissed, muted, expiresAt, sender, code }).toEqual({
              dismissed,
              muted,
              expiresAt,
              sender,
              code: expected,
            });
          }
  });
});
