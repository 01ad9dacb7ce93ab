/**
 * PostgreSQL schema: the same tables and columns as `schema.sqlite.ts` (the default dialect), for when
 * GANVAS_DATABASE_URL points at a PostgreSQL server. tests/unit/server/schema-parity.test.ts keeps the two in step.
 */
import { sql } from "drizzle-orm";
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { mode: "date", withTimezone: true });
const json = <T>(name: string) => jsonb(name).$type<T>();
const now = sql`now()`;

// ── accounts (shape required by Better Auth with the username and admin plugins) ──────────────────
export const user = pgTable("user", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: boolean("email_verified").notNull().default(false),
  image: text("image"),
  username: text("username").unique(),
  displayUsername: text("display_username"),
  role: text("role").notNull().default("user"),
  banned: boolean("banned").default(false),
  banReason: text("ban_reason"),
  banExpires: ts("ban_expires"),
  createdAt: ts("created_at").notNull().default(now),
  updatedAt: ts("updated_at").notNull().default(now),
});

export const session = pgTable(
  "session",
  {
    id: text("id").primaryKey(),
    token: text("token").notNull().unique(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    expiresAt: ts("expires_at").notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    impersonatedBy: text("impersonated_by"),
    createdAt: ts("created_at").notNull().default(now),
    updatedAt: ts("updated_at").notNull().default(now),
  },
  (t) => [index("session_user_idx").on(t.userId)],
);

export const account = pgTable(
  "account",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: ts("access_token_expires_at"),
    refreshTokenExpiresAt: ts("refresh_token_expires_at"),
    scope: text("scope"),
    password: text("password"),
    createdAt: ts("created_at").notNull().default(now),
    updatedAt: ts("updated_at").notNull().default(now),
  },
  (t) => [index("account_user_idx").on(t.userId)],
);

export const verification = pgTable("verification", {
  id: text("id").primaryKey(),
  identifier: text("identifier").notNull(),
  value: text("value").notNull(),
  expiresAt: ts("expires_at").notNull(),
  createdAt: ts("created_at").notNull().default(now),
  updatedAt: ts("updated_at").notNull().default(now),
});

// ── instance settings (one-time setup lock, etc.) ────────────────────────────────────────────────────
export const setting = pgTable("setting", {
  key: text("key").primaryKey(),
  value: json<unknown>("value").notNull(),
  updatedAt: ts("updated_at").notNull().default(now),
});

// ── models, data and training ───────────────────────────────────────────────────────────────────────
export const dataset = pgTable("dataset", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  /** folder relative to the data dir, e.g. "datasets/emoji" */
  dir: text("dir").notNull(),
  status: text("status", { enum: ["importing", "ready", "failed"] }).notNull(),
  source: text("source").notNull(),
  imageCount: integer("image_count").notNull().default(0),
  captionCount: integer("caption_count").notNull().default(0),
  contentHash: text("content_hash"),
  report: json<Record<string, unknown>>("report"),
  /** what the worker must do to build it: {kind: "upload"|"path"|"builtin", format?, src?} */
  importSpec: json<Record<string, unknown>>("import_spec"),
  error: text("error"),
  /** a job for the worker: train this dataset's evaluation networks (null when none is asked for) */
  evalNetsStatus: text("eval_nets_status", { enum: ["queued", "training", "failed"] }),
  evalNetsError: text("eval_nets_error"),
  createdBy: text("created_by").references(() => user.id, { onDelete: "set null" }),
  createdAt: ts("created_at").notNull().default(now),
});

