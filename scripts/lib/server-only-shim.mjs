// Command-line scripts run lib/server code outside Next.js. The `server-only` marker package throws when imported
// outside a React Server Components bundle, so scripts resolve it to an empty module instead.
import { register } from "node:module";

register(
  `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === "server-only") return { url: "data:text/javascript,export {}", shortCircuit: true };
  return next(specifier, context);
}`)}`,
  import.meta.url,
);
