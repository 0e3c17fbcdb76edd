import { describe, expect, it } from "vitest";
import { cleanInline, cleanText, csvCell, csvRow, escapeHtml, escapeMarkdown, markdownCode, markdownLink, safeUrl } from "../../src/render/escape.js";

describe("safeUrl", () => {
  it.each([
    ["https://github.com/acme/api/pull/1", "https://github.com/acme/api/pull/1"],
    ["http://ci.example/job/1", "http://ci.example/job/1"],
    ["  https://github.com/a/b  ", "https://github.com/a/b"],
    ['https://x.example/a"b<c>', "https://x.example/a%22b%3Cc%3E"],
  ])("keeps %j as %j", (input, expected) => {
    expect(safeUrl(input)).toBe(expected);
  });

  it.each([
    "javascript:alert(1)",
    " JAVASCRIPT:alert(1)",
    "java\tscript:alert(1)",
    "\u202Ejavascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "/relative/path",
    "https://user:secret@evil.example/",
    "not a url",
    "",
    `https://x.example/${"a".repeat(3000)}`,
  ])("drops %j", (input) => {
    expect(safeUrl(input)).toBeNull();
  });

  it("drops non-strings", () => {
    expect(safeUrl(null)).toBeNull();
    expect(safeUrl(42)).toBeNull();
  });
});

describe("cleanText", () => {
  it("removes direction overrides and control characters", () => {
    expect(cleanText("invoice\u202Egnp.exe")).toBe("invoicegnp.exe");
    expect(cleanText("a\u2066b\u2069c\u200Fd")).toBe("abcd");
    expect(cleanText("a\u0000b\u001bc\u007f")).toBe("abc");
  });

  it("cuts long text without splitting a surrogate pair", () => {
    expect(cleanText("x".repeat(10), 5)).toBe("xxxx…");
    expect(cleanText("😀😀😀😀", 3)).toBe("😀😀…");
  });

  it("puts inline text on one line", () => {
    expect(cleanInline("  a\n\nb\r\n c ")).toBe("a b c");
  });
});

describe("escapeHtml", () => {
  it("escapes everything that could open a tag or leave an attribute", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;");
  });
});

describe("escapeMarkdown", () => {
  it.each([
    ["[click](https://evil.example)", "\\[click\\](https\\://evil.example)"],
    ["![img](https://evil.example/x.png)", "!\\[img\\](https\\://evil.example/x.png)"],
    ["<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"],
    ["**bold** _em_ ~~del~~ `code`", "\\*\\*bold\\*\\* \\_em\\_ \\~\\~del\\~\\~ \\`code\\`"],
    ["a | b", "a \\| b"],
    ["@everyone #123", "\\@everyone \\#123"],
    ["see www.evil.example", "see www\\.evil.example"],
    ["&lt;b&gt;", "\\&lt;b\\&gt;"],
    ["back\\slash", "back\\\\slash"],
    ["- not a list", "\\- not a list"],
    ["1. not a list", "1\\. not a list"],
    ["> not a quote", "\\> not a quote"],
    ["line\n# not a heading", "line \\# not a heading"],
  ])("escapes %j", (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it("leaves ordinary text readable", () => {
    expect(escapeMarkdown("Fixed the flaky test (failures 12% → 2%)")).toBe("Fixed the flaky test (failures 12% → 2%)");
  });
});

describe("markdownCode and markdownLink", () => {
  it("fences code with more backticks than it contains", () => {
    expect(markdownCode("test")).toBe("`test`");
    expect(markdownCode("a`b")).toBe("``a`b``");
    expect(markdownCode("`x` ](https://evil)")).toBe("`` `x` ](https://evil) ``");
  });

  it("links only safe URLs and percent-encodes parentheses", () => {
    expect(markdownLink("PR", "https://github.com/a/b/pull/1")).toBe("[PR](https://github.com/a/b/pull/1)");
    expect(markdownLink("x", "https://e.example/a_(b)")).toBe("[x](https://e.example/a_%28b%29)");
    expect(markdownLink("click", "javascript:alert(1)")).toBe("click");
    expect(markdownLink("[a](b)", "https://github.com/")).toBe("[\\[a\\](b)](https://github.com/)");
  });
});

describe("csvCell", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["=1+1", "'=1+1"],
    ["+cmd", "'+cmd"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", "\"'\r=1\""],
    ['=HYPERLINK("https://evil","x")', `"'=HYPERLINK(""https://evil"",""x"")"`],
    ["a=b", "a=b"],
    // Blanks a spreadsheet skips before it evaluates: spaces, NBSP, ideographic space, a BOM.
    ["  =1+1", "'  =1+1"],
    ["\u00A0=cmd|' /C calc'!A0", "'\u00A0=cmd|' /C calc'!A0"],
    ["\u3000+1", "'\u3000+1"],
    ["\uFEFF@SUM(A1)", "'\uFEFF@SUM(A1)"],
    ["\u2003-1", "'\u2003-1"],
    // Full-width and small-form twins, which some spreadsheets fold to ASCII.
    ["＝1+1", "'＝1+1"],
    ["＋1", "'＋1"],
    ["－1", "'－1"],
    ["＠SUM(A1)", "'＠SUM(A1)"],
    ["﹦1", "'﹦1"],
    ["\u22121", "'\u22121"],
    [" \t=1", "' \t=1"],
    ["\n=1", '"\'\n=1"'],
    ["\u202E=1", "'=1"],
    ["a ＝ b", "a ＝ b"],
    ["  plain", "  plain"],
  ])("writes %j as %j", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it("cuts a cell to what spreadsheets can hold", () => {
    const cell = csvCell("x".repeat(40_000));
    expect(cell.length).toBe(32_000);
    expect(cell.endsWith("…")).toBe(true);
  });

  it("writes numbers (negative too), booleans and blanks as they are", () => {
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(0.25)).toBe("0.25");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(null)).toBe("");
    expect(csvRow(["a", 1, null])).toBe("a,1,\r\n");
  });
});
