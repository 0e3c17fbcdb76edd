/**
 * Background pull requests: the everyday features and fixes around the story,
 * with ordinary reviews (approvals, questions, the occasional real finding),
 * AI-reviewer comments, preview-deploy comments, and the padded reviewer's
 * nits and "LGTM!"s. They give every ratio in the reports a realistic base.
 */
import { BOTS, P, type Person, type RepoKey } from "./cast.js";
import { added, hunk, modified, type FileChange } from "./patches.js";
import type { Random } from "./prng.js";
import { DAY, MINUTE, iso, ms, type CommentSpec, type IssueCommentSpec, type PrSpec, type ReviewSpec } from "./spec.js";
import {
  APPROVAL_BODIES,
  LIGHT_QUESTIONS,
  SUBSTANTIVE_FINDINGS,
  TOMAS_PRAISE,
  coderabbitReview,
  coderabbitWalkthrough,
  copilotReview,
  nitReview,
  previewComment,
} from "./texts.js";

interface Draft {
  title: string;
  body: string;
  files: FileChange[];
  branch: string;
}

const END = ms("2026-09-30T17:00:00Z");

function kebab(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40);
}
function snake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ------------------------------------------------------------------ fleet-api

interface Entity {
  name: string;
  module: string;
  type: string;
  table: string;
  fields: string[];
}

const FLEET: Entity[] = [
  { name: "robot", module: "robots", type: "Robot", table: "robots", fields: ["serialNumber", "model", "firmwareVersion", "odometerKm", "siteId", "dockId", "hardwareRevision"] },
  { name: "mission", module: "missions", type: "Mission", table: "missions", fields: ["priority", "estimatedCompletionAt", "cancelledReason", "zoneId", "payloadKg", "retryCount"] },
  { name: "fleet", module: "fleets", type: "Fleet", table: "fleets", fields: ["timezone", "maxSpeed", "chargingPolicy", "ownerTeam"] },
  { name: "dock", module: "docks", type: "Dock", table: "docks", fields: ["chargerType", "occupiedBy", "lastServiceAt", "powerKw"] },
  { name: "zone", module: "zones", type: "Zone", table: "zones", fields: ["speedLimit", "accessLevel", "floor", "capacity"] },
  { name: "firmware release", module: "firmware", type: "FirmwareRelease", table: "firmware_releases", fields: ["channel", "checksum", "rolloutPercent", "minHardwareRev"] },
  { name: "maintenance window", module: "maintenance", type: "MaintenanceWindow", table: "maintenance_windows", fields: ["recurrence", "reason", "createdBy"] },
  { name: "site", module: "sites", type: "Site", table: "sites", fields: ["address", "contactEmail", "wifiSsid", "country"] },
  { name: "order", module: "orders", type: "Order", table: "orders", fields: ["externalRef", "pickedAt", "lineCount", "warehouseCode"] },
  { name: "operator", module: "operators", type: "Operator", table: "operators", fields: ["role", "lastLoginAt", "locale"] },
];

const OPS = ["create", "update", "delete", "list", "assign"];

