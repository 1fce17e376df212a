// `--preload <n>`: the store starts with n messages spread over 1,000 direct conversations of
// their own, so the run shows what a store that already holds data costs (on FerretDB v1 every
// filter scans its collection; a benchmark from an empty database flatters it).
import type { AppendInput, Store } from '@im/store';

export const PRELOAD_CONVERSATIONS = 1000;
const CHUNK = 2000;

/** Appends `messages` messages over `PRELOAD_CONVERSATIONS` conversations, in batches. */
export async function preload(store: Pick<Store, 'messages'>, messages: number): Promise<void> {
  for (let start = 0; start < messages; start += CHUNK) {
    const inputs: AppendInput[] = [];
    for (let i = start; i < Math.min(messages, start + CHUNK); i++) {
      const c = i % PRELOAD_CONVERSATIONS;
      const [a, b] = [`pre${c}a`, `pre${c}b`];
      inputs.push({
        conversationId: `p:${a}:${b}`,
        message: {
          msgId: `pre-${i}`,
          fromId: a,
          destId: b,
          fromType: 1,
          fromName: a,
          imageIconUrl: '',
          content: `preloaded ${i}`,
          messageType: 2,
          sendTime: Date.now(),
        },
      });
    }
    await store.messages.appendBatch(inputs);
  }
}
