/** A required field of a schema. */
export const req = <T>(type: T): { type: T; required: true } => ({ type, required: true });

/** The options of every schema: its collection, no version key, no field it does not declare, empty objects kept. */
export const options = (collection: string) =>
  ({ collection, versionKey: false as const, strict: true, minimize: false }) as const;
