import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "ganvas-images-"));
process.env.GANVAS_DATA_DIR = dataDir;
process.env.GANVAS_SIGNUP_RATE_LIMIT = "off";
const server = await import("@/lib/server");
type Viewer = import("@/lib/server").Viewer;

let admin: Viewer;
let alice: Viewer;
let bob: Viewer;
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

function newImage(prompt: string, visibility: "private" | "public" = "private", saved = true) {
  return {
    prompt,
    seed: 7,
    modelVersionId: null,
    modelVersionName: "test-v1",
    params: { truncation: 1 },
    png,
    width: 256,
    height: 256,
    visibility,
    saved,
  };
}

beforeAll(async () => {
  const h = () => new Headers();
  admin = {
    id: (await server.setupAdmin("root", "password123", h())).userId,
    username: "root",
    role: "admin",
  };
  alice = {
    id: (await server.signUp("alice", "password123", h(), "x")).userId,
    username: "alice",
    role: "user",
  };
  bob = { id: (await server.signUp("bob", "password123", h(), "x")).userId, username: "bob", role: "user" };
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const code = async (f: () => unknown) => {
  try {
    await f();
    return "OK";
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe("image visibility rules in the data layer", () => {
  it("only signed-in users can store images", async () => {
    expect(await code(() => server.createImage(null, newImage("x")))).toBe("UNAUTHENTICATED");
  });

  it("private images are visible to their owner and admins only, and 404 to others", async () => {
    const im = await server.createImage(alice, newImage("a small red bird"));
    expect(server.getImage(alice, im.id).canEdit).toBe(true);
    expect(server.getImage(admin, im.id).canEdit).toBe(true);
    expect(await code(() => server.getImage(bob, im.id))).toBe("NOT_FOUND");
    expect(await code(() => server.getImage(null, im.id))).toBe("NOT_FOUND");
    expect(await code(() => server.getImageByShareId(null, im.shareId))).toBe("NOT_FOUND");
    expect(await code(() => server.getImagePng(bob, im.id))).toBe("NOT_FOUND");
    expect([...(await server.getImagePng(alice, im.id))]).toEqual([...png]);
  });

  it("public images are visible to everyone but editable only by owner and admins", async () => {
    const im = await server.createImage(alice, newImage("a green tree", "public"));
    expect(server.getImageByShareId(null, im.shareId).id).toBe(im.id);
    expect(server.getImage(bob, im.id).canEdit).toBe(false);
    expect(await code(() => server.updateImage(bob, im.id, { visibility: "private" }))).toBe("FORBIDDEN");
    expect(await code(() => server.deleteImage(bob, im.id))).toBe("FORBIDDEN");
    expect(await code(() => server.deleteImage(null, im.id))).toBe("FORBIDDEN");
    server.updateImage(alice, im.id, { visibility: "private" });
    expect(await code(() => server.getImageByShareId(null, im.shareId))).toBe("NOT_FOUND");
    await server.deleteImage(alice, im.id);
    expect(await code(() => server.getImage(alice, im.id))).toBe("NOT_FOUND");
  });

  it("share ids are unguessable and distinct", async () => {
    const a = await server.createImage(bob, newImage("one"));
    const b = await server.createImage(bob, newImage("two"));
    expect(a.shareId).not.toBe(b.shareId);
    expect(a.shareId).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it("lists: mine shows only my saved images; public shows only public ones; search uses full text", async () => {
    await server.createImage(alice, newImage("a blue car on a road", "public"));
    await server.createImage(alice, newImage("a blue whale", "private"));
    await server.createImage(alice, newImage("an unsaved blue thing", "private", false));
    await server.createImage(bob, newImage("bob's blue secret", "private"));
    const mine = server.listImages(alice, { scope: "mine", limit: 50, offset: 0, q: "blue" });
    expect(mine.images.map((i) => i.prompt).sort()).toEqual(["a blue car on a road", "a blue whale"]);
    const history = server.listImages(alice, { scope: "mine", saved: false, limit: 50, offset: 0 });
    expect(history.images.map((i) => i.prompt)).toEqual(["an unsaved blue thing"]);
    const pub = server.listImages(null, { scope: "public", limit: 50, offset: 0, q: "blu" });
    expect(pub.images.map((i) => i.prompt)).toEqual(["a blue car on a road"]);
    expect(server.listImages(bob, { scope: "public", limit: 50, offset: 0, q: "whale" }).images).toEqual([]);
    expect(await code(() => server.listImages(null, { scope: "mine", limit: 5, offset: 0 }))).toBe(
      "UNAUTHENTICATED",
    );
  });

  it("search input cannot break the FTS query", () => {
    for (const q of ['"', "*", "a OR", "NEAR(", "'; drop table image; --", "🙂", "-x", "^"]) {
      expect(() => server.listImages(alice, { scope: "mine", limit: 5, offset: 0, q })).not.toThrow();
    }
    expect(server.ftsQuery('red "bird')).toBe('"red"* "bird"*');
    expect(server.ftsQuery("!!!")).toBeNull();
  });

  it("pages with hasMore", async () => {
    for (let i = 0; i < 5; i++) await server.createImage(bob, newImage(`page item ${i}`, "public"));
    const p1 = server.listImages(null, { scope: "public", limit: 3, offset: 0, q: "page item" });
    const p2 = server.listImages(null, { scope: "public", limit: 3, offset: 3, q: "page item" });
    expect(p1.hasMore).toBe(true);
    expect(p2.hasMore).toBe(false);
    expect([...p1.images, ...p2.images].map((i) => i.prompt)).toHaveLength(5);
  });
});

describe("history", () => {
  it("keeps only the newest unsaved images, never saved ones", async () => {
    const carol: Viewer = {
      id: (await server.signUp("carol", "password123", new Headers(), "x")).userId,
      username: "carol",
      role: "user",
    };
    const kept = await server.createImage(carol, newImage("kept forever", "private", true));
    for (let i = 0; i < 5; i++) await server.createImage(carol, newImage(`draft ${i}`, "private", false));
    expect(await server.pruneHistory(carol, 2)).toBe(3);
    const history = server.listImages(carol, { scope: "mine", saved: false, limit: 50, offset: 0 });
    expect(history.images).toHaveLength(2);
    expect(server.getImage(carol, kept.id).saved).toBe(true);
    expect(await server.pruneHistory(carol, 2)).toBe(0);
  });
});
