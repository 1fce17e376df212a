import { hostname } from 'node:os';
import { ID_CONFIG, LOG_CONFIG } from '@im/common';
import type { ConfigOf, ConfigSchema } from '@im/common';
import { CHAT_RULES_CONFIG, GROUP_LIMITS_CONFIG } from '@im/runtime';
import { MEDIA_CONFIG, mediaSettings } from './media/media.config';
import type { MediaSettings } from './media/media.config';
import { ICE_CONFIG, iceSettings } from './call/ice-servers';
import type { IceSettings } from './call/ice-servers';

/** The gateway's environment variables. Embedded mode reads these plus the services' own. */
export const GATEWAY_CONFIG = {
  IM_PORT: {
    kind: 'int',
    default: 9092,
    min: 0,
    max: 65535,
    doc: 'Port of Socket.IO and the HTTP API (0 picks a free port).',
  },
  IM_HOST: { kind: 'string', default: '0.0.0.0', doc: 'Address to listen on.' },
  IM_JWT_SECRET: {
    kind: 'string',
    secret: true,
    doc: 'HS256 secret of the client tokens. Embedded mode creates one in IM_DATA_DIR when unset; cluster mode requires it.',
  },
  IM_MAX_MESSAGE_BYTES: {
    kind: 'int',
    default: 65536,
    min: 1024,
    max: 4194304,
    doc: 'Largest accepted message, in bytes of JSON.',
  },
  IM_RATE_LIMIT_PER_SEC: {
    kind: 'int',
    default: 20,
    min: 1,
    doc: 'Messages per second one socket may send (sustained).',
  },
  IM_RATE_LIMIT_BURST: { kind: 'int', default: 40, min: 1, doc: 'Messages one socket may send in a burst.' },
  IM_ACK_TIMEOUT_MS: {
    kind: 'int',
    default: 30000,
    min: 100,
    doc: 'How long the gateway waits for a device to acknowledge a downlink.',
  },
  IM_MAX_MESSAGE_BACKLOG: {
    kind: 'int',
    default: 20000,
    min: 0,
    doc: 'Cluster mode: while the message service is more than this many records behind on im.messages, gateways refuse new messages with 50301 (retry with the same msgId) until the backlog halves. 0: no limit.',
  },
  IM_MESSAGE_BACKLOG_HOLD: {
    kind: 'int',
    default: 2000,
    min: 0,
    doc: 'Cluster mode: while the message service is more than this many records behind, a new message waits (IM_MESSAGE_BACKLOG_HOLD_MS at most) before it is published, so senders slow to the rate messages are stored instead of being refused. 0: no waiting.',
  },
  IM_MESSAGE_BACKLOG_HOLD_MS: {
    kind: 'int',
    default: 2000,
    min: 1,
    doc: 'Cluster mode: the longest a new message waits under IM_MESSAGE_BACKLOG_HOLD.',
  },
  IM_BACKLOG_CHECK_MS: {
    kind: 'int',
    default: 250,
    min: 100,
    doc: 'Cluster mode: how often a gateway reads the message backlog (two Kafka admin requests).',
  },
  IM_SYNC_MAX_PER_CONVERSATION: {
    kind: 'int',
    default: 1000,
    min: 1,
    doc: 'Most messages per conversation re-sent on connect; older ones are left to history sync over HTTP.',
  },
  IM_CURSOR_FLUSH_MS: {
    kind: 'int',
    default: 1000,
    min: 10,
    doc: "How often a gateway writes the device cursors that moved since its last write, in one bulk write (a device's are also written when it disconnects). A crash costs at most this long of re-deliveries, never a loss.",
  },
  ...CHAT_RULES_CONFIG,
  ...GROUP_LIMITS_CONFIG,
  IM_PRESENCE_DEBOUNCE_MS: {
    kind: 'int',
    default: 2000,
    min: 0,
    doc: 'Friends are told of a user going offline (6) only after this long without a session; a reconnect within it sends neither 6 nor 5.',
  },
  IM_MULTI_DEVICE: {
    kind: 'enum',
    values: ['per-devtype', 'many', 'single'],
    default: 'per-devtype',
    doc: 'Connections per user: one per declared devType (a new login gets the old one type 15 and closed), many, or one in all.',
  },
  IM_DRAIN_WINDOW_MS: {
    kind: 'int',
    default: 10000,
    min: 0,
    doc: 'On SIGTERM, the window over which a gateway closes its sockets so clients reconnect to other pods without a stampede.',
  },
  IM_ADMIN_TOKEN: {
    kind: 'string',
    secret: true,
    doc: 'Bearer token of the admin HTTP API (notices, wallet top-up/withdraw, revoking a user; docs/security.md), at least 16 characters, separate from IM_JWT_SECRET; unset disables the admin API.',
  },
  IM_ADMIN_NOTICES_PER_MINUTE: {
    kind: 'int',
    default: 10,
    min: 1,
    doc: 'System notices the admin API accepts per minute on one gateway (bursts of as many).',
  },
  IM_CHATROOM_HISTORY: {
    kind: 'int',
    default: 20,
    min: 0,
    max: 500,
    doc: 'Recent chatroom messages (102) sent to a socket entering the room; 0 keeps no history.',
  },
  IM_CHATROOM_MAX_MEMBERS: {
    kind: 'int',
    default: 1000,
    min: 1,
    doc: 'Most sockets in one chatroom; one more is refused.',
  },
  IM_CHATROOM_RATE_PER_SEC: {
    kind: 'int',
    default: 5,
    min: 1,
    doc: 'Chatroom messages (100-102) one user may send per second, counted across all gateways.',
  },
  IM_CONSOLE_ENABLED: {
    kind: 'bool',
    default: true,
    doc: 'Serve the web console (protocol playground and reference) at `/console`; embedded mode adds a dev-token button (docs/console.md).',
  },
  ...ICE_CONFIG,
  IM_GATEWAY_ID: { kind: 'string', doc: 'This gateway’s id in presence records; defaults to host name and pid.' },
  ...ID_CONFIG,
  ...LOG_CONFIG,
  IM_ALLOWED_ORIGINS: {
    kind: 'list',
    doc: 'Browser origins (`https://app.example.com`, comma-separated; `*` = any) allowed to open a socket or call the HTTP API (CORS). Unset: any in embedded mode, none in cluster mode. Requests without an Origin header (apps, servers) always pass.',
  },
  IM_MAX_CONNECTIONS_PER_USER: {
    kind: 'int',
    default: 20,
    min: 1,
    doc: 'Most simultaneous sockets of one user (a login that replaces an older one does not count twice).',
  },
  IM_HANDSHAKES_PER_IP_PER_MIN: {
    kind: 'int',
    default: 600,
    min: 0,
    doc: 'Socket handshakes one client address may start per minute, sustained (0 = no limit).',
  },
  IM_HANDSHAKE_BURST_PER_IP: {
    kind: 'int',
    default: 200,
    min: 1,
    doc: 'Socket handshakes one client address may start at once.',
  },
  IM_REVOCATION_TTL_S: {
    kind: 'int',
    default: 2592000,
    min: 60,
    doc: 'How long a revocation is remembered (shared store); must be at least the longest token lifetime.',
  },
  IM_USER_SEARCH_PER_MINUTE: {
    kind: 'int',
    default: 30,
    min: 1,
    doc: 'User directory searches (`GET /v1/users/search`) one user may make per minute on one gateway (bursts of as many).',
  },
  IM_PROFILE_CACHE_MS: {
    kind: 'int',
    default: 5000,
    min: 0,
    doc: 'How long a gateway reuses a sender’s profile (the name and avatar it puts on their chat messages) before reading the directory again; a profile changed through this gateway is reread at once. 0: read every time.',
  },
  ...MEDIA_CONFIG,
} as const satisfies ConfigSchema;

