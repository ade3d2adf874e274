// The layer boundaries are machine-checked by ESLint: these cases must stay errors, so that a
// config change that silently drops a zone fails here.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

// The snippets are not files of a TypeScript project, so the type-aware rules are switched off here;
// the import zones need no type information.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
    },
  },
});

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const fatal = (result?.messages ?? []).filter((m) => m.fatal);
  if (fatal.length) throw new Error(`ESLint could not parse the snippet: ${fatal[0]!.message}`);
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('layer boundaries (ESLint zones)', () => {
  it('refuses api/ and hosts/ imports in services', async () => {
    const msgs = await restrictedImports(
      'src-main/services/util/x.ts',
      "import { dispatch } from '../../api/dispatch';\nimport { startWebHost } from '../../hosts/web/server';\nexport const x = [dispatch, startWebHost];\n",
    );
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatch(/services\/ may not import api\/ or hosts\//);
  });

  it('refuses hosts/ imports in the API', async () => {
    const msgs = await restrictedImports(
      'src-main/api/x.ts',
      "import { startWebHost } from '../hosts/web/server';\nexport const x = startWebHost;\n",
    );
    expect(msgs).toHaveLength(1);
  });

  it('refuses electron everywhere in src-main but the Electron host', async () => {
    const code = "import { app } from 'electron';\nexport const x = app;\n";
    expect(await restrictedImports('src-main/services/x.ts', code)).toHaveLength(1);
    expect(await restrictedImports('src-main/hosts/cli/x.ts', code)).toHaveLength(1);
    expect(await restrictedImports('src-main/hosts/electron/x.ts', code)).toHaveLength(0);
  });

  it('refuses Node built-ins and main-process code at any depth in the renderer', async () => {
    const code =
      "import fs from 'fs';\nimport path from 'node:path';\nimport { x } from '../../../../src-main/services/util/prng';\nexport const y = [fs, path, x];\n";
    expect(await restrictedImports('src-renderer/src/features/a/b/x.ts', code)).toHaveLength(3);
  });

  it('keeps the renderer layered: common/ below features/ below app/', async () => {
    const up =
      "import { AppShell } from '../../app/AppShell';\nimport { LibraryView } from '../../features/library/LibraryView';\nexport const y = [AppShell, LibraryView];\n";
    expect(await restrictedImports('src-renderer/src/common/ui/x.ts', up)).toHaveLength(2);
    expect(await restrictedImports('src-renderer/src/features/pairs/x.ts', up)).toHaveLength(1);
    // the Node and main-process bans still hold inside those zones
    expect(
      await restrictedImports(
        'src-renderer/src/common/x.ts',
        "import fs from 'fs';\nexport const y = fs;\n",
      ),
    ).toHaveLength(1);
    const down =
      "import { useCall } from '../../common/data/useCall';\nimport { ScoreDetail } from '../scoring/ScoreDetail';\nexport const y = [useCall, ScoreDetail];\n";
    expect(await restrictedImports('src-renderer/src/features/library/x.ts', down)).toHaveLength(0);
  });

  it('keeps the contract free of Node and of the app layers', async () => {
    const code =
      "import os from 'os';\nimport { x } from '../src-main/services/util/prng';\nexport const y = [os, x];\n";
    expect(await restrictedImports('src-shared/contract-x.ts', code)).toHaveLength(2);
  });

  it('lets layers import downward', async () => {
    const code =
      "import { dispatch } from '../api/dispatch';\nimport { mulberry32 } from '../services/util/prng';\nexport const y = [dispatch, mulberry32];\n";
    expect(await restrictedImports('src-main/hosts/x.ts', code)).toHaveLength(0);
  });
});
