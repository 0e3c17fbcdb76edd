/**
 * Text banks for the synthetic scale organisation: review comments by what
 * they find (so the real comment categoriser files them where a reviewer
 * would), author replies, titles, paths and diff hunks. Reuses the sample
 * organisation's banks where they fit.
 */
import { LIGHT_QUESTIONS, NITS, SUBSTANTIVE_FINDINGS } from "../demo/texts.js";

export { LIGHT_QUESTIONS, NITS, SUBSTANTIVE_FINDINGS };

/** Findings a reviewer writes, by the category the categoriser should give them. */
export const FINDINGS_BY_CATEGORY: Readonly<Record<string, readonly string[]>> = {
  defect: [
    "If the charge times out we retry, but the first attempt may already have succeeded — this will double-charge the customer.",
    "This can be null when the account has no saved card, and the next line throws.",
    "Off-by-one: the loop skips the last page of results.",
    "This compares timestamps as strings; it breaks when a timestamp without milliseconds shows up.",
    "The error is swallowed here, so failures become silent 200s.",
    "There's a race: two workers can both read the old balance and both write, last write wins.",
    "These two writes aren't in a transaction — if the second fails the first is already committed.",
    "The promise is not awaited, so the handler returns before the row is written.",
    "Edge case: an empty list makes `max()` throw here.",
    "This is a read-modify-write race on the counter; it needs to be atomic.",
  ],
  security: [
    "We log the whole request here, which leaks the bearer token into our logs.",
    "The sort column comes straight from the query string: SQL injection through ORDER BY.",
    "This endpoint has no authorization check — any logged-in user can read another tenant's invoices.",
    "The redirect target is taken from the query string unvalidated: an open redirect.",
    "Comparing the signature with `===` is a timing attack; use a constant-time comparison.",
  ],
  performance: [
    "This does an N+1 query: one select per order inside the loop.",
    "This loads the whole table into memory to count it; `select count(*)` does it in the database.",
    "Adding the column with a default rewrites and locks the table for minutes on prod.",
    "This regex is compiled on every request in the hot path; hoist it out of the handler.",
    "Sequential awaits in the loop: these 40 calls could run in parallel with Promise.all.",
  ],
  design: [
    "There's an existing helper for this in lib/retry.ts — reuse it instead of a second backoff loop.",
    "This couples the billing module to the HTTP layer; pass the customer in instead of the request.",
    "I'd keep the feature flag check in one place rather than in each handler.",
    "This duplicates the validation in the schema; let the schema be the single source of truth.",
  ],
  "test-gap": [
    "Can we add a regression test for the empty-cart case? Nothing covers it.",
    "No test covers the error branch. Could you add one where the client rejects?",
    "The happy path is tested but not the retry; a test with a failing first attempt would pin it down.",
  ],
  "knowledge-transfer": [
    "For context: we never call the provider from the request thread because it can take 30 s; see the ADR in docs/adr/0007.",
    "FYI the reason this is a separate queue is the 2024 incident where retries starved the webhook workers — see the postmortem linked in the runbook.",
    "Background: the legacy ids are still sent by firmware older than 3.2, which is why the parser accepts both formats.",
  ],
};

export const FINDING_CATEGORIES = Object.keys(FINDINGS_BY_CATEGORY);

/** What an author replies when a comment led to a change. */
export const ACKS: readonly string[] = [
  "Good catch, fixed.",
  "Fixed in the last push, thanks.",
  "Done — added a test for it.",
  "Thanks! Changed it.",
  "Addressed in 3f2c1e9.",
  "Good point, updated.",
];

export const PRAISE: readonly string[] = ["LGTM", "Nice!", "looks good to me", "👍", "Love this 🎉", "great work", "LGTM! 🚀"];

export const APPROVAL_BODIES: readonly string[] = [
  "",
  "",
  "",
  "LGTM",
  "Looks good 👍",
  "Thanks, this reads much clearer now.",
  "Nice, ship it.",
  "Ran the migration against a prod copy: 4 s, no locks taken.",
  "Checked it out locally and ran the integration suite — all green.",
];

export const CHANGES_REQUESTED_BODIES: readonly string[] = [
  "A couple of things to fix before this can go in, see inline.",
  "Blocking on the transaction issue; the rest are suggestions.",
  "Needs a test for the failure path, otherwise looks good.",
];

/** Paths by area; review comments and change kinds draw from these. */
export const CODE_PATHS: readonly string[] = [
  "src/api/orders.ts",
  "src/api/customers.ts",
  "src/billing/renew.ts",
  "src/billing/invoice.ts",
  "src/auth/session.ts",
  "src/lib/retry.ts",
  "src/workers/sync.ts",
  "src/db/queries.ts",
  "internal/worker/worker.go",
  "internal/store/postgres.go",
  "cmd/server/main.go",
  "app/models/order.rb",
  "app/controllers/orders_controller.rb",
  "lib/pagination.ts",
  "web/src/components/Checkout.tsx",
  "web/src/hooks/useCart.ts",
  "migrations/20260105_orders_external_ref.sql",
  "config/production.yml",
];
export const TEST_PATHS: readonly string[] = [
  "test/api/orders.test.ts",
  "test/billing/renew.test.ts",
  "test/integration/order-sync.test.ts",
  "internal/worker/worker_test.go",
  "spec/models/order_spec.rb",
  "web/src/components/Checkout.test.tsx",
];
export const DOC_PATHS: readonly string[] = ["docs/guide.md", "docs/adr/0012-queue.md", "README.md", "CONTRIBUTING.md", "docs/api/orders.md"];
export const RUNBOOK_PATHS: readonly string[] = ["runbooks/payments-incident.md", "docs/oncall/outage.md", "docs/oncall/escalation.md"];
export const CI_PATHS: readonly string[] = [".github/workflows/ci.yml", ".github/workflows/release.yml", ".github/dependabot.yml"];
export const TEMPLATE_PATHS: readonly string[] = [".github/PULL_REQUEST_TEMPLATE.md", ".github/ISSUE_TEMPLATE/bug.yml"];
export const OWNERSHIP_PATHS: readonly string[] = [".github/CODEOWNERS"];

