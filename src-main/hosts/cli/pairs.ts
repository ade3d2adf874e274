// vqa2 export, import-pairs (issue 6).
import { UsageError } from './output';

export async function cmdExport(args: string[]): Promise<number> {
  void args;
  throw new UsageError('not built yet');
}

export async function cmdImportPairs(args: string[]): Promise<number> {
  void args;
  throw new UsageError('not built yet');
}

