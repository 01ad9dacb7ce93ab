/** @type {import('next').NextConfig} */
const nextConfig = {
  // native or wasm-backed packages stay as runtime requires on the server
  serverExternalPackages: [
    "better-sqlite3",
    "sharp",
    "onnxruntime-node",
    "@huggingface/transformers",
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-backend-wasm",
  ],
  experimental: { authInterrupts: true },
  poweredByHeader: false,
  devIndicators: false,
};

export default nextConfig;
