/** A report that cannot be built as asked (an unknown person, team, organisation or repository): said to the user, never a crash. */
export class ReportError extends Error {
  override name = "ReportError";
}