function fleetDraft(rng: Random, kind: number): Draft {
  const e = rng.pick(FLEET);
  const field = rng.pick(e.fields);
  const col = snake(field);
  const op = rng.pick(OPS);
  const fn = `${op}${e.type}`;
  const svc = `src/${e.module}/${e.module.replace(/s$/, "")}-service.ts`;
  const routes = `src/${e.module}/routes.ts`;
  const testPath = `test/${e.module}/${kebab(`${op} ${e.name}`)}.test.ts`;
  const start = rng.int(12, 180);
  switch (kind % 9) {
    case 0:
      return {
        title: `Expose ${field} on ${e.type} responses`,
        body: `The console needs \`${col}\` to show it in the ${e.name} table. Adds it to the serializer (nullable for old rows).`,
        branch: `expose-${kebab(field)}`,
        files: [
          modified(`src/${e.module}/serializer.ts`, hunk(start, start, `export function serialize${e.type}(row: ${e.type}Row) {`, [`     id: row.id,`, `     created_at: row.createdAt.toISOString(),`, `+    ${col}: row.${field} ?? null,`, `     updated_at: row.updatedAt.toISOString(),`])),
          modified(`test/${e.module}/serializer.test.ts`, hunk(start + 4, start + 4, "", [`   it("serializes a ${e.name}", () => {`, `-    expect(Object.keys(serialize${e.type}(fixture))).toHaveLength(5);`, `+    expect(Object.keys(serialize${e.type}(fixture))).toHaveLength(6);`, `+    expect(serialize${e.type}({ ...fixture, ${field}: undefined }).${col}).toBeNull();`, "   });"])),
        ],
      };
    case 1:
      return {
        title: `Validate ${field} when creating a ${e.name}`,
        body: `We accept any value for \`${col}\` today and fail later in the ${e.name} worker. Validate it at the edge instead.`,
        branch: `validate-${kebab(`${e.name} ${field}`)}`,
        files: [
          modified(`src/${e.module}/schemas.ts`, hunk(start, start, `export const Create${e.type} = z.object({`, [`   name: z.string().min(1).max(120),`, `-  ${field}: z.unknown().optional(),`, `+  ${field}: z.string().trim().min(1).max(64).optional(),`, `   notes: z.string().max(2000).optional(),`])),
          added(testPath.replace(".test.ts", "-validation.test.ts"), [`import { expect, it } from "vitest";`, `import { Create${e.type} } from "../../src/${e.module}/schemas.js";`, "", `it("rejects an empty ${field}", () => {`, `  expect(Create${e.type}.safeParse({ name: "x", ${field}: "" }).success).toBe(false);`, "});"]),
        ],
      };
    case 2: {
      const metric = `${e.table}_${rng.pick(["created_total", "errors_total", "latency_seconds", "queue_depth"])}`;
      return {
        title: `Add ${metric} metric`,
        body: `For the ${e.name} dashboard: exposes \`${metric}\` so we can alert on it instead of grepping logs.`,
        branch: `metric-${kebab(metric)}`,
        files: [
          modified("src/metrics.ts", hunk(start, start, "", [`   registers: [registry],`, " });", "+", `+export const ${metric.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())} = new ${metric.endsWith("seconds") ? "Histogram" : metric.endsWith("depth") ? "Gauge" : "Counter"}({`, `+  name: "${metric}",`, `+  help: "${cap(e.name)} ${metric.split("_").slice(-2).join(" ")}",`, `+  labelNames: ["site"],`, "+  registers: [registry],", "+});"])),
          modified(svc, hunk(start + 20, start + 26, `export class ${e.type}Service {`, [`   async ${fn}(input: ${cap(op)}${e.type}Input) {`, `+    const end = metrics.startTimer?.({ site: input.siteId });`, `     const result = await this.repo.${op}(input);`, `+    end?.();`, "     return result;"])),
        ],
      };
    }
    case 3:
      return {
        title: `Return 404 instead of 500 for unknown ${e.name}s`,
        body: `\`GET /v1/${e.module}/:id\` with an unknown id throws a TypeError and returns 500 (Sentry: ~40/day from one integration). Use \`maybeOne\` + \`NotFoundError\`.`,
        branch: `404-unknown-${kebab(e.name)}`,
        files: [
          modified(svc, hunk(start, start, `export class ${e.type}Service {`, [`   async get(id: string) {`, `-    const { rows } = await this.db.query(\`SELECT * FROM ${e.table} WHERE id = $1\`, [id]);`, "-    return rows[0];", `+    const row = await this.db.maybeOne<${e.type}Row>(sql\`SELECT * FROM ${e.table} WHERE id = \${id}\`);`, `+    if (!row) throw new NotFoundError(\`${e.name} \${id}\`);`, "+    return row;", "   }"])),
          added(`test/${e.module}/not-found.test.ts`, [`import { expect, it } from "vitest";`, `import { request } from "../helpers/http.js";`, "", `it("returns 404 for an unknown ${e.name}", async () => {`, `  const res = await request.get("/v1/${e.module}/does-not-exist");`, "  expect(res.status).toBe(404);", "});"]),
        ],
      };
    case 4: {
      const stamp = iso(ms("2026-06-01T00:00:00Z") + rng.int(0, 110) * DAY).slice(0, 10).replaceAll("-", "");
      return {
        title: `Add index on ${e.table}(${col})`,
        body: `\`${e.table}\` lookups by \`${col}\` seq-scan (p95 ${rng.int(300, 1900)} ms on the ${e.name} list). Adds an index, built concurrently.`,
        branch: `index-${kebab(`${e.table} ${col}`)}`,
        files: [added(`migrations/${stamp}_${e.table}_${col}_idx.sql`, ["-- +migrate NoTransaction", `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${e.table}_${col}_idx ON ${e.table} (${col});`])],
      };
    }
    case 5:
      return {
        title: `Log ${e.name} id on ${op} failures`,
        body: `When \`${fn}\` fails we log the error but not which ${e.name}, so on-call has to correlate by timestamp.`,
        branch: `log-${kebab(`${e.name} ${op}`)}`,
        files: [modified(svc, hunk(start, start, `export class ${e.type}Service {`, [`     } catch (err) {`, `-      this.log.error(err, "${op} failed");`, `+      this.log.error({ err, ${e.name.replace(/ (\w)/g, (_, c: string) => c.toUpperCase())}Id: input.id }, "${e.name} ${op} failed");`, "       throw err;", "     }"]))],
      };
    case 6:
      return {
        title: `Extract ${e.type} serializer from routes`,
        body: `\`${routes}\` builds the response shape inline in four handlers. Moves it into one serializer so the fields can't drift.`,
        branch: `extract-${kebab(e.type)}-serializer`,
        files: [
          modified(routes, hunk(start, start, "", [`   const row = await service.get(id);`, "-  res.json({", "-    id: row.id,", `-    name: row.name,`, "-    created_at: row.createdAt.toISOString(),", "-  });", `+  res.json(serialize${e.type}(row));`])),
          added(`src/${e.module}/serialize.ts`, [`import type { ${e.type}Row } from "./types.js";`, "", `export function serialize${e.type}(row: ${e.type}Row) {`, "  return {", "    id: row.id,", "    name: row.name,", "    created_at: row.createdAt.toISOString(),", "  };", "}"]),
        ],
      };
    case 7:
      return {
        title: `Add tests for ${e.name} ${op} edge cases`,
        body: `Coverage for \`${fn}\` was only the happy path. Adds tests for concurrent ${op}s, missing references and permission errors.`,
        branch: `tests-${kebab(`${e.name} ${op}`)}`,
        files: [
          added(testPath, [
            `import { describe, expect, it } from "vitest";`,
            `import { testApp } from "../helpers/app.js";`,
            "",
            `describe("${fn}", () => {`,
            `  it("rejects a ${e.name} from another fleet", async () => {`,
            "    const app = await testApp();",
            `    await expect(app.${e.module}.${op}({ id: "other-fleet" })).rejects.toThrow("forbidden");`,
            "  });",
            "",
            `  it("is idempotent when retried", async () => {`,
            "    const app = await testApp();",
            `    const a = await app.${e.module}.${op}({ id: "x" });`,
            `    const b = await app.${e.module}.${op}({ id: "x" });`,
            "    expect(b).toEqual(a);",
            "  });",
            "});",
          ]),
        ],
      };
    default: {
      const flag = `fleet.${e.module}.${op}_v2`;
      return {
        title: `Put the new ${e.name} ${op} flow behind the ${flag} flag`,
        body: `So we can roll the new ${op} flow out site by site. Defaults to off.`,
        branch: `flag-${kebab(`${e.name} ${op}`)}`,
        files: [
          modified(routes, hunk(start, start, "", [`   const input = ${cap(op)}${e.type}Input.parse(req.body);`, `-  const result = await service.${fn}(input);`, `+  const result = (await flags.isEnabled("${flag}", { siteId: req.auth.siteId }))`, `+    ? await service.${fn}V2(input)`, `+    : await service.${fn}(input);`, "   res.json(result);"])),
          modified("config/flags.yml", hunk(3, 3, "", [`+${flag}:`, "+  default: false", "+  owners: [platform]"])),
        ],
      };
    }
  }
}

