import { defineConfig } from "drizzle-kit";

// `npx drizzle-kit generate` writes the SQLite migrations that the app applies on start.
export default defineConfig({
  dialect: "sqlite",
  schema: "./lib/server/db/schema.sqlite.ts",
  out: "./lib/server/db/migrations/sqlite",
});
