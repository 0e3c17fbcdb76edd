/**
 * End to end in a real browser: headless Chromium (Debian's `chromium`, or CHROMIUM_PATH) driven by
 * playwright-core signs in against a fake GitHub over HTTP, opens every page, adds a note and a
 * claim through the forms, downloads a CSV, checks the pages raise no CSP violation and lay out on
 * a phone, and saves screenshots to test-output/e2e/ (git-ignored). Without Chromium this test
 * fails: it says what to install.
 *
 * The dashboard is mounted in the real HTTP server beside the webhooks (create-server.ts), on an
 * embedded database loaded with the two organisations of tenant-fixture.ts through the pipeline.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium, type Browser as Chromium, type Locator, type Page } from "playwright-core";
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateQueue } from "../../src/queue/queue.js";
import { createHttpServer } from "../../src/server/create-server.js";
import { createQuietLogger } from "../../src/server/quiet-log.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { openDatabase } from "../../src/store/open-database.js";
import { createDashboard } from "../../src/web/dashboard.js";
import { startFakeGitHubWeb, type FakeGitHubWeb } from "../helpers/fake-github-web.js";
import { startHarness, type Harness } from "../helpers/harness.js";
import { loadTwoTenants } from "../helpers/load-tenants.js";
import type { TestDatabase } from "../helpers/test-database.js";
import { PEOPLE } from "../helpers/tenant-fixture.js";
import { CLIENT_ID, CLIENT_SECRET, PERSONAS, seedTeamConfigs } from "../helpers/web-harness.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const OUT = path.resolve("test-output/e2e");

let database: TestDatabase;
let harness: Harness;
let fake: FakeGitHubWeb;
let server: http.Server;
let browser: Chromium | undefined;
let base: string;
const cspViolations: string[] = [];

const MISSING = `Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH. This end-to-end test fails without it; it never skips.`;

beforeAll(async () => {
  // Without Chromium every test below fails (a failed test, not a skipped one).
  if (!existsSync(CHROMIUM)) return;
  const d = await openDatabase({ dataDir: "memory://" });
  await migrateToLatest(d.db);
  await migrateQueue(d.connectionString, true);
  database = { ...d, kind: "pglite", url: undefined, drop: () => d.close() };
  harness = await startHarness(database);
  await loadTwoTenants(harness);
  await seedTeamConfigs(database.db);
  fake = await startFakeGitHubWeb(PERSONAS, CLIENT_ID, CLIENT_SECRET);
  const web = createDashboard({
    db: database.db,
    env: { GITHUB_CLIENT_ID: CLIENT_ID, GITHUB_CLIENT_SECRET: CLIENT_SECRET, UNSUNG_SESSION_HOURS: 8, GHE_HOST: fake.host, GHE_PROTOCOL: "http" },
    now: () => new Date("2026-09-15T12:00:00Z"),
  });
  const probot = new Probot({ githubToken: "test", secret: "e2e-secret", logLevel: "fatal" });
  server = await createHttpServer({ probot, appFn: () => {}, db: database.db, secret: "unused", log: createQuietLogger({ level: "fatal" }), maxBodyBytes: 1024 * 1024, web });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await mkdir(OUT, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await fake?.close();
  await harness?.close();
  await database?.drop();
});

/** Code run in the page: written against the browser's globals, which this (Node) program has no types for. */
type PageGlobals = { getComputedStyle(el: unknown): { display: string }; document: { documentElement: { scrollWidth: number; clientWidth: number } } };
const displayOf = (l: Locator) => l.evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).display);

async function newPage(viewport = { width: 1100, height: 900 }): Promise<Page> {
  if (!browser) throw new Error(MISSING);
  const context = await browser!.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
  return page;
}

