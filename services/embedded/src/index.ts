export { EMBEDDED_SERVICE, startEmbedded, settingsFrom } from './embedded.server';
export { banner } from './banner';
export type { EmbeddedServer } from './embedded.server';
export { EMBEDDED_CONFIG } from './embedded.config';
export type { EmbeddedConfig } from './embedded.config';
export { loadOrCreateSecret } from './jwt-secret';
