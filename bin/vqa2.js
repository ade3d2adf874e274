#!/usr/bin/env node
// Entry of the `vqa2` command: runs the bundled CLI built by `npm run build` (done by `npm install`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const cli = path.join(__dirname, '..', 'out', 'main', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write(
    'vqa2: error NOT_BUILT: the CLI is not built yet; run `npm run build` (npm install does it).\n',
  );
  process.exit(3);
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
