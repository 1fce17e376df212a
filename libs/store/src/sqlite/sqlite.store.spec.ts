import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushDeviceContract } from '../testing/push-device.contract';
import { storeContract } from '../testing/store.contract';
import { userContract } from '../testing/user.contract';
import { backendRequests } from '@im/common';
import { SqliteStore } from './sqlite.store';

const dir = mkdtempSync(join(tmpdir(), 'im-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('SqliteStore', () => Promise.resolve(new SqliteStore(join(dir, 'contract.db'))));
pushDeviceContract('SqliteStore', () => Promise.resolve(new SqliteStore(join(dir, 'push.db'))));

describe(SqliteStore.name, () => {
  it('keeps messages, seqs and cursors across a reopen of the file', async () => {
    const file = join(dir, 'reopen.db');
    const s1 = new SqliteStore(file);
    const message = {
      msgId: 'm1',
      fromId: 'a',
      destId: 'b',
      fromType: 1 as const,
      fromName: 'a',
      imageIconUrl: '',
      content: 'hi',
      messageType: 2 as const,
      sendTime: 1,
    };
    await s1.messages.append({ conversationId: 'p:a:b', message });
    await s1.cursors.advance('b', 'd', 'p:a:b', 1);
    await s1.close();
    const s2 = new SqliteStore(file);
    const r = await s2.messages.append({ conversationId: 'p:a:b', message: { ...message, msgId: 'm2' } });
    expect(r.stored.seq).toBe(2);
    expect((await s2.cursors.get('b', 'd', ['p:a:b'])).get('p:a:b')).toBe(1);
    await s2.close();
  });

  it('answers the msgId lookups of one turn of the event loop with one statement, each with its own message', async () => {
    const store = new SqliteStore(join(dir, 'lookups.db'));
    const message = (msgId: string, destId: string) => ({
      msgId,
      fromId: 'a',
      destId,
      fromType: 1 as const,
      fromName: 'a',
      imageIconUrl: '',
      content: `to ${destId}`,
      messageType: 2 as const,
      sendTime: 1,
    });
    await store.messages.append({ conversationId: 'p:a:b', message: message('same', 'b') });
    await store.messages.append({ conversationId: 'p:a:c', message: message('same', 'c') });
    await store.messages.append({ conversationId: 'p:a:c', message: message('other', 'c') });
    const before = backendRequests.store;
    const found = await Promise.all([
      store.messages.findByMsgId('p:a:b', 'same'),
      store.messages.findByMsgId('p:a:c', 'same'),
      store.messages.findByMsgId('p:a:c', 'other'),
      store.messages.findByMsgId('p:a:b', 'other'),
      store.messages.findByMsgId('p:a:c', 'same'),
    ]);
    expect(backendRequests.store - before).toBe(1);
    expect(found.map((m) => m && `${m.conversationId} ${m.seq} ${String(m.message.content)}`)).toEqual([
      'p:a:b 1 to b',
      'p:a:c 1 to c',
      'p:a:c 2 to c',
      undefined,
      'p:a:c 1 to c',
    ]);
    expect((await store.messages.findByMsgId('p:a:c', 'other'))?.seq).toBe(2);
    await store.close();
  });
});
userContract('SqliteStore', () => Promise.resolve(new SqliteStore(join(dir, 'users.db'))));
