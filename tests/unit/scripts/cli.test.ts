import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const TSX = path.resolve("node_modules/.bin/tsx");

/** run an npm script's entry file as `npm run` would; resolves with its exit code and output */
function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [path.join("scripts", script), ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("command-line scripts", () => {
  const scripts: [string, string][] = [
    ["generate.ts", "usage: npm run generate --"],
    ["eval.ts", "usage: npm run eval --"],
    ["ship-model.ts", "usage: npm run model:ship --"],
  ];

  it("--help prints the usage and exits 0; an unknown option says which and shows the usage, exit 2", async () => {
    const results = await Promise.all(
      scripts.flatMap(([file]) => [run(file, ["--help"]), run(file, ["--colour", "red"])]),
    );
    scripts.forEach(([file, usage], i) => {
      const help = results[2 * i];
      const bad = results[2 * i + 1];
      expect(help.code, `${file} --help`).toBe(0);
      expect(help.stdout.startsWith(usage), `${file} --help: ${help.stdout}`).toBe(true);
      expect(bad.code, `${file} --colour`).toBe(2);
      expect(bad.stderr).toContain("Unknown option '--colour'");
      expect(bad.stderr).toContain(usage);
      expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
  }, 120_000);
});
