// vqa2 eval (issue 8).
import { UsageError } from './output';

export async function cmdEval(args: string[]): Promise<number> {
  void args;
  throw new UsageError('not built yet');
}