// ------------------------------------------------------------------ web-console

const COMPONENTS = ["RobotTable", "MissionTimeline", "FleetMap", "BillingPage", "CheckoutForm", "AlertsPanel", "SettingsPage", "UserMenu", "InvoiceList", "MaintenanceCalendar", "FirmwareRollout", "SiteSwitcher", "AuditLog", "ShiftReport", "ZoneEditor", "DockStatus", "OperatorList", "ApiKeys", "UsageGraph", "Notifications"];

function consoleDraft(rng: Random, kind: number): Draft {
  const c = rng.pick(COMPONENTS);
  const path = `src/components/${c}/${c}.tsx`;
  const start = rng.int(10, 120);
  switch (kind % 8) {
    case 0:
      return {
        title: `Add an empty state to ${c}`,
        body: `${c} renders a blank box when there's nothing to show. Adds an empty state with a hint about what to do next.`,
        branch: `empty-state-${kebab(c)}`,
        files: [modified(path, hunk(start, start, `export function ${c}(props: Props) {`, ["   const { data } = useData(props);", "+  if (data.length === 0) {", `+    return <EmptyState icon="inbox" title={t("${c}.empty.title")} hint={t("${c}.empty.hint")} />;`, "+  }", "   return ("])), modified("src/i18n/en.json", hunk(start * 2, start * 2, "", [`+  "${c}.empty.title": "Nothing here yet",`, `+  "${c}.empty.hint": "Items appear here as soon as robots report them.",`]))],
      };
    case 1:
      return {
        title: `Add aria-labels to ${c} controls`,
        body: `Screen readers announce the icon buttons in ${c} as "button". Adds labels (found with axe).`,
        branch: `a11y-${kebab(c)}`,
        files: [modified(path, hunk(start, start, "", ['-      <IconButton icon="filter" onClick={openFilters} />', `+      <IconButton icon="filter" onClick={openFilters} aria-label={t("${c}.filters")} />`, '-      <IconButton icon="refresh" onClick={refetch} />', `+      <IconButton icon="refresh" onClick={refetch} aria-label={t("common.refresh")} />`]))],
      };
    case 2:
      return {
        title: `Fix ${c} layout on narrow screens`,
        body: `On the 10" tablets at the docks, ${c} overflows horizontally. Stacks the columns below 768 px.`,
        branch: `responsive-${kebab(c)}`,
        files: [modified(`src/components/${c}/${c}.module.css`, hunk(start, start, "", [" .root {", "   display: grid;", "-  grid-template-columns: 1fr 1fr 1fr;", "+  grid-template-columns: repeat(auto-fit, minmax(240px, 1fr));", " }", "+", "+@media (max-width: 768px) {", "+  .root { grid-template-columns: 1fr; }", "+}"]))],
      };
    case 3:
      return {
        title: `Add a loading skeleton to ${c}`,
        body: `Avoids the layout jump when ${c} loads.`,
        branch: `skeleton-${kebab(c)}`,
        files: [modified(path, hunk(start, start, `export function ${c}(props: Props) {`, ["-  const { data } = useData(props);", "+  const { data, isPending } = useData(props);", `+  if (isPending) return <${c}.Skeleton rows={8} />;`, "   return ("]))],
      };
    case 4:
      return {
        title: `Translate ${c} strings (de, ja)`,
        body: `The Leipzig and Osaka sites use the console in German and Japanese; ${c} was still English-only.`,
        branch: `i18n-${kebab(c)}`,
        files: [
          modified("src/i18n/de.json", hunk(start, start, "", [`+  "${c}.title": "${c}",`, `+  "${c}.empty.title": "Noch nichts hier",`, `+  "${c}.filters": "Filter",`])),
          modified("src/i18n/ja.json", hunk(start, start, "", [`+  "${c}.title": "${c}",`, `+  "${c}.empty.title": "まだ何もありません",`, `+  "${c}.filters": "フィルター",`])),
        ],
      };
    case 5:
      return {
        title: `Add Storybook stories for ${c}`,
        body: `So design can review ${c} states without a backend.`,
        branch: `stories-${kebab(c)}`,
        files: [added(`src/components/${c}/${c}.stories.tsx`, [`import type { Meta, StoryObj } from "@storybook/react";`, `import { ${c} } from "./${c}";`, "", `const meta: Meta<typeof ${c}> = { component: ${c} };`, "export default meta;", "", `export const Default: StoryObj<typeof ${c}> = {};`, `export const Empty: StoryObj<typeof ${c}> = { args: { items: [] } };`, `export const Loading: StoryObj<typeof ${c}> = { parameters: { msw: { delay: "infinite" } } };`])],
      };
    case 6:
      return {
        title: `Memoize ${c} rows`,
        body: `${c} re-renders every row on each poll (React profiler: 38 ms per update with 300 rows). Memoizes rows by id.`,
        branch: `memo-${kebab(c)}`,
        files: [modified(path, hunk(start, start, "", ["-function Row({ item }: RowProps) {", "+const Row = memo(function Row({ item }: RowProps) {", "   return (", "     <tr>"]), hunk(start + 30, start + 30, "", ["     </tr>", "   );", "-}", "+});"]))],
      };
    default: {
      const field = rng.pick(["battery health", "firmware version", "last mission", "site", "uptime", "error count"]);
      return {
        title: `Show ${field} in ${c}`,
        body: `Ops asked to see ${field} without opening the detail page.`,
        branch: `show-${kebab(`${field} ${c}`)}`,
        files: [modified(path, hunk(start, start, "", ["   const columns = [", '     { key: "name", header: t("common.name") },', `+    { key: "${kebab(field)}", header: t("${c}.${kebab(field)}") },`, '     { key: "status", header: t("common.status") },'])), modified("src/i18n/en.json", hunk(start * 2, start * 2, "", [`+  "${c}.${kebab(field)}": "${cap(field)}",`]))],
      };
    }
  }
}

