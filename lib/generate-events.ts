/**
 * The NDJSON events of POST /api/generate, shared by the route (server) and the studio (browser).
 * One JSON object per line; images are PNG data URLs (previews) or URLs of stored images.
 */
export interface GenerateStartEvent {
  type: "start";
  prompt: string;
  count: number;
  seed: number;
  truncation: number;
  modelVersion: string;
  hasStage2: boolean;
  /** whether final images are stored in the viewer's history */
  stored: boolean;
}
export interface GeneratePreviewEvent {
  type: "preview";
  index: number;
  seed: number;
  /** 64 px Stage-I image, data:image/png;base64 */
  image: string;
  ms: number;
}
export interface GenerateFinalEvent {
  type: "final";
  index: number;
  seed: number;
  /** 256 px Stage-II image (or the Stage-I image when the model has no Stage-II): a data URL or a URL */
  image: string;
  /** set when the image was stored for a signed-in viewer */
  imageId?: string;
  width: number;
  height: number;
  /** the recipe embedded in the PNG */
  parameters: string;
  ms: number;
}
export interface GenerateDoneEvent {
  type: "done";
  ms: number;
}
export interface GenerateErrorEvent {
  type: "error";
  code: string;
  message: string;
}
export type GenerateEvent =
  | GenerateStartEvent
  | GeneratePreviewEvent
  | GenerateFinalEvent
  | GenerateDoneEvent
  | GenerateErrorEvent;

export const GENERATE_MAX_COUNT = 16;
export const TRUNCATION_MIN = 0.25;
export const TRUNCATION_MAX = 2;
/**
 * The noise truncation the studio and the API use unless asked otherwise (model cards are measured at it). 0.7, not
 * 1: the emoji models' pictures at 1 come out ragged or with holes on some seeds (emoji-256-v9's hearts: one of
 * four), at 0.7 they are whole, for a little less variety between seeds (the Diversity slider gives it back).
 */
export const TRUNCATION_DEFAULT = 0.7;

/** How images' noise was drawn, for figures that say so (null or absent: plain normals). */
export function truncationLabel(truncation: number | null | undefined): string {
  return truncation != null ? `noise truncated at ${truncation}` : "untruncated noise";
}
export const SEED_MAX = 2 ** 31 - 1;
