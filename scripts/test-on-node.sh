#!/usr/bin/env bash
# The lighter check on the next Node line: `npm run test:node26` (the version is this script's
# argument in package.json). Runs every unit test (*.spec.ts: libs and services, both stores'
# SQLite side included) and the embedded server's e2e tests that start, restart and chat with it,
# on that exact Node, fetched by ./npmw like the pinned one. Moving the project to it is then the
# one-line change of .nvmrc.
set -euo pipefail
version="${1:?usage: scripts/test-on-node.sh <exact node version, e.g. 26.12.1>}"
cd "$(dirname "$0")/.."
export IM_NODE_VERSION="$version"
"$(./npmw --which)" -p '"checking on Node " + process.version'
./npmw run build --silent
./npmw exec -- jest --config jest.config.js --testPathPatterns '\.spec\.ts$' 'test/e2e/(npm-start|chat)\.e2e\.test\.ts$'