// ------------------------------------------------------------------ payments-core

const PAY: Entity[] = [
  { name: "refund", module: "refunds", type: "Refund", table: "refunds", fields: ["reasonCode", "initiatedBy", "stripeRefundId"] },
  { name: "payout", module: "payouts", type: "Payout", table: "payouts", fields: ["bankReference", "arrivalDate", "feeCents"] },
  { name: "invoice", module: "invoices", type: "Invoice", table: "invoices", fields: ["poNumber", "dueDate", "taxRate", "billingEmail"] },
  { name: "dispute", module: "disputes", type: "Dispute", table: "disputes", fields: ["evidenceDueBy", "networkReasonCode"] },
  { name: "ledger entry", module: "ledger", type: "LedgerEntry", table: "ledger_entries", fields: ["memo", "sourceSystem"] },
  { name: "merchant", module: "merchants", type: "Merchant", table: "merchants", fields: ["payoutSchedule", "riskLevel", "vatId"] },
];

function paymentsDraft(rng: Random, kind: number): Draft {
  const e = rng.pick(PAY);
  const field = rng.pick(e.fields);
  const col = snake(field);
  const start = rng.int(10, 150);
  switch (kind % 6) {
    case 0:
      return {
        title: `Add ${col} to the ${e.name} export`,
        body: `Finance reconciles ${e.name}s by \`${col}\`; it's missing from the monthly export.`,
        branch: `export-${kebab(`${e.name} ${col}`)}`,
        files: [modified(`src/exports/${e.module}-export.ts`, hunk(start, start, "", ['     "id",', '     "amount_cents",', `+    "${col}",`, '     "created_at",']))],
      };
    case 1: {
      const status = rng.pick(["pending", "processing", "requires_review"]);
      return {
        title: `Alert when ${e.name}s are stuck in ${status} for over an hour`,
        body: `We found out about stuck ${e.name}s from merchants. This pages #payments-oncall instead.`,
        branch: `alert-stuck-${kebab(e.name)}`,
        files: [modified("src/alerts/rules.ts", hunk(start, start, "", [`+  { name: "${kebab(e.name)}-stuck-${status}", query: "${e.table}_${status}_over_1h > 0", page: "payments-oncall" },`])), modified(`src/${e.module}/metrics.ts`, hunk(4, 4, "", [`+export const stuck${e.type}s = new Gauge({ name: "${e.table}_${status}_over_1h", help: "${cap(e.name)}s ${status} for over an hour" });`]))],
      };
    }
    case 2: {
      const stamp = iso(ms("2026-06-01T00:00:00Z") + rng.int(0, 110) * DAY).slice(0, 10).replaceAll("-", "");
      return {
        title: `Store ${col} on ${e.name}s`,
        body: `Needed for the ${e.name} detail page in the support tool. Nullable; backfilled lazily.`,
        branch: `store-${kebab(`${e.name} ${col}`)}`,
        files: [added(`migrations/${stamp}_${e.table}_${col}.sql`, [`ALTER TABLE ${e.table} ADD COLUMN IF NOT EXISTS ${col} text;`]), modified(`src/${e.module}/repository.ts`, hunk(start, start, "", [`       amount_cents: row.amountCents,`, `+      ${col}: row.${field} ?? null,`, `       created_at: row.createdAt,`]))],
      };
    }
    case 3:
      return {
        title: `Reject ${e.name}s with a non-positive amount`,
        body: `A support script created a ${e.name} of 0 cents last week; the ledger accepted it. Validate at the edge and in the database.`,
        branch: `positive-${kebab(e.name)}`,
        files: [modified(`src/${e.module}/schemas.ts`, hunk(start, start, "", ["-  amountCents: z.number().int(),", "+  amountCents: z.number().int().positive(),"])), added(`test/${e.module}/amount-validation.test.ts`, [`import { expect, it } from "vitest";`, `import { Create${e.type} } from "../../src/${e.module}/schemas.js";`, "", `it("rejects a zero amount", () => {`, `  expect(Create${e.type}.safeParse({ amountCents: 0 }).success).toBe(false);`, "});"])],
      };
    case 4:
      return {
        title: `Retry ${e.name} webhooks with exponential backoff`,
        body: `Merchant webhook endpoints time out now and then; we retry immediately three times and give up. Backs off over 24 h like Stripe does.`,
        branch: `webhook-backoff-${kebab(e.name)}`,
        files: [modified(`src/webhooks/${e.module}-webhooks.ts`, hunk(start, start, "", ["-const RETRIES = [0, 0, 0];", "+// 1 min, 5 min, 30 min, 2 h, 6 h, 24 h", "+const RETRIES = [60, 300, 1800, 7200, 21600, 86400].map((s) => s * 1000);"]))],
      };
    default:
      return {
        title: `Add ${e.name} reconciliation metrics`,
        body: `Counts ${e.name}s that don't match the provider's records, so the nightly reconciliation shows up on a dashboard.`,
        branch: `recon-metrics-${kebab(e.name)}`,
        files: [modified(`src/reconciliation/${e.module}.ts`, hunk(start, start, "", ["   for (const mismatch of mismatches) {", `+    metrics.reconciliationMismatches.inc({ kind: "${kebab(e.name)}", reason: mismatch.reason });`, "     report.add(mismatch);"]))],
      };
  }
}

