import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = path.resolve(packageDir, '../..');

/** The README and every page in docs/, by their paths from the repo's root. */
const docs = new Map(
  ['README.md', ...readdirSync(path.join(repoDir, 'docs')).map((name) => `docs/${name}`)]
    .filter((doc) => doc.endsWith('.md'))
    .sort()
    .map((doc) => [doc, readFileSync(path.join(repoDir, doc), 'utf8')]),
);

interface Fence {
  readonly info: string;
  /** The doc's line (1-based) of the block's first line of code. */
  readonly line: number;
  readonly code: string;
}

/** The fenced code blocks of a Markdown text. */
function fences(text: string): Fence[] {
  const found: Fence[] = [];
  let open: { marker: string; info: string; line: number; code: string[] } | null = null;
  text.split('\n').forEach((line, at) => {
    if (open === null) {
      const start = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
      if (start) open = { marker: start[1] ?? '```', info: start[2] ?? '', line: at + 2, code: [] };
    } else if (new RegExp(`^ {0,3}${open.marker}${open.marker[0]}*\\s*$`).test(line)) {
      found.push({ info: open.info, line: open.line, code: open.code.join('\n') });
      open = null;
    } else {
      open.code.push(line);
    }
  });
  return found;
}

/** The text with every fenced block's code (and, asked, every code span) blanked out, lines kept in place. */
function blankCode(text: string, spans: boolean): string {
  const lines = text.split('\n');
  for (const fence of fences(text)) {
    const count = fence.code === '' ? 0 : fence.code.split('\n').length;
    for (let at = fence.line - 1; at < fence.line - 1 + count; at++) lines[at] = '';
  }
  const blanked = lines.join('\n');
  return spans ? blanked.replace(/(`+)[^`][\s\S]*?\1/g, (span) => span.replace(/[^\n]/g, ' ')) : blanked;
}

interface Example {
  readonly doc: string;
  /** 1-based, counting the doc's TypeScript blocks only. */
  readonly index: number;
  readonly line: number;
  readonly code: string;
}

const examples: Example[] = [...docs].flatMap(([doc, text]) =>
  fences(text)
    .filter((fence) => fence.info === 'ts' || fence.info === 'typescript')
    .map((fence, at) => ({ doc, index: at + 1, line: fence.line, code: fence.code })),
);

/**
 * What the examples use without defining: the reader's own functions, their ioredis client, and what an
 * earlier example on the same page made. Globals, so that an example defining one of these names shadows it
 * rather than clashing with it.
 */
const FREE_NAMES = `
declare function sendEmail(fields: Record<string, string>, options: { redelivered: boolean }): Promise<void>;
declare function chargeCard(fields: Record<string, string>): Promise<void>;
declare const redis: import('ioredis').Redis;
declare const stream: import('@streamscope/streams').EventStream;
declare const handler: import('@streamscope/streams').EntryHandler;
`;

/**
 * Typechecks every example as an ES module of this package (top-level await allowed), each a file that exists
 * only in memory, under the repo's tsconfig: its strict flags, and `@streamscope/streams` resolved to the
 * sources through the `@streamscope/source` condition. Answers the examples' diagnostics, by doc and line.
 */
function typecheck(blocks: readonly Example[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(repoDir, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
  };
  const sourceDir = path.join(packageDir, 'src');
  const files = new Map([[path.join(sourceDir, 'docs-examples.free-names.d.ts'), FREE_NAMES]]);
  const origins = new Map<string, Example>();
  for (const block of blocks) {
    const fileName = path.join(sourceDir, `docs-example.${block.doc.replace(/\W/g, '-')}.${block.index}.ts`);
    // One without imports would be a script, where top-level await is refused.
    files.set(fileName, `${block.code}\nexport {};\n`);
    origins.set(fileName, block);
  }
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (fileName) => files.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => files.get(fileName) ?? readFile.call(host, fileName);
  host.getSourceFile = (fileName, language, ...rest) => {
    const text = files.get(fileName);
    return text === undefined
      ? getSourceFile.call(host, fileName, language, ...rest)
      : ts.createSourceFile(fileName, text, language);
  };
  // The library's ambient declarations (for an untyped dependency), which the repo's tsconfig includes too.
  const ambient = readdirSync(sourceDir)
    .filter((name) => name.endsWith('.d.ts'))
    .map((name) => path.join(sourceDir, name));
  const program = ts.createProgram({ rootNames: [...ambient, ...files.keys()], options, host });
  // The examples' diagnostics only: `pnpm typecheck` checks the library, and checking it again takes seconds.
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...[...files.keys()].flatMap((fileName) => {
      const file = program.getSourceFile(fileName);
      return file ? [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)] : [];
    }),
  ];
  return diagnostics.map((diagnostic) => {
    const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n    ')}`;
    const file = diagnostic.file;
    if (!file || diagnostic.start === undefined) return message;
    const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start);
    const block = origins.get(file.fileName);
    if (!block) return `${path.relative(repoDir, file.fileName)}:${line + 1}:${character + 1} ${message}`;
    const code = block.code.split('\n')[line] ?? '';
    return `${block.doc}:${block.line + line}:${character + 1} (ts block ${block.index}) ${message}\n    > ${code.trim()}`;
  });
}

/**
 * A heading's anchor as GitHub makes it: the text as shown, lowercased, punctuation and symbols dropped but
 * hyphens and underscores, each space a hyphen ("WebSocket `/ws`" → `websocket-ws`).
 */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every heading's anchor in a doc, a repeated heading's with `-1`, `-2`… as GitHub numbers them. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, heading = ''] of blankCode(text, false).matchAll(
    /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/gm,
  )) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  return found;
}

describe('the docs', () => {
  it('have TypeScript examples, in the README and the library reference at least', () => {
    const pages = new Set(examples.map((example) => example.doc));
    expect(pages).toContain('README.md');
    expect(pages).toContain('docs/library.md');
  });

  it("hold TypeScript examples that typecheck against the library's API", () => {
    const problems = typecheck(examples);
    expect(problems, `\n${problems.join('\n')}\n`).toEqual([]);
  });

  it('link to files and headings that exist', () => {
    const broken: string[] = [];
    for (const [doc, text] of docs) {
      const prose = blankCode(text, true);
      for (const link of prose.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) {
        const target = link[1] ?? '';
        if (/^[a-z][a-z\d+.-]*:/i.test(target)) continue;
        const where = `${doc}:${prose.slice(0, link.index).split('\n').length}: (${target})`;
        const [file = '', anchor] = target.split('#');
        const resolved = path.relative(
          repoDir,
          path.resolve(repoDir, path.dirname(doc), file || path.basename(doc)),
        );
        if (!existsSync(path.join(repoDir, resolved))) {
          broken.push(`${where} no file ${resolved}`);
        } else if (anchor !== undefined && resolved.endsWith('.md')) {
          const headings = anchors(docs.get(resolved) ?? readFileSync(path.join(repoDir, resolved), 'utf8'));
          if (!headings.has(decodeURIComponent(anchor))) {
            broken.push(`${where} no heading in ${resolved} has that anchor: ${[...headings].join(', ')}`);
          }
        }
      }
    }
    expect(broken, `\n${broken.join('\n')}\n`).toEqual([]);
  });
});
