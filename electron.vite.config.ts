// Three builds: main (Electron host + CLI + web host), preload (sandboxed bridge), renderer (React).
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { CALL_NAMES } from './src-shared/contract';

// electron is an optional dependency (its binary cannot be fetched offline). electron-vite reads
// its major version to choose build targets; pin it here so builds work without the package.
process.env.ELECTRON_MAJOR_VER ||= '45';

export default defineConfig({
  main: {
    build: {
      target: 'node20.19',
      rolldownOptions: {
        input: {
          electron: resolve(__dirname, 'src-main/hosts/electron/main.ts'),
          cli: resolve(__dirname, 'src-main/hosts/cli/index.ts'),
        },
      },
    },
  },
  preload: {
    // The sandboxed preload checks call names but must not bundle the contract's schemas (zod):
    // it gets the names, the keys of the contract's call map, as a constant at build time.
    define: { __VQA2_CALL_NAMES__: JSON.stringify(CALL_NAMES) },
    build: {
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    build: {
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src-renderer/index.html') },
      },
    },
    plugins: [react()],
  },
});