// ------------------------------------------------------------------ docs

function docsDraft(rng: Random, kind: number): Draft {
  const topics = ["robots", "missions", "webhooks", "authentication", "rate limits", "firmware", "sites", "telemetry"];
  const t = rng.pick(topics);
  switch (kind % 3) {
    case 0:
      return {
        title: `Document the ${t} endpoints`,
        body: `The ${t} endpoints had only the generated reference. Adds a guide with examples.`,
        branch: `docs-${kebab(t)}`,
        files: [added(`docs/guides/${kebab(t)}.md`, [`# Working with ${t}`, "", `This guide shows the common ${t} calls with curl and the SDK.`, "", "```sh", `curl -H "Authorization: Bearer $TOKEN" https://api.acme-robotics.dev/v1/${kebab(t)}`, "```", "", "## Errors", "", "| Status | Meaning |", "| --- | --- |", "| 400 | Invalid input; the body names the field |", "| 404 | Not found or not in your fleet |", "| 429 | Rate limited; retry after `Retry-After` seconds |"])],
      };
    case 1:
      return {
        title: `Fix typos in the ${t} guide`,
        body: "",
        branch: `typos-${kebab(t)}`,
        files: [modified(`docs/guides/${kebab(t)}.md`, hunk(rng.int(5, 40), rng.int(5, 40), "", ["-Teh response contains a `next_cursor` feild.", "+The response contains a `next_cursor` field."]))],
      };
    default:
      return {
        title: `Add a Python example for ${t}`,
        body: `Half of the integrators use Python.`,
        branch: `python-${kebab(t)}`,
        files: [modified(`docs/guides/${kebab(t)}.md`, hunk(rng.int(20, 60), rng.int(20, 60), "", [" ```", "+", "+```python", "+import requests", `+r = requests.get("https://api.acme-robotics.dev/v1/${kebab(t)}", headers={"Authorization": f"Bearer {token}"})`, "+r.raise_for_status()", "+```"]))],
      };
  }
}

