// The inspector's page is static HTML/JS/CSS: the build copies it next to the compiled server (dist/cli/inspector/page).
import { cpSync, rmSync } from 'node:fs';

const from = new URL('../src/cli/inspector/page/', import.meta.url);
const to = new URL('../dist/cli/inspector/page/', import.meta.url);
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
