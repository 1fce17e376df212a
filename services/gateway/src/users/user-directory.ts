import type { Clock, TokenClaims } from '@im/common';
import { urlProblem } from '@im/protocol';
import { unknownProfile } from '@im/store';
import type { ProfileChange, Store, UserBan, UserProfile } from '@im/store';

/** The name and avatar a sender's chat messages carry. */
export interface SenderFace {
  readonly fromName: string;
  readonly imageIconUrl: string;
}

/** Users remembered as having a profile, at most; past it the set starts again (one write per user then). */
const KNOWN_USERS_MAX = 100_000;

/**
 * The gateway's view of the user directory: creates a profile from the token claims at first
 * connect, names senders (never from what the client typed), and answers whether a user is banned.
 * A sender's profile is reused for `cacheMs` (the chat path reads it per message); a change made
 * through this gateway is seen at once, one made through another within `cacheMs`.
 */
export class UserDirectory {
  private readonly faces = new Map<string, { face: SenderFace; at: number }>();
  /** Face reads under way, by user: the sends that miss the cache meanwhile wait for the same read. */
  private readonly reading = new Map<string, { readonly face: Promise<SenderFace> }>();
  /** Users whose profile exists (created or found by `ensure`); profiles are never deleted. */
  private readonly known = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly cacheMs: number,
  ) {}

  /** The profile a token's claims describe (name: the claim, else the id; an avatar only when it is an http(s) URL). */
  static fromClaims(claims: TokenClaims, at: number): UserProfile {
    const avatar = claims.avatar !== undefined && urlProblem(claims.avatar) === undefined ? claims.avatar : '';
    const name = claims.name !== undefined && claims.name.trim() !== '' ? claims.name.slice(0, 128) : claims.sub;
    return { ...unknownProfile(claims.sub), name, avatar, updatedAt: at };
  }

  /**
   * First connect: the profile from the token claims, unless the user has one. A user this
   * process already saw with a profile costs nothing: a reconnect writes nothing (on FerretDB a
   * refused duplicate insert is an ERROR line in its log, one per connect before this cache).
   */
  async ensure(claims: TokenClaims): Promise<void> {
    if (this.known.has(claims.sub)) return;
    await this.store.users.ensure(UserDirectory.fromClaims(claims, this.clock.now()));
    if (this.known.size >= KNOWN_USERS_MAX) this.known.clear();
    this.known.add(claims.sub);
  }

  /**
   * The sender's name and avatar: the directory's, else the token's claims, else the id. Sends
   * of one user that miss the cache together share one read.
   */
  async senderFace(claims: TokenClaims): Promise<SenderFace> {
    const user = claims.sub;
    const now = this.clock.now();
    const cached = this.faces.get(user);
    if (cached !== undefined && now - cached.at < this.cacheMs) return cached.face;
    const under = this.reading.get(user);
    if (under !== undefined) return under.face;
    const read = { face: this.readFace(claims, now) };
    this.reading.set(user, read);
    // Cached only if no change was made meanwhile (a change forgets the read under way too).
    const done = (face?: SenderFace): void => {
      if (this.reading.get(user) !== read) return;
      this.reading.delete(user);
      if (face === undefined || this.cacheMs <= 0) return;
      if (this.faces.size >= 10_000) this.faces.clear();
      this.faces.set(user, { face, at: now });
    };
    read.face.then(done, () => done());
    return read.face;
  }

  private async readFace(claims: TokenClaims, now: number): Promise<SenderFace> {
    const profile = (await this.store.users.get(claims.sub)) ?? UserDirectory.fromClaims(claims, now);
    return { fromName: profile.name, imageIconUrl: profile.avatar };
  }

  /** Stores a profile change and forgets the cached face. */
  async update(userId: string, change: ProfileChange): Promise<UserProfile> {
    const profile = await this.store.users.update(userId, change, this.clock.now());
    this.faces.delete(userId);
    this.reading.delete(userId);
    return profile;
  }

  banOf(userId: string): Promise<UserBan | undefined> {
    return this.store.users.banOf(userId);
  }
}