// ------------------------------------------------------------------ plan

interface RepoPlan {
  repo: RepoKey;
  periods: { from: string; to: string; count: number }[];
  authors: (readonly [Person, number])[];
  reviewers: Person[];
  draft: (rng: Random, kind: number) => Draft;
  kinds: number;
}

const PLANS: RepoPlan[] = [
  {
    repo: "fleet",
    periods: [
      { from: "2026-06-08", to: "2026-08-11", count: 72 },
      { from: "2026-08-12", to: "2026-09-25", count: 58 },
    ],
    authors: [[P.dev, 3], [P.lena, 2], [P.oliver, 4], [P.hannah, 3], [P.jonah, 3], [P.kwame, 3], [P.nadia, 2], [P.ben, 1.5], [P.tomas, 1], [P.aiko, 0.5]],
    reviewers: [P.dev, P.lena, P.oliver, P.hannah, P.jonah, P.kwame],
    draft: fleetDraft,
    kinds: 9,
  },
  {
    repo: "console",
    periods: [{ from: "2026-06-08", to: "2026-09-25", count: 40 }],
    authors: [[P.aiko, 3], [P.sofia, 2], [P.tomas, 3], [P.hannah, 2], [P.kwame, 1], [P.ben, 1]],
    reviewers: [P.aiko, P.sofia, P.tomas, P.hannah, P.kwame],
    draft: consoleDraft,
    kinds: 8,
  },
  {
    repo: "payments",
    periods: [{ from: "2026-06-08", to: "2026-09-25", count: 30 }],
    authors: [[P.priya, 3], [P.maya, 2], [P.rafael, 2], [P.marcus, 0.5]],
    reviewers: [P.maya, P.priya, P.rafael],
    draft: paymentsDraft,
    kinds: 6,
  },
  {
    repo: "docs",
    periods: [{ from: "2026-06-08", to: "2026-09-25", count: 8 }],
    authors: [[P.aiko, 2], [P.lena, 1], [P.dev, 1], [P.jonah, 1]],
    reviewers: [P.aiko, P.lena, P.dev],
    draft: docsDraft,
    kinds: 3,
  },
];

