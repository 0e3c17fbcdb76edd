/** Why a slash command was not recorded, as data (the answer puts it in words: src/render/render-command-answer.ts). */
import type { ParseProblem } from "./parse-command.js";

export type Refusal =
  | { reason: "malformed"; problem: ParseProblem; verb: string }
  | { reason: "self-endorsement" }
  | { reason: "unknown-person"; login: string }
  | { reason: "not-yours" }
  | { reason: "no-access" }
  | { reason: "access-unchecked" };
