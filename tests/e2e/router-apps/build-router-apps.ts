import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export interface RouterAppBundles {
  /** `react-app.js`: the react-router-dom app. */
  react: string;
  /** `vue-app.js`: the vue-router app. */
  vue: string;
}

/**
 * Bundles the two router apps from the real libraries (dev dependencies) for the test page
 * server, in memory: production builds, as a site would ship them.
 */
export async function buildRouterApps(): Promise<RouterAppBundles> {
  const bundle = async (file: string) => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL(file, import.meta.url))],
      bundle: true,
      write: false,
      format: 'iife',
      minify: true,
      target: 'es2022',
      logLevel: 'silent',
      define: {
        'process.env.NODE_ENV': '"production"',
        __VUE_OPTIONS_API__: 'false',
        __VUE_PROD_DEVTOOLS__: 'false',
        __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
      },
    });
    return result.outputFiles[0]!.text;
  };
  const [react, vue] = await Promise.all([bundle('react-app.ts'), bundle('vue-app.ts')]);
  return { react, vue };
}
