/**
 * Answers to slash commands, as Markdown replies. Pure. A command that worked
 * gets a reaction, not a reply; `/unsung help` gets the list of commands;
 * anything refused gets one short reply that says why and how to fix it.
 * Nothing the commenter wrote is echoed except a login, made inert (no mention).
 */
import type { Refusal } from "../core/commands/refusal.js";
import { inertMarkdown } from "./render-pr-comment.js";

/** Marks the app's replies (hidden), so they are recognised as answers. */
export const ANSWER_MARKER = "<!-- unsung:command-answer -->";

export const COMMANDS: readonly { usage: string; example: string; meaning: string }[] = [
  { usage: "/unsung note <text>", example: "/unsung note I wrote the rollback plan for this migration.", meaning: "Annotate your own record here." },
  { usage: "/unsung claim <link> <text>", example: "/unsung claim https://github.com/OWNER/REPO/pull/42 I paired on the retry logic.", meaning: "Claim glue work Unsung missed." },
  { usage: "/unsung dispute <link> <text>", example: "/unsung dispute https://github.com/OWNER/REPO/pull/42 That review was a quick look, not a deep one.", meaning: "Dispute an item credited to you." },
  { usage: "/unsung endorse @login <text>", example: "/unsung endorse @teammate Their review caught the race in the refund path.", meaning: "Endorse a teammate's glue work." },
  { usage: "/unsung log <text>", example: "/unsung log Ran the incident retro for the March outage.", meaning: "Log glue work done off GitHub." },
  { usage: "/unsung opt-out", example: "/unsung opt-out", meaning: "Stop any record about you and erase what is recorded." },
  { usage: "/unsung opt-in", example: "/unsung opt-in", meaning: "Resume the record about you." },
  { usage: "/unsung help", example: "/unsung help", meaning: "This list." },
];

export function renderHelp(): string {
  const lines = [ANSWER_MARKER, "**Unsung commands** — one per comment, on its first line:", ""];
  for (const c of COMMANDS) lines.push(`- \`${c.usage}\` — ${c.meaning} Example: \`${c.example}\``);
  lines.push("", "A command that worked gets a 👍 reaction; anything else gets a reply saying why.");
  return lines.join("\n") + "\n";
}

const USAGE_OF: Record<string, string> = Object.fromEntries(COMMANDS.map((c) => [c.usage.split(" ")[1]!, c.usage]));

/** One short reply: what went wrong, and how to fix it. */
export function renderRefusal(r: Refusal): string {
  return `${ANSWER_MARKER}\n${refusalSentence(r)}\n`;
}

function refusalSentence(r: Refusal): string {
  switch (r.reason) {
    case "malformed": {
      const usage = USAGE_OF[r.verb] ? `\`${USAGE_OF[r.verb]}\`` : null;
      switch (r.problem) {
        case "unknown-command":
          return `Unsung does not know that command. Write \`/unsung help\` to see every command with an example.`;
        case "missing-verb":
          return "That command has no name. Write `/unsung help` to see every command with an example.";
        case "missing-text":
          return `That command needs some text after it: ${usage ?? "`/unsung note <text>`"}.`;
        case "missing-link":
          return `That command needs a link (https://…) first, then a sentence: ${usage ?? "`/unsung claim <link> <text>`"}.`;
        case "missing-sentence":
          return `That command needs a sentence saying what was done: ${usage ?? "`/unsung endorse @login <text>`"}.`;
        case "missing-login":
          return "An endorsement names the teammate first: `/unsung endorse @login <what they did>`.";
      }
      return "Unsung could not read that command. Write `/unsung help` to see every command.";
    }
    case "self-endorsement":
      return "You cannot endorse yourself. To add to your own record, write `/unsung note <text>` instead.";
    case "unknown-person":
      return `Unsung has no record of ${inertMarkdown(r.login.replace(/^@/, ""), 40)} in this organisation. Check the spelling of the login, then edit your comment.`;
    case "not-yours":
      return "That item is not credited to you: only the person credited can dispute it. To say something about a teammate's work, use `/unsung endorse @login <text>`.";
    case "no-access":
      return "That link points into a repository you cannot read, so Unsung did not record it. Link to something in a repository you have access to, then edit your comment.";
    case "access-unchecked":
      return "Unsung could not check with GitHub that you can read the repository that link points into, so it did not record it. Try again later by editing your comment.";
  }
}