/** Reviewers who often find real problems (the story's deep reviewers and mentor). */
const THOROUGH = new Set([P.maya.login, P.rafael.login, P.dev.login, P.lena.login]);

function available(person: Person, at: number): boolean {
  // Newcomers start with their story pull requests; background work comes a few weeks in.
  if (person.joinedAt && at < ms(person.joinedAt) + 22 * DAY) return false;
  return true;
}

function workingDays(from: string, to: string): number[] {
  const days: number[] = [];
  for (let t = ms(`${from}T00:00:00Z`); t <= ms(`${to}T00:00:00Z`); t += DAY) {
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) days.push(t);
  }
  return days;
}

export function fillerPullRequests(rng: Random, usedTitles: Set<string>): PrSpec[] {
  const out: PrSpec[] = [];
  const nitTargets = new Set<string>();
  let counter = 0;
  for (const plan of PLANS) {
    for (const period of plan.periods) {
      const days = workingDays(period.from, period.to);
      const opens = Array.from({ length: period.count }, () => rng.pick(days) + rng.int(8 * 60, 17 * 60 + 30) * MINUTE).sort((a, b) => a - b);
      for (const t0 of opens) {
        counter++;
        let draft: Draft | null = null;
        for (let attempt = 0; attempt < 40 && !draft; attempt++) {
          const d = plan.draft(rng, rng.int(0, plan.kinds - 1));
          if (!usedTitles.has(d.title)) draft = d;
        }
        if (!draft) continue;
        usedTitles.add(draft.title);
        const authors = plan.authors.filter(([p]) => available(p, t0));
        const author = rng.weighted(authors);
        const key = `f-${plan.repo}-${counter}`;
        const spec = fillerPr(rng, key, plan, draft, author, t0);
        if (spec) out.push(spec);
      }
    }
  }
  // The padded reviewer leaves 10–15 nits on a dozen ordinary pull requests.
  const candidates = out.filter((p) => (p.repo === "fleet" || p.repo === "console") && p.author.login !== P.tomas.login && p.close?.merged);
  for (const p of rng.sample(candidates, 11)) nitTargets.add(p.key);
  for (const p of out) {
    if (!nitTargets.has(p.key) || !p.close) continue;
    const firstHuman = p.reviews.find((r) => r.by.type === "User");
    const at = firstHuman ? Math.max(5, firstHuman.atMin - rng.int(5, 30)) : 30;
    p.reviews = [...p.reviews.filter((r) => r.by.login !== P.tomas.login), ...nitReview(rng, at, p.files)].sort((a, b) => a.atMin - b.atMin);
    p.tags = [...(p.tags ?? []), "padded-review"];
  }
  return out;
}

