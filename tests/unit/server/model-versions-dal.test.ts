import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findShippedVersions } from "@/lib/serve";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "ganvas-versions-"));
process.env.GANVAS_DATA_DIR = dataDir;
const server = await import("@/lib/server");
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("shipped model versions", () => {
  it("register on first use, newest first by their model.json date, with the default one active", async () => {
    const shipped = await findShippedVersions(path.resolve(server.SHIPPED_MODELS_DIR));
    expect(shipped.length).toBeGreaterThan(1);
    const admin: import("@/lib/server").Viewer = {
      id: (await server.setupAdmin("root", "password123", new Headers())).userId,
      username: "root",
      role: "admin",
    };
    const listed = await server.listModelVersions(admin);
    const byDate = [...shipped].sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt));
    expect(listed.map((v) => v.name)).toEqual(byDate.map((s) => s.manifest.name));
    expect(listed.map((v) => v.createdAt)).toEqual(
      byDate.map((s) => new Date(s.manifest.createdAt).toISOString()),
    );
    const defaults = shipped.filter((s) => s.manifest.default).map((s) => s.manifest.name);
    expect(defaults).toHaveLength(1);
    expect(listed.filter((v) => v.isActive).map((v) => v.name)).toEqual(defaults);
  });
});
