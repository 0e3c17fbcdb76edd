/**
 * The issues a pull request's description closes ("Fixes #12", "resolves:
 * #7"), by number: at most 20, from the first 50,000 characters. Pure.
 */
const CLOSING = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d{1,7})\b/gi;

export function closingIssueNumbers(body: string): number[] {
  return [...new Set([...body.slice(0, 50_000).matchAll(CLOSING)].map((m) => Number(m[1])))].slice(0, 20);
}
