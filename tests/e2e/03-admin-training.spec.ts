import { expect, test } from "@playwright/test";
import { shapesZip } from "./fixture-zip";
import { shot, signIn } from "./helpers";

// Runs after 01 and 02 on the same instance: admin "admin" and user "alice" exist.
test.describe.configure({ mode: "serial" });
test.setTimeout(240_000);

const ADMIN = { username: "admin", password: "correct-horse-battery" };
const VERSION = "shapes-e2e";
let runUrl = "";

test("a user gets 403 on every admin page and route", async ({ page }) => {
  await signIn(page, "alice", "alice-password-1");
  for (const p of ["/admin", "/admin/datasets", "/admin/training", "/admin/models"])
    expect((await page.goto(p))?.status(), p).toBe(403);
  const api: [string, string][] = [
    ["GET", "/api/admin/datasets"],
    ["POST", "/api/admin/datasets"],
    ["PUT", "/api/admin/datasets/upload?name=x"],
    ["GET", "/api/admin/runs"],
    ["POST", "/api/admin/runs"],
    ["POST", "/api/admin/runs/x/control"],
    ["POST", "/api/admin/runs/x/promote"],
    ["POST", "/api/admin/runs/x/evaluate"],
    ["POST", "/api/admin/datasets/x/eval-nets"],
    ["GET", "/api/admin/runs/x/events"],
    ["GET", "/api/admin/models"],
    ["POST", "/api/admin/models/x/activate"],
  ];
  for (const [method, url] of api) {
    const res = await page.request.fetch(url, { method, data: method === "GET" ? undefined : {} });
    expect(res.status(), `${method} ${url}`).toBe(403);
  }
});

test("admin uploads a dataset zip and sees its report and samples", async ({ page }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.goto("/admin/datasets");
  await page.getByLabel("Dataset name").first().fill("shapes");
  await page
    .getByLabel("Zip file")
    .setInputFiles({ name: "shapes.zip", mimeType: "application/zip", buffer: await shapesZip() });
  await page.getByRole("button", { name: "Upload and import" }).click();
  const row = page.getByTestId("dataset-shapes");
  await expect(row.getByTestId("status")).toHaveText("ready", { timeout: 90_000 });
  await row.getByRole("link", { name: "shapes" }).click();
  await expect(page.getByTestId("dataset-report")).toContainText("40 read, 40 kept");
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>("[data-testid=dataset-sheet]");
    return !!img && img.complete && img.naturalWidth > 0;
  });
  await shot(page, "admin-dataset");

  // its evaluation networks train in the worker, with progress, and report the real-image ceiling
  await expect(page.getByTestId("eval-nets-status")).toHaveText("none yet");
  await page.getByRole("button", { name: "Train evaluation networks" }).click();
  await expect(page.getByTestId("eval-nets-status")).toContainText("ready (v001", { timeout: 120_000 });
  await expect(page.getByTestId("eval-nets-ceiling")).toContainText(/R-precision \d+\.\d% on /);
  await shot(page, "admin-dataset-eval-nets");

  // a hostile upload is refused with a clear message and no dataset
  await page.goto("/admin/datasets");
  await page.getByLabel("Dataset name").first().fill("broken");
  await page
    .getByLabel("Zip file")
    .setInputFiles({ name: "x.zip", mimeType: "application/zip", buffer: Buffer.from("not a zip at all") });
  await page.getByRole("button", { name: "Upload and import" }).click();
  await expect(page.getByTestId("dataset-broken").getByTestId("status")).toHaveText("failed", {
    timeout: 60_000,
  });
  await expect(page.getByTestId("dataset-broken")).toContainText(/zip/i);
});

