/**
 * Every GraphQL document the app sends, validated against GitHub's published
 * schema (@octokit/graphql-schema): a field GitHub renamed or removed, a
 * wrong argument or type fails here rather than in production.
 */
import { schema as githubSchema } from "@octokit/graphql-schema";
import { buildSchema, parse, validate, type GraphQLSchema } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BACKFILL_ACTIVITY,
  BACKFILL_CONFIG,
  BACKFILL_REPOSITORY,
  OVERFLOW_BATCH,
  OVERFLOW_KINDS,
  overflowQuery,
} from "../../src/github/backfill-queries.js";
import * as queries from "../../src/github/queries.js";

let schema: GraphQLSchema;
beforeAll(() => {
  // The SDL (newer than the package's introspection JSON) defines two enterprise fields twice;
  // that one flaw is let through, every document is still validated in full.
  schema = buildSchema(githubSchema.idl, { assumeValidSDL: true });
});

const errorsOf = (doc: string) => validate(schema, parse(doc)).map((e) => e.message);

describe("GraphQL documents against GitHub's schema", () => {
  it("every query in src/github/queries.ts is valid", () => {
    const docs = Object.entries(queries).filter(([, v]) => typeof v === "string");
    expect(docs.length).toBeGreaterThan(0);
    for (const [name, doc] of docs) expect(errorsOf(doc as string), name).toEqual([]);
  });

  it.each([
    ["BACKFILL_REPOSITORY", BACKFILL_REPOSITORY],
    ["BACKFILL_CONFIG", BACKFILL_CONFIG],
    ["BACKFILL_ACTIVITY", BACKFILL_ACTIVITY],
  ])("%s is valid", (_name, doc) => {
    expect(errorsOf(doc)).toEqual([]);
  });

  it.each(OVERFLOW_KINDS)("an overflow page of %s is valid", (kind) => {
    expect(errorsOf(overflowQuery([{ nodeId: "N", kind, after: "C" }]).query)).toEqual([]);
  });

  it("a full batch mixing every kind is one valid document", () => {
    const requests = Array.from({ length: OVERFLOW_BATCH }, (_, i) => ({ nodeId: `N${i}`, kind: OVERFLOW_KINDS[i % OVERFLOW_KINDS.length]!, after: `C${i}` }));
    const { query, variables } = overflowQuery(requests);
    expect(errorsOf(query)).toEqual([]);
    expect(Object.keys(variables)).toHaveLength(2 * OVERFLOW_BATCH);
  });

  it("the check rejects what GitHub would reject (it is not vacuous)", () => {
    expect(errorsOf("query { repository(owner: \"o\", name: \"r\") { pullRequests(first: 1) { nodes { noSuchField } } } }")).not.toEqual([]);
    expect(errorsOf("query { repository(owner: \"o\") { id } }")).not.toEqual([]);
  });
});
