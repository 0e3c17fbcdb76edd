/**
 * Which links a report may show: a link into a repository on GitHub — github.com or the GitHub
 * Enterprise host the app runs against — only when the report covers that repository, however
 * the link is spelt; links to other sites pass; a GitHub link that cannot be read is refused.
 */
import { describe, expect, it } from "vitest";
import { coverageOf, REDACTED_LINK, repositoryHosts, selectCoveredAnnotations } from "../../../src/core/report/select-covered.js";
import type { Annotation } from "../../../src/core/model.js";

const GHE = "ghe.example.com";
const COVERED = [{ fullName: "acme/website", private: false }];
/** The reader cannot read acme/vault-keeper (private, not covered). */
const onGhe = coverageOf(COVERED, repositoryHosts(`${GHE}:8443`));
const onDotCom = coverageOf(COVERED);

/** Alice's annotation said off GitHub (no repository), with these fields. */
const annotation = (a: Pick<Annotation, "id" | "kind" | "text"> & Partial<Annotation>): Annotation => ({
  authorId: 1,
  authorLogin: "alice",
  subjectPersonId: 1,
  subjectPersonLogin: "alice",
  contributionKey: null,
  link: null,
  sourceUrl: null,
  repositoryId: null,
  repositoryFullName: null,
  repositoryPrivate: false,
  createdAt: "2026-08-01T00:00:00Z",
  authorAssociation: null,
  ...a,
});

/** Spellings of a link into acme/vault-keeper on `host`. */
const hostile = (host: string) => [
  `https://${host}/acme/vault-keeper/pull/12`,
  `HTTPS://${host.toUpperCase()}/ACME/VAULT-KEEPER/pull/12`,
  `http://${host}/acme/vault-keeper`,
  `https://www.${host}/acme/vault-keeper/issues/3`,
  `http://WWW.${host}/acme/vault-keeper`,
  `https://${host}./acme/vault-keeper`,
  `https://${host}:443/acme/vault-keeper`,
  `https://${host}:8443/acme/vault-keeper`,
  `https://someone:secret@${host}/acme/vault-keeper`,
  `https:\\\\${host}\\acme\\vault-keeper\\pull\\12`,
  `https:${host}/acme/vault-keeper`,
  `//${host}/acme/vault-keeper`,
  `${host}/acme/vault-keeper/pull/12`,
  `${host}:8443/acme/vault-keeper`,
  `https://${host}//acme//vault-keeper//`,
  `https://${host}/%61cme/vault%2Dkeeper/pull/12`,
  `https://${host}/acme/vault-keeper.git`,
  `https://${host}/acme/vault-keeper?tab=readme#top`,
  `   https://${host}/acme/vault-keeper   `,
  `git@${host}:acme/vault-keeper.git`,
  `ssh://git@${host}/acme/vault-keeper.git`,
  `git://${host}/acme/vault-keeper`,
  `https://api.${host}/repos/acme/vault-keeper/pulls/12`,
  `https://${host}/api/v3/repos/acme/vault-keeper/pulls/12`,
  `https://raw.${host}/acme/vault-keeper/main/KEYS.md`,
  `https://codeload.${host}/acme/vault-keeper/zip/main`,
  `https://${host}/acme/vault-keeper/blob/main/${"x/".repeat(2000)}`,
];

