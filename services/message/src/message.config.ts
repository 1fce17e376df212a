import { CHAT_RULES_CONFIG } from '@im/runtime';

/** The message service's variables: the chat rules it checks again (shared with the gateway). */
export const MESSAGE_CONFIG = CHAT_RULES_CONFIG;