function fillerPr(rng: Random, key: string, plan: RepoPlan, draft: Draft, author: Person, t0: number): PrSpec | null {
  const reviews: ReviewSpec[] = [];
  const comments: IssueCommentSpec[] = [];
  const commits: PrSpec["commits"] = [{ atMin: -rng.int(20, 240), message: draft.title }];
  if (rng.chance(0.35)) commits.push({ atMin: -rng.int(3, 19), message: rng.pick(["Add tests", "Fix lint", "Update snapshots", "Address self-review"]) });
  let last = 0;
  const repo = plan.repo;

  if ((repo === "fleet" || repo === "payments") && rng.chance(0.35)) {
    reviews.push(copilotReview(rng, rng.int(2, 5), `This PR ${draft.title.charAt(0).toLowerCase()}${draft.title.slice(1)}.`, draft.files, 0));
  }
  if (repo === "console") {
    if (rng.chance(0.4)) {
      reviews.push(coderabbitReview(rng, rng.int(3, 6), draft.files));
      comments.push({ by: BOTS.coderabbit, atMin: 2, body: coderabbitWalkthrough(draft.title, draft.files) });
    }
    comments.push({ by: BOTS.actions, atMin: rng.int(6, 10), body: previewComment(key) });
  }
  // Bot review comments never lead to changes in the background PRs: keep them "kept".
  for (const r of reviews) for (const c of r.comments ?? []) c.outcome = "kept";

  const pool = plan.reviewers.filter((p) => p.login !== author.login && available(p, t0));
  const reviewerCount = rng.chance(0.3) ? 2 : 1;
  const reviewers = rng.sample(pool, reviewerCount);
  let fixAt: number | null = null;
  for (const reviewer of reviewers) {
    const at = reviewer.login === P.kwame.login ? rng.int(2, 12) : rng.int(20, 540);
    const thorough = THOROUGH.has(reviewer.login);
    const roll = rng.next();
    const pSub = thorough ? 0.3 : reviewer.login === P.tomas.login || reviewer.login === P.kwame.login ? 0 : 0.1;
    const pLight = reviewer.login === P.kwame.login ? 0 : reviewer.login === P.tomas.login ? 0 : 0.35;
    // Questions and findings are about code; pull requests that only touch docs, styles or SQL get approvals.
    const target = draft.files.filter((f) => f.status !== "removed" && /\.tsx?$/.test(f.path));
    if (roll < pSub && target.length > 0) {
      const [finding, reply] = rng.pick(SUBSTANTIVE_FINDINGS);
      const fix = at + rng.int(60, 300);
      fixAt = Math.max(fixAt ?? 0, fix);
      const comment: CommentSpec = {
        path: rng.pick(target).path,
        body: finding,
        outcome: "fixed",
        replies: [{ by: "author", afterMin: fix - at + rng.int(1, 10), body: reply }],
        resolve: { by: "reviewer", afterMin: fix - at + rng.int(15, 60) },
      };
      reviews.push({ by: reviewer, atMin: at, state: rng.chance(0.5) ? "changes_requested" : "commented", body: rng.chance(0.5) ? null : "One thing inline, otherwise good.", comments: [comment] });
      const approveAt = fix + rng.int(65, 120);
      reviews.push({ by: reviewer, atMin: approveAt, state: "approved", body: rng.pick(["Thanks!", "LGTM now.", null, "👍"]) });
      last = Math.max(last, approveAt);
    } else if (roll < pSub + pLight && target.length > 0) {
      const [question, answer] = rng.pick(LIGHT_QUESTIONS);
      const comment: CommentSpec = {
        path: rng.pick(target).path,
        body: question,
        outcome: "kept",
        replies: [{ by: "author", afterMin: rng.int(10, 120), body: answer }],
      };
      reviews.push({ by: reviewer, atMin: at, state: "approved", body: rng.chance(0.5) ? "One question inline, not blocking." : null, comments: [comment] });
      last = Math.max(last, at + 125);
    } else {
      const body = reviewer.login === P.tomas.login ? rng.pick(TOMAS_PRAISE) : reviewer.login === P.kwame.login ? rng.pick(["👍", null, "LGTM"]) : rng.pick(APPROVAL_BODIES);
      reviews.push({ by: reviewer, atMin: at, state: "approved", body });
      last = Math.max(last, at);
    }
  }
  if (fixAt !== null) commits.push({ atMin: fixAt, message: "Address review feedback" });
  // The padded reviewer also drops a quick "LGTM!" on many pull requests he wasn't asked to review.
  if ((repo === "fleet" || repo === "console") && author.login !== P.tomas.login && !reviewers.some((r) => r.login === P.tomas.login) && rng.chance(0.22)) {
    const at = rng.int(15, Math.max(16, last));
    reviews.push({ by: P.tomas, atMin: at, state: "approved", body: rng.pick(TOMAS_PRAISE) });
  }
  for (const r of reviews) last = Math.max(last, r.atMin);
  for (const c of comments) last = Math.max(last, c.atMin);
  reviews.sort((a, b) => a.atMin - b.atMin);

  const closeAt = last + rng.int(10, 240);
  const mergeTime = t0 + closeAt * MINUTE;
  let close: PrSpec["close"];
  if (mergeTime > END) close = undefined;
  else if (rng.chance(0.03)) {
    close = { atMin: closeAt, merged: false, by: author };
    comments.push({ by: author, atMin: closeAt - 1, body: "Closing — superseded by a smaller change." });
  } else {
    const merger = rng.chance(0.75) ? author : reviewers[0] ?? author;
    close = { atMin: closeAt, merged: true, by: merger };
  }
  return {
    key,
    repo,
    author,
    title: draft.title,
    body: draft.body,
    openedAt: iso(t0),
    headRef: `${author.login.split("-")[0]}/${draft.branch}`,
    labels: [],
    files: draft.files,
    commits,
    reviews,
    comments,
    close,
    requestedReviewers: reviewers,
    tags: ["background"],
  };
}
