/**
 * On GitHub Enterprise (the dashboard here runs against a fake Enterprise host), a claim or an
 * endorsement linking into a private repository is shown only to those who can read it: links are
 * held to coverage on the configured host as on github.com, however they are spelt.
 */
import { afterAll, describe, expect, it } from "vitest";
import { useHarness, type Harness } from "../helpers/harness.js";
import { loadTwoTenants } from "../helpers/load-tenants.js";
import type { TestDatabase } from "../helpers/test-database.js";
import { ACME, PEOPLE, REPOS, fullName } from "../helpers/tenant-fixture.js";
import { Browser, seedTeamConfigs, startWeb, type Web } from "../helpers/web-harness.js";

let database: TestDatabase;
let harness: Harness;
let web: Web;
useHarness((d, h) => ((database = d), (harness = h)));
afterAll(async () => web?.close());

const { alice, sam } = PEOPLE;

describe("links into the Enterprise host", () => {
  it("shows a claim into a private repository to its readers only, in the page and every download", async () => {
    await loadTwoTenants(harness);
    await seedTeamConfigs(database.db);
    web = await startWeb(database.db);
    const host = web.fake.host;
    const aliceB = await web.signIn(alice.login);
    const csrf = Browser.csrfOf((await aliceB.get(`/people/${alice.login}`)).body);
    const claims = [
      [`http://${host}/${fullName(REPOS.vault)}/pull/12`, "Rewrote the key rotation runbook for the vault."],
      [`HTTP://${host}//${fullName(REPOS.vault).toUpperCase()}.git/issues/23`, "Answered the vault audit questions."],
      [`http://${host}/${fullName(REPOS.website)}/pull/11`, "Wrote the public release checklist."],
    ];
    for (const [link, text] of claims) {
      expect((await aliceB.post(`/people/${alice.login}/annotations`, { csrf, kind: "claim", link: link!, text: text! })).status, link).toBe(303);
    }
    // Alice reads vault-keeper: all three are hers to see.
    const own = (await aliceB.get(`/people/${alice.login}?quarter=2026Q3`)).body;
    for (const [, text] of claims) expect(own).toContain(text);
    // Sam maintains her team but cannot read vault-keeper.
    const samB = await web.signIn(sam.login);
    for (const format of [null, "md", "html", "csv", "json"]) {
      const r = await samB.get(`/people/${alice.login}?org=${ACME.login}&quarter=2026Q3${format ? `&format=${format}` : ""}`);
      expect(r.status, String(format)).toBe(200);
      expect(r.body, String(format)).toContain("Wrote the public release checklist.");
      expect(r.body, String(format)).not.toContain("Rewrote the key rotation runbook");
      expect(r.body, String(format)).not.toContain("Answered the vault audit questions");
      expect(r.body.toLowerCase(), String(format)).not.toContain("vault-keeper");
    }
  });
});