export type GatewayConfig = ConfigOf<typeof GATEWAY_CONFIG>;

/** The parts of the configuration the gateway code reads. */
export interface GatewaySettings {
  readonly jwtSecret: string;
  /** Undefined disables the admin API. */
  readonly adminToken: string | undefined;
  readonly revocationTtlMs: number;
  /** Empty = no browser origin; `*` = any. */
  readonly allowedOrigins: readonly string[];
  readonly maxConnectionsPerUser: number;
  /** 0 = no per-address handshake limit. */
  readonly handshakesPerIpPerMin: number;
  readonly handshakeBurstPerIp: number;
  readonly maxMessageBytes: number;
  readonly rateLimitPerSec: number;
  readonly rateLimitBurst: number;
  readonly ackTimeoutMs: number;
  readonly syncMaxPerConversation: number;
  /** How often the gateway writes the device cursors that moved (IM_CURSOR_FLUSH_MS). */
  readonly cursorFlushMs: number;
  readonly recallWindowMs: number;
  readonly requireFriendship: boolean;
  readonly gatewayId: string;
  readonly presenceDebounceMs: number;
  readonly multiDevice: 'per-devtype' | 'many' | 'single';
  readonly chatroomHistory: number;
  readonly chatroomMaxMembers: number;
  readonly chatroomRatePerSec: number;
  readonly adminNoticesPerMinute: number;
  /** STUN/TURN servers for calls (GET /v1/calls/ice-servers); absent: none, for settings built by hand. */
  readonly ice?: IceSettings;
  /** Serve the web console at /console (IM_CONSOLE_ENABLED); absent: off, for settings built by hand. */
  readonly consoleEnabled?: boolean;
  /** Directory searches per user per minute; absent: 30. */
  readonly userSearchPerMinute?: number;
  /** How long a sender's profile is reused (ms); absent: 5000. */
  readonly profileCacheMs?: number;
  /** Upload rules (docs/media.md); absent: the defaults. */
  readonly media?: MediaSettings;
}

