// `npm run prepare`: npm runs it on `npm install`/`npm ci` in this repository,
// when the package is installed from a git URL (after installing its
// devDependencies), and on `npm pack`/`npm publish`. Each gets a fresh dist/.
// Plain JavaScript: it runs before anything else is built.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  // Packing without the compiler would ship a package without its code.
  if (['pack', 'publish'].includes(process.env.npm_command ?? '')) {
    console.error('prepare: typescript is not installed, so dist/ cannot be built; run `npm ci` first');
    process.exit(1);
  }
  // An install without devDependencies (`npm ci --omit=dev`) has nothing to build with, and needs no dist/.
  console.error('prepare: typescript is not installed; dist/ not built');
  process.exit(0);
}
// Start from nothing, so files of sources since removed are never packed.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