test("admin trains, watches it live, pauses, resumes and promotes; the studio then serves that version", async ({
  page,
}) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.goto("/admin/training");
  await page.getByLabel("Preset").selectOption("tiny");
  await page.getByLabel("Steps (budget)").fill("160");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/admin\/training\/[0-9a-f-]{36}$/);
  runUrl = page.url();

  // live: steps advance and the chart and a sample grid appear without reloading
  await expect(page.getByTestId("status")).toHaveText("running", { timeout: 60_000 });
  const stepOf = async () =>
    Number((await page.getByTestId("run-step").textContent())?.match(/step ([\d,]+)/)?.[1].replace(/,/g, ""));
  await expect.poll(stepOf, { timeout: 60_000 }).toBeGreaterThan(20);
  const s1 = await stepOf();
  await expect.poll(stepOf, { timeout: 60_000 }).toBeGreaterThan(s1);
  await expect(page.getByTestId("chart-losses")).toBeVisible();
  await expect(page.getByTestId("sample-grid")).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId("checkpoint-row").first()).toBeVisible({ timeout: 90_000 });
  await shot(page, "admin-run-live");

  // stop (pause) it, then resume: the step count continues
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByTestId("status")).toHaveText("paused", { timeout: 60_000 });
  const paused = await stepOf();
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("status")).toHaveText(/running|completed/, { timeout: 60_000 });
  await expect.poll(stepOf, { timeout: 90_000 }).toBeGreaterThan(paused);
  await expect(page.getByTestId("status")).toHaveText("completed", { timeout: 180_000 });
  expect(await stepOf()).toBe(160);

  // every checkpoint was scored as it was made: figures on each row and a quality-over-steps chart
  await expect(page.getByTestId("checkpoint-metrics").first()).toContainText(/R-precision \d+\.\d% \(real/, {
    timeout: 60_000,
  });
  await expect(page.getByTestId("chart-r-precision")).toBeVisible();
  await shot(page, "admin-run-evaluated");

  // promote the newest checkpoint (new ones may appear above it while training goes on)
  const step = await page.getByTestId("checkpoint-row").first().getAttribute("data-step");
  const row = page.locator(`[data-testid="checkpoint-row"][data-step="${step}"]`);
  await row.getByRole("textbox").fill(VERSION);
  await row.getByRole("button", { name: "Promote" }).click();
  await expect(row.getByText("promoted")).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId("run-action-error")).toHaveCount(0);
  await page.goto("/admin/models");
  await expect(page.getByTestId(`model-${VERSION}`).getByTestId("status")).toHaveText("active");
  await expect(page.getByTestId(`metrics-${VERSION}`)).toContainText(/R-precision \d+\.\d% of real/);
  await shot(page, "admin-models");

  // the studio generates with the promoted version and the image page names it
  await page.goto("/");
  await page.getByLabel("Describe a picture").fill("a red circle");
  await page.getByRole("radio", { name: "1", exact: true }).check({ force: true });
  await page.getByLabel("Describe a picture").press("Enter");
  await expect(page.getByTestId("model-version")).toContainText(VERSION, { timeout: 60_000 });
  await expect(page.locator('[data-testid="result"][data-state="final"]')).toHaveCount(1, {
    timeout: 60_000,
  });
  await page.getByRole("link", { name: "Open" }).click();
  await expect(page.getByTestId("recipe-model")).toHaveText(VERSION);
});

test("roll back to the shipped version", async ({ page }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.goto("/admin/models");
  const other = page
    .locator('[data-testid^="model-"]')
    .filter({ hasNot: page.getByTestId("status") })
    .first();
  const name = (await other.getAttribute("data-testid"))?.replace("model-", "") as string;
  await other.getByRole("button").click();
  await expect(page.getByTestId(`model-${name}`).getByTestId("status")).toHaveText("active");
  await page.goto("/");
  await expect(page.getByTestId("model-version")).toContainText(name);
  // stop the run if it is still going, so the worker is idle when the suite ends
  await page.goto(runUrl);
  const cancel = page.getByRole("button", { name: "Cancel" });
  if (await cancel.isVisible()) await cancel.click();
});
