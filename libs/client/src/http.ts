import { backoffDelay, sleep } from './backoff';
import { ImClientError } from './errors';

export type Query = Record<string, string | number | boolean | undefined>;

export interface HttpOptions {
  /** `http(s)://host:port` of the gateway (the socket's origin by default). */
  readonly baseUrl: string;
  /** The current token; `refresh` true after a 401 asks for a new one. */
  readonly token: (refresh: boolean) => Promise<string>;
  readonly fetch?: typeof fetch;
  /** Retries of a 429 / 503 answer or a network error before giving up (default 4). */
  readonly retries?: number;
}

/**
 * HTTP calls with `Authorization: Bearer <token>`: a 401 is tried once more with a fresh token
 * (from `getToken`), 429 / 503 and network errors a few times after a back-off; an error answer
 * `{code, name, error}` becomes an ImClientError.
 */
export class HttpTransport {
  constructor(private readonly o: HttpOptions) {}

  /** `signal` aborts the call (and its retries); `retries` overrides the transport's. */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Query,
    options: { signal?: AbortSignal; retries?: number } = {},
  ): Promise<T> {
    const retries = options.retries ?? this.o.retries ?? 4;
    const url = new URL(path, this.o.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const doFetch = this.o.fetch ?? globalThis.fetch.bind(globalThis);
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { authorization: `Bearer ${await this.o.token(refreshed)}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      let res: Response;
      try {
        res = await doFetch(url.toString(), {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (e) {
        if (attempt >= retries || options.signal?.aborted) throw e;
        await sleep(backoffDelay(attempt)).promise;
        continue;
      }
      const text = await res.text();
      const parsed: unknown = text ? safeJson(text) : undefined;
      if (res.ok) return parsed as T;
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        continue;
      }
      if ((res.status === 429 || res.status === 503) && attempt < retries) {
        await sleep(backoffDelay(attempt)).promise;
        continue;
      }
      const e = (parsed ?? {}) as { code?: number; error?: string };
      throw ImClientError.fromAnswer(
        typeof e.code === 'number' ? e.code : res.status * 100 + 1,
        e.error ?? res.statusText,
        undefined,
        res.status,
      );
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: text };
  }
}
