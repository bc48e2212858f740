// Container entry point: starts the Postline service named by the first argument
// or by POSTLINE_SERVICE, with tsconfig-paths resolving the @postline/* aliases
// against the compiled tree. Plain Node, because the runtime image has no shell.
'use strict';
const path = require('node:path');

const SERVICES = ['list', 'campaign', 'render', 'submission', 'mta'];
const service = process.argv[2] || process.env.POSTLINE_SERVICE;
if (!SERVICES.includes(service)) {
  console.error(`usage: <image> ${SERVICES.join('|')}   (or set POSTLINE_SERVICE)`);
  process.exit(64);
}
process.env.TS_NODE_BASEURL = process.env.TS_NODE_BASEURL || '/app/dist';
process.env.TS_NODE_PROJECT = process.env.TS_NODE_PROJECT || '/app/tsconfig.base.json';
require('tsconfig-paths/register');
require(path.join(process.env.TS_NODE_BASEURL, 'services', service, 'src', 'main.js'));
