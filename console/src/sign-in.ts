import { api, el } from './api';
import { savedSignIn } from './saved';

/**
 * The playground's sign-in card: server URL, user id, token (minted in embedded mode, pasted
 * otherwise), Connect / Disconnect and the status line. What it holds survives a reload (saved.ts).
 */
export function renderSignIn(devTokens: boolean): {
  readonly card: HTMLElement;
  readonly user: HTMLInputElement;
  readonly token: HTMLTextAreaElement;
  readonly connect: HTMLButtonElement;
  readonly disconnect: HTMLButtonElement;
  setStatus(text: string, ok?: boolean): void;
  /** Where the Socket.IO connection goes. */
  serverUrl(): string;
  /** Saves the fields now (after a mint, a connect, the server's ready). */
  remember(): void;
} {
  const user = el('input', { placeholder: 'user id', 'data-testid': 'user-id', value: '' });
  const token = el('textarea', { placeholder: 'client token (JWT)', rows: '2', 'data-testid': 'token' });
  const mint = el('button', { type: 'button', 'data-testid': 'mint' }, 'Mint dev token');
  const connect = el('button', { type: 'button', 'data-testid': 'connect' }, 'Connect');
  const disconnect = el('button', { type: 'button', 'data-testid': 'disconnect', disabled: '' }, 'Disconnect');
  const status = el('span', { 'data-testid': 'status', class: 'status' }, 'not connected');
  const session = savedSignIn(user, token);
  const card = el(
    'section',
    { class: 'card' },
    el('h3', {}, 'Sign in'),
    el('div', { class: 'row' }, session.server, user, ...(devTokens ? [mint] : []), connect, disconnect, status),
    token,
    session.device,
    el(
      'p',
      { class: 'hint' },
      devTokens
        ? 'Embedded mode: “Mint dev token” signs a token for any user id.'
        : 'Paste a client token signed with the cluster’s IM_JWT_SECRET.',
    ),
  );
  const setStatus = (text: string, ok = false): void => {
    status.textContent = text;
    status.className = ok ? 'status ok' : 'status';
  };
  mint.addEventListener('click', () => {
    const id = user.value.trim();
    api<{ token: string }>('POST', '/console/api/dev-token', { body: { userId: id } })
      .then((r) => {
        token.value = r.token;
        session.remember();
        setStatus(`token minted for ${id}`);
      })
      .catch((e: Error) => setStatus(`mint failed: ${e.message}`));
  });
  return {
    card,
    user,
    token,
    connect,
    disconnect,
    setStatus,
    serverUrl: session.serverUrl,
    remember: session.remember,
  };
}
