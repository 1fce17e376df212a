import type { MoneyRecordRepository } from '../money.port';
import type { Db } from './sqlite.database';

const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  (error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || error.code === 'SQLITE_CONSTRAINT_UNIQUE');

/** Runs an INSERT; false when a primary or unique key refused it. */
export function insertOnce(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error: unknown) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Where a kind of money record lives: its table, its id column and field, and the states it is still in play in. */
export interface MoneyRecordTable<R> {
  readonly table: string;
  readonly idColumn: string;
  readonly idOf: (record: R) => string;
  readonly activeStates: readonly string[];
}

/**
 * Red packets, transfers and collections in SQLite: one row per record, `(id, body, state,
 * created_at)`, the record but its state as JSON in `body`, the state beside it (it alone
 * changes), the creation time for the oldest-first scans.
 */
export class SqliteMoneyRecords<
  R extends { readonly state: S; readonly createdAt: number },
  S extends string,
> implements MoneyRecordRepository<R, S> {
  constructor(
    protected readonly db: Db,
    protected readonly records: MoneyRecordTable<R>,
  ) {}

  async create(record: R): Promise<boolean> {
    const { state, ...body } = record;
    const { table, idColumn, idOf } = this.records;
    return insertOnce(() =>
      this.db
        .prepare(`INSERT INTO ${table} (${idColumn}, body, state, created_at) VALUES (?, ?, ?, ?)`)
        .run(idOf(record), JSON.stringify(body), state, record.createdAt),
    );
  }

  async get(id: string): Promise<R | undefined> {
    const { table, idColumn } = this.records;
    const row = this.db
      .prepare<[string], { body: string; state: S }>(`SELECT body, state FROM ${table} WHERE ${idColumn} = ?`)
      .get(id);
    return row === undefined ? undefined : this.toRecord(row);
  }

  async setState(id: string, state: S): Promise<void> {
    this.db.prepare(`UPDATE ${this.records.table} SET state = ? WHERE ${this.records.idColumn} = ?`).run(state, id);
  }

  async active(limit: number): Promise<R[]> {
    const states = this.records.activeStates.map((state) => `'${state}'`).join(', ');
    return this.where(`state IN (${states})`, [], limit);
  }

  /** The records matching the SQL condition (its `?` bound to `params`), oldest first, at most `limit` when given. */
  protected where(condition: string, params: readonly (string | number)[], limit?: number): R[] {
    const { table } = this.records;
    const bound = limit === undefined ? [...params] : [...params, limit];
    return this.db
      .prepare<(string | number)[], { body: string; state: S }>(
        `SELECT body, state FROM ${table} WHERE ${condition} ORDER BY created_at${limit === undefined ? '' : ' LIMIT ?'}`,
      )
      .all(...bound)
      .map((row) => this.toRecord(row));
  }

  private toRecord(row: { body: string; state: S }): R {
    return { ...(JSON.parse(row.body) as Omit<R, 'state'>), state: row.state } as R;
  }
}
