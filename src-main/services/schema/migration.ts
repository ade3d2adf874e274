// One schema migration, applied in order by PRAGMA user_version. A leaf module: the feature schemas in
// this folder import only this type, so the store's migration list can import them without a cycle.
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * Rebuilds a table others reference: run with foreign keys off (dropping the old table must not
   * cascade to its children), every key checked before the commit.
   */
  foreignKeysOff?: boolean;
}
