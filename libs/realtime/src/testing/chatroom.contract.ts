import { randomUUID } from 'node:crypto';
import { ManualClock } from '@im/common';
import type { ImMessage } from '@im/protocol';
import type { ChatroomStore } from '../chatroom.port';

const msg = (n: number): ImMessage => ({
  msgId: `m${n}`,
  fromId: 'u',
  destId: 'room',
  fromType: 1,
  fromName: '',
  imageIconUrl: '',
  content: `hello ${n}`,
  messageType: 102,
});

/** Behaviour every ChatroomStore implementation must show. */
/** `make` builds the store on the given clock (windows and expiry read it). */
export function chatroomContract(name: string, make: (clock: ManualClock) => Promise<ChatroomStore>): void {
  describe(`ChatroomStore contract: ${name}`, () => {
    let s: ChatroomStore;
    const clock = new ManualClock(Date.now());
    const room = (): string => `room-${randomUUID().slice(0, 8)}`;
    beforeAll(async () => {
      s = await make(clock);
    });
    afterAll(() => s.close());

    it('counts members; entering twice counts once; leaving twice is harmless', async () => {
      const r = room();
      expect(await s.enter(r, 'a', 10)).toEqual({ entered: true, members: 1 });
      expect(await s.enter(r, 'b', 10)).toEqual({ entered: true, members: 2 });
      expect(await s.enter(r, 'a', 10)).toEqual({ entered: true, members: 2 });
      expect(await s.members(r)).toBe(2);
      expect(await s.leave(r, 'a')).toEqual({ members: 1 });
      expect(await s.leave(r, 'a')).toEqual({ members: 1 });
      expect(await s.members(room())).toBe(0);
    });

    it('refuses a new member of a full room but lets a member re-enter', async () => {
      const r = room();
      await s.enter(r, 'a', 2);
      await s.enter(r, 'b', 2);
      expect(await s.enter(r, 'c', 2)).toEqual({ entered: false, members: 2 });
      expect(await s.enter(r, 'b', 2)).toEqual({ entered: true, members: 2 });
      await s.leave(r, 'a');
      expect(await s.enter(r, 'c', 2)).toEqual({ entered: true, members: 2 });
    });

    it('keeps the last messages, oldest first; keep 0 keeps nothing; the last member out takes the history', async () => {
      const r = room();
      await s.enter(r, 'a', 10);
      for (let i = 1; i <= 5; i++) await s.remember(r, msg(i), 3);
      expect((await s.recent(r, 10)).map((m) => m.msgId)).toEqual(['m3', 'm4', 'm5']);
      expect((await s.recent(r, 2)).map((m) => m.msgId)).toEqual(['m4', 'm5']);
      expect(await s.recent(r, 0)).toEqual([]);
      await s.remember(r, msg(6), 0);
      expect((await s.recent(r, 10)).map((m) => m.msgId)).toEqual(['m3', 'm4', 'm5']);
      await s.leave(r, 'a');
      expect(await s.recent(r, 10)).toEqual([]);
    });

    it('counts hits per key in a fixed window', async () => {
      const k = `k-${randomUUID().slice(0, 8)}`;
      clock.advance(60_000 - (clock.now() % 60_000));
      expect([await s.hit(k, 60_000), await s.hit(k, 60_000), await s.hit(`${k}-other`, 60_000)]).toEqual([1, 2, 1]);
      clock.advance(59_999);
      expect(await s.hit(k, 60_000)).toBe(3);
      clock.advance(1);
      expect(await s.hit(k, 60_000)).toBe(1);
    });
  });
}