export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** Start-up problems of the admin settings (a token too short to be a secret). */
export function adminConfigProblems(c: Pick<GatewayConfig, 'IM_ADMIN_TOKEN'>): string[] {
  const token = c.IM_ADMIN_TOKEN;
  return token !== undefined && token.length < MIN_ADMIN_TOKEN_LENGTH
    ? [`IM_ADMIN_TOKEN: must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`]
    : [];
}

/** The settings of a gateway from its configuration (cluster) or the embedded one, which extends it. */
export function gatewaySettings(c: GatewayConfig, jwtSecret: string): GatewaySettings {
  return {
    jwtSecret,
    adminToken: c.IM_ADMIN_TOKEN,
    revocationTtlMs: c.IM_REVOCATION_TTL_S * 1000,
    allowedOrigins: c.IM_ALLOWED_ORIGINS,
    maxConnectionsPerUser: c.IM_MAX_CONNECTIONS_PER_USER,
    handshakesPerIpPerMin: c.IM_HANDSHAKES_PER_IP_PER_MIN,
    handshakeBurstPerIp: c.IM_HANDSHAKE_BURST_PER_IP,
    maxMessageBytes: c.IM_MAX_MESSAGE_BYTES,
    rateLimitPerSec: c.IM_RATE_LIMIT_PER_SEC,
    rateLimitBurst: c.IM_RATE_LIMIT_BURST,
    ackTimeoutMs: c.IM_ACK_TIMEOUT_MS,
    syncMaxPerConversation: c.IM_SYNC_MAX_PER_CONVERSATION,
    cursorFlushMs: c.IM_CURSOR_FLUSH_MS,
    recallWindowMs: c.IM_RECALL_WINDOW_MS,
    requireFriendship: c.IM_REQUIRE_FRIENDSHIP,
    presenceDebounceMs: c.IM_PRESENCE_DEBOUNCE_MS,
    multiDevice: c.IM_MULTI_DEVICE as GatewaySettings['multiDevice'],
    chatroomHistory: c.IM_CHATROOM_HISTORY,
    chatroomMaxMembers: c.IM_CHATROOM_MAX_MEMBERS,
    chatroomRatePerSec: c.IM_CHATROOM_RATE_PER_SEC,
    gatewayId: c.IM_GATEWAY_ID ?? `${hostname()}-${process.pid}`,
    adminNoticesPerMinute: c.IM_ADMIN_NOTICES_PER_MINUTE,
    consoleEnabled: c.IM_CONSOLE_ENABLED,
    userSearchPerMinute: c.IM_USER_SEARCH_PER_MINUTE,
    profileCacheMs: c.IM_PROFILE_CACHE_MS,
    media: mediaSettings(c),
    ice: iceSettings(c),
  };
}
