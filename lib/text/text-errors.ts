/** The model folder for the configured text encoder is missing and remote models are not allowed. */
export class TextEncoderNotFoundError extends Error {
  readonly code = "TEXT_ENCODER_NOT_FOUND";
  constructor(
    readonly modelId: string,
    readonly folder: string,
  ) {
    super(
      `Text encoder "${modelId}" was not found at ${folder}. Run \`npm run models:prepare\` for the built-in ` +
        `"ganvas/use-lite", copy a transformers.js model folder (config.json, tokenizer.json, onnx/model.onnx) ` +
        "there, or allow remote models so it can be fetched from the Hugging Face hub.",
    );
    this.name = "TextEncoderNotFoundError";
  }
}

/** A GAN trained with one text encoder cannot be conditioned with another's embeddings. */
export class TextEncoderMismatchError extends Error {
  readonly code = "TEXT_ENCODER_MISMATCH";
  constructor(
    readonly expectedId: string,
    readonly actualId: string,
  ) {
    super(
      `This model was trained with text encoder "${expectedId}", but the server is running "${actualId}". ` +
        `Set GANVAS_TEXT_ENCODER=${expectedId} (and place that model under models/${expectedId}), ` +
        "or retrain the model with the current encoder.",
    );
    this.name = "TextEncoderMismatchError";
  }
}
