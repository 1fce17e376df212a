// TEMPORARY (delete after verification): root jest.config.js without globalSetup/globalTeardown.
const base = require('../../jest.config.js');
const { globalSetup, globalTeardown, ...rest } = base;
module.exports = { ...rest, rootDir: require('node:path').resolve(__dirname, '../..') };
