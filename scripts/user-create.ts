/**
 * Create an account from a shell:
 *   npm run user:create -- --admin NAME     (an administrator; works before or after first-run setup)
 *   npm run user:create -- NAME             (a plain user)
 * The password is asked for on a terminal, or read from the first line of standard input when piped:
 *   echo 'long-password' | npm run user:create -- --admin alice
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { describeZodError } from "@/lib/errors";
import { createUserDirect, credentialsSchema } from "@/lib/server";

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) return line.replace(/\r$/, "");
    return "";
  }
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
      const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
      out._writeToOutput = (s: string) => {
        if (s.includes(q)) out.output.write(s);
      };
      rl.question(q, (answer) => {
        rl.close();
        process.stdout.write("\n");
        resolve(answer);
      });
    });
  const first = await ask("Password: ");
  const second = await ask("Repeat password: ");
  if (first !== second) throw new Error("The two passwords differ.");
  return first;
}

async function main() {
  const { values, positionals } = parseArgs({
    options: { admin: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  const username = values.admin ?? positionals[0];
  if (values.help || !username) {
    console.log("usage: npm run user:create -- [--admin] NAME   (password from the terminal or stdin)");
    process.exit(values.help ? 0 : 2);
  }
  const parsed = credentialsSchema.safeParse({ username, password: await readPassword() });
  if (!parsed.success) {
    console.error(`Cannot create the account: ${describeZodError(parsed.error)}`);
    process.exit(2);
  }
  const role = values.admin ? "admin" : "user";
  const id = await createUserDirect(parsed.data.username, parsed.data.password, role);
  console.log(`Created ${role} "${parsed.data.username}" (${id}).`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
