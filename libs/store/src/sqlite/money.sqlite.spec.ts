import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moneyContract } from '../testing/money.contract';
import { SqliteStore } from './sqlite.store';

const dir = mkdtempSync(join(tmpdir(), 'im-sqlite-money-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

moneyContract('SqliteStore', () => Promise.resolve(new SqliteStore(join(dir, 'money.db'))));
