import { el, uuid } from './api';
import type { ProtocolReference, ServerInfo } from './api';

/** A message as the playground sends and receives it. */
export interface PlainMessage {
  msgId: string;
  fromId: string;
  fromType: number;
  destId: string;
  content: unknown;
  messageType: number;
  seq?: number;
}

/** What the red-packet and call buttons need from the playground. */
export interface ActionDeps {
  readonly ref: ProtocolReference;
  readonly info: ServerInfo;
  /** The signed-in user ('' before connecting). */
  readonly me: () => string;
  /** The destination chosen in the Send card. */
  readonly destination: () => { kind: 'user' | 'group'; id: string };
  /** An HTTP call of the API with the user's token, shown in the frame inspector. */
  readonly http: <T>(method: string, path: string, body?: unknown) => Promise<T>;
  /** Builds a message from the signed-in user. */
  readonly message: (destId: string, content: unknown, messageType: number, fromType: number) => PlainMessage;
  /** Sends a frame on `chat` (logged in Sent with its ack, and in the frame inspector). */
  readonly emit: (m: PlainMessage) => void;
  readonly setStatus: (text: string) => void;
}

const T = {
  RED_PACKET: 17,
  AUDIO_OFFER: 150,
  VIDEO_OFFER: 151,
  AUDIO_ACCEPTED: 152,
  VIDEO_ACCEPTED: 153,
  AUDIO_REFUSED: 154,
  VIDEO_REFUSED: 155,
  HANGUP: 156,
  DROPPED: 161,
  ENDED: 162,
} as const;

const fen = (n: number): string => `${n} fen (¥${(n / 100).toFixed(2)})`;

/**
 * The “Red packets and calls” card: send a red packet through the HTTP API (with a dev top-up in
 * embedded mode), open a received one, and place, answer and end a 1:1 call over the socket.
 * Returns the card and the hook the playground calls for every rendered downlink.
 */
