/**
 * Slash commands in comments → data. Pure. One command per comment, on the
 * first non-empty line:
 *
 *   /unsung note <text>                 annotate your own record here
 *   /unsung claim <url> <text>          claim glue work the app missed
 *   /unsung dispute <url> <text>        dispute an item about you
 *   /unsung endorse @login <text>       endorse a teammate's glue work
 *   /unsung log <text>                  log off-GitHub glue work
 *   /unsung opt-out | opt-in            stop / resume collection about you
 *   /unsung help                        list the commands
 */
export type Command =
  | { kind: "note"; text: string }
  | { kind: "claim"; link: string; text: string }
  | { kind: "dispute"; link: string; text: string }
  | { kind: "endorse"; login: string; text: string }
  | { kind: "log"; text: string }
  | { kind: "opt-out" }
  | { kind: "opt-in" }
  | { kind: "help" };

/** What is wrong with a command, for the answer (which says how to fix it in its own words). */
export type ParseProblem = "unknown-command" | "missing-verb" | "missing-text" | "missing-link" | "missing-sentence" | "missing-login";

export type ParseResult =
  | { ok: true; command: Command }
  | { ok: false; error: string; problem: ParseProblem; verb: string }
  | { ok: false; error: null };

/** Texts longer than this are cut: a note is a note, not a document. */
export const MAX_TEXT = 2_000;

const USAGE =
  "Usage: `/unsung note <text>`, `/unsung claim <url> <text>`, `/unsung dispute <url> <text>`, `/unsung endorse @login <text>`, `/unsung log <text>`, `/unsung opt-out`, `/unsung opt-in`, `/unsung help`.";

/** `{ ok: false, error: null }` means the comment is not a command at all. */
export function parseCommand(body: string): ParseResult {
  const firstLine = body.replace(/^\s+/, "").split(/\r?\n/, 1)[0] ?? "";
  const m = /^\/unsung(?:\s+(\S+))?(?:\s+([\s\S]*))?$/i.exec(firstLine.trim());
  if (!m) return { ok: false, error: null };
  const verb = (m[1] ?? "").toLowerCase();
  // The rest of the first line, plus any following lines, is the text.
  const rest = ((m[2] ?? "") + "\n" + body.replace(/^\s+/, "").split(/\r?\n/).slice(1).join("\n")).trim();
  const text = clean(rest);
  switch (verb) {
    case "note":
    case "log":
      if (!text) return { ok: false, error: `\`/unsung ${verb}\` needs some text. ${USAGE}`, problem: "missing-text", verb };
      return { ok: true, command: { kind: verb, text } };
    case "claim":
    case "dispute": {
      const [given, ...words] = rest.split(/\s+/);
      const link = httpUrl(given ?? "");
      if (!link) return { ok: false, error: `\`/unsung ${verb}\` needs a link (https://…) first. ${USAGE}`, problem: "missing-link", verb };
      const t = clean(words.join(" "));
      if (!t) return { ok: false, error: `\`/unsung ${verb}\` needs a sentence after the link. ${USAGE}`, problem: "missing-sentence", verb };
      return { ok: true, command: { kind: verb, link, text: t } };
    }
    case "endorse": {
      const [who, ...words] = rest.split(/\s+/);
      const login = /^@?([a-z\d](?:[a-z\d-]{0,38}))$/i.exec(who ?? "")?.[1];
      if (!login) return { ok: false, error: `\`/unsung endorse\` needs a @login first. ${USAGE}`, problem: "missing-login", verb };
      const t = clean(words.join(" "));
      if (!t) return { ok: false, error: `\`/unsung endorse\` needs a sentence about what they did. ${USAGE}`, problem: "missing-sentence", verb };
      return { ok: true, command: { kind: "endorse", login, text: t } };
    }
    case "opt-out":
    case "optout":
      return { ok: true, command: { kind: "opt-out" } };
    case "opt-in":
    case "optin":
      return { ok: true, command: { kind: "opt-in" } };
    case "help":
      return { ok: true, command: { kind: "help" } };
    default:
      return verb
        ? { ok: false, error: `Unknown command \`${verb.slice(0, 40)}\`. ${USAGE}`, problem: "unknown-command", verb: verb.slice(0, 40) }
        : { ok: false, error: USAGE, problem: "missing-verb", verb: "" };
  }
}

function clean(s: string): string {
  // Control characters (other than newline/tab) never belong in a note.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "").trim().slice(0, MAX_TEXT);
}

/** The link in its normalised form (invisible and bidi characters percent-encoded), or null if it is not http(s). */
function httpUrl(s: string): string | null {
  if (!s || s.length > 2_000) return null;
  try {
    const u = new URL(s);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}
