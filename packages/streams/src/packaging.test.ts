import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

interface PackageJson {
  readonly main: string;
  readonly types: string;
  readonly exports: { readonly '.': Record<string, string> };
  readonly dependencies: Record<string, string>;
  readonly peerDependencies: Record<string, string>;
  readonly engines?: { readonly node?: string };
}

/**
 * What `npm pack` would publish, built afresh into a directory of its own: the package's own dist may be
 * stale or missing, and building there could race another build.
 */
describe('the package as npm packs it', () => {
  let root = '';
  let files: string[] = [];
  let manifest: PackageJson;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'streamscope-pack-'));
    await run(process.execPath, [
      tsc,
      '-p',
      path.join(packageDir, 'tsconfig.build.json'),
      '--outDir',
      path.join(root, 'dist'),
    ]);
    await cp(path.join(packageDir, 'package.json'), path.join(root, 'package.json'));
    manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as PackageJson;
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root });
    const [packed] = JSON.parse(stdout) as { files: { path: string }[] }[];
    files = (packed?.files ?? []).map((file) => file.path).sort();
  }, 60_000);

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('holds the built library and its manifest, and no tests or sources', () => {
    expect(files).toContain('package.json');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files.filter((file) => file !== 'package.json' && !file.startsWith('dist/'))).toEqual([]);
    expect(files.filter((file) => /\.test\.|testkit/.test(file))).toEqual([]);
    // Every module of the library has its code and its types.
    const modules = files.filter((file) => file.endsWith('.js')).map((file) => file.slice(0, -'.js'.length));
    expect(modules.filter((module) => !files.includes(`${module}.d.ts`))).toEqual([]);
  });

  it('points its entry points at files it holds', () => {
    const entry = manifest.exports['.'];
    for (const target of [entry.types, entry.default, manifest.main, manifest.types]) {
      expect(files).toContain(path.posix.normalize(target ?? 'missing'));
    }
    expect(manifest.engines?.node).toBeDefined();
  });

  it('imports nothing it does not ship or declare', async () => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.peerDependencies),
    ]);
    const unresolved: string[] = [];
    for (const file of files.filter((each) => /\.(js|d\.ts)$/.test(each))) {
      const text = await readFile(path.join(root, file), 'utf8');
      // TypeScript's own scan: the scripts' Lua text, which mentions `from`, is no import.
      for (const { fileName: specifier } of ts.preProcessFile(text, true, true).importedFiles) {
        if (specifier.startsWith('.')) {
          const target = path.posix.join(path.posix.dirname(file), specifier);
          const shipped = file.endsWith('.d.ts') ? target.replace(/\.js$/, '.d.ts') : target;
          if (!files.includes(shipped)) unresolved.push(`${file}: ${specifier}`);
        } else if (!builtinModules.includes(specifier.replace(/^node:/, '')) && !declared.has(specifier)) {
          unresolved.push(`${file}: ${specifier}`);
        }
      }
    }
    expect(unresolved).toEqual([]);
  });

  it('carries the sources in its source maps, which it ships without them', async () => {
    const maps = files.filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(await readFile(path.join(root, map), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      expect(sourcesContent?.filter((content) => typeof content === 'string')).toHaveLength(sources.length);
    }
  });
});
