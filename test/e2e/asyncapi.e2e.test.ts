import { BUSINESS_EVENT_TYPES, Topics, TOPIC_MAP } from '@im/bus';
import { MESSAGE_TYPES } from '@im/protocol';
import Ajv2020 from 'ajv/dist/2020';
import { validateApiDocument } from '../support/api-doc-validators';
import { EmbeddedHarness } from '../support/embedded-harness';

describe('AsyncAPI document served by the gateway (embedded)', () => {
  let h: EmbeddedHarness;
  let doc: any;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
    const res = await h.http('GET', '/asyncapi.json', undefined);
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => h.stop());

  it('is valid AsyncAPI 3 by @asyncapi/parser, with no error and no warning', async () => {
    const result = await validateApiDocument('asyncapi', doc);
    expect(result).toEqual({ ok: true, errors: [], warnings: [], version: '3.0.0' });
  }, 60_000);

  it('has the five Socket.IO events, one message per type on chat and chatroom, and every Kafka topic of the topic map', () => {
    for (const event of ['ready', 'chat', 'chatroom', 'im_error', 'kicked'])
      expect(Object.values<any>(doc.channels).map((c) => c.address)).toContain(event);
    const onChat = Object.values<any>(doc.channels.chat.messages).map((m) => m.payload.properties.messageType.const);
    const onRoom = Object.values<any>(doc.channels.chatroom.messages).map(
      (m) => m.payload.properties.messageType.const,
    );
    expect(onChat).toEqual(MESSAGE_TYPES.filter((t) => t.channel === 'chat').map((t) => t.type));
    expect(onRoom).toEqual(MESSAGE_TYPES.filter((t) => t.channel === 'chatroom').map((t) => t.type));
    expect(TOPIC_MAP.map((t) => t.topic).sort()).toEqual(Object.values(Topics).sort());
    const addresses = Object.values<any>(doc.channels).map((c) => c.address);
    for (const topic of [...Object.values(Topics), 'im.replies']) expect(addresses).toContain(topic);
    // What a client may send is what the server receives.
    const received = doc.operations.receiveChat.messages.map((m: any) =>
      Number(/#\/channels\/chat\/messages\/t(\d+)_/.exec(m.$ref)?.[1]),
    );
    expect(received).toEqual(
      MESSAGE_TYPES.filter((t) => t.channel === 'chat' && t.direction !== 'down').map((t) => t.type),
    );
  });

  it('says of each type who produces it, who receives it and its push label, and which types business events carry', () => {
    const messages = [
      ...Object.values<any>(doc.channels.chat.messages),
      ...Object.values<any>(doc.channels.chatroom.messages),
    ];
    for (const t of MESSAGE_TYPES) {
      const m = messages.find((x) => x.payload.properties.messageType.const === t.type);
      for (const p of t.producedBy) expect(m.description).toContain(`${p.service} service (${p.via})`);
      expect(m.description).toContain(`Received by: ${t.receivedBy}.`);
      expect(m.description).toContain(`Preview label: ${t.pushLabel || '—'}.`);
    }
    const event = JSON.stringify(doc);
    expect(event).toContain(JSON.stringify({ type: 'integer', enum: [...BUSINESS_EVENT_TYPES] }));
  });

  it('each type’s message schema accepts the registry’s example, and what the real server sends on ready and chat', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const channel of ['chat', 'chatroom']) {
      for (const message of Object.values<any>(doc.channels[channel].messages)) {
        const validate = ajv.compile(message.payload);
        for (const example of message.examples)
          expect({ message: message.name, ok: validate(example.payload), errors: validate.errors ?? null }).toEqual({
            message: message.name,
            ok: true,
            errors: null,
          });
      }
    }
    const alice = await h.connect('aa-alice');
    const bob = await h.connect('aa-bob');
    await Promise.all([alice.sendReady(), bob.sendReady()]);
    const ready = alice.events.find((e) => e.event === 'ready');
    expect(ready?.data).toMatchObject({ userId: 'aa-alice' });
    expect(ajv.validate(doc.components.messages.ready.payload, ready?.data)).toBe(true);
    const sent = alice.message('aa-bob', 'hello');
    const ack = await alice.send(sent);
    expect(ajv.validate(doc.components.messages.ack.payload, ack)).toBe(true);
    await bob.waitFor(() => bob.received.some((m) => m.msgId === sent.msgId));
    const delivered = bob.received.find((m) => m.msgId === sent.msgId);
    expect(ajv.validate(doc.channels.chat.messages.t2_TEXT.payload, delivered)).toBe(true);
    const refused = await alice.send(alice.message('aa-bob', '', { messageType: 5 }));
    expect(refused.code).not.toBe(0);
    expect(ajv.validate(doc.components.messages.ack.payload, refused)).toBe(true);
  });
});
