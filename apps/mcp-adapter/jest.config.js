/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'mcp-adapter', rootDir: __dirname };
