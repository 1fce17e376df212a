/** A user as the directory knows them: what every notice and list shows for that person. */
export interface UserProfile {
  readonly userId: string;
  /** The display name; the user id until the user (or their token) gave one. */
  readonly name: string;
  /** Avatar URL ('' when none). */
  readonly avatar: string;
  /** Optional one-line signature ('' when none). */
  readonly signature: string;
  readonly updatedAt: number;
}

/** What `PUT /v1/profile` may change; an absent field is left as it is. */
export interface ProfileChange {
  readonly name?: string;
  readonly avatar?: string;
  readonly signature?: string;
}

/** A ban: the user's sockets are closed, their tokens and HTTP calls refused until it is lifted. */
export interface UserBan {
  readonly userId: string;
  readonly at: number;
  readonly reason: string;
}

/**
 * The user directory: one profile per user (one row / one document), and bans. Every change is a
 * single-row / single-document write.
 */
export interface UserRepository {
  /** Creates the profile unless one exists (first connect, from the token claims); returns the stored one. */
  ensure(profile: UserProfile): Promise<UserProfile>;
  /** Applies the change (creating the profile, named by its id, when missing); returns the new profile. */
  update(userId: string, change: ProfileChange, at: number): Promise<UserProfile>;
  get(userId: string): Promise<UserProfile | undefined>;
  /** The profiles among `userIds` that exist, in the order asked (unknown ids left out). */
  getMany(userIds: readonly string[]): Promise<UserProfile[]>;
  /** Profiles whose name starts with `prefix` (case-insensitive), by name then id, at most `limit`. */
  searchByName(prefix: string, limit: number): Promise<UserProfile[]>;
  /** Records (or refreshes) a ban. Idempotent. */
  ban(ban: UserBan): Promise<void>;
  /** Lifts a ban; true when there was one. */
  unban(userId: string): Promise<boolean>;
  banOf(userId: string): Promise<UserBan | undefined>;
}

/** The profile shown for a user the directory does not know: named by their id. */
export const unknownProfile = (userId: string): UserProfile => ({
  userId,
  name: userId,
  avatar: '',
  signature: '',
  updatedAt: 0,
});

/** The case-folded key names are searched by. */
export const nameKey = (name: string): string => name.toLowerCase();
