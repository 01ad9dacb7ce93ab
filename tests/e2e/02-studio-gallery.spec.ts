import { type Browser, expect, type Page, test } from "@playwright/test";
import { shot, signIn, signUp } from "./helpers";

// Runs after 01-foundation (same instance): the admin exists. Two users make, keep, find and share images.
test.describe.configure({ mode: "serial" });

const OWNER = { username: "painter", password: "painter-password-1" };
const OTHER = { username: "snoop", password: "snoop-password-1" };
const PROMPT = "a red heart with a golden crown";

async function generate(page: Page, prompt: string, count: number, seed?: number) {
  await page.getByLabel("Describe a picture").fill(prompt);
  await page.getByRole("radio", { name: String(count), exact: true }).check({ force: true });
  if (seed !== undefined) {
    await page.getByLabel("Seed", { exact: true }).fill(String(seed));
    await page.getByLabel("Lock").check();
  }
  await page.getByLabel("Describe a picture").press("Enter");
  await expect(page.locator('[data-testid="result"][data-state="final"]')).toHaveCount(count, {
    timeout: 60_000,
  });
}

async function finalPixels(page: Page, index: number): Promise<string> {
  const src = await page.getByTestId("final-image").nth(index).getAttribute("src");
  return page.evaluate(async (u) => {
    const img = new Image();
    img.src = u as string;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext("2d") as CanvasRenderingContext2D;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let h = 0;
    for (let i = 0; i < d.length; i++) h = (h * 31 + d[i]) >>> 0;
    return `${c.width}x${c.height}:${h}`;
  }, src);
}

test("the stream is real: the first image arrives well before the last", async ({ page }) => {
  await page.goto("/");
  const timeline = await page.evaluate(async () => {
    const t0 = performance.now();
    const res = await fetch("/api/generate", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "a blue car", count: 16, seed: 3 }),
    });
    const reader = (res.body as ReadableStream).pipeThrough(new TextDecoderStream()).getReader();
    const events: { type: string; t: number }[] = [];
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const l of lines)
        if (l.trim()) events.push({ type: JSON.parse(l).type, t: performance.now() - t0 });
    }
    return events;
  });
  const firstImage = timeline.find((e) => e.type === "preview") as { t: number };
  const finals = timeline.filter((e) => e.type === "final");
  expect(finals).toHaveLength(16);
  expect(timeline.at(-1)?.type).toBe("done");
  // the first picture reached the browser before the last one was produced
  expect(firstImage.t).toBeLessThan((finals.at(-1) as { t: number }).t);
  expect(timeline.filter((e) => e.type === "preview")).toHaveLength(16);
});

test("anonymous visitors can try the studio; the seed is shown and the same seed gives the same image", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.getByTestId("model-version")).toContainText("Model:");
  await generate(page, PROMPT, 4, 4242);
  const badges = await page.getByTestId("seed-badge").allTextContents();
  expect(badges).toEqual(["seed 4242", "seed 4243", "seed 4244", "seed 4245"]);
  const first = await finalPixels(page, 0);
  await shot(page, "studio-anonymous");
  // regenerate with the same locked seed: identical pixels
  await page.getByLabel("Describe a picture").press("Enter");
  await expect(page.locator('[data-testid="result"][data-state="final"]')).toHaveCount(4, {
    timeout: 60_000,
  });
  expect(await finalPixels(page, 0)).toBe(first);
  // a different seed gives a different image
  await page.getByLabel("Seed", { exact: true }).fill("777");
  await page.getByLabel("Describe a picture").press("Enter");
  await expect(page.getByTestId("seed-badge").first()).toHaveText("seed 777");
  await expect(page.locator('[data-testid="result"][data-state="final"]')).toHaveCount(4, {
    timeout: 60_000,
  });
  expect(await finalPixels(page, 0)).not.toBe(first);
  // nothing was stored for an anonymous visitor: no save button
  await expect(page.getByRole("button", { name: "Save", exact: true })).toHaveCount(0);
});

test("bad input to the generate API gets 422 with a message", async ({ page }) => {
  for (const body of [
    { prompt: "" },
    { prompt: "   \u0000\u0007  " },
    { prompt: "x".repeat(5000) },
    { prompt: "ok", count: 99 },
    { prompt: "ok", count: "4" },
    { prompt: "ok", seed: -1 },
    { prompt: "ok", truncation: 9 },
  ]) {
    const res = await page.request.post("/api/generate", { data: body });
    expect(res.status(), JSON.stringify(body).slice(0, 60)).toBe(422);
    expect((await res.json()).error.message).toBeTruthy();
  }
  // any unicode works
  const res = await page.request.post("/api/generate", { data: { prompt: "一只红色的鸟 🐦", count: 1 } });
  expect(res.status()).toBe(200);
  expect(await res.text()).toContain('"type":"done"');
});