export const trainingRun = pgTable(
  "training_run",
  {
    id: text("id").primaryKey(),
    datasetId: text("dataset_id")
      .notNull()
      .references(() => dataset.id, { onDelete: "restrict" }),
    /** a finished Stage-I run that a Stage-II run builds on */
    parentRunId: text("parent_run_id"),
    preset: text("preset").notNull(),
    config: json<Record<string, unknown>>("config").notNull(),
    status: text("status", {
      enum: ["queued", "running", "paused", "interrupted", "completed", "failed", "cancelled"],
    }).notNull(),
    step: integer("step").notNull().default(0),
    maxSteps: integer("max_steps"),
    /** time budget: the run completes when its training time (all sessions) reaches this many seconds */
    timeBudgetSec: integer("time_budget_sec"),
    /** seconds spent training over all sessions */
    trainedSec: integer("trained_sec").notNull().default(0),
    /** folder relative to the data dir, e.g. "runs/<id>" */
    dir: text("dir").notNull(),
    /** continue from the run folder's latest checkpoint when the worker picks it up */
    resume: boolean("resume").notNull().default(false),
    /** evaluate each checkpoint as it is made (when the dataset has evaluation networks) */
    evalOnCheckpoint: boolean("eval_on_checkpoint").notNull().default(false),
    /** asked of the worker by an admin while running: "pause" | "cancel" */
    requestedAction: text("requested_action"),
    etaSec: integer("eta_sec"),
    error: text("error"),
    createdBy: text("created_by").references(() => user.id, { onDelete: "set null" }),
    createdAt: ts("created_at").notNull().default(now),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
  },
  (t) => [index("training_run_status_idx").on(t.status)],
);

export const checkpoint = pgTable(
  "checkpoint",
  {
    id: text("id").primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => trainingRun.id, { onDelete: "cascade" }),
    step: integer("step").notNull(),
    dir: text("dir").notNull(),
    samplePath: text("sample_path"),
    /** evaluation of this checkpoint: queued (asked for), running, done (metrics set) or failed (evalError) */
    evalStatus: text("eval_status", { enum: ["queued", "running", "done", "failed"] }),
    /** lib/eval EvalSummary: R-precision, Fréchet distance, IS-like score per split beside the real images */
    metrics: json<Record<string, unknown>>("metrics"),
    evalError: text("eval_error"),
    createdAt: ts("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("checkpoint_run_step_idx").on(t.runId, t.step)],
);

export const modelVersion = pgTable("model_version", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  checkpointId: text("checkpoint_id").references(() => checkpoint.id, { onDelete: "set null" }),
  /** folder of the exported model, relative to the repo (shipped) or the data dir */
  dir: text("dir").notNull(),
  textEncoderId: text("text_encoder_id").notNull(),
  card: json<Record<string, unknown>>("card").notNull(),
  isActive: boolean("is_active").notNull().default(false),
  promotedBy: text("promoted_by").references(() => user.id, { onDelete: "set null" }),
  promotedAt: ts("promoted_at"),
  createdAt: ts("created_at").notNull().default(now),
});

export const metric = pgTable(
  "metric",
  {
    id: text("id").primaryKey(),
    subjectType: text("subject_type", { enum: ["checkpoint", "model_version"] }).notNull(),
    subjectId: text("subject_id").notNull(),
    name: text("name").notNull(),
    split: text("split").notNull(),
    value: doublePrecision("value").notNull(),
    createdAt: ts("created_at").notNull().default(now),
  },
  (t) => [index("metric_subject_idx").on(t.subjectType, t.subjectId)],
);

// ── images ──────────────────────────────────────────────────────────────────────────────────────────
export const image = pgTable(
  "image",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    prompt: text("prompt").notNull(),
    seed: integer("seed").notNull(),
    modelVersionId: text("model_version_id").references(() => modelVersion.id, { onDelete: "set null" }),
    /** the model version's name at generation time (kept even if the version is deleted) */
    modelVersionName: text("model_version_name").notNull(),
    params: json<Record<string, unknown>>("params").notNull(),
    visibility: text("visibility", { enum: ["private", "public"] }).notNull(),
    /** kept by its owner ("My images"); unsaved rows are the owner's recent history */
    saved: boolean("saved").notNull().default(false),
    /** unguessable id used in share links */
    shareId: text("share_id").notNull().unique(),
    /** storage key of the PNG */
    fileKey: text("file_key").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    createdAt: ts("created_at").notNull().default(now),
  },
  (t) => [
    index("image_owner_created_idx").on(t.ownerId, t.createdAt),
    index("image_visibility_created_idx").on(t.visibility, t.createdAt),
    index("image_model_version_idx").on(t.modelVersionName),
  ],
);
