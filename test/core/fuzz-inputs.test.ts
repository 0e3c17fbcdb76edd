/**
 * Property-based tests of the pure input paths: webhook payloads through
 * normalisation, slash-command text, `.github/unsung.yml` and CLI arguments.
 * Whatever comes in — fields missing, null or of the wrong type, extra fields,
 * huge strings, unicode — each either works or fails with its own clear error;
 * nothing else is thrown. Bounded runs with a fixed seed (test/helpers/fuzz.ts).
 */
import { PassThrough } from "node:stream";
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { dateFlag, intFlag, parse } from "../../src/cli/args.js";
import { UsageError } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { parseRepoConfig } from "../../src/config/repo-config.js";
import { MAX_TEXT, parseCommand } from "../../src/core/commands/parse-command.js";
import { MalformedPayloadError, normaliseDelivery } from "../../src/github/normalise-delivery.js";
import { examplesOf, SUBSCRIBED_EVENTS } from "../helpers/examples.js";
import { anyValue, fuzz, mutatedPayload, nastyString } from "../helpers/fuzz.js";

const bases = SUBSCRIBED_EVENTS.flatMap((event) => examplesOf(event).map((payload) => ({ event, payload })));

/** Normalises, and says how it ended: facts, or a MalformedPayloadError (anything else propagates and fails the property). */
function normalise(event: string, payload: unknown): "facts" | "malformed" {
  try {
    const batch = normaliseDelivery({ id: "fuzz", event, payload, receivedAt: "2026-12-06T00:00:00Z" });
    // What it returns must be storable: JSON-serialisable, no NUL in text (PostgreSQL refuses it).
    expect(JSON.stringify(batch)).not.toContain("\\u0000");
    return "facts";
  } catch (err) {
    if (err instanceof MalformedPayloadError) {
      expect(err.message.length).toBeGreaterThan(0);
      expect(err.message.length).toBeLessThan(1000);
      return "malformed";
    }
    throw err;
  }
}

describe("webhook payloads through normalisation", () => {
  it("real payloads with fields missing, null, of the wrong type or extra: facts or a MalformedPayloadError", () => {
    expect(bases.length).toBeGreaterThan(30);
    const outcomes = { facts: 0, malformed: 0 };
    fc.assert(
      fc.property(
        fc.nat({ max: bases.length - 1 }).chain((i) => mutatedPayload(bases[i]!.payload).map((p) => ({ event: bases[i]!.event, payload: p }))),
        ({ event, payload }) => {
          outcomes[normalise(event, payload)]++;
        },
      ),
      fuzz(400),
    );
    // The generator reaches both ends: payloads still usable, and ones that are not.
    expect(outcomes.facts).toBeGreaterThan(0);
    expect(outcomes.malformed).toBeGreaterThan(0);
  });

  it("anything at all as a payload, for every event", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SUBSCRIBED_EVENTS, "repository", "member", "membership", "unknown_event"), anyValue, (event, payload) => {
        normalise(event, payload);
      }),
      fuzz(300),
    );
  });
});

describe("slash-command text", () => {
  const verbs = fc.constantFrom("note", "claim", "dispute", "endorse", "log", "opt-out", "opt-in", "NOTE", "bogus", "");
  const body = fc.oneof(
    nastyString,
    fc.tuple(fc.constantFrom("/unsung", "/UNSUNG", "  /unsung", "\n/unsung"), verbs, nastyString, nastyString).map(([s, v, a, b]) => `${s} ${v} ${a} ${b}`),
    fc.tuple(verbs, fc.webUrl(), nastyString).map(([v, u, t]) => `/unsung ${v} ${u} ${t}`),
  );

  it("parses to a command, a usage error in words, or not-a-command; never throws", () => {
    fc.assert(
      fc.property(body, (text) => {
        const r = parseCommand(text);
        if (r.ok) {
          const c = r.command as { text?: string; link?: string; login?: string };
          if (c.text !== undefined) expect(c.text.length).toBeLessThanOrEqual(MAX_TEXT + 1);
          if (c.link !== undefined) expect(c.link).toMatch(/^https?:\/\//);
          if (c.login !== undefined) expect(c.login).toMatch(/^[a-z\d][a-z\d-]{0,38}$/i);
        } else if (r.error !== null) {
          expect(r.error).toContain("/unsung");
        }
      }),
      fuzz(1000),
    );
  });
});

describe("configuration files", () => {
  const VALID = { version: 1, bots: { logins: ["renovate"] }, paths: { docs: ["docs/**"] }, reports: { ranking: false } };

  it("any text: a config, or errors with a message; never throws", () => {
    fc.assert(
      fc.property(fc.oneof(nastyString, fc.constantFrom("a: &a [*a]", "- - - -", "{", "version: 1\nversion: 2", "!!binary x", "a: !!js/function f"), fc.jsonValue().map((v) => stringify(v))), (text) => {
        const r = parseRepoConfig(text);
        if (r.config === null) {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      fuzz(500),
    );
  });

  it("a valid config with fields missing, null, of the wrong type or extra: never half-accepted", () => {
    fc.assert(
      fc.property(mutatedPayload(VALID), (cfg) => {
        const r = parseRepoConfig(stringify(cfg));
        // Either the whole file is accepted, or none of it is (no config with errors).
        if (r.errors.length) expect(r.config).toBeNull();
        else expect(r.config).not.toBeNull();
      }),
      fuzz(400),
    );
  });
});

describe("CLI arguments", () => {
  const arg = fc.oneof(nastyString, fc.constantFrom("--help", "--json", "--limit", "--id", "--failed", "--pending", "--repo", "--since", "--until", "--person", "--dry-run", "-h", "--", "-", "--limit=0", "--since=2026-02-30"));

  it("parse, intFlag and dateFlag: values or a UsageError", () => {
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 6 }), nastyString, (args, value) => {
        for (const f of [
          () => parse(args, { limit: { type: "string" }, json: { type: "boolean" }, id: { type: "string", multiple: true } }, true),
          () => intFlag(value, "limit", 50, 1, 10_000),
          () => dateFlag(value, "since"),
        ]) {
          try {
            f();
          } catch (err) {
            expect(err).toBeInstanceOf(UsageError);
          }
        }
      }),
      fuzz(500),
    );
  });

  it("unsung <command> <anything>: exits 0, 1 or 2 with a message; never throws", async () => {
    const commands = ["deliveries", "jobs", "reprocess", "rescore", "report", "stats", "purge", "backfill", "classify", "score-reviews", "migrate", "replay", "nonsense", "", "--help"];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...commands), fc.array(arg, { maxLength: 5 }), async (command, args) => {
        const out: string[] = [];
        const err: string[] = [];
        const sink = (to: string[]) => ({ write: (s: string) => (to.push(String(s)), true) });
        const stdin = new PassThrough();
        stdin.end();
        // A database that refuses at once: a command whose flags pass fails fast (exit 1) instead of opening one.
        const code = await main(command ? [command, ...args] : args, {
          stdin,
          stdout: sink(out) as never,
          stderr: sink(err) as never,
          env: { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none", PATH: process.env.PATH },
          cwd: "/nonexistent-unsung-fuzz",
        });
        expect([0, 1, 2]).toContain(code);
        if (code !== 0) expect(err.join("").trim().length).toBeGreaterThan(0);
      }),
      fuzz(150),
    );
  });
});