let imagePath = "";
let shareUrl = "";

test("signed-in: save, find in My images, search, make public and share", async ({ page, browser }) => {
  await signUp(page, OWNER.username, OWNER.password);
  await page.goto("/");
  await generate(page, PROMPT, 1, 99);
  await expect(page.getByTestId("seed-badge")).toHaveText("seed 99");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("button", { name: "Saved" })).toBeVisible();
  await shot(page, "studio-signed-in");

  await page.goto("/gallery/mine");
  await expect(page.getByTestId("grid-prompt")).toHaveText([PROMPT]);
  await page.getByLabel("Search prompts").fill("golden crow");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("grid-prompt")).toHaveText([PROMPT]);
  await page.getByLabel("Search prompts").fill("purple elephant");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText("Nothing matches")).toBeVisible();
  await page.goto("/gallery/mine");
  await shot(page, "gallery-mine");

  await page.getByTestId("grid-prompt").first().click();
  await expect(page.getByTestId("detail-prompt")).toHaveText(PROMPT);
  await expect(page.getByTestId("recipe-seed")).toHaveText("99");
  await expect(page.getByTestId("recipe-model")).not.toBeEmpty();
  imagePath = new URL(page.url()).pathname;
  await page.getByTestId("visibility-toggle").click();
  await expect(page.getByTestId("share-url")).toBeVisible();
  shareUrl = await page.getByTestId("share-url").inputValue();
  await page.waitForFunction(
    () => document.querySelector<HTMLImageElement>("[data-testid=detail-image]")?.complete,
  );
  await shot(page, "image-page");

  // the PNG carries its recipe
  const png = await page.request.get(`/api/images${imagePath.replace("/images", "")}/png`);
  const text = (await png.body()).toString("latin1");
  expect(text).toContain("parameters");
  expect(text).toContain("Seed: 99");

  // a fresh, signed-out browser opens the share link, with preview tags
  const anon = await browser.newContext();
  const p = await anon.newPage();
  const res = await p.goto(shareUrl);
  expect(res?.status()).toBe(200);
  await expect(p.getByTestId("detail-prompt")).toHaveText(PROMPT);
  await expect(p.locator('meta[property="og:image"]')).toHaveAttribute("content", /\/api\/share\/.+\/png$/);
  await expect(p.locator('meta[property="og:title"]')).toHaveAttribute("content", PROMPT);
  const og = await p.locator('meta[property="og:image"]').getAttribute("content");
  expect((await p.request.get(og as string)).status()).toBe(200);
  await shot(p, "share-page");
  // it is in the public gallery too
  await p.goto("/gallery");
  await expect(p.getByTestId("grid-prompt").first()).toHaveText(PROMPT);
  await shot(p, "gallery-public");
  await anon.close();

  // private again: the share link is 404 for everyone else
  await page.getByTestId("visibility-toggle").click();
  await expect(page.getByTestId("share-url")).toHaveCount(0);
  const anon2 = await browser.newContext();
  const res2 = await (await anon2.newPage()).goto(shareUrl);
  expect(res2?.status()).toBe(404);
  await anon2.close();
});

async function otherUser(browser: Browser) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signUp(page, OTHER.username, OTHER.password);
  return { ctx, page };
}

test("another user can neither see nor delete a private image, in pages or the API", async ({
  page,
  browser,
}) => {
  const { ctx, page: other } = await otherUser(browser);
  const id = imagePath.split("/").pop() as string;
  expect((await other.goto(imagePath))?.status()).toBe(404);
  expect((await other.request.get(`/api/images/${id}`)).status()).toBe(404);
  expect((await other.request.get(`/api/images/${id}/png`)).status()).toBe(404);
  expect((await other.request.delete(`/api/images/${id}`)).status()).toBe(404);
  expect((await other.request.patch(`/api/images/${id}`, { data: { visibility: "public" } })).status()).toBe(
    404,
  );
  await ctx.close();
  // still there for its owner
  await signIn(page, OWNER.username, OWNER.password);
  expect((await page.goto(imagePath))?.status()).toBe(200);
});
