import { getTableConfig as pgConfig } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as pg from "@/lib/server/db/schema.pg";
import * as sqlite from "@/lib/server/db/schema.sqlite";

describe("schema parity", () => {
  it("has the same tables, columns, nullability and indexes in SQLite and PostgreSQL", () => {
    const names = Object.keys(sqlite).sort();
    expect(Object.keys(pg).sort()).toEqual(names);
    for (const name of names) {
      // biome-ignore lint/suspicious/noExplicitAny: both dialects' table types
      const s = sqliteConfig((sqlite as any)[name]);
      // biome-ignore lint/suspicious/noExplicitAny: both dialects' table types
      const p = pgConfig((pg as any)[name]);
      expect(p.name).toBe(s.name);
      const cols = (c: { name: string; notNull: boolean; isUnique: boolean }[]) =>
        c.map((x) => `${x.name}:${x.notNull}:${x.isUnique}`).sort();
      expect(cols(p.columns)).toEqual(cols(s.columns));
      expect(p.indexes.map((i) => i.config.name).sort()).toEqual(s.indexes.map((i) => i.config.name).sort());
      expect(p.foreignKeys.length).toBe(s.foreignKeys.length);
    }
  });
});
