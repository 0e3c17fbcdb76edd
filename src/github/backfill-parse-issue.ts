/** An issue of the backfill's answers and its timeline events and body edits. */
import { actor, issueComment, label, type ActorData, type IssueCommentData } from "./backfill-parse-common.js";
import { connection, date, enumStr, id, int, MAX, obj, optDate, optEnum, optObj, optStr, str, text, type Conn, type Reader } from "./backfill-parse-fields.js";

export interface IssueEventData {
  id: string;
  type: string;
  at: string;
  actor: ActorData | null;
  label: string | null;
  previousTitle: string | null;
}

export interface EditData {
  id: string;
  editedAt: string;
  editor: ActorData | null;
  /** The text after this edit (GitHub's `diff` holds the whole revision). */
  text: string | null;
}

export interface IssueData {
  nodeId: string;
  id: number;
  number: number;
  title: string;
  body: string;
  url: string;
  state: string;
  stateReason: string | null;
  author: ActorData | null;
  authorAssociation: string;
  createdAt: string;
  closedAt: string | null;
  updatedAt: string;
  labels: Conn<string>;
  comments: Conn<IssueCommentData>;
  events: Conn<IssueEventData>;
  edits: Conn<EditData>;
}

const EVENT_TYPES = new Set(["LabeledEvent", "UnlabeledEvent", "ClosedEvent", "ReopenedEvent", "MarkedAsDuplicateEvent", "AssignedEvent", "TransferredEvent", "RenamedTitleEvent"]);

export function issueEvent(v: unknown, r: Reader): IssueEventData | null {
  const n = obj(v, r);
  const type = str(n.__typename, r.at("__typename"), 60);
  if (!EVENT_TYPES.has(type)) return null;
  return {
    id: str(n.id, r.at("id"), MAX.cursor),
    type,
    at: date(n.createdAt, r.at("createdAt")),
    actor: actor(n.actor, r.at("actor")),
    label: optStr(optObj(n.label, r.at("label"))?.name, r.at("label").at("name"), MAX.name),
    previousTitle: optStr(n.previousTitle, r.at("previousTitle"), MAX.title),
  };
}

export function edit(v: unknown, r: Reader): EditData {
  const n = obj(v, r);
  return { id: str(n.id, r.at("id"), MAX.cursor), editedAt: date(n.editedAt, r.at("editedAt")), editor: actor(n.editor, r.at("editor")), text: optStr(n.diff, r.at("diff"), MAX.body) };
}

export function issue(v: unknown, r: Reader): IssueData {
  const n = obj(v, r);
  return {
    nodeId: str(n.id, r.at("id"), MAX.cursor),
    id: id(n.fullDatabaseId, r.at("fullDatabaseId")),
    number: int(n.number, r.at("number"), 1),
    title: text(n.title, r.at("title"), MAX.title),
    body: text(n.body, r.at("body"), MAX.body),
    url: text(n.url, r.at("url"), MAX.url),
    state: enumStr(n.state, r.at("state")),
    stateReason: optEnum(n.stateReason, r.at("stateReason")),
    author: actor(n.author, r.at("author")),
    authorAssociation: enumStr(n.authorAssociation, r.at("authorAssociation")),
    createdAt: date(n.createdAt, r.at("createdAt")),
    closedAt: optDate(n.closedAt, r.at("closedAt")),
    updatedAt: date(n.updatedAt, r.at("updatedAt")),
    labels: connection(n.labels, r.at("labels"), label),
    comments: connection(n.comments, r.at("comments"), issueComment),
    events: connection(n.timelineItems, r.at("timelineItems"), issueEvent),
    edits: connection(n.userContentEdits, r.at("userContentEdits"), edit),
  };
}
