import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * The auth secret: from the environment when set, else generated once into <data dir>/auth-secret with
 * owner-only permissions (0600) so `npm start` works with no configuration and sessions survive restarts.
 */
export function resolveAuthSecret(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, "auth-secret");
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${secret}\n`, { mode: 0o600 });
  try {
    // link fails if another process created the file first: then use theirs, so both agree on one secret
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return fs.readFileSync(file, "utf8").trim();
}