export const DIFF_HUNKS: readonly string[] = [
  "@@ -41,7 +41,9 @@ export async function renew(customer: Customer) {\n   const card = await cards.default(customer.id);\n-  await charge(card, amount);\n+  const result = await charge(card, amount);\n+  await ledger.record(result);",
  "@@ -12,6 +12,8 @@ func (w *Worker) Run(ctx context.Context) error {\n \tfor {\n+\t\tjob, err := w.queue.Next(ctx)\n+\t\tif err != nil {",
  "@@ -88,4 +88,6 @@ class OrdersController < ApplicationController\n   def index\n-    @orders = Order.all\n+    @orders = Order.where(account: current_account).order(sort_column)",
  "@@ -3,5 +3,7 @@ export function paginate<T>(items: T[], page: number, size: number) {\n-  return items.slice(page * size, page * size + size - 1);\n+  const start = page * size;\n+  return items.slice(start, start + size);",
  "@@ -20,6 +20,10 @@ export function Checkout({ cart }: Props) {\n   const { data } = useCart(cart.id);\n+  if (!data) return <Spinner />;",
  "@@ -1,3 +1,4 @@\n+ALTER TABLE orders ADD COLUMN external_ref text;\n CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);",
];

export const VERBS: readonly string[] = ["Add", "Fix", "Refactor", "Remove", "Speed up", "Handle", "Support", "Validate", "Log", "Retry", "Cache", "Paginate"];
export const OBJECTS: readonly string[] = [
  "order sync",
  "invoice export",
  "refund flow",
  "session refresh",
  "webhook retries",
  "the customers endpoint",
  "partial refunds",
  "robot heartbeats",
  "the checkout form",
  "rate limiting",
  "the nightly report",
  "card expiry emails",
  "audit log entries",
  "the search index",
  "tenant isolation",
  "feature flags",
];
export const QUALIFIERS: readonly string[] = ["", "", "", " for legacy accounts", " behind a flag", " on retry", " in the worker", " for large fleets", " (v2)", " on staging"];

export const FIRST_NAMES: readonly string[] = [
  "maya", "sam", "lee", "kim", "ana", "raj", "lena", "omar", "sofia", "jonah", "priya", "tomas", "aiko", "ben", "nadia", "marcus",
  "hannah", "kwame", "oliver", "devraj", "rafael", "mei", "ivan", "zara", "felix", "amara", "jin", "noor", "luca", "elif",
  "diego", "yara", "arjun", "ines", "kofi", "sven", "leila", "mateo", "hana", "tariq", "olga", "emeka", "chen", "nina", "pablo",
];
export const LAST_NAMES: readonly string[] = [
  "okafor", "patel", "moreno", "lindqvist", "fischer", "tanaka", "whitfield", "raman", "herrera", "becker", "asante", "grant",
  "reed", "carter", "rahman", "nguyen", "kowalski", "haddad", "silva", "novak", "mensah", "larsen", "kaur", "ito", "dubois",
  "rossi", "yilmaz", "osei", "berg", "garcia", "schmidt", "ali", "costa", "jensen", "park", "sato", "weber", "khan", "lopez",
];

export const REPO_WORDS: readonly string[] = [
  "payments", "fleet", "billing", "identity", "search", "console", "notifications", "ledger", "inventory", "routing",
  "telemetry", "checkout", "gateway", "scheduler", "catalog", "reports", "firmware", "maps", "audit", "pricing",
];
export const REPO_SUFFIXES: readonly string[] = ["api", "core", "service", "web", "worker", "sdk"];

export const ISSUE_TITLES: readonly string[] = [
  "checkout broken??",
  "Export times out for large accounts",
  "How do I get staging credentials?",
  "Flaky: OrderSyncTest fails on main",
  "Webhook retries pile up after an outage",
  "Session expires too early on mobile",
  "Add pagination to /v1/robots",
  "Invoice PDF shows the wrong currency",
  "Search returns archived items",
  "Docs: the quickstart is out of date",
];

export const ISSUE_ANSWERS: readonly string[] = [
  "I can reproduce this on staging: it happens when the account has more than 1,000 invoices. Steps below.",
  "This is the CSP header blocking the provider's iframe — see the browser console. Adding the domain to the allow list fixes it.",
  "Staging credentials are in the vault under team/staging; ask in #platform for access if you can't see it.",
  "Labelled and added acceptance criteria; this should be a small fix in the export worker.",
  "Duplicate of the pagination issue from last week, closing in favour of that one.",
  "Thanks for the report! Could you add the request id from the error page? That lets us find the trace.",
];
