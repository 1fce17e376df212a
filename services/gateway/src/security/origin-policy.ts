/**
 * Which browser origins may open a socket or call the HTTP API. A request without an `Origin`
 * header (native apps, servers) is not a browser's cross-site request and is always let through:
 * tokens authenticate it. `*` allows every origin.
 */
export class OriginPolicy {
  private readonly any: boolean;
  private readonly allowed: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.any = origins.includes('*');
    this.allowed = new Set(origins.map((o) => o.toLowerCase().replace(/\/+$/, '')));
  }

  /**
   * `host` is the request's Host header: an Origin naming that same host is the gateway's own page
   * (the web console it serves at /console), which needs no listing — same-origin, not cross-site.
   */
  allows(origin: string | undefined, host?: string): boolean {
    if (origin === undefined) return true;
    return this.any || this.allowed.has(origin.toLowerCase()) || (host !== undefined && sameHost(origin, host));
  }
}

/** Whether an Origin (`scheme://host[:port]`) names exactly this Host header's host and port. */
function sameHost(origin: string, host: string): boolean {
  if (!/^https?:\/\/[^/@]+$/i.test(origin) || host === '') return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}
