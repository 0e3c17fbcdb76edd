/**
 * The dependency direction from DESIGN.md ("Imports flow one way"), checked
 * over every import in src/ and db/migrations/: static, `export … from`,
 * `import type` and dynamic `import()`. TypeScript's own pre-processor finds
 * them, so comments and strings that merely look like imports do not count.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...tsFiles(full));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

interface Import {
  /** Repository-relative path of the importing file, with forward slashes. */
  from: string;
  specifier: string;
  /** Repository-relative target for a relative import (".js" mapped back to ".ts"); null for a package. */
  target: string | null;
}

function rel(p: string): string {
  return path.relative(ROOT, p).split(path.sep).join("/");
}

/** Every import of a file, as written and (for relative ones) resolved. */
function importsOf(file: string, text = readFileSync(file, "utf8")): Import[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map(({ fileName: specifier }) => {
    if (!specifier.startsWith(".")) return { from: rel(file), specifier, target: null };
    const resolved = path.resolve(path.dirname(file), specifier).replace(/\.js$/, ".ts");
    return { from: rel(file), specifier, target: rel(resolved) };
  });
}

const files = [...tsFiles(path.join(ROOT, "src")), ...tsFiles(path.join(ROOT, "db/migrations"))];
const imports = files.flatMap((f) => importsOf(f));

const under = (dir: string) => (p: string) => p === dir || p.startsWith(dir + "/") || p === dir + ".ts";
const inCore = under("src/core");
const inRender = under("src/render");

/** Node built-ins that do I/O or reach the process: forbidden in the pure layers. */
const IO_BUILTINS = new Set([
  "fs",
  "fs/promises",
  "net",
  "http",
  "https",
  "http2",
  "child_process",
  "cluster",
  "dgram",
  "dns",
  "dns/promises",
  "tls",
  "readline",
  "readline/promises",
  "worker_threads",
  "os",
  "process",
  "inspector",
  "repl",
  "vm",
  "v8",
  "module",
  "stream",
  "stream/promises",
  "timers",
  "timers/promises",
]);
/** Packages that talk to a database, GitHub or the network. */
const IO_PACKAGES = [/^pg(-.*)?$/, /^kysely(\/|$)/, /^probot(\/|$)/, /^@octokit\//, /^octokit$/, /^graphile-worker(\/|$)/, /^@electric-sql\//, /^nock$/, /^undici$/, /^node-fetch$/];

function isIoPackage(specifier: string): boolean {
  const bare = specifier.replace(/^node:/, "");
  if (specifier.startsWith("node:") || builtinModules.includes(bare)) return IO_BUILTINS.has(bare);
  return IO_PACKAGES.some((re) => re.test(specifier));
}

const describeImport = (i: Import) => `${i.from} imports "${i.specifier}"`;

describe("import direction (DESIGN.md: imports flow one way)", () => {
  it("finds the source files and their imports", () => {
    expect(files.map(rel).filter(inCore).length).toBeGreaterThan(10);
    expect(files.map(rel).filter(inRender).length).toBeGreaterThan(3);
    expect(files.some((f) => rel(f).startsWith("db/migrations/"))).toBe(true);
    // The scanner sees every form of import, not only the plain one.
    const sample = importsOf(
      path.join(ROOT, "src/core/x.ts"),
      `import a from "./a.js";\nimport type { B } from "../store/b.js";\nexport { c } from "node:fs";\nconst d = await import("pg");\n// import e from "../cli/e.js"\nconst s = 'import f from "../app.js"';`,
    );
    expect(sample.map((i) => i.specifier)).toEqual(["./a.js", "../store/b.js", "node:fs", "pg"]);
    expect(sample[1]!.target).toBe("src/store/b.ts");
    expect(imports.length).toBeGreaterThan(100);
  });

  it("the rule checks below reject what they should (they can fail)", () => {
    const bad = importsOf(path.join(ROOT, "src/core/detect/x.ts"), `import "../../store/schema.js"; import "node:fs"; import "fs/promises"; import "kysely"; import "@octokit/rest";`);
    expect(bad.filter(coreViolation).map((i) => i.specifier)).toEqual(["../../store/schema.js", "node:fs", "fs/promises", "kysely", "@octokit/rest"]);
    const ok = importsOf(path.join(ROOT, "src/core/detect/x.ts"), `import "../model.js"; import "./text.js"; import "picomatch"; import "node:crypto";`);
    expect(ok.filter(coreViolation)).toEqual([]);
    const render = importsOf(path.join(ROOT, "src/render/x.ts"), `import "../core/model.js"; import "./escape.js"; import "../config/env.js"; import "node:http";`);
    expect(render.filter(renderViolation).map((i) => i.specifier)).toEqual(["../config/env.js", "node:http"]);
    const mig = importsOf(path.join(ROOT, "db/migrations/x.ts"), `import "kysely"; import "../../src/store/schema.js";`);
    expect(mig.filter(migrationViolation).map((i) => i.specifier)).toEqual(["../../src/store/schema.js"]);
  });

  it("src/core imports nothing outside src/core, and no I/O module", () => {
    expect(imports.filter(coreViolation).map(describeImport)).toEqual([]);
  });

  it("src/render imports only src/core and src/render, and no I/O module", () => {
    expect(imports.filter(renderViolation).map(describeImport)).toEqual([]);
  });

  it("src/store does not import services, cli, ingest or the app", () => {
    const upward = ["src/services", "src/cli", "src/ingest", "src/app"].map(under);
    const bad = imports.filter((i) => under("src/store")(i.from) && i.target && upward.some((u) => u(i.target!)));
    expect(bad.map(describeImport)).toEqual([]);
  });

  it("src/services does not import src/cli", () => {
    const bad = imports.filter((i) => under("src/services")(i.from) && i.target && under("src/cli")(i.target));
    expect(bad.map(describeImport)).toEqual([]);
  });

  it("db/migrations never imports src/", () => {
    expect(imports.filter(migrationViolation).map(describeImport)).toEqual([]);
  });
});

function coreViolation(i: Import): boolean {
  if (!inCore(i.from)) return false;
  return i.target ? !inCore(i.target) : isIoPackage(i.specifier);
}

function renderViolation(i: Import): boolean {
  if (!inRender(i.from)) return false;
  return i.target ? !(inCore(i.target) || inRender(i.target)) : isIoPackage(i.specifier);
}

function migrationViolation(i: Import): boolean {
  return i.from.startsWith("db/migrations/") && i.target !== null && under("src")(i.target);
}