describe("links a report may show", () => {
  it("refuses every spelling of a link into an uncovered repository on the Enterprise host", () => {
    for (const url of hostile(GHE)) expect(onGhe.allowsUrl(url), url).toBe(false);
    // Full-width letters are the same host once the address is read.
    expect(onGhe.allowsUrl("https://ｇｈｅ.example.com/acme/vault-keeper")).toBe(false);
  });

  it("refuses them on github.com too, wherever the app runs, raw and API addresses included", () => {
    for (const url of [...hostile("github.com"), "https://raw.githubusercontent.com/acme/vault-keeper/main/KEYS.md", "https://api.github.com/repos/acme/vault-keeper"]) {
      expect(onDotCom.allowsUrl(url), url).toBe(false);
      expect(onGhe.allowsUrl(url), url).toBe(false);
    }
  });

  it("allows links into a covered repository, however spelt", () => {
    for (const url of hostile(GHE).map((u) => u.replace(/vault(-|%2D)keeper/gi, "website").replace(/VAULT-KEEPER/g, "WEBSITE"))) {
      expect(onGhe.allowsUrl(url), url).toBe(true);
    }
  });

  it("lets links to other sites pass, look-alike hosts included, and owner pages", () => {
    for (const url of [
      "https://example.org/acme/vault-keeper",
      `https://${GHE}.evil.example/acme/vault-keeper`,
      `https://evil${GHE}/acme/vault-keeper`,
      "https://gitlab.com/acme/vault-keeper",
      `https://${GHE}/acme`,
      "https://github.com/",
      "not a link at all",
      "",
      null,
      undefined,
    ]) {
      expect(onGhe.allowsUrl(url), String(url)).toBe(true);
    }
    // Without GHE_HOST, the Enterprise host is just another site.
    expect(onDotCom.allowsUrl(`https://${GHE}/acme/vault-keeper`)).toBe(true);
  });

  it("refuses GitHub links it cannot read: broken escapes, oversized", () => {
    expect(onGhe.allowsUrl(`https://${GHE}/%E0%A4%A/vault-keeper`)).toBe(false);
    expect(onGhe.allowsUrl(`https://github.com/acme/%ZZ`)).toBe(false);
    expect(onGhe.allowsUrl(`https://${GHE}/acme/website/${"a".repeat(10_000)}`)).toBe(false);
    expect(onGhe.allowsUrl(`https://example.org/${"a".repeat(10_000)}`)).toBe(true);
  });

  it("reads a link's repository by the configured hosts only", () => {
    const website = coverageOf([{ fullName: "Acme/Website", private: false }]);
    expect(website.allowsUrl("https://www.github.com/acme/website.git")).toBe(true);
    expect(website.allowsUrl("https://www.github.com/acme/vault-keeper.git")).toBe(false);
    // An Enterprise host that is not configured is just another site.
    expect(website.allowsUrl(`https://${GHE}/acme/vault-keeper`)).toBe(true);
    expect(coverageOf(COVERED, repositoryHosts(GHE)).allowsUrl(`https://${GHE}/acme/vault-keeper`)).toBe(false);
    expect(repositoryHosts(" GHE.Example.COM.:8443 ")).toEqual(["github.com", GHE]);
    expect(repositoryHosts(null)).toEqual(["github.com"]);
  });

  it("drops annotations (claims, endorsements) that link into an uncovered Enterprise repository", () => {
    const a = (id: string, link: string) => annotation({ id, kind: "claim", link, text: "I did it" });
    const kept = selectCoveredAnnotations([a("in", `https://${GHE}/acme/website/pull/1`), a("out", `http://WWW.${GHE}./acme/vault-keeper/pull/12`)], onGhe);
    expect(kept.map((k) => k.id)).toEqual(["in"]);
  });

  describe("free text naming an uncovered repository", () => {
    const R = REDACTED_LINK;
    it("replaces every spelling of a link into it, wherever the link sits in the text", () => {
      for (const link of hostile("github.com")) {
        const clean = link.trim();
        for (const text of [`fixed in ${clean}`, `fixed in ${clean}.`, `(${clean})`, `[the fix](${clean})`, `<${clean}>`, `"${clean}", then`]) {
          const out = onDotCom.redactText(text);
          expect(out, text).toContain(R);
          expect(out.toLowerCase(), text).not.toMatch(/vault-keeper|vault%2dkeeper/);
        }
      }
      for (const link of hostile(GHE)) expect(onGhe.redactText(`see ${link.trim()} for details`).toLowerCase(), link).not.toMatch(/vault-keeper|vault%2dkeeper/);
    });

    it("replaces references and bare names of the organisation's uncovered repositories", () => {
      expect(onDotCom.redactText("Pairs with acme/vault-keeper#12 and other/lib@0123abc.")).toBe(`Pairs with ${R} and ${R}.`);
      expect(onDotCom.redactText("Moved the keys out of acme/vault-keeper, then ACME/Vault-Keeper.")).toBe(`Moved the keys out of ${R}, then ${R}.`);
    });

    it("keeps links and names of covered repositories, other sites and ordinary slashes", () => {
      const keep = [
        "Merged https://github.com/acme/website/pull/7 and acme/website#8; see ACME/website.",
        "Docs at https://example.com/acme/vault-keeper and https://docs.github.com/en/rest.",
        "Either/or choices, src/lib paths, 50/50 splits, CI/CD and TCP/IP #3.",
        "Read https://github.com/about, https://github.com/acme and https://gist.github.com/alice/0123abcd.",
      ];
      for (const t of keep) expect(onDotCom.redactText(t), t).toBe(t);
    });

    it("is applied to the text of the annotations a report keeps, leaving their other fields alone", () => {
      const note = annotation({ id: "n1", kind: "note", text: "Outcome: the rotation runbook in https://github.com/acme/vault-keeper/blob/main/RUNBOOK.md is used by on-call." });
      const [kept] = selectCoveredAnnotations([note], onDotCom);
      expect(kept).toEqual({ ...note, text: `Outcome: the rotation runbook in ${R} is used by on-call.` });
      const wide = coverageOf([...COVERED, { fullName: "acme/vault-keeper", private: true }]);
      expect(selectCoveredAnnotations([note], wide)[0]).toBe(note);
    });

    it("handles hostile and oversized text without throwing", () => {
      const huge = `${"github.com/".repeat(20_000)} acme/vault-keeper#1 ${"a/".repeat(50_000)}`;
      const out = onDotCom.redactText(huge);
      expect(out).not.toContain("vault-keeper");
      expect(onDotCom.redactText("https://github.com/%E0%A4%A/x github.com/acme/vault-keeper/%ZZ")).not.toContain("vault-keeper");
      expect(onDotCom.redactText("")).toBe("");
      expect(onDotCom.redactText("plain words only")).toBe("plain words only");
    });
  });
});
