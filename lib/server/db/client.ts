import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema.sqlite";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const MIGRATIONS = path.join(process.cwd(), "lib/server/db/migrations/sqlite");

/** Open (creating if needed) a SQLite database file and bring its schema up to date. */
export function openDb(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // WAL: readers never block the writer (the web server and the training worker share the file)
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS });
  return db as Db;
}

const globalForDb = globalThis as unknown as { ganvasDb?: { file: string; db: Db } };

/** The app's database, opened lazily on first use (never during `next build`). */
export function getDbAt(file: string): Db {
  const existing = globalForDb.ganvasDb;
  if (existing && existing.file === file) return existing.db;
  const db = openDb(file);
  globalForDb.ganvasDb = { file, db };
  return db;
}
