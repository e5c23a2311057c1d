import preact from "@preact/preset-vite";
import { defineConfig } from "vitest/config";

// The console is static files: index.html, one entry chunk, the manifest and the service worker.
export default defineConfig({
  plugins: [preact()],
  build: { outDir: "dist", sourcemap: false, target: "es2020" },
  server: { proxy: { "/v1": "http://127.0.0.1:3000", "/local": "http://127.0.0.1:3000" } },
  test: { environment: "node", include: ["test/**/*.test.ts"] },
});
