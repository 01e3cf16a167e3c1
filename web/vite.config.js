// Vite builds the app into web/dist, which `fupin serve` serves: hashed assets under
// assets/, each precompressed (gzip and brotli) so that the server never compresses.
// Element Plus is imported per component (unplugin-vue-components), ECharts per chart.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { defineConfig } from 'vite';

// Writes NAME.gz and NAME.br beside every text file over 1 KiB of the output.
function precompress() {
  let outDir;
  return {
    name: 'fupin-precompress',
    apply: 'build',
    enforce: 'post',
    configResolved(config) { outDir = config.build.outDir; },
    closeBundle() {
      const walk = (dir) => readdirSync(dir).flatMap((name) => {
        const full = path.join(dir, name);
        return statSync(full).isDirectory() ? walk(full) : [full];
      });
      for (const file of walk(path.resolve(outDir))) {
        if (!/\.(js|css|html|svg|json|txt)$/.test(file)) continue;
        const bytes = readFileSync(file);
        if (bytes.length < 1024) continue;
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
        writeFileSync(`${file}.br`, brotliCompressSync(bytes, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
        }));
      }
    },
  };
}

export default defineConfig({
  plugins: [
    vue(),
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
    precompress(),
  ],
  resolve: { alias: { '@': path.resolve(import.meta.dirname, 'src') } },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  build: { outDir: 'dist', assetsDir: 'assets', chunkSizeWarningLimit: 700, reportCompressedSize: false },
  // Element Plus is inlined in tests so that the styles its components import are handled.
  test: { environment: 'jsdom', include: ['src/**/*.spec.js'], server: { deps: { inline: ['element-plus'] } } },
});
