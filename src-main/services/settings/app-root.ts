// Finds the app's root folder (package.json of vqa2-studio) from a module's directory, so bundled
// code (out/main/…, out/main/chunks/…) and source (src-main/…) both find resources/.
import fs from 'node:fs';
import path from 'node:path';

export function findAppRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'vqa2-studio')
          return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`Cannot find the VQA² Studio folder above ${start}`);
    dir = up;
  }
}
