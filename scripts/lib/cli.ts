/**
 * Command-line parsing for the npm scripts: node's parseArgs, plus `--help`/`-h` (prints the usage, exit 0) and a
 * clear message instead of a stack trace for an unknown option or a missing value (the error, then the usage, exit 2).
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

export function parseCli<const T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> {
  const argv = config.args ?? process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs(config);
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    process.exit(2);
  }
}
