/**
 * Unified-diff patches for the sample organisation: a tiny model of files
 * and hunks, rendered the way GitHub's "list pull request files" API does,
 * plus the lookups a review comment needs (line, position, diff_hunk).
 */

export interface Hunk {
  oldStart: number;
  newStart: number;
  /** The text after the second `@@` (the enclosing function, as git prints it). */
  header: string;
  /** Each line starts with " ", "+" or "-". */
  lines: string[];
}

export type FileStatus = "added" | "modified" | "removed" | "renamed";

export interface FileChange {
  path: string;
  status: FileStatus;
  previousPath?: string;
  hunks: Hunk[];
  /** GitHub leaves out the patch of very large diffs. */
  omitPatch?: boolean;
}

export function hunk(oldStart: number, newStart: number, header: string, lines: string[]): Hunk {
  return { oldStart, newStart, header, lines };
}

/** A modified file with the given hunks. */
export function modified(path: string, ...hunks: Hunk[]): FileChange {
  return { path, status: "modified", hunks };
}

/** A new file: every line is an addition. */
export function added(path: string, content: string[]): FileChange {
  return { path, status: "added", hunks: [hunk(0, 1, "", content.map((l) => `+${l}`))] };
}

/** A deleted file: every line is a deletion. */
export function removed(path: string, content: string[]): FileChange {
  return { path, status: "removed", hunks: [hunk(1, 0, "", content.map((l) => `-${l}`))] };
}

export function fileStats(file: FileChange): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const h of file.hunks) {
    for (const l of h.lines) {
      if (l.startsWith("+")) additions++;
      else if (l.startsWith("-")) deletions++;
    }
  }
  return { additions, deletions };
}

function hunkHeader(h: Hunk): string {
  let oldCount = 0;
  let newCount = 0;
  for (const l of h.lines) {
    if (l.startsWith("+")) newCount++;
    else if (l.startsWith("-")) oldCount++;
    else {
      oldCount++;
      newCount++;
    }
  }
  const oldStart = oldCount === 0 ? 0 : h.oldStart;
  const newStart = newCount === 0 ? 0 : h.newStart;
  const range = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);
  const tail = h.header ? ` ${h.header}` : "";
  return `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@${tail}`;
}

export function renderPatch(file: FileChange): string {
  return file.hunks.map((h) => [hunkHeader(h), ...h.lines].join("\n")).join("\n");
}

/** Where a review comment sits in a file's diff. */
export interface DiffLocation {
  /** The line in the new version of the file. */
  line: number;
  /** GitHub's legacy "position": the line's index in the patch, counting hunk headers after the first. */
  position: number;
  /** The patch from the hunk header down to the commented line, as GitHub sends it. */
  diffHunk: string;
  /** The text of the commented line (without its +/space marker). */
  text: string;
}

/** Every commentable (new-side) line of the file's diff. */
export function commentableLines(file: FileChange, onlyAdded = false): DiffLocation[] {
  const out: DiffLocation[] = [];
  let position = 0;
  file.hunks.forEach((h, hi) => {
    if (hi > 0) position++;
    const header = hunkHeader(h);
    let newLine = h.newStart;
    h.lines.forEach((l, li) => {
      position++;
      if (l.startsWith("-")) return;
      if (!onlyAdded || l.startsWith("+")) {
        out.push({
          line: newLine,
          position,
          diffHunk: [header, ...h.lines.slice(0, li + 1)].join("\n"),
          text: l.slice(1),
        });
      }
      newLine++;
    });
  });
  return out;
}

/** The location of the first added (else context) line containing `anchor`. */
export function locate(file: FileChange, anchor: string): DiffLocation {
  const lines = commentableLines(file);
  const addedFirst = [
    ...commentableLines(file, true),
    ...lines,
  ];
  const found = addedFirst.find((l) => l.text.includes(anchor));
  if (!found) throw new Error(`anchor ${JSON.stringify(anchor)} not found in ${file.path}`);
  return found;
}
