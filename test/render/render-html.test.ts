import { describe, expect, it } from "vitest";
import { buildPersonReport } from "../../src/core/report/build-person-report.js";
import { buildTeamReport } from "../../src/core/report/build-team-report.js";
import { LINK_COLOR, MUTED_COLOR, TEXT_COLOR } from "../../src/render/html-kit.js";
import { renderPersonHtml } from "../../src/render/render-person-html.js";
import { renderTeamHtml } from "../../src/render/render-team-html.js";
import { DEPTH_COLORS, PALETTE } from "../../src/render/svg-charts.js";
import { alicePersonReport, contribution, hostileInputs, personInput, SECRET_TITLE, teamInput, teamReport } from "../core/report/fixtures.js";
import { contrast, headingLevels, strayAngles, tagsOf } from "./helpers.js";

const ALLOWED_TAGS = new Set([
  "html", "head", "meta", "title", "style", "body", "header", "main", "section", "article", "h1", "h2", "h3", "h4",
  "p", "ul", "li", "dl", "dt", "dd", "a", "strong", "code", "span", "br", "bdi", "div", "figure", "figcaption",
  "table", "caption", "thead", "tbody", "tr", "th", "td", "svg", "title", "desc", "rect", "text", "line",
]);

/** Structural checks every HTML report must pass, hostile input or not. */
function expectSafeSelfContained(html: string): void {
  expect(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\">")).toBe(true);
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">`);
  const tags = tagsOf(html);
  for (const tag of tags) {
    expect(ALLOWED_TAGS.has(tag.name), `unexpected <${tag.name}>`).toBe(true);
    for (const [name, value] of Object.entries(tag.attrs)) {
      expect(name.startsWith("on"), `event handler ${name} in ${tag.raw}`).toBe(false);
      expect(["src", "srcset", "action", "formaction", "xlink:href", "background", "poster", "style"]).not.toContain(name);
      if (name === "href") {
        expect(tag.name, `href outside <a>: ${tag.raw}`).toBe("a");
        expect(value).toMatch(/^https?:\/\//);
        expect(value).not.toMatch(/["<>\s]/);
      }
    }
  }
  // Nothing in the text looks like a tag that the escaping let through.
  expect(strayAngles(html)).toEqual([]);
  const css = html.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? "";
  expect(css).not.toMatch(/url\(|@import|@font-face|expression\(/i);
  expect(css).toContain("@media print");
  // One <style>, one <title> in the head; no script anywhere.
  expect(tags.filter((t) => t.name === "style" && !t.closing)).toHaveLength(1);
  expect(html).not.toMatch(/<script|<link|<iframe|<object|<embed|<img/i);
}

function expectAccessible(html: string): void {
  const levels = headingLevels(html);
  expect(levels[0]).toBe(1);
  expect(levels.filter((l) => l === 1)).toHaveLength(1);
  for (let i = 1; i < levels.length; i++) expect(levels[i]!).toBeLessThanOrEqual(levels[i - 1]! + 1);
  const tags = tagsOf(html);
  for (const th of tags.filter((t) => t.name === "th" && !t.closing)) expect(["col", "row"]).toContain(th.attrs["scope"]);
  const ids = new Set(tags.map((t) => t.attrs["id"]).filter((id): id is string => id !== undefined));
  for (const svg of tags.filter((t) => t.name === "svg" && !t.closing)) {
    expect(svg.attrs["role"]).toBe("img");
    const labelledBy = (svg.attrs["aria-labelledby"] ?? "").split(" ");
    expect(labelledBy).toHaveLength(2);
    for (const id of labelledBy) expect(ids.has(id), `missing #${id}`).toBe(true);
  }
  // Every chart is followed by a table with the same numbers.
  // (Tables sit in a scroll wrapper so wide ones scroll instead of squeezing their columns.)
  for (const m of html.matchAll(/<\/figure>\s*(?:<div class="table-wrap(?: wide)?">\s*)?(<[a-z]+)/g)) expect(m[1]).toBe("<table");
  expect(html).toMatch(/<meta name="viewport"/);
}

describe("the HTML checks themselves", () => {
  const good = renderPersonHtml(alicePersonReport());
  it.each([
    ["an injected image", "<p><img src=x onerror=alert(1)></p>"],
    ["an unquoted javascript: link", "<p><a href=javascript:alert(1)>x</a></p>"],
    ["a javascript: link", '<p><a href="javascript:alert(1)">x</a></p>'],
    ["an event handler", '<p onclick="x">y</p>'],
    ["a remote stylesheet", '<link rel="stylesheet" href="https://cdn.example/x.css">'],
    ["a remote image in a chart", '<svg role="img"><image href="https://evil.example/x.png"/></svg>'],
  ])("catch %s", (_, injected) => {
    expect(() => expectSafeSelfContained(good.replace("<main>", `<main>${injected}`))).toThrow();
  });

  it("catch headings out of order and a chart without its table", () => {
    expect(() => expectAccessible(good.replace("<main>", "<main><h4>skipped</h4>"))).toThrow();
    expect(() => expectAccessible(good.replace("</figure>", "</figure><p>no table</p>"))).toThrow();
  });
});

describe("HTML colours", () => {
  it("has text at least 4.5:1 and chart colours at least 3:1 against white", () => {
    for (const c of [TEXT_COLOR, MUTED_COLOR, LINK_COLOR]) expect(contrast(c, "#ffffff")).toBeGreaterThanOrEqual(4.5);
    for (const c of [...Object.values(DEPTH_COLORS), ...PALETTE]) expect(contrast(c, "#ffffff")).toBeGreaterThanOrEqual(3);
  });

  it("uses no text colour in its stylesheet below 4.5:1 against the tinted backgrounds text sits on", () => {
    const css = renderPersonHtml(alicePersonReport()).match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? "";
    const colours = [...css.matchAll(/(?<![-\w])color:\s*(#[0-9a-fA-F]{6})/g)].map((m) => m[1]!);
    expect(colours.length).toBeGreaterThan(5);
    // Text sits on white, #f6f8fa (table heads, notes, code) or #fff5f5 (disputes); white is the easiest of the three.
    for (const c of colours) {
      expect(contrast(c, "#f6f8fa"), c).toBeGreaterThanOrEqual(4.5);
      expect(contrast(c, "#fff5f5"), c).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe("renderPersonHtml", () => {
  const html = renderPersonHtml(alicePersonReport());

  it("is one safe, self-contained, accessible page", () => {
    expectSafeSelfContained(html);
    expectAccessible(html);
  });

  it("has every section", () => {
    const h2 = [...html.matchAll(/<h2 id="[^"]+">([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(h2).toEqual([
      "Summary",
      "Evidence by rubric category",
      "In their own words, and from peers",
      "Compounding or trap",
      "Compared with the previous period",
      "Repositories covered",
      "How to read this report",
    ]);
    expect(html).toContain("<title>Glue-work evidence: Alice Example, 2026 Q3</title>");
  });

  it("shows the summary and each item in the evidence formula, linking only to the work", () => {
    expect(html).toContain("<li>Fixed the flaky <code><bdi>test</bdi></code> job: failures 12% → 2% over 140 runs</li>");
    expect(html).toContain('<h4><a href="https://github.com/acme/api/pull/412#pullrequestreview-9001" rel="noopener noreferrer"><bdi>Rework payment retry logic</bdi></a></h4>');
    expect(html).toContain("<dt>Friction before</dt><dd><bdi>A retry storm double-charged customers during the July outage.</bdi></dd>");
    expect(html).toContain("<dt>Who benefited</dt><dd><bdi>payments team</bdi>, <bdi>customers</bdi></dd>");
    expect(html).toContain('<span class="corroborated">endorsed by a teammate</span>');
    expect(html).toMatch(/<div class="dispute"><strong>Disputed<\/strong> by <span class="login">@<bdi>alice<\/bdi><\/span>, 2026-09-15: “<bdi>That was the on-call rotation, not me.<\/bdi>”<\/div>/);
    expect(html).toContain('<span class="self-reported">self-reported</span>');
    expect(html).not.toContain(SECRET_TITLE);
    expect(html).not.toContain("acme/secret");
  });

  it("draws the period comparison as a chart with a title, a description and a table", () => {
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-comparison-title chart-comparison-desc"');
    expect(html).toContain('<title id="chart-comparison-title">Glue work per rubric category: 2026 Q3 and 2026 Q2</title>');
    expect(html).toContain("Raises quality and unblocks teammates: 5 in 2026 Q3, 3 in 2026 Q2");
    expect(html).toContain('<caption>By rubric category</caption>');
  });

  it("is a clear, kind page for someone with nothing detected", () => {
    const empty = renderPersonHtml(buildPersonReport(personInput({ contributions: [], previousContributions: [], annotations: [] })));
    expectSafeSelfContained(empty);
    expectAccessible(empty);
    expect(empty).toContain("Unsung found no glue work for Alice Example in 2026 Q3");
    expect(empty).toContain("That doesn&#39;t mean there wasn&#39;t any.");
    expect(empty).toContain("No data for the previous period (2026 Q2).");
    expect(empty).not.toContain("<svg");
  });
});

describe("renderTeamHtml", () => {
  const html = renderTeamHtml(teamReport());

  it("is one safe, self-contained, accessible page", () => {
    expectSafeSelfContained(html);
    expectAccessible(html);
  });

  it("draws depth per reviewer, spread per kind and work per month, each with its table", () => {
    for (const id of ["chart-depth", "chart-distribution", "chart-months"]) {
      expect(html).toContain(`aria-labelledby="${id}-title ${id}-desc"`);
    }
    expect(html).toContain("<desc id=\"chart-depth-desc\">@alice: 1 rubber-stamp, 2 light, 1 substantive, 1 deep;");
    expect(html).toContain("<desc id=\"chart-months-desc\">Jul 2026: 6; Aug 2026: 6; Sep 2026: 5</desc>");
    expect(html).toContain("<caption>Review depth and load per reviewer</caption>");
    expect(html).toContain("<caption>Concentration per kind of glue work</caption>");
    expect(html).toContain("<caption>Glue work per month and kind</caption>");
    // Segments carry their exact value for mouse users too.
    expect(html).toContain("<title>@bob: substantive 1</title>");
  });

  it("lists people alphabetically and says it is not a ranking", () => {
    const rowHeaders = [...html.matchAll(/<tr><th scope="row"><span class="login">@<bdi>([^<]+)<\/bdi><\/span><\/th>/g)].map((m) => m[1]);
    expect(rowHeaders.slice(0, 4)).toEqual(["alice", "bob", "Carol", "dave"]);
    expect(html).toContain('<p class="note">People are listed alphabetically. This is not a ranking.</p>');
    expect(html).toContain("<strong>Possible hero bottleneck in flaky-test fixes.</strong>");
    expect(html).toContain('<h2 id="how-computed">How these numbers are computed</h2>');
  });

  it("renders a team with nothing recorded", () => {
    const empty = renderTeamHtml(buildTeamReport(teamInput({ contributions: [], previousContributions: [] })));
    expectSafeSelfContained(empty);
    expectAccessible(empty);
    expect(empty).toContain("No reviews recorded this period.");
  });
});

describe("HTML with hostile text", () => {
  const { person, team } = hostileInputs();
  const pages = [renderPersonHtml(buildPersonReport(person)), renderTeamHtml(buildTeamReport(team))];

  it.each([0, 1])("escapes everything and stays self-contained (page %i)", (i) => {
    const html = pages[i]!;
    expectSafeSelfContained(html);
    expectAccessible(html);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/href="data:/i);
    expect(html).not.toContain("\u202E");
    expect(html).not.toContain("A".repeat(2001));
    expect(html).toContain("evil&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  });

  it("shows hostile titles as text, without their javascript: link", () => {
    const html = pages[0]!;
    expect(html).toContain("<h4><bdi>&lt;script&gt;alert(1)&lt;/script&gt; [click me](https://evil.example/phish) invoicegnp.exe</bdi></h4>");
    expect(html).toContain('<a href="https://github.com/acme/web/pull/1" rel="noopener noreferrer"><bdi>ok</bdi></a>');
    expect(html).toContain("<code><bdi>`x` ](https://evil.example) &lt;b&gt;</bdi></code>");
    expect(html).toContain("<title>Glue-work evidence: &lt;script&gt;alert(1)&lt;/script&gt;invoicegnp.exe, 2026 Q3</title>");
  });
});

describe("HTML layout", () => {
  it("tables scroll sideways instead of squeezing a column to one letter per line", () => {
    const html = renderTeamHtml(teamReport());
    // The page lets long words in prose break anywhere; table cells must not inherit that.
    expect(html).toMatch(/th, td \{[^}]*overflow-wrap: normal;[^}]*word-break: normal;/);
    expect(html).toContain('th[scope="row"] { white-space: nowrap;');
    expect(html).toContain(".table-wrap { overflow-x: auto;");
    const tables = html.match(/<table>/g)?.length ?? 0;
    expect(tables).toBeGreaterThan(0);
    expect(html.match(/<div class="table-wrap( wide)?">\n<table>/g)?.length).toBe(tables);
    // Tables with many columns get smaller type in print.
    expect(html).toContain('<div class="table-wrap wide">');
    expect(html).toMatch(/@media print \{[\s\S]*\.table-wrap\.wide table \{ font-size: 7pt; \}/);
    // In print, nothing scrolls: tables get smaller type instead.
    expect(html).toMatch(/@media print \{[\s\S]*\.table-wrap \{ overflow: visible; \}/);
  });

  it("labels a partly recorded previous period in the comparison table", () => {
    const june = Array.from({ length: 12 }, (_, i) =>
      contribution({ kind: "docs", number: 5000 + i, score: 40, occurredAt: "2026-06-20T10:00:00Z" }),
    );
    const html = renderPersonHtml(buildPersonReport(personInput({ previousContributions: june, recordsBegin: "2026-06-01T00:00:00Z" })));
    expect(html).toContain(">2026 Q2 (from 2026-06-01)</th>");
    expect(html).toContain(">Change (per day)</th>");
    expect(html).toContain("covers only 30 of 91 days");
  });
});
