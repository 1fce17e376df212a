/** Schema of the embedded store. `user_version` records what has been applied. */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    member_a TEXT,
    member_b TEXT,
    group_id TEXT,
    seq INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX conversations_member_a ON conversations(member_a) WHERE kind = 'direct';
  CREATE INDEX conversations_member_b ON conversations(member_b) WHERE kind = 'direct';
  CREATE TABLE messages (
    conversation_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    msg_id TEXT NOT NULL,
    from_id TEXT NOT NULL,
    message_type INTEGER NOT NULL,
    body TEXT NOT NULL,
    recalled INTEGER NOT NULL DEFAULT 0,
    sender_device TEXT,
    PRIMARY KEY (conversation_id, seq),
    UNIQUE (conversation_id, msg_id)
  ) WITHOUT ROWID;
  CREATE TABLE read_state (
    user_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    read_seq INTEGER NOT NULL,
    PRIMARY KEY (user_id, conversation_id)
  ) WITHOUT ROWID;
  CREATE TABLE device_cursors (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    acked_seq INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id, conversation_id)
  ) WITHOUT ROWID;
  CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE group_members (
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    joined_seq INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX group_members_user ON group_members(user_id);
  CREATE TABLE blacklist (
    owner_id TEXT NOT NULL,
    blocked_id TEXT NOT NULL,
    PRIMARY KEY (owner_id, blocked_id)
  ) WITHOUT ROWID;
  CREATE TABLE friendships (
    user_id TEXT NOT NULL,
    friend_id TEXT NOT NULL,
    PRIMARY KEY (user_id, friend_id)
  ) WITHOUT ROWID;
  `,
  `
  CREATE TABLE friend_requests (
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (from_id, to_id)
  ) WITHOUT ROWID;
  CREATE INDEX friend_requests_to ON friend_requests(to_id, created_at);
  `,
  `
  ALTER TABLE groups ADD COLUMN dismissed INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE groups ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;
  `,
  `
  ALTER TABLE groups ADD COLUMN join_policy TEXT NOT NULL DEFAULT 'approval';
  CREATE TABLE group_applications (
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
  ) WITHOUT ROWID;
  `,
  `
  ALTER TABLE groups ADD COLUMN ownership_candidate TEXT;
  `,
  `
  ALTER TABLE groups ADD COLUMN avatar TEXT;
  ALTER TABLE groups ADD COLUMN announcement TEXT;
  ALTER TABLE groups ADD COLUMN introduction TEXT;
  ALTER TABLE group_members ADD COLUMN remark TEXT;
  ALTER TABLE group_members ADD COLUMN muted_until INTEGER;
  `,
  `
  ALTER TABLE read_state ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;
  `,
  `
  CREATE TABLE ledger_entries (
    account_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    op_id TEXT NOT NULL,
    delta INTEGER NOT NULL,
    balance INTEGER NOT NULL,
    refused INTEGER NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (account_id, n),
    UNIQUE (account_id, op_id)
  ) WITHOUT ROWID;
  CREATE TABLE money_ops (
    op_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    from_account TEXT NOT NULL,
    to_account TEXT NOT NULL,
    amount INTEGER NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    ref TEXT
  ) WITHOUT ROWID;
  CREATE INDEX money_ops_pending ON money_ops(created_at) WHERE state = 'pending';
  CREATE TABLE red_packets (
    packet_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX red_packets_active ON red_packets(created_at) WHERE state IN ('funding', 'open');
  CREATE TABLE red_packet_claims (
    packet_id TEXT NOT NULL,
    slot INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (packet_id, slot),
    UNIQUE (packet_id, user_id)
  ) WITHOUT ROWID;
  `,
  `
  CREATE TABLE transfers (
    transfer_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX transfers_open ON transfers(created_at) WHERE state IN ('funding', 'pending');
  `,
  `
  ALTER TABLE groups ADD COLUMN expires_at INTEGER;
  ALTER TABLE groups ADD COLUMN reminded_at INTEGER;
  ALTER TABLE groups ADD COLUMN expired_at INTEGER;
  CREATE INDEX groups_expiry ON groups(expires_at) WHERE expires_at IS NOT NULL AND expired_at IS NULL;
  `,
  `
  CREATE INDEX red_packets_password ON red_packets(json_extract(body, '$.targetId'), created_at)
    WHERE state IN ('funding', 'open') AND json_extract(body, '$.kind') = 'password';
  CREATE TABLE collections (
    collection_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX collections_active ON collections(created_at) WHERE state IN ('posting', 'open');
  CREATE TABLE collection_seats (
    collection_id TEXT NOT NULL,
    slot INTEGER NOT NULL,
    payer_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    request_key TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (collection_id, slot),
    UNIQUE (collection_id, payer_id, attempt)
  ) WITHOUT ROWID;
  `,
  `
  CREATE TABLE request_ids (
    key TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  CREATE TABLE push_devices (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    token TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id)
  ) WITHOUT ROWID;
  CREATE INDEX push_devices_token ON push_devices(token);
  CREATE TABLE push_muted_users (
    user_id TEXT PRIMARY KEY
  ) WITHOUT ROWID;
  `,
  `
  CREATE TABLE users (
    user_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    avatar TEXT NOT NULL,
    signature TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX users_name_key ON users(name_key, user_id);
  CREATE TABLE user_bans (
    user_id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    reason TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
];
