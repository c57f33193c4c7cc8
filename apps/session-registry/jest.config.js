/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'session-registry', rootDir: __dirname };
