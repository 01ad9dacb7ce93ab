import "server-only";
import { config } from "../../config";
import { type Db, getDbAt } from "./client";

export type { Db } from "./client";
export { openDb } from "./client";
export * as tables from "./schema.sqlite";

export function db(): Db {
  return getDbAt(config().dbFile);
}
