import { z } from "zod";
import {
  GENERATE_MAX_COUNT,
  SEED_MAX,
  TRUNCATION_DEFAULT,
  TRUNCATION_MAX,
  TRUNCATION_MIN,
} from "../generate-events";
import { normalizePrompt, PROMPT_MAX_CHARS, TextInputError } from "../text";

/** Body of POST /api/generate. */
export const generateRequestSchema = z.object({
  prompt: z
    .string({ error: "prompt is required" })
    .max(PROMPT_MAX_CHARS * 4, { error: `prompt must be at most ${PROMPT_MAX_CHARS} characters` })
    .transform((s, ctx) => {
      try {
        return normalizePrompt(s);
      } catch (err) {
        ctx.addIssue({
          code: "custom",
          message: err instanceof TextInputError ? err.message : "invalid prompt",
        });
        return z.NEVER;
      }
    }),
  count: z
    .number({ error: "count must be a number" })
    .int({ error: "count must be a whole number" })
    .min(1, { error: "count must be at least 1" })
    .max(GENERATE_MAX_COUNT, { error: `count must be at most ${GENERATE_MAX_COUNT}` })
    .default(4),
  seed: z
    .number({ error: "seed must be a number" })
    .int({ error: "seed must be a whole number" })
    .min(0, { error: "seed must be at least 0" })
    .max(SEED_MAX - GENERATE_MAX_COUNT, { error: `seed must be at most ${SEED_MAX - GENERATE_MAX_COUNT}` })
    .optional(),
  truncation: z
    .number({ error: "truncation must be a number" })
    .min(TRUNCATION_MIN, { error: `truncation must be at least ${TRUNCATION_MIN}` })
    .max(TRUNCATION_MAX, { error: `truncation must be at most ${TRUNCATION_MAX}` })
    .default(TRUNCATION_DEFAULT),
  /** live previews as the user types: not stored */
  live: z.boolean().default(false),
  variation: z
    .object({
      of: z.number().int().min(0).max(SEED_MAX),
      strength: z.number().min(0.05).max(1),
    })
    .strict()
    .optional(),
});
export type GenerateRequestBody = z.infer<typeof generateRequestSchema>;
