import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, loadConfig } from '@im/common';
import { EMBEDDED_CONFIG, startEmbedded } from '@im/embedded';
import type { EmbeddedServer } from '@im/embedded';
import { TEST_SECRET, tokenFor } from '../support/embedded-harness';
import { ImTestClient } from '../support/im-client';

/**
 * Issue 10 row 11: the authorisation matrix. Every group-management route and read, tried by an
 * outsider, a plain member and an admin where the role does not allow it, and the socket commands
 * acting for others: each is refused with its error code, changes nothing, and is logged.
 */
const ADMIN_TOKEN = 'authorization-matrix-admin-token';

describe('authorisation matrix (embedded)', () => {
  const lines: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'im-authz-'));
  let server: EmbeddedServer;
  let url: string;
  let g: string;
  const clients: ImTestClient[] = [];
  let before: unknown;

  /** Everything the refused calls could have changed. */
  async function groupState(): Promise<unknown> {
    const [info, members, history, applications] = await Promise.all([
      http('az-owner', 'GET', `/v1/groups/${g}`),
      http('az-owner', 'GET', `/v1/groups/${g}/members`),
      http('az-owner', 'GET', `/v1/messages?groupId=${g}`),
      http('az-owner', 'GET', `/v1/groups/${g}/applications`),
    ]);
    return { info: info.body, members: members.body, history: history.body, applications: applications.body };
  }

  async function http(
    user: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { authorization: `Bearer ${tokenFor(user)}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  async function connect(user: string): Promise<ImTestClient> {
    const c = await ImTestClient.connect(url, user, tokenFor(user));
    clients.push(c);
    return c;
  }
  const logged = (pred: (entry: Record<string, unknown>) => boolean): boolean =>
    lines.some((l) => pred(JSON.parse(l) as Record<string, unknown>));

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    });
    const config = loadConfig(EMBEDDED_CONFIG, {
      IM_PORT: '0',
      IM_HOST: '127.0.0.1',
      IM_DATA_DIR: dataDir,
      IM_ACK_TIMEOUT_MS: '1500',
      IM_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    server = await startEmbedded(config, TEST_SECRET, createLogger({ level: 'info', destination: sink }));
    url = `http://127.0.0.1:${server.port}`;
    const created = await http('az-owner', 'POST', '/v1/groups', {
      name: 'original',
      memberIds: ['az-admin', 'az-member', 'az-member2'],
    });
    expect(created.status).toBe(201);
    g = created.body.groupId as string;
    expect((await http('az-owner', 'PUT', `/v1/groups/${g}/admins/az-admin`)).status).toBe(204);
    // A private 1:1 exchange the others must not read.
    const alice = await connect('az-alice');
    expect((await alice.send(alice.message('az-bob', 'private to bob'))).code).toBe(0);
    const member = await connect('az-member');
    expect((await member.send(member.message(g, 'group hello', { fromType: 2 }))).code).toBe(0);
    before = await groupState();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** `:g` in a path stands for the group's id. */
  type Row = [actor: string, method: string, path: string, body: unknown, code: number];
  const G = (suffix = ''): string => `/v1/groups/:g${suffix}`;
  const rows: Row[] = [
    // An outsider may neither read nor manage the group.
    ['az-out', 'GET', G(), undefined, 40302],
    ['az-out', 'GET', G('/members'), undefined, 40302],
    ['az-out', 'GET', G('/applications'), undefined, 40302],
    ['az-out', 'GET', '/v1/messages?groupId=:g', undefined, 40302],
    ['az-out', 'PATCH', G(), { name: 'taken over' }, 40302],
    ['az-out', 'PATCH', G(), { announcement: 'spam' }, 40302],
    ['az-out', 'POST', G('/members'), { userIds: ['az-out2'] }, 40302],
    ['az-out', 'DELETE', G('/members/az-member'), undefined, 40302],
    ['az-out', 'DELETE', G(), undefined, 40302],
    ['az-out', 'PUT', G('/mute'), undefined, 40302],
    ['az-out', 'PUT', G('/admins/az-out'), undefined, 40302],
    ['az-out', 'PUT', G('/members/az-member/mute'), { minutes: 5 }, 40302],
    ['az-out', 'POST', G('/owner/offer'), { userId: 'az-out' }, 40302],
    ['az-out', 'POST', G('/applications/az-member/approve'), undefined, 40302],
    // A plain member may not administer.
    ['az-member', 'PATCH', G(), { name: 'renamed by member' }, 40305],
    ['az-member', 'PATCH', G(), { joinPolicy: 'free' }, 40305],
    ['az-member', 'POST', G('/members'), { userIds: ['az-out'] }, 40305],
    ['az-member', 'DELETE', G('/members/az-member2'), undefined, 40305],
    ['az-member', 'DELETE', G(), undefined, 40305],
    ['az-member', 'PUT', G('/mute'), undefined, 40305],
    ['az-member', 'PUT', G('/admins/az-member'), undefined, 40305],
    ['az-member', 'PUT', G('/members/az-member2/mute'), { minutes: 5 }, 40305],
    ['az-member', 'POST', G('/owner/offer'), { userId: 'az-member' }, 40305],
    ['az-member', 'POST', G('/owner/accept'), undefined, 40305],
    ['az-member', 'GET', G('/applications'), undefined, 40305],
    ['az-member', 'POST', G('/applications/az-out/approve'), undefined, 40305],
    // An admin may not do what only the owner may, nor act on the owner or another admin.
    ['az-admin', 'DELETE', G(), undefined, 40305],
    ['az-admin', 'PUT', G('/admins/az-member'), undefined, 40305],
    ['az-admin', 'POST', G('/owner/offer'), { userId: 'az-admin' }, 40305],
    ['az-admin', 'DELETE', G('/members/az-owner'), undefined, 40305],
    ['az-admin', 'PUT', G('/members/az-owner/mute'), { minutes: 5 }, 40305],
  ];

  it.each(rows)('%s: %s %s %j is refused with %i and logged', async (actor, method, path, body, code) => {
    const res = await http(actor, method, path.replace(':g', g), body);
    expect(res.body).toMatchObject({ code });
    expect(res.status).toBe(403);
    await new Promise((r) => setTimeout(r, 10));
    expect(logged((e) => e.msg === 'request refused' && e.code === code && e.userId === actor)).toBe(true);
  });

  it('changed nothing: name, policy, owner, admins, members, mutes and the group history are as before', async () => {
    expect(await groupState()).toEqual(before);
    const info = await http('az-owner', 'GET', `/v1/groups/${g}`);
    expect(info.body).toMatchObject({ name: 'original', ownerId: 'az-owner', muted: false, role: 'owner' });
    expect(info.body.announcement ?? '').toBe('');
    const members = await http('az-owner', 'GET', `/v1/groups/${g}/members`);
    const roles = Object.fromEntries(
      (members.body.members as { userId: string; role: string; mutedUntil?: number }[]).map((m) => [
        m.userId,
        m.mutedUntil ? `${m.role}+muted` : m.role,
      ]),
    );
    expect(roles).toEqual({ 'az-owner': 'owner', 'az-admin': 'admin', 'az-member': 'member', 'az-member2': 'member' });
    const history = await http('az-member', 'GET', `/v1/messages?groupId=${g}`);
    expect((history.body.messages as { content: unknown }[]).filter((m) => m.content === 'group hello')).toHaveLength(
      1,
    );
  });

  it('never shows another user’s 1:1 conversation: a read names the caller’s own conversation only', async () => {
    const eve = await http('az-out', 'GET', '/v1/messages?peerId=az-bob');
    expect(eve.status).toBe(200);
    expect(eve.body.messages).toEqual([]);
    expect(String(eve.body.conversationId)).not.toContain('az-alice');
    expect((await http('az-out', 'GET', '/v1/conversations')).body.conversations).toEqual([]);
    const bob = await http('az-bob', 'GET', '/v1/messages?peerId=az-alice');
    expect((bob.body.messages as { content: unknown }[]).map((m) => m.content)).toEqual(['private to bob']);
  });

  it('refuses socket commands acting for others or in a group one is not in, and logs them', async () => {
    const out = await connect('az-out');
    const bob = await connect('az-bob');
    const cases: [string, () => unknown, number][] = [
      ['a message sent as another user', () => out.message('az-bob', 'as alice', { fromId: 'az-alice' }), 40301],
      ['a message to a group one is not in', () => out.message(g, 'hi', { fromType: 2 }), 40302],
      [
        'a recall of a message that is not in one’s own conversation',
        () => out.message('az-bob', 'x', { messageType: 32, content: 'no-such' }),
        40401,
      ],
    ];
    for (const [name, payload, code] of cases) {
      const ack = await out.send(payload());
      expect({ name, code: ack.code }).toEqual({ name, code });
    }
    // Recalling a message of the conversation that another user sent: bob tries alice's message.
    const history = await http('az-bob', 'GET', '/v1/messages?peerId=az-alice');
    const aliceMsg = (history.body.messages as { msgId: string }[])[0];
    const recall = await bob.send(bob.message('az-alice', aliceMsg?.msgId, { messageType: 32 }));
    expect(recall.code).toBe(40305);
    await new Promise((r) => setTimeout(r, 20));
    for (const [user, code] of [
      ['az-out', 40301],
      ['az-out', 40302],
      ['az-bob', 40305],
    ] as const) {
      expect(logged((e) => e.msg === 'message refused' && e.code === code && e.userId === user)).toBe(true);
    }
    expect((await http('az-bob', 'GET', '/v1/messages?peerId=az-alice')).body.messages).toHaveLength(1);
    expect(
      (await http('az-member', 'GET', `/v1/messages?groupId=${g}`)).body.messages.filter(
        (m: { fromId: string }) => m.fromId === 'az-out',
      ),
    ).toEqual([]);
    for (const l of lines) expect(l).not.toContain('private to bob');
  });

  it('refuses opening a red packet of a group one is not in, and signaling in someone else’s call, and logs them; no money moves and the call goes on', async () => {
    const top = await fetch(`${url}/v1/admin/wallet/topup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ userId: 'az-owner', amount: 500, idempotencyKey: 'az-top' }),
    });
    expect(top.status).toBe(200);
    const sent = await http('az-owner', 'POST', '/v1/red-packets', {
      to: { type: 'group', id: g },
      kind: 'equal',
      total: 300,
      count: 3,
      msg: 'members only',
      requestId: 'az-rp',
    });
    expect(sent.status).toBe(201);
    const packetId = sent.body.packetId as string;
    const open = await http('az-out', 'POST', `/v1/red-packets/${packetId}/open`);
    expect(open.status).toBe(403);
    expect((await http('az-out', 'GET', `/v1/red-packets/${packetId}`)).status).toBe(403);
    expect((await http('az-out', 'GET', '/v1/wallet')).body.balance).toBe(0);
    const view = await http('az-owner', 'GET', `/v1/red-packets/${packetId}`);
    expect(view.body).toMatchObject({ state: 'open', total: 300, claims: [] });

    // alice rings bob; an outsider tries to accept, refuse and hang up that call in their place.
    const alice = clients.find((c) => c.userId === 'az-alice') ?? (await connect('az-alice'));
    const bob = clients.find((c) => c.userId === 'az-bob') ?? (await connect('az-bob'));
    const out = clients.find((c) => c.userId === 'az-out') ?? (await connect('az-out'));
    const call = (from: ImTestClient, to: string, messageType: number) =>
      from.message(to, '', { messageType: messageType as never });
    expect((await alice.send(call(alice, 'az-bob', 150))).code).toBe(0);
    await bob.waitForMessages(1, 150);
    for (const [to, type] of [
      ['az-alice', 152],
      ['az-alice', 154],
      ['az-alice', 156],
      ['az-bob', 156],
    ] as const) {
      const ack = await out.send(call(out, to, type));
      expect({ to, type, refused: ack.code !== 0 }).toEqual({ to, type, refused: true });
    }
    expect((await bob.send(call(bob, 'az-alice', 152))).code).toBe(0);
    await alice.waitForMessages(1, 152);
    expect(alice.received.filter((m) => m.messageType === 152).map((m) => m.fromId)).toEqual(['az-bob']);
    expect(bob.received.filter((m) => [152, 154, 156].includes(m.messageType))).toEqual([]);
    expect((await alice.send(call(alice, 'az-bob', 156))).code).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(
      logged(
        (e) =>
          e.msg === 'request refused' &&
          e.userId === 'az-out' &&
          typeof e.code === 'number' &&
          String(e.route).includes('red-packets'),
      ),
    ).toBe(true);
    expect(
      lines.filter((l) => {
        const e = JSON.parse(l) as Record<string, unknown>;
        return e.msg === 'message refused' && e.userId === 'az-out';
      }).length,
    ).toBeGreaterThanOrEqual(4);
  });
});
