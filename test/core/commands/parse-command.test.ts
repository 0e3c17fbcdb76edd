import { describe, expect, it } from "vitest";
import { MAX_TEXT, parseCommand } from "../../../src/core/commands/parse-command.js";

describe("parseCommand", () => {
  it.each([
    ["/unsung note Ran the incident review for the outage.", { kind: "note", text: "Ran the incident review for the outage." }],
    ["/unsung log Mentored two interns through their first on-call week", { kind: "log", text: "Mentored two interns through their first on-call week" }],
    ["/unsung claim https://github.com/o/r/pull/7 I rewrote the flaky test", { kind: "claim", link: "https://github.com/o/r/pull/7", text: "I rewrote the flaky test" }],
    ["/unsung dispute https://github.com/o/r/pull/8 That review was not mine", { kind: "dispute", link: "https://github.com/o/r/pull/8", text: "That review was not mine" }],
    ["/unsung endorse @mona-lisa Unblocked the release on Friday", { kind: "endorse", login: "mona-lisa", text: "Unblocked the release on Friday" }],
    ["/unsung endorse mona Unblocked the release", { kind: "endorse", login: "mona", text: "Unblocked the release" }],
    ["/unsung opt-out", { kind: "opt-out" }],
    ["/unsung optout", { kind: "opt-out" }],
    ["/unsung opt-in", { kind: "opt-in" }],
    ["  \n/UNSUNG NOTE Upper case works", { kind: "note", text: "Upper case works" }],
    ["/unsung note first line\nand the second line", { kind: "note", text: "first line\nand the second line" }],
  ] as const)("parses %j", (body, command) => {
    expect(parseCommand(body)).toEqual({ ok: true, command });
  });

  it.each([
    "Thanks, /unsung note is not at the start",
    "",
    "   ",
    "/unsungnote glued to the verb",
    "/unsung-note hyphenated",
    "> /unsung note quoted",
  ])("%j is not a command at all", (body) => {
    expect(parseCommand(body)).toEqual({ ok: false, error: null });
  });

  it.each([
    ["/unsung", /^Usage:/],
    ["/unsung frobnicate the thing", /^Unknown command `frobnicate`/],
    ["/unsung note", /needs some text/],
    ["/unsung note \u202e\u0007  ", /needs some text/],
    ["/unsung claim I did it", /needs a link/],
    ["/unsung claim", /needs a link/],
    ["/unsung dispute javascript:alert(1) not mine", /needs a link/],
    ["/unsung claim data:text/html,<script>alert(1)</script> mine", /needs a link/],
    ["/unsung claim ftp://example.com/x mine", /needs a link/],
    ["/unsung claim https://example.com/x", /needs a sentence after the link/],
    ["/unsung endorse", /needs a @login/],
    ["/unsung endorse @-bad- nice work", /needs a @login/],
    ["/unsung endorse @<script> nice work", /needs a @login/],
    ["/unsung endorse @mona", /needs a sentence/],
    [`/unsung claim https://example.com/${"a".repeat(2_100)} too long a link`, /needs a link/],
  ])("%j is a malformed command", (body, error) => {
    const r = parseCommand(body);
    expect(r.ok).toBe(false);
    expect(r.ok ? null : r.error).toMatch(error);
  });

  it("caps an unknown verb in its error message", () => {
    const r = parseCommand(`/unsung ${"x".repeat(5_000)}`);
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.error).toContain("`" + "x".repeat(40) + "`");
    expect((r.ok ? "" : r.error)!.length).toBeLessThan(400);
  });

  it("cuts an oversized text to MAX_TEXT and removes control and bidi-override characters", () => {
    const r = parseCommand(`/unsung note \u202eevil\u202c <b>bold</b>\u0000 ${"word ".repeat(300_000)}`);
    expect(r.ok).toBe(true);
    if (!r.ok || r.command.kind !== "note") throw new Error("expected a note");
    expect(r.command.text.length).toBe(MAX_TEXT);
    expect(r.command.text.startsWith("evil <b>bold</b> word word")).toBe(true);
    expect(r.command.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
  });

  it("stores a link in its normalised form, so invisible or bidi characters cannot disguise it", () => {
    const r = parseCommand("/unsung claim https://example.com/pull/1\u202e7 I fixed it");
    expect(r).toEqual({ ok: true, command: { kind: "claim", link: "https://example.com/pull/1%E2%80%AE7", text: "I fixed it" } });
  });
});
