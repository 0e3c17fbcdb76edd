/** Answering one command twice at once (a job that ran twice) replies once. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerCommand, type AnswerJob } from "../../src/services/answer-command.js";
import { FAKE_APP, nockedClient, useFakeGitHubComments } from "../helpers/fake-github-comments.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const INSTALLATION = 98_100_001;
const REPO = 98_200_001;
let database: TestDatabase;
const deps = () => ({ db: database.db, clients: async () => nockedClient(), now: () => new Date(), writes: { spacingMs: 0, appId: FAKE_APP.id } });

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db
    .insertInto("repositories")
    .values({ id: REPO, installation_id: INSTALLATION, owner_login: "acme", name: "api", full_name: "acme/api", private: false, default_branch: "main", html_url: "https://github.com/acme/api", archived: false, removed_at: null, updated_at: "2026-01-01T00:00:00Z" })
    .execute();
});
afterAll(async () => {
  await database?.drop();
});
const fake = useFakeGitHubComments();

describe("answerCommand", () => {
  it("two answers of one command at once: one reply, the other waits and then finds it answered", async () => {
    const job: AnswerJob = { installationId: INSTALLATION, repositoryId: REPO, commentId: 42, issueNumber: 5, answer: { kind: "help" } };
    fake.writeDelayMs = 300;
    try {
      const outcomes = await Promise.all([answerCommand(deps(), job), answerCommand(deps(), job)]);
      expect(outcomes.sort()).toEqual(["busy", "replied"]);
    } finally {
      fake.writeDelayMs = 0;
    }
    expect(fake.repliesOn("acme/api#5")).toHaveLength(1);
    expect(await answerCommand(deps(), job)).toBe("unchanged");
    // A changed answer (the command was edited into a refusal) edits the one reply.
    expect(await answerCommand(deps(), { ...job, answer: { kind: "refuse", refusal: { reason: "self-endorsement" } } })).toBe("reply-edited");
    expect(fake.repliesOn("acme/api#5")).toEqual([expect.objectContaining({ body: expect.stringContaining("cannot endorse yourself") })]);
    expect(fake.writes.filter((w) => w.startsWith("POST"))).toHaveLength(1);
  });

  it("a reaction on a comment deleted meanwhile is given up quietly", async () => {
    fake.faults.push({ status: 404, message: "Not Found" });
    expect(await answerCommand(deps(), { installationId: INSTALLATION, repositoryId: REPO, commentId: 43, issueNumber: 5, answer: { kind: "react", content: "+1" } })).toBe("gone");
    expect(fake.reactions).toEqual([]);
  });
});
