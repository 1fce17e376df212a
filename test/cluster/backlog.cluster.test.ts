// Back-pressure: with the message service stopped, the gateways keep acknowledging messages (they
// are durable in Kafka), past IM_MESSAGE_BACKLOG_HOLD records behind only after holding each one
// (up to IM_MESSAGE_BACKLOG_HOLD_MS), and only until the backlog passes IM_MAX_MESSAGE_BACKLOG;
// then new messages are refused with 50301, and a retry with the same msgId is accepted once the
// restarted service has worked the backlog off. Everything acknowledged arrives, once.
import { ClusterHarness } from '../support/cluster-harness';

jest.setTimeout(150_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('message backlog limit (cluster)', () => {
  let h: ClusterHarness;
  beforeAll(async () => {
    h = await ClusterHarness.start({
      gateways: 2,
      env: {
        IM_MAX_MESSAGE_BACKLOG: '20',
        IM_MESSAGE_BACKLOG_HOLD: '5',
        IM_MESSAGE_BACKLOG_HOLD_MS: '600',
        IM_BACKLOG_CHECK_MS: '200',
      },
    });
  });
  afterAll(() => h?.stop());

  it('refuses new messages while the message service is over 20 records behind, and takes the retry once it has caught up', async () => {
    const sender = await h.connect(0, 'bl-sender');
    const receiver = await h.connect(1, 'bl-receiver');
    expect((await sender.send(sender.message('bl-receiver', 'before'))).code).toBe(0);
    await receiver.waitForMessages(1, 2, 20_000);

    await h.kill('message');
    const acked: string[] = [];
    const ackMs: number[] = [];
    let refusal: { msgId: string; answer: unknown } | undefined;
    for (let i = 0; i < 400 && !refusal; i++) {
      const m = sender.message('bl-receiver', `while down ${i}`);
      const started = Date.now();
      const answer = await sender.send(m);
      if (answer.code === 0) {
        acked.push(m.msgId);
        ackMs.push(Date.now() - started);
      } else if (answer.code === 50301) refusal = { msgId: m.msgId, answer };
      else throw new Error(`unexpected answer ${JSON.stringify(answer)}`);
      // Paced so the gateways' 200 ms backlog reads see it grow.
      if (i % 10 === 9) await sleep(250);
    }
    expect(refusal).toBeDefined();
    expect(JSON.stringify(refusal?.answer)).toContain('busy');
    // Acknowledged until the backlog passed 20 (the first message may still count in it, if the
    // service was killed before it committed; and the last read of the backlog may be late).
    expect(acked.length).toBeGreaterThanOrEqual(20);
    expect(acked.length).toBeLessThan(200);
    await h.waitForLog('gateway0', 'message backlog over the limit');
    // Past 5 behind, messages were held (up to 600 ms each) before they were acknowledged.
    expect(ackMs.filter((ms) => ms >= 500).length).toBeGreaterThanOrEqual(3);

    await h.restart('message');
    const retry = { ...sender.message('bl-receiver', 'the refused one'), msgId: refusal?.msgId ?? '' };
    let accepted = false;
    for (const started = Date.now(); !accepted && Date.now() - started < 90_000;) {
      accepted = (await sender.send(retry)).code === 0;
      if (!accepted) await sleep(300);
    }
    expect(accepted).toBe(true);
    await receiver.waitForMessages(acked.length + 2, 2, 60_000);
    await sleep(1_000);
    const ids = receiver.ofType(2).map((m) => m.msgId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([...acked, retry.msgId]));
    expect(h.exited()).toEqual([]);
  });
});
