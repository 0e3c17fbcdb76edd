/**
 * `Co-authored-by:` trailers → names, emails and, for GitHub noreply
 * addresses, the account they name. Pure.
 */
export interface ParsedTrailer {
  name: string;
  email: string;
  /** From `12345+login@users.noreply.github.com`. */
  noreplyId: number | null;
  /** From `12345+login@users.noreply.github.com` or `login@users.noreply.github.com`. */
  noreplyLogin: string | null;
}

const TRAILER = /^[ \t]*co-authored-by:[ \t]*(.*?)[ \t]*<([^<>\s]+@[^<>\s]+)>[ \t]*$/gim;
const NOREPLY = /^(?:(\d+)\+)?([a-z\d](?:[a-z\d-]{0,38}))@users\.noreply\.github\.com$/i;

/** At most this many trailers per message: a hostile message cannot blow up a row. */
const MAX_TRAILERS = 20;

export function parseCoAuthors(message: string): ParsedTrailer[] {
  const out: ParsedTrailer[] = [];
  const seen = new Set<string>();
  // Only the message's tail can hold trailers; skip scanning huge bodies.
  const text = message.length > 20_000 ? message.slice(-20_000) : message;
  for (const m of text.matchAll(TRAILER)) {
    const email = (m[2] ?? "").toLowerCase();
    if (seen.has(email)) continue;
    seen.add(email);
    const nr = NOREPLY.exec(email);
    out.push({
      name: (m[1] ?? "").slice(0, 200),
      email: email.slice(0, 320),
      noreplyId: nr?.[1] ? Number(nr[1]) : null,
      noreplyLogin: nr?.[2] ?? null,
    });
    if (out.length >= MAX_TRAILERS) break;
  }
  return out;
}
