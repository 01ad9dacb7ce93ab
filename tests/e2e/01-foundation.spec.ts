import { expect, test } from "@playwright/test";
import { shot, signIn, signOut, signUp } from "./helpers";

// These run in order against one fresh instance: the first test performs the first-run setup.
test.describe.configure({ mode: "serial" });

const ADMIN = { username: "admin", password: "correct-horse-battery" };
const USER = { username: "alice", password: "alice-password-1" };

test("first run: the setup page creates the administrator, once", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Create the administrator" })).toBeVisible();
  await shot(page, "setup");
  // bad input is explained next to the field
  await page.getByLabel("Username").fill("ad");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Repeat password").fill("short");
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByTestId("form-error")).toContainText("must be at least 3 characters");
  await expect(page.locator("#password-error")).toContainText("at least 8 characters");
  await shot(page, "setup-errors");

  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Repeat password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Administration" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Admin" })).toBeVisible();
  await shot(page, "admin-users");

  // the setup page is gone for good
  await page.goto("/setup");
  await expect(page).not.toHaveURL(/\/setup$/);
  const again = await page.request.post("/api/setup", {
    data: { username: "intruder", password: "password123" },
  });
  expect(again.status()).toBe(409);
});

test("sign up, sign out, sign in", async ({ page }) => {
  await signUp(page, USER.username, USER.password);
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  await shot(page, "signed-in-user");
  await signOut(page);
  await signIn(page, USER.username, USER.password);
});

test("sign-in with a wrong password shows a clear message", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Username").fill(USER.username);
  await page.getByLabel("Password", { exact: true }).fill("not-my-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("Wrong username or password.");
  await expect(page).toHaveURL(/\/sign-in/);
  await shot(page, "sign-in-wrong-password");
});

test("sign-up refuses a taken username and bad input with clear messages", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Username").fill(USER.username);
  await page.getByLabel("Password", { exact: true }).fill("whatever-password");
  await page.getByLabel("Repeat password").fill("whatever-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("form-error")).toContainText(`The username "${USER.username}" is taken`);
  await page.getByLabel("Username").fill("<script>x</script>");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("form-error")).toContainText("may contain only letters");
});

test("a user gets 403 on admin pages and admin APIs", async ({ page }) => {
  await signIn(page, USER.username, USER.password);
  const res = await page.goto("/admin");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "This page is for administrators" })).toBeVisible();
  await shot(page, "forbidden");
  const api = await page.request.get("/api/admin/users");
  expect(api.status()).toBe(403);
  expect((await api.json()).error.code).toBe("FORBIDDEN");
  const raise = await page.request.patch("/api/admin/users/anything", { data: { role: "admin" } });
  expect(raise.status()).toBe(403);
});

test("an anonymous visitor is sent to sign in, then back", async ({ page }) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fadmin/);
  expect((await page.request.get("/api/admin/users")).status()).toBe(401);
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
});

test("admins disable users and change roles", async ({ page, browser }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.goto("/admin");
  const row = page.getByTestId(`user-row-${USER.username}`);
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByText("disabled")).toBeVisible();

  const other = await browser.newContext();
  const userPage = await other.newPage();
  await userPage.goto("/sign-in");
  await userPage.getByLabel("Username").fill(USER.username);
  await userPage.getByLabel("Password", { exact: true }).fill(USER.password);
  await userPage.getByRole("button", { name: "Sign in" }).click();
  await expect(userPage.getByTestId("form-error")).toContainText("This account is disabled");

  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row.getByText("active")).toBeVisible();
  await row.getByLabel(`Role of ${USER.username}`).selectOption("admin");
  await expect(row.getByLabel(`Role of ${USER.username}`)).toHaveValue("admin");
  await signIn(userPage, USER.username, USER.password);
  await expect(userPage.getByRole("link", { name: "Admin" })).toBeVisible();
  await row.getByLabel(`Role of ${USER.username}`).selectOption("user");
  await expect(row.getByLabel(`Role of ${USER.username}`)).toHaveValue("user");
  await shot(page, "admin-users-after");
  await other.close();
});

test("theme toggle switches to dark and remembers it", async ({ page }) => {
  await page.goto("/sign-in");
  const html = page.locator("html");
  const wasDark = await html.evaluate((el) => el.classList.contains("dark"));
  await page.getByTestId("theme-toggle").click();
  await expect(html).toHaveClass(wasDark ? /^(?!.*dark)/ : /dark/);
  await page.reload();
  await expect(html).toHaveClass(wasDark ? /^(?!.*dark)/ : /dark/);
  await shot(page, wasDark ? "theme-light" : "theme-dark");
  // keyboard: the toggle is reachable and works with Enter
  await page.getByTestId("theme-toggle").focus();
  await page.keyboard.press("Enter");
  await expect(html).toHaveClass(wasDark ? /dark/ : /^(?!.*dark)/);
});