describe("the dashboard in a real browser", () => {
  it("finds Chromium", () => {
    expect(existsSync(CHROMIUM), MISSING).toBe(true);
  });

  it("signs in with GitHub, opens each page, adds a note and a claim, downloads a CSV and signs out", async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    expect(await page.getByRole("link", { name: "Sign in with GitHub" }).count()).toBe(1);
    await page.screenshot({ path: path.join(OUT, "01-signed-out.png"), fullPage: true });

    fake.signInAs(PEOPLE.alice.login);
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.waitForURL(`${base}/`);
    expect(await page.locator("h1").first().innerText()).toContain("Glue-work evidence");
    expect(await page.locator(".site").innerText()).toContain(`Signed in as @${PEOPLE.alice.login}`);
    // Styles load under the CSP (the stylesheet is ours): the banner is a flex row.
    expect(await displayOf(page.locator(".site"))).toBe("flex");
    await page.screenshot({ path: path.join(OUT, "02-own-packet.png"), fullPage: true });
    // The README's picture (docs/dashboard.jpg is a copy): the top of a packet, small.
    await page.screenshot({ path: path.join(OUT, "readme-dashboard.jpg"), type: "jpeg", quality: 70 });

    // A note, through the form, with the keyboard-reachable controls and their labels.
    await page.getByLabel("What it says").selectOption("outcome");
    await page.getByLabel("Note", { exact: true }).fill("Release support tickets fell from nine a week to two.");
    await page.getByRole("button", { name: "Add note" }).click();
    await page.waitForURL(/saved=note/);
    expect(await page.getByRole("status").innerText()).toBe("Your note was added.");
    expect(await page.content()).toContain("Outcome: Release support tickets fell from nine a week to two.");

    await page.getByLabel("Link to the work").fill("https://github.com/acme-corp/website/issues/21");
    await page.getByLabel("What you did", { exact: true }).fill("Wrote the release checklist this issue asked for.");
    await page.getByRole("button", { name: "Add claim" }).click();
    await page.waitForURL(/saved=claim/);
    expect(await page.content()).toContain("Wrote the release checklist this issue asked for.");
    await page.screenshot({ path: path.join(OUT, "03-packet-curated.png"), fullPage: true });

    for (const [name, url, heading] of [
      ["04-org", "/org", "Team glue-work report"],
      ["05-team", "/teams/platform", "Team glue-work report"],
      ["06-ops", "/ops", "Operations: acme-corp"],
      ["07-teammate", `/people/${PEOPLE.sam.login}`, "Glue-work evidence"],
    ] as const) {
      const r = await page.goto(`${base}${url}`);
      expect(r?.status(), url).toBe(200);
      expect(await page.locator("h1").first().innerText(), url).toContain(heading);
      await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
    }

    // Pick a quarter with the picker, then download the organisation's report as CSV.
    await page.goto(`${base}/org`);
    await page.getByRole("combobox", { name: "Quarter" }).selectOption("2026Q3");
    await page.getByRole("button", { name: "Show" }).first().click();
    await page.waitForURL(/quarter=2026Q3/);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
    expect(download.suggestedFilename()).toBe("unsung-acme-corp-2026Q3.csv");
    const file = path.join(OUT, download.suggestedFilename());
    await download.saveAs(file);
    const csv = await readFile(file, "utf8");
    expect(csv.split("\r\n")[0]).toMatch(/login/);
    expect(csv).toContain(PEOPLE.alice.login);
    expect(csv).not.toContain("globex");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${base}/`);
    expect(await page.getByRole("link", { name: "Sign in with GitHub" }).count()).toBe(1);
    // Signed out, a page sends the browser to GitHub; this time the user declines there.
    fake.signInAs(null);
    const after = await page.goto(`${base}/org`);
    expect(after?.status()).toBe(403);
    expect(page.url()).toContain("/login/callback?");
    expect(await page.locator("main").innerText()).toContain("You did not authorise Unsung on GitHub");
  });

  it("fits a phone screen and prints without the dashboard's controls", async () => {
    const page = await newPage({ width: 390, height: 844 });
    fake.signInAs(PEOPLE.sam.login);
    await page.goto(`${base}/login`);
    await page.waitForURL(`${base}/`);
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as PageGlobals).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(OUT, "08-phone.png"), fullPage: true });
    await page.emulateMedia({ media: "print" });
    expect(await displayOf(page.locator(".curate-section"))).toBe("none");
    expect(await displayOf(page.locator(".site"))).toBe("none");
  });

  it("raised no Content-Security-Policy violation on any page", () => {
    if (!browser) throw new Error(MISSING);
    expect(cspViolations).toEqual([]);
  });
});
