/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'trust-boundaries', rootDir: __dirname };