export function renderActions(deps: ActionDeps): {
  card: HTMLElement;
  onDownlink: (m: PlainMessage, row: HTMLElement) => void;
} {
  const example = (type: number): unknown => deps.ref.types.find((t) => t.type === type)?.example ?? '';

  // ---- wallet and red packets ----
  const balance = el('span', { 'data-testid': 'balance' }, 'balance: ?');
  const refreshBalance = el('button', { type: 'button', 'data-testid': 'wallet-balance' }, 'Balance');
  const topupAmount = el('input', {
    type: 'number',
    min: '1',
    step: '1',
    value: '10000',
    'data-testid': 'topup-amount',
    title: 'fen',
  });
  const topup = el('button', { type: 'button', 'data-testid': 'dev-topup' }, 'Dev top-up (fen)');
  const rpKind = el(
    'select',
    { 'data-testid': 'rp-kind' },
    el('option', { value: 'lucky' }, 'lucky (random shares)'),
    el('option', { value: 'equal' }, 'equal shares'),
  );
  const rpTotal = el('input', {
    type: 'number',
    min: '1',
    step: '1',
    value: '100',
    'data-testid': 'rp-total',
    title: 'total in fen',
  });
  const rpCount = el('input', {
    type: 'number',
    min: '1',
    step: '1',
    value: '1',
    'data-testid': 'rp-count',
    title: 'shares',
  });
  const rpMsg = el('input', { placeholder: 'greeting', value: 'good luck', 'data-testid': 'rp-msg' });
  const rpSend = el('button', { type: 'button', 'data-testid': 'rp-send' }, 'Send red packet');
  const rpResult = el('span', { 'data-testid': 'rp-result' });

  const setBalance = (value: number): void => {
    balance.textContent = `balance: ${fen(value)}`;
    balance.dataset.value = String(value);
  };
  refreshBalance.addEventListener('click', () => {
    deps
      .http<{ balance: number }>('GET', '/v1/wallet')
      .then((r) => setBalance(r.balance))
      .catch((e: Error) => deps.setStatus(`balance: ${e.message}`));
  });
  topup.addEventListener('click', () => {
    deps
      .http<{ balance: number }>('POST', '/console/api/dev-topup', { amount: Number(topupAmount.value) })
      .then((r) => setBalance(r.balance))
      .catch((e: Error) => deps.setStatus(`top-up failed: ${e.message}`));
  });
  rpSend.addEventListener('click', () => {
    const to = deps.destination();
    const body = {
      to: { type: to.kind, id: to.id },
      kind: rpKind.value,
      total: Number(rpTotal.value),
      count: Number(rpCount.value),
      msg: rpMsg.value,
      requestId: uuid(),
    };
    rpResult.textContent = 'sending…';
    delete rpResult.dataset.packetId;
    delete rpResult.dataset.error;
    deps
      .http<{ packetId: string; state: string }>('POST', '/v1/red-packets', body)
      .then((r) => {
        rpResult.textContent = `red packet ${r.packetId} · ${r.state}`;
        rpResult.dataset.packetId = r.packetId;
      })
      .catch((e: Error) => {
        rpResult.textContent = `refused: ${e.message}`;
        rpResult.dataset.error = e.message;
      });
  });
  const moneyHint = deps.info.devTokens
    ? 'Embedded mode: “Dev top-up” adds fen to your own wallet (POST /console/api/dev-topup). A red packet goes to the destination of the Send card (a user or a group); amounts are fen.'
    : 'Cluster mode: there is no dev top-up. Money enters only through the admin API (POST /v1/admin/wallet/topup with IM_ADMIN_TOKEN); ask an operator to top up this user. Amounts are fen.';

  // ---- calls ----
  const callAudio = el('button', { type: 'button', 'data-testid': 'call-audio' }, 'Audio call (150)');
  const callVideo = el('button', { type: 'button', 'data-testid': 'call-video' }, 'Video call (151)');
  const hangup = el('button', { type: 'button', 'data-testid': 'call-hangup', disabled: '' }, 'Hang up (156)');
  const callState = el('span', { 'data-testid': 'call-state', 'data-state': 'idle' }, 'no call');
  let peer = '';
  const setCall = (state: 'idle' | 'calling' | 'ringing' | 'active' | 'ended', text: string, who = peer): void => {
    peer = state === 'idle' || state === 'ended' ? '' : who;
    callState.dataset.state = state;
    callState.textContent = text;
    hangup.disabled = peer === '';
  };
  const offer = (type: number): void => {
    const to = deps.destination();
    if (to.kind !== 'user' || !to.id) return deps.setStatus('a call goes to a user: choose one as the destination');
    deps.emit(deps.message(to.id, example(type), type, 1));
    setCall('calling', `calling ${to.id}…`, to.id);
  };
  callAudio.addEventListener('click', () => offer(T.AUDIO_OFFER));
  callVideo.addEventListener('click', () => offer(T.VIDEO_OFFER));
  hangup.addEventListener('click', () => {
    if (!peer) return;
    deps.emit(deps.message(peer, example(T.HANGUP), T.HANGUP, 1));
    setCall('ended', `hung up on ${peer}`);
  });

  const card = el(
    'section',
    { class: 'card' },
    el('h3', {}, 'Red packets and calls'),
    el('h4', {}, 'Wallet and red packets (HTTP API)'),
    el('div', { class: 'row' }, refreshBalance, balance, ...(deps.info.devTokens ? [topupAmount, topup] : [])),
    el(
      'div',
      { class: 'row' },
      rpKind,
      el('label', {}, 'total (fen) ', rpTotal),
      el('label', {}, 'shares ', rpCount),
      rpMsg,
      rpSend,
      rpResult,
    ),
    el('p', { class: 'hint', 'data-testid': 'money-hint' }, moneyHint),
    el('h4', {}, '1:1 call (socket signals; no media is sent)'),
    el('div', { class: 'row' }, callAudio, callVideo, hangup, callState),
    el(
      'p',
      { class: 'hint' },
      'The call goes to the destination user. A received offer has Accept and Refuse buttons; either side may hang up. The 162 record ends every call.',
    ),
  );

  const button = (testId: string, label: string, onClick: (b: HTMLButtonElement) => void): HTMLButtonElement => {
    const b = el('button', { type: 'button', class: 'small', 'data-testid': testId }, label);
    b.addEventListener('click', () => {
      b.disabled = true;
      onClick(b);
    });
    return b;
  };

  const onDownlink = (m: PlainMessage, row: HTMLElement): void => {
    const content = (typeof m.content === 'object' && m.content !== null ? m.content : {}) as Record<string, unknown>;
    if (m.messageType === T.RED_PACKET && typeof content.redPacketId === 'string') {
      const id = content.redPacketId;
      row.append(
        ' ',
        button('open-packet', 'Open', () => {
          deps
            .http<{ amount: number; alreadyOpened: boolean }>('POST', `/v1/red-packets/${encodeURIComponent(id)}/open`)
            .then((r) =>
              row.append(
                el(
                  'span',
                  { class: 'ack ok', 'data-testid': 'opened', 'data-amount': String(r.amount) },
                  ` · opened: ${fen(r.amount)}${r.alreadyOpened ? ' (already)' : ''}`,
                ),
              ),
            )
            .catch((e: Error) =>
              row.append(el('span', { class: 'ack err', 'data-testid': 'open-refused' }, ` · refused: ${e.message}`)),
            );
        }),
      );
    }
    if (m.messageType === T.ENDED && typeof content.outcome === 'string') {
      // The record every call ends with (to both parties; fromId is the caller).
      const parties = [content.callerId, content.calleeId];
      if (peer !== '' && parties.includes(peer)) setCall('ended', `call with ${peer} ended`);
      callState.dataset.outcome = content.outcome;
      callState.textContent = `${callState.textContent ?? ''} · ${content.outcome}`;
      return;
    }
    if (m.fromId === deps.me()) return;
    if (m.messageType === T.AUDIO_OFFER || m.messageType === T.VIDEO_OFFER) {
      const video = m.messageType === T.VIDEO_OFFER;
      const caller = m.fromId;
      setCall('ringing', `${video ? 'video' : 'audio'} call from ${caller}`, caller);
      const accept = button('call-accept', 'Accept', () => {
        refuse.disabled = true;
        const type = video ? T.VIDEO_ACCEPTED : T.AUDIO_ACCEPTED;
        deps.emit(deps.message(caller, example(type), type, 1));
        setCall('active', `in a call with ${caller}`, caller);
      });
      const refuse = button('call-refuse', 'Refuse', () => {
        accept.disabled = true;
        const type = video ? T.VIDEO_REFUSED : T.AUDIO_REFUSED;
        deps.emit(deps.message(caller, example(type), type, 1));
        setCall('ended', `refused the call from ${caller}`);
      });
      row.append(' ', accept, ' ', refuse);
    } else if ((m.messageType === T.AUDIO_ACCEPTED || m.messageType === T.VIDEO_ACCEPTED) && m.fromId === peer) {
      setCall('active', `in a call with ${peer}`);
    } else if ((m.messageType === T.AUDIO_REFUSED || m.messageType === T.VIDEO_REFUSED) && m.fromId === peer) {
      setCall('ended', `${peer} refused${typeof m.content === 'string' && m.content ? ` (${m.content})` : ''}`);
    } else if ((m.messageType === T.HANGUP || m.messageType === T.DROPPED) && m.fromId === peer) {
      setCall('ended', `${peer} ${m.messageType === T.HANGUP ? 'hung up' : 'dropped'}`);
    }
  };
  return { card, onDownlink };
}
