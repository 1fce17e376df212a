import { el, uuid } from './api';

/**
 * What the playground keeps across a reload, in this browser's localStorage: the server to
 * connect to, the user id and token last used (minted or pasted), and the device id. The device
 * id is drawn once per browser, like an app's installation id, so a reload is the same device to
 * the server: it syncs from that device's cursor instead of starting over as a new device.
 * A development tool: the token sits in localStorage, readable by scripts of this origin.
 */
const KEY = 'im-console.session';

interface Saved {
  readonly server?: string;
  readonly userId?: string;
  readonly token?: string;
  readonly deviceId?: string;
}

function load(): Saved {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return typeof value === 'object' && value !== null ? (value as Saved) : {};
  } catch {
    return {};
  }
}

function save(patch: Saved): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...load(), ...patch }));
  } catch {
    // Storage off (private mode, quota): the console still works, it just forgets.
  }
}

/** This browser's device id for the console, drawn on first use and kept. */
export function consoleDeviceId(): string {
  const known = load().deviceId;
  if (known !== undefined && /^[A-Za-z0-9_.@-]{1,64}$/.test(known)) return known;
  const id = `console-${uuid().slice(0, 8)}`;
  save({ deviceId: id });
  return id;
}

/** The sign-in fields filled from what was saved, the server field to read, and `remember` to save them now. */
export function savedSignIn(
  user: HTMLInputElement,
  token: HTMLTextAreaElement,
): {
  readonly server: HTMLInputElement;
  readonly device: HTMLElement;
  serverUrl(): string;
  remember(): void;
} {
  const saved = load();
  const server = el('input', {
    placeholder: 'server URL',
    'data-testid': 'server-url',
    value: saved.server ?? location.origin,
    title: 'The Socket.IO server to connect to (default: the gateway serving this page)',
  });
  user.value = saved.userId ?? user.value;
  token.value = saved.token ?? token.value;
  const device = el('span', { class: 'hint', 'data-testid': 'device-id' }, `device ${consoleDeviceId()}`);
  return {
    server,
    device,
    serverUrl: () => server.value.trim() || location.origin,
    remember: () => save({ server: server.value.trim(), userId: user.value.trim(), token: token.value.trim() }),
  };
}
