// Preloaded (NODE_OPTIONS=--require) into a built fuse-mounter by the lazy-binding test: every
// require of fuse-native gets missing-libfuse.js instead, as on a machine without libfuse 2.
const Module = require('node:module');
const path = require('node:path');
const load = Module._load;
Module._load = function (request, ...rest) {
  return load.call(this, request === 'fuse-native' ? path.join(__dirname, 'missing-libfuse.js') : request, ...rest);
};
