import { randomUUID } from 'node:crypto';
import { deadLetterTopic } from '../bus.port';
import type { Bus, BusRecord, DeadLetter, OpenTopics } from '../bus.port';

export interface BusContractHarness {
  /** A bus connected to the implementation under test (scratch topics: any name, any value). */
  bus: Bus<OpenTopics>;
  /** A second, independent bus on the same backend (another process in production). */
  peer: Bus<OpenTopics>;
  close(): Promise<void>;
}

async function waitFor(predicate: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The behaviour every Bus implementation must show. Topics are unique per test so that a
 * durable backend (Kafka) can run the suite repeatedly against one broker.
 */
export function busContract(name: string, makeHarness: () => Promise<BusContractHarness>): void {
  describe(`Bus contract: ${name}`, () => {
    let h: BusContractHarness;
    const topic = (): string => `contract.${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      h = await makeHarness();
    });
    afterAll(async () => {
      await h.close();
    });

    it('delivers a published record to a subscriber of another bus instance', async () => {
      const t = topic();
      const seen: BusRecord[] = [];
      const sub = await h.peer.subscribe(t, 'g1', async (r) => {
        seen.push(r);
      });
      await h.bus.publish(t, 'k', { n: 1 });
      await waitFor(() => seen.length === 1, 20_000, 'delivery');
      expect(seen[0]).toMatchObject({ topic: t, key: 'k', value: { n: 1 } });
      await sub.close();
    });

    it('hands one key to a group in publish order, one record at a time', async () => {
      const t = topic();
      const seen: number[] = [];
      let inFlight = 0;
      let maxInFlight = 0;
      const sub = await h.peer.subscribe(t, 'g1', async (r) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((res) => setTimeout(res, 1));
        seen.push((r.value as { n: number }).n);
        inFlight--;
      });
      await Promise.all(Array.from({ length: 40 }, (_, n) => h.bus.publish(t, 'same-key', { n })));
      await waitFor(() => seen.length === 40, 20_000, '40 records');
      expect(seen).toEqual(Array.from({ length: 40 }, (_, n) => n));
      expect(maxInFlight).toBe(1);
      await sub.close();
    });

    it('hands whole batches in publish order; a failing batch goes record by record and only the bad record is dead-lettered', async () => {
      const t = topic();
      const batched: number[] = [];
      const single: number[] = [];
      const letters: unknown[] = [];
      const dl = await h.peer.subscribe(
        deadLetterTopic(t),
        'dl',
        async (r) => void letters.push((r.value as DeadLetter).value),
      );
      const valueOf = (r: BusRecord): { n: number; bad?: boolean } => r.value as { n: number; bad?: boolean };
      const sub = await h.peer.subscribeBatch(t, 'g1', {
        batch: async (records) => {
          if (records.some((r) => valueOf(r).bad)) throw new Error('a bad record in the batch');
          for (const r of records) batched.push(valueOf(r).n);
        },
        record: async (r) => {
          if (valueOf(r).bad) throw new Error('bad record');
          single.push(valueOf(r).n);
        },
      });
      await Promise.all(Array.from({ length: 20 }, (_, n) => h.bus.publish(t, 'k', { n })));
      await waitFor(() => batched.length === 20, 20_000, '20 records in batches');
      expect(batched).toEqual(Array.from({ length: 20 }, (_, n) => n));
      await Promise.allSettled([{ n: 20 }, { n: 21, bad: true }, { n: 22 }].map((v) => h.bus.publish(t, 'k', v)));
      await waitFor(() => letters.length === 1 && batched.length + single.length === 22, 20_000, 'the rest');
      expect(letters).toEqual([{ n: 21, bad: true }]);
      expect([...batched, ...single].sort((a, b) => a - b)).toEqual([...Array.from({ length: 21 }, (_, n) => n), 22]);
      await Promise.all([sub.close(), dl.close()]);
    });

    it('gives every group its own copy', async () => {
      const t = topic();
      const a: number[] = [];
      const b: number[] = [];
      const s1 = await h.peer.subscribe(t, 'ga', async (r) => void a.push(r.value as number));
      const s2 = await h.peer.subscribe(t, 'gb', async (r) => void b.push(r.value as number));
      await h.bus.publish(t, 'k', 7);
      await waitFor(() => a.length === 1 && b.length === 1, 20_000, 'both groups');
      expect([a, b]).toEqual([[7], [7]]);
      await Promise.all([s1.close(), s2.close()]);
    });

    it('retries a handler that fails once, without dead-lettering', async () => {
      const t = topic();
      let calls = 0;
      const letters: DeadLetter[] = [];
      const dlq = await h.peer.subscribe(
        deadLetterTopic(t),
        'dlq-reader',
        async (r) => void letters.push(r.value as DeadLetter),
      );
      const sub = await h.peer.subscribe(t, 'g1', async () => {
        calls++;
        if (calls === 1) throw new Error('transient');
      });
      await h.bus.publish(t, 'k', 'x');
      await waitFor(() => calls === 2, 20_000, 'the retry');
      await new Promise((r) => setTimeout(r, 300));
      expect(letters).toEqual([]);
      await Promise.all([sub.close(), dlq.close()]);
    });

    it('dead-letters a poison record with its error and moves on', async () => {
      const t = topic();
      const ok: string[] = [];
      const letters: DeadLetter[] = [];
      const dlq = await h.peer.subscribe(
        deadLetterTopic(t),
        'dlq-reader',
        async (r) => void letters.push(r.value as DeadLetter),
      );
      const sub = await h.peer.subscribe(t, 'g1', async (r) => {
        if (r.value === 'poison') throw new Error('cannot handle poison');
        ok.push(r.value as string);
      });
      // Kafka resolves (the record is durable in the topic); the in-process bus rejects (nothing holds it).
      await h.bus.publish(t, 'k', 'poison').catch(() => undefined);
      await h.bus.publish(t, 'k', 'after');
      await waitFor(() => ok.length === 1 && letters.length === 1, 30_000, 'dead letter and the next record');
      expect(ok).toEqual(['after']);
      expect(letters[0]).toMatchObject({
        topic: t,
        key: 'k',
        value: 'poison',
        group: 'g1',
        error: 'cannot handle poison',
      });
      await Promise.all([sub.close(), dlq.close()]);
    });

    it('answers a request with the handler reply', async () => {
      const t = topic();
      const sub = await h.peer.subscribe(t, 'adder', async (r) => {
        const { a, b } = r.value as { a: number; b: number };
        return { sum: a + b };
      });
      const reply = await h.bus.request(t, 'k', { a: 2, b: 3 }, { timeoutMs: 20_000 });
      expect(reply).toEqual({ sum: 5 });
      await sub.close();
    });
  });
}
