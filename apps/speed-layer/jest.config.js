/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'speed-layer', rootDir: __dirname };
