// One schema migration, applied in order by PRAGMA user_version. A leaf module: the feature schemas in
// this folder import only this type, so the store's migration list can import them without a cycle.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
