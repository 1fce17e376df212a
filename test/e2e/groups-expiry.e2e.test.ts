import { ManualClock } from '@im/common';
import { EmbeddedHarness } from '../support/embedded-harness';
import { expectRegistryShapes } from '../support/registry-shapes';

const settle = (ms = 250): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MINUTE = 60_000;

/** Group expiry: the sweep runs every 20 ms of real time and reads a ManualClock the test moves. */
describe('group expiry end to end (embedded)', () => {
  const clock = new ManualClock(Date.now());
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start(
      { IM_GROUP_EXPIRY_SWEEP_MS: '20', IM_GROUP_EXPIRY_REMINDER_MS: String(10 * MINUTE) },
      undefined,
      clock,
    );
  });
  afterAll(() => h.stop());
  afterEach(() => {
    // Every notice the clients got has the shape the registry gives its type (docs/protocol.md).
    try {
      expectRegistryShapes(h.clients);
    } finally {
      h.closeClients();
    }
  });

  it('58 then 65 to every member once, nothing to a third client; sends after expiry are refused', async () => {
    const groupId = await h.createGroup('gx-o', ['gx-a']);
    const [o, a, outsider] = await Promise.all([h.connect('gx-o'), h.connect('gx-a'), h.connect('gx-z')]);
    const expiresAt = clock.now() + 30 * MINUTE;
    // Only the owner, only a future date, only a well-formed body.
    expect(await h.http('PUT', `/v1/groups/${groupId}/expiry`, 'gx-a', { expiresAt })).toMatchObject({
      status: 403,
      body: { name: 'IM_ERR_FORBIDDEN' },
    });
    expect(await h.http('PUT', `/v1/groups/${groupId}/expiry`, 'gx-o', { expiresAt: clock.now() - 1 })).toMatchObject({
      status: 400,
      body: { name: 'IM_ERR_BAD_REQUEST' },
    });
    expect((await h.http('PUT', `/v1/groups/${groupId}/expiry`, 'gx-o', { expiresAt: 'tomorrow' })).status).toBe(400);
    expect((await h.http('PUT', `/v1/groups/${groupId}/expiry`, 'gx-o', {})).status).toBe(400);
    expect((await h.http('GET', `/v1/groups/${groupId}`, 'gx-a')).body).not.toHaveProperty('expiresAt');
    expect((await h.http('PUT', `/v1/groups/${groupId}/expiry`, 'gx-o', { expiresAt })).status).toBe(204);
    expect((await h.http('GET', `/v1/groups/${groupId}`, 'gx-a')).body).toMatchObject({ expiresAt, expired: false });

    // Not yet within the reminder lead: nothing.
    clock.advance(19 * MINUTE);
    await settle(150);
    expect(o.ofType(58)).toHaveLength(0);
    clock.advance(1 * MINUTE);
    await Promise.all([o.waitForMessages(1, 58), a.waitForMessages(1, 58)]);
    expect(a.ofType(58)[0]).toMatchObject({ destId: groupId, fromType: 2, content: { groupId, expiresAt } });
    expect((await a.send(a.message(groupId, 'still open', { fromType: 2 }))).code).toBe(0);
    await o.waitForMessages(1);

    clock.advance(10 * MINUTE);
    await Promise.all([o.waitForMessages(1, 65), a.waitForMessages(1, 65)]);
    expect(o.ofType(65)[0]).toMatchObject({ destId: groupId, fromType: 2, content: { groupId, expiresAt } });
    const refused = await a.send(a.message(groupId, 'too late', { fromType: 2 }));
    expect(refused).toMatchObject({ code: 41004 });
    expect((await o.send(o.message(groupId, 'owner too', { fromType: 2 }))).code).toBe(41004);
    // Money and calls follow the same rule as messages.
    const to = { type: 'group', id: groupId };
    expect(
      (await h.http('POST', '/v1/red-packets', 'gx-o', { to, kind: 'equal', total: 1, count: 1, requestId: 'gx-rp' }))
        .body,
    ).toMatchObject({ name: 'IM_ERR_GROUP_EXPIRED' });
    expect(
      (await h.http('POST', '/v1/collections', 'gx-o', { to, amount: 1, count: 1, requestId: 'gx-aa' })).body,
    ).toMatchObject({ name: 'IM_ERR_GROUP_EXPIRED' });
    expect(await o.send(o.message(groupId, '', { fromType: 2, messageType: 164 }))).toMatchObject({ code: 41004 });
    expect((await h.http('GET', `/v1/groups/${groupId}`, 'gx-a')).body).toMatchObject({ expiresAt, expired: true });

    // Later sweeps send nothing more; the outsider saw nothing at all.
    clock.advance(MINUTE);
    await settle();
    expect(o.ofType(58)).toHaveLength(1);
    expect(a.ofType(65)).toHaveLength(1);
    expect(o.ofType(2).map((m) => m.content)).toEqual(['still open']);
    expect(outsider.received).toHaveLength(0);

    // A new device of a member syncs both notices from the group conversation.
    const again = await h.connect('gx-a', { deviceId: 'gx-a-tablet', devType: 2 });
    await again.waitForMessages(1, 65);
    expect(again.received.map((m) => m.messageType).filter((t) => t === 58 || t === 65)).toEqual([58, 65]);
  });
});
