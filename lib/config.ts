/**
 * Every environment variable Ganvas reads, validated once with zod. Nothing else in the app touches process.env
 * (except Next.js itself). A bad value stops start-up with a message that names the variable and says how to fix it.
 */
import path from "node:path";
import { z } from "zod";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off"], {
    error: "must be one of 1/0, true/false, yes/no, on/off",
  })
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

/** "N/S": at most N requests per S seconds, e.g. "5/60". "off" disables the limit. */
const rateLimit = z
  .string()
  .regex(/^(off|\d+\/\d+)$/, { error: 'must look like "5/60" (5 requests per 60 seconds) or "off"' })
  .transform((v) => {
    if (v === "off") return null;
    const [max, windowSec] = v.split("/").map(Number);
    if (max < 1 || windowSec < 1) return null;
    return { max, windowSec };
  });

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** where the SQLite file, images, checkpoints and datasets live */
  GANVAS_DATA_DIR: z.string().min(1).default("./data"),
  /** public URL of the app (used in share links and Open Graph tags); inferred from the request when unset */
  GANVAS_BASE_URL: z.url({ error: "must be an absolute URL such as https://ganvas.example.com" }).optional(),
  /** at least 32 characters; generated into <data dir>/auth-secret on first run when unset */
  GANVAS_AUTH_SECRET: z.string().min(32, { error: "must be at least 32 characters long" }).optional(),
  GANVAS_SIGNIN_RATE_LIMIT: rateLimit.prefault("5/60"),
  GANVAS_SIGNUP_RATE_LIMIT: rateLimit.prefault("10/3600"),
  /** generate requests per signed-in user */
  GANVAS_GENERATE_RATE_LIMIT: rateLimit.prefault("60/60"),
  /** generate requests per address for visitors who are not signed in */
  GANVAS_GENERATE_ANON_RATE_LIMIT: rateLimit.prefault("20/60"),
  /** allow anyone to create an account (the admin can always create them) */
  GANVAS_ALLOW_SIGNUP: bool.default(true),
  GANVAS_DEFAULT_VISIBILITY: z.enum(["private", "public"]).default("private"),
  GANVAS_TEXT_ENCODER: z.string().min(1).default("ganvas/use-lite"),
  GANVAS_ALLOW_REMOTE_MODELS: bool.default(false),
  GANVAS_TF_BACKEND: z.enum(["tensorflow-gpu", "tensorflow", "wasm", "cpu"]).optional(),
  /**
   * how much lower the worker's CPU priority is than the server's (nice increment, 0–19): training may use every
   * core, and generation requests still get the CPU first
   */
  GANVAS_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** run the wasm backend's convolutions through the native oneDNN addon when it is built (npm run native:build) */
  GANVAS_NATIVE_CONV: bool.default(true),
  /** with the addon: training batch norm + activation as one fused native kernel (off: composed wasm ops) */
  GANVAS_NATIVE_BN: bool.default(true),
  /** onnxruntime intra-op threads for serving (1 leaves a core for the text encoder and training) */
  GANVAS_ORT_THREADS: z.coerce.number().int().min(1, { error: "must be at least 1" }).max(64).default(1),
  /** the worker resumes interrupted training runs by itself when it starts */
  GANVAS_AUTO_RESUME: bool.default(false),
  /** the worker process exits after this many idle seconds (the app starts it again when there is work) */
  GANVAS_WORKER_IDLE_EXIT_SEC: z.coerce.number().int().min(5, { error: "must be at least 5" }).default(600),
  /** new training runs evaluate each checkpoint by default (the admin can change it per run) */
  GANVAS_EVAL_ON_CHECKPOINT: bool.default(true),
  /** captions per split scored when a checkpoint is evaluated (R-precision trials, Fréchet sample) */
  GANVAS_EVAL_SAMPLES: z.coerce
    .number()
    .int()
    .min(20, { error: "must be at least 20" })
    .max(5000, { error: "must be at most 5000" })
    .default(500),
  GANVAS_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

export type AppConfig = ReturnType<typeof buildConfig>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Parse an environment (process.env by default). Exported for tests; the app uses `config()`. */
export function parseConfig(env: Record<string, string | undefined> = process.env) {
  // empty strings mean "unset", as in most .env conventions
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const name = String(i.path[0] ?? "environment");
      return `  ${name}=${JSON.stringify(env[name] ?? "")}: ${i.message}`;
    });
    throw new ConfigError(
      `Invalid Ganvas configuration:\n${lines.join("\n")}\nFix these variables and start again.`,
    );
  }
  return buildConfig(result.data);
}

function buildConfig(e: z.infer<typeof envSchema>) {
  const dataDir = path.resolve(e.GANVAS_DATA_DIR);
  return {
    env: e.NODE_ENV,
    dataDir,
    dbFile: path.join(dataDir, "ganvas.db"),
    baseUrl: e.GANVAS_BASE_URL?.replace(/\/$/, ""),
    authSecret: e.GANVAS_AUTH_SECRET,
    signInRateLimit: e.GANVAS_SIGNIN_RATE_LIMIT,
    signUpRateLimit: e.GANVAS_SIGNUP_RATE_LIMIT,
    generateRateLimit: e.GANVAS_GENERATE_RATE_LIMIT,
    generateAnonRateLimit: e.GANVAS_GENERATE_ANON_RATE_LIMIT,
    allowSignUp: e.GANVAS_ALLOW_SIGNUP,
    defaultVisibility: e.GANVAS_DEFAULT_VISIBILITY,
    textEncoder: e.GANVAS_TEXT_ENCODER,
    allowRemoteModels: e.GANVAS_ALLOW_REMOTE_MODELS,
    tfBackend: e.GANVAS_TF_BACKEND,
    nativeConv: e.GANVAS_NATIVE_CONV,
    nativeBatchNorm: e.GANVAS_NATIVE_BN,
    workerNice: e.GANVAS_WORKER_NICE,
    ortThreads: e.GANVAS_ORT_THREADS,
    logLevel: e.GANVAS_LOG_LEVEL,
    autoResume: e.GANVAS_AUTO_RESUME,
    workerIdleExitSec: e.GANVAS_WORKER_IDLE_EXIT_SEC,
    evalOnCheckpoint: e.GANVAS_EVAL_ON_CHECKPOINT,
    evalSamples: e.GANVAS_EVAL_SAMPLES,
    modelsDir: path.resolve("models"),
  };
}

let cached: AppConfig | undefined;
/** The app's configuration, read once. */
export function config(): AppConfig {
  cached ??= parseConfig();
  return cached;
}
