import { defineConfig } from "drizzle-kit";

// `npx drizzle-kit generate --config drizzle.pg.config.ts` writes the PostgreSQL migrations.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/server/db/schema.pg.ts",
  out: "./lib/server/db/migrations/pg",
});
