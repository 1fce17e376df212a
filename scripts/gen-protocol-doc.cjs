// Writes docs/protocol.md from the message type registry (libs/protocol, built).
// `npm run docs:protocol`; test/e2e/protocol-doc.test.ts fails when the committed file is stale.
const { writeFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { protocolMarkdown } = require('../libs/protocol/dist/index.js');

const target = resolve(__dirname, '..', 'docs', 'protocol.md');
writeFileSync(target, protocolMarkdown());
process.stdout.write(`wrote ${target}\n`);
