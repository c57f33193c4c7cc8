/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'fuse-mounter', rootDir: __dirname };
