#!/usr/bin/env node
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const cli = join(__dirname, '..', 'out', 'node', 'cli.cjs');
if (!existsSync(cli)) {
  execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'build-node.mjs')], { stdio: 'inherit' });
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
