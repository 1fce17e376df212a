import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { api, el, uuid } from './api';
import type { ProtocolReference, ServerInfo } from './api';
import { renderActions } from './actions';
import { renderContacts } from './contacts';
import { consoleDeviceId } from './saved';
import { renderSignIn } from './sign-in';

interface ImMessage {
  msgId: string;
  fromId: string;
  fromType: number;
  destId: string;
  fromName: string;
  imageIconUrl: string;
  content: unknown;
  messageType: number;
  seq?: number;
  sendTime?: number;
}

interface AckAnswer {
  code: number;
  msgId?: string;
  serverTime?: number;
  error?: string;
}

const MAX_ROWS = 300;

/** Prepends a row and keeps the list short. */
function push(list: HTMLElement, row: HTMLElement): void {
  list.prepend(row);
  while (list.childElementCount > MAX_ROWS) list.lastElementChild?.remove();
}

function short(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

/**
 * The playground: sign in, connect over Socket.IO, send 1:1 and group messages, see acks, seqs,
 * every received notification by its type name, and every frame in and out as raw JSON.
 */
export function renderPlayground(root: HTMLElement, ref: ProtocolReference, info: ServerInfo): void {
  const names = new Map(ref.types.map((t) => [t.type, t.name]));
  const typeName = (n: number): string => names.get(n) ?? `type ${n}`;
  let socket: Socket | undefined;
  let userId = '';
  let token = '';
  /** Sent rows still waiting for their ack: told so when the socket goes away first. */
  const pending = new Set<HTMLElement>();

  // ---- sign in (console/src/sign-in.ts; server, user, token and device id survive a reload) ----
  const signIn = renderSignIn(info.devTokens);
  const { user: userInput, token: tokenInput, connect, disconnect, setStatus } = signIn;

  // ---- send ----
  const destKind = el(
    'select',
    { 'data-testid': 'dest-kind' },
    el('option', { value: 'user' }, 'to user (1:1)'),
    el('option', { value: 'group' }, 'to group'),
  );
  const destInput = el('input', { placeholder: 'user or group id', 'data-testid': 'dest-id' });
  const textInput = el('input', { placeholder: 'text', 'data-testid': 'text', class: 'grow' });
  const send = el('button', { type: 'button', 'data-testid': 'send' }, 'Send text');
  const uplinkTypes = ref.types.filter((t) => t.direction !== 'down');
  const rawType = el(
    'select',
    { 'data-testid': 'raw-type' },
    ...uplinkTypes.map((t) => el('option', { value: String(t.type) }, `${t.type} ${t.name}`)),
  );
  const rawInput = el('textarea', { rows: '8', 'data-testid': 'raw', spellcheck: 'false' });
  const rawSend = el('button', { type: 'button', 'data-testid': 'raw-send' }, 'Send frame');
  const groupName = el('input', { placeholder: 'group name', 'data-testid': 'group-name', value: 'console group' });
  const groupMembers = el('input', {
    placeholder: 'member ids, comma separated',
    'data-testid': 'group-members',
    class: 'grow',
  });
  const createGroup = el('button', { type: 'button', 'data-testid': 'create-group' }, 'Create group');
  const groupResult = el('span', { 'data-testid': 'group-result' });
  const compose = el(
    'section',
    { class: 'card' },
    el('h3', {}, 'Send'),
    el('div', { class: 'row' }, destKind, destInput, textInput, send),
    el('h4', {}, 'Any message type (example content from the registry; edit the JSON freely)'),
    el('div', { class: 'row' }, rawType, rawSend),
    rawInput,
    el('h4', {}, 'Create a group (POST /v1/groups)'),
    el('div', { class: 'row' }, groupName, groupMembers, createGroup, groupResult),
  );

  // ---- friends, groups, conversations (contacts.ts; it calls `http` and `fillRaw`, defined below, only later) ----
  const contacts = renderContacts({
    http: (method, path, body) => http(method, path, body),
    choose: (kind, id) => {
      destKind.value = kind;
      destInput.value = id;
      fillRaw();
    },
    setStatus: (text) => setStatus(text),
    me: () => userId,
    signedIn: () => token !== '',
  });
  // ---- red packets and calls (console/src/actions.ts) ----
  // `message`, `emit`, `http` and `setStatus` are defined below; the card calls them only on clicks.
  const actions = renderActions({
    ref,
    info,
    me: () => userId,
    destination: () => ({ kind: destKind.value === 'group' ? 'group' : 'user', id: destInput.value.trim() }),
    http: (method, path, body) => http(method, path, body),
    message: (destId, content, messageType, fromType) => message(destId, content, messageType, fromType),
    emit: (m) => emit('chat', m),
    setStatus: (text) => setStatus(text),
  });

  // ---- logs ----
  const sent = el('ol', { class: 'log', 'data-testid': 'sent-list' });
  const received = el('ol', { class: 'log', 'data-testid': 'received-list' });
  const frames = el('ol', { class: 'log frames', 'data-testid': 'frames' });
  root.replaceChildren(
    el('h2', {}, 'Playground'),
    signIn.card,
    compose,
    contacts.card,
    actions.card,
    el(
      'div',
      { class: 'columns' },
      el('section', { class: 'card' }, el('h3', {}, 'Sent (ack)'), sent),
      el('section', { class: 'card' }, el('h3', {}, 'Received'), received),
    ),
    el('section', { class: 'card' }, el('h3', {}, 'Frame inspector (raw JSON in and out)'), frames),
  );

  const frame = (direction: 'in' | 'out', event: string, data: unknown): void => {
    push(
      frames,
      el(
        'li',
        { 'data-testid': 'frame', 'data-direction': direction },
        el('span', { class: `dir ${direction}` }, direction === 'in' ? '←' : '→'),
        ` ${event} `,
        el('code', {}, JSON.stringify(data) ?? 'undefined'),
      ),
    );
  };

  /** An HTTP call of the API, shown in the frame inspector both ways. */
  const http = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    frame('out', `${method} ${path}`, body ?? null);
    try {
      const answer = await api<T>(method, path, { token, ...(body !== undefined ? { body } : {}) });
      frame('in', `${method} ${path}`, answer);
      return answer;
    } catch (e) {
      frame('in', `${method} ${path}`, { error: (e as Error).message });
      throw e;
    }
  };
  const message = (destId: string, content: unknown, messageType: number, fromType: number): ImMessage => ({
    msgId: uuid(),
    fromId: userId,
    fromType,
    destId,
    fromName: userId,
    imageIconUrl: '',
    content,
    messageType,
  });

  /** Emits a frame, logs it, and shows the ack next to it when it comes. */
  const emit = (event: 'chat' | 'chatroom', m: ImMessage | unknown): void => {
    // A disconnected socket.io client would buffer the emit and never send it: no row waits forever.
    if (!socket?.connected) return setStatus('not connected: connect first');
    const msg = m as Partial<ImMessage>;
    const label = `${typeName(Number(msg.messageType))} to ${String(msg.destId)}: ${short(msg.content)}`;
    const ackCell = el('span', { class: 'ack', 'data-testid': 'ack' }, 'waiting for ack…');
    const row = el(
      'li',
      { 'data-testid': 'sent', 'data-msg-id': String(msg.msgId), 'data-dest': String(msg.destId) },
      `${label} · `,
      ackCell,
    );
    push(sent, row);
    pending.add(ackCell);
    socket.emit(event, m, (answer: AckAnswer) => {
      pending.delete(ackCell);
      frame('in', `ack(${event})`, answer);
      row.dataset.code = String(answer.code);
      ackCell.textContent =
        answer.code === 0
          ? `ack code 0 · serverTime ${answer.serverTime ?? '?'}`
          : `refused ${answer.code}: ${answer.error ?? ''}`;
      ackCell.className = answer.code === 0 ? 'ack ok' : 'ack err';
      if (answer.code === 0) void showSeq(msg, row, ackCell);
    });
  };

  /**
   * The ack carries no seq; a stored message has one once acknowledged (the ack waits for the
   * store), so the playground reads it back from the history API.
   */
  const showSeq = async (msg: Partial<ImMessage>, row: HTMLElement, ackCell: HTMLElement): Promise<void> => {
    const spec = ref.types.find((t) => t.type === Number(msg.messageType));
    if (!spec?.stored || typeof msg.destId !== 'string' || typeof msg.msgId !== 'string') return;
    const key = msg.fromType === 2 ? 'groupId' : 'peerId';
    try {
      const page = await api<{ messages: ImMessage[] }>(
        'GET',
        `/v1/messages?${key}=${encodeURIComponent(msg.destId)}&beforeSeq=${Number.MAX_SAFE_INTEGER}&limit=50`,
        { token },
      );
      const stored = page.messages.find((m) => m.msgId === msg.msgId);
      if (stored?.seq === undefined) return;
      row.dataset.seq = String(stored.seq);
      ackCell.textContent += ` · seq ${stored.seq}`;
    } catch {
      // The seq is a convenience; the ack already told the outcome.
    }
  };

  /** A read receipt for `msgId`: that sent message and the earlier ones to the same destination. */
  const markRead = (msgId: string, by: string): void => {
    const target = sent.querySelector<HTMLElement>(`[data-msg-id="${CSS.escape(msgId)}"]`);
    if (!target) return;
    const upTo = Number(target.dataset.seq ?? Infinity);
    for (const row of sent.querySelectorAll<HTMLElement>(
      `[data-testid="sent"][data-dest="${CSS.escape(target.dataset.dest ?? '')}"]`,
    )) {
      if (row.dataset.read || (row !== target && !(Number(row.dataset.seq) <= upTo))) continue;
      row.dataset.read = by;
      row.append(el('span', { class: 'read', 'data-testid': 'read' }, ` · read by ${by}`));
    }
  };

  const onDownlink = (m: ImMessage): void => {
    const name = typeName(m.messageType);
    const seq = m.seq === undefined ? 'live (no seq)' : `seq ${m.seq}`;
    push(
      received,
      el(
        'li',
        {
          'data-testid': 'received',
          'data-type': name,
          'data-from': m.fromId,
          'data-seq': m.seq === undefined ? '' : String(m.seq),
        },
        el('span', { class: 'type' }, name),
        ` from ${m.fromId} to ${m.destId} · ${seq} · `,
        el('span', { class: 'content' }, short(m.content)),
      ),
    );
    const spec = ref.types.find((t) => t.type === m.messageType);
    if (spec?.stored && spec.unread && m.seq !== undefined && m.fromId !== userId) {
      // Read receipt (33): content is the last read msgId; the sender's console marks it read.
      const read = el('button', { type: 'button', class: 'small', 'data-testid': 'mark-read' }, 'Mark read');
      read.addEventListener('click', () => {
        read.disabled = true;
        const group = m.fromType === 2;
        emit('chat', message(group ? m.destId : m.fromId, m.msgId, 33, group ? 2 : 1));
      });
      received.firstElementChild?.append(' ', read);
    }
    if (m.messageType === 33 && typeof m.content === 'string') markRead(m.content, m.fromId);
    const row = received.firstElementChild;
    if (row instanceof HTMLElement) actions.onDownlink(m, row);
    if (name === 'FRIEND_REQUEST') {
      const accept = el('button', { type: 'button', class: 'small', 'data-testid': 'accept-friend' }, 'Accept');
      accept.addEventListener('click', () => {
        accept.disabled = true;
        http('POST', `/v1/friends/requests/${encodeURIComponent(m.fromId)}/accept`)
          .then(() => contacts.refresh())
          .catch((e: Error) => setStatus(`accept failed: ${e.message}`));
      });
      received.firstElementChild?.append(' ', accept);
    }
    // The sender's own copy (another device, or a sync) tells the seq its message got.
    const mine = sent.querySelector<HTMLElement>(`[data-msg-id="${CSS.escape(m.msgId)}"] .ack`);
    if (mine && m.seq !== undefined) mine.textContent += ` · seq ${m.seq}`;
  };

  const open = (): void => {
    token = tokenInput.value.trim();
    if (!token) return setStatus('a token is needed (mint one, or paste one)');
    socket?.close();
    signIn.remember();
    const s = io(signIn.serverUrl(), {
      auth: { token, deviceId: consoleDeviceId(), devType: 3 },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    socket = s;
    setStatus('connecting…');
    s.onAny((event: string, ...args: unknown[]) => frame('in', event, args[0]));
    s.onAnyOutgoing((event: string, ...args: unknown[]) => frame('out', event, args[0]));
    s.on('ready', (r: { userId?: unknown }) => {
      // Who we are is the token's user, as the server says in ready, whatever the field holds.
      const typed = userInput.value.trim();
      userId = typeof r?.userId === 'string' ? r.userId : typed;
      userInput.value = userId;
      signIn.remember();
      // The protocol's handshake: the server's ready, our type 1; then downlinks start.
      emit('chat', message('server', '', 1, 1));
      setStatus(
        `connected as ${userId}${typed !== '' && typed !== userId ? ` (the token’s user, not “${typed}”)` : ''}`,
        true,
      );
      fillRaw();
      connect.disabled = true;
      disconnect.disabled = false;
      void contacts.refresh();
    });
    s.on('chat', (m: ImMessage, ack?: () => void) => {
      if (typeof ack === 'function') ack();
      onDownlink(m);
    });
    s.on('chatroom', (m: ImMessage) => onDownlink(m));
    s.on('connect_error', (err: Error) => setStatus(`refused: ${err.message}`));
    s.on('disconnect', (reason: string) => {
      if (socket === s) socket = undefined;
      for (const cell of pending) {
        cell.textContent = 'no ack: disconnected first (the server may have it: resend the same msgId to learn)';
        cell.className = 'ack err';
        cell.closest<HTMLElement>('[data-testid="sent"]')?.setAttribute('data-code', 'none');
      }
      pending.clear();
      setStatus(`disconnected: ${reason}`);
      connect.disabled = false;
      disconnect.disabled = true;
    });
  };

  const fillRaw = (): void => {
    const t = uplinkTypes.find((x) => x.type === Number(rawType.value));
    if (!t) return;
    const dest = destInput.value.trim() || 'someone';
    const fromType = destKind.value === 'group' && t.fromTypes.includes(2) ? 2 : (t.fromTypes[0] ?? 1);
    rawInput.value = JSON.stringify(
      { ...message(dest, t.example, t.type, fromType), fromId: userId || '<your user id>' },
      null,
      2,
    );
  };

  connect.addEventListener('click', open);
  disconnect.addEventListener('click', () => socket?.close());
  send.addEventListener('click', () => {
    const dest = destInput.value.trim();
    emit('chat', message(dest, textInput.value, 2, destKind.value === 'group' ? 2 : 1));
    textInput.value = '';
  });
  textInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') send.click();
  });
  rawType.addEventListener('change', fillRaw);
  destInput.addEventListener('change', fillRaw);
  destKind.addEventListener('change', fillRaw);
  rawSend.addEventListener('click', () => {
    let frameData: unknown;
    try {
      frameData = JSON.parse(rawInput.value);
    } catch (e) {
      return setStatus(`the frame is not JSON: ${(e as Error).message}`);
    }
    const t = ref.types.find((x) => x.type === Number((frameData as Partial<ImMessage>)?.messageType));
    emit(t?.channel === 'chatroom' ? 'chatroom' : 'chat', frameData);
    // A fresh msgId for the next send: the server treats a repeated msgId as a retry.
    fillRaw();
  });
  createGroup.addEventListener('click', () => {
    const memberIds = groupMembers.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const body = { name: groupName.value.trim() || 'group', memberIds };
    http<{ groupId: string }>('POST', '/v1/groups', body)
      .then((r) => {
        void contacts.refresh();
        groupResult.textContent = `group ${r.groupId}`;
        groupResult.dataset.groupId = r.groupId;
        destKind.value = 'group';
        destInput.value = r.groupId;
        fillRaw();
      })
      .catch((e: Error) => {
        groupResult.textContent = `failed: ${e.message}`;
      });
  });
  fillRaw();
}
