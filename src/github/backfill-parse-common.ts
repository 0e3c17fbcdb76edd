/**
 * What pull requests and issues both carry in the backfill's answers: actors,
 * issue comments and labels.
 */
import { date, enumStr, id, MAX, obj, optId, optObj, str, text, type Reader } from "./backfill-parse-fields.js";

export interface ActorData {
  login: string;
  /** GitHub's numeric id (databaseId); null when GitHub did not give one. */
  id: number | null;
  /** User, Bot, Organization, Mannequin, … */
  type: string;
}

export interface IssueCommentData {
  id: number;
  author: ActorData | null;
  body: string;
  url: string;
  authorAssociation: string;
  createdAt: string;
  updatedAt: string;
}

export function actor(v: unknown, r: Reader): ActorData | null {
  const a = optObj(v, r);
  if (!a) return null;
  return { login: str(a.login, r.at("login"), 100), id: optId(a.databaseId, r.at("databaseId")), type: typeof a.__typename === "string" ? str(a.__typename, r.at("__typename"), 40) : "User" };
}

export function issueComment(v: unknown, r: Reader): IssueCommentData {
  const n = obj(v, r);
  return {
    id: id(n.fullDatabaseId, r.at("fullDatabaseId")),
    author: actor(n.author, r.at("author")),
    body: text(n.body, r.at("body"), MAX.body),
    url: text(n.url, r.at("url"), MAX.url),
    authorAssociation: enumStr(n.authorAssociation, r.at("authorAssociation")),
    createdAt: date(n.createdAt, r.at("createdAt")),
    updatedAt: date(n.updatedAt, r.at("updatedAt")),
  };
}

export function label(v: unknown, r: Reader): string {
  return str(obj(v, r).name, r.at("name"), MAX.name);
}
