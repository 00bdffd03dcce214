import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app is served from `/` (by the Worklane server in production, by Vite in development).
// In development every `/api` call, including the WebSocket stream, goes to the server on :8080.
export default defineConfig({
  base: '/',
  plugins: [react()],
  // One bundle (React + Mantine dominate it); fine for an internal app served with compression.
  build: { chunkSizeWarningLimit: 1024 },
  server: {
    proxy: {
      '/api': { target: 'http://localhost:8080', ws: true },
    },
  },
  preview: {
    proxy: {
      '/api': { target: 'http://localhost:8080', ws: true },
    },
  },
});
