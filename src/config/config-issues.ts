/**
 * The problems found in `.github/unsung.yml` (ConfigIssue), and the Markdown a bot
 * posts about them on the pull request that changes the file. User-controlled text
 * is neutralised here (no mentions, HTML or links).
 */

/** A problem with the file: where, what is wrong, and what is expected. */
export interface ConfigIssue {
  severity: "error" | "warning";
  /** Dotted path to the setting ("bots.logins[2]"); "" for the file as a whole. */
  path: string;
  /** 1-based line and column, when known. */
  line: number | null;
  column: number | null;
  /** What is wrong, in words. */
  message: string;
  /** What is expected there (the field's documentation), when known. */
  expected: string | null;
}

/** Text safe to put in Markdown posted by a bot: no mentions, no HTML, no links, one line. */
function safeText(s: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").slice(0, max);
  return clean
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@/g, "@\u200b")
    .replace(/([\\[\]*_~|#!])/g, "\\$1");
}

/** Text for inside a code span: no backticks, one line. */
function codeText(s: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").replace(/`/g, "'");
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Inline code-span content (backticks in messages stay code). */
function safeMessage(s: string): string {
  return s
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith("`") && part.endsWith("`") && part.length >= 2 ? `\`${codeText(part.slice(1, -1))}\`` : safeText(part)))
    .join("");
}

/**
 * Markdown a bot can post on a pull request that changes `.github/unsung.yml`:
 * each problem with its path, line, what is wrong and what is expected.
 * User-controlled text is neutralised (no mentions, HTML or links).
 */
export function formatConfigIssues(issues: readonly ConfigIssue[], file = ".github/unsung.yml"): string {
  if (issues.length === 0) return `**Unsung:** \`${codeText(file)}\` is valid.`;
  const errors = issues.filter((i) => i.severity === "error");
  const warnings = issues.filter((i) => i.severity !== "error");
  const counts = [errors.length > 0 ? `${errors.length} ${errors.length === 1 ? "error" : "errors"}` : "", warnings.length > 0 ? `${warnings.length} ${warnings.length === 1 ? "warning" : "warnings"}` : ""]
    .filter(Boolean)
    .join(" and ");
  const out: string[] = [`### Unsung: \`${codeText(file)}\` has ${counts}`, ""];
  const item = (i: ConfigIssue): string => {
    const where = i.path.length > 0 ? `\`${codeText(i.path)}\`` : "The file";
    const line = i.line !== null ? ` (line ${i.line}${i.column !== null ? `, column ${i.column}` : ""})` : "";
    const expected = i.expected ? `\n  Expected: ${safeMessage(i.expected)}` : "";
    return `- **${where}**${line}: ${safeMessage(i.message)}${expected}`;
  };
  if (errors.length > 0) {
    out.push("**Errors** — the file is not used until they are fixed; the organisation's settings or the defaults apply meanwhile:", "");
    for (const e of errors.slice(0, 50)) out.push(item(e));
    if (errors.length > 50) out.push(`- … and ${errors.length - 50} more.`);
    out.push("");
  }
  if (warnings.length > 0) {
    out.push("**Warnings** — the rest of the file is used:", "");
    for (const w of warnings.slice(0, 50)) out.push(item(w));
    if (warnings.length > 50) out.push(`- … and ${warnings.length - 50} more.`);
    out.push("");
  }
  return out.join("\n").trimEnd() + "\n";
}
