/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'observability', rootDir: __dirname };
