/** What the gateway serves under /console/api (services/gateway/src/http/console.routes.ts). */

export interface ReferenceType {
  readonly type: number;
  readonly name: string;
  readonly direction: 'up' | 'down' | 'both';
  readonly channel: 'chat' | 'chatroom';
  readonly description: string;
  readonly stored: boolean;
  readonly unread: boolean;
  readonly fromTypes: readonly number[];
  readonly content: Schema;
  /** The content schema in one line, as docs/protocol.md shows it. */
  readonly contentText: string;
  readonly clientSend?: { readonly kind: string; readonly route?: string };
  readonly example: unknown;
  /** Which service makes it, and through what (an HTTP route, a socket event, a topic, a timer). */
  readonly producedBy: readonly { readonly service: string; readonly via: string }[];
  readonly receivedBy: string;
  /** Other services may publish it on im.events.in. */
  readonly businessEvent?: { readonly actor: boolean; readonly target: string };
  /** What a push or a conversation list shows instead of the content. */
  readonly pushLabel: string;
  readonly pushShowsText: boolean;
}

export interface ReferenceError {
  readonly name: string;
  readonly code: number;
  readonly httpStatus: number;
  readonly message: string;
}

export interface ProtocolReference {
  readonly types: readonly ReferenceType[];
  readonly errors: readonly ReferenceError[];
}

export interface ServerInfo {
  readonly devTokens: boolean;
  readonly gatewayId: string;
}

/** The content-schema language of libs/protocol/src/content.schema.ts, as JSON. */
export type Schema =
  | { kind: 'any' }
  | { kind: 'string'; minLength?: number; maxLength?: number; fromNumber?: boolean }
  | { kind: 'number'; min?: number; max?: number; integer?: boolean }
  | { kind: 'boolean' }
  | { kind: 'url'; allowEmpty?: boolean }
  | { kind: 'id' }
  | { kind: 'array'; items: Schema; maxItems?: number }
  | {
      kind: 'object';
      fields: Record<string, { schema: Schema; optional?: boolean; default?: unknown }>;
      aliases?: Record<string, string>;
      acceptJsonString?: boolean;
      refine?: string;
    }
  | { kind: 'oneOf'; options: Schema[] };

/** A JSON call to the gateway; an error answer becomes an Error with the server's reason. */
export async function api<T>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  const data = (text ? JSON.parse(text) : undefined) as T & { error?: string; name?: string };
  if (!res.ok) throw new Error(`${res.status} ${data?.name ? `${data.name}: ` : ''}${data?.error ?? res.statusText}`);
  return data;
}

/** A v4 UUID; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A tiny DOM builder: el('div', { class: 'x', 'data-testid': 'y' }, 'text', child). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}
