import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The renderer bundle: served by web mode's server and by the Electron app:// protocol. */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    sourcemap: false,
    // No inline scripts or styles: the CSP forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
