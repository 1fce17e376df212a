#!/usr/bin/env node
// Refuses to go on under a Node the project does not support (package.json `engines`), with the
// command that fixes it, instead of letting a native module crash later. `npm install` refuses on
// its own (.npmrc engine-strict); this covers `npm start`, `npm test` and the other scripts.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const range = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node; // "^24.0.0 || ^26.0.0"
const supportedMajors = [...range.matchAll(/\^(\d+)\./g)].map((m) => Number(m[1]));
const major = Number(process.versions.node.split('.')[0]);
if (!supportedMajors.includes(major)) {
  const pinned = readFileSync(join(root, '.nvmrc'), 'utf8').trim();
  const command = process.env.npm_lifecycle_event ?? 'test';
  process.stderr.write(
    `Node ${process.version} is not supported here (package.json engines: ${range}).\n` +
      `FIX: run ./npmw ${command === 'start' || command === 'test' ? command : `run ${command}`} ` +
      `(npm on the pinned Node ${pinned}, fetched once if this machine lacks it), or install Node ${supportedMajors[0]}.\n`,
  );
  process.exit(1);
}
